package web_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/pkg/web"
)

// pageFormFields are what a hostile page would post to any form: enough to
// succeed at every page route (an admin account, a facility, a TDD mark,
// an interviewee, evidence details) if the anti-CSRF check let it through.
var pageFormFields = []field{
	{name: "email", value: "penyusup@contoh.test"}, {name: "name", value: "Penyusup"},
	{name: "password", value: "kata-sandi-penyusup-1"}, {name: "role", value: "admin"},
	{name: "code", value: "CSRF9"}, {name: "province", value: "32"}, {name: "district", value: districtA},
	{name: "element", value: "2.1.2/c"}, {name: "reason", value: "Tidak ada kegiatan UKBM di wilayah ini sama sekali."},
	{name: "requirement", value: "2.1.2/a/W1"}, {name: "role_index", value: "0"},
	{name: "title", value: "Diubah penyusup"}, {name: "version", value: "9.9"},
}

// TestCSRFOnEveryPageForm posts every state-changing page route with a
// signed-in admin's session cookie but no anti-CSRF token, as multipart
// (what a hostile page can auto-submit), urlencoded and plain text: each
// is refused with 403 and the database is unchanged.
func TestCSRFOnEveryPageForm(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P-CSRF")
	ev := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("SK"))).Evidence[0]
	ids := strings.NewReplacer("/f/:id", fmt.Sprintf("/f/%d", f.ID), ":eid", fmt.Sprint(ev.ID),
		"/catalogue/:id", "/catalogue/1", "/s/:id", "/s/1", ":item", "1", ":row", "1")
	secret := h.login(adminEmail, adminPassword)

	var routes []string
	for _, r := range h.web.Routes() {
		method, path, _ := strings.Cut(r, " ")
		if method == http.MethodPost && !strings.HasPrefix(path, "/api/") && path != "/login" {
			routes = append(routes, ids.Replace(path))
		}
	}
	if len(routes) < 20 {
		t.Fatalf("only %d state-changing page routes found: %v", len(routes), routes)
	}
	bodies := []struct {
		name string
		make func() ([]byte, string)
	}{
		{"multipart", func() ([]byte, string) {
			return multipartBody(append(pageFormFields, file("sk.pdf", testenv.PDF("penyusup")))...)
		}},
		{"multipart with the token after the file", func() ([]byte, string) {
			return multipartBody(append(pageFormFields, file("sk.pdf", testenv.PDF("penyusup")),
				field{name: "csrf_token", value: auth.CSRFToken(secret)})...)
		}},
		{"urlencoded", func() ([]byte, string) {
			form := url.Values{}
			for _, f := range pageFormFields {
				form.Set(f.name, f.value)
			}
			return []byte(form.Encode()), "application/x-www-form-urlencoded"
		}},
		{"text/plain", func() ([]byte, string) {
			return []byte("email=penyusup@contoh.test&role=admin"), "text/plain"
		}},
	}
	const skip = "sessions.last_used_at"
	for _, path := range routes {
		for _, b := range bodies {
			t.Run(path+" "+b.name, func(t *testing.T) {
				before := testenv.Dump(t, h.db, skip)
				body, ct := b.make()
				req, _ := http.NewRequest(http.MethodPost, h.srv.URL+path, bytes.NewReader(body))
				req.Header.Set("Content-Type", ct)
				req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: secret})
				r := h.send(req, "-")
				if r.status != http.StatusForbidden {
					t.Errorf("status %d, want 403", r.status)
				}
				if after := testenv.Dump(t, h.db, skip); after != before {
					t.Errorf("the refused request changed the database")
				}
			})
		}
	}
	t.Run("the token first in a multipart form is accepted", func(t *testing.T) {
		body, ct := multipartBody(field{name: "csrf_token", value: auth.CSRFToken(secret)},
			field{name: "email", value: "baru@contoh.test"}, field{name: "name", value: "Baru"},
			field{name: "password", value: "kata-sandi-baru-12"})
		req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/admin/users", bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: secret})
		if status := sendNoFollow(t, req); status != http.StatusSeeOther {
			t.Fatalf("status %d, want 303", status)
		}
		var n int64
		h.db.Model(&bukti.User{}).Where("email = ?", "baru@contoh.test").Count(&n)
		if n != 1 {
			t.Errorf("users created: %d, want 1", n)
		}
	})
	t.Run("an upload with the token first is streamed whole", func(t *testing.T) {
		content := bytes.Repeat([]byte("x"), 64<<10) // longer than what the check reads ahead
		pdf := append(testenv.PDF("besar"), content...)
		body, ct := multipartBody(field{name: "csrf_token", value: auth.CSRFToken(secret)},
			field{name: "requirement", value: "2.1.2/a/R1"}, file("besar.pdf", pdf))
		req, _ := http.NewRequest(http.MethodPost, h.srv.URL+fmt.Sprintf("/f/%d/upload", f.ID), bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: secret})
		if status := sendNoFollow(t, req); status != http.StatusSeeOther {
			t.Fatalf("status %d, want 303", status)
		}
		var rev bukti.Revision
		h.db.Where("file_name = ?", "besar.pdf").First(&rev)
		if rev.Size != int64(len(pdf)) {
			t.Errorf("stored %d bytes, want %d", rev.Size, len(pdf))
		}
	})
}

