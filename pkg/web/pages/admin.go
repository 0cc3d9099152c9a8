package pages

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/standard"
	"github.com/bukti-id/bukti/pkg/web/core"
)

type adminUser struct {
	User  bukti.User
	Roles []string
}

type adminPage struct {
	Catalogue  *catalogue.Catalogue
	Counts     catalogue.Counts
	Versions   []bukti.CatalogueVersion
	Facilities []bukti.Facility
	Districts  []bukti.District
	Provinces  []bukti.Province
	Users      []adminUser
}

// adminView lists the organisation and the users, with forms to add them.
func (s *handlers) adminView(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK)
}

// renderAdmin renders the settings page with status (a refused form
// shows it again with the error).
func (s *handlers) renderAdmin(c echo.Context, status int) error {
	ctx := c.Request().Context()
	data := adminPage{Catalogue: s.Catalogue, Counts: s.Catalogue.Counts()}
	var err error
	if data.Facilities, err = s.Org.Facilities(ctx, true, nil); err != nil {
		return err
	}
	if data.Districts, err = s.Org.Districts(ctx); err != nil {
		return err
	}
	if data.Provinces, err = s.Org.Provinces(ctx); err != nil {
		return err
	}
	if data.Versions, err = s.Standard.List(ctx); err != nil {
		return err
	}
	users, err := s.Auth.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		bs, err := s.Auth.Bindings(ctx, u.ID)
		if err != nil {
			return err
		}
		au := adminUser{User: u}
		for _, b := range bs {
			au.Roles = append(au.Roles, s.Tr(c, "role."+b.Role))
		}
		data.Users = append(data.Users, au)
	}
	return s.Render(c, status, "admin", s.Tr(c, "admin.title"), data)
}

func (s *handlers) adminAddProvince(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	if _, err := s.Org.CreateProvince(c.Request().Context(), c.FormValue("code"), c.FormValue("name"), core.UserID(c)); err != nil {
		return err
	}
	return done(c, "/admin", "admin.saved")
}

func (s *handlers) adminAddDistrict(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	if _, err := s.Org.CreateDistrict(c.Request().Context(), c.FormValue("code"), c.FormValue("name"), c.FormValue("province"), core.UserID(c)); err != nil {
		return err
	}
	return done(c, "/admin", "admin.saved")
}

func (s *handlers) adminAddFacility(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	in := org.FacilityInput{Code: c.FormValue("code"), Name: c.FormValue("name"), DistrictCode: c.FormValue("district")}
	if _, err := s.Org.CreateFacility(c.Request().Context(), in, core.UserID(c)); err != nil {
		return err
	}
	return done(c, "/admin", "admin.saved")
}

// adminAddUser creates a user and grants the chosen role; the scope field
// is "facility:ID", "district:ID" or "province:ID".
func (s *handlers) adminAddUser(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	b := bukti.RoleBinding{Role: c.FormValue("role")}
	if kind, idText, ok := strings.Cut(c.FormValue("scope"), ":"); ok {
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil {
			return bukti.E(bukti.EINVALID, "err.pages.invalid_role_scope")
		}
		switch kind {
		case "facility":
			b.FacilityID = &id
		case "district":
			b.DistrictID = &id
		case "province":
			b.ProvinceID = &id
		}
	}
	var grant *bukti.RoleBinding
	if b.Role != "" {
		grant = &b
	}
	if _, err := s.Auth.CreateUserWithRole(ctx, c.FormValue("email"), c.FormValue("name"), c.FormValue("password"), grant, core.UserID(c)); err != nil {
		return err
	}
	return done(c, "/admin", "admin.saved")
}

// adminImportCatalogue imports an uploaded self-assessment workbook as a
// new, inactive catalogue version and shows its difference from the
// catalogue in use. A refused workbook shows the settings page again with
// the importer's message: what layout was expected and what was found.
func (s *handlers) adminImportCatalogue(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, core.MaxWorkbook)
	fh, err := c.FormFile("file")
	if err != nil {
		if core.IsMaxBytes(err) {
			return bukti.E(bukti.ETOOLARGE, "err.api.workbook_larger_than_32_mib")
		}
		return bukti.E(bukti.EINVALID, "err.pages.choose_self_assessment_xlsx_file")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := s.Standard.Import(c.Request().Context(), s.Catalogue, c.FormValue("version"), "", core.UserID(c),
		func(opt catalogue.ImportOptions) (*catalogue.Catalogue, catalogue.ImportReport, error) {
			return catalogue.ImportWorkbook(f, opt)
		})
	if err != nil {
		var be *bukti.Error
		if !errors.As(err, &be) || be.Code == bukti.EINTERNAL {
			return err
		}
		c.Set(core.FlashKey, core.Message(c, err))
		return s.renderAdmin(c, core.StatusOf(be.Code))
	}
	return done(c, fmt.Sprintf("/admin/catalogue/%d", res.Version.ID), "admin.imported")
}

// catalogueVersionPage shows a stored version against the catalogue in
// use: the difference EP by EP, what would not carry over, and the
// activation form (a confirmation when something would not).
type catalogueVersionPage struct {
	*standard.Plan
	Facilities map[int64]string // facility ID → "name (code)"
	LeftCount  int              // evidence records, interviewees and TDD marks left behind
}

// adminCatalogueVersion is the review and confirmation step of a stored
// version.
func (s *handlers) adminCatalogueVersion(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	id, err := core.PathID(c, "id")
	if err != nil {
		return err
	}
	plan, err := s.Standard.PlanActivation(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.renderCatalogueVersion(c, http.StatusOK, plan)
}

func (s *handlers) renderCatalogueVersion(c echo.Context, status int, plan *standard.Plan) error {
	data := catalogueVersionPage{Plan: plan, Facilities: map[int64]string{}}
	left := plan.NotCarriedOver
	data.LeftCount = len(left.Evidence) + len(left.Interviewees) + len(left.NotApplicable)
	if data.LeftCount > 0 {
		fs, err := s.Org.Facilities(c.Request().Context(), true, nil)
		if err != nil {
			return err
		}
		for _, f := range fs {
			data.Facilities[f.ID] = f.Name + " (" + f.Code + ")"
		}
	}
	v := plan.Version
	return s.Render(c, status, "catalogue", s.Tr(c, "catalogue.title", v.CatalogueID+"@"+v.Version), data)
}

// adminActivateCatalogue makes a stored version the one used from the next
// start. When the version would leave evidence behind, the form must carry
// confirm (the confirmation step's checkbox); without it the version's
// page is shown again, with what would be left behind.
func (s *handlers) adminActivateCatalogue(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	id, err := core.PathID(c, "id")
	if err != nil {
		return err
	}
	confirm := c.FormValue("confirm") != ""
	plan, err := s.Standard.Activate(c.Request().Context(), id, confirm, core.UserID(c))
	if errors.Is(err, standard.ErrConfirmRequired) {
		c.Set(core.FlashKey, s.Tr(c, standard.ConfirmKey))
		return s.renderCatalogueVersion(c, core.StatusOf(bukti.ErrorCode(err)), plan)
	}
	if err != nil {
		return err
	}
	return done(c, "/admin", "admin.activated")
}
