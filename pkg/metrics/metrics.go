// Package metrics holds Bukti's Prometheus metrics: one registry of its own
// (never prometheus.DefaultRegisterer), the collectors on it, and the
// functions the rest of the code calls to record into them. [Handler]
// serves the registry; bukti serve exposes it on BUKTI_METRICS_ADDR only,
// never on the public site.
//
// Every metric is named bukti_*; Go runtime (go_*) and process
// (process_*) metrics come with them. Names and labels are stable: dashboards
// and alerts rely on them. Label values come from small fixed sets (route
// templates, operation names, error codes), never from user input.
//
// The recording functions are safe for concurrent use and cheap; the ones
// on the request path allocate nothing once a label combination has been
// seen.
package metrics

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Results of a job run (bukti_job_runs_total) and of a scrubbed blob
// (bukti_scrub_blobs_total).
const (
	ResultOK    = "ok"
	ResultError = "error"
	// ResultFailed is a scrubbed blob whose bytes do not match its key or
	// that could not be read.
	ResultFailed = "failed"
)

// Buckets (seconds). Requests and blob operations include uploads and
// downloads of files up to the upload limit on slow connections, hence
// the long tail; database statements are short.
var (
	slowBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120}
	dbBuckets   = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}
)

var (
	registry = prometheus.NewRegistry()

	httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bukti_http_requests_total",
		Help: "HTTP requests answered, by route template, method and status.",
	}, []string{"route", "method", "status"})
	httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "bukti_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by route template and method.",
		Buckets: slowBuckets,
	}, []string{"route", "method"})

	uploadBytes = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "bukti_upload_bytes_total",
		Help: "Request body bytes received by the upload endpoints, accepted or refused.",
	})
	uploadRefusals = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bukti_upload_refusals_total",
		Help: "Uploads refused, by reason (the error code: too_large, unsupported_media_type, invalid, timeout, ...).",
	}, []string{"reason"})

	blobDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "bukti_blob_operation_duration_seconds",
		Help:    "Time of blob store operations, by operation and backend (filesystem, s3).",
		Buckets: slowBuckets,
	}, []string{"op", "backend"})
	blobErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bukti_blob_errors_total",
		Help: "Failed blob store operations, by operation and backend.",
	}, []string{"op", "backend"})

	dbDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "bukti_db_statement_duration_seconds",
		Help:    "Time of database statements, by operation (create, query, update, delete, row, raw).",
		Buckets: dbBuckets,
	}, []string{"op"})
	dbErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bukti_db_errors_total",
		Help: "Failed database statements, by operation (a query that finds no row is not a failure).",
	}, []string{"op"})

	jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bukti_job_runs_total",
		Help: "Runs of background jobs and loops, by job and result (ok, error).",
	}, []string{"job", "result"})
	jobLastSuccess = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "bukti_job_last_success_timestamp_seconds",
		Help: "Unix time of the last successful run of a job.",
	}, []string{"job"})

	scrubBlobs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bukti_scrub_blobs_total",
		Help: "Blobs whose content was checked against their key, by result (ok, failed).",
	}, []string{"result"})
	fsckProblems = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "bukti_fsck_problems",
		Help: "Problems found by the last consistency check, by kind.",
	}, []string{"kind"})
)

func init() {
	registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		httpRequests, httpDuration, uploadBytes, uploadRefusals,
		blobDuration, blobErrors, dbDuration, dbErrors,
		jobRuns, jobLastSuccess, scrubBlobs, fsckProblems,
	)
}

// Registry is the registry every Bukti metric is on, for code that adds a
// collector of its own and for tests that gather it.
func Registry() *prometheus.Registry { return registry }

// Handler serves the registry in the Prometheus exposition formats.
func Handler() http.Handler {
	return promhttp.HandlerFor(registry, promhttp.HandlerOpts{Registry: registry})
}

// Unmatched is the route label of requests that matched no route.
const Unmatched = "unmatched"

// requestKey and requestSeries cache the series of a route, method and
// status, so that recording a request allocates nothing once its
// combination has been seen (WithLabelValues hashes and allocates).
type requestKey struct {
	route, method string
	status        int
}

type requestSeries struct {
	count    prometheus.Counter
	duration prometheus.Observer
}

var (
	requestMu    sync.RWMutex
	requestCache = map[requestKey]requestSeries{}
)

