package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

const (
	// s3PartSize is the multipart upload part size, and so the memory one
	// Stage holds, whatever the blob's size. With S3's 10,000-part limit it
	// caps a blob at about 78 GiB.
	s3PartSize = 8 << 20
	// s3ConnectTimeout bounds New's reachability check, which minio-go
	// would otherwise retry for a long time against a silent host.
	s3ConnectTimeout = 30 * time.Second
	// s3CleanupTimeout bounds the removal of a failed staging upload, which
	// runs even when the caller's context is already canceled.
	s3CleanupTimeout = time.Minute
)

// s3Store keeps blobs as objects named by their key in one bucket, and
// stages them as objects under tmp/ in the same bucket.
type s3Store struct {
	client *minio.Client
	bucket string
	name   string
}

// newS3 connects to the server, checks the credentials and makes sure the
// bucket exists.
func newS3(ctx context.Context, cfg S3Config) (Store, error) {
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.UseSSL,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("storage: S3 endpoint %q: %w (check BUKTI_S3_ENDPOINT)", cfg.Endpoint, err)
	}
	s := &s3Store{client: client, bucket: cfg.Bucket}
	s.name = "s3 " + client.EndpointURL().String() + "/" + cfg.Bucket

	ctx, cancel := context.WithTimeout(ctx, s3ConnectTimeout)
	defer cancel()
	exists, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, s.connectError(err)
	}
	if exists {
		return s, nil
	}
	err = client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region})
	if err != nil {
		switch s3Code(err) {
		case minio.BucketAlreadyOwnedByYou: // created concurrently by another process
		case minio.BucketAlreadyExists:
			return nil, fmt.Errorf("storage: create bucket %q on %s: the name is taken by another account: choose another BUKTI_S3_BUCKET: %w",
				cfg.Bucket, s.endpoint(), err)
		default:
			return nil, fmt.Errorf("storage: create bucket %q on %s: %w (check that BUKTI_S3_ACCESS_KEY may create buckets, or create it yourself)",
				cfg.Bucket, s.endpoint(), err)
		}
	}
	return s, nil
}

// endpoint is the server URL, for messages.
func (s *s3Store) endpoint() string { return s.client.EndpointURL().String() }

// connectError explains a failed first request to the server.
func (s *s3Store) connectError(err error) error {
	switch s3Code(err) {
	case "":
		var uerr *url.Error
		if errors.As(err, &uerr) || errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("storage: cannot reach S3 server at %s: %w "+
				"(check BUKTI_S3_ENDPOINT and BUKTI_S3_USE_SSL, and that the server is running)", s.endpoint(), err)
		}
	case minio.AccessDenied, minio.InvalidAccessKeyID, minio.SignatureDoesNotMatch:
		return fmt.Errorf("storage: S3 server at %s refused the credentials: %w "+
			"(check BUKTI_S3_ACCESS_KEY and BUKTI_S3_SECRET_KEY, and that the account may use bucket %q)", s.endpoint(), err, s.bucket)
	}
	return fmt.Errorf("storage: check bucket %q on %s: %w (check BUKTI_S3_ENDPOINT, BUKTI_S3_USE_SSL and the credentials)",
		s.bucket, s.endpoint(), err)
}

// Name reports the backend, endpoint URL and bucket.
func (s *s3Store) Name() string { return s.name }

// Stage uploads r as a multipart upload of unknown size into tmp/<random>,
// holding one part in memory at a time.
func (s *s3Store) Stage(ctx context.Context, r io.Reader) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("storage: stage: %w", err)
	}
	tmp, err := newTmpName()
	if err != nil {
		return "", err
	}
	_, err = s.client.PutObject(ctx, s.bucket, tmp, ctxReader{ctx: ctx, r: r}, -1, minio.PutObjectOptions{
		PartSize:    s3PartSize,
		ContentType: "application/octet-stream",
	})
	if err != nil {
		err = fmt.Errorf("storage: stage to %s: %w", s.name, err)
		if cerr := s.cleanupStage(ctx, tmp); cerr != nil {
			err = errors.Join(err, cerr)
		}
		return "", err
	}
	return tmp, nil
}

