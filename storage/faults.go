package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"syscall"

	"github.com/minio/minio-go/v7"
)

// Failures of the store itself, as opposed to the caller's (a bad key, a
// canceled context, a reader that broke off), are classified where they
// happen so that the web layer can answer honestly (see the package
// documentation): test with errors.Is.
var (
	// ErrUnavailable marks a failure that should pass: the store could
	// not be reached (connection refused or reset), did not answer within
	// its timeout, or answered that it is unavailable (S3 5xx, SlowDown).
	// Trying again later may succeed.
	ErrUnavailable = errors.New("storage: the blob store is unavailable")
	// ErrNoSpace marks a write refused because the store is full: ENOSPC
	// or EDQUOT on the filesystem, XMinioStorageFull or HTTP 507 on S3.
	ErrNoSpace = errors.New("storage: the blob store is out of space")
)

// unavailable wraps err with ErrUnavailable.
func unavailable(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// noSpace wraps err with ErrNoSpace.
func noSpace(err error) error {
	if err == nil || errors.Is(err, ErrNoSpace) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrNoSpace, err)
}

// classifyFS adds ErrNoSpace to a filesystem error that says the disk or
// the quota is full. Other filesystem errors (permissions, I/O errors)
// are left for an operator and stay what they are.
func classifyFS(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return noSpace(err)
	}
	return err
}

// s3Unavailable are the S3 error codes of a server that cannot serve now.
var s3Unavailable = map[string]bool{
	"SlowDown": true, "ServiceUnavailable": true, "InternalError": true, "RequestTimeout": true,
	"XMinioServerNotInitialized": true, "XMinioReadQuorum": true, "XMinioWriteQuorum": true,
	"XMinioBackendDown": true,
}

// classifyS3 adds ErrNoSpace or ErrUnavailable to an error of the S3
// client. ctx is the operation's: when it ended, the failure is the
// caller's (or the timeout's, which the bounded store classifies) and err
// is returned as is.
func classifyS3(ctx context.Context, err error) error {
	if err == nil || ctx.Err() != nil || errors.Is(err, ErrUnavailable) || errors.Is(err, ErrNoSpace) {
		return err
	}
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		switch {
		case resp.Code == "XMinioStorageFull" || resp.StatusCode == http.StatusInsufficientStorage:
			return noSpace(err)
		case s3Unavailable[resp.Code] || resp.StatusCode >= 500:
			return unavailable(err)
		}
		return err
	}
	if isNetFailure(err) {
		return unavailable(err)
	}
	return err
}

// isNetFailure reports whether err is the failure of a connection: refused,
// reset, closed early, timed out.
func isNetFailure(err error) bool {
	var uerr *url.Error
	var nerr net.Error
	return errors.As(err, &uerr) || errors.As(err, &nerr) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ETIMEDOUT) ||
		errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) ||
		errors.Is(err, io.ErrUnexpectedEOF)
}

// trackReader remembers whether its reader failed (with anything but
// io.EOF), so that a failed upload is not taken for a failed store. The S3
// client may read from another goroutine, hence the atomic.
type trackReader struct {
	r      io.Reader
	failed atomic.Bool
}

func (t *trackReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF {
		t.failed.Store(true)
	}
	return n, err
}