// sendNoFollow sends a request without following a redirect and returns
// the status.
func sendNoFollow(t *testing.T, req *http.Request) int {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestLoginForm checks the sign-in form's own anti-CSRF token and that no
// redirect target leaves the site.
func TestLoginForm(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P-LOGIN")
	h.userWith("mutu@login.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})

	t.Run("without the form's token", func(t *testing.T) {
		v := newVisitor(h)
		status, _, _ := v.post("/login", url.Values{"email": {"mutu@login.test"}, "password": {"kata-sandi-pengguna-1"}, "csrf_token": {""}})
		if status != http.StatusForbidden {
			t.Errorf("status %d, want 403", status)
		}
	})
	t.Run("with another browser's token", func(t *testing.T) {
		other := newVisitor(h)
		other.get("/login")
		v := newVisitor(h)
		v.get("/login")
		status, _, _ := v.post("/login", url.Values{"email": {"mutu@login.test"}, "password": {"kata-sandi-pengguna-1"}, "csrf_token": {other.csrf}})
		if status != http.StatusForbidden {
			t.Errorf("status %d, want 403", status)
		}
	})
	t.Run("API sign-in from a text/plain form", func(t *testing.T) {
		// What <form enctype="text/plain"> on another site can send.
		req, _ := http.NewRequest("POST", h.srv.URL+"/api/v1/auth/login",
			strings.NewReader(`{"email":"mutu@login.test","password":"kata-sandi-pengguna-1="}`))
		req.Header.Set("Content-Type", "text/plain")
		if r := h.send(req, "-"); r.status != http.StatusUnsupportedMediaType || bytes.Contains(r.body, []byte("token")) {
			t.Errorf("status %d, want 415 and no session: %s", r.status, r.body)
		}
	})
	redirects := []struct{ name, next, want string }{
		{"a page of the site", "/f/1?tab=a", "/f/1?tab=a"},
		{"tab then a second slash", "/\t/evil.example/", "/"},
		{"line break then a second slash", "/\n/evil.example/", "/"},
		{"backslash", "/\\evil.example/", "/"},
		{"protocol-relative", "//evil.example/", "/"},
		{"absolute URL", "https://evil.example/", "/"},
		{"empty", "", "/"},
	}
	for _, tc := range redirects {
		t.Run("next: "+tc.name, func(t *testing.T) {
			v := newVisitor(h)
			_, loc, _ := v.post("/login", url.Values{"email": {"mutu@login.test"}, "password": {"kata-sandi-pengguna-1"}, "next": {tc.next}})
			if loc != tc.want {
				t.Errorf("next=%q redirected to %q, want %q", tc.next, loc, tc.want)
			}
		})
	}
	t.Run("back of the TDD form", func(t *testing.T) {
		v := newVisitor(h)
		v.login("mutu@login.test", "kata-sandi-pengguna-1")
		status, loc, _ := v.post(fmt.Sprintf("/f/%d/tdd", f.ID), url.Values{"element": {"2.1.2/c"},
			"reason": {"Tidak ada UKBM di wilayah kerja ini."}, "back": {"/\t/evil.example/"}})
		if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/?") {
			t.Errorf("back=/\\t/evil.example/: %d → %q, want a redirect to /", status, loc)
		}
	})
}

// TestRequestID checks that a client's X-Request-Id is ignored unless a
// trusted proxy sets it, and then only when it is a short safe token.
func TestRequestID(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	trusted := h.web.Deps
	trusted.TrustProxy = true
	proxied := httptest.NewServer(web.New(trusted).Handler())
	t.Cleanup(proxied.Close)

	cases := []struct {
		name    string
		base    string
		sent    string
		kept    bool
		trusted bool
	}{
		{"direct client, huge", h.srv.URL, strings.Repeat("A", 60<<10), false, false},
		{"direct client, formula", h.srv.URL, "=HYPERLINK(\"http://evil.example\")", false, false},
		{"direct client, short token", h.srv.URL, "abc-123", false, false},
		{"trusted proxy, short token", proxied.URL, "abc-123", true, true},
		{"trusted proxy, formula", proxied.URL, "=1+1", false, true},
		{"trusted proxy, too long", proxied.URL, strings.Repeat("a", 65), false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := time.Now().UnixNano() % 1e9 // two Puskesmas of one district cannot share a name
			body := fmt.Sprintf(`{"code":"RID%d","name":"Puskesmas %d","district":"%s"}`, n, n, districtA)
			req, _ := http.NewRequest("POST", tc.base+"/api/v1/facilities", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+h.token)
			req.Header.Set("X-Request-Id", tc.sent)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("status %d", resp.StatusCode)
			}
			got := resp.Header.Get("X-Request-Id")
			if (got == tc.sent) != tc.kept || got == "" || len(got) > 64 {
				t.Errorf("X-Request-Id %q answered with %q (kept: want %v)", tc.sent[:min(len(tc.sent), 20)], got[:min(len(got), 20)], tc.kept)
			}
			var e bukti.AuditEntry
			h.db.Where("action = ?", "facility.create").Order("id DESC").First(&e)
			if e.RequestID != got {
				t.Errorf("audit row has request id %q, the response %q", e.RequestID[:min(len(e.RequestID), 20)], got)
			}
		})
	}
}

