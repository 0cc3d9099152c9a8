package scoring_test

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/scoring"
)

// layout is the test catalogue: every kriteria with its number of EP
// (lettered a, b, c …). The Bab is the kriteria's first number, the standar
// its first two.
//
//	Bab I   (10 EP): 1.1 {1.1.1: a b, 1.1.2: a b c}, 1.2 {1.2.1: a–e}
//	Bab II  (4 EP):  2.1 {2.1.1: a b c}, 2.2 {2.2.1: a}
//	Bab III (4 EP):  3.1 {3.1.1: a b}, 3.2 {3.2.1: a b}
//	Bab IV  (4 EP):  4.1 {4.1.1: a–d}
//	Bab V   (27 EP): 5.1 {5.1.1: a–d}, 5.2 {5.2.1: a–w}
//
// Bab I has ten EP so that its percentage is the sum of its scores; Bab V
// has 27 so that it can sit just under 80 % (215/270 = 79.63 %).
var layout = []struct {
	kriteria string
	eps      int
}{
	{"1.1.1", 2}, {"1.1.2", 3}, {"1.2.1", 5},
	{"2.1.1", 3}, {"2.2.1", 1},
	{"3.1.1", 2}, {"3.2.1", 2},
	{"4.1.1", 4},
	{"5.1.1", 4}, {"5.2.1", 23},
}

var roman = map[string]string{"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V"}

