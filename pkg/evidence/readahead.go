package evidence

import (
	"io"
	"sync"
)

// Reading an upload ahead. Stage's work per byte is in two halves: taking
// it from the client (the socket, mime/multipart's boundary scan) and
// hashing it, then the blob store writing it (a file, or an S3 part). One
// goroutine doing both leaves the second core idle while the first hashes;
// readAhead does the first half on a goroutine of its own, a few chunks
// ahead of the store, so on a machine with a core to spare an upload takes
// about the longer of the two halves instead of their sum.
const (
	// aheadChunk is the size of each chunk read ahead.
	aheadChunk = 128 << 10
	// aheadChunks is how many chunks one upload holds at most: one being
	// read, one queued, one being consumed (384 KiB).
	aheadChunks = 3
)

// aheadBuffers recycles chunk buffers across uploads.
var aheadBuffers = sync.Pool{New: func() any { b := make([]byte, aheadChunk); return &b }}

// chunk is one buffer read ahead: its bytes, and the error that ended the
// reading after them, if any (io.EOF at the end).
type chunk struct {
	buf *[]byte
	n   int
	err error
}

// readAhead reads a reader (Stage's limitedHash: counted, limited,
// hashed) on a goroutine of its own into chunks that Read hands over. It
// yields exactly the bytes and errors the reader does, in order. Close
// stops the goroutine and waits for it: call it before the reader's state
// (the hash) is used and before the upload's body may be read by anyone
// else (an http.Request's body must not be read after its handler
// returned).
type readAhead struct {
	ready chan chunk    // chunks read, in order; closed when the goroutine ends
	stop  chan struct{} // closed by Close
	done  chan struct{} // closed when the goroutine has ended
	cur   chunk         // the chunk Read is consuming
	off   int
	err   error // the error that ended the stream, once Read reached it
}

// newReadAhead starts reading lh ahead.
func newReadAhead(lh io.Reader) *readAhead {
	ra := &readAhead{ready: make(chan chunk, aheadChunks-2), stop: make(chan struct{}), done: make(chan struct{})}
	go ra.run(lh)
	return ra
}

// run reads lh chunk by chunk until it fails or ends, or Close is called:
// one Read of lh per chunk (Stage's source fills each), none after Close.
// The chunk it reads, ready's one place and the chunk Read consumes are
// the aheadChunks in use.
func (ra *readAhead) run(lh io.Reader) {
	defer close(ra.done)
	defer close(ra.ready)
	for {
		select {
		case <-ra.stop:
			return
		default:
		}
		bp := aheadBuffers.Get().(*[]byte)
		n, err := lh.Read(*bp)
		select {
		case ra.ready <- chunk{buf: bp, n: n, err: err}:
		case <-ra.stop:
			aheadBuffers.Put(bp)
			return
		}
		if err != nil {
			return
		}
	}
}

// Read copies the chunks read ahead into p, then returns the error that
// ended them.
func (ra *readAhead) Read(p []byte) (int, error) {
	if ra.err != nil {
		return 0, ra.err
	}
	for ra.cur.buf == nil || ra.off == ra.cur.n {
		if ra.cur.buf != nil {
			if ra.cur.err != nil {
				ra.err = ra.cur.err
				ra.release()
				return 0, ra.err
			}
			ra.release()
		}
		c, ok := <-ra.ready
		if !ok {
			ra.err = io.ErrClosedPipe // Read after Close
			return 0, ra.err
		}
		ra.cur, ra.off = c, 0
	}
	n := copy(p, (*ra.cur.buf)[ra.off:ra.cur.n])
	ra.off += n
	if ra.off == ra.cur.n && ra.cur.err != nil {
		ra.err = ra.cur.err
		ra.release()
		return n, ra.err
	}
	return n, nil
}

// release gives the chunk being consumed back to the pool.
func (ra *readAhead) release() {
	aheadBuffers.Put(ra.cur.buf)
	ra.cur = chunk{}
}

// Close stops reading ahead and waits until the goroutine has ended: at
// most until its Read of the upload in progress, if any, returns (on a
// server, the request body's read deadline bounds that; the error path
// alone waits for it, since a Read that completes the upload ends it).
// It returns every chunk to the pool and is safe to call more than once.
func (ra *readAhead) Close() {
	select {
	case <-ra.stop:
	default:
		close(ra.stop)
	}
	<-ra.done
	for c := range ra.ready {
		aheadBuffers.Put(c.buf)
	}
	if ra.cur.buf != nil {
		ra.release()
	}
}
