package report

// Table tests of the readiness rules as the gap reports carry them: a
// facility's row is readiness.Score's report, whether folded from a fresh
// report or from the score cache's payload. Expectations are written out
// by hand; the arithmetic is in the comments.

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/readiness"
)

// rulesCatalogue has two Bab with content. In Bab I, EP 1.1.1/a asks for
// a regulation, a document and an interview of two roles (2 R and D
// slots), 1.1.1/b only for an observation (it cannot be projected), and
// 1.1.1/c for one document. Bab II has two EP of one document each. The
// status table asks 80 % of both Bab for Tinggi, 50 % for Rendah. With
// extraBab, a third Bab without content is listed (and named by the status
// table): a partial catalogue.
func rulesCatalogue(t *testing.T, extraBab bool) *catalogue.Catalogue {
	t.Helper()
	doc := `format: bukti-catalogue/v1
id: uji
version: "1"
title: Katalog uji
scoring:
  values: [10, 5, 0]
  tdd: true
  statuses:
    - name: Tinggi
      min: {I: 80, II: 80%[1]s}
    - name: Rendah
      min: {I: 50, II: 50%[2]s}
  below: Belum
bab:
  - id: I
    title: Satu
    standar:
      - id: "1.1"
        title: Standar satu
        kriteria:
          - id: "1.1.1"
            title: Kriteria satu
            statement: Pernyataan.
            elements:
              - letter: a
                text: Dokumen dan wawancara.
                requirements:
                  - {key: R1, method: R, title: SK}
                  - {key: D1, method: D, title: Laporan}
                  - {key: W1, method: W, title: Wawancara, topic: Topik, interviewees: [Kepala Puskesmas, Petugas]}
              - letter: b
                text: Observasi saja.
                requirements:
                  - {key: O1, method: O, title: Pengamatan}
              - letter: c
                text: Satu dokumen.
                requirements:
                  - {key: D1, method: D, title: Laporan}
  - id: II
    title: Dua
    standar:
      - id: "2.1"
        title: Standar dua
        kriteria:
          - id: "2.1.1"
            title: Kriteria dua
            statement: Pernyataan.
            elements:
              - letter: a
                text: Satu dokumen.
                requirements:
                  - {key: D1, method: D, title: Laporan}
              - letter: b
                text: Satu dokumen.
                requirements:
                  - {key: D1, method: D, title: Laporan}
%[3]s`
	third, min1, min2 := "", "", ""
	if extraBab {
		third, min1, min2 = "  - id: III\n    title: Tiga\n    standar: []\n", ", III: 80", ", III: 50"
	}
	c, err := catalogue.Parse("uji.yaml", []byte(strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(doc,
		"%[1]s", min1), "%[2]s", min2), "%[3]s", third)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func files(ids ...string) []readiness.Item {
	var out []readiness.Item
	for _, id := range ids {
		out = append(out, readiness.Item{RequirementID: id})
	}
	return out
}

// named is an interviewee named for a role of a W item.
func named(req, role string) readiness.Item { return readiness.Item{RequirementID: req, Part: role} }

// allDocuments is every R and D slot of rulesCatalogue.
var allDocuments = files("1.1.1/a/R1", "1.1.1/a/D1", "1.1.1/c/D1", "2.1.1/a/D1", "2.1.1/b/D1")

func TestGapRules(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, time.March, 10, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name     string
		partial  bool // the catalogue lists a Bab without content
		items    []readiness.Item
		tdd      []string
		want     FacilityRow // Bab cells, status and distance
		wantEP   []Cell      // EP cells, in catalogue order
		sameAs   string      // the row must equal this case's
		wantCSV  string      // the status column of the CSV export
		counts   map[string]int
		npartial int
	}{
		{
			// Bab I: a 0 of 2 slots, c 0 of 1 → 0 + 0 of 20 = 0 %; b
			// counts nowhere. Bab II 0 %. Rendah lacks 50 + 50 points.
			name: "nothing",
			want: FacilityRow{Cells: []Cell{{"I", 0, true}, {"II", 0, true}}, Status: "Belum", NextStatus: "Rendah", Distance: 100},
			wantEP: []Cell{{"1.1.1/a", 0, true}, {"1.1.1/b", 0, false}, {"1.1.1/c", 0, true},
				{"2.1.1/a", 0, true}, {"2.1.1/b", 0, true}},
			wantCSV: "Belum", counts: map[string]int{"Belum": 1},
		},
		{
			// Naming an interviewee is interview preparation: no score
			// changes.
			name: "one interviewee named", items: []readiness.Item{named("1.1.1/a/W1", "Kepala Puskesmas")},
			sameAs: "nothing", wantCSV: "Belum", counts: map[string]int{"Belum": 1},
		},
		{
			name:   "every interviewee named",
			items:  []readiness.Item{named("1.1.1/a/W1", "Kepala Puskesmas"), named("1.1.1/a/W1", "Petugas")},
			sameAs: "nothing", wantCSV: "Belum", counts: map[string]int{"Belum": 1},
		},
		{
			// Bab I: a 2 of 2 slots → 10, c 1 of 1 → 10: 20 of 20 = 100 %.
			// Were the observation-only EP b counted as 0, Bab I would be
			// 20 of 30. Bab II 0 % lacks 50 points to Rendah.
			name:  "documents of Bab I, observation-only EP excluded",
			items: files("1.1.1/a/R1", "1.1.1/a/D1", "1.1.1/c/D1"),
			want:  FacilityRow{Cells: []Cell{{"I", 100, true}, {"II", 0, true}}, Status: "Belum", NextStatus: "Rendah", Distance: 50},
			wantEP: []Cell{{"1.1.1/a", 100, true}, {"1.1.1/b", 0, false}, {"1.1.1/c", 100, true},
				{"2.1.1/a", 0, true}, {"2.1.1/b", 0, true}},
			wantCSV: "Belum", counts: map[string]int{"Belum": 1},
		},
		{
			// a 1 of 2 slots is 50 % → 5; c 10: Bab I 15 of 20 = 75 %.
			// Bab II a 10, b 0: 10 of 20 = 50 %. Rendah (both ≥ 50);
			// Tinggi lacks 5 + 30 points.
			name:  "half of EP a",
			items: files("1.1.1/a/D1", "1.1.1/c/D1", "2.1.1/a/D1"),
			want:  FacilityRow{Cells: []Cell{{"I", 75, true}, {"II", 50, true}}, Status: "Rendah", NextStatus: "Tinggi", Distance: 35},
			wantEP: []Cell{{"1.1.1/a", 50, true}, {"1.1.1/b", 0, false}, {"1.1.1/c", 100, true},
				{"2.1.1/a", 100, true}, {"2.1.1/b", 0, true}},
			wantCSV: "Rendah", counts: map[string]int{"Rendah": 1},
		},
		{
			// Everything documentary: 100 % and 100 % → Tinggi, the best.
			name:  "every document",
			items: allDocuments,
			want:  FacilityRow{Cells: []Cell{{"I", 100, true}, {"II", 100, true}}, Status: "Tinggi"},
			wantEP: []Cell{{"1.1.1/a", 100, true}, {"1.1.1/b", 0, false}, {"1.1.1/c", 100, true},
				{"2.1.1/a", 100, true}, {"2.1.1/b", 100, true}},
			wantCSV: "Tinggi", counts: map[string]int{"Tinggi": 1},
		},
		{
			// 2.1.1/b proposed TDD, without documents. Accepted: Bab II is
			// a alone, 10 of 10 = 100 % → Tinggi. Refused: 10 of 20 = 50 %
			// → Rendah.
			name:  "TDD proposed",
			items: files("1.1.1/a/R1", "1.1.1/a/D1", "1.1.1/c/D1", "2.1.1/a/D1"),
			tdd:   []string{"2.1.1/b"},
			want: FacilityRow{Cells: []Cell{{"I", 100, true}, {"II", 100, true}}, Status: "Tinggi",
				TDDProposed: 1, StatusWithoutTDD: "Rendah"},
			wantEP: []Cell{{"1.1.1/a", 100, true}, {"1.1.1/b", 0, false}, {"1.1.1/c", 100, true},
				{"2.1.1/a", 100, true}, {"2.1.1/b", 0, false}},
			wantCSV: "Tinggi", counts: map[string]int{"Tinggi": 1},
		},
		{
			// Bab III has no EP: the Bab percentages stand, but no status
			// is projected, no next status, no distance.
			name: "partial catalogue", partial: true, items: allDocuments,
			want: FacilityRow{Cells: []Cell{{"I", 100, true}, {"II", 100, true}, {"III", 0, false}}, Partial: true},
			wantEP: []Cell{{"1.1.1/a", 100, true}, {"1.1.1/b", 0, false}, {"1.1.1/c", 100, true},
				{"2.1.1/a", 100, true}, {"2.1.1/b", 100, true}},
			wantCSV: PartialStatus, counts: map[string]int{}, npartial: 1,
		},
		{
			name: "partial catalogue, nothing", partial: true,
			want: FacilityRow{Cells: []Cell{{"I", 0, true}, {"II", 0, true}, {"III", 0, false}}, Partial: true},
			wantEP: []Cell{{"1.1.1/a", 0, true}, {"1.1.1/b", 0, false}, {"1.1.1/c", 0, true},
				{"2.1.1/a", 0, true}, {"2.1.1/b", 0, true}},
			wantCSV: PartialStatus, counts: map[string]int{}, npartial: 1,
		},
	}
	f := bukti.Facility{ID: 7, Code: "P1", Name: "Puskesmas Uji"}
	rows := map[string][2]FacilityRow{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := rulesCatalogue(t, tc.partial)
			in := readiness.Input{Items: tc.items, NotApplicable: map[string]string{}, Now: now}
			for _, e := range tc.tdd {
				in.NotApplicable[e] = "Tidak ada layanan ini."
			}
			rep := readiness.Score(c, in)
			var got [2]FacilityRow
			var gaps [2]*Gaps
			for i, level := range []Level{LevelBab, LevelEP} {
				b := NewBuilder(c, level, now)
				b.Add(f, rep, in)
				gaps[i] = b.Gaps(TopMissing)
				got[i] = gaps[i].Facilities[0]
				if gaps[i].Unprojectable != 1 {
					t.Errorf("%s: unprojectable EP %d, want 1 (1.1.1/b)", level, gaps[i].Unprojectable)
				}
				if !reflect.DeepEqual(gaps[i].StatusCounts, tc.counts) || gaps[i].Partial != tc.npartial {
					t.Errorf("%s: status counts %v, partial %d; want %v, %d", level, gaps[i].StatusCounts, gaps[i].Partial, tc.counts, tc.npartial)
				}
				for _, m := range gaps[i].MostMissing {
					if r, _, _ := c.Requirement(m.RequirementID); !r.Method.NeedsFile() {
						t.Errorf("%s: %s (%s) is listed as missing; only R and D items are", level, m.RequirementID, r.Method)
					}
				}
			}
			rows[tc.name] = got
			if tc.sameAs != "" {
				if want := rows[tc.sameAs]; !reflect.DeepEqual(got, want) {
					t.Errorf("rows\n%+v\nwant as with %q\n%+v", got, tc.sameAs, want)
				}
			} else {
				want := tc.want
				want.ID, want.Code, want.Name = f.ID, f.Code, f.Name
				want.Missing = got[0].Missing // counted below
				if !reflect.DeepEqual(got[0], want) {
					t.Errorf("Bab row\n%+v\nwant\n%+v", got[0], want)
				}
				if !reflect.DeepEqual(got[1].Cells, tc.wantEP) {
					t.Errorf("EP cells\n%+v\nwant\n%+v", got[1].Cells, tc.wantEP)
				}
			}
			// Missing counts the R and D items with nothing present: 5 in
			// all, less those given a file (an EP proposed TDD counts none).
			present := map[string]bool{}
			for _, it := range tc.items {
				present[it.RequirementID] = true
			}
			missing := 0
			for _, id := range []string{"1.1.1/a/R1", "1.1.1/a/D1", "1.1.1/c/D1", "2.1.1/a/D1", "2.1.1/b/D1"} {
				if !present[id] && !slices.Contains(tc.tdd, id[:7]) {
					missing++
				}
			}
			if got[0].Missing != missing {
				t.Errorf("missing %d, want %d", got[0].Missing, missing)
			}

			// The report folded from the score cache's payload is the same.
			sc := scoresOf(rep, in, now)
			p, ok := sc.encode(c.Scoring.Values)
			if !ok {
				t.Fatal("not encoded")
			}
			dec, ok := decodeScores(p, c.Scoring.Values, c.Counts())
			if !ok {
				t.Fatalf("payload %q does not decode", p)
			}
			dec.until = sc.until
			if !reflect.DeepEqual(dec, sc) {
				t.Errorf("payload %q decodes to %+v, want %+v", p, dec, sc)
			}
			r := rollUp(c, dec, true)
			if r.Status != rep.Status || r.Partial != rep.Partial || r.tdd != rep.TDDProposed ||
				(r.withoutTDD == nil) != (rep.WithoutTDD == nil) ||
				(r.withoutTDD != nil && (r.withoutTDD.Status != rep.WithoutTDD.Status || r.withoutTDD.Partial != rep.WithoutTDD.Partial)) {
				t.Errorf("rolled up from the payload: %+v, want as readiness.Score: %q partial %v, TDD %d, without %+v",
					r, rep.Status, rep.Partial, rep.TDDProposed, rep.WithoutTDD)
			}
			for i, b := range rep.Bab {
				if r.bab[i] != b.Rollup {
					t.Errorf("Bab %s from the payload %+v, want %+v", b.ID, r.bab[i], b.Rollup)
				}
			}

			// The export never turns "no status" into a verdict.
			var out bytes.Buffer
			if err := Write(&out, gaps[0], KindMatrix, FormatCSV); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(&out).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			col := slices.Index(recs[0], "Status")
			if got := recs[1][col]; got != tc.wantCSV {
				t.Errorf("CSV status %q, want %q", got, tc.wantCSV)
			}
		})
	}
}
