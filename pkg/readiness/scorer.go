package readiness

import (
	"time"

	"github.com/bukti-id/bukti/pkg/catalogue"
)

// Scorer scores readiness against one catalogue. NewScorer lays the
// catalogue out once — every requirement's index, its slots and where
// their states sit in a flat array — so that scoring a facility is one
// pass over its items and one over the catalogue's slots, with a handful
// of allocations, whatever the size of the standard. Score(c, in) and
// NewScorer(c).Score(in) are the same report. A Scorer is immutable and
// safe for concurrent use; it reads the catalogue, which must not change.
type Scorer struct {
	c                 *catalogue.Catalogue
	scoring           catalogue.Scoring // c's, its suggestion table filled in once
	max               int
	byID              map[string][]int32 // requirement ID → its index in reqs (IDs are unique in a parsed catalogue)
	reqs              []reqLayout        // every requirement, in catalogue order
	elems             []elemLayout       // every EP, in catalogue order
	slots             int                // slots of every requirement
	kriteria, standar int
}

// reqLayout is one requirement laid out: its slots (catalogue.Requirement
// Slots) hold states first, first+1, … of a facility's slot states.
type reqLayout struct {
	r     *catalogue.Requirement
	slots []catalogue.Slot
	first int
	kind  uint8
}

// Requirement kinds.
const (
	kindFile      = iota // R, D: documents that count
	kindInterview        // W: interview preparation, never counts
	kindOnSite           // O, S: verified on site, not looked at
)

// elemLayout is one EP: its requirements are reqs[first:end].
type elemLayout struct {
	e          *catalogue.Element
	first, end int
}

// Slot states, ordered from worst to best: a slot takes the best state of
// the evidence for it.
const (
	stMissing uint8 = iota
	stRejected
	stExpired
	stPresent
)

var stateNames = [...]string{stMissing: SlotMissing, stRejected: SlotRejected, stExpired: SlotExpired, stPresent: SlotPresent}

// NewScorer lays c out for scoring.
func NewScorer(c *catalogue.Catalogue) *Scorer {
	s := &Scorer{c: c, scoring: c.Scoring, max: c.Scoring.Max(), byID: map[string][]int32{}}
	if len(s.scoring.Suggest) == 0 {
		// What SuggestFor would otherwise build at every call.
		s.scoring.Suggest = catalogue.DefaultSuggest(s.scoring.Values)
	}
	for _, b := range c.Bab {
		s.standar += len(b.Standar)
		for _, st := range b.Standar {
			s.kriteria += len(st.Kriteria)
			for _, k := range st.Kriteria {
				for ei := range k.Elements {
					e := &k.Elements[ei]
					el := elemLayout{e: e, first: len(s.reqs)}
					for ri := range e.Requirements {
						r := &e.Requirements[ri]
						l := reqLayout{r: r, slots: r.Slots(), first: s.slots}
						switch {
						case r.Method == catalogue.Wawancara:
							l.kind = kindInterview
						case !r.Method.NeedsFile():
							l.kind = kindOnSite
						}
						s.byID[r.ID] = append(s.byID[r.ID], int32(len(s.reqs)))
						s.slots += len(l.slots)
						s.reqs = append(s.reqs, l)
					}
					el.end = len(s.reqs)
					s.elems = append(s.elems, el)
				}
			}
		}
	}
	return s
}

// Catalogue is the catalogue s scores against.
func (s *Scorer) Catalogue() *catalogue.Catalogue { return s.c }

// states computes the state of every slot of the catalogue from in's
// items into st (len s.slots): missing unless an item for the slot is
// there, then the best state of those items. Items for unknown
// requirements, stages or parts, and for O and S items, are ignored.
func (s *Scorer) states(in Input, st []uint8) {
	clear(st)
	y, m, d := in.Now.Date()
	today := dayNumber(y, m, d)
	for i := range in.Items {
		it := &in.Items[i]
		v := stPresent
		switch {
		case it.Rejected:
			v = stRejected
		case it.ValidUntil != nil && utcDayNumber(*it.ValidUntil) < today:
			v = stExpired
		}
		for _, ri := range s.byID[it.RequirementID] {
			r := &s.reqs[ri]
			if r.kind == kindOnSite {
				continue
			}
			for j := range r.slots {
				if r.slots[j].Stage == it.Stage && r.slots[j].Part == it.Part && v > st[r.first+j] {
					st[r.first+j] = v
				}
			}
		}
	}
}

