package readiness_test

// Table tests of the readiness rules (see the package doc), one table per
// rule, on small five-Bab catalogues built here, so that a status can be
// projected. Every expectation is written out by hand as the report's
// summary (see render); the arithmetic is in the comments.

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/readiness"
)

// fiveBabScoring is the threshold table of the built-in catalogue
// (DESIGN.md §3), without a suggestion table: the default applies (at least
// 80 % of the R and D slots → 10, at least 20 % → 5, else 0).
const fiveBabScoring = `scoring:
  values: [10, 5, 0]
  tdd: true
  statuses:
    - name: Paripurna
      min: {I: 80, II: 80, III: 80, IV: 80, V: 80}
    - name: Utama
      min: {I: 80, II: 80, III: 70, IV: 80, V: 75}
    - name: Madya
      min: {I: 75, II: 75, III: 60, IV: 75, V: 70}
    - name: Dasar
      min: {I: 75, II: 60, III: 50, IV: 60, V: 60}
  below: Tidak Terakreditasi
`

var (
	fiveBabIDs = []string{"I", "II", "III", "IV", "V"}
	babNumber  = map[string]int{"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}
)

// fiveBab parses a catalogue with the five Bab of the standard and the
// threshold table above; suggest, when set, is its scoring.suggest value.
// babs lists each Bab's EP; a Bab not in babs has no standar. Bab n has one
// standar "n.1" whose kriteria "n.1.1", "n.1.2" … hold 25 EP each, lettered
// a … y. An EP is written as its requirement keys, space-separated, each
// optionally followed by "*k": k stages s1 … sk for an R or D item (no
// suffix: one slot), k interviewees peran1 … perank for a W item (no
// suffix: one). O and S items take no suffix.
func fiveBab(t testing.TB, suggest string, babs map[string][]string) *catalogue.Catalogue {
	t.Helper()
	var b strings.Builder
	b.WriteString("format: bukti-catalogue/v1\nid: lima\nversion: \"1\"\ntitle: Katalog lima Bab\n")
	b.WriteString(fiveBabScoring)
	if suggest != "" {
		fmt.Fprintf(&b, "  suggest: %s\n", suggest)
	}
	b.WriteString("bab:\n")
	for _, bab := range fiveBabIDs {
		n := babNumber[bab]
		fmt.Fprintf(&b, "  - id: %s\n    title: Bab %s\n", bab, bab)
		eps := babs[bab]
		if len(eps) == 0 {
			b.WriteString("    standar: []\n")
			continue
		}
		fmt.Fprintf(&b, "    standar:\n      - id: \"%d.1\"\n        title: Standar %d.1\n        kriteria:\n", n, n)
		for i, ep := range eps {
			if i%25 == 0 {
				k := fmt.Sprintf("%d.1.%d", n, i/25+1)
				fmt.Fprintf(&b, "          - id: %q\n            title: Kriteria %s\n            statement: Pernyataan %s.\n            elements:\n", k, k, k)
			}
			letter := 'a' + rune(i%25)
			fmt.Fprintf(&b, "              - letter: %c\n                text: Elemen %c.\n                requirements:\n", letter, letter)
			for _, req := range strings.Fields(ep) {
				key, count, _ := strings.Cut(req, "*")
				k := 1
				if count != "" {
					if _, err := fmt.Sscan(count, &k); err != nil {
						t.Fatalf("EP %q: bad count in %q", ep, req)
					}
				}
				fmt.Fprintf(&b, "                  - {key: %s, method: %c, title: Bukti %s", key, key[0], key)
				switch {
				case key[0] == 'W':
					fmt.Fprintf(&b, ", topic: Topik, interviewees: [%s]", numbered("peran", k))
				case count != "":
					fmt.Fprintf(&b, ", stages: [%s]", numbered("s", k))
				}
				b.WriteString("}\n")
			}
		}
	}
	c, err := catalogue.Parse("lima.yaml", []byte(b.String()))
	if err != nil {
		t.Fatalf("parse the five-Bab catalogue: %v\n%s", err, b.String())
	}
	return c
}

// numbered is "p1, p2, … pk".
func numbered(prefix string, k int) string {
	out := make([]string, k)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i+1)
	}
	return strings.Join(out, ", ")
}

// file is one file for a requirement ("1.1.1/a/R1"), in a stage when given.
func file(req string, stage ...string) readiness.Item {
	it := readiness.Item{RequirementID: req}
	if len(stage) > 0 {
		it.Stage = stage[0]
	}
	return it
}

// stages are files for stages s1 … sk of a requirement.
func stages(req string, k int) []readiness.Item {
	out := make([]readiness.Item, k)
	for i := range out {
		out[i] = file(req, fmt.Sprintf("s%d", i+1))
	}
	return out
}

// named names interviewees of a W requirement.
func named(req string, roles ...string) []readiness.Item {
	out := make([]readiness.Item, 0, len(roles))
	for _, r := range roles {
		out = append(out, readiness.Item{RequirementID: req, Part: r})
	}
	return out
}

// lines joins the lines of an expected summary.
func lines(parts ...[]string) []string { return slices.Concat(parts...) }

