// Package web serves Bukti's JSON API (under /api/v1) and its pages with
// echo. Handlers parse requests, call the domain services and encode their
// results; every error goes through one handler that maps error codes to
// HTTP statuses (errors.go).
package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/facility"
	"github.com/bukti-id/bukti/ui"
)

// Deps are the services the server needs. All are required.
type Deps struct {
	Auth       *auth.Service
	Facilities *facility.Service
	Evidence   *evidence.Service
	Catalogue  *catalogue.Catalogue
	Log        *slog.Logger
	// Ping checks the database for /healthz.
	Ping func(context.Context) error
}

// Server is the HTTP server.
type Server struct {
	Deps
	log  *slog.Logger
	echo *echo.Echo
}

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "bukti_session"

// New builds the server and its routes.
func New(d Deps) *Server {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	s := &Server{Deps: d, log: d.Log, echo: e}
	e.HTTPErrorHandler = s.handleError
	e.Use(middleware.RequestID())
	e.Use(s.logRequests)
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

	e.GET("/healthz", s.healthz)
	e.GET("/", s.index)

	api := e.Group("/api/v1")
	api.POST("/auth/login", s.login)
	api.POST("/auth/logout", s.logout)

	// Everything below needs a signed-in user.
	authed := api.Group("", s.requireUser)
	authed.GET("/auth/me", s.me)
	authed.GET("/catalogue", s.getCatalogue)
	authed.GET("/criteria/:id", s.getKriteria)

	authed.POST("/facilities", s.createFacility)
	authed.GET("/facilities", s.listFacilities)
	authed.GET("/facilities/:id", s.getFacility)
	authed.GET("/facilities/:id/readiness", s.getReadiness)
	authed.POST("/facilities/:id/evidence", s.uploadEvidence)
	authed.GET("/facilities/:id/evidence", s.listEvidence)
	authed.GET("/facilities/:id/not-applicable", s.listNotApplicable)
	authed.PUT("/facilities/:id/not-applicable", s.setNotApplicable)
	authed.DELETE("/facilities/:id/not-applicable", s.clearNotApplicable)
	authed.GET("/facilities/:id/interviewees", s.listInterviewees)
	authed.PUT("/facilities/:id/interviewees", s.setInterviewee)

	authed.GET("/evidence/:id", s.getEvidence)
	authed.PATCH("/evidence/:id", s.updateEvidence)
	authed.DELETE("/evidence/:id", s.deleteEvidence)
	authed.GET("/evidence/:id/content", s.evidenceContent)
	authed.POST("/evidence/:id/revisions", s.uploadRevision)
	return s
}

// Handler returns the root HTTP handler.
func (s *Server) Handler() http.Handler { return s.echo }

// Routes lists "METHOD path" of every registered route, for tests that must
// cover them all.
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.echo.Routes() {
		if strings.HasPrefix(r.Name, "github.com/labstack") {
			continue
		}
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err) // write the response now so the status below is final
		}
		s.log.Info("http", "method", c.Request().Method, "path", c.Path(), "status", c.Response().Status,
			"bytes", c.Response().Size, "ms", time.Since(start).Milliseconds(), "request_id", requestID(c))
		return nil
	}
}

func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

const userKey = "bukti.user"

// requireUser authenticates the bearer token or session cookie and puts the
// user in the context.
func (s *Server) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, err := s.Auth.Authenticate(c.Request().Context(), sessionToken(c))
		if err != nil {
			return err
		}
		c.Set(userKey, u)
		return next(c)
	}
}

// sessionToken reads "Authorization: Bearer …", else the session cookie.
func sessionToken(c echo.Context) string {
	if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
		if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(tok)
		}
		return ""
	}
	if ck, err := c.Cookie(SessionCookie); err == nil {
		return ck.Value
	}
	return ""
}

func currentUser(c echo.Context) *bukti.User {
	u, _ := c.Get(userKey).(*bukti.User)
	return u
}

func (s *Server) healthz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.Ping(ctx); err != nil {
		s.log.Error("health check: database", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "down"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) index(c echo.Context) error {
	return c.HTMLBlob(http.StatusOK, ui.Index)
}
