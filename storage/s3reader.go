package storage

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/minio/minio-go/v7"
)

// s3Reader streams an object straight from the body of its GET response
// (minio-go's Object hands every Read to a goroutine of its own, which
// costs a download about a quarter of its time). It can seek: the next
// Read then asks for the rest of the object from there, on condition that
// it is still the same object (its ETag).
type s3Reader struct {
	s    *s3Store
	ctx  context.Context
	key  string // for messages
	name string // the object
	etag string
	size int64
	pos  int64
	body io.ReadCloser // nil after a Seek until the next Read
}

// openObject sends the GET of name; errors are as minio-go returns them.
func (s *s3Store) openObject(ctx context.Context, key, name string) (*s3Reader, error) {
	body, info, _, err := minio.Core{Client: s.client}.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, err
	}
	return &s3Reader{s: s, ctx: ctx, key: key, name: name, etag: info.ETag, size: info.Size, body: body}, nil
}

func (r *s3Reader) Read(p []byte) (int, error) {
	if r.pos >= r.size {
		return 0, io.EOF
	}
	if r.body == nil {
		var opts minio.GetObjectOptions
		if r.pos > 0 { // SetRange(0, 0) would be the first byte only
			if err := opts.SetRange(r.pos, 0); err != nil {
				return 0, err
			}
		}
		if err := opts.SetMatchETag(r.etag); err != nil {
			return 0, err
		}
		body, _, _, err := minio.Core{Client: r.s.client}.GetObject(r.ctx, r.s.bucket, r.name, opts)
		if err != nil {
			return 0, r.s.objectError(r.ctx, r.key, err)
		}
		r.body = body
	}
	n, err := r.body.Read(p)
	r.pos += int64(n)
	if err == io.EOF && r.pos < r.size {
		err = fmt.Errorf("storage: read %s in %s: %w after %d of %d bytes", r.key, r.s.name, io.ErrUnexpectedEOF, r.pos, r.size)
	}
	return n, err
}

func (r *s3Reader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += r.pos
	case io.SeekEnd:
		offset += r.size
	case io.SeekStart:
	default:
		return r.pos, errors.New("storage: seek: invalid whence")
	}
	if offset < 0 {
		return r.pos, errors.New("storage: seek: negative position")
	}
	if offset != r.pos && r.body != nil {
		r.body.Close()
		r.body = nil
	}
	r.pos = offset
	return offset, nil
}

func (r *s3Reader) Close() error {
	if r.body == nil {
		return nil
	}
	err := r.body.Close()
	r.body = nil
	return err
}