// render summarises a report, one line per Bab and (when eps) one per EP:
//
//	I 15/20 = 75.00% of 2 EP         Bab score/max, percent, projected EP
//	II not assessed                  no projected EP (score, max all 0)
//	 1.1.1/a 10: slots 4/5, items 1/2, named 0/2
//	                                 suggested: R and D slots present/all,
//	                                 R and D items met/all, W roles named/all
//	 1.1.1/b TDD "x" 5: slots …      a TDD proposal with its reason
//	 1.1.1/c unprojectable, named 0/2
//	status Madya | status none (partial)
//	unprojectable 1, tdd proposed 1
//	without TDD: none | without TDD: and its Bab and status lines, indented
//
// It also checks what the summary leaves out: standar and kriteria rollups
// add up to their Bab, Fraction is SlotsPresent ÷ Slots.
func render(t *testing.T, rep readiness.Report, eps bool) []string {
	t.Helper()
	var out []string
	for _, b := range rep.Bab {
		out = append(out, babLine(b.Rollup))
		var ss readiness.Rollup
		for _, s := range b.Standar {
			var ks readiness.Rollup
			for _, k := range s.Kriteria {
				ks.Score, ks.Max, ks.Applicable = ks.Score+k.Score, ks.Max+k.Max, ks.Applicable+k.Applicable
				if eps {
					for _, e := range k.Elements {
						out = append(out, " "+epLine(t, e))
					}
				}
			}
			if ks.Score != s.Score || ks.Max != s.Max || ks.Applicable != s.Applicable {
				t.Errorf("standar %s: %d/%d of %d EP, but its kriteria add up to %d/%d of %d", s.ID, s.Score, s.Max, s.Applicable, ks.Score, ks.Max, ks.Applicable)
			}
			ss.Score, ss.Max, ss.Applicable = ss.Score+s.Score, ss.Max+s.Max, ss.Applicable+s.Applicable
		}
		if ss.Score != b.Score || ss.Max != b.Max || ss.Applicable != b.Applicable {
			t.Errorf("Bab %s: %d/%d of %d EP, but its standar add up to %d/%d of %d", b.ID, b.Score, b.Max, b.Applicable, ss.Score, ss.Max, ss.Applicable)
		}
	}
	out = append(out, statusLine(rep.Status, rep.Partial),
		fmt.Sprintf("unprojectable %d, tdd proposed %d", rep.Unprojectable, rep.TDDProposed))
	if rep.WithoutTDD == nil {
		return append(out, "without TDD: none")
	}
	out = append(out, "without TDD:")
	for _, b := range rep.WithoutTDD.Bab {
		out = append(out, " "+babLine(b))
	}
	return append(out, " "+statusLine(rep.WithoutTDD.Status, rep.WithoutTDD.Partial))
}

func babLine(r readiness.Rollup) string {
	if !r.Assessed && r.Score == 0 && r.Max == 0 && r.Applicable == 0 && r.Percent == 0 {
		return r.ID + " not assessed"
	}
	s := fmt.Sprintf("%s %d/%d = %.2f%% of %d EP", r.ID, r.Score, r.Max, r.Percent, r.Applicable)
	if !r.Assessed {
		s += " (Assessed false)"
	}
	if want := float64(r.Score) / float64(r.Max) * 100; r.Max > 0 && !near(r.Percent, want) {
		s += fmt.Sprintf(" (Percent %v, not %v)", r.Percent, want)
	}
	return s
}

func epLine(t *testing.T, e readiness.ElementScore) string {
	t.Helper()
	s := e.ID
	if e.TDD {
		s += fmt.Sprintf(" TDD %q", e.TDDReason)
	} else if e.TDDReason != "" {
		s += fmt.Sprintf(" (TDDReason %q without TDD)", e.TDDReason)
	}
	if e.Projectable {
		s += fmt.Sprintf(" %d: slots %d/%d, items %d/%d,", e.Suggested, e.SlotsPresent, e.Slots, e.Met, e.Counted)
	} else {
		s += " unprojectable,"
		if e.Slots != 0 || e.Counted != 0 {
			s += fmt.Sprintf(" (but slots %d/%d, items %d/%d)", e.SlotsPresent, e.Slots, e.Met, e.Counted)
		}
	}
	want := 0.0
	if e.Slots > 0 {
		want = float64(e.SlotsPresent) / float64(e.Slots)
	}
	if !near(e.Fraction, want) {
		t.Errorf("EP %s Fraction: got %v, want %d/%d", e.ID, e.Fraction, e.SlotsPresent, e.Slots)
	}
	return s + fmt.Sprintf(" named %d/%d", e.Interview.Named, e.Interview.Roles)
}

func statusLine(status string, partial bool) string {
	switch {
	case status == "" && partial:
		return "status none (partial)"
	case status != "" && !partial:
		return "status " + status
	default:
		return fmt.Sprintf("status %q, partial %v", status, partial)
	}
}

