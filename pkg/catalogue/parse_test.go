package catalogue_test

import (
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/catalogue"
)

// validDoc is a small catalogue that passes every rule. Each failing case
// below starts from it and changes one thing. It covers a plain requirement
// (R1), stages only (D1), parts only (D2), stages × parts (D3), a W item, and
// a Bab without standar (II).
const validDoc = `format: bukti-catalogue/v1
id: uji
version: "1"
title: Standar Uji
scoring:
  values: [10, 5, 0]
  tdd: true
  statuses:
    - name: Tinggi
      min: {I: 80, II: 80}
    - name: Rendah
      min: {I: 70, II: 60}
  below: Tidak Lulus
bab:
  - id: I
    title: Bab Satu
    standar:
      - id: "1.1"
        title: Standar Satu
        kriteria:
          - id: "1.1.1"
            title: Kriteria Satu
            statement: Pernyataan kriteria.
            pokok_pikiran: [Pokok satu., Pokok dua.]
            elements:
              - letter: a
                text: Elemen a.
                methods: [R, D, W]
                requirements:
                  - key: R1
                    method: R
                    title: SK Kepala Puskesmas
                    doc_type: SK
                  - key: D1
                    method: D
                    title: Laporan per tahap
                    stages: [perencanaan, pelaksanaan]
                  - key: D2
                    method: D
                    title: Bukti pertemuan
                    parts:
                      - {key: daftar_hadir, title: Daftar hadir, doc_type: daftar hadir}
                      - {key: notulen, title: Notulen}
                  - key: D3
                    method: D
                    title: Bukti keterlibatan per tahap
                    stages: [perencanaan, evaluasi]
                    parts:
                      - {key: notulen_tahap, title: Notulen tahap}
                      - {key: foto, title: Foto kegiatan}
                  - key: W1
                    method: W
                    title: Wawancara
                    interviewees: [Kepala Puskesmas, Masyarakat]
                    topic: Isi RUK
              - letter: b
                text: Elemen b.
                methods: [D]
                requirements:
                  - key: D1
                    method: D
                    title: Bukti evaluasi
  - id: II
    title: Bab Dua
    standar: []
`

// Paths of the valid document, to keep the cases readable.
const (
	pK  = "bab[0].standar[0].kriteria[0]"
	pEa = pK + ".elements[0]"
	pEb = pK + ".elements[1]"
)

