package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
)

// hungStore is a backend whose every operation hangs until released,
// ignoring its context (a hung network filesystem); Stage reads its reader
// to the end first, then hangs.
type hungStore struct{ release chan struct{} }

func (h hungStore) hang() { <-h.release }

func (h hungStore) Stage(ctx context.Context, r io.Reader) (string, error) {
	if _, err := io.Copy(io.Discard, ctxReader{ctx: ctx, r: r}); err != nil {
		return "", err
	}
	select { // a part upload that never returns, but honours its context
	case <-h.release:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	return "tmp/00000000000000000000000000000000", nil
}
func (h hungStore) Commit(context.Context, string, string) (bool, error) { h.hang(); return true, nil }
func (h hungStore) Discard(context.Context, string) error                { h.hang(); return nil }
func (h hungStore) Open(context.Context, string) (io.ReadCloser, error) {
	h.hang()
	return io.NopCloser(bytes.NewReader(nil)), nil
}
func (h hungStore) Size(context.Context, string) (int64, error) { h.hang(); return 0, nil }
func (h hungStore) Delete(context.Context, string) error        { h.hang(); return nil }
func (h hungStore) Blobs(context.Context) iter.Seq2[BlobInfo, error] {
	return func(func(BlobInfo, error) bool) {}
}
func (h hungStore) Thumbs(context.Context) iter.Seq2[BlobInfo, error] {
	return func(func(BlobInfo, error) bool) {}
}
func (h hungStore) Leftovers(context.Context, time.Time) iter.Seq2[Leftover, error] {
	return func(func(Leftover, error) bool) {}
}
func (h hungStore) RemoveLeftover(context.Context, Leftover) error { h.hang(); return nil }
func (h hungStore) Check(context.Context) error                    { h.hang(); return nil }
func (h hungStore) Name() string                                   { return "hung" }

// TestBoundedGivesUp checks that every operation of a store that hangs,
// even one ignoring its context, fails with ErrUnavailable soon after the
// timeout, and that the caller's own cancellation is not taken for an
// outage.
func TestBoundedGivesUp(t *testing.T) {
	h := hungStore{release: make(chan struct{})}
	defer close(h.release)
	const d = 50 * time.Millisecond
	st := bound(h, d)
	ctx := context.Background()
	key, _ := Key(fmt.Sprintf("%064x", 1))
	ops := map[string]func(context.Context) error{
		"stage":  func(ctx context.Context) error { _, err := st.Stage(ctx, bytes.NewReader([]byte("isi"))); return err },
		"commit": func(ctx context.Context) error { _, err := st.Commit(ctx, "tmp/x", key); return err },
		"discard": func(ctx context.Context) error {
			return st.Discard(ctx, "tmp/x")
		},
		"open": func(ctx context.Context) error {
			rc, err := st.Open(ctx, key)
			if err == nil {
				rc.Close()
			}
			return err
		},
		"size":   func(ctx context.Context) error { _, err := st.Size(ctx, key); return err },
		"delete": func(ctx context.Context) error { return st.Delete(ctx, key) },
		"remove leftover": func(ctx context.Context) error {
			return st.RemoveLeftover(ctx, Leftover{Kind: LeftoverStaged, Name: "tmp/x"})
		},
		"check": func(ctx context.Context) error { return Check(ctx, st) },
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			err := op(ctx)
			if !errors.Is(err, ErrUnavailable) {
				t.Fatalf("err = %v, want ErrUnavailable", err)
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("gave up after %v", took)
			}
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if err := op(cctx); err == nil || errors.Is(err, ErrUnavailable) || !errors.Is(err, context.Canceled) {
				t.Errorf("canceled by the caller: err = %v, want context.Canceled and not ErrUnavailable", err)
			}
		})
	}
}

// slowReader returns its bytes one at a time with a pause before each.
type slowReader struct {
	b     []byte
	pause time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.pause)
	p[0] = r.b[0]
	r.b = r.b[1:]
	return 1, nil
}

// passStore stages into memory, fast.
type passStore struct{ hungStore }

func (passStore) Stage(ctx context.Context, r io.Reader) (string, error) {
	_, err := io.Copy(io.Discard, ctxReader{ctx: ctx, r: r})
	return "tmp/00000000000000000000000000000000", err
}

// TestBoundedStageWaitsForTheReader checks that the Stage timeout counts
// only the time the store spends on its own: a client slower than the
// timeout between its bytes is not cut.
func TestBoundedStageWaitsForTheReader(t *testing.T) {
	st := bound(passStore{}, 300*time.Millisecond)
	if _, err := st.Stage(context.Background(), &slowReader{b: []byte("pelan"), pause: 600 * time.Millisecond}); err != nil {
		t.Fatalf("a slow reader was cut: %v", err)
	}
}

// TestClassify checks the classification of backend failures.
func TestClassify(t *testing.T) {
	full := &fs.PathError{Op: "write", Path: "/data/blobs/tmp/x", Err: syscall.ENOSPC}
	if err := classifyFS(fmt.Errorf("stage: %w", full)); !errors.Is(err, ErrNoSpace) || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("ENOSPC: %v", err)
	}
	if err := classifyFS(&fs.PathError{Op: "open", Path: "x", Err: os.ErrPermission}); errors.Is(err, ErrNoSpace) || errors.Is(err, ErrUnavailable) {
		t.Errorf("permission denied classified: %v", err)
	}
	ctx := context.Background()
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"storage full", minio.ErrorResponse{Code: "XMinioStorageFull", StatusCode: 507}, ErrNoSpace},
		{"507", minio.ErrorResponse{Code: "Whatever", StatusCode: 507}, ErrNoSpace},
		{"slow down", minio.ErrorResponse{Code: "SlowDown", StatusCode: 503}, ErrUnavailable},
		{"500", minio.ErrorResponse{Code: "InternalError", StatusCode: 500}, ErrUnavailable},
		{"refused", &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}, ErrUnavailable},
		{"no such key", minio.ErrorResponse{Code: "NoSuchKey", StatusCode: 404}, nil},
		{"access denied", minio.ErrorResponse{Code: "AccessDenied", StatusCode: 403}, nil},
	}
	for _, tc := range cases {
		err := classifyS3(ctx, fmt.Errorf("op: %w", tc.err))
		switch {
		case tc.want == nil && (errors.Is(err, ErrUnavailable) || errors.Is(err, ErrNoSpace)):
			t.Errorf("%s: classified as %v", tc.name, err)
		case tc.want != nil && !errors.Is(err, tc.want):
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if err := classifyS3(canceled, &os.SyscallError{Syscall: "read", Err: syscall.ECONNRESET}); errors.Is(err, ErrUnavailable) {
		t.Errorf("the caller's cancellation classified as an outage: %v", err)
	}
}