func checkLines(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("report:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// requirement finds a requirement's score in a report.
func requirement(t *testing.T, rep readiness.Report, id string) readiness.RequirementScore {
	t.Helper()
	ep := id[:strings.LastIndex(id, "/")]
	e, ok := rep.Element(ep)
	if !ok {
		t.Fatalf("EP %s not in the report", ep)
	}
	r, ok := e.Requirement(id)
	if !ok {
		t.Fatalf("requirement %s not in the report", id)
	}
	return r
}

// checkNotCounted checks a requirement that never counts: an O or S item
// (on_site, no slots) or a W item (interview, met when every role is named).
func checkNotCounted(t *testing.T, rep readiness.Report, id, reason string, metWant bool) {
	t.Helper()
	r := requirement(t, rep, id)
	if r.Reason != reason || r.Counted || r.Met != metWant || r.Problem() != "" {
		t.Errorf("%s: reason/counted/met/problem: got %q/%v/%v/%q, want %q/false/%v/\"\"", id, r.Reason, r.Counted, r.Met, r.Problem(), reason, metWant)
	}
	if reason == readiness.ReasonOnSite && (len(r.Slots) != 0 || r.Present != 0) {
		t.Errorf("%s: slots/present: got %d/%d, want 0/0", id, len(r.Slots), r.Present)
	}
}

// Lines of Bab II … V when each holds one fully documented EP of one slot.
var (
	fullII  = []string{"II 10/10 = 100.00% of 1 EP", " 2.1.1/a 10: slots 1/1, items 1/1, named 0/0"}
	fullIII = []string{"III 10/10 = 100.00% of 1 EP", " 3.1.1/a 10: slots 1/1, items 1/1, named 0/0"}
	fullIV  = []string{"IV 10/10 = 100.00% of 1 EP", " 4.1.1/a 10: slots 1/1, items 1/1, named 0/0"}
	fullV   = []string{"V 10/10 = 100.00% of 1 EP", " 5.1.1/a 10: slots 1/1, items 1/1, named 0/0"}
	fullIIV = lines(fullII, fullIII, fullIV, fullV)

	// fillers documents the one-slot D1 of EP a in Bab II … V.
	fillers = []readiness.Item{file("2.1.1/a/D1"), file("3.1.1/a/D1"), file("4.1.1/a/D1"), file("5.1.1/a/D1")}
)

// ---------------------------------------------------------------------------
// Rule 1: W items are interview preparation and never change a score.

func TestRuleInterviewNeverScores(t *testing.T) {
	// Every Bab: EP a = R1 + D1 × 4 stages (5 R/D slots) + W1 × 3 roles.
	c := fiveBab(t, "", map[string][]string{
		"I": {"R1 D1*4 W1*3"}, "II": {"R1 D1*4 W1*3"}, "III": {"R1 D1*4 W1*3"}, "IV": {"R1 D1*4 W1*3"}, "V": {"R1 D1*4 W1*3"},
	})
	var docs []readiness.Item // R1 and D1 s1–s4 of every Bab: 5 of 5 → 10
	for _, n := range []string{"1", "2", "3", "4", "5"} {
		docs = append(docs, file(n+".1.1/a/R1"))
		docs = append(docs, stages(n+".1.1/a/D1", 4)...)
	}
	rest := []string{
		"II 10/10 = 100.00% of 1 EP", " 2.1.1/a 10: slots 5/5, items 2/2, named 0/3",
		"III 10/10 = 100.00% of 1 EP", " 3.1.1/a 10: slots 5/5, items 2/2, named 0/3",
		"IV 10/10 = 100.00% of 1 EP", " 4.1.1/a 10: slots 5/5, items 2/2, named 0/3",
		"V 10/10 = 100.00% of 1 EP", " 5.1.1/a 10: slots 5/5, items 2/2, named 0/3",
	}
	// Bab I with R1 alone: 1 of 5 = 20 % → 5; Bab I 5/10 = 50 % < 75 %
	// (the Dasar minimum of Bab I) → Tidak Terakreditasi.
	r1Only := without(docs, stages("1.1.1/a/D1", 4)...)
	for _, tc := range []struct {
		name  string
		items []readiness.Item
		want  []string
		all   bool // every role of 1.1.1/a/W1 named
	}{
		{
			name:  "documents complete, nobody named: Paripurna",
			items: docs,
			want: lines([]string{"I 10/10 = 100.00% of 1 EP", " 1.1.1/a 10: slots 5/5, items 2/2, named 0/3"}, rest,
				[]string{"status Paripurna", "unprojectable 0, tdd proposed 0", "without TDD: none"}),
		},
		{
			name:  "documents complete, one interviewee named: only Named changes",
			items: join(docs, named("1.1.1/a/W1", "peran2")),
			want: lines([]string{"I 10/10 = 100.00% of 1 EP", " 1.1.1/a 10: slots 5/5, items 2/2, named 1/3"}, rest,
				[]string{"status Paripurna", "unprojectable 0, tdd proposed 0", "without TDD: none"}),
		},
		{
			name:  "documents complete, all three named: W1 met, still 10",
			items: join(docs, named("1.1.1/a/W1", "peran1", "peran2", "peran3")),
			want: lines([]string{"I 10/10 = 100.00% of 1 EP", " 1.1.1/a 10: slots 5/5, items 2/2, named 3/3"}, rest,
				[]string{"status Paripurna", "unprojectable 0, tdd proposed 0", "without TDD: none"}),
			all: true,
		},
		{
			name:  "1 of 5 slots, nobody named: 5",
			items: r1Only,
			want: lines([]string{"I 5/10 = 50.00% of 1 EP", " 1.1.1/a 5: slots 1/5, items 1/2, named 0/3"}, rest,
				[]string{"status Tidak Terakreditasi", "unprojectable 0, tdd proposed 0", "without TDD: none"}),
		},
		{
			name:  "1 of 5 slots, one interviewee named: still 5",
			items: join(r1Only, named("1.1.1/a/W1", "peran1")),
			want: lines([]string{"I 5/10 = 50.00% of 1 EP", " 1.1.1/a 5: slots 1/5, items 1/2, named 1/3"}, rest,
				[]string{"status Tidak Terakreditasi", "unprojectable 0, tdd proposed 0", "without TDD: none"}),
		},
		{
			name:  "1 of 5 slots, all three named: still 5",
			items: join(r1Only, named("1.1.1/a/W1", "peran1", "peran2", "peran3")),
			want: lines([]string{"I 5/10 = 50.00% of 1 EP", " 1.1.1/a 5: slots 1/5, items 1/2, named 3/3"}, rest,
				[]string{"status Tidak Terakreditasi", "unprojectable 0, tdd proposed 0", "without TDD: none"}),
			all: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := readiness.Score(c, readiness.Input{Items: tc.items, Now: now})
			checkLines(t, render(t, rep, true), tc.want)
			checkNotCounted(t, rep, "1.1.1/a/W1", readiness.ReasonInterview, tc.all)

			// Dropping every W item leaves the report the same but for the
			// interview preparation.
			docsOnly := slices.DeleteFunc(slices.Clone(tc.items), func(it readiness.Item) bool {
				return strings.Contains(it.RequirementID, "/W")
			})
			base := readiness.Score(c, readiness.Input{Items: docsOnly, Now: now})
			if a, b := documentary(rep), documentary(base); !reflect.DeepEqual(a, b) {
				t.Errorf("naming interviewees changed the report:\n%+v\nwithout them:\n%+v", a, b)
			}
		})
	}
}

// documentary is a report without its interview preparation: the
// Interview counts and W requirements of every EP are dropped.
func documentary(rep readiness.Report) readiness.Report {
	for e := range rep.Elements() {
		e.Interview = readiness.Interview{}
		e.Requirements = slices.DeleteFunc(e.Requirements, func(r readiness.RequirementScore) bool {
			return r.Method == string(catalogue.Wawancara)
		})
	}
	return rep
}

// ---------------------------------------------------------------------------
// Rule 2: O and S items are verified on site; an EP with no R or D item is
// unprojectable and counts nowhere.

func TestRuleOnSiteUnprojectable(t *testing.T) {
	// Bab I: a = R1 + O1, b = O1 alone, c = O1 + S1 + W1 × 2.
	c := fiveBab(t, "", map[string][]string{
		"I":  {"R1 O1", "O1", "O1 S1 W1*2"},
		"II": {"D1"}, "III": {"D1"}, "IV": {"D1"}, "V": {"D1"},
	})
	for _, tc := range []struct {
		name  string
		items []readiness.Item
		want  []string
		named bool // 1.1.1/c/W1 fully named
	}{
		{
			// a: 1 of 1 slot (O1 has none) → 10. b and c count nowhere:
			// Bab I is 10/10 of 1 EP (the old rules gave b and c a 10 each:
			// 30/30 of 3 EP). Every Bab 100 % → Paripurna.
			name:  "R1 present: O-only and O/S/W-only EP excluded, R + O scored on R alone",
			items: join(fillers, []readiness.Item{file("1.1.1/a/R1")}),
			want: lines([]string{
				"I 10/10 = 100.00% of 1 EP",
				" 1.1.1/a 10: slots 1/1, items 1/1, named 0/0",
				" 1.1.1/b unprojectable, named 0/0",
				" 1.1.1/c unprojectable, named 0/2",
			}, fullIIV, []string{"status Paripurna", "unprojectable 2, tdd proposed 0", "without TDD: none"}),
		},
		{
			// a: 0 of 1 → 0 (counting O1 would make 1 of 2 = 50 % → 5).
			// Bab I 0/10 = 0 % → Tidak Terakreditasi; b and c still do not
			// count against it.
			name:  "R1 missing: the O item does not lift the R + O EP",
			items: fillers,
			want: lines([]string{
				"I 0/10 = 0.00% of 1 EP",
				" 1.1.1/a 0: slots 0/1, items 0/1, named 0/0",
				" 1.1.1/b unprojectable, named 0/0",
				" 1.1.1/c unprojectable, named 0/2",
			}, fullIIV, []string{"status Tidak Terakreditasi", "unprojectable 2, tdd proposed 0", "without TDD: none"}),
		},
		{
			name:  "both roles of the O/S/W EP named: still unprojectable",
			items: join(fillers, []readiness.Item{file("1.1.1/a/R1")}, named("1.1.1/c/W1", "peran1", "peran2")),
			want: lines([]string{
				"I 10/10 = 100.00% of 1 EP",
				" 1.1.1/a 10: slots 1/1, items 1/1, named 0/0",
				" 1.1.1/b unprojectable, named 0/0",
				" 1.1.1/c unprojectable, named 2/2",
			}, fullIIV, []string{"status Paripurna", "unprojectable 2, tdd proposed 0", "without TDD: none"}),
			named: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := readiness.Score(c, readiness.Input{Items: tc.items, Now: now})
			checkLines(t, render(t, rep, true), tc.want)
			for _, id := range []string{"1.1.1/a/O1", "1.1.1/b/O1", "1.1.1/c/O1", "1.1.1/c/S1"} {
				checkNotCounted(t, rep, id, readiness.ReasonOnSite, false)
			}
			checkNotCounted(t, rep, "1.1.1/c/W1", readiness.ReasonInterview, tc.named)
		})
	}
}

