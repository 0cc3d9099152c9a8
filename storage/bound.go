package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"sync"
	"time"
)

// DefaultTimeout bounds every blob store operation but the streaming of a
// blob's bytes (BUKTI_BLOB_TIMEOUT): see [Config.Timeout].
const DefaultTimeout = time.Minute

// timeoutError is the cause of an operation the bounded store gave up on.
type timeoutError struct {
	op string
	d  time.Duration
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("storage: %s: the blob store did not answer within %v (BUKTI_BLOB_TIMEOUT)", e.op, e.d)
}

// Timeout marks it as a timeout for net.Error-style checks.
func (e *timeoutError) Timeout() bool { return true }

// Checker is implemented by stores that can tell cheaply whether they can
// serve now: the filesystem store stats its directory and compares the
// free space with its minimum, the S3 store asks for its bucket.
type Checker interface {
	Check(ctx context.Context) error
}

// Check asks st whether it can serve now (see [Checker]); a store that
// cannot tell is taken to be fine. The error satisfies errors.Is with
// [ErrUnavailable] or [ErrNoSpace] when the store is down or full.
func Check(ctx context.Context, st Store) error {
	if c, ok := st.(Checker); ok {
		return c.Check(ctx)
	}
	return nil
}

// bounded gives every operation of a store a deadline, d:
//
//   - Commit, Discard, Size, Delete, RemoveLeftover and Check must return
//     within d. They run on a context that ends after d, and the caller
//     stops waiting at d even if the backend ignores its context (a hung
//     network filesystem); what the backend returns later is dropped.
//   - Open must return the reader within d; reading it is not bounded
//     here (a download takes as long as the client takes; the S3
//     transport cuts a connection on which nothing moves for d).
//   - Stage may take as long as its reader does (the web server's body
//     guard bounds a stalled client), but the store may not spend more
//     than d at a time without asking for the next bytes: a part upload
//     or the final sync that hangs ends the Stage.
//
// An operation that runs out of time fails with an error satisfying
// errors.Is(err, ErrUnavailable); one whose caller's context ended fails
// with the caller's error.
type bounded struct {
	st Store
	d  time.Duration
}

func bound(st Store, d time.Duration) Store { return &bounded{st: st, d: d} }

// call runs fn under the deadline (see bounded). late disposes of a result
// that arrives after the caller stopped waiting.
func call[T any](ctx context.Context, b *bounded, op string, fn func(context.Context) (T, error), late func(T)) (T, error) {
	tctx, cancel := context.WithTimeoutCause(ctx, b.d, &timeoutError{op: op, d: b.d})
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := fn(tctx)
		ch <- result{v, err}
	}()
	var zero T
	select {
	case r := <-ch:
		cancel()
		if r.err != nil && ctx.Err() == nil && tctx.Err() != nil {
			r.err = unavailable(fmt.Errorf("%w: %w", context.Cause(tctx), r.err))
		}
		return r.v, r.err
	case <-tctx.Done():
		cancel()
		go func() {
			if r := <-ch; r.err == nil && late != nil {
				late(r.v)
			}
		}()
		if err := ctx.Err(); err != nil {
			return zero, fmt.Errorf("storage: %s: %w", op, err)
		}
		return zero, unavailable(context.Cause(tctx))
	}
}

func (b *bounded) Name() string { return b.st.Name() }

func (b *bounded) Commit(ctx context.Context, tmp, key string) (bool, error) {
	return call(ctx, b, OpCommit, func(ctx context.Context) (bool, error) { return b.st.Commit(ctx, tmp, key) }, nil)
}

func (b *bounded) Discard(ctx context.Context, tmp string) error {
	_, err := call(ctx, b, OpDiscard, func(ctx context.Context) (struct{}, error) { return struct{}{}, b.st.Discard(ctx, tmp) }, nil)
	return err
}

func (b *bounded) Size(ctx context.Context, key string) (int64, error) {
	return call(ctx, b, OpSize, func(ctx context.Context) (int64, error) { return b.st.Size(ctx, key) }, nil)
}

func (b *bounded) Delete(ctx context.Context, key string) error {
	_, err := call(ctx, b, OpDelete, func(ctx context.Context) (struct{}, error) { return struct{}{}, b.st.Delete(ctx, key) }, nil)
	return err
}

func (b *bounded) RemoveLeftover(ctx context.Context, l Leftover) error {
	_, err := call(ctx, b, OpRemoveLeftover, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, b.st.RemoveLeftover(ctx, l)
	}, nil)
	return err
}

func (b *bounded) Check(ctx context.Context) error {
	_, err := call(ctx, b, "check", func(ctx context.Context) (struct{}, error) { return struct{}{}, Check(ctx, b.st) }, nil)
	return err
}

