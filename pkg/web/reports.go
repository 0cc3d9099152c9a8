package web

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/report"
)

// gapsReport answers GET /api/v1/reports/gaps?district=CODE|province=CODE
// &level=bab|kriteria|ep&report=matrix|missing|distance&format=json|csv|xlsx,
// over the facilities of the scope the reader may see.
func (s *Server) gapsReport(c echo.Context) error {
	level := report.Level(c.QueryParam("level"))
	if level == "" {
		level = report.LevelBab
	}
	if level != report.LevelBab && level != report.LevelKriteria && level != report.LevelEP {
		return bukti.Errorf(bukti.EINVALID, "Tingkat %q tidak dikenal; pilih bab, kriteria atau ep.", "unknown level %q: choose bab, kriteria or ep", level)
	}
	kind, format := c.QueryParam("report"), c.QueryParam("format")
	if kind == "" {
		kind = report.KindMatrix
	}
	if format == "" {
		format = report.FormatJSON
	}
	if err := report.Check(kind, format); err != nil {
		return err
	}
	all, ids := principal(c).Facilities(authz.ReadFacility)
	sc := report.Scope{District: c.QueryParam("district"), Province: c.QueryParam("province"), All: all, Allowed: ids}
	g, err := s.Reports.Gaps(c.Request().Context(), sc, level)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, g, kind, format); err != nil {
		return err
	}
	if format != report.FormatJSON {
		c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="bukti-%s-%s.%s"`, kind, level, format))
	}
	return c.Blob(http.StatusOK, report.ContentType(format), buf.Bytes())
}
