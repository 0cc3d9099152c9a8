package pages

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/standard"
	"github.com/bukti-id/bukti/pkg/web/core"
)

// The settings page (/admin) and its forms, in the order a newcomer needs
// them: provinces, districts, Puskesmas (one by one or from a CSV), users
// (each managed on their own page, admin_users.go), then the catalogue.
//
// A form the user can fix (bad or duplicate input, something that still
// refers to what they would delete, something gone meanwhile) is refused
// with its page rendered again (refuse, through core.FormAgain like every
// page form): the message next to the field it is about, every value
// typed kept, and the status of the error's code (400 for bad input, 409
// for a conflict, 404 for what is gone). Every other error goes to the
// error page.

// adminPage is the settings page's data.
type adminPage struct {
	Catalogue  *catalogue.Catalogue
	Counts     catalogue.Counts
	Versions   []bukti.CatalogueVersion
	Provinces  []adminProvince
	Districts  []adminDistrict
	Facilities []bukti.Facility
	Users      []adminUser
	// RoleChoices and ScopeChoices are the new user form's role and scope
	// lists, the typed choice selected.
	RoleChoices  []choice
	ScopeChoices []choiceGroup

	// Form is the refused form, shown again with its values and errors.
	Form formState
	// Generated is a password generated for a new user, shown once.
	Generated *generatedPassword
	// ImportRows are the refused rows of a facility CSV import.
	ImportRows []importRow
}

type adminProvince struct {
	bukti.Province
	Districts int // how many districts it holds
}

type adminDistrict struct {
	bukti.District
	Facilities int // how many facilities it holds
}

type generatedPassword struct{ Email, Password string }

type importRow struct {
	Row    int
	Reason string
}

// formState is a refused form: which one (ID), what was typed (Values)
// and the messages by field ("" for the form as a whole).
type formState struct {
	ID     string
	Values map[string]string
	Errors map[string]string
}

// Val is what was typed in field of form, when form was refused.
func (f formState) Val(form, field string) string {
	if f.ID != form {
		return ""
	}
	return f.Values[field]
}

// Err is the message about field of form, when form was refused.
func (f formState) Err(form, field string) string {
	if f.ID != form {
		return ""
	}
	return f.Errors[field]
}

// Failed reports whether form was refused (its section is shown open).
func (f formState) Failed(form string) bool { return f.ID == form }

// orgActions is what the rename and delete forms of one province,
// district or Puskesmas show (the "org-actions" template of admin.html).
type orgActions struct {
	Path    string // "provinces", "districts" or "facilities"
	F       string // the item's element ID and form name ("district-3")
	ID      int64
	Name    string // the item's name
	CSRF    string
	Err     string // a refusal about the forms as a whole (a deletion)
	NameErr string // a refusal about the new name
	Value   string // the name field: what was typed when refused, else Name
}

// Actions is the rename and delete forms of the item id (named name) of
// the settings page's list path, whose forms are named f.
func (p adminPage) Actions(path, f string, id int64, name, csrf string) orgActions {
	a := orgActions{Path: path, F: f, ID: id, Name: name, CSRF: csrf,
		Err: p.Form.Err(f, ""), NameErr: p.Form.Err(f, "name"), Value: name}
	if p.Form.Failed(f) {
		a.Value = p.Form.Val(f, "name")
	}
	return a
}

// flash puts the refusal above the page too, where a phone shows it
// first: the message itself when it is about the form as a whole (a
// deletion refused), else a pointer to the marked field.
func (f formState) flash(c echo.Context, srv *core.Server) {
	switch {
	case f.ID == "":
	case f.Errors[""] != "":
		c.Set(core.FlashKey, f.Errors[""])
	default:
		c.Set(core.FlashKey, srv.Tr(c, "admin.form_refused"))
	}
}

// adminView shows the settings page.
func (s *handlers) adminView(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, &adminPage{})
}

// renderAdmin renders the settings page with status, filling data's lists.
func (s *handlers) renderAdmin(c echo.Context, status int, data *adminPage) error {
	ctx := c.Request().Context()
	data.Catalogue, data.Counts = s.Catalogue, s.Catalogue.Counts()
	sc, err := s.loadScopes(ctx)
	if err != nil {
		return err
	}
	if data.Versions, err = s.Standard.List(ctx); err != nil {
		return err
	}
	data.Facilities = sc.Facilities
	role, scope := bukti.RoleQualityTeam, ""
	if data.Form.ID == "user-add" {
		role, scope = data.Form.Values["role"], data.Form.Values["scope"]
	}
	data.RoleChoices, data.ScopeChoices = s.roleChoices(c, role, true), s.scopeChoices(c, sc, scope)
	inDistrict, inProvince := map[int64]int{}, map[int64]int{}
	for _, f := range data.Facilities {
		inDistrict[f.DistrictID]++
	}
	for _, d := range sc.Districts {
		inProvince[d.ProvinceID]++
		data.Districts = append(data.Districts, adminDistrict{District: d, Facilities: inDistrict[d.ID]})
	}
	for _, p := range sc.Provinces {
		data.Provinces = append(data.Provinces, adminProvince{Province: p, Districts: inProvince[p.ID]})
	}
	if data.Users, err = s.adminUsers(c, sc); err != nil {
		return err
	}
	data.Form.flash(c, s.Server)
	return s.Render(c, status, "admin", s.Tr(c, "admin.title"), *data)
}

