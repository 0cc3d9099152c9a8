// Package core is the layer the JSON API (package api) and the HTML pages
// (package pages) share: the server core holding the services, the
// middleware every request runs through (request ID, audit context,
// metrics and the request log, panic recovery, security headers, HTTPS,
// body guard), authentication by session cookie or bearer token with the
// anti-CSRF check, the one error → status table and the two renderings of
// an error (JSON body, error page), the page frame, and the lookups and
// readers both sides use: the principal, a facility, evidence or survey
// checked against it, the streamed upload form.
//
// A handler returns its error; the error handler (errors.go) answers it.
package core

import (
	"errors"
	"github.com/bukti-id/bukti/storage"
	"strconv"
	"sync/atomic"

	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/report"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/standard"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/ui"
)

// Deps are the services the server needs. All are required.
type Deps struct {
	DB        *sqlstore.DB // the metadata store, for the reads that belong to no service (audit log, permissions, health)
	Auth      *auth.Service
	Org       *org.Service
	Evidence  *evidence.Service
	Surveys   *survey.Service
	Standard  *standard.Service
	Reports   *report.Service
	Integrity *integrity.Service // fsck and scrub records, damaged files
	Catalogue *catalogue.Catalogue
	UI        *ui.UI
	Log       *slog.Logger
	// BodyIdle is the longest pause allowed while a request body arrives
	// (0: DefaultBodyIdle); MinBodyRate the least bytes per second,
	// averaged over each idle period (0: DefaultMinBodyRate).
	BodyIdle    time.Duration
	MinBodyRate int64
	// TrustProxy reads the client IP from X-Forwarded-For (set it only
	// behind a proxy that overwrites that header); otherwise the TCP peer
	// address is the client IP.
	TrustProxy bool
}

// Server is the server core: the services and settings (Deps), the
// router and its middleware. The api and pages packages add their routes
// to it (Echo) and build their handlers on it.
type Server struct {
	Deps
	log  *slog.Logger
	echo *echo.Echo
	// ready is what /readyz last found: a probe every few seconds logs
	// the changes only.
	ready atomic.Bool
}

// New builds the server core: the router with the error handler and the
// middleware every request runs through, in this order: request ID,
// audit context, request log and metrics, panic recovery, security
// headers, HTTPS detection, body guard. It has no routes yet.
func New(d Deps) *Server {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = echo.ExtractIPDirect()
	if d.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	}
	s := &Server{Deps: d, log: d.Log, echo: e}
	s.ready.Store(true)
	e.HTTPErrorHandler = s.handleError
	e.Use(s.requestID)
	e.Use(s.auditRequest)
	e.Use(s.observeRequests()) // request log line and metrics (metrics.go)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic", "path", c.Path(), "err", err, "stack", string(stack))
			return err
		},
	}))
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection: "", ContentTypeNosniff: "nosniff", XFrameOptions: "DENY",
		ReferrerPolicy: "same-origin",
	}))
	e.Use(s.transportSecurity)
	e.Use(s.bodyDeadline)
	return s
}

// Echo is the router, for adding the routes.
func (s *Server) Echo() *echo.Echo { return s.echo }

// requestID gives every request an ID, in the X-Request-Id response header
// and the audit rows it writes. The ID is made here; a client's
// X-Request-Id is taken only behind a trusted proxy (TrustProxy), and then
// only when it is a short token of safe characters.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := ""
		if s.TrustProxy {
			id = c.Request().Header.Get(echo.HeaderXRequestID)
		}
		if !validRequestID(id) {
			id = rand.Text()
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

// validRequestID accepts 1–64 characters of letters, digits and . _ : -.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._:-", r)) {
			return false
		}
	}
	return true
}

// httpsKey marks a request that reached Bukti over HTTPS.
const httpsKey = "bukti.https"

// transportSecurity notes whether the request came over HTTPS — directly,
// or per X-Forwarded-Proto from a trusted proxy — and then asks browsers to
// keep to HTTPS (HSTS).
func (s *Server) transportSecurity(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		https := req.TLS != nil || s.TrustProxy && strings.EqualFold(req.Header.Get(echo.HeaderXForwardedProto), "https")
		c.Set(httpsKey, https)
		if https {
			c.Response().Header().Set(echo.HeaderStrictTransportSecurity, "max-age=31536000")
		}
		return next(c)
	}
}

// OverHTTPS reports whether the request came over HTTPS (see
// transportSecurity); cookies are then marked Secure.
func OverHTTPS(c echo.Context) bool {
	https, _ := c.Get(httpsKey).(bool)
	return https
}

// NoStore keeps authenticated answers out of every cache.
func NoStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		return next(c)
	}
}

// auditRequest puts the request ID and client IP in the request's context
// (audit.WithRequest), where the audit rows of its writes find them.
func (s *Server) auditRequest(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		ctx := audit.WithRequest(req.Context(), audit.Request{ID: requestID(c), ClientIP: c.RealIP()})
		c.SetRequest(req.WithContext(ctx))
		return next(c)
	}
}

func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

// Healthz is the liveness check: the process serves HTTP. It touches
// neither the database nor the blob store, so an outage of either does
// not get a healthy server restarted; /readyz reports those.
func (s *Server) Healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// ReadyTimeout bounds the checks of /readyz.
const ReadyTimeout = 5 * time.Second

// Readyz is the readiness check: the database answers a ping and the blob
// store a cheap request (storage.Check: the bucket on S3; on the
// filesystem its directory and the free space against the minimum). Both
// run at once, within ReadyTimeout. 503 (with Retry-After) names what is
// down ("unavailable") or full ("full"); a change of state is logged.
func (s *Server) Readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), ReadyTimeout)
	defer cancel()
	var dbErr, blobErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		blobErr = storage.Check(ctx, s.Evidence.Blobs)
	}()
	dbErr = s.DB.Ping(ctx)
	<-done
	state := func(err error) string {
		switch {
		case err == nil:
			return "ok"
		case errors.Is(err, storage.ErrNoSpace) || errors.Is(err, sqlstore.ErrNoSpace):
			return "full"
		default:
			return "unavailable"
		}
	}
	body := map[string]string{"status": "ok", "database": state(dbErr), "blobs": state(blobErr)}
	ready := dbErr == nil && blobErr == nil
	if was := s.ready.Swap(ready); was != ready {
		if ready {
			s.log.Info("ready: the database and the blob store answer")
		} else {
			s.log.Warn("not ready", "database", body["database"], "database_err", errString(dbErr),
				"blobs", body["blobs"], "blobs_err", errString(blobErr))
		}
	}
	if ready {
		return c.JSON(http.StatusOK, body)
	}
	body["status"] = "unavailable"
	c.Response().Header().Set(echo.HeaderRetryAfter, strconv.Itoa(int(RetryUnavailable/time.Second)))
	return c.JSON(http.StatusServiceUnavailable, body)
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