// ---------------------------------------------------------------------------
// Rule 3: the suggested score is the fraction of R and D slots present and
// valid, mapped by the catalogue's suggestion table.

func TestRuleSuggestFromSlots(t *testing.T) {
	// Bab I: a = R1 + D1 × 4 stages (5 R/D slots) + W1 × 2 + O1.
	babs := map[string][]string{
		"I":  {"R1 D1*4 W1*2 O1"},
		"II": {"D1"}, "III": {"D1"}, "IV": {"D1"}, "V": {"D1"},
	}
	def := fiveBab(t, "", babs)
	custom := fiveBab(t, "[{min: 100, score: 10}, {min: 50, score: 5}]", babs)
	var (
		r1   = file("1.1.1/a/R1")
		d1   = func(k int) []readiness.Item { return stages("1.1.1/a/D1", k) }
		tail = func(status string) []string {
			return lines(fullIIV, []string{"status " + status, "unprojectable 0, tdd proposed 0", "without TDD: none"})
		}
		// Bab I at 10 → 100 % (Paripurna), at 5 → 50 % and at 0 → 0 %
		// (both below the Dasar minimum of 75 % for Bab I).
		babI = func(score int, ep string) []string {
			return []string{fmt.Sprintf("I %d/10 = %d.00%% of 1 EP", score, score*10), " 1.1.1/a " + ep}
		}
	)
	for _, tc := range []struct {
		name  string
		cat   *catalogue.Catalogue
		items []readiness.Item
		want  []string
	}{
		// The default table: ≥ 80 % → 10, ≥ 20 % → 5, else 0.
		{"all 5 slots: 10", def, join([]readiness.Item{r1}, d1(4)),
			lines(babI(10, "10: slots 5/5, items 2/2, named 0/2"), tail(paripurna))},
		{"4 of 5 slots (80%): 10", def, join([]readiness.Item{r1}, d1(3)),
			lines(babI(10, "10: slots 4/5, items 1/2, named 0/2"), tail(paripurna))},
		{"3 of 5 slots (60%): 5", def, join([]readiness.Item{r1}, d1(2)),
			lines(babI(5, "5: slots 3/5, items 1/2, named 0/2"), tail(below))},
		{"1 of 5 slots (20%): 5", def, d1(1),
			lines(babI(5, "5: slots 1/5, items 0/2, named 0/2"), tail(below))},
		{"0 of 5 slots, both interviewees named: 0", def, named("1.1.1/a/W1", "peran1", "peran2"),
			lines(babI(0, "0: slots 0/5, items 0/2, named 2/2"), tail(below))},
		// R1, s1, s2 valid and s3 rejected: 3 of 5 (60 %) → 5; counted it
		// would be 4 of 5 → 10.
		{"a rejected file does not count: 3 of 5 slots, 5", def, join([]readiness.Item{r1}, d1(2), []readiness.Item{rejected(file("1.1.1/a/D1", "s3"))}),
			lines(babI(5, "5: slots 3/5, items 1/2, named 0/2"), tail(below))},
		// R1 expired yesterday, s1–s3 valid: 3 of 5 → 5 (no item met).
		{"an expired file does not count: 3 of 5 slots, 5", def, join([]readiness.Item{validUntil(r1, yesterday)}, d1(3)),
			lines(babI(5, "5: slots 3/5, items 0/2, named 0/2"), tail(below))},
		{"a file valid until today counts: 4 of 5 slots, 10", def, join([]readiness.Item{validUntil(r1, todayMidnight)}, d1(3)),
			lines(babI(10, "10: slots 4/5, items 1/2, named 0/2"), tail(paripurna))},
		// The catalogue's own table: 100 % → 10, ≥ 50 % → 5, else 0.
		{"custom table, all 5 slots: 10", custom, join([]readiness.Item{r1}, d1(4)),
			lines(babI(10, "10: slots 5/5, items 2/2, named 0/2"), tail(paripurna))},
		{"custom table, 4 of 5 slots (80%): 5", custom, join([]readiness.Item{r1}, d1(3)),
			lines(babI(5, "5: slots 4/5, items 1/2, named 0/2"), tail(below))},
		{"custom table, 3 of 5 slots (60%): 5", custom, join([]readiness.Item{r1}, d1(2)),
			lines(babI(5, "5: slots 3/5, items 1/2, named 0/2"), tail(below))},
		{"custom table, 1 of 5 slots (20%): 0", custom, d1(1),
			lines(babI(0, "0: slots 1/5, items 0/2, named 0/2"), tail(below))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := readiness.Score(tc.cat, readiness.Input{Items: join(fillers, tc.items), Now: now})
			checkLines(t, render(t, rep, true), tc.want)
			checkNotCounted(t, rep, "1.1.1/a/O1", readiness.ReasonOnSite, false)
		})
	}
}

