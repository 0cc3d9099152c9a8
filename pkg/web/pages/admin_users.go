package pages

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/web/core"
)

// Users on the settings page: the list with each user's roles by name and
// the form to add one (admin.html), and a page per user (admin_user.html)
// to add or remove a role, set a new password, disable, enable or delete
// the account.

// adminUser is a user with their roles, each scope by name.
type adminUser struct {
	User  bukti.User
	Roles []adminRole
}

// adminRole is one role binding of a user with its scope by name, e.g.
// "Tim Mutu — Puskesmas Sukamaju".
type adminRole struct {
	ID    int64
	Label string
}

// choice is one option of a select; choiceGroup an optgroup of them.
type choice struct {
	Value, Label string
	Selected     bool
}

type choiceGroup struct {
	Label   string
	Choices []choice
}

// scopes are what a role can be scoped to on these forms.
type scopes struct {
	Provinces  []bukti.Province
	Districts  []bukti.District
	Facilities []bukti.Facility
}

func (s *handlers) loadScopes(ctx context.Context) (scopes, error) {
	var sc scopes
	var err error
	if sc.Facilities, err = s.Org.Facilities(ctx, true, nil); err != nil {
		return sc, err
	}
	if sc.Districts, err = s.Org.Districts(ctx); err != nil {
		return sc, err
	}
	sc.Provinces, err = s.Org.Provinces(ctx)
	return sc, err
}

// grantedRoles are the roles the settings page grants, in the order shown:
// the quality team first, as most accounts are theirs. Surveyors are
// assigned through a survey.
var grantedRoles = []string{bukti.RoleQualityTeam, bukti.RoleViewer, bukti.RoleSupervisor, bukti.RoleAdmin}

// roleChoices lists the roles to grant, selected selected; withNone adds
// "no role" (an account that gets its role later, such as a surveyor).
func (s *handlers) roleChoices(c echo.Context, selected string, withNone bool) []choice {
	var out []choice
	for _, r := range grantedRoles {
		out = append(out, choice{Value: r, Label: s.Tr(c, "role."+r), Selected: r == selected})
	}
	if withNone {
		out = append(out, choice{Value: "", Label: s.Tr(c, "role.none"), Selected: selected == ""})
	}
	return out
}

