package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/report"
)

type districtPage struct {
	Rows         []report.FacilityRow
	Babs         []string
	Statuses     []string
	Below        string // the status meaning "not accredited"
	MostMissing  []report.MissingRow
	Query        string
	StatusFilter string
	Sort         string
}

// SortHref links a column header: a second click on the sorted column
// reverses it.
func (d districtPage) SortHref(key string) string {
	sort := key
	if d.Sort == key {
		sort = "-" + key
	}
	return "/district?" + url.Values{"sort": {sort}, "q": {d.Query}, "status": {d.StatusFilter}}.Encode()
}

// districtOverview is the supervisor's table of every facility in scope
// with readiness per Bab and projected status, filterable and sortable,
// with the requirements most often missing and links to the exports.
func (s *Server) districtOverview(c echo.Context) error {
	p := principal(c)
	if _, managed := p.Facilities(authz.ManageSurvey); !p.Admin && len(managed) == 0 {
		return bukti.Errorf(bukti.EFORBIDDEN, "Ringkasan wilayah hanya untuk supervisor Dinas Kesehatan.", "the district overview is for district supervisors")
	}
	all, ids := p.Facilities(authz.ReadFacility)
	g, err := s.Reports.Gaps(c.Request().Context(), report.Scope{All: all, Allowed: ids}, report.LevelBab)
	if err != nil {
		return err
	}
	data := districtPage{Babs: g.Columns, Query: strings.TrimSpace(c.QueryParam("q")), StatusFilter: c.QueryParam("status"),
		Sort: c.QueryParam("sort"), Below: s.Catalogue.Scoring.Below, MostMissing: g.MostMissing[:min(10, len(g.MostMissing))]}
	for _, st := range s.Catalogue.Scoring.Statuses {
		data.Statuses = append(data.Statuses, st.Name)
	}
	data.Statuses = append(data.Statuses, s.Catalogue.Scoring.Below)
	q := strings.ToLower(data.Query)
	for _, f := range g.Facilities {
		if q != "" && !strings.Contains(strings.ToLower(f.Name+" "+f.Code), q) {
			continue
		}
		if data.StatusFilter != "" && f.Status != data.StatusFilter {
			continue
		}
		data.Rows = append(data.Rows, f)
	}
	sortRows(data.Rows, data.Sort, data.Babs, data.Statuses)
	return s.render(c, http.StatusOK, "district", s.tr(c, "district.title"), data)
}

// sortRows orders by name (default), district, a Bab's percent, status
// rank or distance to the next status; a leading "-" reverses.
func sortRows(rows []report.FacilityRow, key string, babs, statuses []string) {
	desc := strings.HasPrefix(key, "-")
	key = strings.TrimPrefix(key, "-")
	slices.SortStableFunc(rows, func(a, b report.FacilityRow) int {
		var r int
		switch {
		case key == "district":
			r = cmp.Compare(a.District, b.District)
		case key == "status":
			r = cmp.Compare(slices.Index(statuses, a.Status), slices.Index(statuses, b.Status))
		case key == "distance":
			r = cmp.Compare(a.Distance, b.Distance)
		case strings.HasPrefix(key, "bab-"):
			if i := slices.Index(babs, strings.TrimPrefix(key, "bab-")); i >= 0 {
				r = cmp.Compare(a.Cells[i].Percent, b.Cells[i].Percent)
			}
		default:
			r = cmp.Compare(a.Name, b.Name)
		}
		if desc {
			return -r
		}
		return r
	})
}
