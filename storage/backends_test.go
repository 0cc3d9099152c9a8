package storage_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/bukti-id/bukti/storage"
)

// backend is one real Store implementation the contract tests run against.
type backend struct {
	name string
	// config returns the configuration of a fresh, empty store of this
	// backend, cleaned up when t ends.
	config func(t *testing.T) storage.Config
	// staged lists what staging left in the store configured by cfg: staged
	// files, staged objects and unfinished multipart uploads.
	staged func(t *testing.T, cfg storage.Config) []string
	// exclusiveCommit is true when concurrent Commits of one key report
	// created exactly once.
	exclusiveCommit bool
	// interrupt leaves behind what a process killed during uploads would,
	// behind the store's back, and returns how many leftovers that is.
	interrupt func(t *testing.T, cfg storage.Config) int
}

// backends are all real: a temporary directory and a MinIO server.
func backends() []backend {
	return []backend{
		{
			name:            "filesystem",
			config:          func(t *testing.T) storage.Config { return storage.Config{Dir: t.TempDir()} },
			staged:          fsStaged,
			exclusiveCommit: true,
			interrupt:       fsInterrupt,
		},
		{
			name:      "s3",
			config:    s3Config,
			staged:    s3Staged,
			interrupt: s3Interrupt,
		},
	}
}

// fsStaged lists the files in the filesystem store's staging directory.
func fsStaged(t *testing.T, cfg storage.Config) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(cfg.Dir, "tmp"))
	if err != nil {
		t.Fatalf("list staging directory: %v", err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, "tmp/"+e.Name())
	}
	return names
}

// fsInterrupt writes a staged file, as a server killed after staging
// leaves it.
func fsInterrupt(t *testing.T, cfg storage.Config) int {
	t.Helper()
	if err := os.WriteFile(filepath.Join(cfg.Dir, "tmp", randomHex(t, 16)), []byte("half an upload"), 0o600); err != nil {
		t.Fatal(err)
	}
	return 1
}

