package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
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
	// s3MaxRetries is how often the client tries a request that failed
	// for want of an answer: enough for a blip, few enough that a server
	// that is down is reported as such within the timeout.
	s3MaxRetries = 3
)

// s3Store keeps blobs as objects named by their key in one bucket, and
// stages them as objects under tmp/ in the same bucket.
type s3Store struct {
	client  *minio.Client
	bucket  string
	name    string
	timeout time.Duration // Config.Timeout
}

// newS3 connects to the server, checks the credentials and makes sure the
// bucket exists. timeout bounds dialing, waiting for a response's headers
// and any pause of a connection (s3Transport).
func newS3(ctx context.Context, cfg S3Config, timeout time.Duration) (Store, error) {
	tr, err := s3Transport(cfg.UseSSL, timeout)
	if err != nil {
		return nil, err
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:     cfg.UseSSL,
		Region:     cfg.Region,
		Transport:  tr,
		MaxRetries: s3MaxRetries,
	})
	if err != nil {
		return nil, fmt.Errorf("storage: S3 endpoint %q: %w (check BUKTI_S3_ENDPOINT)", cfg.Endpoint, err)
	}
	s := &s3Store{client: client, bucket: cfg.Bucket, timeout: timeout}
	s.name = "s3 " + client.EndpointURL().String() + "/" + cfg.Bucket

	ctx, cancel := context.WithTimeout(ctx, min(s3ConnectTimeout, timeout))
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

// s3Transport is minio-go's transport with every wait bounded by timeout:
// dialing, the TLS handshake, the response's headers, and every read and
// write on a connection (idleConn), so that a server that stops answering
// in the middle of a part upload or a download cannot hold a request.
func s3Transport(secure bool, timeout time.Duration) (http.RoundTripper, error) {
	tr, err := minio.DefaultTransport(secure)
	if err != nil {
		return nil, fmt.Errorf("storage: S3 transport: %w", err)
	}
	dialer := &net.Dialer{Timeout: min(timeout, 30*time.Second), KeepAlive: 30 * time.Second}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &idleConn{Conn: c, idle: timeout}, nil
	}
	tr.TLSHandshakeTimeout = min(timeout, 10*time.Second)
	tr.ResponseHeaderTimeout = timeout
	tr.ExpectContinueTimeout = min(timeout, tr.ExpectContinueTimeout)
	// Idle connections are closed well before their read deadline (see
	// idleConn) could fail a request just sent on one.
	tr.IdleConnTimeout = timeout / 2
	return tr, nil
}

// idleConn fails a read or a write that makes no progress for idle. Each
// Read and Write pushes its deadline on; a Write (a request going out)
// also pushes the read deadline, so that a connection taken from the pool
// gives the answer the whole period.
type idleConn struct {
	net.Conn
	idle time.Duration
}

func (c *idleConn) Read(p []byte) (int, error) {
	_ = c.Conn.SetReadDeadline(time.Now().Add(c.idle))
	return c.Conn.Read(p)
}

func (c *idleConn) Write(p []byte) (int, error) {
	d := time.Now().Add(c.idle)
	_ = c.Conn.SetWriteDeadline(d)
	_ = c.Conn.SetReadDeadline(d)
	return c.Conn.Write(p)
}

// Check asks the server for the bucket.
func (s *s3Store) Check(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return classifyS3(ctx, fmt.Errorf("storage: check bucket %q on %s: %w", s.bucket, s.endpoint(), err))
	}
	if !ok {
		return unavailable(fmt.Errorf("storage: bucket %q on %s is gone", s.bucket, s.endpoint()))
	}
	return nil
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
	src := &trackReader{r: r}
	_, err = s.client.PutObject(ctx, s.bucket, tmp, ctxReader{ctx: ctx, r: src}, -1, minio.PutObjectOptions{
		PartSize:    s3PartSize,
		ContentType: "application/octet-stream",
	})
	if err != nil {
		err = fmt.Errorf("storage: stage to %s: %w", s.name, err)
		if !src.failed.Load() {
			err = classifyS3(ctx, err)
		}
		var stalled *timeoutError // the bounded store gave up on the server
		if errors.Is(err, ErrUnavailable) || errors.As(context.Cause(ctx), &stalled) {
			// The server is down or stalled: cleaning up now would only
			// keep the caller waiting. Try in the background; what stays
			// is swept later (integrity.Sweep).
			go func() { _ = s.cleanupStage(ctx, tmp) }()
			return "", err
		}
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
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), min(s3CleanupTimeout, s.timeout))
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
		return false, classifyS3(ctx, fmt.Errorf("storage: commit %s: stat in %s: %w", key, s.name, err))
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
		return false, classifyS3(ctx, fmt.Errorf("storage: commit %s to %s in %s: %w", tmp, key, s.name, err))
	}
	if err := s.remove(ctx, tmp); err != nil {
		return false, classifyS3(ctx, fmt.Errorf("storage: commit %s: remove staged object %s: %w", key, tmp, err))
	}
	return created, nil
}

// Discard removes a staged object; a missing one is not an error.
func (s *s3Store) Discard(ctx context.Context, tmp string) error {
	if err := checkTmp(tmp); err != nil {
		return err
	}
	if err := s.remove(ctx, tmp); err != nil {
		return classifyS3(ctx, fmt.Errorf("storage: discard %s in %s: %w", tmp, s.name, err))
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
		return nil, s.objectError(ctx, key, err)
	}
	if _, err := obj.Stat(); err != nil {
		_ = obj.Close() // the Stat error is the one to report
		return nil, s.objectError(ctx, key, err)
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
		return 0, s.objectError(ctx, key, err)
	}
	return info.Size, nil
}

// Delete removes the object; a missing one is not an error.
func (s *s3Store) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := s.remove(ctx, key); err != nil {
		return classifyS3(ctx, fmt.Errorf("storage: delete %s in %s: %w", key, s.name, err))
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
func (s *s3Store) objectError(ctx context.Context, key string, err error) error {
	if isNoSuchKey(err) {
		return fmt.Errorf("%w: %s in %s", ErrNotFound, key, s.name)
	}
	return classifyS3(ctx, fmt.Errorf("storage: %s in %s: %w", key, s.name, err))
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
