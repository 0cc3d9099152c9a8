package readiness_test

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/readiness"
)

// now is the fixed clock of every test: 24 November 2026, 10:00 UTC.
var now = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

const tol = 1e-9

// ---------------------------------------------------------------------------
// Evidence builders for the catalogue of Kriteria 2.1.2 alone
// (kriteria-2.1.2.yaml, pkp-2023@2023.1: the built-in catalogue before the
// complete standard, EP b keyed D1 RPK and D2 stages × parts). IDs, stages,
// parts and roles are written out here, not read from the catalogue, so that
// a change to the data file that would orphan stored evidence fails a test.
// A partial catalogue (only Bab II has EP) is what these tests need: no
// status is ever projected from it.

const k212 = "2.1.2/"

var (
	staff             = []string{"Kepala Puskesmas", "Penanggung jawab UKM", "Koordinator Pelayanan UKM", "Pelaksana pelayanan UKM"}
	staffAndCommunity = append(slices.Clone(staff), "Masyarakat")
	d2Stages          = []string{"perencanaan", "pelaksanaan", "perbaikan", "evaluasi"}
	d2Parts           = []string{"daftar_hadir", "notulen", "foto"}

	// builtinSlots is the number of slots of every requirement of 2.1.2.
	builtinSlots = map[string]int{
		"a/R1": 1, "a/R2": 1, "a/R3": 1, "a/D1": 1, "a/D2": 1, "a/W1": 5,
		"b/D1": 1, "b/D2": 12, "b/W1": 5,
		"c/D1": 1, "c/D2": 1, "c/W1": 4,
	}
)

// doc is one file for a requirement without stages or parts ("a/R1").
func doc(key string) readiness.Item { return readiness.Item{RequirementID: k212 + key} }

// part is one file for one stage and part of a multi-part requirement.
func part(key, stage, p string) readiness.Item {
	return readiness.Item{RequirementID: k212 + key, Stage: stage, Part: p}
}

// role names one interviewee of a W requirement.
func role(key, who string) readiness.Item {
	return readiness.Item{RequirementID: k212 + key, Part: who}
}

func roles(key string, who []string) []readiness.Item {
	out := make([]readiness.Item, 0, len(who))
	for _, w := range who {
		out = append(out, role(key, w))
	}
	return out
}

// meeting is every stage × part of b/D2 (12 items).
func meeting() []readiness.Item {
	var out []readiness.Item
	for _, s := range d2Stages {
		for _, p := range d2Parts {
			out = append(out, part("b/D2", s, p))
		}
	}
	return out
}

// stage is every part of one stage of b/D2 (3 items).
func stage(s string) []readiness.Item {
	var out []readiness.Item
	for _, p := range d2Parts {
		out = append(out, part("b/D2", s, p))
	}
	return out
}

func epA() []readiness.Item {
	return join([]readiness.Item{doc("a/R1"), doc("a/R2"), doc("a/R3"), doc("a/D1"), doc("a/D2")}, roles("a/W1", staffAndCommunity))
}

func epB() []readiness.Item {
	return join([]readiness.Item{doc("b/D1")}, meeting(), roles("b/W1", staffAndCommunity))
}

func epC() []readiness.Item {
	return join([]readiness.Item{doc("c/D1"), doc("c/D2")}, roles("c/W1", staff))
}

func everything() []readiness.Item { return join(epA(), epB(), epC()) }

