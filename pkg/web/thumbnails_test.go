package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/pkg/thumbs"
	"github.com/bukti-id/bukti/pkg/web"
)

// startThumbs runs the harness's thumbnail workers, as bukti serve does,
// until the test ends.
func startThumbs(h *harness) {
	h.app.Thumbs.Start()
	h.t.Cleanup(h.app.Thumbs.Stop)
}

// testPhoto is a w×h JPEG like a phone's: a gradient with sensor noise (so it
// weighs what a photo weighs), left half warmer than the right. n varies
// the bytes (a JPEG comment), not the picture, which is made once per size.
func testPhoto(t testing.TB, w, h, n int) []byte {
	t.Helper()
	base, ok := photos.Load([2]int{w, h})
	if !ok {
		r := rand.New(rand.NewPCG(uint64(w), uint64(h)))
		rgba := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				v := 60 + 120*x/w
				if x < w/2 {
					rgba.SetRGBA(x, y, color.RGBA{uint8(v + 60 + r.IntN(30)), uint8(v/2 + r.IntN(30)), uint8(40 + r.IntN(30)), 255})
				} else {
					rgba.SetRGBA(x, y, color.RGBA{uint8(30 + r.IntN(30)), uint8(v/2 + r.IntN(30)), uint8(v + 40 + r.IntN(30)), 255})
				}
			}
		}
		var b bytes.Buffer
		if err := jpeg.Encode(&b, rgba, &jpeg.Options{Quality: 88}); err != nil {
			t.Fatal(err)
		}
		base, _ = photos.LoadOrStore([2]int{w, h}, b.Bytes())
	}
	jpg := base.([]byte)
	note := fmt.Sprintf("foto %d", n)
	out := append([]byte{}, jpg[:2]...) // SOI, then a comment segment
	out = append(out, 0xFF, 0xFE, byte((len(note)+2)>>8), byte(len(note)+2))
	out = append(out, note...)
	return append(out, jpg[2:]...)
}

// photos caches the pictures photo makes, by size.
var photos sync.Map

