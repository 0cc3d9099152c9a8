// Package web serves Bukti's JSON API (under /api/v1) and its pages with
// echo. It composes three packages: core (the services, the middleware,
// authentication and CSRF, the one error → status table and the error
// answers, the lookups and the upload reader both sides share), api (the
// JSON handlers) and pages (the HTML handlers). New is the one place the
// route table is assembled.
package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/bukti-id/bukti/pkg/web/api"
	"github.com/bukti-id/bukti/pkg/web/core"
	"github.com/bukti-id/bukti/pkg/web/pages"
)

// Deps are the services the server needs. All are required.
type Deps = core.Deps

// Server is the HTTP server.
type Server struct {
	Deps
	core *core.Server
}

// The names a client sees, as the core and the pages define them.
const (
	SessionCookie   = core.SessionCookie    // the browser session cookie
	CSRFHeader      = core.CSRFHeader       // the anti-CSRF token header
	LangCookie      = core.LangCookie       // the interface language
	LoginCSRFCookie = pages.LoginCSRFCookie // the sign-in form's anti-CSRF token
)

// The request body guard's defaults (Deps.BodyIdle, Deps.MinBodyRate).
const (
	DefaultBodyIdle    = core.DefaultBodyIdle
	DefaultMinBodyRate = core.DefaultMinBodyRate
)

// ErrShuttingDown is the cause with which the server cancels the requests
// still running when its shutdown grace period ends.
var ErrShuttingDown = core.ErrShuttingDown

// New builds the server and its routes: the health check, the pages and,
// under /api/v1, the JSON API.
func New(d Deps) *Server {
	s := core.New(d)
	e := s.Echo()
	e.GET("/healthz", s.Healthz)
	e.GET("/readyz", s.Readyz)
	pages.Register(s, e)
	api.Register(s, e.Group("/api/v1"))
	return &Server{Deps: d, core: s}
}

// Handler returns the root HTTP handler.
func (s *Server) Handler() http.Handler { return s.core.Echo() }

// Routes lists "METHOD path" of every registered route, for tests that must
// cover them all.
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.core.Echo().Routes() {
		if strings.HasPrefix(r.Name, "github.com/labstack") {
			continue
		}
		out = append(out, r.Method+" "+r.Path)
	}
	slices.Sort(out)
	return out
}
