package web_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/storage"
)

// refusedCleanly fails t unless r has the status and code, and nothing was
// recorded, staged or stored since before.
func refusedCleanly(t *testing.T, h *harness, r result, status int, code string, before counts, blobsBefore int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; %s", r.status, status, r.body)
	}
	if got, _ := h.apiError(r); got != code {
		t.Errorf("code %q, want %q", got, code)
	}
	if after := h.counts(); after != before {
		t.Errorf("refused upload changed state: %+v → %+v", before, after)
	}
	if n := testenv.StoredBlobs(h.t, h.storeCfg); n != blobsBefore {
		t.Errorf("refused upload stored a blob: %d blobs, were %d", n, blobsBefore)
	}
}

// TestUploadPolyglotsRefused uploads files that mimetype alone takes for an
// allowed type although a browser renders them as a page: 415, nothing
// stored.
func TestUploadPolyglotsRefused(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P3277010301")
	path := fmt.Sprintf("/api/v1/facilities/%d/evidence", f.ID)
	jpeg, png := testenv.JPEG(1), testenv.PNG(1)
	cases := []struct {
		name, fileName string
		data           []byte
	}{
		{"pdf signature then script", "laporan.html", []byte("%PDF-1.4\n<script>fetch('/api/v1/auth/me').then(r=>r.text()).then(alert)</script>")},
		{"html with a pdf signature inside", "laporan.pdf", []byte("<!DOCTYPE html><html><body><!-- %PDF-1.4 --><script>alert(1)</script></body></html>")},
		{"jpeg signature then script", "foto.jpg", append(append([]byte{}, jpeg[:3]...), "<script>alert(1)</script>"...)},
		{"png signature then svg", "foto.png", append(append([]byte{}, png[:8]...), `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`...)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, blobs := h.counts(), testenv.StoredBlobs(h.t, h.storeCfg)
			r := h.upload(path, field{name: "requirement", value: "2.1.2/a/R1"}, file(tc.fileName, tc.data))
			refusedCleanly(t, h, r, http.StatusUnsupportedMediaType, bukti.EUNSUPPORTED, before, blobs)
		})
	}
}

