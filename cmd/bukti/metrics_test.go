package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/metrics/metricstest"
	"github.com/bukti-id/bukti/pkg/testenv"
)

func TestParseMetricsConfig(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		want    string
		wantErr string
	}{
		{name: "off by default", want: ""},
		{name: "environment", env: map[string]string{"BUKTI_METRICS_ADDR": "127.0.0.1:9090"}, want: "127.0.0.1:9090"},
		{name: "flag beats environment", args: []string{"-metrics-addr", "10.0.0.5:9100"}, env: map[string]string{"BUKTI_METRICS_ADDR": "127.0.0.1:9090"}, want: "10.0.0.5:9100"},
		{name: "same as the site", args: []string{"-addr", ":8080", "-metrics-addr", ":8080"}, wantErr: "BUKTI_METRICS_ADDR"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseConfig(tc.args, env(tc.env), io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.MetricsAddr != tc.want {
				t.Errorf("MetricsAddr = %q, want %q", c.MetricsAddr, tc.want)
			}
		})
	}
}

// TestServeHelpDocumentsMetrics checks that `bukti serve -h` names the
// metrics setting.
func TestServeHelpDocumentsMetrics(t *testing.T) {
	var out bytes.Buffer
	if _, err := parseConfig([]string{"-h"}, env(nil), &out); err == nil {
		t.Fatal("-h did not stop")
	}
	for _, want := range []string{"-metrics-addr", "BUKTI_METRICS_ADDR", "/metrics"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("serve -h lacks %q:\n%s", want, out.String())
		}
	}
}

// TestServeHelpDocumentsBounds checks that `bukti serve -h` names the
// settings that bound waiting.
func TestServeHelpDocumentsBounds(t *testing.T) {
	var out bytes.Buffer
	if _, err := parseConfig([]string{"-h"}, env(nil), &out); err == nil {
		t.Fatal("-h did not stop")
	}
	for _, want := range []string{"BUKTI_DB_TIMEOUT", "BUKTI_BLOB_TIMEOUT", "BUKTI_MIN_FREE_BYTES", "BUKTI_SHUTDOWN_GRACE", "/readyz", "503",
		"BUKTI_SCRUB_PERIOD", "/admin/integrity"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("serve -h lacks %q:\n%s", want, out.String())
		}
	}
}