// scopeChoices lists the scopes by name, in groups saying which role each
// suits, selected selected ("facility:ID", "district:ID", "province:ID").
func (s *handlers) scopeChoices(c echo.Context, sc scopes, selected string) []choiceGroup {
	districts := map[int64]string{}
	for _, d := range sc.Districts {
		districts[d.ID] = d.Name
	}
	opt := func(kind string, id int64, label string) choice {
		v := kind + ":" + strconv.FormatInt(id, 10)
		return choice{Value: v, Label: label, Selected: v == selected}
	}
	groups := []choiceGroup{{Label: s.Tr(c, "admin.scope_group_facility")}, {Label: s.Tr(c, "admin.scope_group_district")},
		{Label: s.Tr(c, "admin.scope_group_province")}}
	for _, f := range sc.Facilities {
		groups[0].Choices = append(groups[0].Choices, opt("facility", f.ID, f.Name+" ("+districts[f.DistrictID]+")"))
	}
	for _, d := range sc.Districts {
		groups[1].Choices = append(groups[1].Choices, opt("district", d.ID, d.Name))
	}
	for _, p := range sc.Provinces {
		groups[2].Choices = append(groups[2].Choices, opt("province", p.ID, s.Tr(c, "admin.scope_province", p.Name)))
	}
	out := groups[:0]
	for _, g := range groups {
		if len(g.Choices) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// adminUsers lists every user with their roles, each scope by name.
func (s *handlers) adminUsers(c echo.Context, sc scopes) ([]adminUser, error) {
	ctx := c.Request().Context()
	users, err := s.Auth.Users(ctx)
	if err != nil {
		return nil, err
	}
	bindings, err := s.Auth.AllBindings(ctx)
	if err != nil {
		return nil, err
	}
	labels, err := s.roleLabels(c, sc, bindings)
	if err != nil {
		return nil, err
	}
	roles := map[int64][]adminRole{}
	for i, b := range bindings {
		roles[b.UserID] = append(roles[b.UserID], adminRole{ID: b.ID, Label: labels[i]})
	}
	out := make([]adminUser, len(users))
	for i, u := range users {
		out[i] = adminUser{User: u, Roles: roles[u.ID]}
	}
	return out, nil
}

// roleLabels names each binding: its role, and its scope by name.
func (s *handlers) roleLabels(c echo.Context, sc scopes, bindings []bukti.RoleBinding) ([]string, error) {
	names := map[string]map[int64]string{"province": {}, "district": {}, "facility": {}, "survey": {}}
	for _, p := range sc.Provinces {
		names["province"][p.ID] = s.Tr(c, "admin.scope_province", p.Name)
	}
	for _, d := range sc.Districts {
		names["district"][d.ID] = d.Name
	}
	for _, f := range sc.Facilities {
		names["facility"][f.ID] = f.Name
	}
	var surveyIDs []int64
	for _, b := range bindings {
		if b.SurveyID != nil {
			surveyIDs = append(surveyIDs, *b.SurveyID)
		}
	}
	if len(surveyIDs) > 0 {
		svs, err := s.Surveys.List(c.Request().Context(), false, nil, surveyIDs)
		if err != nil {
			return nil, err
		}
		for _, sv := range svs {
			names["survey"][sv.ID] = s.Tr(c, "admin.scope_survey", sv.ID, names["facility"][sv.FacilityID])
		}
	}
	out := make([]string, len(bindings))
	for i, b := range bindings {
		label := s.Tr(c, "role."+b.Role)
		for _, scope := range []struct {
			kind string
			id   *int64
		}{{"province", b.ProvinceID}, {"district", b.DistrictID}, {"facility", b.FacilityID}, {"survey", b.SurveyID}} {
			if scope.id != nil {
				label += " — " + names[scope.kind][*scope.id]
			}
		}
		out[i] = label
	}
	return out, nil
}

// parseBinding reads the role and scope fields of a form; scope is
// "facility:ID", "district:ID" or "province:ID". An empty role is nil.
func parseBinding(role, scope string) (*bukti.RoleBinding, error) {
	b := bukti.RoleBinding{Role: role}
	if scope != "" {
		kind, idText, _ := strings.Cut(scope, ":")
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil || id <= 0 {
			return nil, bukti.E(bukti.EINVALID, "err.pages.invalid_role_scope")
		}
		switch kind {
		case "facility":
			b.FacilityID = &id
		case "district":
			b.DistrictID = &id
		case "province":
			b.ProvinceID = &id
		default:
			return nil, bukti.E(bukti.EINVALID, "err.pages.invalid_role_scope")
		}
	}
	if role == "" {
		if scope != "" {
			return nil, bukti.E(bukti.EINVALID, "err.pages.no_role_no_scope")
		}
		return nil, nil
	}
	return &b, nil
}

// adminAddUser creates a user and grants the chosen role, both or neither.
// Without a password one is generated and shown once.
func (s *handlers) adminAddUser(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	v := readFields(c, "email", "name", "password", "role", "scope")
	grant, err := parseBinding(v["role"], v["scope"])
	if err != nil {
		return s.refuse(c, "user-add", v, err, s.onAdmin(c))
	}
	password := v["password"]
	if password == "" {
		password = auth.NewPassword()
	}
	u, err := s.Auth.CreateUserWithRole(c.Request().Context(), v["email"], v["name"], password, grant, core.UserID(c))
	if err != nil {
		return s.refuse(c, "user-add", v, err, s.onAdmin(c))
	}
	if v["password"] == "" {
		return s.renderUser(c, http.StatusOK, u.ID, &userPage{Generated: &generatedPassword{Email: u.Email, Password: password}})
	}
	return doneAt(c, userPath(u.ID), "admin.user_added", "user")
}

// userPath is the page of a user.
func userPath(id int64) string { return fmt.Sprintf("/admin/users/%d", id) }

// userPage is a user's page: their account and roles, with the forms that
// manage them.
type userPage struct {
	adminUser
	Self         bool // the admin's own account: not disabled or deleted here
	RoleChoices  []choice
	ScopeChoices []choiceGroup
	Form         formState
	Generated    *generatedPassword
}

// adminUserView shows a user's page.
func (s *handlers) adminUserView(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	id, err := core.PathID(c, "id")
	if err != nil {
		return err
	}
	return s.renderUser(c, http.StatusOK, id, &userPage{})
}

// renderUser renders user id's page with status, filling data.
func (s *handlers) renderUser(c echo.Context, status int, id int64, data *userPage) error {
	ctx := c.Request().Context()
	u, err := s.Auth.User(ctx, id)
	if err != nil {
		return err
	}
	sc, err := s.loadScopes(ctx)
	if err != nil {
		return err
	}
	bindings, err := s.Auth.Bindings(ctx, id)
	if err != nil {
		return err
	}
	labels, err := s.roleLabels(c, sc, bindings)
	if err != nil {
		return err
	}
	data.User = *u
	for i, b := range bindings {
		data.Roles = append(data.Roles, adminRole{ID: b.ID, Label: labels[i]})
	}
	data.Self = core.Principal(c).User.ID == id
	role, scope := bukti.RoleQualityTeam, ""
	if data.Form.ID == "grant" {
		role, scope = data.Form.Values["role"], data.Form.Values["scope"]
	}
	data.RoleChoices, data.ScopeChoices = s.roleChoices(c, role, false), s.scopeChoices(c, sc, scope)
	data.Form.flash(c, s.Server)
	return s.Render(c, status, "admin_user", u.DisplayName(), *data)
}

// userForm runs one form of the :id user's page: act with the form's
// fields; on success back to the page (or to to, when not "") with the
// confirmation okKey, unless show answered already; a refusal shows the
// page again. A user that is gone is the error page's 404.
func (s *handlers) userForm(c echo.Context, form, okKey, to string, fields []string, act func(u *bukti.User, v map[string]string) error, show ...func(id int64) error) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	id, err := core.PathID(c, "id")
	if err != nil {
		return err
	}
	u, err := s.Auth.User(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := readFields(c, fields...)
	if err := act(u, v); err != nil {
		return s.refuse(c, form, v, err, func(status int, f formState) error {
			return s.renderUser(c, status, id, &userPage{Form: f})
		})
	}
	for _, f := range show {
		if err := f(id); err != nil || c.Response().Committed {
			return err
		}
	}
	if to != "" {
		return doneAt(c, to, okKey, "users")
	}
	return doneAt(c, userPath(id), okKey, form)
}

// adminSetDisabled disables or enables a user; disabling ends their
// sessions and API tokens at once.
func (s *handlers) adminSetDisabled(disabled bool) echo.HandlerFunc {
	okKey := map[bool]string{true: "admin.user_disabled", false: "admin.user_enabled"}[disabled]
	return func(c echo.Context) error {
		return s.userForm(c, "status", okKey, "", nil, func(u *bukti.User, _ map[string]string) error {
			_, err := s.Auth.SetDisabled(c.Request().Context(), u.ID, disabled, core.UserID(c))
			return err
		})
	}
}

// adminDeleteUser deletes a user that holds no part of the work.
func (s *handlers) adminDeleteUser(c echo.Context) error {
	return s.userForm(c, "delete", "admin.user_deleted", "/admin", nil, func(u *bukti.User, _ map[string]string) error {
		return s.Auth.DeleteUser(c.Request().Context(), u.ID, core.UserID(c))
	})
}

// adminResetPassword sets the password typed, or generates one and shows
// it once (the page is not cached; only the hash is stored). The user's
// sessions and API tokens end.
func (s *handlers) adminResetPassword(c echo.Context) error {
	var generated *generatedPassword
	err := s.userForm(c, "password", "admin.password_reset", "", []string{"password"}, func(u *bukti.User, v map[string]string) error {
		if v["password"] != "" {
			return s.Auth.ResetPassword(c.Request().Context(), u.ID, v["password"], core.UserID(c))
		}
		generated = &generatedPassword{Email: u.Email, Password: auth.NewPassword()}
		return s.Auth.ResetPassword(c.Request().Context(), u.ID, generated.Password, core.UserID(c))
	}, func(id int64) error {
		if generated == nil {
			return nil
		}
		return s.renderUser(c, http.StatusOK, id, &userPage{Generated: generated})
	})
	return err
}

// adminGrant gives the :id user a role with its scope.
func (s *handlers) adminGrant(c echo.Context) error {
	return s.userForm(c, "grant", "admin.role_added", "", []string{"role", "scope"}, func(u *bukti.User, v map[string]string) error {
		b, err := parseBinding(v["role"], v["scope"])
		if err != nil {
			return err
		}
		if b == nil {
			return bukti.E(bukti.EINVALID, "err.pages.choose_role")
		}
		_, err = s.Auth.Grant(c.Request().Context(), u.ID, *b, core.UserID(c))
		return err
	})
}

// adminRevoke removes one role binding of the :id user.
func (s *handlers) adminRevoke(c echo.Context) error {
	bid, err := core.PathID(c, "binding")
	if err != nil {
		return err
	}
	return s.userForm(c, "roles", "admin.role_removed", "", nil, func(u *bukti.User, _ map[string]string) error {
		return s.Auth.Revoke(c.Request().Context(), u.ID, bid, core.UserID(c))
	})
}