// TestSecurityHeaders checks the CSP of pages, HSTS only over HTTPS (and
// X-Forwarded-Proto only from a trusted proxy), and no-store on
// authenticated API answers.
func TestSecurityHeaders(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	trusted := h.web.Deps
	trusted.TrustProxy = true
	proxied := httptest.NewServer(web.New(trusted).Handler())
	t.Cleanup(proxied.Close)
	get := func(base, path string, header map[string]string) http.Header {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header
	}
	t.Run("pages have a CSP without inline script and are never framed", func(t *testing.T) {
		csp := get(h.srv.URL, "/login", nil).Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %q", csp, want)
			}
		}
		if i := strings.Index(csp, "script-src"); i >= 0 {
			if script, _, _ := strings.Cut(csp[i:], ";"); strings.Contains(script, "unsafe") {
				t.Errorf("script-src allows inline script: %q", script)
			}
		}
	})
	hsts := []struct {
		name   string
		base   string
		header map[string]string
		want   bool
	}{
		{"plain HTTP", h.srv.URL, nil, false},
		{"X-Forwarded-Proto from an untrusted client", h.srv.URL, map[string]string{"X-Forwarded-Proto": "https"}, false},
		{"X-Forwarded-Proto from a trusted proxy", proxied.URL, map[string]string{"X-Forwarded-Proto": "https"}, true},
	}
	for _, tc := range hsts {
		t.Run("HSTS: "+tc.name, func(t *testing.T) {
			if got := get(tc.base, "/login", tc.header).Get("Strict-Transport-Security") != ""; got != tc.want {
				t.Errorf("HSTS sent: %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("authenticated JSON is not stored", func(t *testing.T) {
		for _, path := range []string{"/api/v1/auth/me", "/api/v1/facilities", "/api/v1/audit"} {
			if cc := get(h.srv.URL, path, map[string]string{"Authorization": "Bearer " + h.token}).Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s: Cache-Control %q, want no-store", path, cc)
			}
		}
	})
}

// TestStalledBody checks that a request body that stops arriving, or
// dribbles below the minimum rate, is cut with 408 and stores nothing,
// while a slow body that keeps coming is taken.
func TestStalledBody(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P-SLOW")
	d := h.web.Deps
	d.BodyIdle = 300 * time.Millisecond
	d.MinBodyRate = 20 << 10 // 6 KiB per 300 ms window
	srv := httptest.NewServer(web.New(d).Handler())
	t.Cleanup(srv.Close)
	body, ct := multipartBody(field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", append(testenv.PDF("lambat"), bytes.Repeat([]byte(" "), 20<<10)...)))

	// send writes the request head, then the body in chunks with a pause
	// after each, and returns the response status (0 when the server
	// closed the connection without one).
	send := func(t *testing.T, chunk int, pause time.Duration, stopAfter int) int {
		t.Helper()
		conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /api/v1/facilities/%d/evidence HTTP/1.1\r\nHost: bukti\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
			f.ID, h.token, ct, len(body))
		for i, sent := 0, 0; sent < len(body) && (stopAfter == 0 || sent < stopAfter); i++ {
			n := min(chunk, len(body)-sent)
			if _, err := conn.Write(body[sent : sent+n]); err != nil {
				break
			}
			sent += n
			time.Sleep(pause)
		}
		// The server must answer on its own: a hang fails here.
		_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatal("the server never answered the stalled request")
			}
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	cases := []struct {
		name      string
		chunk     int
		pause     time.Duration
		stopAfter int
		want      int
	}{
		{"stops sending", 4 << 10, 10 * time.Millisecond, 8 << 10, http.StatusRequestTimeout},
		{"dribbles below the minimum rate", 64, 100 * time.Millisecond, 0, http.StatusRequestTimeout},
		{"slow but steady", 8 << 10, 100 * time.Millisecond, 0, http.StatusCreated},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := h.counts()
			got := send(t, tc.chunk, tc.pause, tc.stopAfter)
			if got != tc.want {
				t.Errorf("status %d, want %d", got, tc.want)
			}
			if after := h.counts(); tc.want != http.StatusCreated && after != before {
				t.Errorf("a cut upload stored something: %+v → %+v", before, after)
			}
		})
	}
}
