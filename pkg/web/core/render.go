package core

import (
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/ui"
)

// The page frame: every HTML page, the error page included, is rendered
// through Render with the signed-in user, the menu, the anti-CSRF token
// and any message filled in.

// LangCookie keeps the interface language (id or en).
const LangCookie = "bukti_lang"

// FlashKey is the request context key (c.Set) of an error message that
// Render shows above the page, as a refused form does.
const FlashKey = "flash"

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

// Lang is the request's interface language (the default one unless the
// language cookie names another).
func Lang(c echo.Context) string { return lang(c) }

// Tr translates a message key for the request.
func (s *Server) Tr(c echo.Context, key string, args ...any) string {
	return s.UI.T(lang(c), key, args...)
}

// Message picks the user-facing text of an error in the request's language.
func Message(c echo.Context, err error) string {
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

// Render writes a page with the common parts filled in: for a signed-in
// request the user, the menu and the anti-CSRF token; the confirmation
// named by an ?ok= message key; an error message set under FlashKey. Pages
// are never cached and carry the pages' Content-Security-Policy.
func (s *Server) Render(c echo.Context, status int, name, title string, data any) error {
	p := page{Title: title, Path: pagePath(c.Request()), Languages: ui.Languages, Data: data}
	if pr := Principal(c); pr != nil {
		p.User = pr.User
		p.Nav = s.nav(c, pr)
		if secret, ok := SessionSecret(c); ok {
			p.CSRF = auth.CSRFToken(secret)
		}
	}
	if f := c.QueryParam("ok"); f != "" {
		p.Flash = s.Tr(c, f)
	}
	if f, ok := c.Get(FlashKey).(string); ok {
		p.Flash, p.FlashKind = f, "error"
	}
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	c.Response().Header().Set(echo.HeaderContentSecurityPolicy, pageCSP)
	c.Response().WriteHeader(status)
	return s.UI.Render(c.Response(), name, lang(c), p)
}

// pagePath is the address of the page a request shows, for the language
// links to come back to. A page rendered as the answer to a form (a
// refused form, shown again) has no address of its own: its POST
// address cannot be opened, so the links lead back to the page the form
// was sent from (its Referer, when on this site), else home.
func pagePath(r *http.Request) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return r.URL.RequestURI()
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && ref.Path != "" {
		return LocalPath(ref.RequestURI())
	}
	return "/"
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

// LocalPath returns target when it is a path on this site, and "/"
// otherwise: it must start with a single "/" and hold no backslash and no
// control character (browsers drop tabs and line breaks, so "/\t/host"
// would become "//host", another site).
func LocalPath(target string) string {
	if !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") || strings.ContainsRune(target, '\\') ||
		strings.ContainsFunc(target, unicode.IsControl) {
		return "/"
	}
	return target
}

// Redirect sends the browser to a local path (see LocalPath) with 303 See
// Other. Every page redirect goes through it.
func Redirect(c echo.Context, target string) error {
	return c.Redirect(http.StatusSeeOther, LocalPath(target))
}
