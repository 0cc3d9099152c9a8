package web

import (
	"crypto/rand"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/ui"
)

// LangCookie keeps the interface language (id or en).
const LangCookie = "bukti_lang"

// page is what every template receives; Data is the page's own.
type page struct {
	Title     string
	User      *bukti.User
	CSRF      string
	Path      string
	Nav       []navItem
	Languages []string
	Flash     string
	FlashKind string // "" or "error"
	Data      any
}

type navItem struct {
	Href, Key string
	Current   bool
}

// lang is the request's interface language.
func lang(c echo.Context) string {
	if ck, err := c.Cookie(LangCookie); err == nil && ui.HasLanguage(ck.Value) {
		return ck.Value
	}
	return ui.Languages[0]
}

// tr translates a message key for the request.
func (s *Server) tr(c echo.Context, key string, args ...any) string {
	return s.UI.T(lang(c), key, args...)
}

// message picks the user-facing text of an error in the request's language.
func message(c echo.Context, err error) string {
	id, en := bukti.ErrorMessage(err)
	if lang(c) == "en" {
		return en
	}
	return id
}

// pageCSP is the Content-Security-Policy of every HTML page: scripts and
// styles from Bukti's own files only (inline style attributes allowed, no
// inline script), evidence previews framed from this origin, and no page
// framed by anyone.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// render writes a page with the common parts filled in.
func (s *Server) render(c echo.Context, status int, name, title string, data any) error {
	p := page{Title: title, Path: c.Request().URL.RequestURI(), Languages: ui.Languages, Data: data}
	if pr := principal(c); pr != nil {
		p.User = pr.User
		p.Nav = s.nav(c, pr)
		if secret, ok := sessionSecret(c); ok {
			p.CSRF = auth.CSRFToken(secret)
		}
	}
	if f := c.QueryParam("ok"); f != "" {
		p.Flash = s.tr(c, f)
	}
	if f, ok := c.Get("flash").(string); ok {
		p.Flash, p.FlashKind = f, "error"
	}
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	c.Response().Header().Set(echo.HeaderContentSecurityPolicy, pageCSP)
	c.Response().WriteHeader(status)
	return s.UI.Render(c.Response(), name, lang(c), p)
}

// nav lists the menu entries a principal may use.
func (s *Server) nav(c echo.Context, p *authz.Principal) []navItem {
	items := []navItem{{Href: "/", Key: "nav.home"}}
	all, ids := p.Facilities(authz.ManageSurvey)
	if all || len(ids) > 0 {
		items = append(items, navItem{Href: "/district", Key: "nav.district"})
	}
	items = append(items, navItem{Href: "/surveys", Key: "nav.surveys"})
	if p.Admin {
		items = append(items, navItem{Href: "/admin", Key: "nav.admin"})
	}
	path := c.Request().URL.Path
	for i := range items {
		items[i].Current = items[i].Href == path
	}
	return items
}

// errorPage renders an error as HTML. Unauthenticated page requests are
// sent to the login page instead.
func (s *Server) errorPage(c echo.Context, status int, err error) {
	if status == http.StatusUnauthorized {
		_ = redirect(c, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		return
	}
	heading := map[int]string{400: "error.invalid", 403: "error.forbidden", 404: "error.not_found", 409: "error.conflict",
		408: "error.timeout", 413: "error.too_large", 415: "error.unsupported", 429: "error.too_many", 500: "error.internal",
		503: "error.unavailable", 507: "error.no_space"}[status]
	if heading == "" {
		heading = "error.internal"
	}
	data := struct{ Heading, Message string }{s.tr(c, heading), message(c, err)}
	if rerr := s.render(c, status, "error", data.Heading, data); rerr != nil {
		s.log.Error("render error page", "err", rerr)
	}
}

// isPage reports whether a request is for an HTML page rather than the API.
func isPage(c echo.Context) bool {
	p := c.Request().URL.Path
	return !strings.HasPrefix(p, "/api/") && p != "/healthz" && p != "/readyz" && !strings.HasPrefix(p, "/static/")
}

// requirePage is requireUser for pages: it reads the session cookie only,
// sends visitors without a session to the login page, and checks the CSRF
// token of every state-changing request.
func (s *Server) requirePage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		secret := ""
		if ck, err := c.Cookie(SessionCookie); err == nil {
			secret = ck.Value
		}
		if err := s.authenticate(c, secret, true); err != nil {
			return err // handleError sends an unauthorized page request to the login page
		}
		return next(c)
	}
}

// localPath returns target when it is a path on this site, and "/"
// otherwise: it must start with a single "/" and hold no backslash and no
// control character (browsers drop tabs and line breaks, so "/\t/host"
// would become "//host", another site).
func localPath(target string) string {
	if !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") || strings.ContainsRune(target, '\\') ||
		strings.ContainsFunc(target, unicode.IsControl) {
		return "/"
	}
	return target
}