// ---------------------------------------------------------------------------
// Rule 4: a TDD mark is a proposal. Report and Status leave the EP out;
// WithoutTDD scores it on its evidence.

func TestRuleTDDProposal(t *testing.T) {
	// Bab I: a and b = D1 × 2 stages each (2 slots: 2 → 10, 1 → 5, 0 → 0).
	c := fiveBab(t, "", map[string][]string{
		"I":  {"D1*2", "D1*2"},
		"II": {"D1"}, "III": {"D1"}, "IV": {"D1"}, "V": {"D1"},
	})
	const reason = "tidak ada layanan"
	tddB := map[string]string{"1.1.1/b": reason}
	aFull := stages("1.1.1/a/D1", 2)
	// Refusing the proposal only ever changes Bab I; Bab II … V stay
	// 10/10 = 100 %.
	withoutII_V := []string{" II 10/10 = 100.00% of 1 EP", " III 10/10 = 100.00% of 1 EP", " IV 10/10 = 100.00% of 1 EP", " V 10/10 = 100.00% of 1 EP"}
	for _, tc := range []struct {
		name  string
		items []readiness.Item
		tdd   map[string]string
		want  []string
	}{
		{
			// Accepted: Bab I is a alone, 10/10 → Paripurna. Refused: b
			// scores its 1 of 2 slots → 5: Bab I 15/20 = 75 % → not Utama
			// (I 80), Madya (I 75, II … V 100).
			name:  "b proposed TDD with 1 of 2 slots: Paripurna, without TDD Madya",
			items: join(aFull, []readiness.Item{file("1.1.1/b/D1", "s1")}),
			tdd:   tddB,
			want: lines([]string{
				"I 10/10 = 100.00% of 1 EP",
				" 1.1.1/a 10: slots 2/2, items 1/1, named 0/0",
				` 1.1.1/b TDD "tidak ada layanan" 5: slots 1/2, items 0/1, named 0/0`,
			}, fullIIV, []string{
				"status Paripurna", "unprojectable 0, tdd proposed 1",
				"without TDD:", " I 15/20 = 75.00% of 2 EP",
			}, withoutII_V, []string{" status Madya"}),
		},
		{
			// The same evidence without the proposal: what WithoutTDD said.
			name:  "same evidence, no TDD: Madya, no WithoutTDD",
			items: join(aFull, []readiness.Item{file("1.1.1/b/D1", "s1")}),
			want: lines([]string{
				"I 15/20 = 75.00% of 2 EP",
				" 1.1.1/a 10: slots 2/2, items 1/1, named 0/0",
				" 1.1.1/b 5: slots 1/2, items 0/1, named 0/0",
			}, fullIIV, []string{"status Madya", "unprojectable 0, tdd proposed 0", "without TDD: none"}),
		},
		{
			// Refused, b scores 0 of 2 → 0: Bab I 10/20 = 50 % < 75 %.
			name:  "b proposed TDD with no evidence: Paripurna, without TDD Tidak Terakreditasi",
			items: aFull,
			tdd:   tddB,
			want: lines([]string{
				"I 10/10 = 100.00% of 1 EP",
				" 1.1.1/a 10: slots 2/2, items 1/1, named 0/0",
				` 1.1.1/b TDD "tidak ada layanan" 0: slots 0/2, items 0/1, named 0/0`,
			}, fullIIV, []string{
				"status Paripurna", "unprojectable 0, tdd proposed 1",
				"without TDD:", " I 10/20 = 50.00% of 2 EP",
			}, withoutII_V, []string{" status Tidak Terakreditasi"}),
		},
		{
			// Refused, b scores 2 of 2 → 10: Bab I 20/20.
			name:  "b proposed TDD but fully documented: Paripurna both ways",
			items: join(aFull, stages("1.1.1/b/D1", 2)),
			tdd:   tddB,
			want: lines([]string{
				"I 10/10 = 100.00% of 1 EP",
				" 1.1.1/a 10: slots 2/2, items 1/1, named 0/0",
				` 1.1.1/b TDD "tidak ada layanan" 10: slots 2/2, items 1/1, named 0/0`,
			}, fullIIV, []string{
				"status Paripurna", "unprojectable 0, tdd proposed 1",
				"without TDD:", " I 20/20 = 100.00% of 2 EP",
			}, withoutII_V, []string{" status Paripurna"}),
		},
		{
			// a: 0 of 2 → 0 is the only projected EP of Bab I: 0/10. Refused,
			// b adds 1 of 2 → 5: 5/20 = 25 %. Both below Dasar (I 75).
			name:  "b proposed TDD, a undocumented: Tidak Terakreditasi both ways",
			items: []readiness.Item{file("1.1.1/b/D1", "s2")},
			tdd:   tddB,
			want: lines([]string{
				"I 0/10 = 0.00% of 1 EP",
				" 1.1.1/a 0: slots 0/2, items 0/1, named 0/0",
				` 1.1.1/b TDD "tidak ada layanan" 5: slots 1/2, items 0/1, named 0/0`,
			}, fullIIV, []string{
				"status Tidak Terakreditasi", "unprojectable 0, tdd proposed 1",
				"without TDD:", " I 5/20 = 25.00% of 2 EP",
			}, withoutII_V, []string{" status Tidak Terakreditasi"}),
		},
		{
			name:  "TDD for an EP not in the catalogue is ignored: no WithoutTDD",
			items: join(aFull, []readiness.Item{file("1.1.1/b/D1", "s1")}),
			tdd:   map[string]string{"9.9.9/a": "x", "1.1.1": "a kriteria, not an EP"},
			want: lines([]string{
				"I 15/20 = 75.00% of 2 EP",
				" 1.1.1/a 10: slots 2/2, items 1/1, named 0/0",
				" 1.1.1/b 5: slots 1/2, items 0/1, named 0/0",
			}, fullIIV, []string{"status Madya", "unprojectable 0, tdd proposed 0", "without TDD: none"}),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := readiness.Score(c, readiness.Input{Items: join(fillers, tc.items), NotApplicable: tc.tdd, Now: now})
			checkLines(t, render(t, rep, true), tc.want)
			// The R and D items of a TDD EP are "tdd" and count nowhere.
			r := requirement(t, rep, "1.1.1/b/D1")
			if _, tdd := tc.tdd["1.1.1/b"]; tdd && (r.Reason != readiness.ReasonTDD || r.Counted || r.Problem() != "") {
				t.Errorf("1.1.1/b/D1 of a TDD EP: reason/counted/problem: got %q/%v/%q, want %q/false/\"\"", r.Reason, r.Counted, r.Problem(), readiness.ReasonTDD)
			} else if !tdd && (!r.Counted || r.Reason == readiness.ReasonTDD) {
				t.Errorf("1.1.1/b/D1: counted/reason: got %v/%q, want true and not %q", r.Counted, r.Reason, readiness.ReasonTDD)
			}
		})
	}
}

