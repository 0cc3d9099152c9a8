// Package scoring rolls EP scores up to kriteria, standar and Bab and
// derives the accreditation status, as DESIGN.md §3 describes: a group's
// achievement is Σ scores ÷ (max × applicable EP) × 100, TDD elements leave
// both numerator and denominator, and the status is the best one in the
// catalogue's threshold table whose every Bab minimum is met.
//
// It is pure: no I/O, no clock. Survey scores and readiness suggestions are
// both tallied here.
package scoring

import (
	"math"
	"slices"

	"github.com/bukti-id/bukti/pkg/catalogue"
)

// Score is one EP's score: a value from the catalogue's scoring values
// (10, 5, 0), or TDD.
type Score struct {
	Value int
	TDD   bool
}

// Rollup is the achievement of a group of EP (kriteria, standar or Bab).
type Rollup struct {
	ID         string  `json:"id"`
	Title      string  `json:"title"`
	Score      int     `json:"score"`      // Σ scores of applicable EP
	Max        int     `json:"max"`        // max × applicable EP
	Applicable int     `json:"applicable"` // EP not TDD
	Percent    float64 `json:"percent"`    // Score ÷ Max × 100; 0 when Max is 0
	Assessed   bool    `json:"assessed"`   // at least one applicable EP
}

// Add counts one applicable EP scored score out of max.
func (r *Rollup) Add(score, max int) {
	r.Score += score
	r.Max += max
	r.Applicable++
	r.Assessed = true
	r.Percent = float64(r.Score) / float64(r.Max) * 100
}

// BabGap says how far one Bab is from the next better status.
type BabGap struct {
	Bab      string  `json:"bab"`
	Percent  float64 `json:"percent"`
	Assessed bool    `json:"assessed"`
	Min      float64 `json:"min"`    // the next status's minimum for this Bab
	Short    float64 `json:"short"`  // percentage points missing, 0 when met
	Points   int     `json:"points"` // EP points still to gain to reach Min
}

// Tally is the roll-up of a set of EP scores over a catalogue.
type Tally struct {
	Kriteria []Rollup `json:"kriteria"`
	Standar  []Rollup `json:"standar"`
	Bab      []Rollup `json:"bab"`
	// Status is the status met by the assessed Bab ("" when none is).
	Status string `json:"status"`
	// Partial is true when some Bab has no applicable scored EP.
	Partial bool `json:"partial"`
	// Next is the next better status ("" at the best one or when nothing
	// is assessed) and Gaps how far each assessed Bab is from it.
	Next string   `json:"next,omitempty"`
	Gaps []BabGap `json:"gaps,omitempty"`
	// Unscored lists the EP without a score; they count nowhere.
	Unscored []string `json:"unscored,omitempty"`
}

// Percents returns the achievement of each assessed Bab.
func (t Tally) Percents() map[string]float64 { return Percents(t.Bab) }

// Percents maps each assessed Bab of babs to its achievement, the input of
// catalogue.Scoring.StatusFor.
func Percents(babs []Rollup) map[string]float64 {
	out := map[string]float64{}
	for _, b := range babs {
		if b.Assessed {
			out[b.ID] = b.Percent
		}
	}
	return out
}

// Rollups maps the ID of every kriteria, standar and Bab to its roll-up,
// for callers that look up many (Rollup looks up one).
func (t Tally) Rollups() map[string]Rollup {
	out := make(map[string]Rollup, len(t.Kriteria)+len(t.Standar)+len(t.Bab))
	for _, rs := range [][]Rollup{t.Bab, t.Standar, t.Kriteria} { // as in Rollup, a kriteria wins over a Bab of its ID
		for _, r := range rs {
			out[r.ID] = r
		}
	}
	return out
}

// Rollup returns the roll-up of a kriteria, standar or Bab by ID.
func (t Tally) Rollup(id string) (Rollup, bool) {
	for _, rs := range [][]Rollup{t.Kriteria, t.Standar, t.Bab} {
		if i := slices.IndexFunc(rs, func(r Rollup) bool { return r.ID == id }); i >= 0 {
			return rs[i], true
		}
	}
	return Rollup{}, false
}

// Compute tallies scores (by EP ID) over c. EP missing from scores are
// listed in Unscored and count nowhere; scores of unknown EP are ignored.
func Compute(c *catalogue.Catalogue, scores map[string]Score) Tally {
	max := c.Scoring.Max()
	var t Tally
	for _, b := range c.Bab {
		bab := Rollup{ID: b.ID, Title: b.Title}
		for _, s := range b.Standar {
			std := Rollup{ID: s.ID, Title: s.Title}
			for _, k := range s.Kriteria {
				kr := Rollup{ID: k.ID, Title: k.Title}
				for _, e := range k.Elements {
					sc, ok := scores[e.ID]
					switch {
					case !ok:
						t.Unscored = append(t.Unscored, e.ID)
					case !sc.TDD:
						kr.Add(sc.Value, max)
						std.Add(sc.Value, max)
						bab.Add(sc.Value, max)
					}
				}
				t.Kriteria = append(t.Kriteria, kr)
			}
			t.Standar = append(t.Standar, std)
		}
		if !bab.Assessed {
			t.Partial = true
		}
		t.Bab = append(t.Bab, bab)
	}
	t.Status = c.Scoring.StatusFor(Percents(t.Bab))
	t.Next, t.Gaps = Next(c.Scoring, t.Status, t.Bab)
	return t
}

// Next finds the next better status than status ("" at the best one or
// when nothing is assessed) and, for each assessed Bab of babs, how far it
// is from that status's minimum.
func Next(sc catalogue.Scoring, status string, babs []Rollup) (string, []BabGap) {
	if status == "" {
		return "", nil
	}
	i := slices.IndexFunc(sc.Statuses, func(s catalogue.Status) bool { return s.Name == status })
	if i == 0 {
		return "", nil
	}
	if i < 0 { // below every status
		i = len(sc.Statuses)
	}
	next := sc.Statuses[i-1]
	var out []BabGap
	for _, b := range babs {
		if !b.Assessed {
			continue
		}
		g := BabGap{Bab: b.ID, Percent: b.Percent, Assessed: true, Min: next.Min[b.ID]}
		if b.Percent < g.Min {
			g.Short = g.Min - b.Percent
			// Points p such that (Score+p)/Max ≥ Min/100.
			g.Points = int(math.Ceil(g.Min/100*float64(b.Max) - float64(b.Score) - 1e-9))
		}
		out = append(out, g)
	}
	return next.Name, out
}

// Distance is the sum of the percentage points the Bab lack to reach the
// next status.
func (t Tally) Distance() float64 { return Distance(t.Gaps) }

// Distance sums the percentage points gaps lack, in their order.
func Distance(gaps []BabGap) float64 {
	var d float64
	for _, g := range gaps {
		d += g.Short
	}
	return d
}
