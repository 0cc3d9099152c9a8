package integrity_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/storage"
)

// TestCheckBothS3Layouts: a bucket holding what earlier versions wrote
// (blobs and thumbnails stored whole under their keys, staged objects
// under tmp/) beside what this version writes (data objects and pointers)
// is checked as one: recorded blobs of both layouts are clean and verify;
// orphans, orphan thumbnails and leftovers of both are reported, and
// removed by a repair, which leaves the recorded blobs readable and
// nothing else in the bucket.
func TestCheckBothS3Layouts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := testenv.StoreConfig(t, "s3")
	st, err := storage.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := minio.New(cfg.S3.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.S3.AccessKey, cfg.S3.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	objects := func() []string {
		var out []string
		for obj := range admin.ListObjects(ctx, cfg.S3.Bucket, minio.ListObjectsOptions{Recursive: true}) {
			if obj.Err != nil {
				t.Fatal(obj.Err)
			}
			out = append(out, obj.Key)
		}
		return out
	}
	putWhole := func(name string, data []byte) {
		t.Helper()
		if _, err := admin.PutObject(ctx, cfg.S3.Bucket, name, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	e := newEnvOn(t, "sqlite", st)

	newKey, _ := e.upload(t, "SK tim mutu") // this version's layout
	// A recorded blob as an earlier version stored it: whole, under its key.
	oldKey, _ := e.upload(t, "SOP pemberdayaan")
	if err := st.Delete(ctx, oldKey); err != nil {
		t.Fatal(err)
	}
	putWhole(oldKey, testenv.PDF("SOP pemberdayaan"))
	recorded := objects()

	orphan := func(content string) (key, sum string) {
		s := sha256.Sum256([]byte(content))
		sum = hex.EncodeToString(s[:])
		key, err := storage.Key(sum)
		if err != nil {
			t.Fatal(err)
		}
		return key, sum
	}
	oldOrphan, oldOrphanSum := orphan("an orphan stored whole")
	putWhole(oldOrphan, []byte("an orphan stored whole"))
	oldThumb, err := storage.ThumbKey(oldOrphanSum, 22, storage.ThumbImage)
	if err != nil {
		t.Fatal(err)
	}
	putWhole(oldThumb, []byte("\xff\xd8 its thumbnail"))
	putWhole("tmp/"+strings.Repeat("ab", 16), []byte("staged by an earlier version"))

	newOrphan, _ := orphan("an orphan behind a pointer")
	tmp, err := st.Stage(ctx, strings.NewReader("an orphan behind a pointer"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Commit(ctx, tmp, newOrphan); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Stage(ctx, strings.NewReader("an upload killed before its commit")); err != nil {
		t.Fatal(err)
	}

	if rep := e.check(t, integrity.Options{VerifyContent: true}); len(rep.Problems) != 0 || rep.Blobs != 4 || rep.Thumbs != 1 {
		t.Errorf("within the grace period: %v, %d blobs, %d thumbnails; want no problem, 4 blobs, 1 thumbnail", kinds(rep), rep.Blobs, rep.Thumbs)
	}
	later := integrity.Options{Now: func() time.Time { return time.Now().Add(25 * time.Hour) }}
	rep := e.check(t, later)
	got := kinds(rep)
	want := []string{"orphan " + newOrphan, "orphan " + oldOrphan, "orphan_thumbnail " + oldThumb}
	var leftovers []string
	for _, k := range got {
		if strings.HasPrefix(k, "leftover ") {
			leftovers = append(leftovers, k)
		}
	}
	got = slices.DeleteFunc(got, func(k string) bool { return strings.HasPrefix(k, "leftover ") })
	slices.Sort(want)
	if !slices.Equal(got, want) || len(leftovers) != 2 || !slices.ContainsFunc(leftovers, func(k string) bool { return strings.HasPrefix(k, "leftover tmp/") }) ||
		!slices.ContainsFunc(leftovers, func(k string) bool { return strings.HasPrefix(k, "leftover data/") }) {
		t.Errorf("problems %v, want %v and leftovers under data/ and tmp/", kinds(rep), want)
	}
	later.Repair = true
	if rep := e.check(t, later); rep.Remaining() != 0 || len(rep.Problems) != 5 {
		t.Errorf("repair: %v, want all five removed", kinds(rep))
	}
	later.Repair, later.VerifyContent = false, true
	if rep := e.check(t, later); len(rep.Problems) != 0 || rep.Blobs != 2 || rep.Thumbs != 0 {
		t.Errorf("after repair: %v, %d blobs, %d thumbnails; want clean, the 2 recorded blobs", kinds(rep), rep.Blobs, rep.Thumbs)
	}
	if left := objects(); !slices.Equal(left, recorded) {
		t.Errorf("after repair the bucket holds %v, want the recorded blobs' objects %v", left, recorded)
	}
	for _, key := range []string{newKey, oldKey} {
		if err := integrity.Verify(ctx, st, key, key[len(key)-64:]); err != nil {
			t.Errorf("recorded blob %s after repair: %v", key, err)
		}
	}
}