// TestServeMetrics runs the real server with a metrics listener, answers a
// few requests (sign-in, a facility, uploads accepted and refused, a
// download whose blob is gone, a duplicate that the database refuses), and
// checks the scrape of the metrics listener series by series, the request
// log line of a facility request, and that the site does not serve
// /metrics.
func TestServeMetrics(t *testing.T) {
	cfg, err := parseConfig([]string{"-addr", "127.0.0.1:0", "-metrics-addr", "127.0.0.1:0", "-data-dir", t.TempDir(),
		"-max-upload-bytes", "1048576", "-admin-email", "mutu@puskesmas.test", "-admin-password", "sandi-rahasia-123"}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, newLogger("json", &logs), ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve returned early: %v\n%s", err, logs.String())
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
	}
	site := "http://" + addr
	scrapeURL := "http://" + logField(t, &logs, "metrics listening", "addr") + "/metrics"

	before := metricstest.Scrape(t, scrapeURL)
	c := &client{t: t, base: site}
	c.json("POST", "/api/v1/auth/login", map[string]string{"email": "mutu@puskesmas.test", "password": "sandi-rahasia-123"}, http.StatusOK, &struct{ Token *string }{&c.token})
	var me struct{ ID int64 }
	c.json("GET", "/api/v1/auth/me", nil, http.StatusOK, &me)
	c.json("GET", "/healthz", nil, http.StatusOK, nil)
	siteMetrics, siteBody := c.get("/metrics")
	if bytes.Contains(siteBody, []byte("bukti_http_requests_total")) {
		t.Errorf("the site serves /metrics (status %d)", siteMetrics)
	}
	c.json("POST", "/api/v1/provinces", map[string]string{"code": "32", "name": "Jawa Barat"}, http.StatusCreated, nil)
	c.json("POST", "/api/v1/provinces", map[string]string{"code": "32", "name": "Jawa Barat"}, http.StatusConflict, nil)
	c.json("POST", "/api/v1/districts", map[string]string{"code": "3277", "name": "Kota Cimahi", "province": "32"}, http.StatusCreated, nil)
	var f struct{ ID int64 }
	c.json("POST", "/api/v1/facilities", map[string]string{"code": "P3277010101", "name": "Puskesmas Cimahi Tengah", "district": "3277"}, http.StatusCreated, &f)
	facilityReq := c.json("GET", fmt.Sprintf("/api/v1/facilities/%d", f.ID), nil, http.StatusOK, nil)

	uploadPath := fmt.Sprintf("/api/v1/facilities/%d/evidence", f.ID)
	pdf := testenv.PDF("SK Kepala Puskesmas No. 440/012/PKM/2024")
	var up struct{ ID int64 }
	accepted := c.upload(uploadPath, "sk.pdf", pdf, http.StatusCreated, &up)
	c.upload(uploadPath, "sop.pdf", testenv.Executable(t), http.StatusUnsupportedMediaType, nil)
	c.upload(uploadPath, "besar.pdf", bytes.Repeat([]byte("x"), 2<<20), http.StatusRequestEntityTooLarge, nil)

	// The blob of the accepted upload goes missing behind the server's back.
	blobs, err := filepath.Glob(filepath.Join(cfg.DataDir, "blobs", "sha256", "*", "*", "*"))
	if err != nil || len(blobs) != 1 {
		t.Fatalf("blobs on disk: %v %v", blobs, err)
	}
	if err := os.Remove(blobs[0]); err != nil {
		t.Fatal(err)
	}
	c.json("GET", fmt.Sprintf("/api/v1/evidence/%d/content", up.ID), nil, http.StatusInternalServerError, nil)

	after := metricstest.Scrape(t, scrapeURL)
	const (
		requests = "bukti_http_requests_total"
		duration = "bukti_http_request_duration_seconds_count"
	)
	deltas := []struct {
		name   string
		metric string
		labels []string
		want   float64
	}{
		{"health check", requests, []string{"route", "/healthz", "method", "GET", "status", "200"}, 1},
		{"sign-in", requests, []string{"route", "/api/v1/auth/login", "method", "POST", "status", "200"}, 1},
		{"/metrics on the site is an unmatched route", requests, []string{"route", "unmatched", "method", "GET", "status", fmt.Sprint(siteMetrics)}, 1},
		{"created province", requests, []string{"route", "/api/v1/provinces", "method", "POST", "status", "201"}, 1},
		{"duplicate province", requests, []string{"route", "/api/v1/provinces", "method", "POST", "status", "409"}, 1},
		{"facility by route template", requests, []string{"route", "/api/v1/facilities/:id", "method", "GET", "status", "200"}, 1},
		{"uploads by status", requests, []string{"route", "/api/v1/facilities/:id/evidence", "method", "POST", "status", "201"}, 1},
		{"download of a missing blob", requests, []string{"route", "/api/v1/evidence/:id/content", "method", "GET", "status", "500"}, 1},
		{"latency of province requests", duration, []string{"route", "/api/v1/provinces", "method", "POST"}, 2},
		{"latency of uploads", duration, []string{"route", "/api/v1/facilities/:id/evidence", "method", "POST"}, 3},
		{"refused as unsupported", "bukti_upload_refusals_total", []string{"reason", "unsupported_media_type"}, 1},
		{"refused as too large", "bukti_upload_refusals_total", []string{"reason", "too_large"}, 1},
		{"blob committed", "bukti_blob_operation_duration_seconds_count", []string{"op", "commit", "backend", "filesystem"}, 1},
		{"blob open failed", "bukti_blob_errors_total", []string{"op", "open", "backend", "filesystem"}, 1},
		{"no failed commit", "bukti_blob_errors_total", []string{"op", "commit", "backend", "filesystem"}, 0},
		{"duplicate refused by the database", "bukti_db_errors_total", []string{"op", "create"}, 1},
	}
	for _, tc := range deltas {
		t.Run(tc.name, func(t *testing.T) {
			if got := after.Delta(before, tc.metric, tc.labels...); got != tc.want {
				t.Errorf("%s: +%v, want +%v; series: %v", metricstest.Key(tc.metric, tc.labels...), got, tc.want, after.Names(tc.metric))
			}
		})
	}
	present := []struct {
		name   string
		metric string
		labels []string
	}{
		{"database statements", "bukti_db_statement_duration_seconds_count", []string{"op", "query"}},
		{"sweep job ran", "bukti_job_runs_total", []string{"job", "sweep_uploads", "result", "ok"}},
		{"sweep job success time", "bukti_job_last_success_timestamp_seconds", []string{"job", "sweep_uploads"}},
		{"go runtime", "go_goroutines", nil},
		{"process", "process_start_time_seconds", nil},
	}
	for _, tc := range present {
		t.Run(tc.name, func(t *testing.T) {
			// The jobs run in the background from the start: wait for the
			// first run rather than assume it came before the requests.
			s := after
			for i := 0; s.Get(tc.metric, tc.labels...) <= 0 && i < 100; i++ {
				time.Sleep(50 * time.Millisecond)
				s = metricstest.Scrape(t, scrapeURL)
			}
			if s.Get(tc.metric, tc.labels...) <= 0 {
				t.Errorf("%s missing or zero; series: %v", metricstest.Key(tc.metric, tc.labels...), s.Names(tc.metric))
			}
		})
	}
	if d := after.Delta(before, "bukti_upload_bytes_total"); d < float64(accepted) {
		t.Errorf("bukti_upload_bytes_total +%v, want at least the accepted upload's body, %d", d, accepted)
	}
	for k := range after {
		if strings.Contains(k, fmt.Sprintf("/%d", f.ID)) {
			t.Errorf("series %s carries a raw URL", k)
		}
	}

	t.Run("request log line", func(t *testing.T) {
		line := findLog(t, &logs, func(l map[string]any) bool {
			return l["msg"] == "http" && l["request_id"] == facilityReq.Get("X-Request-Id")
		})
		want := map[string]any{"path": "/api/v1/facilities/:id", "status": float64(200), "user_id": float64(me.ID), "facility_id": float64(f.ID)}
		for k, v := range want {
			if line[k] != v {
				t.Errorf("log line %s = %v, want %v; line %v", k, line[k], v, line)
			}
		}
		anon := findLog(t, &logs, func(l map[string]any) bool { return l["msg"] == "http" && l["path"] == "/healthz" })
		if _, ok := anon["user_id"]; ok {
			t.Errorf("anonymous request logged with a user: %v", anon)
		}
	})

	t.Run("metrics listener serves /metrics only", func(t *testing.T) {
		resp, err := http.Get(strings.TrimSuffix(scrapeURL, "/metrics") + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("metrics listener /healthz: status %d, want 404", resp.StatusCode)
		}
	})

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}

