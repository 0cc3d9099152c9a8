// Package readiness scores how ready a facility is for the surveyors' visit.
//
// Score is a pure function of a catalogue, the facility's evidence states
// and the time: no I/O, no clock, no globals. The rules, which gap reports,
// trends, survey suggestions and the dashboard all read from here:
//
//   - An EP's score is suggested from documentary evidence only: the
//     fraction of its R and D slots present and valid, mapped to a score by
//     the catalogue's suggestion table (catalogue.Scoring.SuggestFor).
//   - W items are interview preparation: the roles named are reported as
//     their own check (Interview) and never change a score. O and S items
//     are verified on site and count nowhere.
//   - An EP with no R or D item cannot be projected: it counts neither for
//     nor against any group, and the report counts such EP (Unprojectable).
//   - An EP the facility marked TDD is a proposal: the groups and Status
//     leave it out as if the surveyors accepted it, and WithoutTDD projects
//     the same report with those EP scored on their evidence.
//   - Groups aggregate as Σ score ÷ (max × projected EP) × 100. The status
//     is projected only when every Bab of the catalogue has a projected
//     EP; otherwise Status is "" and Partial is set (the Bab percentages
//     still stand).
package readiness

import (
	"iter"
	"time"

	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/scoring"
)

// Item is the state of one piece of evidence for one slot of a requirement.
// For a W requirement, Part is the interviewee role that has been named.
type Item struct {
	RequirementID string
	Stage, Part   string
	Rejected      bool       // a surveyor rejected it
	ValidUntil    *time.Time // nil: no expiry
}

// Input is everything the scorer looks at.
type Input struct {
	Items         []Item
	NotApplicable map[string]string // EP ID → reason (TDD)
	// Now is the scoring time. Evidence valid until a calendar date before
	// Now's date, in Now's location, is expired; ValidUntil is a date and
	// only its UTC year, month and day are read.
	Now time.Time
}

// Slot states, from best to worst.
const (
	SlotPresent  = "present"
	SlotExpired  = "expired"
	SlotRejected = "rejected"
	SlotMissing  = "missing"
)

// Requirement reasons.
const (
	ReasonMet        = "met"        // every slot present
	ReasonIncomplete = "incomplete" // some slots present, some not
	ReasonMissing    = "missing"    // no slot present
	ReasonOnSite     = "on_site"    // O/S: verified by the surveyor on site, not counted
	ReasonInterview  = "interview"  // W: interview preparation, not counted
	ReasonTDD        = "tdd"        // the EP is proposed not applicable
)

// SlotState is the state of one slot.
type SlotState struct {
	catalogue.Slot
	State string `json:"state"`
}

// RequirementScore says whether one requirement is met, and why not. For a
// W item the slots are its interviewee roles, present when named.
type RequirementScore struct {
	ID       string      `json:"id"`
	Method   string      `json:"method"`
	Counted  bool        `json:"counted"` // true for R and D items of an EP not marked TDD
	Met      bool        `json:"met"`
	Reason   string      `json:"reason"`
	Present  int         `json:"present"` // slots present
	Slots    []SlotState `json:"slots"`
	Progress float64     `json:"progress"` // present ÷ slots, 0..1
	Expired  int         `json:"expired,omitempty"`
	Rejected int         `json:"rejected,omitempty"`
}

// ElementScore is the suggested score of one EP.
type ElementScore struct {
	ID        string `json:"id"`
	TDD       bool   `json:"tdd"` // the facility proposes it not applicable
	TDDReason string `json:"tdd_reason,omitempty"`
	// Projectable is false for an EP with no R or D item: nothing to
	// suggest a score from before the surveyors come.
	Projectable bool `json:"projectable"`
	// Suggested is the score its documents earn (also when TDD, for the
	// projection without TDD); meaningless unless Projectable.
	Suggested    int                `json:"suggested"`
	Met          int                `json:"met"`           // R and D items met
	Counted      int                `json:"counted"`       // R and D items
	SlotsPresent int                `json:"slots_present"` // R and D slots present and valid
	Slots        int                `json:"slots"`         // R and D slots
	Fraction     float64            `json:"fraction"`      // SlotsPresent ÷ Slots, 0..1
	Interview    Interview          `json:"interview"`
	Requirements []RequirementScore `json:"requirements"`
}

// Interview is the interview preparation of an EP: how many of the roles
// its W items ask for are named. It never changes a score.
type Interview struct {
	Named int `json:"named"`
	Roles int `json:"roles"`
}

// Rollup is the achievement of a group of EP (kriteria, standar or Bab).
type Rollup = scoring.Rollup

// KriteriaScore rolls up the EP of one kriteria.
type KriteriaScore struct {
	Rollup
	Elements []ElementScore `json:"elements"`
}

