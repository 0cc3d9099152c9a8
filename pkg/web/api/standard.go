package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/standard"
	"github.com/bukti-id/bukti/pkg/web/core"
)

func (s *handlers) listCatalogueVersions(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	vs, err := s.Standard.List(c.Request().Context())
	if err != nil {
		return err
	}
	return list(c, "versions", vs)
}

// importCatalogue reads an uploaded self-assessment workbook (multipart
// "file", optional "version" and "title") into a new, inactive version.
func (s *handlers) importCatalogue(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, core.MaxWorkbook)
	fh, err := c.FormFile("file")
	if err != nil {
		if core.IsMaxBytes(err) {
			return bukti.E(bukti.ETOOLARGE, "err.api.workbook_larger_than_32_mib")
		}
		return bukti.E(bukti.EINVALID, "err.api.attach_self_assessment_xlsx_in")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := s.Standard.Import(c.Request().Context(), s.Catalogue, c.FormValue("version"), c.FormValue("title"), core.UserID(c),
		func(opt catalogue.ImportOptions) (*catalogue.Catalogue, catalogue.ImportReport, error) {
			return catalogue.ImportWorkbook(f, opt)
		})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, res)
}

// activateCatalogue makes a stored version the one used from the next
// start. The body is optional: {"confirm": true} accepts leaving behind
// what the version does not carry over. Without it such an activation is
// refused with 409, the error's key standard.ConfirmKey, and the plan (the
// diff and what would be left behind) beside the error.
func (s *handlers) activateCatalogue(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	id, err := core.PathID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Confirm bool `json:"confirm"`
	}
	if err := optionalJSON(c, &in); err != nil {
		return err
	}
	plan, err := s.Standard.Activate(c.Request().Context(), id, in.Confirm, core.UserID(c))
	if errors.Is(err, standard.ErrConfirmRequired) {
		var body refusedActivation
		body.Error.Code, body.Error.Key = bukti.ErrorCode(err), standard.ConfirmKey
		body.Error.Message, body.Error.MessageEN = bukti.ErrorMessage(err)
		body.Plan = plan
		return c.JSON(core.StatusOf(body.Error.Code), body)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, plan)
}

// refusedActivation is the answer to an activation that needs confirm:
// the error (with a key naming it) and the plan.
type refusedActivation struct {
	Error struct {
		Code      string `json:"code"`
		Key       string `json:"key"`
		Message   string `json:"message"`
		MessageEN string `json:"message_en"`
	} `json:"error"`
	*standard.Plan
}

// planCatalogue is the dry run of an activation: the difference from the
// catalogue in use and what would not carry over.
func (s *handlers) planCatalogue(c echo.Context) error {
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
	return c.JSON(http.StatusOK, plan)
}

func (s *handlers) exportCatalogue(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	id, err := core.PathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.Standard.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-%s.yaml"`, v.CatalogueID, v.Version))
	return c.Blob(http.StatusOK, "application/yaml; charset=utf-8", []byte(v.Document))
}
