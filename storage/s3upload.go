package storage

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"

	"github.com/minio/minio-go/v7"
)

// Upload parts. An S3 upload of unknown length is cut into parts of
// s3PartSize bytes; each is held whole until it is sent (S3 wants its
// length first). The parts of all uploads of the process come from one
// pool of s3PartBuffers buffers in memory; a part that finds none free is
// held in an unlinked temporary file instead (the kernel's page cache,
// not the process's memory), so that the memory held does not grow with
// the number of uploads and no upload waits for another to free a buffer
// (a client on a slow link can take minutes to fill a part).
const (
	// s3PartSize is the size of every part but the last. With S3's
	// 10,000-part limit it caps a blob at about 312 GiB. Each part is a
	// request the server handles on its own: MinIO spent 2.2–2.8
	// CPU-seconds receiving 512 MiB in 32 MiB parts, 3.3–4.5 in 8 MiB
	// parts (1.6–1.8 for one PUT), on this project's 2-core test machine.
	s3PartSize = 32 << 20
	// s3MaxParts is S3's limit of parts per upload.
	s3MaxParts = 10000
	// s3PartBuffers is how many part buffers the process holds in
	// memory at most: 32 MiB. One upload uses two parts at a time (one
	// sent while the next fills), so even a lone upload holds every other
	// part in a temporary file.
	s3PartBuffers = 1
)

// processParts is the process's pool of part buffers, which every S3
// store uses.
var processParts = newPartPool(s3PartSize, s3PartBuffers, os.TempDir)

// crc32c is the table of the CRC-32C checksum each part is sent with: S3
// checks it on arrival, so bytes damaged on the way are refused, not
// stored. The payload itself is not signed (UNSIGNED-PAYLOAD, as over
// https anyway): over plain http that would cost a second SHA-256 of every
// byte on each side, and the SHA-256 Bukti records is checked on every
// download and by fsck -verify-content.
var crc32c = crc32.MakeTable(crc32.Castagnoli)

// partPool lends part buffers: at most max in memory at a time, then
// temporary files.
type partPool struct {
	size  int
	free  chan []byte   // buffers in memory not in use
	slots chan struct{} // one token per buffer that may still be allocated
	dir   func() string // where parts spill
}

func newPartPool(size, max int, dir func() string) *partPool {
	p := &partPool{size: size, free: make(chan []byte, max), slots: make(chan struct{}, max), dir: dir}
	for range max {
		p.slots <- struct{}{}
	}
	return p
}

// get returns an empty part: in memory when a buffer is free, else in a
// temporary file.
func (p *partPool) get() (*part, error) {
	select {
	case b := <-p.free:
		return &part{pool: p, buf: b[:0], crc: crc32.New(crc32c)}, nil
	default:
	}
	select {
	case <-p.slots:
		return &part{pool: p, buf: make([]byte, 0, p.size), crc: crc32.New(crc32c)}, nil
	default:
	}
	f, err := os.CreateTemp(p.dir(), "bukti-part-*")
	if err != nil {
		return nil, fmt.Errorf("storage: no part buffer free and no temporary file for one: %w", err)
	}
	// Unlinked at once where the system allows it: nothing stays after a
	// crash. (Elsewhere it is removed when released.)
	removed := os.Remove(f.Name()) == nil
	return &part{pool: p, file: f, removed: removed, crc: crc32.New(crc32c)}, nil
}

// part is one upload part being filled or sent.
type part struct {
	pool    *partPool
	buf     []byte   // in memory; nil when in a file
	file    *os.File // in a file
	removed bool     // the file's name is gone already
	n       int64    // bytes held
	crc     hash.Hash32
}

// fill reads r until the part is full or r ends. It reports whether r
// ended (io.EOF, possibly with the last bytes); any other error of r is
// returned as it is.
func (p *part) fill(r io.Reader) (eof bool, err error) {
	size := int64(p.pool.size)
	var copyBuf []byte // for a part in a file
	if p.file != nil {
		bp := copyBuffers.Get().(*[]byte)
		defer copyBuffers.Put(bp)
		copyBuf = *bp
	}
	for p.n < size {
		var chunk []byte
		if p.buf != nil {
			chunk = p.buf[p.n:size]
		} else {
			chunk = copyBuf[:min(int64(len(copyBuf)), size-p.n)]
		}
		k, rerr := r.Read(chunk)
		if k > 0 {
			p.crc.Write(chunk[:k])
			if p.file != nil {
				if _, werr := p.file.Write(chunk[:k]); werr != nil {
					return false, fmt.Errorf("storage: hold upload part in %s: %w", p.file.Name(), werr)
				}
			}
			p.n += int64(k)
			if p.buf != nil {
				p.buf = p.buf[:p.n]
			}
		}
		if rerr == io.EOF {
			return true, nil
		}
		if rerr != nil {
			return false, rerr
		}
	}
	return false, nil
}