// s3Interrupt leaves a data object no pointer names and a multipart
// upload with one part uploaded, as servers killed after staging and
// during staging leave them, and a staged object of an earlier version
// (which staged under tmp/).
func s3Interrupt(t *testing.T, cfg storage.Config) int {
	t.Helper()
	ctx := t.Context()
	env := requireS3(t)
	admin := adminClient(t, env)
	for _, name := range []string{"data/" + randomHex(t, 16), "tmp/" + randomHex(t, 16)} {
		if _, err := admin.PutObject(ctx, cfg.S3.Bucket, name, strings.NewReader("staged"), 6, minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	core := minio.Core{Client: admin}
	name := "data/" + randomHex(t, 16)
	id, err := core.NewMultipartUpload(ctx, cfg.S3.Bucket, name, minio.PutObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	part := strings.Repeat("x", 5<<20)
	if _, err := core.PutObjectPart(ctx, cfg.S3.Bucket, name, id, 1, strings.NewReader(part), int64(len(part)), minio.PutObjectPartOptions{}); err != nil {
		t.Fatal(err)
	}
	return 3
}

// s3Env is the test MinIO server's address and credentials, which
// scripts/test.sh exports after starting the server.
type s3Env struct {
	endpoint, accessKey, secretKey string
}

// requireS3 reads the test server's settings or fails the test: the S3
// backend is part of the suite, never silently skipped.
func requireS3(t *testing.T) s3Env {
	t.Helper()
	env := s3Env{
		endpoint:  os.Getenv("BUKTI_TEST_S3_ENDPOINT"),
		accessKey: os.Getenv("BUKTI_TEST_S3_ACCESS_KEY"),
		secretKey: os.Getenv("BUKTI_TEST_S3_SECRET_KEY"),
	}
	if env.endpoint == "" {
		t.Fatal("BUKTI_TEST_S3_ENDPOINT is not set: run the suite with scripts/test.sh, which starts MinIO")
	}
	if env.accessKey == "" || env.secretKey == "" {
		t.Fatal("BUKTI_TEST_S3_ACCESS_KEY or BUKTI_TEST_S3_SECRET_KEY is not set: run the suite with scripts/test.sh, which starts MinIO")
	}
	return env
}

// adminClient is a plain minio-go client on the test server, used to look
// behind the Store's back and to clean up.
func adminClient(t *testing.T, env s3Env) *minio.Client {
	t.Helper()
	c, err := minio.New(env.endpoint, &minio.Options{Creds: credentials.NewStaticV4(env.accessKey, env.secretKey, "")})
	if err != nil {
		t.Fatalf("minio client for %s: %v", env.endpoint, err)
	}
	return c
}

// randomHex returns n random bytes as lower-case hex.
func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// s3Config returns a configuration for a fresh bucket of its own (New
// creates it), removed with everything in it when t ends.
func s3Config(t *testing.T) storage.Config {
	t.Helper()
	env := requireS3(t)
	bucket := "bukti-test-" + randomHex(t, 8)
	admin := adminClient(t, env)
	t.Cleanup(func() { removeBucket(t, admin, bucket) })
	return storage.Config{S3: storage.S3Config{
		Endpoint:  env.endpoint,
		Bucket:    bucket,
		AccessKey: env.accessKey,
		SecretKey: env.secretKey,
	}}
}

// removeBucket empties and removes a test bucket, if it was created.
func removeBucket(t *testing.T, c *minio.Client, bucket string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if ok, err := c.BucketExists(ctx, bucket); err != nil || !ok {
		return
	}
	for obj := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err != nil {
			t.Errorf("clean up bucket %s: list: %v", bucket, obj.Err)
			return
		}
		if err := c.RemoveObject(ctx, bucket, obj.Key, minio.RemoveObjectOptions{}); err != nil {
			t.Errorf("clean up bucket %s: remove %s: %v", bucket, obj.Key, err)
		}
	}
	for up := range c.ListIncompleteUploads(ctx, bucket, "", true) {
		if up.Err == nil {
			_ = c.RemoveIncompleteUpload(ctx, bucket, up.Key)
		}
	}
	if err := c.RemoveBucket(ctx, bucket); err != nil {
		t.Errorf("clean up bucket %s: %v", bucket, err)
	}
}

// s3Staged lists the data objects no pointer names, staged objects under
// tmp/ (of earlier versions) and unfinished uploads of either. A pointer
// is sha256/ab/cd/<sum>/<id> and names data/<id>.
func s3Staged(t *testing.T, cfg storage.Config) []string {
	t.Helper()
	ctx := context.Background()
	c := adminClient(t, requireS3(t))
	named := map[string]bool{} // by the pointers of blobs and thumbnails
	for _, prefix := range []string{"sha256/", "thumb/"} {
		for obj := range c.ListObjects(ctx, cfg.S3.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
			if obj.Err != nil {
				t.Fatalf("list pointers: %v", obj.Err)
			}
			if parts := strings.Split(obj.Key, "/"); len(parts) == 5 {
				named["data/"+parts[4]] = true
			}
		}
	}
	var names []string
	for _, prefix := range []string{"data/", "tmp/"} {
		for obj := range c.ListObjects(ctx, cfg.S3.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
			if obj.Err != nil {
				t.Fatalf("list staged objects: %v", obj.Err)
			}
			if !named[obj.Key] {
				names = append(names, obj.Key)
			}
		}
	}
	// MinIO lists multipart uploads only for an exact object name or an
	// empty prefix, so list them all and filter here.
	for up := range c.ListIncompleteUploads(ctx, cfg.S3.Bucket, "", true) {
		if up.Err != nil {
			t.Fatalf("list incomplete uploads: %v", up.Err)
		}
		if strings.HasPrefix(up.Key, "tmp/") || strings.HasPrefix(up.Key, "data/") {
			names = append(names, "incomplete upload "+up.Key)
		}
	}
	return names
}
