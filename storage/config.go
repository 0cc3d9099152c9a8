package storage

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/minio/minio-go/v7/pkg/s3utils"
)

// Config chooses and configures the blob store. The S3 backend is used when
// S3.Endpoint is set, the filesystem backend otherwise.
type Config struct {
	// Dir is the filesystem backend's root directory (BUKTI_DATA_DIR). It is
	// required, and only used, when S3.Endpoint is empty.
	Dir string
	// S3 configures the S3-compatible backend.
	S3 S3Config
	// Timeout bounds every operation of the store except the streaming
	// of a blob's bytes (BUKTI_BLOB_TIMEOUT); 0 is DefaultTimeout. An
	// operation that runs out of time fails with ErrUnavailable. On S3 it
	// is also the connection's dial, response-header and idle timeout, so
	// a server that stops answering cannot hold a request.
	Timeout time.Duration
	// MinFreeBytes is the free space below which the filesystem store's
	// Check reports ErrNoSpace (BUKTI_MIN_FREE_BYTES); 0: no minimum.
	MinFreeBytes int64
}

// timeout is c.Timeout or its default.
func (c Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

// S3Config configures the S3-compatible backend. Every field but Region and
// UseSSL is required once Endpoint is set.
type S3Config struct {
	// Endpoint is the server's host[:port], without a scheme or path
	// (BUKTI_S3_ENDPOINT), e.g. "127.0.0.1:9000" or "s3.amazonaws.com".
	Endpoint string
	// Bucket holds the blobs (BUKTI_S3_BUCKET); New creates it if missing.
	Bucket string
	// AccessKey and SecretKey are the credentials (BUKTI_S3_ACCESS_KEY,
	// BUKTI_S3_SECRET_KEY).
	AccessKey string
	SecretKey string
	// Region is the bucket's region; empty lets the client discover it
	// (and use us-east-1 when creating the bucket).
	Region string
	// UseSSL selects https instead of http (BUKTI_S3_USE_SSL).
	UseSSL bool
}

// Validate reports every problem with c in one error (joined with
// errors.Join), each saying which BUKTI_* environment variable to fix. It
// does not touch the disk or the network; New does that.
func (c Config) Validate() error {
	if c.S3.Endpoint == "" {
		if strings.TrimSpace(c.Dir) == "" {
			return errors.New("storage: no blob store configured: set BUKTI_DATA_DIR to a directory for the filesystem store, " +
				"or set BUKTI_S3_ENDPOINT (with BUKTI_S3_BUCKET, BUKTI_S3_ACCESS_KEY and BUKTI_S3_SECRET_KEY) to use S3")
		}
		return nil
	}
	return c.S3.validate()
}

// validate checks a configuration whose Endpoint is set.
func (s S3Config) validate() error {
	var errs []error
	if scheme, _, ok := strings.Cut(s.Endpoint, "://"); ok {
		errs = append(errs, fmt.Errorf("storage: BUKTI_S3_ENDPOINT %q must be host[:port] without a scheme: drop %q "+
			"and set BUKTI_S3_USE_SSL=true for https or BUKTI_S3_USE_SSL=false for http", s.Endpoint, scheme+"://"))
	} else if strings.Contains(s.Endpoint, "/") {
		errs = append(errs, fmt.Errorf("storage: BUKTI_S3_ENDPOINT %q must be host[:port] without a path: "+
			"put the bucket name in BUKTI_S3_BUCKET instead", s.Endpoint))
	}
	switch {
	case s.Bucket == "":
		errs = append(errs, errors.New("storage: BUKTI_S3_ENDPOINT is set but BUKTI_S3_BUCKET is empty: "+
			"set it to the bucket that should hold evidence files (it is created if missing)"))
	case s3utils.CheckValidBucketNameStrict(s.Bucket) != nil:
		errs = append(errs, fmt.Errorf("storage: BUKTI_S3_BUCKET %q is not a valid bucket name (%w): "+
			"use 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit",
			s.Bucket, s3utils.CheckValidBucketNameStrict(s.Bucket)))
	}
	if s.AccessKey == "" {
		errs = append(errs, errors.New("storage: BUKTI_S3_ENDPOINT is set but BUKTI_S3_ACCESS_KEY is empty: "+
			"set it to the access key of an account that may read and write the bucket"))
	}
	if s.SecretKey == "" {
		errs = append(errs, errors.New("storage: BUKTI_S3_ENDPOINT is set but BUKTI_S3_SECRET_KEY is empty: "+
			"set it to the secret key that goes with BUKTI_S3_ACCESS_KEY"))
	}
	return errors.Join(errs...)
}