// made waits until the harness's thumbnail of an upload is made (or its
// failure recorded).
func (h *harness) made(up uploaded) thumbs.State {
	h.t.Helper()
	f := thumbs.File{SHA256: up.SHA256, Size: up.Size, ContentType: up.ContentType}
	deadline := time.Now().Add(time.Minute) // against a hang, not a timing assertion
	for {
		s, err := h.app.Thumbs.State(context.Background(), f)
		if err != nil {
			h.t.Fatal(err)
		}
		if s != thumbs.Pending {
			return s
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("the thumbnail of %s was never made", up.SHA256)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// thumbnail uploads a photo to the side's facility (as the admin), makes
// its thumbnail and returns the thumbnail's path: the permission matrix's
// row.
func (w *world) thumbnail(s side) string {
	up := w.h.mustUpload(s.facility, field{name: "requirement", value: "2.1.2/a/R1"}, file("foto.jpg", testenv.JPEG(int(w.next()))))
	f := thumbs.File{SHA256: up.SHA256, Size: up.Size, ContentType: up.ContentType}
	if err := w.h.app.Thumbs.Make(context.Background(), f); err != nil {
		w.h.t.Fatal(err)
	}
	return fmt.Sprintf("/api/v1/evidence/%d/thumbnail/%s", up.ID, up.SHA256)
}

// TestThumbnailRoute checks the thumbnail route: a made thumbnail with
// long-lived cache headers and an ETag that answers 304; 404 while it is
// being made (and it gets made), when none can be, for a content that is
// not the record's, for a deleted record; the reader's scope as for the
// file itself.
func TestThumbnailRoute(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			h := newHarness(t, combo.DB, combo.Store, 10<<20)
			f := h.createFacility("P3277010101")
			other := h.createFacilityIn("P3273010101", districtB)
			_, outsider := h.userWith("luar@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &other.ID})
			_, viewer := h.userWith("lihat@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleViewer, FacilityID: &f.ID})
			req := field{name: "requirement", value: "2.1.2/a/R1"}

			first := h.mustUpload(f.ID, req, file("rapat.jpg", testPhoto(t, 800, 600, 1)))
			// A second revision: each revision's content has its thumbnail.
			var ev bukti.Evidence
			h.expect(http.StatusCreated, h.upload(fmt.Sprintf("/api/v1/evidence/%d/revisions", first.ID), file("rapat-2.jpg", testPhoto(t, 600, 800, 2))), &ev)
			second := uploaded{ID: ev.ID, SHA256: ev.Latest().SHA256, Size: ev.Latest().Size, ContentType: ev.Latest().ContentType}
			locked := h.mustUpload(f.ID, req, file("rahasia.pdf", testenv.PagePDF(1, 0, true)))
			deleted := h.mustUpload(f.ID, req, file("hapus.jpg", testPhoto(t, 320, 240, 3)))
			elsewhere := h.mustUpload(other.ID, req, file("lain.jpg", testPhoto(t, 320, 240, 4)))
			path := func(id int64, sum string) string { return fmt.Sprintf("/api/v1/evidence/%d/thumbnail/%s", id, sum) }

			// Not made yet: the workers are not running.
			r := h.call("GET", path(first.ID, first.SHA256), nil, "")
			if r.status != http.StatusNotFound || r.header.Get("Cache-Control") != "no-store" {
				t.Fatalf("before it is made: status %d, Cache-Control %q; want 404, no-store", r.status, r.header.Get("Cache-Control"))
			}
			if code, msg := h.apiError(r); code != bukti.ENOTFOUND || !strings.Contains(msg, "sedang dibuat") {
				t.Errorf("before it is made: %s %q, want not_found saying it is being made", code, msg)
			}
			startThumbs(h)
			for _, up := range []uploaded{first, second, locked, deleted, elsewhere} {
				h.made(up)
			}
			h.expect(http.StatusNoContent, h.call("DELETE", fmt.Sprintf("/api/v1/evidence/%d", deleted.ID), nil, ""), nil)

			for _, tc := range []struct {
				name, path, token string
				w, h              int // of a served thumbnail
				status            int
				message           string // of a refusal, in Bahasa Indonesia
			}{
				{name: "latest revision", path: path(first.ID, second.SHA256), w: 240, h: 320, status: 200},
				{name: "earlier revision", path: path(first.ID, first.SHA256), w: 320, h: 240, status: 200},
				{name: "viewer of the facility", path: path(first.ID, second.SHA256), token: viewer, w: 240, h: 320, status: 200},
				{name: "another facility's user", path: path(first.ID, second.SHA256), token: outsider, status: 404},
				{name: "anonymous", path: path(first.ID, second.SHA256), token: "-", status: 401},
				{name: "encrypted pdf has none", path: path(locked.ID, locked.SHA256), status: 404, message: "tidak memiliki gambar kecil"},
				{name: "content of another record", path: path(first.ID, elsewhere.SHA256), status: 404, message: "tidak memiliki berkas"},
				{name: "not a sum", path: path(first.ID, "../../content"), status: 404},
				{name: "upper-case sum", path: path(first.ID, strings.ToUpper(second.SHA256)), status: 404, message: "tidak memiliki berkas"},
				{name: "deleted record", path: path(deleted.ID, deleted.SHA256), status: 404},
				{name: "no such record", path: path(999999, first.SHA256), status: 404},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := h.call("GET", tc.path, nil, tc.token)
					if r.status != tc.status {
						t.Fatalf("status %d, want %d; body %.200s", r.status, tc.status, r.body)
					}
					if tc.status != 200 {
						if cc := r.header.Get("Cache-Control"); cc != "no-store" && tc.status != http.StatusUnauthorized {
							t.Errorf("a refusal with Cache-Control %q, want no-store", cc)
						}
						if tc.message != "" {
							if _, msg := h.apiError(r); !strings.Contains(msg, tc.message) {
								t.Errorf("message %q, want it to say %q", msg, tc.message)
							}
						}
						return
					}
					if ct, cc := r.header.Get("Content-Type"), r.header.Get("Cache-Control"); ct != "image/jpeg" || cc != "private, max-age=31536000, immutable" {
						t.Errorf("Content-Type %q, Cache-Control %q; want image/jpeg, private immutable for a year", ct, cc)
					}
					if r.header.Get("Content-Encoding") != "" || r.header.Get("Content-Length") != fmt.Sprint(len(r.body)) {
						t.Errorf("Content-Encoding %q, Content-Length %q for %d bytes; want none and exact",
							r.header.Get("Content-Encoding"), r.header.Get("Content-Length"), len(r.body))
					}
					img, err := jpeg.Decode(bytes.NewReader(r.body))
					if err != nil {
						t.Fatalf("not a JPEG: %v", err)
					}
					if b := img.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
						t.Errorf("thumbnail %d×%d, want %d×%d", b.Dx(), b.Dy(), tc.w, tc.h)
					}
					etag := r.header.Get("ETag")
					if sum := tc.path[strings.LastIndex(tc.path, "/")+1:]; !strings.Contains(etag, sum) {
						t.Errorf("ETag %q does not name the content", etag)
					}
					req, _ := http.NewRequest("GET", h.srv.URL+tc.path, nil)
					req.Header.Set("If-None-Match", etag)
					if again := h.send(req, tc.token); again.status != http.StatusNotModified || len(again.body) != 0 {
						t.Errorf("revalidation: status %d with %d bytes, want 304 and none", again.status, len(again.body))
					}
				})
			}
		})
	}
}

