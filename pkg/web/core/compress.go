package core

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/labstack/echo/v4"
)

// Pages, styles, scripts and JSON travel compressed — brotli when the
// browser takes it (browsers ask for it over HTTPS only), gzip otherwise —
// for a Puskesmas on mobile data. Evidence files and thumbnails never do:
// a download keeps its exact bytes, its Content-Length and the check of
// its SHA-256 as it streams (a damaged file ends the transfer early,
// which compression would hide behind a clean end of stream), and photos,
// PDFs, spreadsheets and zips are compressed already.

// compressLevel is brotli's quality (gzip's level is capped at 9): fast
// enough to compress every page as it is sent.
const compressLevel = 5

// compressMin is the smallest body compressed: below it the encoding's
// overhead eats the gain.
const compressMin = 1024

// compressTypes are the media types compressed.
var compressTypes = map[string]bool{
	"text/html": true, "text/css": true, "text/javascript": true, "application/javascript": true,
	"application/json": true, "text/csv": true, "text/plain": true, "image/svg+xml": true,
}

// noCompressRoutes are never compressed, whatever their type: the
// evidence download and thumbnails (see above), and /metrics, which has
// its own server but would keep its scrapers' expectations here too.
var noCompressRoutes = map[string]bool{
	"/api/v1/evidence/:id/content":           true,
	"/api/v1/evidence/:id/thumbnail/:sha256": true,
	"/metrics":                               true,
}

// compress answers with a compressed body when the response is of a type
// in compressTypes, at least compressMin bytes long (or of unknown
// length: streamed) and the client accepts brotli or gzip. The decision
// waits for the status and headers; a body shorter than compressMin goes
// out as it is. A handler that panics (a download aborted with
// http.ErrAbortHandler) leaves the stream unfinished, so the client sees
// the failure.
func (s *Server) compress(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if noCompressRoutes[c.Path()] || c.Request().Method == http.MethodHead {
			return next(c)
		}
		res := c.Response()
		cw := &compressWriter{ResponseWriter: res.Writer, req: c.Request(), accepts: AcceptedEncoding(c.Request()) != ""}
		res.Writer = cw
		err := next(c)
		cw.finish()
		res.Writer = cw.ResponseWriter
		return err
	}
}

// compressWriter holds back the header until it knows whether to
// compress: at WriteHeader for a response that cannot be (or a client
// that takes no encoding: its bytes pass through as they are written,
// never copied), after compressMin bytes (or a Flush, or the end) for one
// that can.
type compressWriter struct {
	http.ResponseWriter
	req     *http.Request
	accepts bool           // the client takes brotli or gzip
	code    int            // the status held back; 0 once written
	decided bool           // the header went out
	pending bool           // compressible: buffering up to compressMin
	buf     []byte         // what was written while pending
	enc     io.WriteCloser // the compressor, once compressing
}

func (w *compressWriter) WriteHeader(code int) {
	if w.decided || w.code != 0 {
		return
	}
	if code < 200 && code != http.StatusSwitchingProtocols {
		w.ResponseWriter.WriteHeader(code) // informational: not the answer yet
		return
	}
	h := w.Header()
	mt, _, _ := mime.ParseMediaType(h.Get(echo.HeaderContentType))
	if compressTypes[mt] {
		h.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	}
	w.code = code
	w.pending = w.accepts && compressTypes[mt] && h.Get(echo.HeaderContentEncoding) == "" &&
		code != http.StatusNoContent && code != http.StatusNotModified && code != http.StatusPartialContent &&
		!shortBody(h.Get(echo.HeaderContentLength))
	if !w.pending {
		w.plain()
	}
}

