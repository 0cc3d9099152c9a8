package metrics_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/bukti-id/bukti/pkg/metrics"
	"github.com/bukti-id/bukti/pkg/metrics/metricstest"
)

// scrape reads the registry through Handler, as Prometheus does.
func scrape(t *testing.T) metricstest.Samples {
	t.Helper()
	srv := httptest.NewServer(metrics.Handler())
	defer srv.Close()
	return metricstest.Scrape(t, srv.URL)
}

// series is one expected change: the series' value after minus before.
type series struct {
	metric string
	labels []string
	delta  float64
}

func TestRecorders(t *testing.T) {
	boom := errors.New("disk full")
	cases := []struct {
		name   string
		record func()
		want   []series
	}{
		{
			name:   "request by route template",
			record: func() { metrics.HTTPRequest("/f/:id", "GET", 200, 30*time.Millisecond) },
			want: []series{
				{"bukti_http_requests_total", []string{"route", "/f/:id", "method", "GET", "status", "200"}, 1},
				{"bukti_http_request_duration_seconds_count", []string{"route", "/f/:id", "method", "GET"}, 1},
				{"bukti_http_request_duration_seconds_sum", []string{"route", "/f/:id", "method", "GET"}, 0.03},
			},
		},
		{
			name: "unmatched route and unknown method",
			record: func() {
				metrics.HTTPRequest("", "PROPFIND", 404, time.Millisecond)
				metrics.HTTPRequest("", "BREW", 404, time.Millisecond)
			},
			want: []series{
				{"bukti_http_requests_total", []string{"route", metrics.Unmatched, "method", "other", "status", "404"}, 2},
			},
		},
		{
			name: "upload bytes and refusals",
			record: func() {
				metrics.UploadBody(1500)
				metrics.UploadBody(0)
				metrics.UploadRefused("too_large")
				metrics.UploadRefused("unsupported_media_type")
				metrics.UploadRefused("too_large")
			},
			want: []series{
				{"bukti_upload_bytes_total", nil, 1500},
				{"bukti_upload_refusals_total", []string{"reason", "too_large"}, 2},
				{"bukti_upload_refusals_total", []string{"reason", "unsupported_media_type"}, 1},
			},
		},
		{
			name: "blob operations and errors",
			record: func() {
				obs := metrics.BlobObserver("s3")
				obs("open", time.Millisecond, nil)
				obs("open", time.Millisecond, boom)
				obs("open", time.Millisecond, fmt.Errorf("stream: %w", context.Canceled))
			},
			want: []series{
				{"bukti_blob_operation_duration_seconds_count", []string{"op", "open", "backend", "s3"}, 3},
				{"bukti_blob_errors_total", []string{"op", "open", "backend", "s3"}, 1},
			},
		},
		{
			name: "database statements and errors",
			record: func() {
				metrics.DBStatement("create", time.Millisecond, nil)
				metrics.DBStatement("create", time.Millisecond, boom)
				metrics.DBStatement("query", time.Millisecond, context.Canceled)
			},
			want: []series{
				{"bukti_db_statement_duration_seconds_count", []string{"op", "create"}, 2},
				{"bukti_db_errors_total", []string{"op", "create"}, 1},
				{"bukti_db_errors_total", []string{"op", "query"}, 0},
			},
		},
		{
			name: "job runs",
			record: func() {
				metrics.JobRun("test_job", nil)
				metrics.JobRun("test_job", boom)
				metrics.JobRun("test_job", nil)
			},
			want: []series{
				{"bukti_job_runs_total", []string{"job", "test_job", "result", "ok"}, 2},
				{"bukti_job_runs_total", []string{"job", "test_job", "result", "error"}, 1},
			},
		},
		{
			name: "scrub",
			record: func() {
				metrics.ScrubChecked(true)
				metrics.ScrubChecked(true)
				metrics.ScrubChecked(false)
			},
			want: []series{
				{"bukti_scrub_blobs_total", []string{"result", "ok"}, 2},
				{"bukti_scrub_blobs_total", []string{"result", "failed"}, 1},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := scrape(t)
			tc.record()
			after := scrape(t)
			for _, w := range tc.want {
				if got := after.Delta(before, w.metric, w.labels...); fmt.Sprintf("%.6f", got) != fmt.Sprintf("%.6f", w.delta) {
					t.Errorf("%s: %+v, want %+v; series: %v", metricstest.Key(w.metric, w.labels...), got, w.delta, after.Names(w.metric))
				}
			}
		})
	}
}