// cutUpload is a multipart upload of data as "sk.pdf" for 2.1.2/a/R1, with
// the offset where the file bytes end and the length of the delimiter
// ("\r\n--" and the boundary) that follows them; the body ends with that
// delimiter, "--" and "\r\n".
func cutUpload(data []byte) (body []byte, contentType string, fileEnd, delim int) {
	body, contentType = multipartBody(field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", data))
	_, params, _ := mime.ParseMediaType(contentType)
	delim = len("\r\n--" + params["boundary"])
	return body, contentType, len(body) - delim - len("--\r\n"), delim
}

// TestUploadTruncatedBody sends multipart bodies that end before the end of
// the closing delimiter "--<boundary>--", as a complete HTTP
// request and as a client that stops sending and closes its side mid-body:
// always 400 on both backends, with nothing recorded, staged or stored.
// (Before: 500 on the filesystem, and on S3 the cut file stored as
// complete with 201; a body cut just before the closing dashes was
// accepted on both.) Only the line break after the closing boundary may
// be missing.
func TestUploadTruncatedBody(t *testing.T) {
	small := testenv.PDF("terpotong")
	large := append(testenv.PDF("terpotong besar"), bytes.Repeat([]byte("% isi\n"), 50<<10)...) // 300 KiB, past the sniffed head
	cases := []struct {
		name string
		data []byte
		cut  func(fileEnd, delim int) int
		// hangUp sends the real length in Content-Length and closes the
		// connection's sending side after the cut bytes.
		hangUp bool
	}{
		{"small file cut inside the file part", small, func(end, _ int) int { return end - len(small)/2 }, false},
		{"small file cut right after the file bytes", small, func(end, _ int) int { return end }, false},
		{"small file cut inside the closing boundary", small, func(end, _ int) int { return end + 6 }, false},
		{"small file cut before the closing dashes", small, func(end, delim int) int { return end + delim }, false},
		{"small file cut between the closing dashes", small, func(end, delim int) int { return end + delim + 1 }, false},
		{"large file cut inside the file part", large, func(end, _ int) int { return end - 100<<10 }, false},
		{"large file cut right after the file bytes", large, func(end, _ int) int { return end }, false},
		{"client hangs up inside the file part", large, func(end, _ int) int { return end - 100<<10 }, true},
		{"client hangs up right after the file bytes", small, func(end, _ int) int { return end }, true},
	}
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			h := newHarness(t, combo.DB, combo.Store, 1<<20)
			f := h.createFacility("P3277010302")
			path := fmt.Sprintf("/api/v1/facilities/%d/evidence", f.ID)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					body, ct, end, delim := cutUpload(tc.data)
					cut := body[:tc.cut(end, delim)]
					before, blobs := h.counts(), testenv.StoredBlobs(h.t, h.storeCfg)
					var r result
					if tc.hangUp {
						r = hangUp(t, h, path, ct, cut, len(body))
					} else {
						req, _ := http.NewRequest("POST", h.srv.URL+path, bytes.NewReader(cut))
						req.Header.Set("Content-Type", ct)
						r = h.send(req, "")
					}
					refusedCleanly(t, h, r, http.StatusBadRequest, bukti.EINVALID, before, blobs)
					start := end - len(tc.data)
					arrived := cut[start:min(len(cut), end)] // the file bytes the server got
					for _, data := range [][]byte{tc.data, arrived} {
						key, _ := storage.Key(sum(data))
						if _, err := h.store.Size(context.Background(), key); !errors.Is(err, storage.ErrNotFound) {
							t.Errorf("blob of the cut upload exists (%v)", err)
						}
					}
				})
			}
			t.Run("closing boundary without the final line break is complete", func(t *testing.T) {
				data := testenv.PDF("tanpa CRLF penutup")
				body, ct, _, _ := cutUpload(data)
				req, _ := http.NewRequest("POST", h.srv.URL+path, bytes.NewReader(body[:len(body)-2]))
				req.Header.Set("Content-Type", ct)
				var up uploaded
				h.expect(http.StatusCreated, h.send(req, ""), &up)
				if up.SHA256 != sum(data) {
					t.Errorf("stored sha256 %s, want %s", up.SHA256, sum(data))
				}
			})
		})
	}
}

// hangUp sends a POST whose Content-Length says length but whose body is
// only sent, then closes the sending side of the connection (a client that
// gives up mid-upload) and reads the answer.
func hangUp(t *testing.T, h *harness, path, contentType string, sent []byte, length int) result {
	t.Helper()
	conn, err := net.Dial("tcp", h.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute))
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		path, h.srv.Listener.Addr(), h.token, contentType, length)
	if _, err := conn.Write(sent); err != nil {
		t.Fatal(err)
	}
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read the answer to a cut upload: %v", err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return result{status: resp.StatusCode, header: resp.Header, body: b.Bytes()}
}

