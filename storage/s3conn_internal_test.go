package storage

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// testBody returns n reproducible bytes.
func testBody(n int) []byte {
	b := make([]byte, n)
	_, _ = io.ReadFull(mrand.NewChaCha8([32]byte{7}), b)
	return b
}

// bodyFile returns data in a file, at its start, as upload parts in files
// are sent.
func bodyFile(t *testing.T, data []byte) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "part"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	return f
}

// post sends body with the given Content-Length through the S3 transport,
// wrapped in io.NopCloser as the S3 client wraps it, and returns the
// answer's body.
func post(ctx context.Context, tr http.RoundTripper, url string, body io.Reader, length int64) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, io.NopCloser(body))
	if err != nil {
		return "", err
	}
	req.ContentLength = length
	res, err := tr.RoundTrip(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return string(b), err
}

// TestIdleConnSendsBodies sends request bodies of every kind the S3
// client hands the connection (see idleConn.ReadFrom) to a server that
// hashes what it receives: each arrives whole and unchanged, and a body
// longer than its Content-Length fails the request instead of running
// into the next one.
func TestIdleConnSendsBodies(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "%d %x", n, h.Sum(nil))
	}))
	t.Cleanup(srv.Close)
	tr, err := s3Transport(false, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	inMemory := func(_ *testing.T, b []byte) io.Reader { return bytes.NewReader(b) }
	inFile := func(t *testing.T, b []byte) io.Reader { return fileBody{bodyFile(t, b)} }
	plain := func(_ *testing.T, b []byte) io.Reader { return struct{ io.Reader }{bytes.NewReader(b)} }
	// Several steps of copyBufferSize and a piece of one.
	data := testBody(3*copyBufferSize + 12345)
	for _, tc := range []struct {
		name  string
		data  []byte
		body  func(*testing.T, []byte) io.Reader
		short int64 // how much shorter than the body its Content-Length is
	}{
		{"part in memory", data, inMemory, 0},
		{"part in a file", data, inFile, 0},
		{"plain reader", data, plain, 0},
		{"small XML body", []byte("<Part/>"), inMemory, 0},
		{"in memory, longer than its length", data, inMemory, 1},
		{"in a file, longer than its length", data, inFile, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := post(t.Context(), tr, srv.URL, tc.body(t, tc.data), int64(len(tc.data))-tc.short)
			if tc.short > 0 {
				if err == nil {
					t.Errorf("a body longer than its Content-Length was sent: the server received %q", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("request failed: %v", err)
			}
			if want := fmt.Sprintf("%d %x", len(tc.data), sha256.Sum256(tc.data)); got != want {
				t.Errorf("server received %q, want %q", got, want)
			}
		})
	}
}

// TestIdleConnDeadlines: a body going to a server that stops reading
// fails by the connection's idle time (not the test's own bound),
// while one going to a server that reads slowly but steadily is sent
// whole even though it takes longer than the idle time.
func TestIdleConnDeadlines(t *testing.T) {
	t.Parallel()
	const idle = time.Second
	// More than the sockets on both ends can hold, so the sender waits.
	data := testBody(24 << 20)
	bodies := map[string]func(t *testing.T) io.Reader{
		"in memory": func(*testing.T) io.Reader { return bytes.NewReader(data) },
		"in a file": func(t *testing.T) io.Reader { return fileBody{bodyFile(t, data)} },
	}
	// serve accepts connections and hands each to handle.
	serve := func(t *testing.T, handle func(net.Conn)) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go handle(c)
			}
		}()
		return "http://" + ln.Addr().String()
	}
	tr, err := s3Transport(false, idle)
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range bodies {
		t.Run("server stops reading, "+name, func(t *testing.T) {
			t.Parallel()
			url := serve(t, func(c net.Conn) {
				defer c.Close()
				<-t.Context().Done() // reads nothing
			})
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			_, err := post(ctx, tr, url, body(t), int64(len(data)))
			// (The request fails by the read deadline or the write
			// deadline, whichever passes first.)
			if err == nil || ctx.Err() != nil {
				t.Errorf("err = %v, want the connection's idle timeout before the test's (%v)", err, ctx.Err())
			}
		})
		t.Run("server reads slowly, "+name, func(t *testing.T) {
			t.Parallel()
			url := serve(t, func(c net.Conn) {
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReaderSize(steadyReader{c, new(int)}, 256<<10))
				if err == nil {
					_, err = io.CopyBuffer(io.Discard, struct{ io.Reader }{req.Body}, make([]byte, 256<<10))
				}
				if err == nil {
					io.WriteString(c, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
				}
			})
			start := time.Now()
			if _, err := post(t.Context(), tr, url, body(t), int64(len(data))); err != nil {
				t.Fatalf("slow but steady server: %v", err)
			}
			if took := time.Since(start); took < 2*idle {
				t.Errorf("the body took %v: the test needs one that outlasts the idle time (%v) well", took, idle)
			}
		})
	}
}

// steadyReader reads its first 12 MiB at most 256 KiB every 50 ms (5
// MiB/s, seconds in all, each step a small part of a second), then the
// rest at once: what the sockets hold when the sender has written the
// last byte is read well within the time it waits for the answer.
type steadyReader struct {
	r    io.Reader
	read *int
}

func (s steadyReader) Read(p []byte) (int, error) {
	if *s.read < 12<<20 {
		time.Sleep(50 * time.Millisecond)
		p = p[:min(len(p), 256<<10)]
	}
	n, err := s.r.Read(p)
	*s.read += n
	return n, err
}