// dayNumber counts the days from 1970-01-01 to a calendar date.
func dayNumber(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// utcDayNumber is the dayNumber of t's UTC calendar date: a valid-until
// date is read so (see Input.Now).
func utcDayNumber(t time.Time) int64 {
	y, m, d := t.UTC().Date()
	return dayNumber(y, m, d)
}

// tally counts the slots present, expired and rejected.
func tally(st []uint8) (present, expired, rejected int) {
	for _, v := range st {
		switch v {
		case stPresent:
			present++
		case stExpired:
			expired++
		case stRejected:
			rejected++
		}
	}
	return present, expired, rejected
}

// suggest is the score an EP's documents earn with present of slots R and
// D slots present and valid.
func (s *Scorer) suggest(present, slots int) (fraction float64, score int) {
	if slots > 0 {
		fraction = float64(present) / float64(slots)
	}
	return fraction, s.scoring.SuggestFor(fraction)
}

// Score computes the readiness report of in (see the package comment and
// the package function Score).
func (s *Scorer) Score(in Input) Report {
	st := make([]uint8, s.slots)
	s.states(in, st)
	c := s.c
	// Every node of the tree is cut from one allocation per level.
	reqs := make([]RequirementScore, len(s.reqs))
	slots := make([]SlotState, s.slots)
	elems := make([]ElementScore, len(s.elems))
	kriteria := make([]KriteriaScore, 0, s.kriteria)
	standar := make([]StandarScore, 0, s.standar)
	rep := Report{Catalogue: c.ID + "@" + c.Version, Bab: make([]BabScore, 0, len(c.Bab))}
	without := make([]Rollup, 0, len(c.Bab))
	ei := 0
	for _, b := range c.Bab {
		bs := BabScore{Rollup: Rollup{ID: b.ID, Title: b.Title}}
		bw := Rollup{ID: b.ID, Title: b.Title}
		s0 := len(standar)
		for _, sd := range b.Standar {
			ss := StandarScore{Rollup: Rollup{ID: sd.ID, Title: sd.Title}}
			k0 := len(kriteria)
			for _, k := range sd.Kriteria {
				ks := KriteriaScore{Rollup: Rollup{ID: k.ID, Title: k.Title}, Elements: elems[ei : ei+len(k.Elements) : ei+len(k.Elements)]}
				for i := range k.Elements {
					reason, tdd := in.NotApplicable[k.Elements[i].ID]
					es := &ks.Elements[i]
					s.element(es, &s.elems[ei], st, reqs, slots, tdd)
					es.TDDReason = reason
					ei++
					if tdd {
						rep.TDDProposed++
					}
					if !es.Projectable {
						rep.Unprojectable++
						continue
					}
					bw.Add(es.Suggested, s.max)
					if !tdd {
						ks.Add(es.Suggested, s.max)
						ss.Add(es.Suggested, s.max)
						bs.Add(es.Suggested, s.max)
					}
				}
				kriteria = append(kriteria, ks)
			}
			ss.Kriteria = kriteria[k0:len(kriteria):len(kriteria)]
			standar = append(standar, ss)
		}
		bs.Standar = standar[s0:len(standar):len(standar)]
		rep.Bab = append(rep.Bab, bs)
		without = append(without, bw)
	}
	p := Project(c, babRollups(rep.Bab))
	rep.Status, rep.Partial = p.Status, p.Partial
	if rep.TDDProposed > 0 {
		w := Project(c, without)
		rep.WithoutTDD = &w
	}
	return rep
}

func babRollups(babs []BabScore) []Rollup {
	out := make([]Rollup, len(babs))
	for i, b := range babs {
		out[i] = b.Rollup
	}
	return out
}

// element fills es with the score of one EP from the slot states st,
// cutting its requirements from reqs and their slots from slots.
func (s *Scorer) element(es *ElementScore, el *elemLayout, st []uint8, reqs []RequirementScore, slots []SlotState, tdd bool) {
	*es = ElementScore{ID: el.e.ID, TDD: tdd, Requirements: reqs[el.first:el.end:el.end]}
	for i := range es.Requirements {
		l := &s.reqs[el.first+i]
		rs := &es.Requirements[i]
		s.requirement(rs, l, st, slots)
		switch {
		case l.kind == kindInterview:
			es.Interview.Named += rs.Present
			es.Interview.Roles += len(rs.Slots)
		case rs.Counted:
			es.Projectable = true
			es.Counted++
			if rs.Met {
				es.Met++
			}
			es.SlotsPresent += rs.Present
			es.Slots += len(rs.Slots)
		}
		if tdd && rs.Counted {
			rs.Counted, rs.Reason = false, ReasonTDD
		}
	}
	fraction, suggested := s.suggest(es.SlotsPresent, es.Slots)
	es.Fraction = fraction
	if es.Projectable {
		es.Suggested = suggested
	}
}

// requirement fills rs with the score of one requirement from the slot
// states st, cutting its slots from slots.
func (s *Scorer) requirement(rs *RequirementScore, l *reqLayout, st []uint8, slots []SlotState) {
	*rs = RequirementScore{ID: l.r.ID, Method: string(l.r.Method), Counted: l.kind == kindFile}
	if l.kind == kindOnSite {
		rs.Reason = ReasonOnSite
		return
	}
	n := len(l.slots)
	mine := st[l.first : l.first+n]
	rs.Present, rs.Expired, rs.Rejected = tally(mine)
	if n > 0 {
		rs.Slots = slots[l.first : l.first+n : l.first+n]
		for j, v := range mine {
			rs.Slots[j] = SlotState{Slot: l.slots[j], State: stateNames[v]}
		}
	}
	rs.Progress = float64(rs.Present) / float64(n)
	switch {
	case l.kind == kindInterview:
		rs.Met, rs.Reason = rs.Present == n, ReasonInterview
	case rs.Present == n:
		rs.Met, rs.Reason = true, ReasonMet
	case rs.Present > 0:
		rs.Reason = ReasonIncomplete
	default:
		rs.Reason = ReasonMissing
	}
}

// Standing is what one requirement counts for in a Brief.
type Standing uint8

// Standings: uncounted (a W, O or S item, or an item of an EP proposed
// TDD), met, or the RequirementScore.Problem that keeps a counted one from
// being met.
const (
	StandingUncounted Standing = iota
	StandingMet
	StandingMissing
	StandingRejected
	StandingExpired
	StandingIncomplete
)

// BriefElement is one EP of a Brief: ElementScore's Suggested (from its
// documents, also when TDD), TDD and Projectable.
type BriefElement struct {
	Suggested   int
	TDD         bool
	Projectable bool
}

// Brief is a facility's readiness reduced to what a report over many
// facilities folds: per EP and per requirement of the catalogue, in
// catalogue order, what the Report says of them. Scorer.Brief computes it
// without building the Report; the roll-ups follow from Elements as
// Score rolls up (see pkg/report).
type Brief struct {
	Elements     []BriefElement
	Requirements []Standing
}

// Brief computes the Brief of in into b, reusing b's slices: the same
// numbers as Score(in) (TestBriefMatchesScore).
func (s *Scorer) Brief(in Input, b *Brief) {
	st := make([]uint8, s.slots)
	s.states(in, st)
	b.Elements = append(b.Elements[:0], make([]BriefElement, len(s.elems))...)
	b.Requirements = append(b.Requirements[:0], make([]Standing, len(s.reqs))...)
	for ei := range s.elems {
		el := &s.elems[ei]
		_, tdd := in.NotApplicable[el.e.ID]
		be := BriefElement{TDD: tdd}
		present, total := 0, 0
		for ri := el.first; ri < el.end; ri++ {
			l := &s.reqs[ri]
			if l.kind != kindFile {
				continue // b.Requirements[ri] stays StandingUncounted
			}
			be.Projectable = true
			n := len(l.slots)
			p, expired, rejected := tally(st[l.first : l.first+n])
			present, total = present+p, total+n
			if tdd {
				continue
			}
			switch {
			case p == n:
				b.Requirements[ri] = StandingMet
			case rejected > 0:
				b.Requirements[ri] = StandingRejected
			case expired > 0:
				b.Requirements[ri] = StandingExpired
			case p > 0:
				b.Requirements[ri] = StandingIncomplete
			default:
				b.Requirements[ri] = StandingMissing
			}
		}
		if be.Projectable {
			_, be.Suggested = s.suggest(present, total)
		}
		b.Elements[ei] = be
	}
}