func (b *bounded) Blobs(ctx context.Context) iter.Seq2[BlobInfo, error] { return b.st.Blobs(ctx) }

func (b *bounded) Thumbs(ctx context.Context) iter.Seq2[BlobInfo, error] { return b.st.Thumbs(ctx) }

func (b *bounded) Leftovers(ctx context.Context, before time.Time) iter.Seq2[Leftover, error] {
	return b.st.Leftovers(ctx, before)
}

// Open bounds the opening only: the reader lives on a context that ends
// when it is closed (or when the caller's does).
func (b *bounded) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	octx, cancel := context.WithCancelCause(ctx)
	release := func() { cancel(nil) } // when the reader is closed, or at once on failure
	type result struct {
		rc  io.ReadCloser
		err error
	}
	ch := make(chan result, 1)
	go func() {
		rc, err := b.st.Open(octx, key)
		ch <- result{rc, err}
	}()
	timer := time.NewTimer(b.d)
	defer timer.Stop()
	select {
	case r := <-ch:
		if r.err != nil {
			release()
			return nil, r.err
		}
		br := &boundReader{ReadCloser: r.rc, release: release}
		if s, ok := r.rc.(io.Seeker); ok {
			return &boundReadSeeker{boundReader: br, Seeker: s}, nil
		}
		return br, nil
	case <-timer.C:
		cancel(&timeoutError{op: OpOpen, d: b.d})
	case <-octx.Done(): // the caller's context ended
	}
	go func() {
		if r := <-ch; r.err == nil {
			r.rc.Close()
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", key, err)
	}
	return nil, unavailable(context.Cause(octx))
}

// boundReader ends its context when closed.
type boundReader struct {
	io.ReadCloser
	release func()
}

func (r *boundReader) Close() error {
	err := r.ReadCloser.Close()
	r.release()
	return err
}

// boundReadSeeker keeps a seekable reader seekable (ranges are served from
// it).
type boundReadSeeker struct {
	*boundReader
	io.Seeker
}

// Stage lets the store take as long as the reader does, but gives up when
// the store spends more than d without reading (see bounded). It does not
// wait for a backend that ignores the cancellation (minio-go aborts a
// failed multipart upload on a context of its own): once given up, the
// reader is never read again, and what the backend leaves is swept later.
func (b *bounded) Stage(ctx context.Context, r io.Reader) (string, error) {
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	w := &watchdog{r: r, d: b.d, gaveUp: make(chan struct{})}
	w.timer = time.AfterFunc(b.d, func() {
		w.mu.Lock()
		if w.reading || w.done {
			w.mu.Unlock()
			return
		}
		w.fired = true
		w.mu.Unlock()
		cancel(&timeoutError{op: OpStage, d: b.d})
		close(w.gaveUp) // after cancel: the cause is set
	})
	type result struct {
		tmp string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		tmp, err := b.st.Stage(sctx, w)
		ch <- result{tmp, err}
	}()
	select {
	case res := <-ch:
		w.stop()
		if res.err != nil && w.gaveUpOn() && ctx.Err() == nil {
			return "", unavailable(fmt.Errorf("%w: %w", context.Cause(sctx), res.err))
		}
		return res.tmp, res.err
	case <-w.gaveUp:
		go func() {
			if res := <-ch; res.err == nil { // staged after all: nobody will commit it
				_ = b.st.Discard(context.WithoutCancel(ctx), res.tmp)
			}
		}()
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("storage: stage: %w", err)
		}
		return "", unavailable(context.Cause(sctx))
	}
}

// watchdog is a Stage's reader that arms a timer whenever the store is not
// reading from it: the time the store spends on its own (writing, uploading
// a part, syncing) is bounded, the time the reader takes is not. Once the
// timer fired, the reader is never read again.
type watchdog struct {
	r       io.Reader
	d       time.Duration
	mu      sync.Mutex
	timer   *time.Timer
	reading bool
	done    bool
	fired   bool
	gaveUp  chan struct{} // closed when the timer fired
}

// errGaveUp is what the reader of a Stage given up on returns.
var errGaveUp = errors.New("storage: stage given up: the store stalled")

func (w *watchdog) Read(p []byte) (int, error) {
	w.mu.Lock()
	if w.fired || w.done {
		w.mu.Unlock()
		return 0, errGaveUp
	}
	w.reading = true
	w.timer.Stop()
	w.mu.Unlock()
	n, err := w.r.Read(p)
	w.mu.Lock()
	w.reading = false
	if !w.done && !w.fired {
		w.timer.Reset(w.d)
	}
	w.mu.Unlock()
	return n, err
}

func (w *watchdog) gaveUpOn() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fired
}

func (w *watchdog) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
	w.timer.Stop()
}

var _ Store = (*bounded)(nil)