// mutate applies old→new replacements to validDoc; each old string must
// occur exactly once, so a case cannot silently test the valid document.
func mutate(t *testing.T, pairs ...string) string {
	t.Helper()
	doc := validDoc
	for i := 0; i+1 < len(pairs); i += 2 {
		if n := strings.Count(doc, pairs[i]); n != 1 {
			t.Fatalf("test setup: %q occurs %d times in validDoc, want exactly once", pairs[i], n)
		}
		doc = strings.Replace(doc, pairs[i], pairs[i+1], 1)
	}
	return doc
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		doc    func(t *testing.T) string
		path   string // "" means the error must have no path
		reason string
	}{
		// Decoding.
		{"EmptyFile", func(*testing.T) string { return "" }, "", "file is empty"},
		{"OnlyComments", func(*testing.T) string { return "# nothing here\n" }, "", "file is empty"},
		{"NotYAML", func(*testing.T) string { return "format: [unclosed\n" }, "", "yaml"},
		{"NotAMapping", func(*testing.T) string { return "just some text\n" }, "", "cannot unmarshal"},
		{"UnknownField", func(t *testing.T) string { return mutate(t, "title: Standar Uji", "titel: Standar Uji") }, "", "titel"},
		{"UnknownNestedField", func(t *testing.T) string { return mutate(t, "doc_type: SK", "doctype: SK") }, "", "doctype"},

		// Header.
		{"WrongFormat", func(t *testing.T) string {
			return mutate(t, "format: bukti-catalogue/v1", "format: bukti-catalogue/v2")
		}, "format", `must be "bukti-catalogue/v1"`},
		{"MissingID", func(t *testing.T) string { return mutate(t, "id: uji", `id: ""`) }, "id", "is required"},
		{"BlankVersion", func(t *testing.T) string { return mutate(t, `version: "1"`, `version: " "`) }, "version", "is required"},
		{"MissingTitle", func(t *testing.T) string { return mutate(t, "title: Standar Uji", `title: ""`) }, "title", "is required"},

		// Scoring values.
		{"NoScoreValues", func(t *testing.T) string { return mutate(t, "values: [10, 5, 0]", "values: []") }, "scoring.values", "at least one score value"},
		{"ScoreValuesAscending", func(t *testing.T) string { return mutate(t, "values: [10, 5, 0]", "values: [0, 5, 10]") }, "scoring.values[1]", "strictly descending"},
		{"ScoreValuesDuplicate", func(t *testing.T) string { return mutate(t, "values: [10, 5, 0]", "values: [10, 5, 5]") }, "scoring.values[2]", "strictly descending"},
		{"ScoreValueNegative", func(t *testing.T) string { return mutate(t, "values: [10, 5, 0]", "values: [10, -5]") }, "scoring.values[1]", "non-negative"},
		{"MaxScoreNotPositive", func(t *testing.T) string { return mutate(t, "values: [10, 5, 0]", "values: [0]") }, "scoring.values[0]", "must be positive"},

		// Suggestion thresholds.
		{"SuggestMinZero", func(t *testing.T) string {
			return mutate(t, "below: Tidak Lulus", "below: Tidak Lulus\n  suggest: [{min: 0, score: 10}]")
		}, "scoring.suggest[0].min", "above 0 and at most 100"},
		{"SuggestMinAbove100", func(t *testing.T) string {
			return mutate(t, "below: Tidak Lulus", "below: Tidak Lulus\n  suggest: [{min: 120, score: 10}]")
		}, "scoring.suggest[0].min", "above 0 and at most 100"},
		{"SuggestUnknownScore", func(t *testing.T) string {
			return mutate(t, "below: Tidak Lulus", "below: Tidak Lulus\n  suggest: [{min: 80, score: 7}]")
		}, "scoring.suggest[0].score", "not one of the scoring values"},
		{"SuggestNotDescending", func(t *testing.T) string {
			return mutate(t, "below: Tidak Lulus", "below: Tidak Lulus\n  suggest: [{min: 20, score: 5}, {min: 80, score: 10}]")
		}, "scoring.suggest[1]", "highest first"},

		// Status table.
		{"NoStatuses", func(t *testing.T) string {
			return mutate(t, "  statuses:\n    - name: Tinggi\n      min: {I: 80, II: 80}\n    - name: Rendah\n      min: {I: 70, II: 60}\n", "  statuses: []\n")
		}, "scoring.statuses", "table is empty"},
		{"NoBelow", func(t *testing.T) string { return mutate(t, "below: Tidak Lulus", `below: ""`) }, "scoring.below", "no threshold is met"},
		{"StatusWithoutName", func(t *testing.T) string { return mutate(t, "name: Tinggi", `name: ""`) }, "scoring.statuses[0].name", "is required"},
		{"DuplicateStatus", func(t *testing.T) string { return mutate(t, "name: Rendah", "name: Tinggi") }, "scoring.statuses[1].name", `duplicate status "Tinggi"`},
		{"StatusMissingBab", func(t *testing.T) string { return mutate(t, "{I: 70, II: 60}", "{I: 70}") }, "scoring.statuses[1].min", "no minimum for Bab II"},
		{"StatusMinAbove100", func(t *testing.T) string { return mutate(t, "{I: 80, II: 80}", "{I: 101, II: 80}") }, "scoring.statuses[0].min.I", "between 0 and 100"},
		{"StatusMinNegative", func(t *testing.T) string { return mutate(t, "{I: 70, II: 60}", "{I: 70, II: -1}") }, "scoring.statuses[1].min.II", "between 0 and 100"},
		{"StatusMinForUnknownBab", func(t *testing.T) string {
			return mutate(t, "{I: 80, II: 80}", "{I: 80, II: 80, III: 80}")
		}, "scoring.statuses[0].min.III", `no Bab "III"`},
		{"LowerStatusDemandsMore", func(t *testing.T) string { return mutate(t, "{I: 70, II: 60}", "{I: 90, II: 60}") }, "scoring.statuses[1].min.I", "higher status Tinggi"},

		// Tree: Bab, standar, kriteria.
		{"NoBab", func(t *testing.T) string {
			doc := mutate(t, "{I: 80, II: 80}", "{}", "{I: 70, II: 60}", "{}")
			return doc[:strings.Index(doc, "bab:")] + "bab: []\n"
		}, "bab", "has no Bab"},
		{"DuplicateBab", func(t *testing.T) string {
			return mutate(t, "{I: 80, II: 80}", "{I: 80}", "{I: 70, II: 60}", "{I: 70}", "- id: II", "- id: I")
		}, "bab[1].id", `duplicate ID "I"`},
		{"DuplicateStandar", func(t *testing.T) string {
			return mutate(t, "standar: []", `standar: [{id: "1.1", title: Lagi}]`)
		}, "bab[1].standar[0].id", `duplicate ID "1.1"`},
		{"DuplicateKriteria", func(t *testing.T) string {
			return mutate(t, "standar: []", `standar: [{id: "1", title: Lagi, kriteria: [{id: "1.1.1"}]}]`)
		}, "bab[1].standar[0].kriteria[0].id", `duplicate ID "1.1.1"`},
		{"KriteriaNotUnderStandar", func(t *testing.T) string { return mutate(t, `id: "1.1.1"`, `id: "1.2.1"`) }, pK + ".id", `does not belong to standar "1.1"`},
		{"KriteriaWithoutElements", func(t *testing.T) string {
			return mutate(t, "standar: []", `standar: [{id: "2.1", title: Dua, kriteria: [{id: "2.1.1", title: K}]}]`)
		}, "bab[1].standar[0].kriteria[0].elements", "no elemen penilaian"},

		// Elemen penilaian.
		{"DuplicateLetter", func(t *testing.T) string { return mutate(t, "letter: b", "letter: a") }, pEb + ".letter", `duplicate ID "1.1.1/a"`},
		{"UpperCaseLetter", func(t *testing.T) string { return mutate(t, "letter: a", "letter: A") }, pEa + ".letter", "one lower-case letter"},
		{"NumberAsLetter", func(t *testing.T) string { return mutate(t, "letter: a", `letter: "1"`) }, pEa + ".letter", "one lower-case letter"},
		{"ElementWithoutText", func(t *testing.T) string { return mutate(t, "text: Elemen b.", `text: ""`) }, pEb + ".text", "is required"},
		{"UnknownElementMethod", func(t *testing.T) string { return mutate(t, "methods: [D]", "methods: [D, X]") }, pEb + ".methods[1]", `unknown method "X"`},
		{"ElementWithoutRequirements", func(t *testing.T) string {
			return mutate(t, "methods: [D]\n                requirements:\n                  - key: D1\n                    method: D\n                    title: Bukti evaluasi\n",
				"methods: [D]\n                requirements: []\n")
		}, pEb + ".requirements", "has no requirement"},

		// Requirements.
		{"DuplicateRequirementKey", func(t *testing.T) string { return mutate(t, "key: D2", "key: D1") }, pEa + ".requirements[2].key", `duplicate ID "1.1.1/a/D1"`},
		{"BadRequirementKey", func(t *testing.T) string { return mutate(t, "key: D3", "key: DX") }, pEa + ".requirements[3].key", "method letter and a number"},
		{"RequirementKeyZero", func(t *testing.T) string { return mutate(t, "key: D3", "key: D0") }, pEa + ".requirements[3].key", "method letter and a number"},
		{"KeyMethodMismatch", func(t *testing.T) string { return mutate(t, "method: R\n", "method: D\n") }, pEa + ".requirements[0].key", `key "R1" does not match method D`},
		{"UnknownMethod", func(t *testing.T) string { return mutate(t, "method: R\n", "method: X\n") }, pEa + ".requirements[0].method", `unknown method "X"`},
		{"MethodNotAmongElementMethods", func(t *testing.T) string { return mutate(t, "methods: [D]", "methods: [R]") }, pEb + ".requirements[0].method", "not among the EP's methods"},
		{"RequirementWithoutTitle", func(t *testing.T) string { return mutate(t, "title: Bukti evaluasi", `title: ""`) }, pEb + ".requirements[0].title", "is required"},

		// W items.
		{"WWithoutInterviewees", func(t *testing.T) string {
			return mutate(t, "interviewees: [Kepala Puskesmas, Masyarakat]", "interviewees: []")
		}, pEa + ".requirements[4].interviewees", "at least one interviewee"},
		{"WWithoutTopic", func(t *testing.T) string { return mutate(t, "topic: Isi RUK", `topic: ""`) }, pEa + ".requirements[4].topic", "interview topic"},
		{"StagesOnW", func(t *testing.T) string {
			return mutate(t, "topic: Isi RUK", "topic: Isi RUK\n                    stages: [perencanaan]")
		}, pEa + ".requirements[4]", "not stages or parts"},
		{"PartsOnW", func(t *testing.T) string {
			return mutate(t, "topic: Isi RUK", "topic: Isi RUK\n                    parts: [{key: foto, title: Foto}]")
		}, pEa + ".requirements[4]", "not stages or parts"},
		{"DuplicateInterviewee", func(t *testing.T) string {
			return mutate(t, "[Kepala Puskesmas, Masyarakat]", "[Masyarakat, Masyarakat]")
		}, pEa + ".requirements[4].interviewees", `duplicate interviewee "Masyarakat"`},
		{"TopicOnNonW", func(t *testing.T) string {
			return mutate(t, "title: Bukti evaluasi", "title: Bukti evaluasi\n                    topic: Isi")
		}, pEb + ".requirements[0]", "W items only"},

		// Stages and parts.
		{"DuplicateStage", func(t *testing.T) string {
			return mutate(t, "stages: [perencanaan, pelaksanaan]", "stages: [perencanaan, perencanaan]")
		}, pEa + ".requirements[1].stages", `duplicate stage "perencanaan"`},
		{"BadStage", func(t *testing.T) string {
			return mutate(t, "stages: [perencanaan, pelaksanaan]", "stages: [Perencanaan, pelaksanaan]")
		}, pEa + ".requirements[1].stages[0]", "lower-case word"},
		{"BadPartKey", func(t *testing.T) string { return mutate(t, "key: notulen,", "key: Notulen Rapat,") }, pEa + ".requirements[2].parts[1].key", "lower-case word"},
		{"DuplicatePart", func(t *testing.T) string { return mutate(t, "key: notulen,", "key: daftar_hadir,") }, pEa + ".requirements[2].parts", `duplicate part "daftar_hadir"`},
		{"PartWithoutTitle", func(t *testing.T) string { return mutate(t, "title: Notulen}", `title: ""}`) }, pEa + ".requirements[2].parts[1].title", "is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := catalogue.Parse("uji.yaml", []byte(tc.doc(t)))
			if err == nil {
				t.Fatalf("Parse accepted the document (got %+v), want an error at %q: %s", c.Counts(), tc.path, tc.reason)
			}
			var pe *catalogue.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *catalogue.ParseError", err, err)
			}
			if pe.File != "uji.yaml" {
				t.Errorf("File = %q, want uji.yaml", pe.File)
			}
			if tc.path == "" && pe.Path != "" {
				t.Errorf("Path = %q, want none", pe.Path)
			}
			if !strings.Contains(pe.Path, tc.path) {
				t.Errorf("Path = %q, want %q", pe.Path, tc.path)
			}
			if !strings.Contains(pe.Reason, tc.reason) {
				t.Errorf("Reason = %q, want it to contain %q", pe.Reason, tc.reason)
			}
			if !strings.Contains(err.Error(), "uji.yaml") {
				t.Errorf("Error() = %q does not name the file", err)
			}
		})
	}
}

