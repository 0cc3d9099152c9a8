package storage

import (
	"context"
	"fmt"
	"io"
)

// errSourceCut replaces io.ErrUnexpectedEOF from a staged reader. It still
// satisfies errors.Is(err, io.ErrUnexpectedEOF), but it is not that value:
// minio-go's uploader compares with == and takes the bare value for a
// normal short last part, so it would store a cut-off upload as complete.
var errSourceCut = fmt.Errorf("storage: staged reader was cut short: %w", io.ErrUnexpectedEOF)

// ctxReader is what Stage reads from. It makes a long copy stop soon after
// ctx is canceled: each Read first checks ctx; the underlying reader's own
// blocking is not interrupted. And it makes io.ErrUnexpectedEOF from r an
// error for every backend (see errSourceCut), as the Stage contract says:
// only io.EOF ends a blob.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read returns ctx's error once ctx is done, else reads from r, turning
// io.ErrUnexpectedEOF into errSourceCut.
func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	if err == io.ErrUnexpectedEOF { // the bare value only: minio-go compares with ==
		err = errSourceCut
	}
	return n, err
}
