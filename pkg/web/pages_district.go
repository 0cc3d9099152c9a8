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
	"github.com/bukti-id/bukti/pkg/readiness"
)

type districtRow struct {
	Facility bukti.Facility
	Percents []readiness.Rollup // one per Bab of the catalogue
	Status   string
}

type districtPage struct {
	Rows         []districtRow
	Babs         []string
	Statuses     []string
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
// with readiness per Bab and projected status, filterable and sortable.
func (s *Server) districtOverview(c echo.Context) error {
	p := principal(c)
	all, ids := p.Facilities(authz.ReadFacility)
	if _, managed := p.Facilities(authz.ManageSurvey); !p.Admin && len(managed) == 0 {
		return bukti.Errorf(bukti.EFORBIDDEN, "Ringkasan wilayah hanya untuk supervisor Dinas Kesehatan.", "the district overview is for district supervisors")
	}
	ctx := c.Request().Context()
	facilities, err := s.Org.Facilities(ctx, all, ids)
	if err != nil {
		return err
	}
	data := districtPage{Query: strings.TrimSpace(c.QueryParam("q")), StatusFilter: c.QueryParam("status"), Sort: c.QueryParam("sort")}
	for _, b := range s.Catalogue.Bab {
		data.Babs = append(data.Babs, b.ID)
	}
	for _, st := range s.Catalogue.Scoring.Statuses {
		data.Statuses = append(data.Statuses, st.Name)
	}
	data.Statuses = append(data.Statuses, s.Catalogue.Scoring.Below)
	q := strings.ToLower(data.Query)
	for _, f := range facilities {
		if q != "" && !strings.Contains(strings.ToLower(f.Name+" "+f.Code), q) {
			continue
		}
		rep, err := s.Evidence.Readiness(ctx, f.ID)
		if err != nil {
			return err
		}
		if data.StatusFilter != "" && rep.Status != data.StatusFilter {
			continue
		}
		row := districtRow{Facility: f, Status: rep.Status}
		for _, b := range rep.Bab {
			row.Percents = append(row.Percents, b.Rollup)
		}
		data.Rows = append(data.Rows, row)
	}
	sortRows(data.Rows, data.Sort, data.Babs, data.Statuses)
	return s.render(c, http.StatusOK, "district", s.tr(c, "district.title"), data)
}

// sortRows orders by name (default), district, a Bab's percent or status
// rank; a leading "-" reverses.
func sortRows(rows []districtRow, key string, babs, statuses []string) {
	desc := strings.HasPrefix(key, "-")
	key = strings.TrimPrefix(key, "-")
	slices.SortStableFunc(rows, func(a, b districtRow) int {
		var r int
		switch {
		case key == "district":
			r = cmp.Compare(a.Facility.District.Name, b.Facility.District.Name)
		case key == "status":
			r = cmp.Compare(slices.Index(statuses, a.Status), slices.Index(statuses, b.Status))
		case strings.HasPrefix(key, "bab-"):
			i := slices.Index(babs, strings.TrimPrefix(key, "bab-"))
			if i >= 0 {
				r = cmp.Compare(a.Percents[i].Percent, b.Percents[i].Percent)
			}
		default:
			r = cmp.Compare(a.Facility.Name, b.Facility.Name)
		}
		if desc {
			return -r
		}
		return r
	})
}
