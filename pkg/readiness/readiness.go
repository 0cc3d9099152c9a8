// Package readiness scores how ready a facility is for the surveyors' visit.
//
// Score is a pure function of a catalogue, the facility's evidence states
// and the time: no I/O, no clock, no globals. It suggests an EP score from
// the evidence (all requirements met → the maximum, some evidence → the
// middle value, none → 0; TDD when the facility marked the EP not
// applicable) and aggregates per kriteria, standar and Bab as
// Σ score ÷ (max × applicable EP) × 100, then projects the status from the
// catalogue's threshold table.
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
	ReasonTDD        = "tdd"        // the EP is not applicable
)

// SlotState is the state of one slot.
type SlotState struct {
	catalogue.Slot
	State string `json:"state"`
}

// RequirementScore says whether one requirement is met, and why not.
type RequirementScore struct {
	ID       string      `json:"id"`
	Method   string      `json:"method"`
	Counted  bool        `json:"counted"` // false for O/S items and TDD elements
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
	ID           string             `json:"id"`
	TDD          bool               `json:"tdd"`
	TDDReason    string             `json:"tdd_reason,omitempty"`
	Suggested    int                `json:"suggested"` // meaningless when TDD
	Met          int                `json:"met"`       // counted requirements met
	Counted      int                `json:"counted"`   // requirements that count
	Fraction     float64            `json:"fraction"`  // Met ÷ Counted, 0..1
	Requirements []RequirementScore `json:"requirements"`
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

// Report is the readiness of one facility against one catalogue.
type Report struct {
	Catalogue string     `json:"catalogue"` // "<id>@<version>"
	Bab       []BabScore `json:"bab"`
	// Status is the projected status over the assessed Bab ("" when none is).
	Status string `json:"status"`
	// Partial is true when some Bab of the catalogue has no applicable EP,
	// so Status is projected from the Bab that do.
	Partial bool `json:"partial"`
}

// Score computes the readiness report. It never fails: evidence for unknown
// requirements, stages or parts is ignored.
func Score(c *catalogue.Catalogue, in Input) Report {
	byReq := map[string][]Item{}
	for _, it := range in.Items {
		byReq[it.RequirementID] = append(byReq[it.RequirementID], it)
	}
	max := c.Scoring.Max()
	rep := Report{Catalogue: c.ID + "@" + c.Version, Bab: make([]BabScore, 0, len(c.Bab))}
	percents := map[string]float64{}
	for _, b := range c.Bab {
		bs := BabScore{Rollup: Rollup{ID: b.ID, Title: b.Title}, Standar: make([]StandarScore, 0, len(b.Standar))}
		for _, s := range b.Standar {
			ss := StandarScore{Rollup: Rollup{ID: s.ID, Title: s.Title}, Kriteria: make([]KriteriaScore, 0, len(s.Kriteria))}
			for _, k := range s.Kriteria {
				ks := KriteriaScore{Rollup: Rollup{ID: k.ID, Title: k.Title}, Elements: make([]ElementScore, 0, len(k.Elements))}
				for _, e := range k.Elements {
					reason, tdd := in.NotApplicable[e.ID]
					es := scoreElement(c, e, byReq, tdd, in.Now)
					es.TDDReason = reason
					ks.Elements = append(ks.Elements, es)
					if !tdd {
						ks.Add(es.Suggested, max)
						ss.Add(es.Suggested, max)
						bs.Add(es.Suggested, max)
					}
				}
				ss.Kriteria = append(ss.Kriteria, ks)
			}
			bs.Standar = append(bs.Standar, ss)
		}
		if bs.Assessed {
			percents[b.ID] = bs.Percent
		} else {
			rep.Partial = true
		}
		rep.Bab = append(rep.Bab, bs)
	}
	rep.Status = c.Scoring.StatusFor(percents)
	return rep
}

func scoreElement(c *catalogue.Catalogue, e catalogue.Element, byReq map[string][]Item, tdd bool, now time.Time) ElementScore {
	es := ElementScore{ID: e.ID, TDD: tdd, Requirements: make([]RequirementScore, 0, len(e.Requirements))}
	anyPresent := false
	for _, r := range e.Requirements {
		rs := scoreRequirement(r, byReq[r.ID], now)
		if tdd {
			rs.Counted, rs.Reason = false, ReasonTDD
		}
		if rs.Counted {
			es.Counted++
			if rs.Met {
				es.Met++
			}
			anyPresent = anyPresent || rs.Present > 0
		}
		es.Requirements = append(es.Requirements, rs)
	}
	if es.Counted > 0 {
		es.Fraction = float64(es.Met) / float64(es.Counted)
	}
	es.Suggested = suggest(c.Scoring.Values, es.Met, es.Counted, anyPresent)
	return es
}

// suggest maps evidence to a score value: all met → highest, something
// present → the middle value (or the lowest when there are only two),
// nothing → lowest. An EP with nothing to count gets the highest value: its
// requirements are all verified on site.
func suggest(values []int, met, counted int, anyPresent bool) int {
	lowest, highest := values[len(values)-1], values[0]
	switch {
	case met == counted:
		return highest
	case anyPresent && len(values) > 2:
		return values[len(values)/2]
	default:
		return lowest
	}
}

func scoreRequirement(r catalogue.Requirement, items []Item, now time.Time) RequirementScore {
	rs := RequirementScore{ID: r.ID, Method: string(r.Method), Counted: r.Method.NeedsFile() || r.Method == catalogue.Wawancara}
	if !rs.Counted {
		rs.Reason = ReasonOnSite
		return rs
	}
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	for _, slot := range r.Slots() {
		state := SlotMissing
		for _, it := range items {
			if it.Stage != slot.Stage || it.Part != slot.Part {
				continue
			}
			state = better(state, itemState(it, today))
		}
		switch state {
		case SlotPresent:
			rs.Present++
		case SlotExpired:
			rs.Expired++
		case SlotRejected:
			rs.Rejected++
		}
		rs.Slots = append(rs.Slots, SlotState{Slot: slot, State: state})
	}
	rs.Progress = float64(rs.Present) / float64(len(rs.Slots))
	switch {
	case rs.Present == len(rs.Slots):
		rs.Met, rs.Reason = true, ReasonMet
	case rs.Present > 0:
		rs.Reason = ReasonIncomplete
	default:
		rs.Reason = ReasonMissing
	}
	return rs
}

func itemState(it Item, today time.Time) string {
	switch {
	case it.Rejected:
		return SlotRejected
	case it.ValidUntil != nil && dateOf(*it.ValidUntil).Before(today):
		return SlotExpired
	default:
		return SlotPresent
	}
}

var rank = map[string]int{SlotPresent: 3, SlotExpired: 2, SlotRejected: 1, SlotMissing: 0}

func better(a, b string) string {
	if rank[b] > rank[a] {
		return b
	}
	return a
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
