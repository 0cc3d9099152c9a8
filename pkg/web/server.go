// Package web serves Bukti's JSON API (under /api/v1) and its pages with
// echo. Handlers parse requests, call the domain services and encode their
// results; every error goes through one handler that maps error codes to
// HTTP statuses (errors.go).
package web

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/report"
	"github.com/bukti-id/bukti/pkg/standard"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/ui"
)

// Deps are the services the server needs. All are required.
type Deps struct {
	DB        *gorm.DB
	Auth      *auth.Service
	Org       *org.Service
	Evidence  *evidence.Service
	Surveys   *survey.Service
	Standard  *standard.Service
	Reports   *report.Service
	Catalogue *catalogue.Catalogue
	UI        *ui.UI
	Log       *slog.Logger
	// TrustProxy reads the client IP from X-Forwarded-For (set it only
	// behind a proxy that overwrites that header); otherwise the TCP peer
	// address is the client IP.
	TrustProxy bool
}

// Server is the HTTP server.
type Server struct {
	Deps
	log  *slog.Logger
	echo *echo.Echo
}

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "bukti_session"

// CSRFHeader carries the anti-CSRF token on cookie-authenticated requests
// that change state; HTML forms may send it as the field csrf_token.
const CSRFHeader = "X-CSRF-Token"

