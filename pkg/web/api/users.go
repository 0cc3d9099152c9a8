package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/web/core"
)

// Every handler here is admin-only.

type userRequest struct {
	Email    string       `json:"email"`
	Name     string       `json:"name"`
	Password string       `json:"password"`
	Role     *roleRequest `json:"role"` // optional: granted with the account, both or neither
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
	var grant *bukti.RoleBinding
	if req.Role != nil {
		b := req.Role.binding()
		grant = &b
	}
	u, err := s.Auth.CreateUserWithRole(c.Request().Context(), req.Email, req.Name, req.Password, grant, core.UserID(c))
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
	Generate bool   `json:"generate"`
}

// resetPassword sets a user's password: the one given (204), or with
// "generate": true a random one, answered once (200 {"password": …}).
// Either way the user's sessions and API tokens end.
func (s *handlers) resetPassword(c echo.Context) error {
	u, err := s.adminUser(c)
	if err != nil {
		return err
	}
	var req passwordRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.Generate == (req.Password != "") {
		return bukti.E(bukti.EINVALID, "err.api.password_or_generate")
	}
	password := req.Password
	if req.Generate {
		password = auth.NewPassword()
	}
	if err := s.Auth.ResetPassword(c.Request().Context(), u.ID, password, core.UserID(c)); err != nil {
		return err
	}
	if req.Generate {
		return c.JSON(http.StatusOK, map[string]string{"password": password})
	}
	return c.NoContent(http.StatusNoContent)
}

// deleteUser deletes an account that holds no part of the work (204); one
// that does is a conflict saying what refers to it.
func (s *handlers) deleteUser(c echo.Context) error {
	u, err := s.adminUser(c)
	if err != nil {
		return err
	}
	if err := s.Auth.DeleteUser(c.Request().Context(), u.ID, core.UserID(c)); err != nil {
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

func (r roleRequest) binding() bukti.RoleBinding {
	return bukti.RoleBinding{Role: r.Role, ProvinceID: r.ProvinceID, DistrictID: r.DistrictID, FacilityID: r.FacilityID, SurveyID: r.SurveyID}
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
	b, err := s.Auth.Grant(c.Request().Context(), u.ID, req.binding(), core.UserID(c))
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