// TestJobLastSuccess checks that a successful run sets the time of the
// last success and a failed one leaves it.
func TestJobLastSuccess(t *testing.T) {
	metrics.JobRun("stamp_job", boomErr)
	if s := scrape(t); s.Has("bukti_job_last_success_timestamp_seconds", "job", "stamp_job") {
		t.Errorf("a failed first run set the last success time")
	}
	metrics.JobRun("stamp_job", nil)
	if s := scrape(t); s.Get("bukti_job_last_success_timestamp_seconds", "job", "stamp_job") <= 0 {
		t.Errorf("a successful run did not set the last success time")
	}
}

var boomErr = errors.New("boom")

// TestFsckResult checks that the gauge holds the last check's counts, a
// kind gone from it reading 0.
func TestFsckResult(t *testing.T) {
	steps := []struct {
		name   string
		result map[string]int
		want   map[string]float64
	}{
		{"problems found", map[string]int{"missing_blob": 2, "orphan_blob": 5}, map[string]float64{"missing_blob": 2, "orphan_blob": 5}},
		{"one kind repaired", map[string]int{"orphan_blob": 1}, map[string]float64{"missing_blob": 0, "orphan_blob": 1}},
		{"clean", nil, map[string]float64{"missing_blob": 0, "orphan_blob": 0}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			metrics.FsckResult(st.result)
			s := scrape(t)
			for kind, want := range st.want {
				if !s.Has("bukti_fsck_problems", "kind", kind) || s.Get("bukti_fsck_problems", "kind", kind) != want {
					t.Errorf("bukti_fsck_problems{kind=%q} = %v, want %v", kind, s.Get("bukti_fsck_problems", "kind", kind), want)
				}
			}
		})
	}
}

// TestRegistry checks that the registry carries the Go and process
// collectors, is not the global default, and that Bukti's metrics follow
// Prometheus' naming conventions.
func TestRegistry(t *testing.T) {
	s := scrape(t)
	for _, name := range []string{"go_goroutines", "process_start_time_seconds"} {
		if !s.Has(name) {
			t.Errorf("%s missing", name)
		}
	}
	if n, err := testutil.GatherAndCount(prometheus.DefaultGatherer, "bukti_http_requests_total", "bukti_db_errors_total"); err != nil || n != 0 {
		t.Errorf("Bukti's metrics are on the global default registry: %d series, %v", n, err)
	}
	problems, err := testutil.GatherAndLint(metrics.Registry())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if strings.HasPrefix(p.Metric, "bukti_") {
			t.Errorf("lint: %s: %s", p.Metric, p.Text)
		}
	}
	for k := range s {
		if strings.HasPrefix(k, "bukti_") || strings.HasPrefix(k, "go_") || strings.HasPrefix(k, "process_") || strings.HasPrefix(k, "promhttp_") {
			continue
		}
		t.Errorf("unexpected series %s", k)
	}
}

// TestHTTPRequestAllocs checks that recording a request of a known route,
// method and status allocates nothing.
func TestHTTPRequestAllocs(t *testing.T) {
	metrics.HTTPRequest("/s/:id", "POST", 303, time.Millisecond)
	if n := testing.AllocsPerRun(200, func() { metrics.HTTPRequest("/s/:id", "POST", 303, time.Millisecond) }); n != 0 {
		t.Errorf("HTTPRequest allocates %v times per call", n)
	}
}