// TestContentDownloadNames checks that a download is named with the
// extension of the detected type, never the uploaded one, and that
// evidence content is never cached while ETag and Range still work.
func TestContentDownloadNames(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P3277010303")
	cases := []struct {
		name, fileName string
		data           []byte
		want           string
	}{
		{"html name holding a pdf", "laporan.html", testenv.PDF("laporan"), "inline; filename*=UTF-8''laporan.pdf"},
		{"no extension holding a jpeg", "foto", testenv.JPEG(3), "inline; filename*=UTF-8''foto.jpg"},
		{"other extension of the type kept", "FOTO.JPEG", testenv.JPEG(4), "inline; filename*=UTF-8''FOTO.jpeg"},
		{"svg name holding a png", "logo.svg", testenv.PNG(5), "inline; filename*=UTF-8''logo.png"},
		{"matching extension", "sk.pdf", testenv.PDF("sk"), "inline; filename*=UTF-8''sk.pdf"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			up := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/D2"}, file(tc.fileName, tc.data))
			content := fmt.Sprintf("/api/v1/evidence/%d/content", up.ID)
			r := h.call("GET", content, nil, "")
			if r.status != http.StatusOK || !bytes.Equal(r.body, tc.data) {
				t.Fatalf("download: status %d, %d bytes; want 200 and the %d uploaded bytes", r.status, len(r.body), len(tc.data))
			}
			if got := r.header.Get("Content-Disposition"); got != tc.want {
				t.Errorf("Content-Disposition %q, want %q", got, tc.want)
			}
			if got := r.header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", got)
			}
			etag := r.header.Get("ETag")
			if etag != `"`+sum(tc.data)+`"` {
				t.Errorf("ETag %q, want the quoted SHA-256", etag)
			}

			req, _ := http.NewRequest("GET", h.srv.URL+content, nil)
			req.Header.Set("If-None-Match", etag)
			if r := h.send(req, ""); r.status != http.StatusNotModified {
				t.Errorf("If-None-Match: status %d, want 304", r.status)
			}
			req, _ = http.NewRequest("GET", h.srv.URL+content, nil)
			req.Header.Set("Range", "bytes=0-3")
			r = h.send(req, "")
			if r.status != http.StatusPartialContent || !bytes.Equal(r.body, tc.data[:4]) {
				t.Errorf("Range: status %d, body %q; want 206 and %q", r.status, r.body, tc.data[:4])
			}
			if got := r.header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Range: Cache-Control %q, want no-store", got)
			}
		})
	}
}

// TestUploadFileNameFormatControls uploads files whose names carry bidi
// and other invisible format controls: they are stripped from the stored
// name, and letters of every script stay.
func TestUploadFileNameFormatControls(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P3277010304")
	cases := []struct {
		name, in, want string
	}{
		{"right-to-left override", "laporan\u202Efdp.exe", "laporanfdp.exe"},
		{"left-to-right and right-to-left marks", "\u200Esk\u200F.pdf", "sk.pdf"},
		{"embeddings and pop", "a\u202Ab\u202Bc\u202Cd\u202De.pdf", "abcde.pdf"},
		{"isolates", "\u2066notulen\u2067 \u2068rapat\u2069.pdf", "notulen rapat.pdf"},
		{"arabic letter mark", "foto\u061C.jpg", "foto.jpg"},
		{"byte order mark", "\uFEFFsk.pdf", "sk.pdf"},
		{"zero-width space and joiners", "daftar\u200B\u200C\u200Dhadir.pdf", "daftarhadir.pdf"},
		{"word joiner", "s\u2060k.pdf", "sk.pdf"},
		{"c1 control and line separator", "sk\u0085\u2028.pdf", "sk.pdf"},
		{"only controls", "\u202E\u200B", "berkas"},
		{"control hidden before the space", "  \u202Esk.pdf", "sk.pdf"},
		{"indonesian text kept", "SK Kepala Puskesmas – Pemberdayaan (revisi 2).pdf", "SK Kepala Puskesmas – Pemberdayaan (revisi 2).pdf"},
		{"other scripts kept", "تقرير 報告 отчёт रिपोर्ट.pdf", "تقرير 報告 отчёт रिपोर्ट.pdf"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			up := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file(tc.in, testenv.PDF("nama "+strconv.Itoa(i))))
			var rev bukti.Revision
			if err := h.db.Where("evidence_id = ?", up.ID).First(&rev).Error; err != nil {
				t.Fatal(err)
			}
			if rev.FileName != tc.want {
				t.Errorf("stored name %q (%+q), want %q", rev.FileName, rev.FileName, tc.want)
			}
		})
	}
}
