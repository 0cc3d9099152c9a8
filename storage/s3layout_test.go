package storage_test

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/bukti-id/bukti/storage"
)

// bucketObjects lists every object of the test bucket: name → size.
func bucketObjects(t *testing.T, cfg storage.Config) map[string]int64 {
	t.Helper()
	c := adminClient(t, requireS3(t))
	out := map[string]int64{}
	for obj := range c.ListObjects(t.Context(), cfg.S3.Bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err != nil {
			t.Fatalf("list bucket: %v", obj.Err)
		}
		out[obj.Key] = obj.Size
	}
	return out
}

// TestS3WritesEachByteOnce: a committed blob's bytes are in the bucket
// once, in the data object Stage wrote (a single PUT for a small blob, a
// multipart upload past one part); its key holds only an empty pointer to
// them. Nothing else is left.
func TestS3WritesEachByteOnce(t *testing.T) {
	t.Parallel()
	b := backends()[1]
	st, cfg := openStore(t, b)
	small := "Surat keputusan tim mutu"
	const large = 40 << 20 // two parts
	smallKey, _, _ := put(t, st, strings.NewReader(small))
	largeKey, _, _ := put(t, st, io.LimitReader(rand.NewChaCha8([32]byte{7}), large))

	objs := bucketObjects(t, cfg)
	if len(objs) != 4 {
		t.Fatalf("bucket holds %v, want two data objects and two pointers", objs)
	}
	for key, size := range map[string]int64{smallKey: int64(len(small)), largeKey: large} {
		var pointer string
		for name, n := range objs {
			if strings.HasPrefix(name, key+"/") {
				pointer = name
				if n != 0 {
					t.Errorf("pointer %s holds %d bytes, want 0", name, n)
				}
			}
		}
		if pointer == "" {
			t.Fatalf("no pointer under %s in %v", key, objs)
		}
		data := "data/" + pointer[len(key)+1:]
		if n, ok := objs[data]; !ok || n != size {
			t.Errorf("data object %s: %d bytes (present %v), want %d", data, n, ok, size)
		}
		if _, ok := objs[key]; ok {
			t.Errorf("%s itself is an object: the bytes were copied to the key", key)
		}
	}
}