func join(lists ...[]readiness.Item) []readiness.Item {
	var out []readiness.Item
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// without returns items minus those equal to any of drop; it panics when one
// of drop is not in items, so a typo cannot make a case vacuous.
func without(items []readiness.Item, drop ...readiness.Item) []readiness.Item {
	out := slices.Clone(items)
	for _, d := range drop {
		i := slices.IndexFunc(out, func(it readiness.Item) bool { return sameItem(it, d) })
		if i < 0 {
			panic(fmt.Sprintf("without: %+v not in the list", d))
		}
		out = slices.Delete(out, i, i+1)
	}
	return out
}

func sameItem(a, b readiness.Item) bool {
	return a.RequirementID == b.RequirementID && a.Stage == b.Stage && a.Part == b.Part &&
		a.Rejected == b.Rejected && reflect.DeepEqual(a.ValidUntil, b.ValidUntil)
}

func rejected(it readiness.Item) readiness.Item { it.Rejected = true; return it }

func validUntil(it readiness.Item, t time.Time) readiness.Item { it.ValidUntil = &t; return it }

// ---------------------------------------------------------------------------
// Expectations and the checker shared by the 2.1.2 and hand-built tests.

// epWant is the expectation of one EP. Projectable is not listed: an EP is
// projectable exactly when it has an R or D item (counted > 0).
type epWant struct {
	suggested      int // from the R and D slots, also when TDD; not checked when unprojectable
	met, counted   int // R and D items met / R and D items
	present, slots int // R and D slots present and valid / R and D slots
	named, roles   int // interview preparation: W roles named / W roles
}

type reqWant struct {
	reason  string
	present int
}

type rollupWant struct {
	score, max, applicable int
	percent                float64
	assessed               bool
}

// projWant is the expectation of Report.WithoutTDD: every Bab's rollup,
// keyed by Bab ID, and the status it earns.
type projWant struct {
	bab     map[string]rollupWant
	status  string
	partial bool
}

// want is a full expectation of a Report. Maps are keyed by full ID and must
// be exhaustive: every EP, requirement and rollup in the report must be listed.
type want struct {
	catalogue string
	babOrder  []string
	eps       map[string]epWant
	tdd       map[string]string // EP ID → TDD reason
	reqs      map[string]reqWant
	// slotCounts is the number of slots of every R, D and W requirement.
	slotCounts map[string]int
	// slots names the state of particular slots (see slotName). A slot that
	// is not listed must be "present" or "missing".
	slots         map[string]string
	rollups       map[string]rollupWant // "bab:II", "standar:2.1", "kriteria:2.1.2"
	status        string
	partial       bool
	unprojectable int
	tddProposed   int
	withoutTDD    *projWant // nil: Report.WithoutTDD must be nil
}

// slotName is "<req>" for a single-slot requirement, "<req> <stage>/<part>"
// for a staged one and "<req> <role>" for a W item.
func slotName(req string, s catalogue.Slot) string {
	switch {
	case s.Stage != "":
		return req + " " + s.Stage + "/" + s.Part
	case s.Part != "":
		return req + " " + s.Part
	default:
		return req
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= tol }

func checkRollup(t *testing.T, name, id string, got readiness.Rollup, w rollupWant, ok bool) {
	t.Helper()
	if !ok {
		t.Errorf("%s: rollup %s: got one, want no expectation for it (test table incomplete)", name, id)
		return
	}
	if got.Score != w.score {
		t.Errorf("%s: %s Score: got %d, want %d", name, id, got.Score, w.score)
	}
	if got.Max != w.max {
		t.Errorf("%s: %s Max: got %d, want %d", name, id, got.Max, w.max)
	}
	if got.Applicable != w.applicable {
		t.Errorf("%s: %s Applicable: got %d, want %d", name, id, got.Applicable, w.applicable)
	}
	if !near(got.Percent, w.percent) {
		t.Errorf("%s: %s Percent: got %.12f, want %.12f", name, id, got.Percent, w.percent)
	}
	if got.Assessed != w.assessed {
		t.Errorf("%s: %s Assessed: got %v, want %v", name, id, got.Assessed, w.assessed)
	}
}

func checkReport(t *testing.T, name string, got readiness.Report, w want) {
	t.Helper()
	if got.Catalogue != w.catalogue {
		t.Errorf("%s: Catalogue: got %q, want %q", name, got.Catalogue, w.catalogue)
	}
	if got.Status != w.status {
		t.Errorf("%s: Status: got %q, want %q", name, got.Status, w.status)
	}
	if got.Partial != w.partial {
		t.Errorf("%s: Partial: got %v, want %v", name, got.Partial, w.partial)
	}
	if got.Unprojectable != w.unprojectable {
		t.Errorf("%s: Unprojectable: got %d, want %d", name, got.Unprojectable, w.unprojectable)
	}
	if got.TDDProposed != w.tddProposed {
		t.Errorf("%s: TDDProposed: got %d, want %d", name, got.TDDProposed, w.tddProposed)
	}
	checkWithoutTDD(t, name, got.WithoutTDD, w)
	var babIDs []string
	seenRollups := map[string]bool{}
	seenEPs := map[string]bool{}
	seenReqs := map[string]bool{}
	seenSlots := map[string]bool{}
	for _, b := range got.Bab {
		babIDs = append(babIDs, b.ID)
		id := "bab:" + b.ID
		rw, ok := w.rollups[id]
		checkRollup(t, name, id, b.Rollup, rw, ok)
		seenRollups[id] = true
		for _, s := range b.Standar {
			id := "standar:" + s.ID
			rw, ok := w.rollups[id]
			checkRollup(t, name, id, s.Rollup, rw, ok)
			seenRollups[id] = true
			for _, k := range s.Kriteria {
				id := "kriteria:" + k.ID
				rw, ok := w.rollups[id]
				checkRollup(t, name, id, k.Rollup, rw, ok)
				seenRollups[id] = true
				for _, e := range k.Elements {
					seenEPs[e.ID] = true
					checkElement(t, name, e, w, seenReqs, seenSlots)
				}
			}
		}
	}
	if !slices.Equal(babIDs, w.babOrder) {
		t.Errorf("%s: Bab: got %v, want %v", name, babIDs, w.babOrder)
	}
	for _, id := range slices.Sorted(maps.Keys(w.rollups)) {
		if !seenRollups[id] {
			t.Errorf("%s: rollup %s: got none, want one", name, id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(w.eps)) {
		if !seenEPs[id] {
			t.Errorf("%s: EP %s: got none, want one", name, id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(w.reqs)) {
		if !seenReqs[id] {
			t.Errorf("%s: requirement %s: got none, want one", name, id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(w.slots)) {
		if !seenSlots[id] {
			t.Errorf("%s: slot %q: got none, want state %q", name, id, w.slots[id])
		}
	}
}

func checkWithoutTDD(t *testing.T, name string, got *readiness.Projection, w want) {
	t.Helper()
	switch {
	case w.withoutTDD == nil && got != nil:
		t.Errorf("%s: WithoutTDD: got %+v, want nil (no TDD proposed)", name, *got)
		return
	case w.withoutTDD != nil && got == nil:
		t.Errorf("%s: WithoutTDD: got nil, want a projection", name)
		return
	case got == nil:
		return
	}
	pw := w.withoutTDD
	if got.Status != pw.status {
		t.Errorf("%s: WithoutTDD.Status: got %q, want %q", name, got.Status, pw.status)
	}
	if got.Partial != pw.partial {
		t.Errorf("%s: WithoutTDD.Partial: got %v, want %v", name, got.Partial, pw.partial)
	}
	var ids []string
	for _, b := range got.Bab {
		ids = append(ids, b.ID)
		rw, ok := pw.bab[b.ID]
		checkRollup(t, name, "WithoutTDD bab:"+b.ID, b, rw, ok)
	}
	if !slices.Equal(ids, w.babOrder) {
		t.Errorf("%s: WithoutTDD.Bab: got %v, want %v", name, ids, w.babOrder)
	}
}

func checkElement(t *testing.T, name string, e readiness.ElementScore, w want, seenReqs, seenSlots map[string]bool) {
	t.Helper()
	ew, ok := w.eps[e.ID]
	if !ok {
		t.Errorf("%s: EP %s: got one, want no expectation for it (test table incomplete)", name, e.ID)
		return
	}
	reason, tdd := w.tdd[e.ID]
	if e.TDD != tdd {
		t.Errorf("%s: EP %s TDD: got %v, want %v", name, e.ID, e.TDD, tdd)
	}
	if e.TDDReason != reason {
		t.Errorf("%s: EP %s TDDReason: got %q, want %q", name, e.ID, e.TDDReason, reason)
	}
	projectable := ew.counted > 0
	if e.Projectable != projectable {
		t.Errorf("%s: EP %s Projectable: got %v, want %v", name, e.ID, e.Projectable, projectable)
	}
	// A TDD EP still carries the score its documents earn (for WithoutTDD).
	if projectable && e.Suggested != ew.suggested {
		t.Errorf("%s: EP %s Suggested: got %d, want %d", name, e.ID, e.Suggested, ew.suggested)
	}
	if e.Met != ew.met || e.Counted != ew.counted {
		t.Errorf("%s: EP %s met/counted: got %d/%d, want %d/%d", name, e.ID, e.Met, e.Counted, ew.met, ew.counted)
	}
	if e.SlotsPresent != ew.present || e.Slots != ew.slots {
		t.Errorf("%s: EP %s R/D slots present/all: got %d/%d, want %d/%d", name, e.ID, e.SlotsPresent, e.Slots, ew.present, ew.slots)
	}
	wantFraction := 0.0
	if ew.slots > 0 {
		wantFraction = float64(ew.present) / float64(ew.slots)
	}
	if !near(e.Fraction, wantFraction) {
		t.Errorf("%s: EP %s Fraction: got %v, want %v", name, e.ID, e.Fraction, wantFraction)
	}
	if e.Interview != (readiness.Interview{Named: ew.named, Roles: ew.roles}) {
		t.Errorf("%s: EP %s Interview: got %d/%d named, want %d/%d", name, e.ID, e.Interview.Named, e.Interview.Roles, ew.named, ew.roles)
	}
	for _, r := range e.Requirements {
		seenReqs[r.ID] = true
		rw, ok := w.reqs[r.ID]
		if !ok {
			t.Errorf("%s: requirement %s: got one, want no expectation for it (test table incomplete)", name, r.ID)
			continue
		}
		checkRequirement(t, name, r, rw, w, seenSlots)
	}
}

func checkRequirement(t *testing.T, name string, r readiness.RequirementScore, rw reqWant, w want, seenSlots map[string]bool) {
	t.Helper()
	if r.Reason != rw.reason {
		t.Errorf("%s: %s Reason: got %q, want %q", name, r.ID, r.Reason, rw.reason)
	}
	m := catalogue.Method(r.Method)
	if (m == catalogue.Wawancara) != (rw.reason == readiness.ReasonInterview) {
		t.Errorf("%s: %s (method %s): reason %q: W items and only they are %q", name, r.ID, r.Method, rw.reason, readiness.ReasonInterview)
	}
	if (!m.NeedsFile() && m != catalogue.Wawancara) != (rw.reason == readiness.ReasonOnSite) {
		t.Errorf("%s: %s (method %s): reason %q: O and S items and only they are %q", name, r.ID, r.Method, rw.reason, readiness.ReasonOnSite)
	}
	// Only the R and D items of an EP not marked TDD count.
	wantCounted := rw.reason != readiness.ReasonTDD && rw.reason != readiness.ReasonOnSite && rw.reason != readiness.ReasonInterview
	if r.Counted != wantCounted {
		t.Errorf("%s: %s Counted: got %v, want %v", name, r.ID, r.Counted, wantCounted)
	}
	if !wantCounted && r.Problem() != "" {
		t.Errorf("%s: %s Problem: got %q, want \"\" (not counted)", name, r.ID, r.Problem())
	}
	if r.Present != rw.present {
		t.Errorf("%s: %s Present: got %d, want %d", name, r.ID, r.Present, rw.present)
	}
	if rw.reason == readiness.ReasonOnSite {
		// O/S: verified on site, no slots to look at.
		if r.Met || len(r.Slots) != 0 {
			t.Errorf("%s: %s (method %s) met/slots: got %v/%d, want false/0", name, r.ID, r.Method, r.Met, len(r.Slots))
		}
		return
	}
	n, ok := w.slotCounts[r.ID]
	if !ok {
		t.Errorf("%s: %s: no slot count in the test table", name, r.ID)
	} else if len(r.Slots) != n {
		t.Errorf("%s: %s len(Slots): got %d, want %d", name, r.ID, len(r.Slots), n)
	}
	// Met is asserted for counted requirements (every slot present) and
	// for W items (every role named). For the R and D items of a TDD EP the
	// contract fixes the reason ("tdd") and that nothing counts, not Met.
	switch {
	case wantCounted:
		if wantMet := rw.reason == readiness.ReasonMet; r.Met != wantMet {
			t.Errorf("%s: %s Met: got %v, want %v", name, r.ID, r.Met, wantMet)
		}
	case rw.reason == readiness.ReasonInterview && ok:
		if wantMet := rw.present == n; r.Met != wantMet {
			t.Errorf("%s: %s Met (all %d roles named): got %v, want %v", name, r.ID, n, r.Met, wantMet)
		}
	}
	var present, expired, rejectedN int
	for _, s := range r.Slots {
		id := slotName(r.ID, s.Slot)
		seenSlots[id] = true
		switch s.State {
		case readiness.SlotPresent:
			present++
		case readiness.SlotExpired:
			expired++
		case readiness.SlotRejected:
			rejectedN++
		}
		if ws, ok := w.slots[id]; ok {
			if s.State != ws {
				t.Errorf("%s: slot %q state: got %q, want %q", name, id, s.State, ws)
			}
		} else if s.State != readiness.SlotPresent && s.State != readiness.SlotMissing {
			t.Errorf("%s: slot %q state: got %q, want %q or %q", name, id, s.State, readiness.SlotPresent, readiness.SlotMissing)
		}
	}
	if present != r.Present {
		t.Errorf("%s: %s Present: got %d, but %d slots are %q", name, r.ID, r.Present, present, readiness.SlotPresent)
	}
	if expired != r.Expired {
		t.Errorf("%s: %s Expired: got %d, want %d (slots in state %q)", name, r.ID, r.Expired, expired, readiness.SlotExpired)
	}
	if rejectedN != r.Rejected {
		t.Errorf("%s: %s Rejected: got %d, want %d (slots in state %q)", name, r.ID, r.Rejected, rejectedN, readiness.SlotRejected)
	}
	if len(r.Slots) > 0 {
		if wantP := float64(rw.present) / float64(len(r.Slots)); !near(r.Progress, wantP) {
			t.Errorf("%s: %s Progress: got %v, want %v", name, r.ID, r.Progress, wantP)
		}
	}
}

// ---------------------------------------------------------------------------
// The catalogue of Kriteria 2.1.2 (kriteria212).
//
// Its three EP, counted in R and D items, R and D slots and W roles:
//
//	a: R1 R2 R3 D1 D2            = 5 items, 5 slots;           W1: 5 roles
//	b: D1 (1 slot) + D2 (4 stages × 3 parts = 12 slots)
//	                             = 2 items, 13 slots;          W1: 5 roles
//	c: D1 D2                     = 2 items, 2 slots;           W1: 4 roles
//
// and its suggestion table: at least 80 % of the slots → 10, at least
// 20 % → 5, else 0. It has no EP in Bab I, III, IV and V, so no status is
// ever projected from it: Status is "" and Partial true in every case.

// reqs is the expectation for the 12 requirements of 2.1.2, keyed "a/R1".
type reqs map[string]reqWant

// reqsByEP gives the R and D items of EP a, b and c the given reason (met:
// all slots present; missing or tdd: none). W items are "interview", with
// every role named when their EP's reason is met, none otherwise.
func reqsByEP(a, b, c string) reqs {
	out := reqs{}
	for key, n := range builtinSlots {
		reason := map[byte]string{'a': a, 'b': b, 'c': c}[key[0]]
		present := 0
		if reason == met {
			present = n
		}
		if strings.Contains(key, "/W") {
			reason = interview
		}
		out[key] = reqWant{reason, present}
	}
	return out
}

// with overrides one requirement.
func (r reqs) with(key, reason string, present int) reqs {
	out := maps.Clone(r)
	if _, ok := out[key]; !ok {
		panic("reqs.with: unknown requirement " + key)
	}
	out[key] = reqWant{reason, present}
	return out
}

type eps map[string]epWant // keyed "a", "b", "c"

// epa, epb and epc are the expectations of EP a, b and c from the score,
// the R/D items met, the R/D slots present and the roles named (their
// totals are fixed: see above).
func epa(suggested, met, present, named int) epWant {
	return epWant{suggested, met, 5, present, 5, named, 5}
}

func epb(suggested, met, present, named int) epWant {
	return epWant{suggested, met, 2, present, 13, named, 5}
}

func epc(suggested, met, present, named int) epWant {
	return epWant{suggested, met, 2, present, 2, named, 4}
}

var (
	allMet = eps{"a": epa(10, 5, 5, 5), "b": epb(10, 2, 13, 5), "c": epc(10, 2, 2, 4)}
	noneAt = eps{"a": epa(0, 0, 0, 0), "b": epb(0, 0, 0, 0), "c": epc(0, 0, 0, 0)}
)

// bab2 is the rollup of Bab II, standar 2.1 and kriteria 2.1.2, which hold
// the same three EP (every EP has R or D items, so all are projectable).
func bab2(score, max int, percent float64) map[string]rollupWant {
	rw := babII(score, max, percent)
	return map[string]rollupWant{
		"bab:I": {}, "bab:III": {}, "bab:IV": {}, "bab:V": {},
		"bab:II": rw, "standar:2.1": rw, "kriteria:2.1.2": rw,
	}
}

func babII(score, max int, percent float64) rollupWant {
	applicable := max / 10
	return rollupWant{score, max, applicable, percent, applicable > 0}
}

type builtinCase struct {
	name    string
	items   []readiness.Item
	tdd     map[string]string // "b" → reason
	eps     eps
	reqs    reqs
	slots   map[string]string // "a/R1", "b/D2 evaluasi/foto", "a/W1 Masyarakat"
	rollups map[string]rollupWant
	// without is Bab II in WithoutTDD, required when tdd is set (the other
	// Bab are empty, so that projection is partial too).
	without *rollupWant
}

const (
	met        = readiness.ReasonMet
	missing    = readiness.ReasonMissing
	incomplete = readiness.ReasonIncomplete
	tddR       = readiness.ReasonTDD
	interview  = readiness.ReasonInterview
	onSite     = readiness.ReasonOnSite

	paripurna = "Paripurna"
	dasar     = "Dasar"
	madya     = "Madya"
	utama     = "Utama"
	below     = "Tidak Terakreditasi"
)

var (
	yesterday     = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	lastNanoYday  = time.Date(2026, 11, 23, 23, 59, 59, 999999999, time.UTC)
	todayMidnight = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	tomorrow      = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
)

func ptr(v rollupWant) *rollupWant { return &v }

func builtinCases() []builtinCase {
	return []builtinCase{
		{
			name:    "nothing uploaded",
			eps:     noneAt,
			reqs:    reqsByEP(missing, missing, missing),
			rollups: bab2(0, 30, 0),
		},
		{
			name:    "EP a complete: 10/30",
			items:   epA(),
			eps:     eps{"a": epa(10, 5, 5, 5), "b": epb(0, 0, 0, 0), "c": epc(0, 0, 0, 0)},
			reqs:    reqsByEP(met, missing, missing),
			rollups: bab2(10, 30, 100.0/3),
		},
		{
			// Under the old rules the missing interviewee made a 5.
			name:    "EP a without the Masyarakat interview: still 10, 4 of 5 roles named",
			items:   without(epA(), role("a/W1", "Masyarakat")),
			eps:     eps{"a": epa(10, 5, 5, 4), "b": epb(0, 0, 0, 0), "c": epc(0, 0, 0, 0)},
			reqs:    reqsByEP(met, missing, missing).with("a/W1", interview, 4),
			slots:   map[string]string{k212 + "a/W1 Masyarakat": readiness.SlotMissing},
			rollups: bab2(10, 30, 100.0/3),
		},
		{
			// 1 + 11 = 12 of 13 slots = 92.3 % → 10 (D2 itself is not met).
			name:    "EP b without the evaluasi photo: 12 of 13 slots is 10",
			items:   without(epB(), part("b/D2", "evaluasi", "foto")),
			eps:     eps{"a": epa(0, 0, 0, 0), "b": epb(10, 1, 12, 5), "c": epc(0, 0, 0, 0)},
			reqs:    reqsByEP(missing, met, missing).with("b/D2", incomplete, 11),
			slots:   map[string]string{k212 + "b/D2 evaluasi/foto": readiness.SlotMissing, k212 + "b/D2 evaluasi/notulen": readiness.SlotPresent},
			rollups: bab2(10, 30, 100.0/3),
		},
		{
			// 1 + 10 = 11 of 13 = 84.6 % ≥ 80 % → 10.
			name:    "EP b with 11 of 13 slots (84.6%): 10",
			items:   without(epB(), part("b/D2", "evaluasi", "foto"), part("b/D2", "evaluasi", "notulen")),
			eps:     eps{"a": epa(0, 0, 0, 0), "b": epb(10, 1, 11, 5), "c": epc(0, 0, 0, 0)},
			reqs:    reqsByEP(missing, met, missing).with("b/D2", incomplete, 10),
			rollups: bab2(10, 30, 100.0/3),
		},
		{
			// 1 + 9 = 10 of 13 = 76.9 % < 80 % → 5.
			name:    "EP b with 10 of 13 slots (76.9%): 5",
			items:   without(epB(), stage("evaluasi")...),
			eps:     eps{"a": epa(0, 0, 0, 0), "b": epb(5, 1, 10, 5), "c": epc(0, 0, 0, 0)},
			reqs:    reqsByEP(missing, met, missing).with("b/D2", incomplete, 9),
			rollups: bab2(5, 30, 50.0/3),
		},
		{
			// 1 + 2 = 3 of 13 = 23.1 % ≥ 20 % → 5.
			name:    "EP b with 3 of 13 slots (23.1%): 5",
			items:   []readiness.Item{doc("b/D1"), part("b/D2", "perencanaan", "daftar_hadir"), part("b/D2", "perencanaan", "notulen")},
			eps:     eps{"a": epa(0, 0, 0, 0), "b": epb(5, 1, 3, 0), "c": epc(0, 0, 0, 0)},
			reqs:    reqsByEP(missing, missing, missing).with("b/D1", met, 1).with("b/D2", incomplete, 2),
			rollups: bab2(5, 30, 50.0/3),
		},
		{
			// 1 + 1 = 2 of 13 = 15.4 % < 20 % → 0, though D1 is met.
			name:    "EP b with 2 of 13 slots (15.4%): 0",
			items:   []readiness.Item{doc("b/D1"), part("b/D2", "perencanaan", "daftar_hadir")},
			eps:     eps{"a": epa(0, 0, 0, 0), "b": epb(0, 1, 2, 0), "c": epc(0, 0, 0, 0)},
			reqs:    reqsByEP(missing, missing, missing).with("b/D1", met, 1).with("b/D2", incomplete, 1),
			rollups: bab2(0, 30, 0),
		},
		{
			// 1 of 2 = 50 % → 5.
			name:    "one D1 of EP c only: 1 of 2 slots is a 5",
			items:   []readiness.Item{doc("c/D1")},
			eps:     eps{"a": epa(0, 0, 0, 0), "b": epb(0, 0, 0, 0), "c": epc(5, 1, 1, 0)},
			reqs:    reqsByEP(missing, missing, missing).with("c/D1", met, 1),
			rollups: bab2(5, 30, 50.0/3),
		},
		{
			// Under the old rules this made a 5.
			name:    "one interviewee of EP b only: no score, 1 of 5 roles named",
			items:   []readiness.Item{role("b/W1", "Masyarakat")},
			eps:     eps{"a": epa(0, 0, 0, 0), "b": epb(0, 0, 0, 1), "c": epc(0, 0, 0, 0)},
			reqs:    reqsByEP(missing, missing, missing).with("b/W1", interview, 1),
			rollups: bab2(0, 30, 0),
		},
		{
			name:    "everything complete: 30/30",
			items:   everything(),
			eps:     allMet,
			reqs:    reqsByEP(met, met, met),
			rollups: bab2(30, 30, 100),
		},
		{
			name:    "everything complete, each item twice",
			items:   join(everything(), everything()),
			eps:     allMet,
			reqs:    reqsByEP(met, met, met),
			rollups: bab2(30, 30, 100),
		},
		{
			// 4 of 5 = 80 %, exactly the threshold of 10.
			name:    "a/R1 rejected, everything else complete: 4 of 5 slots is still 10",
			items:   join(without(everything(), doc("a/R1")), []readiness.Item{rejected(doc("a/R1"))}),
			eps:     eps{"a": epa(10, 4, 4, 5), "b": epb(10, 2, 13, 5), "c": epc(10, 2, 2, 4)},
			reqs:    reqsByEP(met, met, met).with("a/R1", missing, 0),
			slots:   map[string]string{k212 + "a/R1": readiness.SlotRejected},
			rollups: bab2(30, 30, 100),
		},
		{
			// 3 of 5 = 60 % → 5: 5 + 10 + 10 = 25/30 = 83.33 %.
			name:    "a/R1 and a/R2 rejected, everything else complete: 3 of 5 slots is 5",
			items:   join(without(everything(), doc("a/R1"), doc("a/R2")), []readiness.Item{rejected(doc("a/R1")), rejected(doc("a/R2"))}),
			eps:     eps{"a": epa(5, 3, 3, 5), "b": epb(10, 2, 13, 5), "c": epc(10, 2, 2, 4)},
			reqs:    reqsByEP(met, met, met).with("a/R1", missing, 0).with("a/R2", missing, 0),
			slots:   map[string]string{k212 + "a/R1": readiness.SlotRejected, k212 + "a/R2": readiness.SlotRejected},
			rollups: bab2(25, 30, 250.0/3),
		},
		{
			name:    "a/R1 expired yesterday, everything else complete: 4 of 5 slots",
			items:   join(without(everything(), doc("a/R1")), []readiness.Item{validUntil(doc("a/R1"), yesterday)}),
			eps:     eps{"a": epa(10, 4, 4, 5), "b": epb(10, 2, 13, 5), "c": epc(10, 2, 2, 4)},
			reqs:    reqsByEP(met, met, met).with("a/R1", missing, 0),
			slots:   map[string]string{k212 + "a/R1": readiness.SlotExpired},
			rollups: bab2(30, 30, 100),
		},
		{
			name:    "a/R1 valid until the last nanosecond of yesterday: expired",
			items:   join(without(everything(), doc("a/R1")), []readiness.Item{validUntil(doc("a/R1"), lastNanoYday)}),
			eps:     eps{"a": epa(10, 4, 4, 5), "b": epb(10, 2, 13, 5), "c": epc(10, 2, 2, 4)},
			reqs:    reqsByEP(met, met, met).with("a/R1", missing, 0),
			slots:   map[string]string{k212 + "a/R1": readiness.SlotExpired},
			rollups: bab2(30, 30, 100),
		},
		{
			name:    "a/R1 valid until today (midnight UTC): counts",
			items:   join(without(everything(), doc("a/R1")), []readiness.Item{validUntil(doc("a/R1"), todayMidnight)}),
			eps:     allMet,
			reqs:    reqsByEP(met, met, met),
			slots:   map[string]string{k212 + "a/R1": readiness.SlotPresent},
			rollups: bab2(30, 30, 100),
		},
		{
			name:    "a/R1 valid until tomorrow: counts",
			items:   join(without(everything(), doc("a/R1")), []readiness.Item{validUntil(doc("a/R1"), tomorrow)}),
			eps:     allMet,
			reqs:    reqsByEP(met, met, met),
			slots:   map[string]string{k212 + "a/R1": readiness.SlotPresent},
			rollups: bab2(30, 30, 100),
		},
		{
			name:    "a/R1 expired and rejected: expired ranks above rejected",
			items:   join(without(everything(), doc("a/R1")), []readiness.Item{rejected(doc("a/R1")), validUntil(doc("a/R1"), yesterday)}),
			eps:     eps{"a": epa(10, 4, 4, 5), "b": epb(10, 2, 13, 5), "c": epc(10, 2, 2, 4)},
			reqs:    reqsByEP(met, met, met).with("a/R1", missing, 0),
			slots:   map[string]string{k212 + "a/R1": readiness.SlotExpired},
			rollups: bab2(30, 30, 100),
		},
		{
			name: "rejected, then a fresh a/R1: met",
			// The rejected item comes first, the fresh one last.
			items:   join([]readiness.Item{rejected(doc("a/R1"))}, everything()),
			eps:     allMet,
			reqs:    reqsByEP(met, met, met),
			slots:   map[string]string{k212 + "a/R1": readiness.SlotPresent},
			rollups: bab2(30, 30, 100),
		},
		{
			name:    "fresh a/R1, then a rejected and an expired one: met",
			items:   join(everything(), []readiness.Item{rejected(doc("a/R1")), validUntil(doc("a/R1"), yesterday)}),
			eps:     allMet,
			reqs:    reqsByEP(met, met, met),
			slots:   map[string]string{k212 + "a/R1": readiness.SlotPresent},
			rollups: bab2(30, 30, 100),
		},
		{
			// b: 1 + 11 = 12 of 13 slots → 10; the expired role is not
			// named (4 of 5) and changes no score.
			name:  "b/D2 evaluasi/foto rejected, W role expired, everything else complete",
			items: join(without(everything(), part("b/D2", "evaluasi", "foto"), role("b/W1", "Masyarakat")), []readiness.Item{rejected(part("b/D2", "evaluasi", "foto")), validUntil(role("b/W1", "Masyarakat"), yesterday)}),
			eps:   eps{"a": epa(10, 5, 5, 5), "b": epb(10, 1, 12, 4), "c": epc(10, 2, 2, 4)},
			reqs:  reqsByEP(met, met, met).with("b/D2", incomplete, 11).with("b/W1", interview, 4),
			slots: map[string]string{
				k212 + "b/D2 evaluasi/foto": readiness.SlotRejected,
				k212 + "b/W1 Masyarakat":    readiness.SlotExpired,
			},
			rollups: bab2(30, 30, 100),
		},
		{
			// Accepted: 10 + 10 = 20/20. Refused: b scores its evidence, 0
			// of 13 → 0: 20/30 = 66.67 %.
			name:    "EP b TDD, a and c complete: 20/20, without TDD 20/30",
			items:   join(epA(), epC()),
			tdd:     map[string]string{"b": "tidak ada UKBM di wilayah kerja"},
			eps:     eps{"a": epa(10, 5, 5, 5), "b": epb(0, 0, 0, 0), "c": epc(10, 2, 2, 4)},
			reqs:    reqsByEP(met, tddR, met),
			rollups: bab2(20, 20, 100),
			without: ptr(babII(20, 30, 200.0/3)),
		},
		{
			// b: 1 + 9 = 10 of 13 = 76.9 % → 5. Accepted: 10 + 5 = 15/20 =
			// 75 %; refused, c (no evidence) adds 0 of 10: 15/30 = 50 %.
			// Under the old rules, with Bab II alone assessed, 75 % made
			// Madya; the catalogue of 2.1.2 is partial, so no status now.
			name:    "EP c TDD, a complete, b 10 of 13 slots: 15/20 = 75%, without TDD 15/30 = 50%",
			items:   join(epA(), without(epB(), stage("evaluasi")...)),
			tdd:     map[string]string{"c": "belum ada kegiatan untuk dievaluasi"},
			eps:     eps{"a": epa(10, 5, 5, 5), "b": epb(5, 1, 10, 5), "c": epc(0, 0, 0, 0)},
			reqs:    reqsByEP(met, met, tddR).with("b/D2", incomplete, 9),
			rollups: bab2(15, 20, 75),
			without: ptr(babII(15, 30, 50)),
		},
		{
			// a: 3 of 5 = 60 % → 5; b: 0 + 9 = 9 of 13 = 69.2 % → 5; c (TDD)
			// carries its evidence, 1 of 2 = 50 % → 5. Accepted: 10/20 =
			// 50 %; refused: 15/30 = 50 %.
			name:  "EP c TDD with 1 of 2 slots, a 5, b 5: 10/20, without TDD 15/30",
			items: join(without(epA(), doc("a/D1"), doc("a/D2")), without(epB(), join([]readiness.Item{doc("b/D1")}, stage("evaluasi"))...), []readiness.Item{doc("c/D1")}),
			tdd:   map[string]string{"c": "belum ada kegiatan untuk dievaluasi"},
			eps:   eps{"a": epa(5, 3, 3, 5), "b": epb(5, 0, 9, 5), "c": epc(5, 1, 1, 0)},
			reqs: reqsByEP(met, met, tddR).with("a/D1", missing, 0).with("a/D2", missing, 0).
				with("b/D1", missing, 0).with("b/D2", incomplete, 9).with("c/D1", tddR, 1),
			rollups: bab2(10, 20, 50),
			without: ptr(babII(15, 30, 50)),
		},
		{
			// Every EP still carries its evidence: 10 each, 30/30 without
			// TDD; accepted, Bab II is not assessed.
			name:  "all EP TDD: Bab II not assessed, without TDD 30/30",
			items: everything(),
			tdd:   map[string]string{"a": "x", "b": "y", "c": "z"},
			eps:   allMet,
			// Evidence is still shown per slot, but nothing counts.
			reqs: func() reqs {
				r := reqsByEP(met, met, met)
				for k, v := range r {
					if v.reason == met {
						r[k] = reqWant{tddR, v.present}
					}
				}
				return r
			}(),
			rollups: bab2(0, 0, 0),
			without: ptr(babII(30, 30, 100)),
		},
		{
			// Under the old rules the missing interviewee made c a 5.
			name:    "c without the Kepala Puskesmas interview: still 30/30, 3 of 4 roles named",
			items:   join(epA(), epB(), without(epC(), role("c/W1", "Kepala Puskesmas"))),
			eps:     eps{"a": epa(10, 5, 5, 5), "b": epb(10, 2, 13, 5), "c": epc(10, 2, 2, 3)},
			reqs:    reqsByEP(met, met, met).with("c/W1", interview, 3),
			slots:   map[string]string{k212 + "c/W1 Kepala Puskesmas": readiness.SlotMissing},
			rollups: bab2(30, 30, 100),
		},
		{
			// c: 1 of 2 = 50 % → 5: 10 + 10 + 5 = 25/30 = 83.33 %.
			name:    "a and b complete, c without D2: 25/30 = 83.33%",
			items:   join(epA(), epB(), without(epC(), doc("c/D2"))),
			eps:     eps{"a": epa(10, 5, 5, 5), "b": epb(10, 2, 13, 5), "c": epc(5, 1, 1, 4)},
			reqs:    reqsByEP(met, met, met).with("c/D2", missing, 0),
			rollups: bab2(25, 30, 250.0/3),
		},
		{
			// b: 0 + 9 = 9 of 13 = 69.2 % → 5; c: 1 of 2 → 5: 20/30 = 66.67 %
			// (Dasar under the old rules, no status now).
			name:  "a complete, b 5, c 5: 20/30 = 66.67%",
			items: join(epA(), without(epB(), join([]readiness.Item{doc("b/D1")}, stage("evaluasi"))...), without(epC(), doc("c/D2"))),
			eps:   eps{"a": epa(10, 5, 5, 5), "b": epb(5, 0, 9, 5), "c": epc(5, 1, 1, 4)},
			reqs: reqsByEP(met, met, met).with("b/D1", missing, 0).with("b/D2", incomplete, 9).
				with("c/D2", missing, 0),
			rollups: bab2(20, 30, 200.0/3),
		},
		{
			name: "items for unknown requirements, stages, parts and roles are ignored",
			items: []readiness.Item{
				doc("z/R1"),                               // unknown EP
				doc("a/R9"),                               // unknown key
				{RequirementID: "2.1.2"},                  // a kriteria, not a requirement
				{RequirementID: "2.1.2/a"},                // an EP, not a requirement
				{RequirementID: "9.9.9/a/R1"},             // unknown kriteria
				{RequirementID: "2.1.2/A/R1"},             // IDs are case-sensitive
				part("a/R1", "perencanaan", ""),           // a/R1 has no stages
				part("a/D1", "", "foto"),                  // a/D1 has no parts
				part("b/D2", "evaluasi", "video"),         // unknown part
				part("b/D2", "sosialisasi", "foto"),       // unknown stage
				part("b/D2", "evaluasi", ""),              // stage without part
				part("b/D2", "", "foto"),                  // part without stage
				doc("b/D2"),                               // neither
				role("a/W1", "Camat"),                     // unknown role
				role("c/W1", "Masyarakat"),                // not an interviewee of c/W1
				role("b/W1", "masyarakat"),                // roles are case-sensitive
				part("b/W1", "perencanaan", "Masyarakat"), // W slots have no stage
			},
			eps:     noneAt,
			reqs:    reqsByEP(missing, missing, missing),
			rollups: bab2(0, 30, 0),
		},
		{
			name:    "unknown items next to complete evidence change nothing",
			items:   join(everything(), []readiness.Item{rejected(doc("z/R1")), part("b/D2", "evaluasi", "video"), role("a/W1", "Camat")}),
			eps:     allMet,
			reqs:    reqsByEP(met, met, met),
			rollups: bab2(30, 30, 100),
		},
	}
}

// wantBuiltin turns a case on the catalogue of 2.1.2 into a full expectation.
func wantBuiltin(tc builtinCase) want {
	w := want{
		catalogue:   "pkp-2023@2023.1",
		babOrder:    []string{"I", "II", "III", "IV", "V"},
		eps:         map[string]epWant{},
		tdd:         map[string]string{},
		reqs:        map[string]reqWant{},
		slotCounts:  map[string]int{},
		slots:       tc.slots,
		rollups:     tc.rollups,
		status:      "",   // never projected from a partial catalogue
		partial:     true, // Bab I, III, IV and V are empty in kriteria-2.1.2.yaml
		tddProposed: len(tc.tdd),
	}
	for k, v := range tc.eps {
		w.eps[k212+k] = v
	}
	for k, v := range tc.tdd {
		w.tdd[k212+k] = v
	}
	for k, v := range tc.reqs {
		w.reqs[k212+k] = v
	}
	for k, v := range builtinSlots {
		w.slotCounts[k212+k] = v
	}
	switch {
	case len(tc.tdd) > 0 && tc.without == nil:
		panic(tc.name + ": a TDD case needs its WithoutTDD expectation")
	case len(tc.tdd) == 0 && tc.without != nil:
		panic(tc.name + ": WithoutTDD expected without TDD")
	case tc.without != nil:
		w.withoutTDD = &projWant{
			bab:     map[string]rollupWant{"I": {}, "II": *tc.without, "III": {}, "IV": {}, "V": {}},
			status:  "",
			partial: true,
		}
	}
	return w
}

// kriteria212 is the catalogue the builders above are written for.
func kriteria212(tb testing.TB) *catalogue.Catalogue {
	tb.Helper()
	c, err := criteria.File(criteria.Kriteria212File)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestScoreKriteria212(t *testing.T) {
	c := kriteria212(t)
	for _, tc := range builtinCases() {
		t.Run(tc.name, func(t *testing.T) {
			in := readiness.Input{Items: tc.items, Now: now}
			if tc.tdd != nil {
				in.NotApplicable = map[string]string{}
				for k, v := range tc.tdd {
					in.NotApplicable[k212+k] = v
				}
			}
			itemsBefore := slices.Clone(in.Items)
			got := readiness.Score(c, in)
			checkReport(t, tc.name, got, wantBuiltin(tc))

			// Score is pure: it leaves its input alone and gives the same
			// report again.
			if !slices.EqualFunc(itemsBefore, in.Items, sameItem) {
				t.Errorf("%s: Score modified Input.Items", tc.name)
			}
			if again := readiness.Score(c, in); !reflect.DeepEqual(again, got) {
				t.Errorf("%s: second Score: got a different report\n%+v\nwant\n%+v", tc.name, again, got)
			}
		})
	}
}

// TestScoreKriteria212SlotOrder checks that b/D2's slots come stages outer,
// parts inner, in the catalogue's order, with their states.
func TestScoreKriteria212SlotOrder(t *testing.T) {
	const name = "b/D2 slots"
	items := without(meeting(), part("b/D2", "perencanaan", "notulen"))
	items = append(items, rejected(part("b/D2", "perencanaan", "notulen")))
	rep := readiness.Score(kriteria212(t), readiness.Input{Items: items, Now: now})
	var r *readiness.RequirementScore
	for _, e := range rep.Bab[1].Standar[0].Kriteria[0].Elements {
		for i := range e.Requirements {
			if e.Requirements[i].ID == k212+"b/D2" {
				r = &e.Requirements[i]
			}
		}
	}
	if r == nil {
		t.Fatalf("%s: requirement 2.1.2/b/D2 not in the report", name)
	}
	var got, want []string
	for _, s := range r.Slots {
		got = append(got, s.Stage+"/"+s.Part+"="+s.State)
	}
	for _, s := range d2Stages {
		for _, p := range d2Parts {
			state := readiness.SlotPresent
			if s == "perencanaan" && p == "notulen" {
				state = readiness.SlotRejected
			}
			want = append(want, s+"/"+p+"="+state)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: got\n%s\nwant\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r.Reason != incomplete || r.Present != 11 || r.Rejected != 1 || r.Expired != 0 {
		t.Errorf("%s: reason/present/rejected/expired: got %q/%d/%d/%d, want %q/11/1/0", name, r.Reason, r.Present, r.Rejected, r.Expired, incomplete)
	}
	if !near(r.Progress, 11.0/12) {
		t.Errorf("%s: Progress: got %v, want %v", name, r.Progress, 11.0/12)
	}
}

// TestScoreNowInAnotherZone checks that "today" is Now's calendar date in
// Now's location: at 06:00 in Jakarta (UTC+7, still the day before in UTC)
// evidence valid until the UTC date has expired.
func TestScoreNowInAnotherZone(t *testing.T) {
	wib := time.FixedZone("WIB", 7*3600)
	nowWIB := time.Date(2026, 11, 25, 6, 0, 0, 0, wib) // 2026-11-24 23:00 UTC, but already the 25th in Jakarta
	date := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name  string
		until time.Time
		state string
	}{
		{"valid until the local date", date(25), readiness.SlotPresent},
		{"valid until the UTC date, which is yesterday locally", date(24), readiness.SlotExpired},
		{"valid until tomorrow", date(26), readiness.SlotPresent},
	} {
		items := join(without(everything(), doc("a/R1")), []readiness.Item{validUntil(doc("a/R1"), tc.until)})
		rep := readiness.Score(kriteria212(t), readiness.Input{Items: items, Now: nowWIB})
		r := rep.Bab[1].Standar[0].Kriteria[0].Elements[0].Requirements[0]
		if r.ID != k212+"a/R1" {
			t.Fatalf("%s: first requirement: got %s, want 2.1.2/a/R1", tc.name, r.ID)
		}
		if len(r.Slots) != 1 || r.Slots[0].State != tc.state {
			t.Errorf("%s: a/R1 slots: got %+v, want one in state %q", tc.name, r.Slots, tc.state)
		}
	}
}

// ---------------------------------------------------------------------------
// A hand-built catalogue: two Bab, an O/S-only EP next to a D EP in Bab I, a
// two-value scoring table (so the default suggestion table is "at least
// 80 % → 10, else 0") and a threshold table where Bab II can fail Paripurna
// but meet Utama.

const miniYAML = `
format: bukti-catalogue/v1
id: mini
version: "0.1"
title: Katalog uji
scoring:
  values: [10, 0]
  tdd: true
  statuses:
    - name: Paripurna
      min: {I: 80, II: 80}
    - name: Utama
      min: {I: 80, II: 50}
  below: Tidak Terakreditasi
bab:
  - id: I
    title: Bab satu
    standar:
      - id: "1.1"
        title: Standar satu
        kriteria:
          - id: "1.1.1"
            title: Kriteria yang sebagian diamati di tempat
            statement: Sebagian bukti dilihat surveior di tempat
            elements:
              - letter: a
                text: Ruang tersedia dan petugas memperagakan prosedur
                methods: [O, S]
                requirements:
                  - key: O1
                    method: O
                    title: Ruang pelayanan
                  - key: S1
                    method: S
                    title: Simulasi prosedur
              - letter: b
                text: Ada laporan
                methods: [D]
                requirements:
                  - key: D1
                    method: D
                    title: Laporan
  - id: II
    title: Bab dua
    standar:
      - id: "2.1"
        title: Standar dua
        kriteria:
          - id: "2.1.1"
            title: Kriteria dengan dokumen
            statement: Bukti diunggah
            elements:
              - letter: a
                text: Ada kebijakan dan bukti pelaksanaan
                methods: [R, D, O]
                requirements:
                  - key: R1
                    method: R
                    title: SK
                    doc_type: SK
                  - key: D1
                    method: D
                    title: Notulen rapat per tahap
                    stages: [satu, dua]
                  - key: O1
                    method: O
                    title: Papan informasi
              - letter: b
                text: Ada bukti dan wawancara
                methods: [D, W]
                requirements:
                  - key: D1
                    method: D
                    title: Laporan
                  - key: W1
                    method: W
                    title: Wawancara
                    interviewees: [Kepala Puskesmas, Kader]
                    topic: Pelaksanaan kegiatan
`

func miniCatalogue(t testing.TB) *catalogue.Catalogue {
	t.Helper()
	c, err := catalogue.Parse("mini.yaml", []byte(miniYAML))
	if err != nil {
		t.Fatalf("parse the hand-built catalogue: %v", err)
	}
	return c
}

// TestScoreHandBuilt scores the mini catalogue. Its EP, with their R and D
// items and slots and W roles:
//
//	1.1.1/a  O1 S1                       no R or D: unprojectable
//	1.1.1/b  D1                          1 item, 1 slot
//	2.1.1/a  R1, D1 × [satu, dua], O1    2 items, 3 slots
//	2.1.1/b  D1, W1 [Kepala Puskesmas, Kader]  1 item, 1 slot; 2 roles
//
// Bab I is therefore 1.1.1/b alone (Max 10) and Bab II both its EP (Max 20).
func TestScoreHandBuilt(t *testing.T) {
	c := miniCatalogue(t)
	item := func(id, stage, part string) readiness.Item {
		return readiness.Item{RequirementID: id, Stage: stage, Part: part}
	}
	var (
		iD1      = item("1.1.1/b/D1", "", "")
		r1       = item("2.1.1/a/R1", "", "")
		d1satu   = item("2.1.1/a/D1", "satu", "")
		d1dua    = item("2.1.1/a/D1", "dua", "")
		bD1      = item("2.1.1/b/D1", "", "")
		kepala   = item("2.1.1/b/W1", "", "Kepala Puskesmas")
		kader    = item("2.1.1/b/W1", "", "Kader")
		all      = []readiness.Item{iD1, r1, d1satu, d1dua, bD1, kepala, kader}
		none     = reqWant{missing, 0}
		full1    = reqWant{met, 1}
		full2    = reqWant{met, 2}
		site     = reqWant{onSite, 0}
		unproj   = epWant{} // 1.1.1/a: no R or D item, nothing named
		babI0    = rollupWant{0, 10, 1, 0, true}
		babI100  = rollupWant{10, 10, 1, 100, true}
		notAsses = rollupWant{}
	)
	slotCounts := map[string]int{"1.1.1/b/D1": 1, "2.1.1/a/R1": 1, "2.1.1/a/D1": 2, "2.1.1/b/D1": 1, "2.1.1/b/W1": 2}
	// rollups gives Bab I and Bab II (with their standar and kriteria).
	rollups := func(bab1, bab2 rollupWant) map[string]rollupWant {
		return map[string]rollupWant{
			"bab:I": bab1, "standar:1.1": bab1, "kriteria:1.1.1": bab1,
			"bab:II": bab2, "standar:2.1": bab2, "kriteria:2.1.1": bab2,
		}
	}
	// epWant fields: suggested, met, counted (R/D items), present, slots
	// (R/D slots), named, roles.
	for _, tc := range []struct {
		name    string
		items   []readiness.Item
		tdd     map[string]string
		eps     map[string]epWant
		reqs    map[string]reqWant
		roll    map[string]rollupWant
		st      string
		part    bool
		without *projWant
	}{
		{
			// Under the old rules the O/S-only EP scored 10 and lifted Bab I.
			name: "nothing uploaded: the O/S-only EP counts nowhere, both Bab 0%",
			eps: map[string]epWant{
				"1.1.1/a": unproj, "1.1.1/b": {0, 0, 1, 0, 1, 0, 0},
				"2.1.1/a": {0, 0, 2, 0, 3, 0, 0}, "2.1.1/b": {0, 0, 1, 0, 1, 0, 2},
			},
			reqs: map[string]reqWant{
				"1.1.1/a/O1": site, "1.1.1/a/S1": site, "1.1.1/b/D1": none,
				"2.1.1/a/R1": none, "2.1.1/a/D1": none, "2.1.1/a/O1": site,
				"2.1.1/b/D1": none, "2.1.1/b/W1": {interview, 0},
			},
			roll: rollups(babI0, rollupWant{0, 20, 2, 0, true}),
			st:   below,
		},
		{
			// 2.1.1/a: 2 of 3 slots = 66.7 % < 80 % → 0; 2.1.1/b: 0 of 1 → 0
			// (the named head does not count).
			name:  "two-value table: 2 of 3 slots scores 0",
			items: []readiness.Item{r1, d1satu, kepala},
			eps: map[string]epWant{
				"1.1.1/a": unproj, "1.1.1/b": {0, 0, 1, 0, 1, 0, 0},
				"2.1.1/a": {0, 1, 2, 2, 3, 0, 0}, "2.1.1/b": {0, 0, 1, 0, 1, 1, 2},
			},
			reqs: map[string]reqWant{
				"1.1.1/a/O1": site, "1.1.1/a/S1": site, "1.1.1/b/D1": none,
				"2.1.1/a/R1": full1, "2.1.1/a/D1": {incomplete, 1}, "2.1.1/a/O1": site,
				"2.1.1/b/D1": none, "2.1.1/b/W1": {interview, 1},
			},
			roll: rollups(babI0, rollupWant{0, 20, 2, 0, true}),
			st:   below,
		},
		{
			// Bab I 10/10 = 100 %; Bab II 10 + 0 = 10/20 = 50 %: fails
			// Paripurna (II 80), meets Utama (I 80, II 50).
			name:  "Bab II at 50% fails Paripurna but meets Utama",
			items: []readiness.Item{iD1, r1, d1satu, d1dua, kader},
			eps: map[string]epWant{
				"1.1.1/a": unproj, "1.1.1/b": {10, 1, 1, 1, 1, 0, 0},
				"2.1.1/a": {10, 2, 2, 3, 3, 0, 0}, "2.1.1/b": {0, 0, 1, 0, 1, 1, 2},
			},
			reqs: map[string]reqWant{
				"1.1.1/a/O1": site, "1.1.1/a/S1": site, "1.1.1/b/D1": full1,
				"2.1.1/a/R1": full1, "2.1.1/a/D1": full2, "2.1.1/a/O1": site,
				"2.1.1/b/D1": none, "2.1.1/b/W1": {interview, 1},
			},
			roll: rollups(babI100, rollupWant{10, 20, 2, 50, true}),
			st:   utama,
		},
		{
			name:  "everything: Paripurna",
			items: all,
			eps: map[string]epWant{
				"1.1.1/a": unproj, "1.1.1/b": {10, 1, 1, 1, 1, 0, 0},
				"2.1.1/a": {10, 2, 2, 3, 3, 0, 0}, "2.1.1/b": {10, 1, 1, 1, 1, 2, 2},
			},
			reqs: map[string]reqWant{
				"1.1.1/a/O1": site, "1.1.1/a/S1": site, "1.1.1/b/D1": full1,
				"2.1.1/a/R1": full1, "2.1.1/a/D1": full2, "2.1.1/a/O1": site,
				"2.1.1/b/D1": full1, "2.1.1/b/W1": {interview, 2},
			},
			roll: rollups(babI100, rollupWant{20, 20, 2, 100, true}),
			st:   paripurna,
		},
		{
			// Under the old rules this left Bab I unassessed; now the O/S EP
			// never counted, so only the TDD count moves, and refusing the
			// proposal changes nothing: Bab I 100 %, Bab II 10/20 = 50 %.
			// Its O and S items stay "on_site" (only R and D become "tdd").
			name:  "O/S-only EP TDD: counted as proposed, both projections Utama",
			items: []readiness.Item{iD1, r1, d1satu, d1dua},
			tdd:   map[string]string{"1.1.1/a": "tidak ada ruang"},
			eps: map[string]epWant{
				"1.1.1/a": unproj, "1.1.1/b": {10, 1, 1, 1, 1, 0, 0},
				"2.1.1/a": {10, 2, 2, 3, 3, 0, 0}, "2.1.1/b": {0, 0, 1, 0, 1, 0, 2},
			},
			reqs: map[string]reqWant{
				"1.1.1/a/O1": site, "1.1.1/a/S1": site, "1.1.1/b/D1": full1,
				"2.1.1/a/R1": full1, "2.1.1/a/D1": full2, "2.1.1/a/O1": site,
				"2.1.1/b/D1": none, "2.1.1/b/W1": {interview, 0},
			},
			roll: rollups(babI100, rollupWant{10, 20, 2, 50, true}),
			st:   utama,
			without: &projWant{
				bab:    map[string]rollupWant{"I": babI100, "II": {10, 20, 2, 50, true}},
				status: utama,
			},
		},
		{
			// Under the old rules the status came from Bab I alone
			// (Paripurna). Now Bab II has no projected EP: no status. Refused,
			// 2.1.1/a scores 1 of 3 = 33 % → 0 and 2.1.1/b 0 of 1 → 0:
			// Bab II 0/20 = 0 % → Tidak Terakreditasi.
			name:  "Bab II all TDD: no status; without TDD Tidak Terakreditasi",
			tdd:   map[string]string{"2.1.1/a": "x", "2.1.1/b": "y"},
			items: []readiness.Item{iD1, r1},
			eps: map[string]epWant{
				"1.1.1/a": unproj, "1.1.1/b": {10, 1, 1, 1, 1, 0, 0},
				"2.1.1/a": {0, 1, 2, 1, 3, 0, 0}, "2.1.1/b": {0, 0, 1, 0, 1, 0, 2},
			},
			reqs: map[string]reqWant{
				"1.1.1/a/O1": site, "1.1.1/a/S1": site, "1.1.1/b/D1": full1,
				"2.1.1/a/R1": {tddR, 1}, "2.1.1/a/D1": {tddR, 0}, "2.1.1/a/O1": site,
				"2.1.1/b/D1": {tddR, 0}, "2.1.1/b/W1": {interview, 0},
			},
			roll: rollups(babI100, notAsses),
			st:   "",
			part: true,
			without: &projWant{
				bab:    map[string]rollupWant{"I": babI100, "II": {0, 20, 2, 0, true}},
				status: below,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := readiness.Score(c, readiness.Input{Items: tc.items, NotApplicable: tc.tdd, Now: now})
			tdd := tc.tdd
			if tdd == nil {
				tdd = map[string]string{}
			}
			checkReport(t, tc.name, got, want{
				catalogue:     "mini@0.1",
				babOrder:      []string{"I", "II"},
				eps:           tc.eps,
				tdd:           tdd,
				reqs:          tc.reqs,
				slotCounts:    slotCounts,
				rollups:       tc.roll,
				status:        tc.st,
				partial:       tc.part,
				unprojectable: 1, // 1.1.1/a
				tddProposed:   len(tc.tdd),
				withoutTDD:    tc.without,
			})
		})
	}
}

func TestStatusFor(t *testing.T) {
	mini := miniCatalogue(t).Scoring
	builtin := criteria.MustBuiltin().Scoring
	all := func(i, ii, iii, iv, v float64) map[string]float64 {
		return map[string]float64{"I": i, "II": ii, "III": iii, "IV": iv, "V": v}
	}
	for _, tc := range []struct {
		name     string
		scoring  catalogue.Scoring
		percents map[string]float64
		want     string
	}{
		{"mini: both Bab at 100", mini, map[string]float64{"I": 100, "II": 100}, paripurna},
		{"mini: both Bab exactly at the Paripurna minimum", mini, map[string]float64{"I": 80, "II": 80}, paripurna},
		{"mini: Bab II fails Paripurna, meets Utama", mini, map[string]float64{"I": 100, "II": 79.99}, utama},
		{"mini: Bab II exactly at the Utama minimum", mini, map[string]float64{"I": 100, "II": 50}, utama},
		{"mini: Bab II below Utama", mini, map[string]float64{"I": 100, "II": 49.99}, below},
		{"mini: Bab I below every status", mini, map[string]float64{"I": 79.99, "II": 100}, below},
		{"mini: only Bab II assessed", mini, map[string]float64{"II": 60}, utama},
		{"mini: nothing assessed", mini, map[string]float64{}, ""},
		{"mini: nil", mini, nil, ""},
		{"builtin: Bab II at 100", builtin, map[string]float64{"II": 100}, paripurna},
		{"builtin: Bab II at 75", builtin, map[string]float64{"II": 75}, madya},
		{"builtin: Bab II at 74.99", builtin, map[string]float64{"II": 74.99}, dasar},
		{"builtin: Bab II at 60", builtin, map[string]float64{"II": 60}, dasar},
		{"builtin: Bab II at 59.99", builtin, map[string]float64{"II": 59.99}, below},
		{"builtin: all Bab, III at 70", builtin, all(100, 100, 70, 100, 100), utama},
		{"builtin: all Bab, III at 69.99", builtin, all(100, 100, 69.99, 100, 100), madya},
		{"builtin: all Bab, I at 74.99", builtin, all(74.99, 100, 100, 100, 100), below},
		{"builtin: all Bab at the Dasar minimum", builtin, all(75, 60, 50, 60, 60), dasar},
	} {
		if got := tc.scoring.StatusFor(tc.percents); got != tc.want {
			t.Errorf("%s: StatusFor(%v): got %q, want %q", tc.name, tc.percents, got, tc.want)
		}
	}
}

func BenchmarkScore2_1_2(b *testing.B) {
	c := kriteria212(b)
	in := readiness.Input{Items: everything(), Now: now}
	if rep := readiness.Score(c, in); rep.Bab[1].Score != 30 {
		b.Fatalf("Bab II score: got %d, want 30", rep.Bab[1].Score)
	}
	b.ReportAllocs()
	for b.Loop() {
		readiness.Score(c, in)
	}
}
