package api

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/stdimport"
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
			return bukti.Errorf(bukti.ETOOLARGE, "Berkas spreadsheet melebihi 32 MiB.", "the workbook is larger than 32 MiB")
		}
		return bukti.Errorf(bukti.EINVALID, "Lampirkan berkas .xlsx instrumen penilaian mandiri pada isian \"file\".", "attach the self-assessment .xlsx in the \"file\" field")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := s.Standard.Import(c.Request().Context(), s.Catalogue, c.FormValue("version"), c.FormValue("title"), core.UserID(c),
		func(opt stdimport.Options) (*catalogue.Catalogue, stdimport.Report, error) {
			return stdimport.Import(f, opt)
		})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, res)
}

func (s *handlers) activateCatalogue(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	id, err := core.PathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.Standard.Activate(c.Request().Context(), id, core.UserID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
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
