package storage

import (
	"context"
	"io"
	"iter"
	"strings"
	"sync"
	"time"
)

// Operation names passed to the observe callback of [Instrument], one per
// Store method.
const (
	OpStage          = "stage"
	OpCommit         = "commit"
	OpDiscard        = "discard"
	OpOpen           = "open"
	OpSize           = "size"
	OpDelete         = "delete"
	OpBlobs          = "blobs"
	OpThumbs         = "thumbs"
	OpLeftovers      = "leftovers"
	OpRemoveLeftover = "remove_leftover"
)

// Instrument wraps st so that every call of a Store method is reported to
// observe, once it returns, with the operation name (OpStage, OpCommit, …),
// its duration and the store's own failure. The wrapper keeps st's contract
// and behaviour; it adds no locking and, apart from Stage's reader and the
// iterators, no allocation.
//
// err is nil unless the store failed. The caller's own failures are not the
// store's: a Stage that fails because its reader failed (a cut-off or
// refused upload) or because ctx was canceled reports nil, as does any
// call canceled by its ctx. A missing blob (ErrNotFound from Open or Size)
// is reported: a store holding metadata for a blob it lacks is a fault.
//
// Open reports the time to open the blob, not to read it. Blobs, Thumbs
// and Leftovers report once the iteration ends, with the time from its start
// and the error it yielded, if any; an iteration the caller stops early
// reports nil.
//
// observe is called synchronously and must be safe for concurrent use.
// storage does not know about Prometheus: pkg/metrics provides observe.
func Instrument(st Store, observe func(op string, d time.Duration, err error)) Store {
	return &instrumented{st: st, observe: observe}
}

// Backend is the kind of st's backend, "filesystem" or "s3": the first word
// of its Name.
func Backend(st Store) string {
	name, _, _ := strings.Cut(st.Name(), " ")
	return name
}

type instrumented struct {
	st      Store
	observe func(op string, d time.Duration, err error)
}

// done reports a call that began at start, unless the failure is the
// caller's (ctx canceled).
func (s *instrumented) done(ctx context.Context, op string, start time.Time, err error) {
	if err != nil && ctx.Err() != nil {
		err = nil
	}
	s.observe(op, time.Since(start), err)
}

func (s *instrumented) Stage(ctx context.Context, r io.Reader) (string, error) {
	start := time.Now()
	src := &sourceReader{r: r}
	tmp, err := s.st.Stage(ctx, src)
	serr := err
	if src.failed() {
		serr = nil // the reader failed: the upload, not the store
	}
	s.done(ctx, OpStage, start, serr)
	return tmp, err
}

func (s *instrumented) Commit(ctx context.Context, tmp, key string) (bool, error) {
	start := time.Now()
	created, err := s.st.Commit(ctx, tmp, key)
	s.done(ctx, OpCommit, start, err)
	return created, err
}

func (s *instrumented) Discard(ctx context.Context, tmp string) error {
	start := time.Now()
	err := s.st.Discard(ctx, tmp)
	s.done(ctx, OpDiscard, start, err)
	return err
}

func (s *instrumented) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	start := time.Now()
	rc, err := s.st.Open(ctx, key)
	s.done(ctx, OpOpen, start, err)
	return rc, err
}

func (s *instrumented) Size(ctx context.Context, key string) (int64, error) {
	start := time.Now()
	n, err := s.st.Size(ctx, key)
	s.done(ctx, OpSize, start, err)
	return n, err
}

func (s *instrumented) Delete(ctx context.Context, key string) error {
	start := time.Now()
	err := s.st.Delete(ctx, key)
	s.done(ctx, OpDelete, start, err)
	return err
}

func (s *instrumented) Blobs(ctx context.Context) iter.Seq2[BlobInfo, error] {
	return observeSeq(s, ctx, OpBlobs, s.st.Blobs(ctx))
}

func (s *instrumented) Thumbs(ctx context.Context) iter.Seq2[BlobInfo, error] {
	return observeSeq(s, ctx, OpThumbs, s.st.Thumbs(ctx))
}

func (s *instrumented) Leftovers(ctx context.Context, before time.Time) iter.Seq2[Leftover, error] {
	return observeSeq(s, ctx, OpLeftovers, s.st.Leftovers(ctx, before))
}

func (s *instrumented) RemoveLeftover(ctx context.Context, l Leftover) error {
	start := time.Now()
	err := s.st.RemoveLeftover(ctx, l)
	s.done(ctx, OpRemoveLeftover, start, err)
	return err
}

func (s *instrumented) Name() string { return s.st.Name() }

// Check asks the wrapped store (see [Check]); it is not observed.
func (s *instrumented) Check(ctx context.Context) error { return Check(ctx, s.st) }

// observeSeq reports one iteration of seq: from its start to its end, with
// the first error it yielded.
func observeSeq[T any](s *instrumented, ctx context.Context, op string, seq iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		start := time.Now()
		var failed error
		for v, err := range seq {
			if err != nil && failed == nil {
				failed = err
			}
			if !yield(v, err) {
				break
			}
		}
		s.done(ctx, op, start, failed)
	}
}

// sourceReader remembers the first error of a Stage's reader other than
// io.EOF. Stage reads from one goroutine, but the S3 client may hand the
// reader to another, so the error is guarded.
type sourceReader struct {
	r   io.Reader
	mu  sync.Mutex
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.mu.Lock()
		if s.err == nil {
			s.err = err
		}
		s.mu.Unlock()
	}
	return n, err
}

func (s *sourceReader) failed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err != nil
}

var _ Store = (*instrumented)(nil)
