package web_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/metrics"
	"github.com/bukti-id/bukti/pkg/metrics/metricstest"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/pkg/web"
)

// logBuffer is a log sink the server writes while the test reads it.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// requestLine waits for the request log line of the request id and
// returns it decoded. (The line is written once the response is, so it
// may land just after the client has the answer.)
func (b *logBuffer) requestLine(t *testing.T, id string) map[string]any {
	t.Helper()
	for range 200 {
		b.mu.Lock()
		text := b.buf.String()
		b.mu.Unlock()
		sc := bufio.NewScanner(strings.NewReader(text))
		for sc.Scan() {
			var l map[string]any
			if json.Unmarshal(sc.Bytes(), &l) == nil && l["msg"] == "http" && l["request_id"] == id {
				return l
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no request log line with request_id %q", id)
	return nil
}

// observedHarness is h with a second server on the same services whose
// logs are JSON in logs.
func observedHarness(t *testing.T, h *harness) (*harness, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	deps := h.app.WebDeps()
	deps.Log = slog.New(slog.NewJSONHandler(logs, nil))
	w := web.New(deps)
	srv := httptest.NewServer(w.Handler())
	t.Cleanup(srv.Close)
	o := *h
	o.srv, o.web = srv, w
	return &o, logs
}

// TestRequestLogLine checks the fields of the request log line: the
// request ID always, the user when signed in (token or cookie), the
// facility when the route names one.
func TestRequestLogLine(t *testing.T) {
	h, logs := observedHarness(t, newHarness(t, "sqlite", "filesystem", 1<<20))
	f := h.createFacility("P3277010101")
	var me struct{ ID int64 }
	h.expect(http.StatusOK, h.call("GET", "/api/v1/auth/me", nil, ""), &me)
	v := newVisitor(h)
	v.login(adminEmail, adminPassword)
	cookie := func(path string) *http.Response {
		req, _ := http.NewRequest("GET", h.srv.URL+path, nil)
		resp, err := v.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	token := func(tok string) func(path string) *http.Response {
		return func(path string) *http.Response {
			req, _ := http.NewRequest("GET", h.srv.URL+path, nil)
			if tok != "" {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp
		}
	}
	none := float64(-1) // the field must be absent
	cases := []struct {
		name     string
		get      func(path string) *http.Response
		path     string
		route    string
		status   int
		user     float64
		facility float64
	}{
		{"facility API request with a token", token(h.token), fmt.Sprintf("/api/v1/facilities/%d", f.ID), "/api/v1/facilities/:id", 200, float64(me.ID), float64(f.ID)},
		{"facility sub-resource", token(h.token), fmt.Sprintf("/api/v1/facilities/%d/evidence", f.ID), "/api/v1/facilities/:id/evidence", 200, float64(me.ID), float64(f.ID)},
		{"facility page with a session cookie", cookie, fmt.Sprintf("/f/%d", f.ID), "/f/:id", 200, float64(me.ID), float64(f.ID)},
		{"signed in, no facility", token(h.token), "/api/v1/provinces", "/api/v1/provinces", 200, float64(me.ID), none},
		{"anonymous", token(""), "/healthz", "/healthz", 200, none, none},
		{"not signed in, facility route", token(""), fmt.Sprintf("/api/v1/facilities/%d", f.ID), "/api/v1/facilities/:id", 401, none, float64(f.ID)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := tc.get(tc.path)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			id := resp.Header.Get("X-Request-Id")
			if id == "" {
				t.Fatal("no X-Request-Id")
			}
			line := logs.requestLine(t, id)
			if line["path"] != tc.route || line["status"] != float64(tc.status) {
				t.Errorf("path %v status %v, want %s %d", line["path"], line["status"], tc.route, tc.status)
			}
			for field, want := range map[string]float64{"user_id": tc.user, "facility_id": tc.facility} {
				got, ok := line[field]
				if want == none && ok || want != none && got != want {
					t.Errorf("%s = %v (present %v), want %v; line %v", field, got, ok, want, line)
				}
			}
		})
	}
}

// TestRequestMetrics checks the request and upload metrics the server
// records: requests by route template and status, and refused uploads by
// the error code the client got, on the API and the page.
func TestRequestMetrics(t *testing.T) {
	h, _ := observedHarness(t, newHarness(t, "sqlite", "filesystem", 1<<20))
	f := h.createFacility("P3277010101")
	exporter := httptest.NewServer(metrics.Handler())
	t.Cleanup(exporter.Close)
	apiUpload := fmt.Sprintf("/api/v1/facilities/%d/evidence", f.ID)
	pdf := testenv.PDF("Notulen lokakarya mini")
	v := newVisitor(h)
	v.login(adminEmail, adminPassword)

	cases := []struct {
		name   string
		send   func() int
		route  string
		method string
		status int
		reason string // the refusal counted; "" for none
	}{
		{
			name: "accepted upload",
			send: func() int {
				return h.upload(apiUpload, field{name: "requirement", value: "2.1.2/a/R1"}, file("notulen.pdf", pdf)).status
			},
			route: "/api/v1/facilities/:id/evidence", method: "POST", status: http.StatusCreated,
		},
		{
			name: "unsupported file",
			send: func() int {
				return h.upload(apiUpload, field{name: "requirement", value: "2.1.2/a/R2"}, file("sop.pdf", testenv.Executable(t))).status
			},
			route: "/api/v1/facilities/:id/evidence", method: "POST", status: http.StatusUnsupportedMediaType, reason: bukti.EUNSUPPORTED,
		},
		{
			name: "too large",
			send: func() int {
				return h.upload(apiUpload, field{name: "requirement", value: "2.1.2/a/R2"}, file("besar.pdf", bytes.Repeat([]byte("%"), 2<<20))).status
			},
			route: "/api/v1/facilities/:id/evidence", method: "POST", status: http.StatusRequestEntityTooLarge, reason: bukti.ETOOLARGE,
		},
		{
			name: "not a multipart form",
			send: func() int {
				return h.call("POST", apiUpload, map[string]string{"requirement": "2.1.2/a/R2"}, "").status
			},
			route: "/api/v1/facilities/:id/evidence", method: "POST", status: http.StatusBadRequest, reason: bukti.EINVALID,
		},
		{
			name: "unsupported file on the page",
			send: func() int {
				body, ct := multipartBody(field{name: "csrf_token", value: v.csrf}, field{name: "requirement", value: "2.1.2/a/R2"}, file("sop.pdf", testenv.Executable(t)))
				req, _ := http.NewRequest("POST", h.srv.URL+fmt.Sprintf("/f/%d/upload", f.ID), bytes.NewReader(body))
				req.Header.Set("Content-Type", ct)
				status, _, _ := v.do(req)
				return status
			},
			route: "/f/:id/upload", method: "POST", status: http.StatusUnsupportedMediaType, reason: bukti.EUNSUPPORTED,
		},
		{
			name:  "a page by route template",
			send:  func() int { status, _, _ := v.get(fmt.Sprintf("/f/%d", f.ID)); return status },
			route: "/f/:id", method: "GET", status: http.StatusOK,
		},
		{
			name:  "no such route",
			send:  func() int { return h.call("GET", "/api/v1/no-such-thing/42", nil, "").status },
			route: metrics.Unmatched, method: "GET", status: http.StatusNotFound,
		},
		{
			// The pages' catch-all answers it (sign in first), so no
			// route matched it.
			name:  "unknown HTTP method",
			send:  func() int { return h.call("BREW", "/healthz", nil, "").status },
			route: metrics.Unmatched, method: "other", status: http.StatusUnauthorized,
		},
	}
	reasons := []string{bukti.EUNSUPPORTED, bukti.ETOOLARGE, bukti.EINVALID, bukti.ETIMEOUT, bukti.EFORBIDDEN}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := metricstest.Scrape(t, exporter.URL)
			if status := tc.send(); status != tc.status {
				t.Fatalf("status %d, want %d", status, tc.status)
			}
			after := metricstest.Scrape(t, exporter.URL)
			status := fmt.Sprint(tc.status)
			if d := after.Delta(before, "bukti_http_requests_total", "route", tc.route, "method", tc.method, "status", status); d != 1 {
				t.Errorf("requests{route=%q,method=%q,status=%s} +%v, want +1; series %v", tc.route, tc.method, status, d, after.Names("bukti_http_requests_total"))
			}
			if d := after.Delta(before, "bukti_http_request_duration_seconds_count", "route", tc.route, "method", tc.method); d != 1 {
				t.Errorf("duration{route=%q,method=%q} count +%v, want +1", tc.route, tc.method, d)
			}
			for _, r := range reasons {
				want := 0.0
				if r == tc.reason {
					want = 1
				}
				if d := after.Delta(before, "bukti_upload_refusals_total", "reason", r); d != want {
					t.Errorf("refusals{reason=%q} +%v, want +%v", r, d, want)
				}
			}
		})
	}
}
