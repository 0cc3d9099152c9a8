package core

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/metrics"
)

// uploadRoutes are the routes (POST) that receive evidence files: their
// body bytes go to bukti_upload_bytes_total and their refusals, by error
// code, to bukti_upload_refusals_total. TestObservedRoutesExist keeps the
// list in step with the routes.
var uploadRoutes = map[string]bool{
	"/api/v1/facilities/:id/evidence": true,
	"/api/v1/evidence/:id/revisions":  true,
	"/f/:id/upload":                   true,
	"/f/:id/evidence/:eid/revision":   true,
}

// facilityRoutes are the route prefixes whose :id is a facility: the
// request log line names it (facility_id) unless a handler noted one.
var facilityRoutes = []string{"/f/:id", "/api/v1/facilities/:id"}

// facilityKey holds the facility a request concerns (noteFacility).
const facilityKey = "bukti.facility"

// noteFacility records the facility a request concerns, for the facility_id
// of its log line, when the route does not name it (an evidence or survey
// route, say). A handler or an authorization step that has loaded the
// facility may call it.
func noteFacility(c echo.Context, id int64) { c.Set(facilityKey, id) }

// requestFacility is the facility a request concerns: the one noted, else
// the :id of a facility route.
func requestFacility(c echo.Context) (int64, bool) {
	if id, ok := c.Get(facilityKey).(int64); ok {
		return id, true
	}
	path := c.Path()
	for _, p := range facilityRoutes {
		if rest, ok := strings.CutPrefix(path, p); ok && (rest == "" || rest[0] == '/') {
			id, err := strconv.ParseInt(c.Param("id"), 10, 64)
			return id, err == nil && id > 0
		}
	}
	return 0, false
}

// observeRequests answers every request's error (so the status is final),
// then logs the request and records it in the metrics:
// bukti_http_requests_total and bukti_http_request_duration_seconds by
// route template (never the URL; "unmatched" when no route matched), and
// for the upload routes the body bytes and the refusals. The log line
// carries the request ID, the signed-in user (user_id) and the facility
// the request concerns (facility_id), when there are such.
func (s *Server) observeRequests() echo.MiddlewareFunc {
	var (
		once   sync.Once
		routes map[string]bool
	)
	known := func(path string) bool {
		once.Do(func() {
			routes = map[string]bool{}
			for _, r := range s.echo.Routes() {
				if r.Method != echo.RouteNotFound { // a group's catch-all
					routes[r.Path] = true
				}
			}
		})
		return routes[path]
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			req := c.Request()
			route := c.Path()
			if !known(route) {
				route = ""
			}
			var body *countingBody
			upload := req.Method == http.MethodPost && uploadRoutes[route]
			if upload && req.Body != nil {
				body = &countingBody{ReadCloser: req.Body}
				req.Body = body
			}
			err := next(c)
			if err != nil {
				c.Error(err) // write the response now so the status below is final
			}
			d := time.Since(start)
			status := c.Response().Status
			metrics.HTTPRequest(route, req.Method, status, d)
			if upload {
				if body != nil {
					metrics.UploadBody(body.n)
				}
				if reason := errorCode(c, err); reason != "" && reason != bukti.EINTERNAL {
					metrics.UploadRefused(reason)
				}
			}
			s.logRequest(c, status, d)
			return nil
		}
	}
}

// logRequest writes the request's log line.
func (s *Server) logRequest(c echo.Context, status int, d time.Duration) {
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs,
		slog.String("method", c.Request().Method),
		slog.String("path", c.Path()),
		slog.Int("status", status),
		slog.Int64("bytes", c.Response().Size),
		slog.Int64("ms", d.Milliseconds()),
		slog.String("request_id", requestID(c)),
	)
	if p := Principal(c); p != nil && p.User != nil {
		attrs = append(attrs, slog.Int64("user_id", p.User.ID))
	}
	if id, ok := requestFacility(c); ok {
		attrs = append(attrs, slog.Int64("facility_id", id))
	}
	s.log.LogAttrs(c.Request().Context(), slog.LevelInfo, "http", attrs...)
}

// errorCode is the error code a request's error is answered with, as
// handleError decides it; "" for no error.
func errorCode(c echo.Context, err error) string {
	if err == nil {
		return ""
	}
	err = outage(c, err)
	var he *echo.HTTPError
	if errors.As(err, &he) && !errors.As(err, new(*bukti.Error)) {
		if code, ok := codeOf[he.Code]; ok {
			return code
		}
	}
	return bukti.ErrorCode(err)
}

// countingBody counts the bytes read from a request body.
type countingBody struct {
	io.ReadCloser
	n int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	return n, err
}
