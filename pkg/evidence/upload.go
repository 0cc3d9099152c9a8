package evidence

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// Staged is a file streamed into the blob store under a temporary name,
// sniffed and hashed, but not yet recorded. Pass it to Create or
// AddRevision, which commit it, or to Discard.
type Staged struct {
	tmp         string
	SHA256      string
	Size        int64
	ContentType string
	FileName    string
}

// errTooLarge marks the limit being crossed inside the blob store's read.
var errTooLarge = errors.New("evidence: file exceeds the upload limit")

// limitedHash counts and hashes what passes through it and fails once more
// than max bytes have been read.
type limitedHash struct {
	r   io.Reader
	h   hash.Hash
	n   int64
	max int64
}

func (l *limitedHash) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		return 0, errTooLarge
	}
	l.h.Write(p[:n])
	return n, err
}

// sourceError marks a failure of the reader given to Stage (the upload
// itself), as opposed to one of the blob store.
type sourceError struct{ err error }

func (e *sourceError) Error() string { return "read upload: " + e.err.Error() }
func (e *sourceError) Unwrap() error { return e.err }

// source wraps the reader given to Stage: io.EOF itself passes as it is,
// every other error (a wrapped io.EOF too) is wrapped in *sourceError.
// That matters most for io.ErrUnexpectedEOF, which is how mime/multipart
// and net/http report a body that ended before its closing boundary or
// declared length (a cut request, a client that went away): io.ReadFull
// and minio-go's uploader take the bare value for a normal short last read
// and would keep the truncated bytes as a complete file.
//
// Each Read fills p before it returns, unless the reader ends or fails or
// ctx ends (which the blob store sees on its next Read): a multipart part
// yields a few KiB per Read, and every layer above (the hash, the limits,
// the blob store's guards) then runs once per buffer instead of once per
// few KiB.
type source struct {
	ctx context.Context
	r   io.Reader
}

func (s source) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		k, err := s.r.Read(p[n:])
		n += k
		if err == io.EOF {
			return n, err
		}
		if err != nil {
			return n, &sourceError{err}
		}
		if s.ctx.Err() != nil {
			break
		}
	}
	return n, nil
}

// Stage sniffs the head of r, refuses types outside the allowlist, then
// streams r through SHA-256 into the blob store. Memory stays at the sniff
// buffer plus what the store needs, whatever the file size. On any error
// nothing is left in the store.
//
// The file is complete only when r returns io.EOF. Any other error of r,
// io.ErrUnexpectedEOF included, is an upload that broke off, and so is ctx
// ending while the file streams: Stage returns an EINVALID error that also
// wraps the cause (so errors.As still finds, say, an *http.MaxBytesError).
func (s *Service) Stage(ctx context.Context, fileName string, r io.Reader) (*Staged, error) {
	src := source{ctx: ctx, r: r}
	head := make([]byte, sniffBytes)
	n, err := io.ReadFull(src, head)
	var se *sourceError
	switch {
	case errors.As(err, &se):
		return nil, brokenUpload(fileName, se.err)
	case errors.Is(err, io.EOF):
		return nil, bukti.E(bukti.EINVALID, "err.evidence.file_empty_0_bytes", fileName)
	case errors.Is(err, io.ErrUnexpectedEOF): // from ReadFull: the whole file is shorter than the head
		head = head[:n]
	case err != nil:
		return nil, fmt.Errorf("read upload head: %w", err)
	}
	contentType, ok := sniff(head)
	if !ok {
		return nil, bukti.E(bukti.EUNSUPPORTED, "err.evidence.file_type_not_allowed_detected", fileName, contentType, AllowedKinds)
	}
	if int64(len(head)) > s.MaxBytes {
		return nil, s.tooLarge(fileName)
	}
	lh := &limitedHash{r: io.MultiReader(bytes.NewReader(head), src), h: sha256.New(), max: s.MaxBytes}
	ra := newReadAhead(lh)
	tmp, err := s.Blobs.Stage(ctx, ra)
	ra.Close() // lh is ours again
	switch {
	case errors.Is(err, errTooLarge):
		return nil, s.tooLarge(fileName)
	case errors.As(err, &se):
		return nil, brokenUpload(fileName, se.err)
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		// The request ended mid-file: on a server, the client went away
		// (net/http cancels the context as soon as the body has ended).
		return nil, brokenUpload(fileName, err)
	case err != nil:
		return nil, fmt.Errorf("stage upload in %s: %w", s.Blobs.Name(), err)
	}
	return &Staged{tmp: tmp, SHA256: hex.EncodeToString(lh.h.Sum(nil)), Size: lh.n, ContentType: contentType, FileName: fileName}, nil
}

// brokenUpload is the error of an upload whose reader failed with cause
// before the end of the file: EINVALID, wrapping cause too.
func brokenUpload(fileName string, cause error) error {
	return fmt.Errorf("%w: %w", bukti.E(bukti.EINVALID, "err.evidence.upload_broke_off_before_end", fileName), cause)
}

func (s *Service) tooLarge(fileName string) error {
	return bukti.E(bukti.ETOOLARGE, "err.evidence.file_exceeds_upload_limit", fileName, humanBytes(s.MaxBytes))
}

// Discard removes a staged file that will not be recorded. It is safe to
// call with nil.
func (s *Service) Discard(ctx context.Context, st *Staged) {
	if st == nil || st.tmp == "" {
		return
	}
	if err := s.Blobs.Discard(context.WithoutCancel(ctx), st.tmp); err != nil {
		s.Log.Error("discard staged upload", "tmp", st.tmp, "err", err)
	}
	st.tmp = ""
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d byte", n)
	}
}