// StandarScore rolls up the kriteria of one standar.
type StandarScore struct {
	Rollup
	Kriteria []KriteriaScore `json:"kriteria"`
}

// BabScore rolls up the standar of one Bab.
type BabScore struct {
	Rollup
	Standar []StandarScore `json:"standar"`
}

// Report is the readiness of one facility against one catalogue, with the
// facility's TDD proposals accepted.
type Report struct {
	Catalogue string     `json:"catalogue"` // "<id>@<version>"
	Bab       []BabScore `json:"bab"`
	// Status is the projected status; "" when Partial.
	Status string `json:"status"`
	// Partial is true when some Bab of the catalogue has no projected EP
	// (a partial catalogue, or every EP of a Bab TDD or unprojectable): no
	// status can be projected.
	Partial bool `json:"partial"`
	// Unprojectable counts the EP with no R or D item.
	Unprojectable int `json:"unprojectable"`
	// TDDProposed counts the EP the facility marked TDD.
	TDDProposed int `json:"tdd_proposed"`
	// WithoutTDD is the projection should the surveyors refuse every TDD
	// proposal; nil when there is none.
	WithoutTDD *Projection `json:"without_tdd,omitempty"`
}

// Projection is a Bab-level projection: each Bab's achievement and the
// status they earn ("" when Partial).
type Projection struct {
	Bab     []Rollup `json:"bab"`
	Status  string   `json:"status"`
	Partial bool     `json:"partial"`
}

// Score computes the readiness report. It never fails: evidence for unknown
// requirements, stages or parts is ignored. It lays c out first; to score
// many inputs against one catalogue, use a Scorer.
func Score(c *catalogue.Catalogue, in Input) Report {
	return NewScorer(c).Score(in)
}

// Project derives the status from Bab roll-ups, only when every Bab of
// the catalogue is assessed (otherwise Partial, and no status). Score
// projects with it, and so does whatever rolls up scores Score computed
// (the gap reports' score cache), so that a status means the same
// everywhere.
func Project(c *catalogue.Catalogue, babs []Rollup) Projection {
	p := Projection{Bab: babs}
	percents := map[string]float64{}
	for _, b := range babs {
		if !b.Assessed {
			p.Partial = true
		}
		percents[b.ID] = b.Percent
	}
	if !p.Partial && len(babs) > 0 {
		p.Status = c.Scoring.StatusFor(percents)
	}
	return p
}

// dateOf keeps the UTC calendar date of t.
func dateOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Elements yields every EP's score in catalogue order.
func (r Report) Elements() iter.Seq[*ElementScore] {
	return func(yield func(*ElementScore) bool) {
		for bi := range r.Bab {
			for si := range r.Bab[bi].Standar {
				for ki := range r.Bab[bi].Standar[si].Kriteria {
					k := &r.Bab[bi].Standar[si].Kriteria[ki]
					for ei := range k.Elements {
						if !yield(&k.Elements[ei]) {
							return
						}
					}
				}
			}
		}
	}
}

// Element finds an EP's score in the report (a linear walk: build a map
// from Elements for many lookups).
func (r Report) Element(id string) (ElementScore, bool) {
	for e := range r.Elements() {
		if e.ID == id {
			return *e, true
		}
	}
	return ElementScore{}, false
}

// Suggestion is the score readiness suggests for the EP, and whether it
// suggests one: never for an EP proposed TDD (the surveyors decide whether
// it applies) nor for one it cannot project (no R or D item). Everything
// that shows or stores a suggestion asks here.
func (e ElementScore) Suggestion() (int, bool) {
	if e.TDD || !e.Projectable {
		return 0, false
	}
	return e.Suggested, true
}

// Requirement finds a requirement's score in an EP's score.
func (e ElementScore) Requirement(id string) (RequirementScore, bool) {
	for _, r := range e.Requirements {
		if r.ID == id {
			return r, true
		}
	}
	return RequirementScore{}, false
}

// Problems of an unmet requirement, most urgent first after missing.
const (
	ProblemMissing    = "missing"    // nothing present
	ProblemRejected   = "rejected"   // a surveyor rejected what is there
	ProblemExpired    = "expired"    // what is there is past its valid-until date
	ProblemIncomplete = "incomplete" // some slots present, others not
)

// Problem says why a counted requirement is not met, or "" when it is met
// or does not count.
func (r RequirementScore) Problem() string {
	switch {
	case !r.Counted || r.Met:
		return ""
	case r.Rejected > 0:
		return ProblemRejected
	case r.Expired > 0:
		return ProblemExpired
	case r.Present > 0:
		return ProblemIncomplete
	default:
		return ProblemMissing
	}
}