// TestS3ReadsBlobsOfEarlierVersions: a blob stored whole under its key, as
// versions that copied the staged object to the key did, is listed, read,
// sized and deleted as it is, without a migration; committing the same
// bytes again keeps it (created false, its time refreshed) and leaves
// nothing staged.
func TestS3ReadsBlobsOfEarlierVersions(t *testing.T) {
	t.Parallel()
	b := backends()[1]
	st, cfg := openStore(t, b)
	ctx := t.Context()
	content := "Notulen rapat tinjauan manajemen 2023"
	key := mustKey(t, sha256Hex(content))
	admin := adminClient(t, requireS3(t))
	if _, err := admin.PutObject(ctx, cfg.S3.Bucket, key, strings.NewReader(content), int64(len(content)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if n, sum := readBlob(t, st, key); n != int64(len(content)) || sum != sha256Hex(content) {
		t.Errorf("Open: %d bytes, sum %s; want %d, %s", n, sum, len(content), sha256Hex(content))
	}
	if n, err := st.Size(ctx, key); err != nil || n != int64(len(content)) {
		t.Errorf("Size = %d, %v; want %d", n, err, len(content))
	}
	time.Sleep(1100 * time.Millisecond) // S3 times are whole seconds
	before := time.Now().Truncate(time.Second)
	if _, _, created := put(t, st, strings.NewReader(content)); created {
		t.Error("Commit of the bytes of an earlier version's blob: created = true, want false")
	}
	noStaged(t, b, cfg)
	var listed []storage.BlobInfo
	for bi, err := range st.Blobs(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, bi)
	}
	if len(listed) != 1 || listed[0].Key != key || listed[0].Size != int64(len(content)) || listed[0].Modified.Before(before) {
		t.Errorf("Blobs = %+v, want %s with %d bytes, modified at or after %v", listed, key, len(content), before)
	}
	if objs := bucketObjects(t, cfg); len(objs) != 1 {
		t.Errorf("bucket holds %v, want the blob alone", objs)
	}
	if err := st.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if objs := bucketObjects(t, cfg); len(objs) != 0 {
		t.Errorf("after Delete the bucket holds %v", objs)
	}
}

// TestS3ReadsThumbnailsOfEarlierVersions: a thumbnail stored whole under
// its key, as versions before the pointers wrote it, is listed by Thumbs
// (and by nothing else), read and deleted as it is, and is no leftover.
func TestS3ReadsThumbnailsOfEarlierVersions(t *testing.T) {
	t.Parallel()
	b := backends()[1]
	st, cfg := openStore(t, b)
	ctx := t.Context()
	thumb := "\xff\xd8 a thumbnail written by an earlier version"
	key, err := storage.ThumbKey(sha256Hex("the photo"), 9, storage.ThumbImage)
	if err != nil {
		t.Fatal(err)
	}
	admin := adminClient(t, requireS3(t))
	if _, err := admin.PutObject(ctx, cfg.S3.Bucket, key, strings.NewReader(thumb), int64(len(thumb)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if n, sum := readBlob(t, st, key); n != int64(len(thumb)) || sum != sha256Hex(thumb) {
		t.Errorf("Open: %d bytes, sum %s; want %d, %s", n, sum, len(thumb), sha256Hex(thumb))
	}
	var listed []storage.BlobInfo
	for bi, err := range st.Thumbs(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, bi)
	}
	if len(listed) != 1 || listed[0].Key != key || listed[0].Size != int64(len(thumb)) {
		t.Errorf("Thumbs = %+v, want %s with %d bytes", listed, key, len(thumb))
	}
	for bi, err := range st.Blobs(ctx) {
		t.Errorf("Blobs yields %+v, %v; want nothing", bi, err)
	}
	for l, err := range st.Leftovers(ctx, time.Now().Add(time.Hour)) {
		t.Errorf("Leftovers yields %+v, %v; want nothing", l, err)
	}
	if err := st.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if objs := bucketObjects(t, cfg); len(objs) != 0 {
		t.Errorf("after Delete the bucket holds %v", objs)
	}
}

// TestS3PointerToNothing: when a blob's data object is gone (removed
// behind the store's back), the blob is missing everywhere — Open and Size
// say ErrNotFound, Blobs leaves it out — and uploading the bytes again
// stores them anew instead of trusting the stale pointer.
func TestS3PointerToNothing(t *testing.T) {
	t.Parallel()
	b := backends()[1]
	st, cfg := openStore(t, b)
	ctx := t.Context()
	content := []byte("Daftar tilik sterilisasi alat")
	key, _, _ := put(t, st, bytes.NewReader(content))
	admin := adminClient(t, requireS3(t))
	for name := range bucketObjects(t, cfg) {
		if strings.HasPrefix(name, "data/") {
			if err := admin.RemoveObject(ctx, cfg.S3.Bucket, name, minio.RemoveObjectOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := st.Open(ctx, key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Open = %v, want ErrNotFound", err)
	}
	if _, err := st.Size(ctx, key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Size = %v, want ErrNotFound", err)
	}
	for bi, err := range st.Blobs(ctx) {
		t.Errorf("Blobs yields %+v, %v; want nothing", bi, err)
	}
	if _, _, created := put(t, st, bytes.NewReader(content)); !created {
		t.Error("Commit after the data was lost: created = false, want true")
	}
	if n, sum := readBlob(t, st, key); n != int64(len(content)) || sum != sha256Hex(string(content)) {
		t.Errorf("after uploading again: %d bytes, sum %s", n, sum)
	}
	if err := st.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if objs := bucketObjects(t, cfg); len(objs) != 0 {
		t.Errorf("after Delete the bucket holds %v", objs)
	}
}
