package pages

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/report"
	"github.com/bukti-id/bukti/pkg/web/core"
)

// trendLine is one facility's line in the trends chart.
type trendLine struct {
	Name, Points, Color string
}

// trendChart is an inline SVG line chart of one Bab over time.
type trendChart struct {
	Bab        string
	Babs       []string
	Lines      []trendLine
	From, To   string
	Width      int
	Height     int
	GridLevels []int
}

// palette colours the lines; it repeats after eight facilities.
var palette = []string{"#0b6e4f", "#0969da", "#9a6700", "#b3261e", "#8250df", "#1a7f37", "#bf3989", "#57606a"}

// buildTrendChart lays out the series of one Bab on a 600×200 chart.
func buildTrendChart(series []report.Series, bab string, babs []string) trendChart {
	ch := trendChart{Bab: bab, Babs: babs, Width: 600, Height: 200, GridLevels: []int{0, 25, 50, 75, 100}}
	var first, last time.Time
	for _, s := range series {
		for _, p := range s.Points {
			if first.IsZero() || p.Day.Before(first) {
				first = p.Day
			}
			if p.Day.After(last) {
				last = p.Day
			}
		}
	}
	if first.IsZero() {
		return ch
	}
	ch.From, ch.To = first.Format("02-01-2006"), last.Format("02-01-2006")
	span := last.Sub(first).Hours()
	for i, s := range series {
		if s.Bab != bab {
			continue
		}
		var pts []string
		for _, p := range s.Points {
			x := 0.0
			if span > 0 {
				x = p.Day.Sub(first).Hours() / span * float64(ch.Width)
			}
			y := float64(ch.Height) - p.Percent/100*float64(ch.Height)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		}
		ch.Lines = append(ch.Lines, trendLine{Name: s.Name, Points: strings.Join(pts, " "), Color: palette[i%len(palette)]})
	}
	return ch
}

type districtPage struct {
	Trend        trendChart
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
func (s *handlers) districtOverview(c echo.Context) error {
	p := core.Principal(c)
	if _, managed := p.Facilities(authz.ManageSurvey); !p.Admin && len(managed) == 0 {
		return bukti.E(bukti.EFORBIDDEN, "err.pages.district_overview_for_district_supervisors")
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
	series, err := s.Reports.Trends(c.Request().Context(), report.Scope{All: all, Allowed: ids}, s.Evidence.Now().AddDate(0, 0, -90), time.Time{})
	if err != nil {
		return err
	}
	bab := c.QueryParam("bab")
	var assessed []string
	for _, sr := range series {
		if !slices.Contains(assessed, sr.Bab) {
			assessed = append(assessed, sr.Bab)
		}
	}
	slices.SortFunc(assessed, func(a, b string) int { return slices.Index(g.Columns, a) - slices.Index(g.Columns, b) })
	if !slices.Contains(assessed, bab) && len(assessed) > 0 {
		bab = assessed[0]
	}
	data.Trend = buildTrendChart(series, bab, assessed)
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
	return s.Render(c, http.StatusOK, "district", s.Tr(c, "district.title"), data)
}

// statusRank orders statuses best first, a status that cannot be
// projected yet last.
func statusRank(statuses []string, r report.FacilityRow) int {
	if r.Partial {
		return len(statuses)
	}
	return slices.Index(statuses, r.Status)
}

// sortRows orders by name (default), district, a Bab's percent, status
// rank (partial last) or distance to the next status; a leading "-"
// reverses.
func sortRows(rows []report.FacilityRow, key string, babs, statuses []string) {
	desc := strings.HasPrefix(key, "-")
	key = strings.TrimPrefix(key, "-")
	slices.SortStableFunc(rows, func(a, b report.FacilityRow) int {
		var r int
		switch {
		case key == "district":
			r = cmp.Compare(a.District, b.District)
		case key == "status":
			r = cmp.Compare(statusRank(statuses, a), statusRank(statuses, b))
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