// New builds the server and its routes.
func New(d Deps) *Server {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = echo.ExtractIPDirect()
	if d.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	}
	s := &Server{Deps: d, log: d.Log, echo: e}
	e.HTTPErrorHandler = s.handleError
	e.Use(middleware.RequestID())
	e.Use(s.auditRequest)
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
	e.GET("/static/:name", s.static)
	e.GET("/login", s.loginForm)
	e.POST("/login", s.loginSubmit)
	e.GET("/lang/:code", s.setLang)

	// Pages for signed-in users (cookie session).
	pg := e.Group("", s.requirePage)
	pg.GET("/", s.home)
	pg.POST("/logout", s.logoutSubmit)
	pg.GET("/f/:id", s.facilityDashboard)
	pg.GET("/f/:id/kriteria/:kid", s.kriteriaView)
	pg.GET("/f/:id/req", s.requirementView)
	pg.POST("/f/:id/upload", s.uploadPage)
	pg.POST("/f/:id/evidence/:eid/delete", s.deleteEvidencePage)
	pg.POST("/f/:id/evidence/:eid/revision", s.revisionPage)
	pg.POST("/f/:id/evidence/:eid/meta", s.metaPage)
	pg.POST("/f/:id/tdd", s.tddPage)
	pg.POST("/f/:id/interviewees", s.intervieweePage)
	pg.GET("/district", s.districtOverview)
	pg.GET("/admin", s.adminView)
	pg.POST("/admin/provinces", s.adminAddProvince)
	pg.POST("/admin/districts", s.adminAddDistrict)
	pg.POST("/admin/facilities", s.adminAddFacility)
	pg.POST("/admin/users", s.adminAddUser)
	pg.POST("/admin/catalogue/import", s.adminImportCatalogue)
	pg.POST("/admin/catalogue/:id/activate", s.adminActivateCatalogue)
	pg.GET("/surveys", s.surveysList)
	pg.POST("/surveys", s.planSurveyPage)
	pg.GET("/f/:id/surveys", s.facilitySurveys)
	pg.GET("/s/:id", s.surveyView)
	pg.GET("/s/:id/report", s.surveyReport)
	pg.POST("/s/:id/self-assessment", s.surveySelfPage)
	pg.POST("/s/:id/submit", s.surveySubmitPage)
	pg.POST("/s/:id/resubmit", s.surveyResubmitPage)
	pg.POST("/s/:id/items/:item/review", s.surveyReviewPage)
	pg.POST("/s/:id/score", s.surveyScorePage)
	pg.POST("/s/:id/reconcile", s.surveyReconcilePage)
	pg.POST("/s/:id/final", s.surveyFinalPage)
	pg.POST("/s/:id/finalize", s.surveyFinalizePage)
	pg.POST("/s/:id/pps/:row", s.surveyPPSPage)

	api := e.Group("/api/v1")
	api.POST("/auth/login", s.login)

	// Everything below needs a signed-in user; each handler then asks
	// authz about the object it touches.
	a := api.Group("", s.requireUser)
	a.POST("/auth/logout", s.logout)
	a.GET("/auth/me", s.me)
	a.GET("/tokens", s.listTokens)
	a.POST("/tokens", s.createToken)
	a.DELETE("/tokens/:id", s.revokeToken)

	a.GET("/catalogue", s.getCatalogue)
	a.GET("/catalogue/versions", s.listCatalogueVersions)
	a.POST("/catalogue/import", s.importCatalogue)
	a.POST("/catalogue/versions/:id/activate", s.activateCatalogue)
	a.GET("/catalogue/versions/:id/export", s.exportCatalogue)
	a.GET("/criteria/:id", s.getKriteria)

	a.GET("/provinces", s.listProvinces)
	a.POST("/provinces", s.createProvince)
	a.PATCH("/provinces/:id", s.renameOrg("province"))
	a.DELETE("/provinces/:id", s.deleteOrg("province"))
	a.GET("/districts", s.listDistricts)
	a.POST("/districts", s.createDistrict)
	a.PATCH("/districts/:id", s.renameOrg("district"))
	a.DELETE("/districts/:id", s.deleteOrg("district"))

	a.GET("/facilities", s.listFacilities)
	a.POST("/facilities", s.createFacility)
	a.POST("/facilities/import", s.importFacilities)
	a.GET("/facilities/:id", s.getFacility)
	a.PATCH("/facilities/:id", s.updateFacility)
	a.DELETE("/facilities/:id", s.deleteOrg("facility"))
	a.GET("/facilities/:id/readiness", s.getReadiness)
	a.POST("/facilities/:id/evidence", s.uploadEvidence)
	a.GET("/facilities/:id/evidence", s.listEvidence)
	a.GET("/facilities/:id/not-applicable", s.listNotApplicable)
	a.PUT("/facilities/:id/not-applicable", s.setNotApplicable)
	a.DELETE("/facilities/:id/not-applicable", s.clearNotApplicable)
	a.GET("/facilities/:id/interviewees", s.listInterviewees)
	a.PUT("/facilities/:id/interviewees", s.setInterviewee)

	a.GET("/evidence/:id", s.getEvidence)
	a.PATCH("/evidence/:id", s.updateEvidence)
	a.DELETE("/evidence/:id", s.deleteEvidence)
	a.GET("/evidence/:id/content", s.evidenceContent)
	a.POST("/evidence/:id/revisions", s.uploadRevision)

	a.GET("/users", s.listUsers)
	a.POST("/users", s.createUser)
	a.GET("/users/:id", s.getUser)
	a.PATCH("/users/:id", s.updateUser)
	a.POST("/users/:id/password", s.resetPassword)
	a.POST("/users/:id/roles", s.grantRole)
	a.DELETE("/users/:id/roles/:binding", s.revokeRole)

	a.GET("/surveys", s.listSurveys)
	a.POST("/surveys", s.createSurvey)
	a.GET("/surveys/:id", s.getSurvey)
	a.GET("/surveys/:id/overview", s.surveyOverview)
	a.PUT("/surveys/:id/self-assessment", s.selfAssess)
	a.POST("/surveys/:id/submit", s.submitSurvey)
	a.POST("/surveys/:id/items", s.resubmit)
	a.POST("/surveys/:id/items/:item/review", s.reviewItem)
	a.PUT("/surveys/:id/scores", s.scoreElement)
	a.POST("/surveys/:id/reconcile", s.reconcile)
	a.PUT("/surveys/:id/final", s.setFinal)
	a.POST("/surveys/:id/finalize", s.finalize)
	a.PUT("/surveys/:id/pps/:row", s.updatePPS)
	a.GET("/surveys/:id/report.xlsx", s.surveyXLSX)
	a.GET("/surveys/:id/pack.zip", s.surveyPack)

	a.GET("/reports/gaps", s.gapsReport)
	a.GET("/reports/trends", s.trendsReport)

	a.GET("/audit", s.listAudit)
	a.GET("/audit.csv", s.auditCSV)
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
	slices.Sort(out)
	return out
}

