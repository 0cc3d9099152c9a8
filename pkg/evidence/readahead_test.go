package evidence

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"
)

// TestReadAhead checks that readAhead yields exactly the bytes and the
// error its reader does, whatever the sizes of the reads on either side.
func TestReadAhead(t *testing.T) {
	cut := errors.New("koneksi terputus")
	for _, tc := range []struct {
		name string
		size int
		err  error // after the bytes; nil: io.EOF
		read int   // size of the consumer's reads
		half bool  // the source yields half of what is asked at a time
	}{
		{name: "empty", size: 0, read: 4096},
		{name: "one byte", size: 1, read: 4096},
		{name: "one chunk less a byte", size: aheadChunk - 1, read: 4096},
		{name: "one chunk", size: aheadChunk, read: aheadChunk},
		{name: "one chunk and a byte", size: aheadChunk + 1, read: 256 << 10},
		{name: "many chunks, small reads", size: 7*aheadChunk + 12345, read: 1000},
		{name: "many chunks, large reads", size: 7*aheadChunk + 12345, read: 1 << 20, half: true},
		{name: "broken off mid-chunk", size: 2*aheadChunk + 77, err: cut, read: 64 << 10},
		{name: "broken off at a chunk's end", size: aheadChunk, err: cut, read: 64 << 10},
		{name: "broken off before a byte", size: 0, err: cut, read: 64 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := make([]byte, tc.size)
			for i := range data {
				data[i] = byte(rand.IntN(256))
			}
			var src io.Reader = bytes.NewReader(data)
			if tc.half {
				src = iotest.HalfReader(src)
			}
			if tc.err != nil {
				src = io.MultiReader(src, iotest.ErrReader(tc.err))
			}
			ra := newReadAhead(src)
			defer ra.Close()
			var got []byte
			buf := make([]byte, tc.read)
			var err error
			for err == nil {
				var n int
				n, err = ra.Read(buf)
				got = append(got, buf[:n]...)
			}
			want := tc.err
			if want == nil {
				want = io.EOF
			}
			if !errors.Is(err, want) {
				t.Errorf("ended with %v, want %v", err, want)
			}
			if !bytes.Equal(got, data) {
				t.Errorf("read %d bytes, want the %d written (equal prefix: %v)", len(got), len(data), bytes.HasPrefix(data, got))
			}
			if n, err := ra.Read(buf); n != 0 || !errors.Is(err, want) {
				t.Errorf("a Read after the end gave %d, %v; want 0, %v", n, err, want)
			}
		})
	}
}

// TestReadAheadClose checks that Close, when the consumer stops early
// (the blob store failed), returns only once the reader is no longer read:
// a request body must not be read after its handler returned.
func TestReadAheadClose(t *testing.T) {
	src := &gatedSource{gate: make(chan struct{})}
	ra := newReadAhead(src)
	buf := make([]byte, 1000)
	if _, err := ra.Read(buf); err != nil { // the first chunk came whole
		t.Fatal(err)
	}
	closed := make(chan struct{})
	go func() { ra.Close(); close(closed) }()
	select {
	case <-closed:
		t.Fatal("Close returned while the source was still being read")
	case <-time.After(50 * time.Millisecond):
	}
	src.gate <- struct{}{} // the client sends a few more bytes
	<-closed
	if n := src.reads.Load(); n != 2 {
		t.Errorf("the source was read %d times, want 2: not once more after Close", n)
	}
	if _, err := ra.Read(buf); err == nil {
		t.Error("Read after Close gave no error")
	}
	ra.Close() // twice is fine
}

// gatedSource yields a whole chunk at its first Read, then a byte each
// time its gate opens.
type gatedSource struct {
	gate  chan struct{}
	reads atomic.Int64
}

func (s *gatedSource) Read(p []byte) (int, error) {
	if s.reads.Add(1) == 1 {
		return len(p), nil
	}
	<-s.gate
	p[0] = 'x'
	return 1, nil
}