// TestServeWithoutMetrics checks that with BUKTI_METRICS_ADDR unset no
// metrics server starts and the site does not serve /metrics.
func TestServeWithoutMetrics(t *testing.T) {
	cfg, err := parseConfig([]string{"-addr", "127.0.0.1:0", "-data-dir", t.TempDir(), "-admin-password", "sandi-rahasia-123"}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, newLogger("json", &logs), ready) }()
	addr := <-ready
	status, body := (&client{t: t, base: "http://" + addr}).get("/metrics")
	if bytes.Contains(body, []byte("bukti_http_requests_total")) {
		t.Errorf("site /metrics: status %d, body %.200s", status, body)
	}
	if strings.Contains(logs.String(), "metrics listening") {
		t.Errorf("a metrics server started without BUKTI_METRICS_ADDR:\n%s", logs.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// client sends requests to the site as the signed-in admin.
type client struct {
	t     *testing.T
	base  string
	token string
}

// json sends a JSON body (nil for none), checks the status, decodes the
// answer into out (if not nil) and returns the response headers.
func (c *client) json(method, path string, body any, status int, out any) http.Header {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, r)
	req.Header.Set("Content-Type", "application/json")
	return c.do(req, status, out)
}

// get fetches path, whatever the status, following no redirect.
func (c *client) get(path string) (int, []byte) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Do(req)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// upload posts a file for requirement 2.1.2/a/R1 and returns the size of
// the body sent.
func (c *client) upload(path, name string, content []byte, status int, out any) int {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("requirement", "2.1.2/a/R1")
	w, _ := mw.CreateFormFile("file", name)
	w.Write(content)
	mw.Close()
	n := b.Len()
	req, _ := http.NewRequest("POST", c.base+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	c.do(req, status, out)
	return n
}

func (c *client) do(req *http.Request, status int, out any) http.Header {
	c.t.Helper()
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		c.t.Fatalf("%s %s: status %d, want %d; %s", req.Method, req.URL.Path, resp.StatusCode, status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("decode %s: %v", b, err)
		}
	}
	return resp.Header
}

// findLog returns the first JSON log line that match accepts.
func findLog(t *testing.T, logs *syncBuffer, match func(map[string]any) bool) map[string]any {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l map[string]any
		if json.Unmarshal(sc.Bytes(), &l) == nil && match(l) {
			return l
		}
	}
	t.Fatalf("no such log line in:\n%s", logs.String())
	return nil
}

// logField is a string field of the first log line with message msg.
func logField(t *testing.T, logs *syncBuffer, msg, field string) string {
	t.Helper()
	v, _ := findLog(t, logs, func(l map[string]any) bool { return l["msg"] == msg })[field].(string)
	if v == "" {
		t.Fatalf("log line %q has no %s:\n%s", msg, field, logs.String())
	}
	return v
}
