package report

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// Day is the calendar day of t in t's location, as a UTC midnight.
func Day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Snapshot records every facility's achievement per Bab for the day of
// now, replacing a snapshot already taken that day. It returns the number
// of facilities recorded. It reads and fills the score cache as Gaps does,
// so the daily snapshot also warms the cache for the day's reports.
func (s *Service) Snapshot(ctx context.Context) (int, error) {
	facilities, err := s.Facilities(ctx, Scope{All: true})
	if err != nil {
		return 0, err
	}
	now := s.Now()
	day := Day(now)
	rows := make([]bukti.ScoreSnapshot, 0, snapshotBatch)
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		// Each batch commits on its own, as the cache fills between them.
		err := s.Store.Run(ctx, nil, func(t *sqlstore.Tx) error { return t.PutScoreSnapshots(rows) })
		if err != nil {
			return fmt.Errorf("store score snapshots: %w", err)
		}
		rows = rows[:0]
		return nil
	}
	_, err = s.eachScores(ctx, facilities, now, func(f bukti.Facility, sc *scores) error {
		r := rollUp(s.Catalogue, sc, false)
		for _, b := range r.bab {
			rows = append(rows, bukti.ScoreSnapshot{Day: day, FacilityID: f.ID, BabID: b.ID, Percent: b.Percent, Assessed: b.Assessed, Status: r.Status})
		}
		if len(rows) >= snapshotBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return 0, err
	}
	return len(facilities), nil
}

// snapshotBatch is how many snapshot rows one INSERT writes.
const snapshotBatch = 500

// HasSnapshot reports whether today's snapshot has been taken.
func (s *Service) HasSnapshot(ctx context.Context) (bool, error) {
	return s.Store.HasScoreSnapshot(ctx, Day(s.Now()))
}

// Point is one day of a series.
type Point struct {
	Day     time.Time `json:"day"`
	Percent float64   `json:"percent"`
	Status  string    `json:"status"` // "" when it could not be projected (partial)
}

// Series is one facility's achievement in one Bab over time.
type Series struct {
	FacilityID int64   `json:"facility_id"`
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	Bab        string  `json:"bab"`
	Points     []Point `json:"points"`
}

// Trends returns the snapshots of a scope's facilities between from and to
// (inclusive days; zero means unbounded), one series per facility and
// assessed Bab, oldest point first.
func (s *Service) Trends(ctx context.Context, sc Scope, from, to time.Time) ([]Series, error) {
	facilities, err := s.Facilities(ctx, sc)
	if err != nil {
		return nil, err
	}
	byID := map[int64]bukti.Facility{}
	ids := make([]int64, 0, len(facilities))
	for _, f := range facilities {
		byID[f.ID] = f
		ids = append(ids, f.ID)
	}
	out := []Series{}
	index := map[[2]any]int{}
	if !from.IsZero() {
		from = Day(from)
	}
	if !to.IsZero() {
		to = Day(to)
	}
	for part := range slices.Chunk(ids, 1000) {
		snaps, err := s.Store.AssessedSnapshots(ctx, part, from, to)
		if err != nil {
			return nil, err
		}
		for _, sn := range snaps {
			key := [2]any{sn.FacilityID, sn.BabID}
			i, ok := index[key]
			if !ok {
				f := byID[sn.FacilityID]
				out = append(out, Series{FacilityID: f.ID, Code: f.Code, Name: f.Name, Bab: sn.BabID})
				i = len(out) - 1
				index[key] = i
			}
			out[i].Points = append(out[i].Points, Point{Day: sn.Day.UTC(), Percent: sn.Percent, Status: sn.Status})
		}
	}
	return out, nil
}

// TrendTable is the trends as a table for CSV and XLSX.
func TrendTable(series []Series) ([]string, [][]any) {
	head := []string{"Kode", "Puskesmas", "Bab", "Tanggal", "Capaian %", "Status"}
	var rows [][]any
	for _, s := range series {
		for _, p := range s.Points {
			status := p.Status
			if status == "" {
				status = PartialStatus
			}
			rows = append(rows, []any{s.Code, s.Name, s.Bab, p.Day.Format(time.DateOnly), round(p.Percent), status})
		}
	}
	return head, rows
}

// LiveTrends is the trend of the facilities of rows (a gap report's rows
// at the Bab level, over columns) as a chart should show it on day (a
// Day): each facility's snapshots before day, then the figures of rows
// themselves for day, in place of day's snapshot, so that the chart ends
// where the table stands. Series come in the order of rows, then of
// columns; snapshots of facilities not in rows are left out, and a Bab not
// assessed today keeps its past points without one for day.
func LiveTrends(series []Series, columns []string, rows []FacilityRow, day time.Time) []Series {
	past := map[[2]any]Series{}
	for _, s := range series {
		past[[2]any{s.FacilityID, s.Bab}] = s
	}
	var out []Series
	for _, f := range rows {
		for i, bab := range columns {
			s, ok := past[[2]any{f.ID, bab}]
			if !ok {
				s = Series{FacilityID: f.ID, Code: f.Code, Name: f.Name, Bab: bab}
			}
			var points []Point
			for _, p := range s.Points {
				if p.Day.Before(day) {
					points = append(points, p)
				}
			}
			if i < len(f.Cells) && f.Cells[i].Assessed {
				points = append(points, Point{Day: day, Percent: f.Cells[i].Percent, Status: f.Status})
			}
			if len(points) > 0 {
				s.Code, s.Name, s.Points = f.Code, f.Name, points
				out = append(out, s)
			}
		}
	}
	return out
}