// HTTPRequest records an answered request: bukti_http_requests_total and
// bukti_http_request_duration_seconds. route is the route template
// (/f/:id, never the URL itself), "" for a request no route matched;
// method is normalized to the standard methods and "other".
func HTTPRequest(route, method string, status int, d time.Duration) {
	k := requestKey{route: route, method: normMethod(method), status: status}
	requestMu.RLock()
	s, ok := requestCache[k]
	requestMu.RUnlock()
	if !ok {
		label := route
		if label == "" {
			label = Unmatched
		}
		s = requestSeries{
			count:    httpRequests.WithLabelValues(label, k.method, strconv.Itoa(status)),
			duration: httpDuration.WithLabelValues(label, k.method),
		}
		requestMu.Lock()
		requestCache[k] = s
		requestMu.Unlock()
	}
	s.count.Inc()
	s.duration.Observe(d.Seconds())
}

// normMethod keeps the label to a fixed set whatever a client sends.
func normMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// UploadBody adds n bytes received by an upload endpoint to
// bukti_upload_bytes_total. The web server calls it for every upload
// request, accepted or refused.
func UploadBody(n int64) {
	if n > 0 {
		uploadBytes.Add(float64(n))
	}
}

// UploadRefused counts a refused upload in bukti_upload_refusals_total.
// reason is the error code the client got (bukti.ETOOLARGE,
// bukti.EUNSUPPORTED, bukti.EINVALID, bukti.ETIMEOUT, ...): a word from a
// fixed set, never a message.
func UploadRefused(reason string) {
	uploadRefusals.WithLabelValues(reason).Inc()
}

// BlobObserver returns the callback for storage.Instrument that records
// the operations of a blob store of the given backend ("filesystem", "s3")
// in bukti_blob_operation_duration_seconds and bukti_blob_errors_total. An
// error counts unless it is a cancellation (the client went away).
func BlobObserver(backend string) func(op string, d time.Duration, err error) {
	return func(op string, d time.Duration, err error) {
		blobDuration.WithLabelValues(op, backend).Observe(d.Seconds())
		if failed(err) {
			blobErrors.WithLabelValues(op, backend).Inc()
		}
	}
}

// DBStatement is the callback for sqlstore.Observe: it records a database
// statement of operation op (create, query, update, delete, row, raw) in
// bukti_db_statement_duration_seconds and, when err is a failure (not a
// cancellation), bukti_db_errors_total.
func DBStatement(op string, d time.Duration, err error) {
	dbDuration.WithLabelValues(op).Observe(d.Seconds())
	if failed(err) {
		dbErrors.WithLabelValues(op).Inc()
	}
}

// failed reports whether err is a failure of the service rather than the
// caller giving up.
func failed(err error) bool {
	return err != nil && !errors.Is(err, context.Canceled)
}

// JobRun counts a run of a background job or loop (job is a fixed name
// such as "sweep_uploads") in bukti_job_runs_total with result ok or error,
// and on success sets bukti_job_last_success_timestamp_seconds to now.
// Call it after each run; a run cut short by shutdown should not be
// counted.
func JobRun(job string, err error) {
	if err != nil {
		jobRuns.WithLabelValues(job, ResultError).Inc()
		return
	}
	jobRuns.WithLabelValues(job, ResultOK).Inc()
	jobLastSuccess.WithLabelValues(job).SetToCurrentTime()
}

// ScrubChecked counts one blob whose content a scrub checked in
// bukti_scrub_blobs_total: result ok when its bytes match its key, failed
// when they do not or it could not be read.
func ScrubChecked(ok bool) {
	if ok {
		scrubBlobs.WithLabelValues(ResultOK).Inc()
		return
	}
	scrubBlobs.WithLabelValues(ResultFailed).Inc()
}

var (
	fsckMu    sync.Mutex
	fsckKinds = map[string]bool{}
)

// FsckResult publishes the outcome of a consistency check (bukti fsck, or
// the same check run by the server) in the bukti_fsck_problems gauge: the
// number of problems of each kind. Kinds that an earlier check reported
// and this one does not are set to 0, so a fixed problem reads 0 rather
// than its old count.
func FsckResult(problemsByKind map[string]int) {
	fsckMu.Lock()
	defer fsckMu.Unlock()
	for kind := range fsckKinds {
		if _, ok := problemsByKind[kind]; !ok {
			fsckProblems.WithLabelValues(kind).Set(0)
		}
	}
	for kind, n := range problemsByKind {
		fsckKinds[kind] = true
		fsckProblems.WithLabelValues(kind).Set(float64(n))
	}
}