// thresholds is the table of DESIGN.md §3.
const thresholds = `scoring:
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

// testCatalogue writes layout as a catalogue document and parses it.
func testCatalogue(t *testing.T) *catalogue.Catalogue {
	t.Helper()
	var b strings.Builder
	b.WriteString("format: bukti-catalogue/v1\nid: uji-skor\nversion: \"1\"\ntitle: Katalog Uji Skor\n")
	b.WriteString(thresholds)
	b.WriteString("bab:\n")
	lastBab, lastStd := "", ""
	for _, k := range layout {
		parts := strings.Split(k.kriteria, ".")
		bab, std := roman[parts[0]], parts[0]+"."+parts[1]
		if bab != lastBab {
			fmt.Fprintf(&b, "  - id: %s\n    title: Bab %s\n    standar:\n", bab, bab)
			lastBab = bab
		}
		if std != lastStd {
			fmt.Fprintf(&b, "      - id: %q\n        title: Standar %s\n        kriteria:\n", std, std)
			lastStd = std
		}
		fmt.Fprintf(&b, "          - id: %q\n            title: Kriteria %s\n            statement: Pernyataan %s.\n            elements:\n", k.kriteria, k.kriteria, k.kriteria)
		for i := 0; i < k.eps; i++ {
			fmt.Fprintf(&b, "              - letter: %c\n                text: Elemen %c.\n                methods: [D]\n                requirements:\n", 'a'+i, 'a'+i)
			b.WriteString("                  - {key: D1, method: D, title: Dokumen}\n")
		}
	}
	c, err := catalogue.Parse("uji-skor.yaml", []byte(b.String()))
	if err != nil {
		t.Fatalf("parse the test catalogue: %v\n%s", err, b.String())
	}
	return c
}

// scores builds the scores of every EP of layout: base for each, then the
// overrides. An override keyed by a kriteria ID lists the scores of its EP
// in letter order, space-separated (one value alone applies to all of
// them); keyed by an EP ID ("1.2.1/e") it is that EP's score. A score is
// "10", "5", "0", "TDD", or "-" for no score at all.
func scores(t *testing.T, base string, over map[string]string) map[string]scoring.Score {
	t.Helper()
	vals := map[string]string{}
	for _, k := range layout {
		list := make([]string, k.eps)
		for i := range list {
			list[i] = base
		}
		if o, ok := over[k.kriteria]; ok {
			f := strings.Fields(o)
			switch len(f) {
			case 1:
				for i := range list {
					list[i] = f[0]
				}
			case k.eps:
				list = f
			default:
				t.Fatalf("override of %s lists %d scores, want 1 or %d", k.kriteria, len(f), k.eps)
			}
		}
		for i, v := range list {
			vals[fmt.Sprintf("%s/%c", k.kriteria, 'a'+i)] = v
		}
	}
	for id, v := range over {
		if strings.Contains(id, "/") {
			vals[id] = v
		}
	}
	out := map[string]scoring.Score{}
	for id, v := range vals {
		switch v {
		case "-":
		case "TDD":
			out[id] = scoring.Score{TDD: true}
		default:
			var n int
			if _, err := fmt.Sscan(v, &n); err != nil {
				t.Fatalf("score %q of %s: %v", v, id, err)
			}
			out[id] = scoring.Score{Value: n}
		}
	}
	return out
}

// eps lists the EP IDs of a kriteria with the given letters.
func eps(kriteria, letters string) []string {
	var out []string
	for _, l := range letters {
		out = append(out, kriteria+"/"+string(l))
	}
	return out
}

// bab is the expected roll-up of one Bab: score, max, applicable EP.
// Percent is Score/Max×100 and Assessed is Applicable > 0.
type bab struct{ score, max, applicable int }

func full(n int) bab { return bab{10 * n, 10 * n, n} }

const eps9 = 1e-9

func near(a, b float64) bool { return math.Abs(a-b) < eps9 }

func TestCompute(t *testing.T) {
	c := testCatalogue(t)
	allFull := [5]bab{full(10), full(4), full(4), full(4), full(27)}
	cases := []struct {
		name   string
		base   string
		over   map[string]string
		babs   [5]bab // I … V
		status string
		// partial: some Bab has no applicable scored EP
		partial bool
		next    string
		gaps    []scoring.BabGap // Percent and Assessed are checked against babs
		// unscored lists the EP without a score, in catalogue order
		unscored []string
	}{
		{
			// 100 % everywhere meets the best status: nothing is next.
			name: "all 10 is Paripurna", base: "10",
			babs: allFull, status: "Paripurna",
		},
		{
			// Bab I: eight 10s and two 0s = 80/100 = 80 %, exactly the
			// Paripurna minimum, which is met.
			name: "exactly at the minimum meets it", base: "10",
			over: map[string]string{"1.2.1": "10 10 10 0 0"},
			babs: [5]bab{{80, 100, 10}, full(4), full(4), full(4), full(27)}, status: "Paripurna",
		},
		{
			// Bab II: 2.1.1 = 10, 5, TDD → 15/20; 2.2.1 TDD → Bab II
			// 15/20 = 75 %, two applicable EP. 75 < 80 rules out Paripurna
			// and Utama; Madya asks II ≥ 75: met. Next is Utama: Bab II is
			// 5 points short, and (15+p)/20 ≥ 0.8 needs p = 1.
			name: "TDD leaves numerator and denominator", base: "10",
			over: map[string]string{"2.1.1": "10 5 TDD", "2.2.1": "TDD"},
			babs: [5]bab{full(10), {15, 20, 2}, full(4), full(4), full(27)}, status: "Madya", next: "Utama",
			gaps: []scoring.BabGap{
				{Bab: "I", Min: 80}, {Bab: "II", Min: 80, Short: 5, Points: 1},
				{Bab: "III", Min: 70}, {Bab: "IV", Min: 80}, {Bab: "V", Min: 75},
			},
		},
		{
			// Bab IV has no applicable EP: not assessed, so the result is
			// partial and Bab IV constrains nothing; the rest is 100 %.
			name: "all TDD in a Bab is not assessed", base: "10",
			over: map[string]string{"4.1.1": "TDD"},
			babs: [5]bab{full(10), full(4), full(4), {0, 0, 0}, full(27)}, status: "Paripurna", partial: true,
		},
		{
			// Bab V: 11 × 5 + 12 × 10 in 5.2.1 and 4 × 10 in 5.1.1 =
			// 55 + 120 + 40 = 215/270 = 79.629…%, just under 80: not
			// Paripurna; Utama asks V ≥ 75: met. Short = 80 − 79.629… =
			// 0.370…; (215+p)/270 ≥ 0.8 needs p = 1 (216 = 0.8 × 270).
			name: "just under 80 is Utama", base: "10",
			over: map[string]string{"5.2.1": "5 5 5 5 5 5 5 5 5 5 5 10 10 10 10 10 10 10 10 10 10 10 10"},
			babs: [5]bab{full(10), full(4), full(4), full(4), {215, 270, 27}}, status: "Utama", next: "Paripurna",
			gaps: []scoring.BabGap{
				{Bab: "I", Min: 80}, {Bab: "II", Min: 80}, {Bab: "III", Min: 80}, {Bab: "IV", Min: 80},
				{Bab: "V", Min: 80, Short: 80 - 21500.0/270, Points: 1},
			},
		},
		{
			// Bab III: 3.1.1 = 10, 5; 3.2.1 = 10, 0 → 25/40 = 62.5 %:
			// under Utama's 70, over Madya's 60 → Madya. Next Utama:
			// III is 7.5 short, (25+p)/40 ≥ 0.7 needs p = 3.
			name: "Bab III between Madya and Utama", base: "10",
			over: map[string]string{"3.1.1": "10 5", "3.2.1": "10 0"},
			babs: [5]bab{full(10), full(4), {25, 40, 4}, full(4), full(27)}, status: "Madya", next: "Utama",
			gaps: []scoring.BabGap{
				{Bab: "I", Min: 80}, {Bab: "II", Min: 80}, {Bab: "III", Min: 70, Short: 7.5, Points: 3},
				{Bab: "IV", Min: 80}, {Bab: "V", Min: 75},
			},
		},
		{
			// Bab I = 75 (seven 10s, one 5, two 0s) meets Madya's and
			// Dasar's I ≥ 75; Bab II = 10, 10, 5, 0 = 25/40 = 62.5 % misses
			// Madya's 75 but meets Dasar's 60 → Dasar. Next Madya: I meets
			// 75 exactly; II is 12.5 short, (25+p)/40 ≥ 0.75 needs p = 5.
			name: "Dasar", base: "10",
			over: map[string]string{"1.2.1": "10 10 5 0 0", "2.1.1": "10 10 5", "2.2.1": "0"},
			babs: [5]bab{{75, 100, 10}, {25, 40, 4}, full(4), full(4), full(27)}, status: "Dasar", next: "Madya",
			gaps: []scoring.BabGap{
				{Bab: "I", Min: 75}, {Bab: "II", Min: 75, Short: 12.5, Points: 5},
				{Bab: "III", Min: 60}, {Bab: "IV", Min: 75}, {Bab: "V", Min: 70},
			},
		},
		{
			// Bab I = 70 (six 10s, two 5s, two 0s): under Dasar's I ≥ 75,
			// so no status is met → below. Next is the lowest status,
			// Dasar: I is 5 short, 5 points. Bab IV = 10, 5, 0, 0 = 15/40
			// = 37.5 %: 22.5 short of Dasar's 60, (15+p)/40 ≥ 0.6 → p = 9.
			name: "below Dasar", base: "10",
			over: map[string]string{"1.2.1": "10 5 5 0 0", "4.1.1": "10 5 0 0"},
			babs: [5]bab{{70, 100, 10}, full(4), full(4), {15, 40, 4}, full(27)}, status: "Tidak Terakreditasi", next: "Dasar",
			gaps: []scoring.BabGap{
				{Bab: "I", Min: 75, Short: 5, Points: 5}, {Bab: "II", Min: 60}, {Bab: "III", Min: 50},
				{Bab: "IV", Min: 60, Short: 22.5, Points: 9}, {Bab: "V", Min: 60},
			},
		},
		{
			// 1.2.1/e has no score: listed in Unscored and counted in
			// neither the numerator nor the denominator (Bab I = 90/90 on
			// nine EP). A score for an EP the catalogue lacks is ignored.
			name: "unscored EP counts nowhere", base: "10",
			over: map[string]string{"1.2.1/e": "-", "9.9.9/z": "0"},
			babs: [5]bab{full(9), full(4), full(4), full(4), full(27)}, status: "Paripurna",
			unscored: []string{"1.2.1/e"},
		},
		{
			// Nothing scored: no Bab is assessed, no status, nothing next,
			// every EP unscored.
			name: "nothing scored", base: "-",
			partial: true, unscored: allEPs(),
		},
		{
			// All of Bab III unscored, the rest 10: Bab III is not
			// assessed (partial) and its four EP are unscored.
			name: "an unscored Bab is not assessed", base: "10",
			over: map[string]string{"3.1.1": "-", "3.2.1": "-"},
			babs: [5]bab{full(10), full(4), {0, 0, 0}, full(4), full(27)}, status: "Paripurna", partial: true,
			unscored: append(eps("3.1.1", "ab"), eps("3.2.1", "ab")...),
		},
	}
	babIDs := []string{"I", "II", "III", "IV", "V"}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := scoring.Compute(c, scores(t, tc.base, tc.over))
			if len(got.Bab) != 5 {
				t.Fatalf("Bab: got %d roll-ups, want 5", len(got.Bab))
			}
			wantPercents := map[string]float64{}
			for i, want := range tc.babs {
				b := got.Bab[i]
				var pct float64
				if want.max > 0 {
					pct = float64(want.score) / float64(want.max) * 100
					wantPercents[babIDs[i]] = pct
				}
				if b.ID != babIDs[i] || b.Score != want.score || b.Max != want.max || b.Applicable != want.applicable ||
					!near(b.Percent, pct) || b.Assessed != (want.applicable > 0) {
					t.Errorf("Bab %s: got %+v, want score %d, max %d, applicable %d, percent %.4f, assessed %v",
						babIDs[i], b, want.score, want.max, want.applicable, pct, want.applicable > 0)
				}
			}
			if got.Status != tc.status || got.Partial != tc.partial || got.Next != tc.next {
				t.Errorf("status, partial, next: got %q, %v, %q; want %q, %v, %q", got.Status, got.Partial, got.Next, tc.status, tc.partial, tc.next)
			}
			if !slices.Equal(got.Unscored, tc.unscored) {
				t.Errorf("Unscored: got %v, want %v", got.Unscored, tc.unscored)
			}
			percents := got.Percents()
			if len(percents) != len(wantPercents) {
				t.Errorf("Percents: got %v, want %v", percents, wantPercents)
			}
			for id, p := range wantPercents {
				if !near(percents[id], p) {
					t.Errorf("Percents[%s]: got %v, want %v", id, percents[id], p)
				}
			}
			if len(got.Gaps) != len(tc.gaps) {
				t.Fatalf("Gaps: got %+v, want %+v", got.Gaps, tc.gaps)
			}
			var distance float64
			for i, want := range tc.gaps {
				want.Assessed = true
				want.Percent = wantPercents[want.Bab]
				g := got.Gaps[i]
				if g.Bab != want.Bab || g.Assessed != want.Assessed || !near(g.Percent, want.Percent) || g.Min != want.Min ||
					!near(g.Short, want.Short) || g.Points != want.Points {
					t.Errorf("gap %d: got %+v, want %+v", i, g, want)
				}
				distance += want.Short
			}
			if !near(got.Distance(), distance) {
				t.Errorf("Distance: got %v, want %v", got.Distance(), distance)
			}
		})
	}
}

// allEPs lists every EP of layout in catalogue order.
func allEPs() []string {
	var out []string
	for _, k := range layout {
		for i := 0; i < k.eps; i++ {
			out = append(out, fmt.Sprintf("%s/%c", k.kriteria, 'a'+i))
		}
	}
	return out
}

// TestComputeRollups checks the kriteria and standar roll-ups of one mixed
// set of scores (every other EP 10):
//
//	1.1.1 = 10, 5       → 15/20 = 75 %,  2 applicable
//	1.1.2 = 0, TDD, 10  → 10/20 = 50 %,  2 applicable
//	1.2.1 = 10 10 10 5 0 → 35/50 = 70 %, 5 applicable
//	standar 1.1 = 1.1.1 + 1.1.2 = 25/40 = 62.5 %, 4 applicable
//	standar 1.2 = 1.2.1          = 35/50 = 70 %,   5 applicable
//	Bab I = 60/90 = 66.67 %, 9 applicable
//	4.1.1 all TDD → 0/0, not assessed (standar 4.1 and Bab IV too)
//
// Bab I is under Dasar's 75 → Tidak Terakreditasi; next Dasar: I is
// 75 − 66.67 = 8.33 short, (60+p)/90 ≥ 0.75 needs p = 8 (67.5 − 60 = 7.5,
// rounded up).
func TestComputeRollups(t *testing.T) {
	c := testCatalogue(t)
	got := scoring.Compute(c, scores(t, "10", map[string]string{
		"1.1.1": "10 5", "1.1.2": "0 TDD 10", "1.2.1": "10 10 10 5 0", "4.1.1": "TDD",
	}))
	want := []scoring.Rollup{
		{ID: "1.1.1", Title: "Kriteria 1.1.1", Score: 15, Max: 20, Applicable: 2, Percent: 75, Assessed: true},
		{ID: "1.1.2", Title: "Kriteria 1.1.2", Score: 10, Max: 20, Applicable: 2, Percent: 50, Assessed: true},
		{ID: "1.2.1", Title: "Kriteria 1.2.1", Score: 35, Max: 50, Applicable: 5, Percent: 70, Assessed: true},
		{ID: "1.1", Title: "Standar 1.1", Score: 25, Max: 40, Applicable: 4, Percent: 62.5, Assessed: true},
		{ID: "1.2", Title: "Standar 1.2", Score: 35, Max: 50, Applicable: 5, Percent: 70, Assessed: true},
		{ID: "I", Title: "Bab I", Score: 60, Max: 90, Applicable: 9, Percent: 6000.0 / 90, Assessed: true},
		{ID: "2.1.1", Title: "Kriteria 2.1.1", Score: 30, Max: 30, Applicable: 3, Percent: 100, Assessed: true},
		{ID: "2.1", Title: "Standar 2.1", Score: 30, Max: 30, Applicable: 3, Percent: 100, Assessed: true},
		{ID: "II", Title: "Bab II", Score: 40, Max: 40, Applicable: 4, Percent: 100, Assessed: true},
		{ID: "4.1.1", Title: "Kriteria 4.1.1"},
		{ID: "4.1", Title: "Standar 4.1"},
		{ID: "IV", Title: "Bab IV"},
		{ID: "5.2", Title: "Standar 5.2", Score: 230, Max: 230, Applicable: 23, Percent: 100, Assessed: true},
	}
	for _, w := range want {
		r, ok := got.Rollup(w.ID)
		if !ok {
			t.Errorf("Rollup(%s): not found", w.ID)
			continue
		}
		gotPct, wantPct := r.Percent, w.Percent
		r.Percent, w.Percent = 0, 0
		if !reflect.DeepEqual(r, w) || !near(gotPct, wantPct) {
			t.Errorf("Rollup(%s): got %+v with percent %v, want %+v with percent %v", w.ID, r, gotPct, w, wantPct)
		}
	}
	if _, ok := got.Rollup("9.9"); ok {
		t.Errorf("Rollup(9.9): found, want not found")
	}
	all := got.Rollups()
	if n := len(got.Kriteria) + len(got.Standar) + len(got.Bab); len(all) != n {
		t.Errorf("Rollups: %d entries, want %d", len(all), n)
	}
	for id, r := range all {
		if one, ok := got.Rollup(id); !ok || !reflect.DeepEqual(one, r) {
			t.Errorf("Rollups()[%s] = %+v, Rollup(%s) = %+v", id, r, id, one)
		}
	}
	if n, m := len(got.Kriteria), len(layout); n != m {
		t.Errorf("Kriteria: got %d roll-ups, want %d (one per kriteria, assessed or not)", n, m)
	}
	if n := len(got.Standar); n != 9 {
		t.Errorf("Standar: got %d roll-ups, want 9", n)
	}
	if got.Status != "Tidak Terakreditasi" || got.Next != "Dasar" || !got.Partial {
		t.Errorf("status, next, partial: got %q, %q, %v; want Tidak Terakreditasi, Dasar, true", got.Status, got.Next, got.Partial)
	}
	if len(got.Gaps) == 0 || got.Gaps[0].Bab != "I" || !near(got.Gaps[0].Short, 75-6000.0/90) || got.Gaps[0].Points != 8 {
		t.Errorf("gap of Bab I: got %+v, want short %.4f, points 8", got.Gaps, 75-6000.0/90)
	}
	// Bab IV is not assessed, so it has no gap: I, II, III, V.
	var gapBabs []string
	for _, g := range got.Gaps {
		gapBabs = append(gapBabs, g.Bab)
	}
	if !slices.Equal(gapBabs, []string{"I", "II", "III", "V"}) {
		t.Errorf("gap Bab: got %v, want [I II III V]", gapBabs)
	}
}