// TestRuleTDDWithoutIsTheReportUnmarked checks that WithoutTDD is exactly
// the Bab projection of the same evidence with no TDD mark.
func TestRuleTDDWithoutIsTheReportUnmarked(t *testing.T) {
	c := fiveBab(t, "", map[string][]string{
		"I":  {"D1*2", "D1*2", "R1 D1*3"},
		"II": {"D1", "R1 O1"}, "III": {"D1"}, "IV": {"O1"}, "V": {"D1*4"},
	})
	items := []readiness.Item{file("1.1.1/a/D1", "s1"), file("1.1.1/c/R1"), file("1.1.1/c/D1", "s3"), file("2.1.1/b/R1"), file("5.1.1/a/D1", "s2")}
	tdd := map[string]string{"1.1.1/a": "x", "2.1.1/b": "y", "4.1.1/a": "z"}
	marked := readiness.Score(c, readiness.Input{Items: items, NotApplicable: tdd, Now: now})
	unmarked := readiness.Score(c, readiness.Input{Items: items, Now: now})
	if marked.WithoutTDD == nil {
		t.Fatal("WithoutTDD: got nil, want a projection")
	}
	var babs []readiness.Rollup
	for _, b := range unmarked.Bab {
		babs = append(babs, b.Rollup)
	}
	want := readiness.Projection{Bab: babs, Status: unmarked.Status, Partial: unmarked.Partial}
	if !reflect.DeepEqual(*marked.WithoutTDD, want) {
		t.Errorf("WithoutTDD:\n%+v\nwant the unmarked report's:\n%+v", *marked.WithoutTDD, want)
	}
	if marked.TDDProposed != 3 || unmarked.TDDProposed != 0 || unmarked.WithoutTDD != nil {
		t.Errorf("TDDProposed marked/unmarked: got %d/%d (WithoutTDD %v), want 3/0 (nil)", marked.TDDProposed, unmarked.TDDProposed, unmarked.WithoutTDD)
	}
	// Bab IV's only EP is O-only: both projections are partial.
	if !marked.Partial || !marked.WithoutTDD.Partial || marked.Status != "" || marked.WithoutTDD.Status != "" {
		t.Errorf("status/partial: got %q/%v, without TDD %q/%v, want \"\"/true both", marked.Status, marked.Partial, marked.WithoutTDD.Status, marked.WithoutTDD.Partial)
	}
	// Every EP carries the same evidence-based Suggested either way.
	for e := range marked.Elements() {
		u, _ := unmarked.Element(e.ID)
		if e.Suggested != u.Suggested || e.Projectable != u.Projectable || e.SlotsPresent != u.SlotsPresent {
			t.Errorf("EP %s: suggested/projectable/slots marked %d/%v/%d, unmarked %d/%v/%d", e.ID, e.Suggested, e.Projectable, e.SlotsPresent, u.Suggested, u.Projectable, u.SlotsPresent)
		}
	}
}

// ---------------------------------------------------------------------------
// Rule 5: a status is projected only when every Bab has a projected EP.

