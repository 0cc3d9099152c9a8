package pages

import (
	"crypto/rand"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/web/core"
	"github.com/bukti-id/bukti/ui"
)

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
		Secure: core.OverHTTPS(c), SameSite: http.SameSiteLaxMode})
	return token
}

func (s *handlers) loginForm(c echo.Context) error {
	return s.Render(c, http.StatusOK, "login", s.Tr(c, "login.title"), loginPage{Next: core.LocalPath(c.QueryParam("next")), CSRF: loginToken(c)})
}

func (s *handlers) loginSubmit(c echo.Context) error {
	email, password, next := c.FormValue("email"), c.FormValue("password"), core.LocalPath(c.FormValue("next"))
	var err error
	var token string
	want := ""
	if ck, cerr := c.Cookie(LoginCSRFCookie); cerr == nil {
		want = ck.Value
	}
	switch {
	case want == "" || subtle.ConstantTimeCompare([]byte(c.FormValue(core.CSRFField)), []byte(want)) != 1:
		err = bukti.E(bukti.EFORBIDDEN, "login.expired")
	case email == "" || password == "":
		err = bukti.E(bukti.EINVALID, "login.required")
	default:
		token, _, err = s.Auth.Login(c.Request().Context(), email, password)
	}
	if err != nil {
		c.Set(core.FlashKey, core.Message(c, err))
		status := core.StatusOf(bukti.ErrorCode(err))
		core.SetRetryAfter(c, err)
		return s.Render(c, status, "login", s.Tr(c, "login.title"), loginPage{Next: next, Email: email, CSRF: loginToken(c)})
	}
	core.SetSessionCookie(c, token)
	return core.Redirect(c, next)
}

func (s *handlers) logoutSubmit(c echo.Context) error {
	secret, _ := core.SessionSecret(c)
	if err := s.Auth.Logout(c.Request().Context(), secret); err != nil {
		return err
	}
	core.ClearSessionCookie(c)
	return core.Redirect(c, "/login")
}

// setLang switches the interface language and returns to the page.
func (s *handlers) setLang(c echo.Context) error {
	code := c.Param("code")
	if !ui.HasLanguage(code) {
		return bukti.E(bukti.ENOTFOUND, "err.pages.language_not_available", code)
	}
	c.SetCookie(&http.Cookie{Name: core.LangCookie, Value: code, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	return core.Redirect(c, c.QueryParam("next"))
}

// static serves fingerprinted assets, cacheable forever.
func (s *handlers) static(c echo.Context) error {
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
func (s *handlers) home(c echo.Context) error {
	p := core.Principal(c)
	ctx := c.Request().Context()
	all, ids := p.Facilities(authz.ReadFacility)
	if p.Admin {
		return core.Redirect(c, "/admin")
	}
	if _, managed := p.Facilities(authz.ManageSurvey); len(managed) > 0 {
		return core.Redirect(c, "/district")
	}
	var assigned []int64
	for _, b := range p.Bindings {
		if b.SurveyID != nil {
			assigned = append(assigned, *b.SurveyID)
		}
	}
	if len(ids) == 1 && len(assigned) == 0 {
		return core.Redirect(c, "/f/"+itoa(ids[0]))
	}
	fs, err := s.Org.Facilities(ctx, all, ids)
	if err != nil {
		return err
	}
	svs, err := s.Surveys.List(ctx, false, nil, assigned)
	if err != nil {
		return err
	}
	return s.Render(c, http.StatusOK, "home", s.Tr(c, "home.title"), homePage{Facilities: fs, Surveys: svs})
}

// done sends the browser to a page after a successful form, with a
// confirmation message key; errors go to the error page (handleError).
func done(c echo.Context, to, okKey string) error {
	to = core.LocalPath(to)
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	return core.Redirect(c, to+sep+"ok="+url.QueryEscape(okKey))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
