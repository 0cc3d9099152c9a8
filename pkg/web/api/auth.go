package api

import (
	"mime"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/web/core"
)

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string      `json:"token"`
	CSRFToken string      `json:"csrf_token"`
	ExpiresAt time.Time   `json:"expires_at"`
	User      *bukti.User `json:"user"`
}

// login answers POST /api/v1/auth/login. The body must be sent as
// application/json, which a form on another site cannot do: a cross-site
// form posting JSON-looking text/plain cannot sign a browser in.
func (s *handlers) login(c echo.Context) error {
	if mediaType, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType)); mediaType != echo.MIMEApplicationJSON {
		return bukti.E(bukti.EUNSUPPORTED, "err.api.send_email_and_password_as")
	}
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.Email == "" || req.Password == "" {
		return bukti.E(bukti.EINVALID, "err.api.email_and_password_required")
	}
	token, u, err := s.Auth.Login(c.Request().Context(), req.Email, req.Password)
	if err != nil {
		return err
	}
	exp := core.SetSessionCookie(c, token)
	return c.JSON(http.StatusOK, loginResponse{Token: token, CSRFToken: auth.CSRFToken(token), ExpiresAt: exp.UTC(), User: u})
}

func (s *handlers) logout(c echo.Context) error {
	secret, _ := core.SessionSecret(c)
	if err := s.Auth.Logout(c.Request().Context(), secret); err != nil {
		return err
	}
	core.ClearSessionCookie(c)
	return c.NoContent(http.StatusNoContent)
}

type meResponse struct {
	*bukti.User
	Admin     bool                `json:"admin"`
	Roles     []bukti.RoleBinding `json:"roles"`
	CSRFToken string              `json:"csrf_token,omitempty"` // for cookie sessions
}

func (s *handlers) me(c echo.Context) error {
	p := core.Principal(c)
	resp := meResponse{User: p.User, Admin: p.Admin, Roles: p.Bindings}
	if secret, fromCookie := core.SessionSecret(c); fromCookie {
		resp.CSRFToken = auth.CSRFToken(secret)
	}
	return c.JSON(http.StatusOK, resp)
}

type tokenRequest struct {
	Name          string `json:"name"`
	ExpiresInDays int    `json:"expires_in_days"` // 0: never
}

type tokenResponse struct {
	Token string `json:"token"` // shown once
	*bukti.Session
}

func (s *handlers) createToken(c echo.Context) error {
	var req tokenRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	secret, tok, err := s.Auth.CreateToken(c.Request().Context(), core.Principal(c).User.ID, req.Name, req.ExpiresInDays)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, tokenResponse{Token: secret, Session: tok})
}

func (s *handlers) listTokens(c echo.Context) error {
	toks, err := s.Auth.Tokens(c.Request().Context(), core.Principal(c).User.ID)
	if err != nil {
		return err
	}
	return list(c, "tokens", toks)
}

func (s *handlers) revokeToken(c echo.Context) error {
	id, err := core.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.Auth.RevokeToken(c.Request().Context(), core.Principal(c).User.ID, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