// reader returns the part's bytes; it can be read again after seeking to
// the start (the client retries a request that failed on the way). Both
// kinds write themselves to the connection without a copy (see
// idleConn.ReadFrom).
func (p *part) reader() (io.ReadSeeker, error) {
	if p.buf != nil {
		return bytes.NewReader(p.buf), nil
	}
	if _, err := p.file.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("storage: read back upload part in %s: %w", p.file.Name(), err)
	}
	return fileBody{p.file}, nil
}

// fileBody is an upload part held in a file as a request body. net/http
// passes a body on to the connection behind the S3 client's io.NopCloser,
// which keeps only Read and WriteTo: WriteTo is how the file reaches the
// connection to be sent with sendfile(2). (Being no io.Closer, the file
// is not closed by the client either.)
type fileBody struct{ f *os.File }

func (b fileBody) Read(p []byte) (int, error) { return b.f.Read(p) }

func (b fileBody) Seek(offset int64, whence int) (int64, error) { return b.f.Seek(offset, whence) }

// WriteTo sends the rest of the file to w: by sendfile(2) when w is a
// request body on its way to S3, else copied.
func (b fileBody) WriteTo(w io.Writer) (int64, error) {
	if bw, ok := w.(*bodyWriter); ok {
		return bw.sendFile(b.f)
	}
	return io.Copy(w, b.f)
}

// checksum is the part's CRC-32C as S3's x-amz-checksum-crc32c header
// carries it.
func (p *part) checksum() string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], p.crc.Sum32())
	return base64.StdEncoding.EncodeToString(b[:])
}

// release gives the buffer back or removes the file.
func (p *part) release() {
	if p.buf != nil {
		p.pool.free <- p.buf[:0]
		p.buf = nil
		return
	}
	if p.file != nil {
		p.file.Close()
		if !p.removed {
			os.Remove(p.file.Name())
		}
		p.file = nil
	}
}

// checksumHeader is the header that carries a part's CRC-32C.
const checksumHeader = "X-Amz-Checksum-Crc32c"

// upload stores everything r yields as the object name, writing each byte
// once: a single PUT when it fits in one part, else a multipart upload
// that sends each part while the next fills. It returns the object's
// size. On error it leaves the multipart upload to the caller, which
// aborts it (Stage's cleanupStage, in the background when the server is
// down).
func (s *s3Store) upload(ctx context.Context, name string, r io.Reader) (size int64, err error) {
	core := minio.Core{Client: s.client}

	cur, err := s.parts.get()
	if err != nil {
		return 0, err
	}
	eof, err := cur.fill(r)
	if err != nil {
		cur.release()
		return 0, err
	}
	if eof { // it fits in one part
		defer cur.release()
		body, err := cur.reader()
		if err != nil {
			return 0, err
		}
		_, err = core.PutObject(ctx, s.bucket, name, body, cur.n, "", "", minio.PutObjectOptions{
			ContentType:          "application/octet-stream",
			DisableContentSha256: true,
			UserMetadata:         map[string]string{checksumHeader: cur.checksum()},
		})
		return cur.n, err
	}

	id, err := core.NewMultipartUpload(ctx, s.bucket, name, minio.PutObjectOptions{ContentType: "application/octet-stream"})
	if err != nil {
		cur.release()
		return 0, err
	}
	type sent struct {
		part minio.CompletePart
		err  error
	}
	send := func(p *part, num int) <-chan sent {
		ch := make(chan sent, 1)
		go func() {
			defer p.release()
			body, err := p.reader()
			var op minio.ObjectPart
			if err == nil {
				op, err = core.PutObjectPart(ctx, s.bucket, name, id, num, body, p.n, minio.PutObjectPartOptions{
					DisableContentSha256: true,
					CustomHeader:         map[string][]string{checksumHeader: {p.checksum()}},
				})
			}
			ch <- sent{minio.CompletePart{PartNumber: num, ETag: op.ETag, ChecksumCRC32C: op.ChecksumCRC32C}, err}
		}()
		return ch
	}
	var done []minio.CompletePart
	for num := 1; ; num++ {
		size += cur.n
		inFlight := send(cur, num)
		var next *part
		if !eof {
			if next, err = s.parts.get(); err == nil {
				eof, err = next.fill(r) // while cur is sent
			}
		}
		res := <-inFlight
		if err == nil {
			err = res.err
		}
		if err != nil {
			if next != nil {
				next.release()
			}
			return 0, err
		}
		done = append(done, res.part)
		if next == nil || next.n == 0 {
			if next != nil {
				next.release()
			}
			break
		}
		if num+1 > s3MaxParts {
			next.release()
			return 0, fmt.Errorf("storage: upload of %s exceeds %d parts of %d MiB", name, s3MaxParts, s3PartSize>>20)
		}
		cur = next
	}
	if _, err = core.CompleteMultipartUpload(ctx, s.bucket, name, id, done, minio.PutObjectOptions{}); err != nil {
		return 0, err
	}
	return size, nil
}
