package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

const (
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

// s3Store keeps blobs in one bucket: each blob's bytes once in a data
// object, and a pointer to it under the blob's key (see the layout in s3layout.go).
type s3Store struct {
	client  *minio.Client
	bucket  string
	name    string
	timeout time.Duration // Config.Timeout

	parts  *partPool // processParts but in tests
	mu     sync.Mutex
	staged map[string]bool // names Stage returned, not yet committed or discarded
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
	s := &s3Store{client: client, bucket: cfg.Bucket, timeout: timeout, parts: processParts, staged: map[string]bool{}}
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
	c.pushWrite()
	return c.Conn.Write(p)
}

// pushWrite moves the write deadline, and the read deadline (the answer
// to the request being written), idle ahead.
func (c *idleConn) pushWrite() {
	d := time.Now().Add(c.idle)
	_ = c.Conn.SetWriteDeadline(d)
	_ = c.Conn.SetReadDeadline(d)
}

// ReadFrom sends a request body: net/http hands each one over as r,
// limited to the request's Content-Length, once the headers are out. The
// body goes out through a bodyWriter, so each step of copyBufferSize
// bytes has its deadline pushed on; a body that writes itself (an
// io.WriterTo: an upload part in memory, or in a file, see part.reader)
// does so without a copy. (Without this method net/http would copy every
// body through a 32 KiB buffer, a system call each: 16,384 for 512 MiB.)
func (c *idleConn) ReadFrom(r io.Reader) (n int64, err error) {
	w := &bodyWriter{c: c, left: math.MaxInt64}
	if lr, ok := r.(*io.LimitedReader); ok {
		w.left, r = lr.N, lr.R
		defer func() { lr.N -= n }()
	}
	if wt, ok := r.(io.WriterTo); ok {
		return wt.WriteTo(w)
	}
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	return io.CopyBuffer(w, r, *bp)
}

// bodyWriter writes a request body to its connection. left is what its
// Content-Length leaves to send: sendFile sends no more; a body that
// writes more fails its request (net/http counts what was written).
type bodyWriter struct {
	c    *idleConn
	left int64
}

// Write writes p in steps of copyBufferSize bytes, each its own call of
// the connection's Write (which pushes the deadline on).
func (w *bodyWriter) Write(p []byte) (n int, err error) {
	for len(p) > 0 {
		k, err := w.c.Write(p[:min(len(p), copyBufferSize)])
		n += k
		w.left -= int64(k)
		p = p[k:]
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// sendFile sends f from its offset to its end (at most w.left bytes) by
// the socket's ReadFrom, sendfile(2) on Linux: from the page cache to
// the socket, in steps of copyBufferSize bytes with the deadline pushed
// on before each.
func (w *bodyWriter) sendFile(f *os.File) (sent int64, err error) {
	rf, ok := w.c.Conn.(io.ReaderFrom)
	if !ok {
		return io.Copy(struct{ io.Writer }{w}, f)
	}
	for w.left > 0 {
		step := &io.LimitedReader{R: f, N: min(w.left, copyBufferSize)}
		w.c.pushWrite()
		n, err := rf.ReadFrom(step)
		sent += n
		w.left -= n
		if err != nil || step.N > 0 { // failed, or f ended
			return sent, err
		}
	}
	return sent, nil
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

// Stage uploads r, once, to a new data object (see the layout in s3layout.go) and returns
// its staged name. It holds at most two upload parts of the process's part
// pool at a time, whatever the blob's size (see s3PartSize).
func (s *s3Store) Stage(ctx context.Context, r io.Reader) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("storage: stage: %w", err)
	}
	tmp, err := newTmpName()
	if err != nil {
		return "", err
	}
	data := dataName(tmp)
	src := &trackReader{r: r}
	_, err = s.upload(ctx, data, ctxReader{ctx: ctx, r: src})
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
			go func() { _ = s.cleanupStage(ctx, data) }()
			return "", err
		}
		if cerr := s.cleanupStage(ctx, data); cerr != nil {
			err = errors.Join(err, cerr)
		}
		return "", err
	}
	s.mu.Lock()
	s.staged[tmp] = true
	s.mu.Unlock()
	return tmp, nil
}

// cleanupStage removes whatever a failed upload left: the upload aborts
// itself but cannot when the server is gone, so this makes sure, on a
// context that outlives a canceled ctx.
func (s *s3Store) cleanupStage(ctx context.Context, data string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), min(s3CleanupTimeout, s.timeout))
	defer cancel()
	err := s.client.RemoveIncompleteUpload(ctx, s.bucket, data)
	if err == nil {
		err = s.remove(ctx, data)
	}
	if err != nil {
		return fmt.Errorf("storage: clean up failed upload %s in %s: %w", data, s.name, err)
	}
	return nil
}