// auditRequest puts the request ID and client IP where audit.Record finds
// them.
func (s *Server) auditRequest(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		ctx := audit.WithRequest(req.Context(), audit.Request{ID: requestID(c), ClientIP: c.RealIP()})
		c.SetRequest(req.WithContext(ctx))
		return next(c)
	}
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

const principalKey = "bukti.principal"

// requireUser authenticates the bearer token or session cookie, loads the
// principal's scopes, and for cookie sessions checks the anti-CSRF token on
// every request that may change state.
func (s *Server) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		secret, fromCookie := sessionSecret(c)
		if err := s.authenticate(c, secret, fromCookie && !safeMethod(c.Request().Method)); err != nil {
			return err
		}
		return next(c)
	}
}

// authenticate checks a session secret, the anti-CSRF token when
// checkToken is set, and puts the principal with its scopes in the context.
func (s *Server) authenticate(c echo.Context, secret string, checkToken bool) error {
	ctx := c.Request().Context()
	_, u, err := s.Auth.Authenticate(ctx, secret)
	if err != nil {
		return err
	}
	if checkToken {
		if err := checkCSRF(c, secret); err != nil {
			return err
		}
	}
	p, err := authz.Load(ctx, s.DB, u)
	if err != nil {
		return err
	}
	c.Set(principalKey, p)
	return nil
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// checkCSRF compares the token in the header (or the urlencoded form
// field csrf_token) with the one derived from the session.
func checkCSRF(c echo.Context, secret string) error {
	got := c.Request().Header.Get(CSRFHeader)
	if got == "" && strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEApplicationForm) {
		got = c.FormValue("csrf_token")
	}
	return csrfMatches(got, secret)
}

// csrfMatches checks a submitted anti-CSRF token against the session's.
func csrfMatches(got, secret string) error {
	if subtle.ConstantTimeCompare([]byte(got), []byte(auth.CSRFToken(secret))) != 1 {
		return bukti.Errorf(bukti.EFORBIDDEN, "Token keamanan formulir (CSRF) tidak ada atau salah. Muat ulang halaman lalu coba lagi.",
			"missing or wrong CSRF token: send the %s header from /api/v1/auth/me", CSRFHeader)
	}
	return nil
}

// sessionSecret reads "Authorization: Bearer …", else the session cookie.
func sessionSecret(c echo.Context) (secret string, fromCookie bool) {
	if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
		if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(tok), false
		}
		return "", false
	}
	if ck, err := c.Cookie(SessionCookie); err == nil {
		return ck.Value, true
	}
	return "", false
}

func principal(c echo.Context) *authz.Principal {
	p, _ := c.Get(principalKey).(*authz.Principal)
	return p
}

// userID is the acting user's ID, as audit entries take it.
func userID(c echo.Context) *int64 { return &principal(c).User.ID }

// facilityFor parses the :id of a facility route and checks the action on
// it; out-of-scope facilities are not found.
func (s *Server) facilityFor(c echo.Context, a authz.Action) (int64, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, err
	}
	return id, principal(c).Check(a, id)
}

func (s *Server) healthz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	sqlDB, err := s.DB.DB()
	if err == nil {
		err = sqlDB.PingContext(ctx)
	}
	if err != nil {
		s.log.Error("health check: database", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "down"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}