// redirect sends the browser to a local path (see localPath) with 303 See
// Other. Every page redirect goes through it.
func redirect(c echo.Context, target string) error {
	return c.Redirect(http.StatusSeeOther, localPath(target))
}

type loginPage struct{ Next, Email, CSRF string }

// LoginCSRFCookie holds the anti-CSRF token of the sign-in form: a random
// value the form must echo, so another site cannot sign a browser in to an
// account of its choosing.
const LoginCSRFCookie = "bukti_login"

// loginTokenLen is the length of rand.Text's tokens (26 base32 letters).
const loginTokenLen = 26

// loginToken returns the browser's sign-in form token, issuing a new one
// when it has none.
func loginToken(c echo.Context) string {
	if ck, err := c.Cookie(LoginCSRFCookie); err == nil && len(ck.Value) == loginTokenLen {
		return ck.Value
	}
	token := rand.Text()
	c.SetCookie(&http.Cookie{Name: LoginCSRFCookie, Value: token, Path: "/login", HttpOnly: true,
		Secure: overHTTPS(c), SameSite: http.SameSiteLaxMode})
	return token
}

func (s *Server) loginForm(c echo.Context) error {
	return s.render(c, http.StatusOK, "login", s.tr(c, "login.title"), loginPage{Next: localPath(c.QueryParam("next")), CSRF: loginToken(c)})
}

func (s *Server) loginSubmit(c echo.Context) error {
	email, password, next := c.FormValue("email"), c.FormValue("password"), localPath(c.FormValue("next"))
	var err error
	var token string
	want := ""
	if ck, cerr := c.Cookie(LoginCSRFCookie); cerr == nil {
		want = ck.Value
	}
	switch {
	case want == "" || subtle.ConstantTimeCompare([]byte(c.FormValue(csrfField)), []byte(want)) != 1:
		err = &bukti.Error{Code: bukti.EFORBIDDEN, Message: s.UI.T("id", "login.expired"), MessageEN: s.UI.T("en", "login.expired")}
	case email == "" || password == "":
		err = &bukti.Error{Code: bukti.EINVALID, Message: s.UI.T("id", "login.required"), MessageEN: s.UI.T("en", "login.required")}
	default:
		token, _, err = s.Auth.Login(c.Request().Context(), email, password)
	}
	if err != nil {
		c.Set("flash", message(c, err))
		status := statusOf[bukti.ErrorCode(err)]
		setRetryAfter(c, err)
		return s.render(c, status, "login", s.tr(c, "login.title"), loginPage{Next: next, Email: email, CSRF: loginToken(c)})
	}
	setSessionCookie(c, token)
	return redirect(c, next)
}

func (s *Server) logoutSubmit(c echo.Context) error {
	secret, _ := sessionSecret(c)
	if err := s.Auth.Logout(c.Request().Context(), secret); err != nil {
		return err
	}
	clearSessionCookie(c)
	return redirect(c, "/login")
}

// setLang switches the interface language and returns to the page.
func (s *Server) setLang(c echo.Context) error {
	code := c.Param("code")
	if !ui.HasLanguage(code) {
		return bukti.Errorf(bukti.ENOTFOUND, "Bahasa %q tidak tersedia.", "language %q is not available", code)
	}
	c.SetCookie(&http.Cookie{Name: LangCookie, Value: code, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	return redirect(c, c.QueryParam("next"))
}

// static serves fingerprinted assets, cacheable forever.
func (s *Server) static(c echo.Context) error {
	body, ct, ok := s.UI.Static(c.Param("name"))
	if !ok {
		return echo.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, ct, body)
}

type homePage struct {
	Facilities []bukti.Facility
	Surveys    []bukti.Survey
}

// home sends a user with one facility straight to it; others see the
// facilities and surveys in their scope.
func (s *Server) home(c echo.Context) error {
	p := principal(c)
	ctx := c.Request().Context()
	all, ids := p.Facilities(authz.ReadFacility)
	if p.Admin {
		return redirect(c, "/admin")
	}
	if _, managed := p.Facilities(authz.ManageSurvey); len(managed) > 0 {
		return redirect(c, "/district")
	}
	var assigned []int64
	for _, b := range p.Bindings {
		if b.SurveyID != nil {
			assigned = append(assigned, *b.SurveyID)
		}
	}
	if len(ids) == 1 && len(assigned) == 0 {
		return redirect(c, "/f/"+itoa(ids[0]))
	}
	fs, err := s.Org.Facilities(ctx, all, ids)
	if err != nil {
		return err
	}
	svs, err := s.Surveys.List(ctx, false, nil, assigned)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "home", s.tr(c, "home.title"), homePage{Facilities: fs, Surveys: svs})
}

// done sends the browser to a page after a successful form, with a
// confirmation message key; errors go to the error page (handleError).
func done(c echo.Context, to, okKey string) error {
	to = localPath(to)
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	return redirect(c, to+sep+"ok="+url.QueryEscape(okKey))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
