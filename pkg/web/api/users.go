package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/web/core"
)

// Every handler here is admin-only.

type userRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

type userResponse struct {
	*bukti.User
	Roles []bukti.RoleBinding `json:"roles"`
}

func (s *handlers) userWithRoles(c echo.Context, u *bukti.User) error {
	roles, err := s.Auth.Bindings(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, userResponse{User: u, Roles: roles})
}

func (s *handlers) listUsers(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	us, err := s.Auth.Users(c.Request().Context())
	if err != nil {
		return err
	}
	return list(c, "users", us)
}

func (s *handlers) createUser(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	var req userRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u, err := s.Auth.CreateUser(c.Request().Context(), req.Email, req.Name, req.Password, core.UserID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, u)
}

// adminUser checks the admin and loads the :id user.
func (s *handlers) adminUser(c echo.Context) (*bukti.User, error) {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return nil, err
	}
	id, err := core.PathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.Auth.User(c.Request().Context(), id)
}

func (s *handlers) getUser(c echo.Context) error {
	u, err := s.adminUser(c)
	if err != nil {
		return err
	}
	return s.userWithRoles(c, u)
}

type updateUserRequest struct {
	Disabled *bool `json:"disabled"`
}

func (s *handlers) updateUser(c echo.Context) error {
	u, err := s.adminUser(c)
	if err != nil {
		return err
	}
	var req updateUserRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.Disabled == nil {
		return bukti.E(bukti.EINVALID, "err.api.set_disabled_true_or_false")
	}
	if u, err = s.Auth.SetDisabled(c.Request().Context(), u.ID, *req.Disabled, core.UserID(c)); err != nil {
		return err
	}
	return s.userWithRoles(c, u)
}

type passwordRequest struct {
	Password string `json:"password"`
}

func (s *handlers) resetPassword(c echo.Context) error {
	u, err := s.adminUser(c)
	if err != nil {
		return err
	}
	var req passwordRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if err := s.Auth.ResetPassword(c.Request().Context(), u.ID, req.Password, core.UserID(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// userTokens lists any user's API tokens, for admins (never the secrets).
func (s *handlers) userTokens(c echo.Context) error {
	u, err := s.adminUser(c)
	if err != nil {
		return err
	}
	toks, err := s.Auth.TokensOf(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	return list(c, "tokens", toks)
}

// revokeUserToken revokes any user's API token, for admins.
func (s *handlers) revokeUserToken(c echo.Context) error {
	u, err := s.adminUser(c)
	if err != nil {
		return err
	}
	tokenID, err := core.PathID(c, "token")
	if err != nil {
		return err
	}
	if err := s.Auth.RevokeTokenOf(c.Request().Context(), u.ID, tokenID, core.UserID(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type roleRequest struct {
	Role       string `json:"role"`
	ProvinceID *int64 `json:"province_id"`
	DistrictID *int64 `json:"district_id"`
	FacilityID *int64 `json:"facility_id"`
	SurveyID   *int64 `json:"survey_id"`
}

func (s *handlers) grantRole(c echo.Context) error {
	u, err := s.adminUser(c)
	if err != nil {
		return err
	}
	var req roleRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	b, err := s.Auth.Grant(c.Request().Context(), u.ID, bukti.RoleBinding{Role: req.Role, ProvinceID: req.ProvinceID,
		DistrictID: req.DistrictID, FacilityID: req.FacilityID, SurveyID: req.SurveyID}, core.UserID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, b)
}

func (s *handlers) revokeRole(c echo.Context) error {
	u, err := s.adminUser(c)
	if err != nil {
		return err
	}
	bid, err := core.PathID(c, "binding")
	if err != nil {
		return err
	}
	if err := s.Auth.Revoke(c.Request().Context(), u.ID, bid, core.UserID(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
