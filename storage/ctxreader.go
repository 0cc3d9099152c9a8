package storage

import (
	"context"
	"io"
)

// ctxReader makes a long copy stop soon after ctx is canceled: each Read
// first checks ctx. The underlying reader's own blocking is not interrupted.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read returns ctx's error once ctx is done, else reads from r.
func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