// cleanupStage removes whatever a failed upload left: minio-go aborts the
// multipart upload itself but ignores the abort's own failure, so this makes
// sure, on a context that outlives a canceled ctx.
func (s *s3Store) cleanupStage(ctx context.Context, tmp string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s3CleanupTimeout)
	defer cancel()
	err := s.client.RemoveIncompleteUpload(ctx, s.bucket, tmp)
	if err == nil {
		err = s.remove(ctx, tmp)
	}
	if err != nil {
		return fmt.Errorf("storage: clean up failed upload %s in %s: %w", tmp, s.name, err)
	}
	return nil
}

// Commit copies the staged object to key on the server (no bytes pass
// through this process), then removes the staged object.
func (s *s3Store) Commit(ctx context.Context, tmp, key string) (bool, error) {
	if err := checkTmp(tmp); err != nil {
		return false, err
	}
	if err := checkKey(key); err != nil {
		return false, err
	}
	_, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	created := isNoSuchKey(err)
	if err != nil && !created {
		return false, fmt.Errorf("storage: commit %s: stat in %s: %w", key, s.name, err)
	}
	// The copy also runs when key exists (same bytes): S3 cannot refresh
	// an object's time otherwise, and the contract wants it fresh.
	// ComposeObject is CopyObject up to 5 GiB and a multipart copy above,
	// where a plain CopyObject would be refused.
	_, err = s.client.ComposeObject(ctx,
		minio.CopyDestOptions{Bucket: s.bucket, Object: key},
		minio.CopySrcOptions{Bucket: s.bucket, Object: tmp})
	if isNoSuchKey(err) {
		return false, fmt.Errorf("storage: commit %s to %s: staged object not found (already committed or discarded?): %w", tmp, key, err)
	}
	if err != nil {
		return false, fmt.Errorf("storage: commit %s to %s in %s: %w", tmp, key, s.name, err)
	}
	if err := s.remove(ctx, tmp); err != nil {
		return false, fmt.Errorf("storage: commit %s: remove staged object %s: %w", key, tmp, err)
	}
	return created, nil
}

// Discard removes a staged object; a missing one is not an error.
func (s *s3Store) Discard(ctx context.Context, tmp string) error {
	if err := checkTmp(tmp); err != nil {
		return err
	}
	if err := s.remove(ctx, tmp); err != nil {
		return fmt.Errorf("storage: discard %s in %s: %w", tmp, s.name, err)
	}
	return nil
}

// Open returns the object, after a HEAD request that turns a missing object
// into ErrNotFound now rather than on the first Read. The returned
// *minio.Object also implements io.Seeker and io.ReaderAt.
func (s *s3Store) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, s.objectError(key, err)
	}
	if _, err := obj.Stat(); err != nil {
		_ = obj.Close() // the Stat error is the one to report
		return nil, s.objectError(key, err)
	}
	return obj, nil
}

// Size returns the object's size from a HEAD request.
func (s *s3Store) Size(ctx context.Context, key string) (int64, error) {
	if err := checkKey(key); err != nil {
		return 0, err
	}
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return 0, s.objectError(key, err)
	}
	return info.Size, nil
}

// Delete removes the object; a missing one is not an error.
func (s *s3Store) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := s.remove(ctx, key); err != nil {
		return fmt.Errorf("storage: delete %s in %s: %w", key, s.name, err)
	}
	return nil
}

// remove deletes an object, treating a missing one as success. (S3 already
// does; some compatible servers answer NoSuchKey.)
func (s *s3Store) remove(ctx context.Context, name string) error {
	err := s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{})
	if err != nil && !isNoSuchKey(err) {
		return err
	}
	return nil
}

// objectError wraps an error about key, adding ErrNotFound for NoSuchKey.
func (s *s3Store) objectError(key string, err error) error {
	if isNoSuchKey(err) {
		return fmt.Errorf("%w: %s in %s", ErrNotFound, key, s.name)
	}
	return fmt.Errorf("storage: %s in %s: %w", key, s.name, err)
}

// s3Code is the S3 error code carried by err, or "". Unlike
// minio.ToErrorResponse it also finds the response inside wrapped errors.
func s3Code(err error) string {
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		return resp.Code
	}
	return ""
}

// isNoSuchKey reports whether err says the object does not exist.
func isNoSuchKey(err error) bool { return err != nil && s3Code(err) == minio.NoSuchKey }
