package core_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/web/core"
)

// TestCompressMiddleware checks the compression middleware's decisions on
// a bare server: by type, by length, by status and method, when the
// handler encoded the body itself, when it streams (a Flush reaches the
// client compressed, before the end), and when it aborts (the client sees
// a broken stream, never a clean end).
func TestCompressMiddleware(t *testing.T) {
	s := core.New(core.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	e := s.Echo()
	page := strings.Repeat("<p>Bukti dukung akreditasi Puskesmas.</p>\n", 200) // 8 KiB
	e.GET("/page", func(c echo.Context) error { return c.HTML(http.StatusOK, page) })
	e.HEAD("/page", func(c echo.Context) error { return c.HTML(http.StatusOK, page) })
	e.GET("/etag", func(c echo.Context) error {
		c.Response().Header().Set("ETag", `"v1"`)
		return c.HTML(http.StatusOK, page)
	})
	e.GET("/zip", func(c echo.Context) error { return c.Blob(http.StatusOK, "application/zip", []byte(page)) })
	e.GET("/short", func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderContentLength, "42")
		return c.Blob(http.StatusOK, "text/plain; charset=utf-8", []byte(page[:42]))
	})
	e.GET("/short-unknown", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"ok": "ya"}) })
	e.GET("/encoded", func(c echo.Context) error {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(page))
		zw.Close()
		c.Response().Header().Set(echo.HeaderContentEncoding, "gzip")
		return c.Blob(http.StatusOK, "text/html; charset=utf-8", b.Bytes())
	})
	e.GET("/not-modified", func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderContentType, "text/html")
		return c.NoContent(http.StatusNotModified)
	})
	release := make(chan struct{})
	e.GET("/stream", func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderContentType, "text/csv")
		c.Response().WriteHeader(http.StatusOK)
		c.Response().Write([]byte("kode;nama\n"))
		c.Response().Flush()
		<-release
		_, err := c.Response().Write([]byte(page))
		return err
	})
	e.GET("/abort", func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderContentType, "text/html")
		c.Response().WriteHeader(http.StatusOK)
		c.Response().Write([]byte(page))
		panic(http.ErrAbortHandler)
	})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)

	get := func(t *testing.T, method, path, accept string) (*http.Response, []byte, error) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp, b, err
	}

	for _, tc := range []struct {
		name, method, path, accept string
		status                     int
		enc                        string // Content-Encoding
		vary                       bool
		body                       string // decoded
		etag                       string
	}{
		{name: "page, gzip", path: "/page", accept: "gzip", status: 200, enc: "gzip", vary: true, body: page},
		{name: "page, brotli", path: "/page", accept: "gzip, br", status: 200, enc: "br", vary: true, body: page},
		{name: "page, gzip preferred by weight", path: "/page", accept: "br;q=0.5, gzip;q=0.9", status: 200, enc: "gzip", vary: true, body: page},
		{name: "page, identity", path: "/page", accept: "identity", status: 200, vary: true, body: page},
		{name: "page, every encoding refused", path: "/page", accept: "*;q=0", status: 200, vary: true, body: page},
		{name: "head", method: "HEAD", path: "/page", accept: "gzip, br", status: 200},
		{name: "strong etag weakened", path: "/etag", accept: "gzip", status: 200, enc: "gzip", vary: true, body: page, etag: `W/"v1"`},
		{name: "etag kept without compression", path: "/etag", accept: "identity", status: 200, vary: true, body: page, etag: `"v1"`},
		{name: "already compressed type", path: "/zip", accept: "gzip, br", status: 200, body: page},
		{name: "short with a length", path: "/short", accept: "gzip, br", status: 200, vary: true, body: page[:42]},
		{name: "short without a length", path: "/short-unknown", accept: "gzip, br", status: 200, vary: true, body: `{"ok":"ya"}` + "\n"},
		{name: "encoded by the handler", path: "/encoded", accept: "gzip, br", status: 200, enc: "gzip", vary: true, body: page},
		{name: "not modified", path: "/not-modified", accept: "gzip", status: 304, vary: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = "GET"
			}
			resp, raw, err := get(t, method, tc.path, tc.accept)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status || resp.Header.Get("Content-Encoding") != tc.enc {
				t.Fatalf("status %d, Content-Encoding %q; want %d, %q", resp.StatusCode, resp.Header.Get("Content-Encoding"), tc.status, tc.enc)
			}
			if got := strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding"); got != tc.vary {
				t.Errorf("Vary %q, want Accept-Encoding: %v", resp.Header.Get("Vary"), tc.vary)
			}
			if tc.etag != "" && resp.Header.Get("ETag") != tc.etag {
				t.Errorf("ETag %q, want %q", resp.Header.Get("ETag"), tc.etag)
			}
			if got := string(decodeBody(t, tc.enc, raw)); got != tc.body {
				t.Errorf("body of %d bytes, want %d", len(got), len(tc.body))
			}
		})
	}

	t.Run("a flush reaches the client", func(t *testing.T) {
		req, _ := http.NewRequest("GET", srv.URL+"/stream", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding %q, want gzip", resp.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		head := make([]byte, len("kode;nama\n"))
		if _, err := io.ReadFull(zr, head); err != nil || string(head) != "kode;nama\n" {
			t.Fatalf("first line before the rest was written: %q, %v", head, err)
		}
		close(release)
		rest, err := io.ReadAll(zr)
		if err != nil || string(rest) != page {
			t.Errorf("rest: %d bytes, %v", len(rest), err)
		}
	})

	t.Run("an aborted answer does not end cleanly", func(t *testing.T) {
		for _, accept := range []string{"gzip", "br", "identity"} {
			req, _ := http.NewRequest("GET", srv.URL+"/abort", nil)
			req.Header.Set("Accept-Encoding", accept)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				continue // the connection closed before the headers: a failure the client sees
			}
			raw, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				continue
			}
			if _, derr := decodeAll(resp.Header.Get("Content-Encoding"), raw); derr == nil {
				t.Errorf("Accept-Encoding %s: an aborted answer arrived whole (%q, %d bytes)", accept, resp.Header.Get("Content-Encoding"), len(raw))
			}
		}
	})
}