// TestPreviewsOnTheRequirementPage checks the page's markup: a made
// thumbnail is an <img loading=lazy> with its size; a file still being
// made or without a thumbnail shows its type's icon; no file is fetched by
// a closed preview (no <iframe>, <video> or full <img> of the content in
// the page), and each preview holds a plain link to the file.
func TestPreviewsOnTheRequirementPage(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 10<<20)
	f := h.createFacility("P3277010101")
	req := field{name: "requirement", value: "2.1.2/a/R1"}
	pdf := h.mustUpload(f.ID, req, file("sk.pdf", testenv.PagePDF(1, 0, false)))
	jpg := h.mustUpload(f.ID, req, file("foto.jpg", testPhoto(t, 640, 480, 1)))
	pending := h.mustUpload(f.ID, req, file("baru.png", testenv.PNG(5)))
	locked := h.mustUpload(f.ID, req, file("kunci.pdf", testenv.PagePDF(2, 0, true)))
	for _, up := range []uploaded{pdf, jpg, locked} {
		if err := h.app.Thumbs.Make(context.Background(), thumbs.File{SHA256: up.SHA256, Size: up.Size, ContentType: up.ContentType}); err != nil {
			t.Fatal(err)
		}
	}
	page := h.page(fmt.Sprintf("/f/%d/req?id=2.1.2/a/R1", f.ID))
	article := func(id int64) string {
		start := strings.Index(page, fmt.Sprintf(`id="evidence-%d"`, id))
		if start < 0 {
			t.Fatalf("evidence %d is not on the page", id)
		}
		end := strings.Index(page[start:], "</article>")
		return page[start : start+end]
	}
	for _, tc := range []struct {
		name string
		up   uploaded
		want []string
	}{
		{"pdf with its thumbnail", pdf, []string{
			fmt.Sprintf(`<img class="thumb" src="/api/v1/evidence/%d/thumbnail/%s" width="160" height="160" loading="lazy"`, pdf.ID, pdf.SHA256),
			`data-preview="pdf"`, fmt.Sprintf(`data-src="/api/v1/evidence/%d/content"`, pdf.ID),
			fmt.Sprintf(`<a href="/api/v1/evidence/%d/content" target="_blank"`, pdf.ID)}},
		{"photo with its thumbnail", jpg, []string{
			fmt.Sprintf(`src="/api/v1/evidence/%d/thumbnail/%s"`, jpg.ID, jpg.SHA256), `data-preview="image"`}},
		{"thumbnail being made", pending, []string{`<span class="file-icon" aria-hidden="true">PNG</span>`, "pratinjau sedang dibuat", `data-preview="image"`}},
		{"no thumbnail can be made", locked, []string{`<span class="file-icon" aria-hidden="true">PDF</span>`, `data-preview="pdf"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := article(tc.up.ID)
			for _, w := range tc.want {
				if !strings.Contains(a, w) {
					t.Errorf("the record's markup lacks %s:\n%s", w, a)
				}
			}
			for _, bad := range []string{"<iframe", "<video", `class="preview"`, fmt.Sprintf(` src="/api/v1/evidence/%d/content"`, tc.up.ID)} {
				if strings.Contains(a, bad) {
					t.Errorf("a closed preview would fetch the file: %s in\n%s", bad, a)
				}
			}
		})
	}
	if strings.Contains(article(locked.ID), "sedang dibuat") {
		t.Error("a file whose thumbnail failed is shown as being made")
	}
}

// page GETs a page as the admin (session cookie) and returns its HTML.
func (h *harness) page(path string) string {
	h.t.Helper()
	req, _ := http.NewRequest("GET", h.srv.URL+path, nil)
	req.AddCookie(h.sessionCookie())
	r := h.send(req, "-")
	if r.status != http.StatusOK {
		h.t.Fatalf("GET %s: %d %.300s", path, r.status, r.body)
	}
	return string(r.body)
}

// sessionCookie signs the admin in on the sign-in form and returns the
// session cookie.
func (h *harness) sessionCookie() *http.Cookie {
	h.t.Helper()
	v := newVisitor(h)
	v.login(adminEmail, adminPassword)
	u, _ := url.Parse(h.srv.URL)
	for _, c := range v.c.Jar.Cookies(u) {
		if c.Name == web.SessionCookie {
			return c
		}
	}
	h.t.Fatal("no session cookie after signing in")
	return nil
}

// fetch GETs path with the given Accept-Encoding (the transport then
// leaves the body as sent) and returns the response and raw body.
func (h *harness) fetch(path, acceptEncoding string, cookie *http.Cookie) (*http.Response, []byte) {
	h.t.Helper()
	req, _ := http.NewRequest("GET", h.srv.URL+path, nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	} else {
		// Go's transport would ask for gzip on its own.
		req.Header.Set("Accept-Encoding", "identity")
	}
	if cookie != nil {
		req.AddCookie(cookie)
	} else {
		req.Header.Set("Authorization", "Bearer "+h.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("GET %s: read: %v", path, err)
	}
	return resp, b
}

// decode undoes a Content-Encoding.
func decode(t *testing.T, enc string, b []byte) []byte {
	t.Helper()
	var r io.Reader
	switch enc {
	case "":
		return b
	case "gzip":
		gz, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = gz
	case "br":
		r = brotli.NewReader(bytes.NewReader(b))
	default:
		t.Fatalf("unexpected Content-Encoding %q", enc)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", enc, err)
	}
	return out
}

// TestCompression checks what travels compressed: pages, styles,
// scripts and JSON, in the encoding the client prefers (brotli, gzip) and
// decoding to the very bytes sent uncompressed; never an evidence file or
// a thumbnail, which keep their bytes and Content-Length; never a body too
// short to gain.
func TestCompression(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 10<<20)
	f := h.createFacility("P3277010101")
	req := field{name: "requirement", value: "2.1.2/a/R1"}
	var last uploaded
	for i := range 8 {
		last = h.mustUpload(f.ID, req, field{name: "title", value: fmt.Sprintf("Notulen rapat tim mutu ke-%d", i)},
			file(fmt.Sprintf("notulen-%d.pdf", i), testenv.PagePDF(i, 2000, false)))
	}
	if err := h.app.Thumbs.Make(context.Background(), thumbs.File{SHA256: last.SHA256, Size: last.Size, ContentType: last.ContentType}); err != nil {
		t.Fatal(err)
	}
	cookie := h.sessionCookie()
	css, js := h.web.Deps.UI.Asset("app.css"), h.web.Deps.UI.Asset("app.js")
	content := fmt.Sprintf("/api/v1/evidence/%d/content", last.ID)
	thumb := fmt.Sprintf("/api/v1/evidence/%d/thumbnail/%s", last.ID, last.SHA256)

	for _, tc := range []struct {
		name, path, accept string
		page               bool   // with the session cookie
		want               string // Content-Encoding
	}{
		{name: "page, gzip", path: fmt.Sprintf("/f/%d/req?id=2.1.2/a/R1", f.ID), accept: "gzip, deflate", page: true, want: "gzip"},
		{name: "page, brotli preferred", path: fmt.Sprintf("/f/%d/req?id=2.1.2/a/R1", f.ID), accept: "gzip, deflate, br", page: true, want: "br"},
		{name: "page, brotli refused", path: fmt.Sprintf("/f/%d", f.ID), accept: "br;q=0, gzip", page: true, want: "gzip"},
		{name: "page, nothing accepted", path: fmt.Sprintf("/f/%d", f.ID), accept: "identity", page: true, want: ""},
		{name: "error page", path: "/f/999999", accept: "gzip", page: true, want: "gzip"},
		{name: "json", path: fmt.Sprintf("/api/v1/facilities/%d/evidence", f.ID), accept: "gzip", want: "gzip"},
		{name: "json, brotli", path: fmt.Sprintf("/api/v1/facilities/%d/evidence", f.ID), accept: "br", want: "br"},
		{name: "short json", path: "/healthz", accept: "gzip, br", want: ""},
		{name: "stylesheet", path: css, accept: "gzip", want: "gzip"},
		{name: "script", path: js, accept: "br", want: "br"},
		{name: "evidence download", path: content, accept: "gzip, deflate, br", want: ""},
		{name: "thumbnail", path: thumb, accept: "gzip, deflate, br", want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ck *http.Cookie
			if tc.page {
				ck = cookie
			}
			plainResp, plain := h.fetch(tc.path, "", ck)
			resp, body := h.fetch(tc.path, tc.accept, ck)
			if resp.StatusCode != plainResp.StatusCode {
				t.Fatalf("status %d compressed, %d plain", resp.StatusCode, plainResp.StatusCode)
			}
			if enc := resp.Header.Get("Content-Encoding"); enc != tc.want {
				t.Fatalf("Content-Encoding %q, want %q (%d bytes)", enc, tc.want, len(plain))
			}
			if got := decode(t, tc.want, body); !bytes.Equal(got, plain) {
				t.Errorf("decoded body (%d bytes) differs from the uncompressed one (%d bytes)", len(got), len(plain))
			}
			if cl := resp.Header.Get("Content-Length"); cl != "" && cl != fmt.Sprint(len(body)) {
				t.Errorf("Content-Length %s for %d bytes", cl, len(body))
			}
			if tc.want != "" {
				if len(body) >= len(plain) {
					t.Errorf("compressed to %d of %d bytes", len(body), len(plain))
				}
				if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
					t.Errorf("Vary %q lacks Accept-Encoding", resp.Header.Get("Vary"))
				}
			}
		})
	}

	t.Run("download bytes are the stored bytes", func(t *testing.T) {
		stored := testenv.PagePDF(7, 2000, false)
		for _, accept := range []string{"", "gzip", "br", "gzip, deflate, br"} {
			resp, body := h.fetch(content, accept, nil)
			if !bytes.Equal(body, stored) || resp.Header.Get("Content-Length") != fmt.Sprint(len(stored)) || resp.Header.Get("X-Content-SHA256") != last.SHA256 {
				t.Errorf("Accept-Encoding %q: %d bytes (Content-Length %s), want the %d stored bytes", accept, len(body), resp.Header.Get("Content-Length"), len(stored))
			}
		}
	})

	t.Run("static assets are cached forever", func(t *testing.T) {
		for _, p := range []string{css, js} {
			if resp, _ := h.fetch(p, "gzip", nil); resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
				t.Errorf("%s: Cache-Control %q", p, resp.Header.Get("Cache-Control"))
			}
		}
	})
}

// TestDownloadOfDamagedFileCompressed: a client that accepts compression
// still sees a damaged file's download fail, not end cleanly: the
// download is never compressed, and its SHA-256 check still ends it early.
func TestDownloadOfDamagedFileCompressed(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 10<<20)
	f := h.createFacility("P3277010101")
	stored := testenv.PagePDF(1, 200_000, false)
	up := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", stored))
	damaged := bytes.Clone(stored)
	damaged[len(damaged)/2] ^= 1
	h.replaceBlob(up.SHA256, damaged)
	for _, accept := range []string{"gzip", "br", "gzip, deflate, br"} {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/evidence/%d/content", h.srv.URL, up.ID), nil)
		req.Header.Set("Authorization", "Bearer "+h.token)
		req.Header.Set("Accept-Encoding", accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			t.Errorf("Accept-Encoding %q: the damaged file's download ended cleanly (%d bytes, encoding %q)", accept, len(body), resp.Header.Get("Content-Encoding"))
		}
		if enc := resp.Header.Get("Content-Encoding"); enc != "" {
			t.Errorf("Accept-Encoding %q: the download was sent with Content-Encoding %q", accept, enc)
		}
		if len(body) >= len(stored) {
			t.Errorf("Accept-Encoding %q: the damaged file reached the client whole", accept)
		}
	}
}
