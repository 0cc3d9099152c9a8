package pages

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/stdimport"
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
	return s.Render(c, http.StatusOK, "admin", s.Tr(c, "admin.title"), data)
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
			return bukti.Errorf(bukti.EINVALID, "Cakupan peran tidak valid.", "invalid role scope")
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
// new, inactive catalogue version.
func (s *handlers) adminImportCatalogue(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, core.MaxWorkbook)
	fh, err := c.FormFile("file")
	if err != nil {
		return bukti.Errorf(bukti.EINVALID, "Pilih berkas .xlsx instrumen penilaian mandiri.", "choose the self-assessment .xlsx file")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = s.Standard.Import(c.Request().Context(), s.Catalogue, c.FormValue("version"), "", core.UserID(c),
		func(opt stdimport.Options) (*catalogue.Catalogue, stdimport.Report, error) {
			return stdimport.Import(f, opt)
		})
	if err != nil {
		return err
	}
	return done(c, "/admin", "admin.imported")
}

// adminActivateCatalogue makes a stored version the one used from the next
// start.
func (s *handlers) adminActivateCatalogue(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	id, err := core.PathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.Standard.Activate(c.Request().Context(), id, core.UserID(c)); err != nil {
		return err
	}
	return done(c, "/admin", "admin.activated")
}
