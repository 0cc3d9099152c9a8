package core

import (
	"bytes"
	"crypto/subtle"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "bukti_session"

// CSRFHeader carries the anti-CSRF token on cookie-authenticated requests
// that change state; HTML forms may send it as the field csrf_token.
const CSRFHeader = "X-CSRF-Token"

const principalKey = "bukti.principal"

// RequireUser authenticates the bearer token or session cookie, loads the
// principal's scopes, and for cookie sessions checks the anti-CSRF token on
// every request that may change state.
func (s *Server) RequireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		secret, fromCookie := SessionSecret(c)
		if err := s.authenticate(c, secret, fromCookie); err != nil {
			return err
		}
		return next(c)
	}
}

// RequirePage is RequireUser for pages: it reads the session cookie only,
// sends visitors without a session to the login page, and checks the CSRF
// token of every state-changing request.
func (s *Server) RequirePage(next echo.HandlerFunc) echo.HandlerFunc {
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

// authenticate checks a session secret, puts the principal with its scopes
// in the context and, for a cookie session, checks the anti-CSRF token of
// a request that may change state, whatever its content type.
//
// The principal comes from the server's memory while the access version
// holds (auth.Service.Access): a warm request reads one row. On the routes
// of one facility (/f/:id…, /api/v1/facilities/:id…) the same statement
// reads the version of that facility's readiness inputs, which Scored then
// uses instead of reading it again.
func (s *Server) authenticate(c echo.Context, secret string, fromCookie bool) error {
	ctx := c.Request().Context()
	acc, err := s.Auth.Access(ctx, secret, routeFacility(c))
	if err != nil {
		return err
	}
	if fromCookie && !safeMethod(c.Request().Method) {
		if err := checkCSRF(c, auth.CSRFToken(secret)); err != nil {
			return err
		}
	}
	c.Set(principalKey, acc.Principal)
	if acc.Versions.Facility {
		c.Set(versionsKey, acc.Versions)
	}
	return nil
}

const versionsKey = "bukti.versions"

// routeFacility is the facility of a facility route (its :id), 0 for
// other routes.
func routeFacility(c echo.Context) int64 {
	p := c.Path()
	if !strings.HasPrefix(p, "/f/:id") && !strings.HasPrefix(p, "/api/v1/facilities/:id") {
		return 0
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// RequestVersions are the versions read with the request's principal on
// the route of one facility (sqlstore.DB.Versions); false elsewhere.
func RequestVersions(c echo.Context) (sqlstore.Versions, bool) {
	vs, ok := c.Get(versionsKey).(sqlstore.Versions)
	return vs, ok
}

// Facility is the facility with its district and province
// (org.Service.Facility), from the server's memory while the access
// version read with the request's principal holds (org.Service.FacilityAt).
func (s *Server) Facility(c echo.Context, id int64) (*bukti.Facility, error) {
	if vs, ok := c.Get(versionsKey).(sqlstore.Versions); ok {
		return s.Org.FacilityAt(c.Request().Context(), id, vs.Access)
	}
	return s.Org.Facility(c.Request().Context(), id)
}

// Scored is the facility's readiness as of now (evidence.Service.Scored),
// checked against the version of its inputs read with the request's
// principal when that was this facility's, so that a warm request makes
// no read of its own.
func (s *Server) Scored(c echo.Context, facilityID int64) (*evidence.Scored, error) {
	ctx := c.Request().Context()
	if vs, ok := c.Get(versionsKey).(sqlstore.Versions); ok && routeFacility(c) == facilityID {
		return s.Evidence.ScoredAt(ctx, facilityID, vs.Readiness)
	}
	return s.Evidence.Scored(ctx, facilityID)
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// CSRFField is the form field of the anti-CSRF token. In a multipart form
// it must be the first part, so it is checked before any file is read.
const CSRFField = "csrf_token"

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
			got = c.FormValue(CSRFField)
		case echo.MIMEMultipartForm:
			got = firstMultipartField(req, params["boundary"], CSRFField)
		}
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return bukti.E(bukti.EFORBIDDEN, "err.core.missing_or_wrong_csrf_token", CSRFHeader)
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

// SessionSecret reads "Authorization: Bearer …", else the session cookie.
func SessionSecret(c echo.Context) (secret string, fromCookie bool) {
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

// SetSessionCookie hands a session secret to the browser: HttpOnly,
// SameSite=Lax, Secure over https. It returns the expiry.
func SetSessionCookie(c echo.Context, token string) time.Time {
	exp := time.Now().Add(auth.SessionTTL)
	c.SetCookie(&http.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: exp, HttpOnly: true,
		Secure: OverHTTPS(c), SameSite: http.SameSiteLaxMode})
	return exp
}

// ClearSessionCookie removes the session cookie.
func ClearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// Principal is the signed-in principal of a request behind RequireUser or
// RequirePage, with its scopes; nil before authentication.
func Principal(c echo.Context) *authz.Principal {
	p, _ := c.Get(principalKey).(*authz.Principal)
	return p
}

// UserID is the acting user's ID, as audit entries take it (behind
// RequireUser or RequirePage only): a copy, since the principal is shared.
func UserID(c echo.Context) *int64 {
	id := Principal(c).User.ID
	return &id
}