func TestRulePartialNoStatus(t *testing.T) {
	noIII := fiveBab(t, "", map[string][]string{"I": {"D1"}, "II": {"D1"}, "IV": {"D1"}, "V": {"D1"}})
	full := fiveBab(t, "", map[string][]string{"I": {"D1"}, "II": {"D1"}, "III": {"D1"}, "IV": {"D1"}, "V": {"D1"}})
	oIV := fiveBab(t, "", map[string][]string{"I": {"D1"}, "II": {"D1"}, "III": {"D1"}, "IV": {"O1"}, "V": {"D1"}})
	fullI := []string{"I 10/10 = 100.00% of 1 EP", " 1.1.1/a 10: slots 1/1, items 1/1, named 0/0"}
	all := join([]readiness.Item{file("1.1.1/a/D1")}, fillers) // every D1
	for _, tc := range []struct {
		name  string
		cat   *catalogue.Catalogue
		items []readiness.Item
		tdd   map[string]string
		want  []string
	}{
		{
			name:  "control: every Bab documented, Paripurna",
			cat:   full,
			items: all,
			want:  lines(fullI, fullIIV, []string{"status Paripurna", "unprojectable 0, tdd proposed 0", "without TDD: none"}),
		},
		{
			// The percentages of the other Bab still stand.
			name:  "partial catalogue, Bab III has no EP: no status",
			cat:   noIII,
			items: without(all, file("3.1.1/a/D1")),
			want: lines(fullI, fullII, []string{"III not assessed"}, fullIV, fullV,
				[]string{"status none (partial)", "unprojectable 0, tdd proposed 0", "without TDD: none"}),
		},
		{
			// Refusing the proposal brings back Bab I, not Bab III.
			name:  "partial catalogue with a TDD proposal: WithoutTDD partial too",
			cat:   noIII,
			items: without(all, file("3.1.1/a/D1")),
			tdd:   map[string]string{"1.1.1/a": "x"},
			want: lines([]string{"I not assessed", ` 1.1.1/a TDD "x" 10: slots 1/1, items 1/1, named 0/0`},
				fullII, []string{"III not assessed"}, fullIV, fullV,
				[]string{"status none (partial)", "unprojectable 0, tdd proposed 1", "without TDD:",
					" I 10/10 = 100.00% of 1 EP", " II 10/10 = 100.00% of 1 EP", " III not assessed",
					" IV 10/10 = 100.00% of 1 EP", " V 10/10 = 100.00% of 1 EP", " status none (partial)"}),
		},
		{
			// Refused, II/a scores its 1 of 1 slot → 10: all 100 % → Paripurna.
			name:  "Bab II's only EP proposed TDD: partial, without TDD Paripurna",
			cat:   full,
			items: all,
			tdd:   map[string]string{"2.1.1/a": "tidak ada"},
			want: lines(fullI, []string{"II not assessed", ` 2.1.1/a TDD "tidak ada" 10: slots 1/1, items 1/1, named 0/0`},
				fullIII, fullIV, fullV,
				[]string{"status none (partial)", "unprojectable 0, tdd proposed 1", "without TDD:",
					" I 10/10 = 100.00% of 1 EP", " II 10/10 = 100.00% of 1 EP", " III 10/10 = 100.00% of 1 EP",
					" IV 10/10 = 100.00% of 1 EP", " V 10/10 = 100.00% of 1 EP", " status Paripurna"}),
		},
		{
			// Refused, II/a scores 0 of 1 → 0: Bab II 0 % < 60 % (its Dasar
			// minimum) → Tidak Terakreditasi.
			name:  "Bab II's only EP proposed TDD, undocumented: without TDD Tidak Terakreditasi",
			cat:   full,
			items: without(all, file("2.1.1/a/D1")),
			tdd:   map[string]string{"2.1.1/a": "tidak ada"},
			want: lines(fullI, []string{"II not assessed", ` 2.1.1/a TDD "tidak ada" 0: slots 0/1, items 0/1, named 0/0`},
				fullIII, fullIV, fullV,
				[]string{"status none (partial)", "unprojectable 0, tdd proposed 1", "without TDD:",
					" I 10/10 = 100.00% of 1 EP", " II 0/10 = 0.00% of 1 EP", " III 10/10 = 100.00% of 1 EP",
					" IV 10/10 = 100.00% of 1 EP", " V 10/10 = 100.00% of 1 EP", " status Tidak Terakreditasi"}),
		},
		{
			name:  "Bab IV's only EP is O-only: partial",
			cat:   oIV,
			items: without(all, file("4.1.1/a/D1")),
			want: lines(fullI, fullII, fullIII, []string{"IV not assessed", " 4.1.1/a unprojectable, named 0/0"}, fullV,
				[]string{"status none (partial)", "unprojectable 1, tdd proposed 0", "without TDD: none"}),
		},
		{
			// An O-only EP has nothing to score when refused either.
			name:  "Bab IV's only EP is O-only and proposed TDD: partial both ways",
			cat:   oIV,
			items: without(all, file("4.1.1/a/D1")),
			tdd:   map[string]string{"4.1.1/a": "tidak ada ruang"},
			want: lines(fullI, fullII, fullIII, []string{"IV not assessed", ` 4.1.1/a TDD "tidak ada ruang" unprojectable, named 0/0`}, fullV,
				[]string{"status none (partial)", "unprojectable 1, tdd proposed 1", "without TDD:",
					" I 10/10 = 100.00% of 1 EP", " II 10/10 = 100.00% of 1 EP", " III 10/10 = 100.00% of 1 EP",
					" IV not assessed", " V 10/10 = 100.00% of 1 EP", " status none (partial)"}),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := readiness.Score(tc.cat, readiness.Input{Items: tc.items, NotApplicable: tc.tdd, Now: now})
			checkLines(t, render(t, rep, true), tc.want)
		})
	}
}

// ---------------------------------------------------------------------------
// Rule 6: the projected status follows the threshold table exactly.

