package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
)

// verifyTail is how many bytes CopyVerified holds back until the whole
// content has been hashed.
const verifyTail = 64 << 10

// verifyChunk is the size of one read; verifyChunks of them per copy
// let the reading run ahead of the hashing.
const (
	verifyChunk  = 256 << 10
	verifyChunks = 4
)

// verifyBuffers are the chunks of the copies running, shared by all.
var verifyBuffers = sync.Pool{New: func() any { b := make([]byte, verifyChunk); return &b }}

// ErrContentMismatch is returned (wrapped) by CopyVerified when the bytes
// read do not hash to the recorded SHA-256 or are not the recorded size.
var ErrContentMismatch = errors.New("stored file does not match its record")

// MismatchError is CopyVerified's error for stored bytes that do not match
// their record. Read is how many bytes were read: at most Size+1, so
// Read != Size means the stored file is shorter or longer than recorded.
type MismatchError struct {
	Read, Size int64
	Got, Sum   string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("%v: %d bytes hashing to %s, recorded %d bytes, %s", ErrContentMismatch, e.Read, e.Got, e.Size, e.Sum)
}

// Unwrap makes the error match ErrContentMismatch.
func (e *MismatchError) Unwrap() error { return ErrContentMismatch }

// CopyVerified copies exactly size bytes from r to w, hashing them, and
// writes the last bytes only once the whole content hashed to sum: a
// damaged or short stored file never reaches w complete. It returns an
// *MismatchError (wrapping ErrContentMismatch) on a mismatch, or the read
// or write error.
//
// The hash runs on a goroutine of its own while the bytes before the
// tail are written as they are read: a download takes as long as the
// slower of the two, not both one after the other.
func CopyVerified(w io.Writer, r io.Reader, size int64, sum string) error {
	r = io.LimitReader(r, size+1)
	tailFrom := max(size-verifyTail, 0) // offset of the first byte held back
	held := make([]byte, 0, min(size+1, verifyTail+1))

	type chunk struct {
		buf *[]byte
		n   int
	}
	chunks := make(chan chunk, verifyChunks) // to the hasher
	free := make(chan *[]byte, verifyChunks) // back from it
	for range verifyChunks {
		free <- verifyBuffers.Get().(*[]byte)
	}
	hashed := make(chan string, 1)
	go func() {
		h := sha256.New()
		for c := range chunks {
			h.Write((*c.buf)[:c.n])
			free <- c.buf
		}
		hashed <- hex.EncodeToString(h.Sum(nil))
	}()
	defer func() {
		for range verifyChunks {
			verifyBuffers.Put(<-free)
		}
	}()

	var n int64 // bytes read
	var err error
	for err == nil {
		bp := <-free
		var k int
		k, err = readChunk(r, *bp)
		b := (*bp)[:k]
		// Bytes before tailFrom go out now; the rest waits for the hash.
		if out := min(int64(k), max(tailFrom-n, 0)); out > 0 {
			if _, werr := w.Write(b[:out]); werr != nil {
				err = werr
			}
			b = b[out:]
		}
		held = append(held, b...)
		n += int64(k)
		chunks <- chunk{bp, k}
	}
	close(chunks)
	got := <-hashed
	if err != io.EOF {
		return err // reading or writing failed
	}
	if n != size || got != sum {
		return &MismatchError{Read: n, Size: size, Got: got, Sum: sum}
	}
	_, err = w.Write(held)
	return err
}

// readChunk reads r until buf is full or r ends (io.EOF) or fails.
func readChunk(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		k, err := r.Read(buf[n:])
		n += k
		if err == io.EOF {
			return n, err
		}
		if err != nil {
			return n, fmt.Errorf("read stored file: %w", err)
		}
	}
	return n, nil
}