// fieldOf names the form field each message is about; a message not
// listed, or about a field its form lacks, is about the form as a whole.
var fieldOf = map[string]string{
	"err.org.code_required":                              "code",
	"err.org.code_exists":                                "code",
	"err.org.facility_code_already_exists":               "code",
	"err.org.name_required":                              "name",
	"err.org.facility_name_taken":                        "name",
	"err.org.no_province_with_code_add":                  "province",
	"err.org.no_district_with_code_add":                  "district",
	"err.org.csv_empty_first_line_must":                  "file",
	"err.org.csv_has_rows_at_most":                       "file",
	"err.org.csv_header_lacks_column_need":               "file",
	"err.org.csv_column_twice":                           "file",
	"err.org.csv_larger_than_16_mib":                     "file",
	"err.org.csv_not_text":                               "file",
	"err.org.csv_unreadable_line":                        "file",
	"err.pages.choose_csv_file":                          "file",
	"err.org.csv_rows_refused":                           "file",
	"err.pages.choose_self_assessment_xlsx_file":         "file",
	"err.api.workbook_larger_than_32_mib":                "file",
	"err.standard.catalogue_version_already_exists_give": "version",
	"err.auth.invalid_email_address":                     "email",
	"err.auth.email_already_registered":                  "email",
	"err.auth.name_must_have_at_most":                    "name",
	"err.auth.password_must_have_at_least":               "password",
	"err.auth.password_must_have_at_most":                "password",
	"err.auth.unknown_role_choose_admin_supervisor":      "role",
	"err.auth.user_already_holds_this_role":              "role",
	"err.pages.choose_role":                              "role",
	"err.auth.role_needs_one_scope":                      "scope",
	"err.auth.admin_role_takes_no_scope":                 "scope",
	"err.auth.scope_does_not_exist":                      "scope",
	"err.pages.invalid_role_scope":                       "scope",
	"err.pages.no_role_no_scope":                         "scope",
}

// refuse registers how a refused form of the settings pages is shown
// again (core.FormAgain, which the error handler calls for the errors a
// user can fix): the message next to the field it is about, every value
// typed kept, on the page render draws; and returns err, logged and
// answered with its status as any other.
func (s *handlers) refuse(c echo.Context, form string, values map[string]string, err error, render func(status int, f formState) error) error {
	c.Set(core.FormAgainKey, core.FormAgain(func(status int, cause error) (bool, error) {
		var field string
		var be *bukti.Error
		if errors.As(cause, &be) {
			field = fieldOf[be.Key]
		}
		if _, onForm := values[field]; !onForm {
			field = ""
		}
		return true, render(status, formState{ID: form, Values: values, Errors: map[string]string{field: core.Message(c, cause)}})
	}))
	return err
}

// onAdmin renders a refused form of the settings page.
func (s *handlers) onAdmin(c echo.Context) func(int, formState) error {
	return func(status int, f formState) error { return s.renderAdmin(c, status, &adminPage{Form: f}) }
}

// adminForm runs one form of the settings page: it reads fields, calls
// act with them and on success sends the browser back to the page at
// anchor with the confirmation okKey; a refusal shows the page again.
func (s *handlers) adminForm(c echo.Context, form, anchor, okKey string, fields []string, act func(v map[string]string) error) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	v := readFields(c, fields...)
	if err := act(v); err != nil {
		return s.refuse(c, form, v, err, s.onAdmin(c))
	}
	return doneAt(c, "/admin", okKey, anchor)
}

// readFields reads the named fields of a form.
func readFields(c echo.Context, fields ...string) map[string]string {
	v := map[string]string{}
	for _, f := range fields {
		v[f] = c.FormValue(f)
	}
	return v
}

// doneAt sends the browser to page at anchor with the confirmation okKey.
func doneAt(c echo.Context, page, okKey, anchor string) error {
	return core.Redirect(c, page+"?ok="+url.QueryEscape(okKey)+"#"+anchor)
}

// orgKinds are the organisation kinds by the path segment of their forms.
var orgKinds = map[string]string{"provinces": "province", "districts": "district", "facilities": "facility"}

