package demo_test

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"testing"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/demo"
)

// TestFullStandardShape checks the size of every Bab against the table of
// DESIGN.md §3, written out here again on purpose.
func TestFullStandardShape(t *testing.T) {
	c := mustFullStandard(t)
	want := []struct {
		id, title                  string
		standar, kriteria, element int
	}{
		// The titles are the built-in catalogue's (standard-2023.yaml).
		{"I", "Kepemimpinan dan Manajemen Puskesmas (KMP)", 7, 26, 102},
		{"II", "Penyelenggaraan Upaya Kesehatan Masyarakat (UKM) yang Berorientasi pada Upaya Promotif dan Preventif", 8, 20, 94},
		{"III", "Penyelenggaraan Upaya Kesehatan Perseorangan (UKP), Laboratorium dan Kefarmasian", 10, 11, 42},
		{"IV", "Program Prioritas Nasional (PPN)", 5, 5, 34},
		{"V", "Peningkatan Mutu Puskesmas (PMP)", 5, 20, 56},
	}
	if len(c.Bab) != len(want) {
		t.Fatalf("%d Bab, want %d", len(c.Bab), len(want))
	}
	for i, w := range want {
		b := c.Bab[i]
		var kriteria, elements int
		for _, s := range b.Standar {
			kriteria += len(s.Kriteria)
			for _, k := range s.Kriteria {
				elements += len(k.Elements)
			}
		}
		if b.ID != w.id || b.Title != w.title || len(b.Standar) != w.standar || kriteria != w.kriteria || elements != w.element {
			t.Errorf("Bab %d = %s %q: %d standar, %d kriteria, %d EP; want %s %q: %d, %d, %d",
				i, b.ID, b.Title, len(b.Standar), kriteria, elements, w.id, w.title, w.standar, w.kriteria, w.element)
		}
	}
	n := c.Counts()
	if n.Bab != 5 || n.Standar != 35 || n.Kriteria != 82 || n.Elements != 328 {
		t.Errorf("Counts = %+v, want 5 Bab, 35 standar, 82 kriteria, 328 EP", n)
	}
	for i, s := range demo.Shape {
		if w := want[i]; s.ID != w.id || s.Standar != w.standar || s.Kriteria != w.kriteria || s.Element != w.element {
			t.Errorf("demo.Shape[%d] = %+v, want %+v", i, s, w)
		}
	}
	if c.ID != "pkp-2023" || c.Version != demo.FullStandardVersion {
		t.Errorf("catalogue %s@%s, want pkp-2023@%s", c.ID, c.Version, demo.FullStandardVersion)
	}
	if b := criteria.MustBuiltin(); !reflect.DeepEqual(c.Scoring, b.Scoring) {
		t.Errorf("scoring = %+v, want the built-in's %+v", c.Scoring, b.Scoring)
	}
}

