package evidence_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// cutMultipart encodes data as the file part of a multipart body, cuts the
// body to its first cut(body, fileEnd) bytes (fileEnd is where the file
// bytes end) and returns the part as the web layer reads it: its Reads end
// in io.ErrUnexpectedEOF where the body does.
func cutMultipart(t *testing.T, data []byte, cut func(body []byte, fileEnd int) int) io.Reader {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	w, err := mw.CreateFormFile("file", "sk.pdf")
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	fileEnd := b.Len()
	mw.Close()
	body := b.Bytes()
	mr := multipart.NewReader(bytes.NewReader(body[:cut(body, fileEnd)]), mw.Boundary())
	part, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	return part
}

// failAfter returns data, then err instead of io.EOF.
type failAfter struct {
	r   io.Reader
	err error
}

func (f *failAfter) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		err = f.err
	}
	return n, err
}

// TestStageBrokenUpload stages uploads that break off before the end of
// the file: a multipart body cut inside the file part, right after the file
// bytes (no closing boundary) and inside the boundary, and a reader that
// fails. Stage must refuse them with EINVALID (400), wrap the reader's
// error, and store nothing, on both backends, for files shorter and longer
// than the sniffed head; and a request canceled mid-file. Before the fix
// the cut file was staged as complete (S3) or failed as an internal error
// (filesystem).
func TestStageBrokenUpload(t *testing.T) {
	t.Parallel()
	small := testenv.PDF("terpotong")
	large := pdfOfSize(300 << 10) // past the 64 KiB head: cut while streaming to the store
	reset := errors.New("read tcp 127.0.0.1:8080: connection reset by peer")
	cases := []struct {
		name  string
		data  []byte
		src   func(t *testing.T, data []byte) io.Reader
		cause error
	}{
		{"small file cut inside the file part", small, func(t *testing.T, d []byte) io.Reader {
			return cutMultipart(t, d, func(_ []byte, end int) int { return end - len(d)/2 })
		}, io.ErrUnexpectedEOF},
		{"small file cut right after the file bytes", small, func(t *testing.T, d []byte) io.Reader {
			return cutMultipart(t, d, func(_ []byte, end int) int { return end })
		}, io.ErrUnexpectedEOF},
		{"small file cut inside the closing boundary", small, func(t *testing.T, d []byte) io.Reader {
			return cutMultipart(t, d, func(_ []byte, end int) int { return end + 5 })
		}, io.ErrUnexpectedEOF},
		{"large file cut inside the file part", large, func(t *testing.T, d []byte) io.Reader {
			return cutMultipart(t, d, func(_ []byte, end int) int { return end - 100<<10 })
		}, io.ErrUnexpectedEOF},
		{"large file cut right after the file bytes", large, func(t *testing.T, d []byte) io.Reader {
			return cutMultipart(t, d, func(_ []byte, end int) int { return end })
		}, io.ErrUnexpectedEOF},
		{"small file, connection reset", small, func(t *testing.T, d []byte) io.Reader {
			return &failAfter{r: bytes.NewReader(d), err: reset}
		}, reset},
		{"large file, connection reset", large, func(t *testing.T, d []byte) io.Reader {
			return &failAfter{r: bytes.NewReader(d), err: reset}
		}, reset},
	}
	for _, kind := range testenv.StoreKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			svc, cfg := stageOnly(t, kind, 1<<20)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					st, err := svc.Stage(context.Background(), "sk.pdf", tc.src(t, tc.data))
					if c := bukti.ErrorCode(err); c != bukti.EINVALID {
						svc.Discard(context.Background(), st)
						t.Fatalf("Stage = %+v, %v (code %q); want code %q", st, err, c, bukti.EINVALID)
					}
					if !errors.Is(err, tc.cause) {
						t.Errorf("Stage error %v does not wrap %v", err, tc.cause)
					}
					if n := testenv.StagedLeft(t, cfg); n != 0 {
						t.Errorf("staged objects left got %d, want 0", n)
					}
					if n := testenv.StoredBlobs(t, cfg); n != 0 {
						t.Errorf("blobs got %d, want 0", n)
					}
				})
			}
			t.Run("request canceled while the file streams", func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				st, err := svc.Stage(ctx, "sk.pdf", &cancelAfter{r: bytes.NewReader(large), n: 100 << 10, cancel: cancel})
				if c := bukti.ErrorCode(err); c != bukti.EINVALID || !errors.Is(err, context.Canceled) {
					svc.Discard(context.Background(), st)
					t.Fatalf("Stage = %+v, %v (code %q); want code %q wrapping context.Canceled", st, err, c, bukti.EINVALID)
				}
				if n := testenv.StagedLeft(t, cfg); n != 0 {
					t.Errorf("staged objects left got %d, want 0", n)
				}
			})
		})
	}
}

// cancelAfter cancels its context once n bytes have been read, the way
// net/http cancels a request whose client went away.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.n -= n; c.n <= 0 {
		c.cancel()
	}
	return n, err
}
