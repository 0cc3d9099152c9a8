package readiness_test

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/readiness"
)

// randomInput is evidence for about share of c's requirements, of every
// kind the scorer meets: right and wrong stages, parts and roles, rejected,
// dated around now (expired, today, later), duplicated, for requirements
// and EP the catalogue does not have, and TDD marks.
func randomInput(r *rand.Rand, c *catalogue.Catalogue, share float64, now time.Time) readiness.Input {
	in := readiness.Input{Now: now, NotApplicable: map[string]string{}}
	date := func() *time.Time {
		if r.IntN(3) > 0 {
			return nil
		}
		// Around now's date in UTC and in other zones, at midnight or not.
		zones := []*time.Location{time.UTC, time.FixedZone("WIB", 7*3600), time.FixedZone("HST", -10*3600)}
		d := now.AddDate(0, 0, r.IntN(5)-2).Add(time.Duration(r.IntN(48)-24) * time.Hour).In(zones[r.IntN(len(zones))])
		if r.IntN(2) == 0 {
			y, m, dd := d.Date()
			d = time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
		}
		return &d
	}
	for rq, place := range c.Requirements() {
		if r.Float64() > share {
			continue
		}
		slots := rq.Slots()
		for range 1 + r.IntN(3) {
			it := readiness.Item{RequirementID: rq.ID, Rejected: r.IntN(6) == 0, ValidUntil: date()}
			if len(slots) > 0 {
				sl := slots[r.IntN(len(slots))]
				it.Stage, it.Part = sl.Stage, sl.Part
			}
			switch r.IntN(12) {
			case 0:
				it.Stage = "tahap-lain"
			case 1:
				it.Part = "bagian-lain"
			case 2:
				it.RequirementID += "x"
			}
			in.Items = append(in.Items, it)
		}
		if r.IntN(40) == 0 {
			in.NotApplicable[place.Element.ID] = "Tidak berlaku di wilayah ini."
		}
	}
	if r.IntN(3) == 0 {
		in.NotApplicable["9.9.9/z"] = "EP yang tidak ada."
	}
	r.Shuffle(len(in.Items), func(i, j int) { in.Items[i], in.Items[j] = in.Items[j], in.Items[i] })
	return in
}

// TestScorerMatchesReference checks that Score, which lays the catalogue
// out once, gives exactly the report of the straightforward scorer it
// replaced (reference_test.go), value for value and byte for byte in JSON,
// on random evidence over the complete standard and Kriteria 2.1.2.
func TestScorerMatchesReference(t *testing.T) {
	wib := time.FixedZone("WIB", 7*3600)
	for _, tc := range []struct {
		name string
		cat  *catalogue.Catalogue
	}{
		{"complete standard", criteria.MustBuiltin()},
		{"kriteria 2.1.2", kriteria212(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := readiness.NewScorer(tc.cat)
			r := rand.New(rand.NewPCG(1, 2))
			for i := range 60 {
				when := now
				if i%2 == 1 {
					when = time.Date(2026, 11, 25, 6, 0, 0, 0, wib) // already the 25th in Jakarta
				}
				in := randomInput(r, tc.cat, []float64{0, 0.05, 0.5, 0.9, 1}[i%5], when)
				want := referenceScore(tc.cat, in)
				for _, got := range []readiness.Report{s.Score(in), readiness.Score(tc.cat, in)} {
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("input %d: the scorer's report differs from the reference's", i)
					}
					gj, err1 := json.Marshal(got)
					wj, err2 := json.Marshal(want)
					if err1 != nil || err2 != nil || string(gj) != string(wj) {
						t.Fatalf("input %d: JSON differs (%v, %v)", i, err1, err2)
					}
				}
			}
		})
	}
}

// TestBriefMatchesScore checks that a Brief says of every EP and
// requirement what the Report says: the suggestion, TDD and projectable
// flags, and whether a requirement counts, is met, or which Problem keeps
// it from being met.
func TestBriefMatchesScore(t *testing.T) {
	c := criteria.MustBuiltin()
	s := readiness.NewScorer(c)
	r := rand.New(rand.NewPCG(3, 4))
	var b readiness.Brief // reused: Brief must overwrite what it held
	for i := range 40 {
		in := randomInput(r, c, []float64{0, 0.3, 0.7, 1}[i%4], now)
		rep := s.Score(in)
		s.Brief(in, &b)
		var ei, ri int
		for e := range rep.Elements() {
			want := readiness.BriefElement{Suggested: e.Suggested, TDD: e.TDD, Projectable: e.Projectable}
			if got := b.Elements[ei]; got != want {
				t.Fatalf("input %d: EP %s: brief %+v, report %+v", i, e.ID, got, want)
			}
			ei++
			for _, rq := range e.Requirements {
				want := readiness.StandingUncounted
				switch {
				case !rq.Counted:
				case rq.Met:
					want = readiness.StandingMet
				default:
					want = map[string]readiness.Standing{readiness.ProblemMissing: readiness.StandingMissing,
						readiness.ProblemRejected: readiness.StandingRejected, readiness.ProblemExpired: readiness.StandingExpired,
						readiness.ProblemIncomplete: readiness.StandingIncomplete}[rq.Problem()]
				}
				if got := b.Requirements[ri]; got != want {
					t.Fatalf("input %d: requirement %s (%s): brief %d, report %d", i, rq.ID, rq.Reason, got, want)
				}
				ri++
			}
		}
		if ei != len(b.Elements) || ri != len(b.Requirements) {
			t.Fatalf("input %d: brief of %d EP and %d requirements, report of %d and %d", i, len(b.Elements), len(b.Requirements), ei, ri)
		}
	}
}

// BenchmarkScore scores one nearly complete facility on the complete
// standard, with the layout built once (Scorer) and for every report
// (Score), and its Brief.
func BenchmarkScore(b *testing.B) {
	c := criteria.MustBuiltin()
	in := randomInput(rand.New(rand.NewPCG(5, 6)), c, 0.9, now)
	s := readiness.NewScorer(c)
	for _, bc := range []struct {
		name string
		fn   func()
	}{
		{"scorer", func() { s.Score(in) }},
		{"score", func() { readiness.Score(c, in) }},
		{"brief", func() {
			var br readiness.Brief
			s.Brief(in, &br)
		}},
		{"reference", func() { referenceScore(c, in) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bc.fn()
			}
			b.ReportMetric(float64(len(in.Items)), "items")
		})
	}
}
