package pages

import (
	"bytes"
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

// trendDot is one day of a line, where it is drawn and what it says.
type trendDot struct {
	X, Y  float64
	Title string
}

// trendLine is one facility's line in the trends chart.
type trendLine struct {
	Name, Points, Color string
	Dots                []trendDot
}

// trendChart is an inline SVG line chart of one Bab over time.
type trendChart struct {
	Bab        string
	Babs       []string
	Lines      []trendLine
	From, To   string
	Days       int // distinct days drawn; 1: no line yet, only today's dots
	Width      int
	Height     int
	GridLevels []int
}

// palette colours the lines; it repeats after eight facilities.
var palette = []string{"#0b6e4f", "#0969da", "#9a6700", "#b3261e", "#8250df", "#1a7f37", "#bf3989", "#57606a"}

// buildTrendChart lays out the series of one Bab on a 600×200 chart: a
// line and a dot per day for each facility; a single day's dots stand in
// the middle.
func buildTrendChart(series []report.Series, bab string, babs []string) trendChart {
	ch := trendChart{Bab: bab, Babs: babs, Width: 600, Height: 200, GridLevels: []int{0, 25, 50, 75, 100}}
	var first, last time.Time
	days := map[time.Time]bool{}
	for _, s := range series {
		if s.Bab != bab {
			continue
		}
		for _, p := range s.Points {
			days[p.Day] = true
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
	ch.Days = len(days)
	ch.From, ch.To = first.Format("02-01-2006"), last.Format("02-01-2006")
	span := last.Sub(first).Hours()
	i := 0
	for _, s := range series {
		if s.Bab != bab {
			continue
		}
		line := trendLine{Name: s.Name, Color: palette[i%len(palette)]}
		i++
		var pts []string
		for _, p := range s.Points {
			x := float64(ch.Width) / 2
			if span > 0 {
				x = p.Day.Sub(first).Hours() / span * float64(ch.Width)
			}
			y := float64(ch.Height) - p.Percent/100*float64(ch.Height)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
			line.Dots = append(line.Dots, trendDot{X: x, Y: y, Title: fmt.Sprintf("%s · %s · %.1f%%", s.Name, p.Day.Format("02-01-2006"), p.Percent)})
		}
		line.Points = strings.Join(pts, " ")
		ch.Lines = append(ch.Lines, line)
	}
	return ch
}

// districtRow is a facility's row of the overview with its last activity.
type districtRow struct {
	report.FacilityRow
	Activity *time.Time // nil: none yet
	Quiet    int        // calendar days since Activity
}

// quietAfter is how many days without activity mark a facility quiet.
const quietAfter = 14

// IsQuiet reports whether the facility has had no activity for quietAfter
// days or more, or none at all.
func (r districtRow) IsQuiet() bool { return r.Activity == nil || r.Quiet >= quietAfter }

type districtPage struct {
	Trend        trendChart
	Rows         []districtRow
	Total        int // facilities in scope, before the filter
	Babs         []string
	Statuses     []string
	Below        string // the status meaning "not accredited"
	MostMissing  []report.MissingRow
	Query        string
	StatusFilter string
	Sort         string
	Bab          string
	Zone         string // the deployment's time zone label (WIB, WITA, WIT)
}

// Href links the overview with its filter, sort and Bab, changed by
// pairs of name and value (an empty value drops the parameter).
func (d districtPage) Href(pairs ...string) string {
	v := url.Values{}
	for k, s := range map[string]string{"q": d.Query, "status": d.StatusFilter, "sort": d.Sort, "bab": d.Bab} {
		if s != "" {
			v.Set(k, s)
		}
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			v.Del(pairs[i])
		} else {
			v.Set(pairs[i], pairs[i+1])
		}
	}
	if len(v) == 0 {
		return "/district"
	}
	return "/district?" + v.Encode()
}

// SortHref links a column header: a second click on the sorted column
// reverses it.
func (d districtPage) SortHref(key string) string {
	sort := key
	if d.Sort == key {
		sort = "-" + key
	}
	return d.Href("sort", sort)
}

// ExportHref downloads what the page shows (same filter and order) as a
// report (matrix, missing, trends) in a format (xlsx, csv).
func (d districtPage) ExportHref(kind, format string) string {
	return d.Href("report", kind, "format", format)
}

// Kinds of download of the overview.
const (
	exportMatrix  = "matrix"
	exportMissing = "missing"
	exportTrends  = "trends"
)

// trendDays is how far back the overview's chart goes.
const trendDays = 90

// districtOverview is the supervisor's table of every facility in scope
// with readiness per Bab, projected status, distance to the next status
// and last activity, filterable and sortable, with the requirements most
// often missing among the facilities shown and their daily trend. With
// format (xlsx, csv, json) it downloads what the page shows instead:
// report=matrix (the table, default), missing or trends, over the same
// facilities in the same order.
func (s *handlers) districtOverview(c echo.Context) error {
	p := core.Principal(c)
	if _, managed := p.Facilities(authz.ManageSurvey); !p.Admin && len(managed) == 0 {
		return bukti.E(bukti.EFORBIDDEN, "err.pages.district_overview_for_district_supervisors")
	}
	format, kind := c.QueryParam("format"), cmp.Or(c.QueryParam("report"), exportMatrix)
	if format != "" {
		if report.ContentType(format) == "" {
			return report.Check(report.KindMatrix, format)
		}
		if kind != exportMatrix && kind != exportMissing && kind != exportTrends {
			return bukti.E(bukti.EINVALID, "err.pages.district_unknown_export", kind)
		}
	}
	ctx := c.Request().Context()
	all, ids := p.Facilities(authz.ReadFacility)
	g, err := s.Reports.Gaps(ctx, report.Scope{All: all, Allowed: ids}, report.LevelBab)
	if err != nil {
		return err
	}
	now := s.Reports.Now()
	data := districtPage{Babs: g.Columns, Query: strings.TrimSpace(c.QueryParam("q")), StatusFilter: c.QueryParam("status"),
		Sort: c.QueryParam("sort"), Bab: c.QueryParam("bab"), Below: s.Catalogue.Scoring.Below, Total: len(g.Facilities), Zone: now.Format("MST")}
	for _, st := range s.Catalogue.Scoring.Statuses {
		data.Statuses = append(data.Statuses, st.Name)
	}
	data.Statuses = append(data.Statuses, s.Catalogue.Scoring.Below)

	// The rows the filter keeps, with their last activity, in the order
	// asked.
	q := strings.ToLower(data.Query)
	var kept []report.FacilityRow
	for _, f := range g.Facilities {
		if q != "" && !strings.Contains(strings.ToLower(f.Name+" "+f.Code), q) {
			continue
		}
		if data.StatusFilter != "" && f.Status != data.StatusFilter {
			continue
		}
		kept = append(kept, f)
	}
	keptIDs := make([]int64, len(kept))
	for i, f := range kept {
		keptIDs[i] = f.ID
	}
	activity, err := s.Reports.LastActivity(ctx, keptIDs)
	if err != nil {
		return err
	}
	today := report.Day(now)
	for _, f := range kept {
		r := districtRow{FacilityRow: f}
		if at, ok := activity[f.ID]; ok {
			r.Activity = &at
			r.Quiet = int(today.Sub(report.Day(at)).Hours() / 24)
		}
		data.Rows = append(data.Rows, r)
	}
	sortRows(data.Rows, data.Sort, data.Babs, data.Statuses)
	shown := make([]report.FacilityRow, len(data.Rows))
	for i, r := range data.Rows {
		shown[i] = r.FacilityRow
	}

	// The most often missing among the facilities shown.
	data.MostMissing = g.MostMissing
	if len(kept) < len(g.Facilities) {
		data.MostMissing = nil
		if len(kept) > 0 {
			fg, err := s.Reports.Gaps(ctx, report.Scope{Allowed: keptIDs}, report.LevelBab)
			if err != nil {
				return err
			}
			data.MostMissing = fg.MostMissing
		}
	}

	// Their daily trend, ending on today's figures of the table.
	series, err := s.Reports.Trends(ctx, report.Scope{All: all, Allowed: ids}, now.AddDate(0, 0, -trendDays), time.Time{})
	if err != nil {
		return err
	}
	series = report.LiveTrends(series, g.Columns, shown, today)

	if format != "" {
		return s.districtExport(c, data, shown, activity, series, kind, format, now)
	}
	data.MostMissing = data.MostMissing[:min(10, len(data.MostMissing))]
	var assessed []string
	for _, sr := range series {
		if !slices.Contains(assessed, sr.Bab) {
			assessed = append(assessed, sr.Bab)
		}
	}
	slices.SortFunc(assessed, func(a, b string) int { return slices.Index(g.Columns, a) - slices.Index(g.Columns, b) })
	bab := data.Bab
	if !slices.Contains(assessed, bab) && len(assessed) > 0 {
		bab = assessed[0]
	}
	data.Trend = buildTrendChart(series, bab, assessed)
	return s.Render(c, http.StatusOK, "district", s.Tr(c, "district.title"), data)
}

// districtExport answers the overview's download: a spreadsheet titled
// with the area, the time (in the deployment's zone, labelled), the
// catalogue and the filter, holding the rows the page shows.
func (s *handlers) districtExport(c echo.Context, d districtPage, rows []report.FacilityRow, activity map[int64]time.Time,
	series []report.Series, kind, format string, now time.Time) error {
	var sheet report.Sheet
	switch kind {
	case exportMissing:
		sheet = report.MissingSheet(&report.Gaps{MostMissing: d.MostMissing})
		sheet.Title = "Persyaratan paling sering belum ada"
	case exportTrends:
		sheet = report.TrendSheet(series)
		sheet.Title = "Tren harian capaian per Bab"
	default:
		sheet = report.MatrixSheet(d.Babs, rows, activity, d.Zone)
		sheet.Title = "Ringkasan wilayah"
	}
	var areas []string
	for _, r := range rows {
		if !slices.Contains(areas, r.District) {
			areas = append(areas, r.District)
		}
	}
	switch {
	case len(areas) > 3:
		sheet.Title += fmt.Sprintf(" · %d kabupaten/kota", len(areas))
	case len(areas) > 0:
		sheet.Title += " · " + strings.Join(areas, ", ")
	}
	filter := "semua Puskesmas dalam cakupan Anda"
	var parts []string
	if d.Query != "" {
		parts = append(parts, fmt.Sprintf("nama atau kode memuat %q", d.Query))
	}
	if d.StatusFilter != "" {
		parts = append(parts, "status "+d.StatusFilter)
	}
	if len(parts) > 0 {
		filter = strings.Join(parts, ", ")
	}
	cat := s.Catalogue
	sheet.Notes = []string{
		"Per " + now.Format("02-01-2006 15:04 MST"),
		fmt.Sprintf("Katalog: %s (%s@%s)", cat.Title, cat.ID, cat.Version),
		fmt.Sprintf("Filter: %s — %d dari %d Puskesmas", filter, len(rows), d.Total),
	}
	if kind == exportMatrix {
		sheet.Notes = append(sheet.Notes, report.DistanceHead+": jumlah, atas semua Bab, poin persen yang masih kurang dari batas minimal status berikutnya.")
	}
	var buf bytes.Buffer
	if err := report.WriteSheet(&buf, sheet, format); err != nil {
		return err
	}
	if format != report.FormatJSON {
		c.Response().Header().Set(echo.HeaderContentDisposition,
			fmt.Sprintf(`attachment; filename="bukti-wilayah-%s-%s.%s"`, kind, now.Format("2006-01-02"), format))
	}
	return c.Blob(http.StatusOK, report.ContentType(format), buf.Bytes())
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
// rank (partial last), distance to the next status or last activity
// (the quietest first: never active, then the oldest); a leading "-"
// reverses.
func sortRows(rows []districtRow, key string, babs, statuses []string) {
	desc := strings.HasPrefix(key, "-")
	key = strings.TrimPrefix(key, "-")
	slices.SortStableFunc(rows, func(a, b districtRow) int {
		var r int
		switch {
		case key == "district":
			r = cmp.Compare(a.District, b.District)
		case key == "status":
			r = cmp.Compare(statusRank(statuses, a.FacilityRow), statusRank(statuses, b.FacilityRow))
		case key == "distance":
			r = cmp.Compare(a.Distance, b.Distance)
		case key == "activity":
			switch {
			case a.Activity == nil && b.Activity == nil:
			case a.Activity == nil:
				r = -1
			case b.Activity == nil:
				r = 1
			default:
				r = a.Activity.Compare(*b.Activity)
			}
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