// TestFullStandardIDsAndMix checks the IDs are shaped like the real ones
// and the requirements have the promised mix.
func TestFullStandardIDsAndMix(t *testing.T) {
	c := mustFullStandard(t)
	methods := map[catalogue.Method]int{}
	staged, interviews := 0, 0
	for bi, b := range c.Bab {
		for si, s := range b.Standar {
			if want := fmt.Sprintf("%d.%d", bi+1, si+1); s.ID != want || s.Title == "" {
				t.Errorf("standar %q (%q), want ID %s with a title", s.ID, s.Title, want)
			}
			for ki, k := range s.Kriteria {
				if want := fmt.Sprintf("%s.%d", s.ID, ki+1); k.ID != want || k.Title == "" || k.Statement == "" {
					t.Errorf("kriteria %q, want ID %s with title and statement", k.ID, want)
				}
				for ei, e := range k.Elements {
					if want := string(rune('a' + ei)); e.Letter != want {
						t.Errorf("%s: letter %q, want %q", e.ID, e.Letter, want)
					}
					if k.ID == "2.1.2" {
						continue
					}
					if n := len(e.Requirements); n < 2 || n > 5 {
						t.Errorf("%s: %d requirements, want 2–5", e.ID, n)
					}
					for _, r := range e.Requirements {
						if !regexp.MustCompile(`^\d\.\d+\.\d+/[a-z]/[RDOWS]\d$`).MatchString(r.ID) {
							t.Errorf("requirement ID %q", r.ID)
						}
						methods[r.Method]++
						if len(r.Stages) > 0 && len(r.Parts) > 0 {
							staged++
						}
						if r.Method == catalogue.Wawancara {
							interviews++
							if n := len(r.Interviewees); n < 2 || n > 4 {
								t.Errorf("%s: %d interviewees, want 2–4", r.ID, n)
							}
						}
					}
				}
			}
		}
	}
	t.Logf("requirements by method %v; %d asked per stage × part", methods, staged)
	for _, m := range []catalogue.Method{catalogue.Regulasi, catalogue.Dokumen, catalogue.Observasi, catalogue.Wawancara, catalogue.Simulasi} {
		if methods[m] == 0 {
			t.Errorf("no %s requirement", m)
		}
	}
	if methods[catalogue.Dokumen] < methods[catalogue.Observasi]*3 || methods[catalogue.Regulasi] < methods[catalogue.Simulasi]*3 {
		t.Errorf("mix %v: R and D should dominate O and S", methods)
	}
	if staged < 10 || interviews < 50 {
		t.Errorf("%d staged D items and %d W items; want some of each", staged, interviews)
	}
}

// TestFullStandardKeepsKriteria212 checks the real kriteria is there,
// unchanged and where it belongs, so evidence IDs stay compatible.
func TestFullStandardKeepsKriteria212(t *testing.T) {
	c := mustFullStandard(t)
	b := criteria.MustBuiltin()
	got, place, ok := c.Kriteria("2.1.2")
	if !ok {
		t.Fatal("no kriteria 2.1.2")
	}
	want, wantPlace, _ := b.Kriteria("2.1.2")
	if !reflect.DeepEqual(*got, *want) {
		t.Errorf("kriteria 2.1.2 differs from the built-in's:\n%+v\nwant\n%+v", *got, *want)
	}
	if place.Bab.ID != "II" || place.Standar.ID != "2.1" || place.Standar.Title != wantPlace.Standar.Title {
		t.Errorf("2.1.2 sits in Bab %s, standar %s %q", place.Bab.ID, place.Standar.ID, place.Standar.Title)
	}
	for _, id := range []string{"2.1.2/a/R1", "2.1.2/b/D2", "2.1.2/c/W1"} {
		if _, _, ok := c.Requirement(id); !ok {
			t.Errorf("requirement %s missing", id)
		}
	}
}

// TestFullStandardDeterministic checks every call gives the same catalogue,
// as a fresh value, and that it survives a Marshal → Parse round trip.
func TestFullStandardDeterministic(t *testing.T) {
	t.Parallel()
	a, b := mustFullStandard(t), mustFullStandard(t)
	if a == b || &a.Bab[0] == &b.Bab[0] {
		t.Error("FullStandard returned shared values; each call should return a new catalogue")
	}
	da, err := catalogue.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	db, err := catalogue.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(da, db) {
		t.Error("two calls marshal differently")
	}
	y, err := demo.FullStandardYAML()
	if err != nil || !bytes.Equal(y, da) {
		t.Errorf("FullStandardYAML differs from Marshal(FullStandard()) (err %v)", err)
	}
	back, err := catalogue.Parse("round trip", da)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, a) {
		t.Error("Parse(Marshal(FullStandard())) differs from FullStandard()")
	}
}

func mustFullStandard(t *testing.T) *catalogue.Catalogue {
	t.Helper()
	c, err := demo.FullStandard()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustBuiltin(t *testing.T) *catalogue.Catalogue {
	t.Helper()
	c, err := criteria.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
