package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/report"
	"github.com/bukti-id/bukti/pkg/web/core"
)

// gapsReport answers GET /api/v1/reports/gaps?district=CODE|province=CODE
// &level=bab|kriteria|ep&report=matrix|missing|distance&format=json|csv|xlsx,
// over the facilities of the scope the reader may see.
func (s *handlers) gapsReport(c echo.Context) error {
	level := report.Level(c.QueryParam("level"))
	if level == "" {
		level = report.LevelBab
	}
	if level != report.LevelBab && level != report.LevelKriteria && level != report.LevelEP {
		return bukti.E(bukti.EINVALID, "err.api.unknown_level_choose_bab_kriteria", level)
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
	all, ids := core.Principal(c).Facilities(authz.ReadFacility)
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

// trendsReport answers GET /api/v1/reports/trends?district=|province=
// &from=YYYY-MM-DD&to=YYYY-MM-DD&format=json|csv|xlsx with the daily
// snapshots of the facilities the reader may see.
func (s *handlers) trendsReport(c echo.Context) error {
	format := c.QueryParam("format")
	if format == "" {
		format = report.FormatJSON
	}
	if report.ContentType(format) == "" {
		return report.Check(report.KindMatrix, format)
	}
	from, err := core.ParseDate(c.QueryParam("from"), "from")
	if err != nil {
		return err
	}
	to, err := core.ParseDate(c.QueryParam("to"), "to")
	if err != nil {
		return err
	}
	all, ids := core.Principal(c).Facilities(authz.ReadFacility)
	sc := report.Scope{District: c.QueryParam("district"), Province: c.QueryParam("province"), All: all, Allowed: ids}
	var f, t time.Time
	if from != nil {
		f = *from
	}
	if to != nil {
		t = *to
	}
	series, err := s.Reports.Trends(c.Request().Context(), sc, f, t)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WriteTrends(&buf, series, format); err != nil {
		return err
	}
	if format != report.FormatJSON {
		c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="bukti-trends.%s"`, format))
	}
	return c.Blob(http.StatusOK, report.ContentType(format), buf.Bytes())
}

// etagMatch reports whether an If-None-Match header names etag (or is
// "*"), comparing weakly as RFC 9110 §13.1.2 says.
func etagMatch(header, etag string) bool {
	etag = strings.TrimPrefix(etag, "W/")
	for candidate := range strings.SplitSeq(header, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == "*" || candidate == etag {
			return true
		}
	}
	return false
}