// shortBody reports whether a Content-Length says the body is too short
// to compress.
func shortBody(cl string) bool {
	var n int
	for _, c := range []byte(cl) {
		if c < '0' || c > '9' || n > compressMin {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return cl != "" && n < compressMin
}

func (w *compressWriter) Write(p []byte) (int, error) {
	if !w.decided && w.code == 0 {
		w.WriteHeader(http.StatusOK)
	}
	switch {
	case w.enc != nil:
		return w.enc.Write(p)
	case w.pending:
		w.buf = append(w.buf, p...)
		if len(w.buf) >= compressMin {
			if err := w.start(); err != nil {
				return 0, err
			}
		}
		return len(p), nil
	default:
		return w.ResponseWriter.Write(p)
	}
}

// plain sends the held header and what was buffered, uncompressed.
func (w *compressWriter) plain() {
	w.pending, w.decided = false, true
	w.ResponseWriter.WriteHeader(w.code)
	w.code = 0
	if len(w.buf) > 0 {
		_, _ = w.ResponseWriter.Write(w.buf)
		w.buf = nil
	}
}

// start negotiates the encoding (andybalholm/brotli: br, gzip or none),
// sends the header and the buffered bytes through the compressor.
func (w *compressWriter) start() error {
	enc := brotli.HTTPCompressorWithLevel(w.ResponseWriter, w.req, compressLevel)
	h := w.Header()
	if h.Get(echo.HeaderContentEncoding) == "" { // the client takes neither
		w.plain()
		return nil
	}
	h.Del(echo.HeaderContentLength)
	h.Del("Accept-Ranges")
	if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
		h.Set("ETag", "W/"+et) // the bytes differ from the identity's
	}
	w.pending, w.decided, w.enc = false, true, enc
	w.ResponseWriter.WriteHeader(w.code)
	w.code = 0
	buf := w.buf
	w.buf = nil
	_, err := enc.Write(buf)
	return err
}

// Flush sends what is held: a streamed answer is compressed from here on.
func (w *compressWriter) Flush() {
	if w.pending {
		if err := w.start(); err != nil {
			return
		}
	}
	if f, ok := w.enc.(interface{ Flush() error }); ok {
		_ = f.Flush()
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// finish ends the response: a body still held goes out uncompressed, a
// compressed one gets its end.
func (w *compressWriter) finish() {
	switch {
	case w.enc != nil:
		_ = w.enc.Close()
		w.enc = nil
	case w.pending || w.code != 0:
		w.plain()
	}
}

// Unwrap lets http.ResponseController reach the connection (the body
// guard's read deadlines).
func (w *compressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// AcceptedEncoding is the encoding compress would choose for a response
// to r: "br" or "gzip", or "" for none. As andybalholm/brotli negotiates
// it: the highest weight wins (a coding named outweighs "*", brotli wins
// a tie), and a weight of 0 refuses.
func AcceptedEncoding(r *http.Request) string {
	best, bestQ := "", 0.0
	for _, offer := range []string{"br", "gzip"} {
		q, wildcard := -1.0, -1.0
		for _, h := range r.Header.Values(echo.HeaderAcceptEncoding) {
			for spec := range strings.SplitSeq(h, ",") {
				name, params, hasParams := strings.Cut(spec, ";")
				name = strings.TrimSpace(name)
				w := 1.0
				if hasParams {
					v, ok := strings.CutPrefix(strings.TrimSpace(params), "q=")
					f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					if !ok || err != nil || f < 0 {
						break // as brotli does: the rest of this header is ignored
					}
					w = f
				}
				switch {
				case strings.EqualFold(name, offer):
					q = max(q, w)
				case name == "*":
					wildcard = max(wildcard, w)
				}
			}
		}
		if q < 0 {
			q = wildcard
		}
		if q > bestQ {
			best, bestQ = offer, q
		}
	}
	return best
}

// Encode compresses b whole with an encoding AcceptedEncoding names, at
// the highest gzip level and a brotli quality meant for a body encoded
// once and sent many times (a facility's readiness, evidence.Scored).
func Encode(encoding string, b []byte) ([]byte, error) {
	var buf bytes.Buffer
	var w io.WriteCloser
	switch encoding {
	case "br":
		w = brotli.NewWriterLevel(&buf, encodeOnceLevel)
	case "gzip":
		w, _ = gzip.NewWriterLevel(&buf, gzip.BestCompression)
	default:
		return nil, fmt.Errorf("core: no encoding %q", encoding)
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encodeOnceLevel is brotli's quality for a body encoded once (Encode).
const encodeOnceLevel = 9