// TestRuleStatusThresholds scores a catalogue whose every Bab holds 50 EP of
// two slots each (2 → 10, 1 → 5, 0 → 0), so a Bab's maximum is 500 and one
// EP at 5 instead of 10 costs exactly one percentage point: a Bab with t EP
// at 10 and f at 5 scores 10t + 5f of 500 = 2t + f %.
func TestRuleStatusThresholds(t *testing.T) {
	fifty := slices.Repeat([]string{"D1*2"}, 50)
	c := fiveBab(t, "", map[string][]string{"I": fifty, "II": fifty, "III": fifty, "IV": fifty, "V": fifty})
	// evidence documents, in catalogue order, tens[i] EP fully and fives[i]
	// EP by one slot in Bab i (I … V).
	evidence := func(tens, fives [5]int) []readiness.Item {
		var out []readiness.Item
		for i, b := range c.Bab {
			n := 0
			for _, k := range b.Standar[0].Kriteria {
				for _, e := range k.Elements {
					switch id := e.ID + "/D1"; {
					case n < tens[i]:
						out = append(out, stages(id, 2)...)
					case n < tens[i]+fives[i]:
						out = append(out, file(id, "s1"))
					}
					n++
				}
			}
		}
		return out
	}
	for _, tc := range []struct {
		name        string
		tens, fives [5]int
		want        []string
	}{
		{
			name: "every Bab exactly 80%: Paripurna",
			tens: [5]int{40, 40, 40, 40, 40},
			want: []string{"I 400/500 = 80.00% of 50 EP", "II 400/500 = 80.00% of 50 EP", "III 400/500 = 80.00% of 50 EP", "IV 400/500 = 80.00% of 50 EP", "V 400/500 = 80.00% of 50 EP", "status Paripurna"},
		},
		{
			// V 79 < 80 fails Paripurna; Utama asks V 75, III 70.
			name:  "V one point below Paripurna (79%): Utama",
			tens:  [5]int{40, 40, 40, 40, 39},
			fives: [5]int{0, 0, 0, 0, 1},
			want:  []string{"I 400/500 = 80.00% of 50 EP", "II 400/500 = 80.00% of 50 EP", "III 400/500 = 80.00% of 50 EP", "IV 400/500 = 80.00% of 50 EP", "V 395/500 = 79.00% of 50 EP", "status Utama"},
		},
		{
			// Utama asks I 80, so I 79 falls to Madya (I 75).
			name:  "I one point below Paripurna (79%): Madya",
			tens:  [5]int{39, 40, 40, 40, 40},
			fives: [5]int{1, 0, 0, 0, 0},
			want:  []string{"I 395/500 = 79.00% of 50 EP", "II 400/500 = 80.00% of 50 EP", "III 400/500 = 80.00% of 50 EP", "IV 400/500 = 80.00% of 50 EP", "V 400/500 = 80.00% of 50 EP", "status Madya"},
		},
		{
			name:  "exactly Utama (80, 80, 70, 80, 75): Utama",
			tens:  [5]int{40, 40, 35, 40, 37},
			fives: [5]int{0, 0, 0, 0, 1},
			want:  []string{"I 400/500 = 80.00% of 50 EP", "II 400/500 = 80.00% of 50 EP", "III 350/500 = 70.00% of 50 EP", "IV 400/500 = 80.00% of 50 EP", "V 375/500 = 75.00% of 50 EP", "status Utama"},
		},
		{
			// III 69 < 70; Madya asks III 60 and the rest is above it.
			name:  "III one point below Utama (69%): Madya",
			tens:  [5]int{40, 40, 34, 40, 37},
			fives: [5]int{0, 0, 1, 0, 1},
			want:  []string{"I 400/500 = 80.00% of 50 EP", "II 400/500 = 80.00% of 50 EP", "III 345/500 = 69.00% of 50 EP", "IV 400/500 = 80.00% of 50 EP", "V 375/500 = 75.00% of 50 EP", "status Madya"},
		},
		{
			name:  "exactly Madya (75, 75, 60, 75, 70): Madya",
			tens:  [5]int{37, 37, 30, 37, 35},
			fives: [5]int{1, 1, 0, 1, 0},
			want:  []string{"I 375/500 = 75.00% of 50 EP", "II 375/500 = 75.00% of 50 EP", "III 300/500 = 60.00% of 50 EP", "IV 375/500 = 75.00% of 50 EP", "V 350/500 = 70.00% of 50 EP", "status Madya"},
		},
		{
			// II 74 < 75; Dasar asks I 75, II 60, III 50, IV 60, V 60.
			name:  "II one point below Madya (74%): Dasar",
			tens:  [5]int{37, 37, 30, 37, 35},
			fives: [5]int{1, 0, 0, 1, 0},
			want:  []string{"I 375/500 = 75.00% of 50 EP", "II 370/500 = 74.00% of 50 EP", "III 300/500 = 60.00% of 50 EP", "IV 375/500 = 75.00% of 50 EP", "V 350/500 = 70.00% of 50 EP", "status Dasar"},
		},
		{
			name:  "exactly Dasar (75, 60, 50, 60, 60): Dasar",
			tens:  [5]int{37, 30, 25, 30, 30},
			fives: [5]int{1, 0, 0, 0, 0},
			want:  []string{"I 375/500 = 75.00% of 50 EP", "II 300/500 = 60.00% of 50 EP", "III 250/500 = 50.00% of 50 EP", "IV 300/500 = 60.00% of 50 EP", "V 300/500 = 60.00% of 50 EP", "status Dasar"},
		},
		{
			name: "I one point below Dasar (74%): Tidak Terakreditasi",
			tens: [5]int{37, 30, 25, 30, 30},
			want: []string{"I 370/500 = 74.00% of 50 EP", "II 300/500 = 60.00% of 50 EP", "III 250/500 = 50.00% of 50 EP", "IV 300/500 = 60.00% of 50 EP", "V 300/500 = 60.00% of 50 EP", "status Tidak Terakreditasi"},
		},
		{
			name:  "III one point below Dasar (49%): Tidak Terakreditasi",
			tens:  [5]int{37, 30, 24, 30, 30},
			fives: [5]int{1, 0, 1, 0, 0},
			want:  []string{"I 375/500 = 75.00% of 50 EP", "II 300/500 = 60.00% of 50 EP", "III 245/500 = 49.00% of 50 EP", "IV 300/500 = 60.00% of 50 EP", "V 300/500 = 60.00% of 50 EP", "status Tidak Terakreditasi"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := readiness.Score(c, readiness.Input{Items: evidence(tc.tens, tc.fives), Now: now})
			checkLines(t, render(t, rep, false), lines(tc.want, []string{"unprojectable 0, tdd proposed 0", "without TDD: none"}))
		})
	}
}