func TestParseErrorMessage(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  *catalogue.ParseError
		want string
	}{
		{"WithPath", &catalogue.ParseError{File: "a.yaml", Path: "format", Reason: "bad"}, "catalogue a.yaml: format: bad"},
		{"WithoutPath", &catalogue.ParseError{File: "a.yaml", Reason: "file is empty"}, "catalogue a.yaml: file is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

func mustParseValid(t *testing.T) *catalogue.Catalogue {
	t.Helper()
	c, err := catalogue.Parse("valid.yaml", []byte(validDoc))
	if err != nil {
		t.Fatalf("Parse(validDoc): %v", err)
	}
	return c
}

func TestParseValid(t *testing.T) {
	c := mustParseValid(t)

	t.Run("Counts", func(t *testing.T) {
		want := catalogue.Counts{Bab: 2, Standar: 1, Kriteria: 1, Elements: 2, Requirements: 6}
		if got := c.Counts(); got != want {
			t.Errorf("Counts = %+v, want %+v", got, want)
		}
	})

	t.Run("Scoring", func(t *testing.T) {
		if c.Scoring.Max() != 10 || !c.Scoring.TDD || c.Scoring.Below != "Tidak Lulus" || len(c.Scoring.Statuses) != 2 {
			t.Errorf("scoring = %+v", c.Scoring)
		}
		if got := c.Scoring.Statuses[1].Min["II"]; got != 60 {
			t.Errorf("Rendah min II = %v, want 60", got)
		}
		if (catalogue.Scoring{}).Max() != 0 {
			t.Error("Max of empty scoring should be 0")
		}
	})

	t.Run("DerivedIDs", func(t *testing.T) {
		var elements, reqs []string
		for _, e := range c.Bab[0].Standar[0].Kriteria[0].Elements {
			elements = append(elements, e.ID)
			for _, r := range e.Requirements {
				reqs = append(reqs, r.ID)
			}
		}
		if want := []string{"1.1.1/a", "1.1.1/b"}; !slices.Equal(elements, want) {
			t.Errorf("element IDs = %v, want %v", elements, want)
		}
		want := []string{"1.1.1/a/R1", "1.1.1/a/D1", "1.1.1/a/D2", "1.1.1/a/D3", "1.1.1/a/W1", "1.1.1/b/D1"}
		if !slices.Equal(reqs, want) {
			t.Errorf("requirement IDs = %v, want %v", reqs, want)
		}
	})

	t.Run("RequirementFound", func(t *testing.T) {
		r, place, ok := c.Requirement("1.1.1/a/R1")
		if !ok {
			t.Fatal("Requirement(1.1.1/a/R1) not found")
		}
		if r.Title != "SK Kepala Puskesmas" || r.DocType != "SK" || r.Method != catalogue.Regulasi {
			t.Errorf("requirement = %+v", r)
		}
		if place.Bab.ID != "I" || place.Standar.ID != "1.1" || place.Kriteria.ID != "1.1.1" || place.Element.ID != "1.1.1/a" {
			t.Errorf("place = %s / %s / %s / %s", place.Bab.ID, place.Standar.ID, place.Kriteria.ID, place.Element.ID)
		}
		if r2, _, _ := c.Requirement("1.1.1/a/R1"); r2 != r {
			t.Error("Requirement returned a different pointer on the second call; lookups must point into the catalogue")
		}
		if b, place, ok := c.Requirement("1.1.1/b/D1"); !ok || b.Title != "Bukti evaluasi" || place.Element.Letter != "b" {
			t.Errorf("Requirement(1.1.1/b/D1) = %+v, %+v, %v", b, place, ok)
		}
	})

	t.Run("RequirementNotFound", func(t *testing.T) {
		for _, id := range []string{"", "1.1.1/a/R9", "1.1.1/b/R1", "1.1.1/a", "R1", "9.9.9/a/R1"} {
			if r, _, ok := c.Requirement(id); ok || r != nil {
				t.Errorf("Requirement(%q) = %v, %v; want not found", id, r, ok)
			}
		}
	})

	t.Run("Element", func(t *testing.T) {
		e, ok := c.Element("1.1.1/b")
		if !ok || e.Text != "Elemen b." || !slices.Equal(e.Methods, []catalogue.Method{catalogue.Dokumen}) {
			t.Errorf("Element(1.1.1/b) = %+v, %v", e, ok)
		}
		for _, id := range []string{"", "1.1.1/z", "1.1.1", "1.1.1/a/R1"} {
			if _, ok := c.Element(id); ok {
				t.Errorf("Element(%q) found, want not found", id)
			}
		}
	})

	t.Run("Kriteria", func(t *testing.T) {
		k, _, ok := c.Kriteria("1.1.1")
		if !ok || k.Title != "Kriteria Satu" || len(k.Elements) != 2 || len(k.PokokPikiran) != 2 {
			t.Errorf("Kriteria(1.1.1) = %+v, %v", k, ok)
		}
		for _, id := range []string{"", "1.1", "9.9.9"} {
			if _, _, ok := c.Kriteria(id); ok {
				t.Errorf("Kriteria(%q) found, want not found", id)
			}
		}
	})

	t.Run("BabWithoutStandar", func(t *testing.T) {
		if b := c.Bab[1]; b.ID != "II" || len(b.Standar) != 0 {
			t.Errorf("Bab[1] = %+v", b)
		}
	})
}

func TestSlots(t *testing.T) {
	c := mustParseValid(t)
	tests := []struct {
		name string
		id   string
		want []catalogue.Slot
	}{
		{"Plain", "1.1.1/a/R1", []catalogue.Slot{{}}},
		{"StagesOnly", "1.1.1/a/D1", []catalogue.Slot{{Stage: "perencanaan"}, {Stage: "pelaksanaan"}}},
		{"PartsOnly", "1.1.1/a/D2", []catalogue.Slot{{Part: "daftar_hadir"}, {Part: "notulen"}}},
		{"StagesTimesParts", "1.1.1/a/D3", []catalogue.Slot{
			{Stage: "perencanaan", Part: "notulen_tahap"}, {Stage: "perencanaan", Part: "foto"},
			{Stage: "evaluasi", Part: "notulen_tahap"}, {Stage: "evaluasi", Part: "foto"},
		}},
		{"Wawancara", "1.1.1/a/W1", []catalogue.Slot{{Part: "Kepala Puskesmas"}, {Part: "Masyarakat"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, _, ok := c.Requirement(tc.id)
			if !ok {
				t.Fatalf("requirement %s not found", tc.id)
			}
			if got := r.Slots(); !slices.Equal(got, tc.want) {
				t.Errorf("Slots() = %+v, want %+v", got, tc.want)
			}
			for _, s := range r.Slots() {
				if r.Method != catalogue.Wawancara && (!r.HasStage(s.Stage) || !r.HasPart(s.Part)) {
					t.Errorf("slot %+v: HasStage=%v HasPart=%v, want both true", s, r.HasStage(s.Stage), r.HasPart(s.Part))
				}
			}
		})
	}

	t.Run("HasStageHasPart", func(t *testing.T) {
		plain, _, _ := c.Requirement("1.1.1/a/R1")
		staged, _, _ := c.Requirement("1.1.1/a/D3")
		for _, tc := range []struct {
			name string
			got  bool
			want bool
		}{
			{"plain has empty stage", plain.HasStage(""), true},
			{"plain has no named stage", plain.HasStage("perencanaan"), false},
			{"plain has empty part", plain.HasPart(""), true},
			{"plain has no named part", plain.HasPart("foto"), false},
			{"staged has its stage", staged.HasStage("evaluasi"), true},
			{"staged has no other stage", staged.HasStage("pelaksanaan"), false},
			{"staged has no empty stage", staged.HasStage(""), false},
			{"staged has its part", staged.HasPart("foto"), true},
			{"staged has no empty part", staged.HasPart(""), false},
		} {
			if tc.got != tc.want {
				t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
			}
		}
	})
}

func TestMethod(t *testing.T) {
	var valid, files []string
	for _, m := range []catalogue.Method{"R", "D", "O", "W", "S", "X", "", "RD", "r"} {
		if m.Valid() {
			valid = append(valid, string(m))
		}
		if m.NeedsFile() {
			files = append(files, string(m))
		}
	}
	sort.Strings(valid)
	if want := []string{"D", "O", "R", "S", "W"}; !slices.Equal(valid, want) {
		t.Errorf("valid methods = %v, want %v", valid, want)
	}
	if want := []string{"R", "D"}; !slices.Equal(files, want) {
		t.Errorf("methods needing files = %v, want %v", files, want)
	}
}

func TestSuggestFor(t *testing.T) {
	custom := catalogue.Scoring{Values: []int{10, 5, 0}, Suggest: []catalogue.Threshold{{Min: 100, Score: 10}, {Min: 50, Score: 5}}}
	builtin := catalogue.Scoring{Values: []int{10, 5, 0}}
	twoValues := catalogue.Scoring{Values: []int{1, 0}}
	tests := []struct {
		name     string
		scoring  catalogue.Scoring
		fraction float64
		want     int
	}{
		{"DefaultAll", builtin, 1, 10},
		{"DefaultFourOfFive", builtin, 0.8, 10},
		{"DefaultJustBelow80", builtin, 0.79, 5},
		{"DefaultOneOfFive", builtin, 0.2, 5},
		{"DefaultJustBelow20", builtin, 0.19, 0},
		{"DefaultNothing", builtin, 0, 0},
		{"CustomAllNeeded", custom, 0.99, 5},
		{"CustomFull", custom, 1, 10},
		{"CustomBelowHalf", custom, 0.49, 0},
		{"TwoValuesHigh", twoValues, 0.8, 1},
		{"TwoValuesLow", twoValues, 0.5, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.scoring.SuggestFor(tc.fraction); got != tc.want {
				t.Errorf("SuggestFor(%v) = %d, want %d", tc.fraction, got, tc.want)
			}
		})
	}
}