// Commit makes key name the staged data object by writing a pointer to it
// (an empty object): no byte of the blob is copied. When key already names
// a blob, the staged data is removed instead and the blob's time
// refreshed.
func (s *s3Store) Commit(ctx context.Context, tmp, key string) (bool, error) {
	if err := checkTmp(tmp); err != nil {
		return false, err
	}
	if err := checkKey(key); err != nil {
		return false, err
	}
	notFound := fmt.Errorf("storage: commit %s to %s: staged object not found (already committed or discarded?)", tmp, key)
	s.mu.Lock()
	ok := s.staged[tmp]
	s.mu.Unlock()
	if !ok {
		return false, notFound
	}
	// The sweeper may have removed it (an upload staged a day ago).
	data := dataName(tmp)
	_, err := s.client.StatObject(ctx, s.bucket, data, minio.StatObjectOptions{})
	if isNoSuchKey(err) {
		return false, notFound
	}
	if err != nil {
		return false, classifyS3(ctx, fmt.Errorf("storage: commit %s: stat %s in %s: %w", key, data, s.name, err))
	}
	have, err := s.existing(ctx, key)
	if err != nil {
		return false, err
	}
	switch have {
	case key:
		// A blob stored whole under its key (an earlier version): refresh
		// its time with a copy onto itself that changes only metadata.
		// (ComposeObject is CopyObject up to 5 GiB, a multipart copy
		// above, where CopyObject would be refused.)
		_, err = s.client.ComposeObject(ctx,
			minio.CopyDestOptions{Bucket: s.bucket, Object: key, ReplaceMetadata: true,
				UserMetadata: map[string]string{"Bukti-Committed": time.Now().UTC().Format(time.RFC3339Nano)}},
			minio.CopySrcOptions{Bucket: s.bucket, Object: key})
	case "":
		err = s.putPointer(ctx, key, data)
	default:
		err = s.putPointer(ctx, key, have) // written again: its time is now
	}
	if err != nil {
		return false, classifyS3(ctx, fmt.Errorf("storage: commit %s to %s in %s: %w", tmp, key, s.name, err))
	}
	created := have == ""
	if !created {
		// Content addressing: the same key holds the same bytes already.
		if err := s.remove(ctx, data); err != nil {
			return false, classifyS3(ctx, fmt.Errorf("storage: commit %s: remove staged object %s: %w", key, data, err))
		}
	}
	s.mu.Lock()
	delete(s.staged, tmp)
	s.mu.Unlock()
	return created, nil
}

// putPointer writes the pointer from key to the data object data.
func (s *s3Store) putPointer(ctx context.Context, key, data string) error {
	_, err := s.client.PutObject(ctx, s.bucket, pointerName(key, data), bytes.NewReader(nil), 0,
		minio.PutObjectOptions{ContentType: "application/octet-stream", DisableContentSha256: true})
	return err
}

// Discard removes a staged object; a missing one is not an error. A name
// this store did not stage (a staged object of an earlier version, found
// by Leftovers) is removed from tmp/ only: the data object of the same
// name may be a committed blob's.
func (s *s3Store) Discard(ctx context.Context, tmp string) error {
	if err := checkTmp(tmp); err != nil {
		return err
	}
	s.mu.Lock()
	mine := s.staged[tmp]
	s.mu.Unlock()
	name := tmp
	if mine {
		name = dataName(tmp)
	}
	if err := s.remove(ctx, name); err != nil {
		return classifyS3(ctx, fmt.Errorf("storage: discard %s in %s: %w", tmp, s.name, err))
	}
	s.mu.Lock()
	delete(s.staged, tmp)
	s.mu.Unlock()
	return nil
}

// Open returns the blob's bytes, streamed from the body of a GET of its
// data object (s3Reader, which can also seek), after the listing that
// finds the object; a missing blob is ErrNotFound now rather than on the
// first Read.
func (s *s3Store) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	objs, err := s.candidates(ctx, key)
	if err != nil {
		return nil, err
	}
	for _, name := range objs {
		r, err := s.openObject(ctx, key, name)
		if isNoSuchKey(err) {
			continue
		}
		if err != nil {
			return nil, s.objectError(ctx, key, err)
		}
		return r, nil
	}
	return nil, fmt.Errorf("%w: %s in %s", ErrNotFound, key, s.name)
}

// Size returns the size of the blob's data object.
func (s *s3Store) Size(ctx context.Context, key string) (int64, error) {
	if err := checkKey(key); err != nil {
		return 0, err
	}
	objs, err := s.candidates(ctx, key)
	if err != nil {
		return 0, err
	}
	for _, name := range objs {
		info, err := s.client.StatObject(ctx, s.bucket, name, minio.StatObjectOptions{})
		if isNoSuchKey(err) {
			continue
		}
		if err != nil {
			return 0, s.objectError(ctx, key, err)
		}
		return info.Size, nil
	}
	return 0, fmt.Errorf("%w: %s in %s", ErrNotFound, key, s.name)
}

// Delete removes the blob: each pointer, then its data object, so that an
// interruption leaves unreferenced data (a leftover), never a pointer to
// nothing. A blob stored whole under its key is removed too. Missing is
// not an error.
func (s *s3Store) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	names, err := s.names(ctx, key)
	for _, n := range names {
		if err = s.remove(ctx, n); err != nil {
			break
		}
		if _, data, ok := parsePointer(n); ok {
			if err = s.remove(ctx, data); err != nil {
				break
			}
		}
	}
	if err != nil {
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
