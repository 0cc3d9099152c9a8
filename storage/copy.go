package storage

import (
	"io"
	"os"
	"sync"
)

// copyBufferSize is the size of the buffers blob bytes are copied
// through: few enough system calls per megabyte that copying costs little
// next to the disk (1 MiB was no faster, measured with BenchmarkStage).
const copyBufferSize = 256 << 10

// copyBuffers are the buffers of the copies to files (the filesystem
// store's, and S3 upload parts held in files), shared by all of them:
// memory grows with the copies running at once, never with a blob's size.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, copyBufferSize); return &b }}

// writeFile copies r into f through a pooled buffer, filling the whole
// buffer before each write (a reader such as a multipart part returns a
// few KiB per Read), and has the kernel write the file to disk as it
// grows (flusher), so that the final fsync has little left to wait for.
// It returns the bytes written and the first error of r other than
// io.EOF, or of the file.
func writeFile(f *os.File, r io.Reader) (int64, error) {
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	buf := *bp
	fl := newFlusher(f)
	var written int64
	for {
		n, rerr := readFull(r, buf)
		if n > 0 {
			if _, err := f.Write(buf[:n]); err != nil {
				return written, err
			}
			written += int64(n)
			fl.wrote(written)
		}
		if rerr == io.EOF {
			return written, nil
		}
		if rerr != nil {
			return written, rerr
		}
	}
}

// readFull reads r until buf is full or r fails. Unlike io.ReadFull it
// returns io.EOF (not io.ErrUnexpectedEOF) for an end within buf, and
// passes r's own errors on unchanged.
func readFull(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		k, err := r.Read(buf[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
