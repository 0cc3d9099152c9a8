// Package report builds the district and province gap reports: where each
// Puskesmas stands per Bab (or kriteria, or EP), which requirements are most
// often missing, and how far each facility is from the next status.
//
// The reports are folded one facility at a time (Builder), so memory grows
// with the number of facilities, not with the evidence they hold.
package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/scoring"
)

// Level is the granularity of the matrix columns.
type Level string

// Levels.
const (
	LevelBab      Level = "bab"
	LevelKriteria Level = "kriteria"
	LevelEP       Level = "ep"
)

// ExpiringWithin is how far ahead evidence counts as expiring soon.
const ExpiringWithin = readiness.ExpiringWithin

// Cell is one facility's achievement in one column.
type Cell struct {
	ID       string  `json:"id"`
	Percent  float64 `json:"percent"`
	Assessed bool    `json:"assessed"` // false when every EP under it is TDD or it has none
}

// FacilityRow is one facility of the matrix, scored by readiness.Score's
// rules.
type FacilityRow struct {
	ID       int64  `json:"id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	District string `json:"district"`
	Cells    []Cell `json:"cells"`
	// Status is the projected status with the facility's TDD proposals
	// accepted; "" when Partial: some Bab has no projected EP, so no
	// status can be projected yet (the Bab percentages still stand).
	Status  string `json:"status"`
	Partial bool   `json:"partial"`
	// TDDProposed counts the EP the facility proposes TDD, and
	// StatusWithoutTDD is the status should the surveyors refuse them all
	// ("" without proposals, or when that projection is partial).
	TDDProposed      int    `json:"tdd_proposed"`
	StatusWithoutTDD string `json:"status_without_tdd,omitempty"`
	// Requirement counts among those that count towards readiness.
	Missing  int `json:"missing"`  // nothing present
	Rejected int `json:"rejected"` // a rejected document in place of a valid one
	Expired  int `json:"expired"`  // past its valid-until date
	// Expiring counts evidence still valid but expiring within ExpiringWithin.
	Expiring int `json:"expiring"`
	// NextStatus is the next better status ("" at the best one, or when
	// Partial) and Distance the percentage points the Bab lack to reach it.
	NextStatus string  `json:"next_status"`
	Distance   float64 `json:"distance"`
}

// MissingRow is a requirement and the facilities where it is not met.
type MissingRow struct {
	RequirementID string  `json:"requirement"`
	Title         string  `json:"title"`
	Facilities    int     `json:"facilities"`
	Share         float64 `json:"share"` // of the facilities where it applies, 0..1
}

// Gaps is the gap report of a set of facilities.
type Gaps struct {
	Catalogue   string        `json:"catalogue"`
	Level       Level         `json:"level"`
	Columns     []string      `json:"columns"`
	Facilities  []FacilityRow `json:"facilities"`
	MostMissing []MissingRow  `json:"most_missing"`
	// StatusCounts counts the facilities per projected status; Partial
	// those whose status cannot be projected yet.
	StatusCounts map[string]int `json:"status_counts"`
	Partial      int            `json:"partial"`
	// Unprojectable counts the EP of the catalogue with no R or D item:
	// verified on site only, they count for no facility.
	Unprojectable int       `json:"unprojectable"`
	GeneratedAt   time.Time `json:"generated_at"`
}

// Builder folds facilities into a Gaps report.
type Builder struct {
	cat   *catalogue.Catalogue
	level Level
	now   time.Time
	gaps  Gaps
	reqs  []string // requirement IDs in catalogue order
	// Per requirement (as reqs): facilities where it counts, and where it
	// counts and is not met.
	applicable, notMet []int
}

// NewBuilder starts a report over cat at a level.
func NewBuilder(cat *catalogue.Catalogue, level Level, now time.Time) *Builder {
	b := &Builder{cat: cat, level: level, now: now,
		gaps: Gaps{Catalogue: cat.ID + "@" + cat.Version, Level: level, StatusCounts: map[string]int{}, GeneratedAt: now,
			Facilities: []FacilityRow{}, MostMissing: []MissingRow{}}}
	for _, bab := range cat.Bab {
		if level == LevelBab {
			b.gaps.Columns = append(b.gaps.Columns, bab.ID)
		}
		for _, s := range bab.Standar {
			for _, k := range s.Kriteria {
				if level == LevelKriteria {
					b.gaps.Columns = append(b.gaps.Columns, k.ID)
				}
				for _, e := range k.Elements {
					if level == LevelEP {
						b.gaps.Columns = append(b.gaps.Columns, e.ID)
					}
					projectable := false
					for _, r := range e.Requirements {
						b.reqs = append(b.reqs, r.ID)
						projectable = projectable || r.Method.NeedsFile()
					}
					if !projectable {
						b.gaps.Unprojectable++
					}
				}
			}
		}
	}
	b.applicable, b.notMet = make([]int, len(b.reqs)), make([]int, len(b.reqs))
	return b
}

// Add folds one facility, given its readiness report and the input it was
// scored from (on the builder's day).
func (b *Builder) Add(f bukti.Facility, rep readiness.Report, in readiness.Input) {
	b.add(f, scoresOf(rep, in, b.now))
}

// add folds one facility's scores, computed for the builder's day. Add and
// the score cache both come here, so cached and fresh scores fold alike.
func (b *Builder) add(f bukti.Facility, sc *scores) {
	r := rollUp(b.cat, sc, b.level == LevelKriteria)
	row := FacilityRow{ID: f.ID, Code: f.Code, Name: f.Name, Status: r.Status, Partial: r.Partial, TDDProposed: r.tdd,
		Expiring: sc.expiringAt(b.now)}
	if r.withoutTDD != nil {
		row.StatusWithoutTDD = r.withoutTDD.Status
	}
	if f.District != nil {
		row.District = f.District.Name
	}
	switch b.level {
	case LevelBab:
		row.Cells = cells(r.bab)
	case LevelKriteria:
		row.Cells = cells(r.kriteria)
	case LevelEP:
		row.Cells = make([]Cell, len(sc.ep))
		ids := b.gaps.Columns
		max := float64(b.cat.Scoring.Max())
		for i, e := range sc.ep {
			c := Cell{ID: ids[i], Assessed: e.projectable && !e.tdd}
			if c.Assessed {
				c.Percent = float64(e.value) / max * 100
			}
			row.Cells[i] = c
		}
	}
	for i, st := range sc.req {
		if st == reqUncounted {
			continue
		}
		b.applicable[i]++
		if st == reqMet {
			continue
		}
		b.notMet[i]++
		switch st {
		case reqRejected:
			row.Rejected++
		case reqExpired:
			row.Expired++
		case reqMissing:
			row.Missing++
		}
	}
	next, gaps := scoring.Next(b.cat.Scoring, r.Status, r.bab)
	row.NextStatus, row.Distance = next, scoring.Distance(gaps)
	if r.Partial {
		b.gaps.Partial++
	} else {
		b.gaps.StatusCounts[r.Status]++
	}
	b.gaps.Facilities = append(b.gaps.Facilities, row)
}

// ExpiringSoon reports whether evidence valid until the given date is still
// valid on now's calendar day but expires within ExpiringWithin.
func ExpiringSoon(validUntil *time.Time, now time.Time) bool {
	return readiness.ExpiringSoon(validUntil, now)
}

// Gaps finishes the report: facilities by district and name, the most
// often missing requirements first (at most top).
func (b *Builder) Gaps(top int) *Gaps {
	g := b.gaps
	slices.SortStableFunc(g.Facilities, func(x, y FacilityRow) int {
		return cmp.Or(cmp.Compare(x.District, y.District), cmp.Compare(x.Name, y.Name), cmp.Compare(x.ID, y.ID))
	})
	for i, n := range b.notMet {
		if n == 0 {
			continue
		}
		r, _, _ := b.cat.Requirement(b.reqs[i])
		g.MostMissing = append(g.MostMissing, MissingRow{RequirementID: b.reqs[i], Title: r.Title, Facilities: n,
			Share: float64(n) / float64(b.applicable[i])})
	}
	slices.SortFunc(g.MostMissing, func(x, y MissingRow) int {
		return cmp.Or(cmp.Compare(y.Facilities, x.Facilities), cmp.Compare(x.RequirementID, y.RequirementID))
	})
	if top > 0 && len(g.MostMissing) > top {
		g.MostMissing = g.MostMissing[:top]
	}
	return &g
}

// ByDistance returns the facilities closest to their next status first;
// those at the best status come after them, and those whose status cannot
// be projected yet (Partial) last.
func (g *Gaps) ByDistance() []FacilityRow {
	rows := slices.Clone(g.Facilities)
	group := func(r FacilityRow) int {
		switch {
		case r.Partial:
			return 2
		case r.NextStatus == "":
			return 1
		default:
			return 0
		}
	}
	slices.SortStableFunc(rows, func(x, y FacilityRow) int {
		return cmp.Or(cmp.Compare(group(x), group(y)), cmp.Compare(x.Distance, y.Distance))
	})
	return rows
}
