package readiness_test

// The scorer as it was before readiness.Scorer laid the catalogue out once:
// the straightforward reading of the rules, kept as the reference that
// TestScorerMatchesReference compares readiness.Score with.

import (
	"time"

	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/readiness"
)

// referenceScore is readiness.Score as it was: the rules read
// straightforwardly, one map of items by requirement and a walk of the tree.
func referenceScore(c *catalogue.Catalogue, in readiness.Input) readiness.Report {
	byReq := map[string][]readiness.Item{}
	for _, it := range in.Items {
		byReq[it.RequirementID] = append(byReq[it.RequirementID], it)
	}
	max := c.Scoring.Max()
	rep := readiness.Report{Catalogue: c.ID + "@" + c.Version, Bab: make([]readiness.BabScore, 0, len(c.Bab))}
	without := make([]readiness.Rollup, 0, len(c.Bab))
	for _, b := range c.Bab {
		bs := readiness.BabScore{Rollup: readiness.Rollup{ID: b.ID, Title: b.Title}, Standar: make([]readiness.StandarScore, 0, len(b.Standar))}
		bw := readiness.Rollup{ID: b.ID, Title: b.Title}
		for _, s := range b.Standar {
			ss := readiness.StandarScore{Rollup: readiness.Rollup{ID: s.ID, Title: s.Title}, Kriteria: make([]readiness.KriteriaScore, 0, len(s.Kriteria))}
			for _, k := range s.Kriteria {
				ks := readiness.KriteriaScore{Rollup: readiness.Rollup{ID: k.ID, Title: k.Title}, Elements: make([]readiness.ElementScore, 0, len(k.Elements))}
				for _, e := range k.Elements {
					reason, tdd := in.NotApplicable[e.ID]
					es := refElement(c, e, byReq, tdd, in.Now)
					es.TDDReason = reason
					ks.Elements = append(ks.Elements, es)
					if tdd {
						rep.TDDProposed++
					}
					if !es.Projectable {
						rep.Unprojectable++
						continue
					}
					bw.Add(es.Suggested, max)
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
		rep.Bab = append(rep.Bab, bs)
		without = append(without, bw)
	}
	p := refProject(c, refBabRollups(rep.Bab))
	rep.Status, rep.Partial = p.Status, p.Partial
	if rep.TDDProposed > 0 {
		w := refProject(c, without)
		rep.WithoutTDD = &w
	}
	return rep
}

func refBabRollups(babs []readiness.BabScore) []readiness.Rollup {
	out := make([]readiness.Rollup, len(babs))
	for i, b := range babs {
		out[i] = b.Rollup
	}
	return out
}

// refProject is readiness.Project as it was.
func refProject(c *catalogue.Catalogue, babs []readiness.Rollup) readiness.Projection {
	p := readiness.Projection{Bab: babs}
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

func refElement(c *catalogue.Catalogue, e catalogue.Element, byReq map[string][]readiness.Item, tdd bool, now time.Time) readiness.ElementScore {
	es := readiness.ElementScore{ID: e.ID, TDD: tdd, Requirements: make([]readiness.RequirementScore, 0, len(e.Requirements))}
	for _, r := range e.Requirements {
		rs := refRequirement(r, byReq[r.ID], now)
		switch {
		case r.Method == catalogue.Wawancara:
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
			rs.Counted, rs.Reason = false, readiness.ReasonTDD
		}
		es.Requirements = append(es.Requirements, rs)
	}
	if es.Slots > 0 {
		es.Fraction = float64(es.SlotsPresent) / float64(es.Slots)
	}
	if es.Projectable {
		es.Suggested = c.Scoring.SuggestFor(es.Fraction)
	}
	return es
}

func refRequirement(r catalogue.Requirement, items []readiness.Item, now time.Time) readiness.RequirementScore {
	rs := readiness.RequirementScore{ID: r.ID, Method: string(r.Method), Counted: r.Method.NeedsFile()}
	if !rs.Counted && r.Method != catalogue.Wawancara {
		rs.Reason = readiness.ReasonOnSite
		return rs
	}
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	for _, slot := range r.Slots() {
		state := readiness.SlotMissing
		for _, it := range items {
			if it.Stage != slot.Stage || it.Part != slot.Part {
				continue
			}
			state = refBetter(state, refItemState(it, today))
		}
		switch state {
		case readiness.SlotPresent:
			rs.Present++
		case readiness.SlotExpired:
			rs.Expired++
		case readiness.SlotRejected:
			rs.Rejected++
		}
		rs.Slots = append(rs.Slots, readiness.SlotState{Slot: slot, State: state})
	}
	rs.Progress = float64(rs.Present) / float64(len(rs.Slots))
	switch {
	case r.Method == catalogue.Wawancara:
		rs.Met, rs.Reason = rs.Present == len(rs.Slots), readiness.ReasonInterview
	case rs.Present == len(rs.Slots):
		rs.Met, rs.Reason = true, readiness.ReasonMet
	case rs.Present > 0:
		rs.Reason = readiness.ReasonIncomplete
	default:
		rs.Reason = readiness.ReasonMissing
	}
	return rs
}

func refItemState(it readiness.Item, today time.Time) string {
	switch {
	case it.Rejected:
		return readiness.SlotRejected
	case it.ValidUntil != nil && refDateOf(*it.ValidUntil).Before(today):
		return readiness.SlotExpired
	default:
		return readiness.SlotPresent
	}
}

var refRank = map[string]int{readiness.SlotPresent: 3, readiness.SlotExpired: 2, readiness.SlotRejected: 1, readiness.SlotMissing: 0}

func refBetter(a, b string) string {
	if refRank[b] > refRank[a] {
		return b
	}
	return a
}

// refDateOf keeps the UTC calendar date of t.
func refDateOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
