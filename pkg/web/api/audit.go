package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/web/core"
)

// auditFilter reads the query filters and limits them to the principal's
// scope: an admin sees everything, others the rows of the facilities they
// may read the audit log of, without the rows carrying the scores of
// surveys whose scores they do not see yet (authz SeesScores).
func (s *handlers) auditFilter(c echo.Context) (audit.Filter, error) {
	p := core.Principal(c)
	all, ids := p.Facilities(authz.ReadAudit)
	withheld, except := p.ScoresWithheld(ids)
	f := audit.Filter{All: all, Facilities: ids, Action: c.QueryParam("action"),
		ObjectType: c.QueryParam("object_type"), ObjectID: c.QueryParam("object_id"),
		Withheld: audit.Withheld{Actions: survey.ScoreActions, Facilities: withheld, Except: except}}
	var err error
	if f.FacilityID, err = queryInt(c, "facility_id"); err != nil {
		return f, err
	}
	if f.UserID, err = queryInt(c, "user_id"); err != nil {
		return f, err
	}
	for name, t := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		d, err := core.ParseDate(c.QueryParam(name), name)
		if err != nil {
			return f, err
		}
		if d != nil {
			*t = *d
		}
	}
	if !all && len(ids) == 0 {
		return f, bukti.E(bukti.EFORBIDDEN, "err.api.your_roles_do_not_allow")
	}
	return f, nil
}

type auditPage struct {
	Entries []bukti.AuditEntry `json:"entries"`
	Total   int64              `json:"total"`
	Page    int                `json:"page"`
	PerPage int                `json:"per_page"`
}

func (s *handlers) listAudit(c echo.Context) error {
	f, err := s.auditFilter(c)
	if err != nil {
		return err
	}
	page, err := queryInt(c, "page")
	if err != nil {
		return err
	}
	if page > audit.MaxPageNumber {
		return bukti.E(bukti.EINVALID, "err.api.page_must_at_most", audit.MaxPageNumber)
	}
	per, err := queryInt(c, "per_page")
	if err != nil {
		return err
	}
	if per > audit.MaxPageSize {
		return bukti.E(bukti.EINVALID, "err.api.per_page_must_at_most", audit.MaxPageSize)
	}
	p := audit.Page{Number: int(page), Size: int(per)}.Normalized()
	entries, total, err := s.DB.AuditList(c.Request().Context(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, auditPage{Entries: entries, Total: total, Page: p.Number, PerPage: p.Size})
}

func (s *handlers) auditCSV(c echo.Context) error {
	f, err := s.auditFilter(c)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="bukti-audit.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	ctx := c.Request().Context()
	return audit.WriteCSV(c.Response(), func(each func([]bukti.AuditEntry) error) error {
		return s.DB.AuditBatches(ctx, f, each)
	})
}