// TestUncompressedPassesThrough checks that the answer to a client that
// takes no encoding is not held back: its bytes reach the connection as
// the handler writes them, however compressible (the readiness JSON,
// 279 KB, was copied whole into the middleware's buffer first).
func TestUncompressedPassesThrough(t *testing.T) {
	s := core.New(core.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	e := s.Echo()
	rec := httptest.NewRecorder()
	first := `{"kriteria":"2.1.2"`
	var seen map[string]int // accept → bytes the connection had after the first write
	e.GET("/json", func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		c.Response().WriteHeader(http.StatusOK)
		if _, err := c.Response().Write([]byte(first)); err != nil {
			return err
		}
		seen[c.Request().Header.Get("Accept-Encoding")] = rec.Body.Len()
		_, err := c.Response().Write([]byte(strings.Repeat(" ", 4096) + "}"))
		return err
	})
	for _, tc := range []struct {
		name, accept string
		through      int // bytes at the connection after the first write
		enc          string
	}{
		{"no Accept-Encoding", "", len(first), ""},
		{"identity only", "identity", len(first), ""},
		{"every encoding refused", "*;q=0", len(first), ""},
		{"gzip: held until compressMin", "gzip", 0, "gzip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec = httptest.NewRecorder()
			seen = map[string]int{}
			req := httptest.NewRequest("GET", "/json", nil)
			if tc.accept != "" {
				req.Header.Set("Accept-Encoding", tc.accept)
			}
			e.ServeHTTP(rec, req)
			if got := seen[tc.accept]; got != tc.through {
				t.Errorf("%d bytes reached the connection after the first write, want %d", got, tc.through)
			}
			res := rec.Result()
			if res.Header.Get("Content-Encoding") != tc.enc || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("Content-Encoding %q, Vary %q; want %q and Accept-Encoding", res.Header.Get("Content-Encoding"), res.Header.Get("Vary"), tc.enc)
			}
			if body := string(decodeBody(t, tc.enc, rec.Body.Bytes())); !strings.HasPrefix(body, first) || len(body) != len(first)+4097 {
				t.Errorf("body of %d bytes, want %d", len(body), len(first)+4097)
			}
		})
	}
}

func decodeAll(enc string, b []byte) ([]byte, error) {
	switch enc {
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(zr)
	case "br":
		return io.ReadAll(brotli.NewReader(bytes.NewReader(b)))
	}
	return b, nil
}

func decodeBody(t *testing.T, enc string, b []byte) []byte {
	t.Helper()
	out, err := decodeAll(enc, b)
	if err != nil {
		t.Fatalf("decode %s: %v", enc, err)
	}
	return out
}

// TestAcceptedEncoding checks that AcceptedEncoding chooses as the
// compress middleware does (andybalholm/brotli's negotiation), header by
// header, and that Encode's bodies decode to what was encoded.
func TestAcceptedEncoding(t *testing.T) {
	body := []byte(strings.Repeat(`{"id":"2.1.2/a","score":10}`, 400))
	for _, accept := range []string{"", "gzip", "br", "gzip, br", "br;q=0.5, gzip;q=0.9", "br;q=0, gzip", "*", "*;q=0",
		"identity", "gzip;q=0, *", "deflate", "BR", "gzip;q=bad, br;q=0.1", "br, gzip;q=1.0"} {
		t.Run(accept, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/", nil)
			if accept != "" {
				req.Header.Set("Accept-Encoding", accept)
			}
			rec := httptest.NewRecorder()
			w := brotli.HTTPCompressor(rec, req) // the middleware's choice
			w.Close()
			want := rec.Header().Get("Content-Encoding")
			got := core.AcceptedEncoding(req)
			if got != want {
				t.Fatalf("AcceptedEncoding(%q) = %q, the middleware chooses %q", accept, got, want)
			}
			if got == "" {
				return
			}
			enc, err := core.Encode(got, body)
			if err != nil || len(enc) >= len(body) || !bytes.Equal(decodeBody(t, got, enc), body) {
				t.Fatalf("Encode(%s): %d bytes of %d (%v), or another body", got, len(enc), len(body), err)
			}
		})
	}
}
