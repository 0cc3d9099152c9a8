package storage

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	mrand "math/rand/v2"
	"os"
	"sync"
	"testing"

	"github.com/minio/minio-go/v7"
)

// testS3 opens an S3 store on a fresh bucket of the test server (see
// scripts/test.sh) whose uploads take their parts from pool.
func testS3(t *testing.T, pool *partPool) *s3Store {
	t.Helper()
	env := func(k string) string {
		v := os.Getenv(k)
		if v == "" {
			t.Fatalf("%s is not set: run the suite with scripts/test.sh, which starts MinIO", k)
		}
		return v
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	cfg := S3Config{Endpoint: env("BUKTI_TEST_S3_ENDPOINT"), AccessKey: env("BUKTI_TEST_S3_ACCESS_KEY"),
		SecretKey: env("BUKTI_TEST_S3_SECRET_KEY"), Bucket: "bukti-test-" + hex.EncodeToString(b[:])}
	st, err := newS3(t.Context(), cfg, DefaultTimeout)
	if err != nil {
		t.Fatal(err)
	}
	s := st.(*s3Store)
	s.parts = pool
	t.Cleanup(func() {
		ctx := context.Background()
		for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Recursive: true}) {
			_ = s.client.RemoveObject(ctx, s.bucket, obj.Key, minio.RemoveObjectOptions{})
		}
		_ = s.client.RemoveBucket(ctx, s.bucket)
	})
	return s
}

// TestPartPool uploads blobs of one, two and a half, and three parts,
// several at once, through pools with no buffer in memory (every part in
// a temporary file), one and four, of S3's smallest part size (5 MiB) to
// keep the test short: every blob reads back
// whole, no temporary file stays, and no more buffers exist than the pool
// allows.
func TestPartPool(t *testing.T) {
	t.Parallel()
	const partSize = 5 << 20
	for _, buffers := range []int{0, 1, 4} {
		t.Run("buffers "+string(rune('0'+buffers)), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			pool := newPartPool(partSize, buffers, func() string { return dir })
			s := testS3(t, pool)
			sizes := []int64{1 << 10, partSize*2 + partSize/2, 3 * partSize}
			var wg sync.WaitGroup
			for i, size := range sizes {
				wg.Go(func() {
					ctx := t.Context()
					src := io.LimitReader(mrand.NewChaCha8([32]byte{byte(i)}), size)
					h := sha256.New()
					tmp, err := s.Stage(ctx, io.TeeReader(src, h))
					if err != nil {
						t.Errorf("Stage %d bytes: %v", size, err)
						return
					}
					sum := hex.EncodeToString(h.Sum(nil))
					key, _ := Key(sum)
					if _, err := s.Commit(ctx, tmp, key); err != nil {
						t.Errorf("Commit: %v", err)
						return
					}
					rc, err := s.Open(ctx, key)
					if err != nil {
						t.Errorf("Open: %v", err)
						return
					}
					defer rc.Close()
					h.Reset()
					n, err := io.Copy(h, rc)
					if err != nil || n != size || hex.EncodeToString(h.Sum(nil)) != sum {
						t.Errorf("read back %d of %d bytes (%v), sum %x, want %s", n, size, err, h.Sum(nil), sum)
					}
				})
			}
			wg.Wait()
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("temporary part files left: %d", len(entries))
			}
			if allocated := buffers - len(pool.slots); allocated > buffers || len(pool.free) != allocated {
				t.Errorf("%d buffers allocated, %d free; want at most %d, all free", allocated, len(pool.free), buffers)
			}
		})
	}
}

// TestPartChecksum: a part whose bytes do not match the checksum it is
// sent with is refused by the server, not stored.
func TestPartChecksum(t *testing.T) {
	t.Parallel()
	s := testS3(t, newPartPool(s3PartSize, 1, os.TempDir))
	p, err := s.parts.get()
	if err != nil {
		t.Fatal(err)
	}
	defer p.release()
	if _, err := p.fill(bytes.NewReader([]byte("isi yang dikirim"))); err != nil {
		t.Fatal(err)
	}
	sum := p.checksum()
	p.buf[0] ^= 1 // damaged after the checksum was taken
	body, err := p.reader()
	if err != nil {
		t.Fatal(err)
	}
	core := minio.Core{Client: s.client}
	_, err = core.PutObject(t.Context(), s.bucket, "data/damaged", body, p.n, "", "", minio.PutObjectOptions{
		DisableContentSha256: true, UserMetadata: map[string]string{checksumHeader: sum}})
	if err == nil {
		t.Fatal("the server stored a part that does not match its checksum")
	}
	if _, err := s.client.StatObject(t.Context(), s.bucket, "data/damaged", minio.StatObjectOptions{}); !isNoSuchKey(err) {
		t.Errorf("after the refusal: %v, want no such object", err)
	}
	// The same for a part of a multipart upload, sent as upload sends it.
	id, err := core.NewMultipartUpload(t.Context(), s.bucket, "data/damaged", minio.PutObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer core.AbortMultipartUpload(context.Background(), s.bucket, "data/damaged", id)
	if body, err = p.reader(); err != nil {
		t.Fatal(err)
	}
	if _, err := core.PutObjectPart(t.Context(), s.bucket, "data/damaged", id, 1, body, p.n, minio.PutObjectPartOptions{
		DisableContentSha256: true, CustomHeader: map[string][]string{checksumHeader: {sum}}}); err == nil {
		t.Error("the server took a part that does not match its checksum")
	}
}