func (s *handlers) adminAddProvince(c echo.Context) error {
	return s.adminForm(c, "province-add", "provinces", "admin.province_added", []string{"code", "name"}, func(v map[string]string) error {
		_, err := s.Org.CreateProvince(c.Request().Context(), v["code"], v["name"], core.UserID(c))
		return err
	})
}

func (s *handlers) adminAddDistrict(c echo.Context) error {
	return s.adminForm(c, "district-add", "districts", "admin.district_added", []string{"code", "name", "province"}, func(v map[string]string) error {
		_, err := s.Org.CreateDistrict(c.Request().Context(), v["code"], v["name"], v["province"], core.UserID(c))
		return err
	})
}

func (s *handlers) adminAddFacility(c echo.Context) error {
	return s.adminForm(c, "facility-add", "facilities", "admin.facility_added", []string{"code", "name", "district"}, func(v map[string]string) error {
		in := org.FacilityInput{Code: v["code"], Name: v["name"], DistrictCode: v["district"]}
		_, err := s.Org.CreateFacility(c.Request().Context(), in, core.UserID(c))
		return err
	})
}

// adminRenameOrg renames a province, district or facility (segment is the
// path segment: provinces, districts, facilities).
func (s *handlers) adminRenameOrg(segment string) echo.HandlerFunc {
	kind := orgKinds[segment]
	return func(c echo.Context) error {
		id, err := core.PathID(c, "id")
		if err != nil {
			return err
		}
		form := fmt.Sprintf("%s-%d", kind, id)
		return s.adminForm(c, form, form, "admin.renamed", []string{"name"}, func(v map[string]string) error {
			return s.Org.Rename(c.Request().Context(), kind, id, v["name"], core.UserID(c))
		})
	}
}

// adminDeleteOrg deletes a province, district or facility nothing refers
// to; otherwise the page says what still does.
func (s *handlers) adminDeleteOrg(segment string) echo.HandlerFunc {
	kind := orgKinds[segment]
	return func(c echo.Context) error {
		id, err := core.PathID(c, "id")
		if err != nil {
			return err
		}
		return s.adminForm(c, fmt.Sprintf("%s-%d", kind, id), segment, "admin.deleted", nil, func(map[string]string) error {
			return s.Org.Delete(c.Request().Context(), kind, id, core.UserID(c))
		})
	}
}

// maxCSVForm caps the facility import form: the CSV and a little more.
const maxCSVForm = 16<<20 + 64<<10

// adminImportFacilities adds the facilities of an uploaded CSV, all or
// none: a file with a bad row shows the page again with every bad row,
// its line number and the reason.
func (s *handlers) adminImportFacilities(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	const form = "facility-import"
	values := map[string]string{"file": ""}
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, maxCSVForm)
	fh, err := c.FormFile("file")
	if err != nil {
		if core.IsMaxBytes(err) {
			err = bukti.E(bukti.ETOOLARGE, "err.org.csv_larger_than_16_mib")
		} else {
			err = bukti.E(bukti.EINVALID, "err.pages.choose_csv_file")
		}
		return s.refuse(c, form, values, err, s.onAdmin(c))
	}
	values["file"] = fh.Filename
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := s.Org.ImportFacilities(c.Request().Context(), f, core.UserID(c))
	if err != nil {
		return s.refuse(c, form, values, err, s.onAdmin(c))
	}
	if len(res.Errors) > 0 {
		var rows []importRow
		for _, r := range res.Errors {
			rows = append(rows, importRow{Row: r.Row, Reason: core.Message(c, r.Err)})
		}
		return s.refuse(c, form, values, bukti.E(bukti.EINVALID, "err.org.csv_rows_refused", len(res.Errors)),
			func(status int, f formState) error {
				return s.renderAdmin(c, status, &adminPage{Form: f, ImportRows: rows})
			})
	}
	return doneAt(c, "/admin", "admin.facilities_imported", "facilities")
}

// adminImportTemplate serves the facility CSV template.
func (s *handlers) adminImportTemplate(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="bukti-puskesmas.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", []byte(org.ImportTemplate))
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
		v := map[string]string{"version": c.FormValue("version"), "file": ""}
		if core.IsMaxBytes(err) {
			return s.refuse(c, "catalogue-import", v, bukti.E(bukti.ETOOLARGE, "err.api.workbook_larger_than_32_mib"), s.onAdmin(c))
		}
		return s.refuse(c, "catalogue-import", v, bukti.E(bukti.EINVALID, "err.pages.choose_self_assessment_xlsx_file"), s.onAdmin(c))
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
		return s.refuse(c, "catalogue-import", map[string]string{"version": c.FormValue("version"), "file": fh.Filename}, err, s.onAdmin(c))
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
