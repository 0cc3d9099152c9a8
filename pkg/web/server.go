// Package web serves Bukti's JSON API (under /api/v1) and its pages with
// echo. Handlers parse requests, call the domain services and encode their
// results; every error goes through one handler that maps error codes to
// HTTP statuses (errors.go).
package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/report"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/standard"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/storage"
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

// Server is the HTTP server.
type Server struct {
	Deps
	log  *slog.Logger
	echo *echo.Echo
	// ready is what /readyz last found: a probe every few seconds logs
	// the changes only.
	ready atomic.Bool
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

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
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
	a := api.Group("", s.requireUser, noStore)
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
	a.GET("/users/:id/tokens", s.userTokens)
	a.DELETE("/users/:id/tokens/:token", s.revokeUserToken)
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

// overHTTPS reports whether the request came over HTTPS (see
// transportSecurity); cookies are then marked Secure.
func overHTTPS(c echo.Context) bool {
	https, _ := c.Get(httpsKey).(bool)
	return https
}

// noStore keeps authenticated answers out of every cache.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
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

const principalKey = "bukti.principal"

// requireUser authenticates the bearer token or session cookie, loads the
// principal's scopes, and for cookie sessions checks the anti-CSRF token on
// every request that may change state.
func (s *Server) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		secret, fromCookie := sessionSecret(c)
		if err := s.authenticate(c, secret, fromCookie); err != nil {
			return err
		}
		return next(c)
	}
}

// authenticate checks a session secret, puts the principal with its scopes
// in the context and, for a cookie session, checks the anti-CSRF token of
// a request that may change state, whatever its content type.
func (s *Server) authenticate(c echo.Context, secret string, fromCookie bool) error {
	ctx := c.Request().Context()
	_, u, err := s.Auth.Authenticate(ctx, secret)
	if err != nil {
		return err
	}
	if fromCookie && !safeMethod(c.Request().Method) {
		if err := checkCSRF(c, auth.CSRFToken(secret)); err != nil {
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

// csrfField is the form field of the anti-CSRF token. In a multipart form
// it must be the first part, so it is checked before any file is read.
const csrfField = "csrf_token"

// csrfPeek bounds how much of a multipart body is held while its first
// field is read; the body is then replayed whole to the handler.
const csrfPeek = 16 << 10

// checkCSRF compares the token of a state-changing request with want: the
// X-CSRF-Token header, else the csrf_token field of an urlencoded form,
// else the first part of a multipart form. Any other body has no token.
func checkCSRF(c echo.Context, want string) error {
	req := c.Request()
	got := req.Header.Get(CSRFHeader)
	if got == "" {
		mediaType, params, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
		switch mediaType {
		case echo.MIMEApplicationForm:
			got = c.FormValue(csrfField)
		case echo.MIMEMultipartForm:
			got = firstMultipartField(req, params["boundary"], csrfField)
		}
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return bukti.Errorf(bukti.EFORBIDDEN, "Token keamanan formulir (CSRF) tidak ada atau salah. Muat ulang halaman lalu coba lagi (atau kirim header %s).",
			"missing or wrong CSRF token: send the %s header from /api/v1/auth/me", CSRFHeader)
	}
	return nil
}

// firstMultipartField returns the value of the multipart body's first part
// when that part is the field name, and "" otherwise. It reads at most
// csrfPeek bytes of the body and puts them back in front of the rest, so
// the handler still streams the whole body (file parts are never
// buffered).
func firstMultipartField(req *http.Request, boundary, name string) string {
	if boundary == "" {
		return ""
	}
	var seen bytes.Buffer
	body := req.Body
	mr := multipart.NewReader(io.TeeReader(io.LimitReader(body, csrfPeek), &seen), boundary)
	value := ""
	if part, err := mr.NextPart(); err == nil && part.FormName() == name && part.FileName() == "" {
		v, err := io.ReadAll(io.LimitReader(part, 256))
		if err == nil {
			value = string(v)
		}
	}
	req.Body = replayBody{Reader: io.MultiReader(bytes.NewReader(seen.Bytes()), body), Closer: body}
	return value
}

// replayBody is a request body whose first bytes were read and put back.
type replayBody struct {
	io.Reader
	io.Closer
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
	noteFacility(c, id)
	return id, principal(c).Check(a, id)
}

// healthz is the liveness check: the process serves HTTP. It touches
// neither the database nor the blob store, so an outage of either does
// not get a healthy server restarted; /readyz reports those.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// ReadyTimeout bounds the checks of /readyz.
const ReadyTimeout = 5 * time.Second

// readyz is the readiness check: the database answers a ping and the blob
// store a cheap request (storage.Check: the bucket on S3; on the
// filesystem its directory and the free space against the minimum). Both
// run at once, within ReadyTimeout. 503 (with Retry-After) names what is
// down ("unavailable") or full ("full"); a change of state is logged.
func (s *Server) readyz(c echo.Context) error {
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
