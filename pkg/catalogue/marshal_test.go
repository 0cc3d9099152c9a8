package catalogue_test

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/catalogue"
)

// roundTrip parses data, marshals the result and parses that again; it fails
// the test unless both parses are deeply equal and a second Marshal writes
// the same bytes.
func roundTrip(t *testing.T, name string, data []byte) (*catalogue.Catalogue, []byte) {
	t.Helper()
	first, err := catalogue.Parse(name, data)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	out, err := catalogue.Marshal(first)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	second, err := catalogue.Parse(name+" (marshalled)", out)
	if err != nil {
		t.Fatalf("Parse of Marshal output: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(first, second) {
		t.Fatalf("round trip changed the catalogue\nmarshalled:\n%s", out)
	}
	again, err := catalogue.Marshal(second)
	if err != nil {
		t.Fatalf("second Marshal: %v", err)
	}
	if !bytes.Equal(out, again) {
		t.Fatalf("Marshal is not stable:\nfirst:\n%s\nsecond:\n%s", out, again)
	}
	return second, out
}

func TestMarshalRoundTrip(t *testing.T) {
	builtin, err := os.ReadFile("../../criteria/kriteria-2.1.2.yaml")
	if err != nil {
		t.Fatalf("read built-in catalogue: %v", err)
	}
	standard, err := os.ReadFile("../../criteria/standard-2023.yaml")
	if err != nil {
		t.Fatalf("read the complete standard: %v", err)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"Builtin", builtin},
		{"Standard2023", standard},
		{"ValidDoc", []byte(validDoc)},
		{"OptionalFieldsAndEmptyLists", []byte(optionalDoc)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			roundTrip(t, tc.name, tc.data)
		})
	}

	t.Run("BuiltinIDsAndCounts", func(t *testing.T) {
		c, _ := roundTrip(t, "builtin", builtin)
		if got, want := c.Counts(), (catalogue.Counts{Bab: 5, Standar: 1, Kriteria: 1, Elements: 3, Requirements: 12}); got != want {
			t.Errorf("Counts = %+v, want %+v", got, want)
		}
		for _, id := range []string{"2.1.2/a/R1", "2.1.2/a/D2", "2.1.2/b/D2", "2.1.2/c/W1"} {
			if _, _, ok := c.Requirement(id); !ok {
				t.Errorf("requirement %s missing after round trip", id)
			}
		}
	})

	t.Run("ReadableOutput", func(t *testing.T) {
		_, out := roundTrip(t, "builtin", builtin)
		for _, want := range []string{
			"format: bukti-catalogue/v1\n",
			`version: "2023.1"`,
			`id: "2.1"`, // would read as a number unquoted
			"id: 2.1.2\n",
			"values: [10, 5, 0]",
			"min: {I: 80, II: 80, III: 70, IV: 80, V: 75}",
			"methods: [R, D, W]",
			"stages: [perencanaan, pelaksanaan, perbaikan, evaluasi]",
			"standar: []",
		} {
			if !strings.Contains(string(out), want) {
				t.Errorf("output lacks %q", want)
			}
		}
	})
}

// optionalDoc sets every optional field somewhere, and mixes an omitted list
// (Bab II standar, EP methods) with an explicitly empty one (Bab I standar,
// pokok_pikiran) so the nil/empty difference is tested.
const optionalDoc = `format: bukti-catalogue/v1
id: "2023"
version: "1.10"
title: "yes"
source: "KMK: 165/2023 # not a comment"
scoring:
  values: [100, 50, 0]
  tdd: false
  statuses:
    - name: Baik
      min: {II: 72.5, I: 0, III: 100}
  below: "null"
bab:
  - id: I
    standar: []
  - id: II
  - id: III
    title: "Bab: tiga"
    standar:
      - id: "3.10"
        kriteria:
          - id: "3.10.1"
            statement: "  leading and trailing spaces  "
            pokok_pikiran: []
            elements:
              - letter: z
                text: "line one\nline two  \n\ttabbed\n"
                requirements:
                  - key: O1
                    method: O
                    title: "- looks like a list"
                    group: "~"
                    note: "'quoted' \"twice\""
                    stages: [tahap_1]
                    parts:
                      - {key: a, title: "&anchor"}
                      - {key: b, title: "*alias", doc_type: "@at"}
                  - key: W12
                    method: W
                    title: "Wawancara ✓ é"
                    interviewees: ["Kepala Puskesmas", "true", "1.5"]
                    topic: "%percent {brace} [bracket] !bang"
`

func TestMarshalKeepsNilAndEmpty(t *testing.T) {
	c, _ := roundTrip(t, "optional", []byte(optionalDoc))
	tests := []struct {
		name    string
		isNil   bool
		wantNil bool
	}{
		{"BabI.Standar empty", c.Bab[0].Standar == nil, false},
		{"BabII.Standar omitted", c.Bab[1].Standar == nil, true},
		{"PokokPikiran empty", c.Bab[2].Standar[0].Kriteria[0].PokokPikiran == nil, false},
		{"Methods omitted", c.Bab[2].Standar[0].Kriteria[0].Elements[0].Methods == nil, true},
		{"Stages of W omitted", c.Bab[2].Standar[0].Kriteria[0].Elements[0].Requirements[1].Stages == nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.isNil != tc.wantNil {
				t.Errorf("nil = %v, want %v", tc.isNil, tc.wantNil)
			}
		})
	}
}

func TestMarshalErrors(t *testing.T) {
	tests := []struct {
		name   string
		c      *catalogue.Catalogue
		reason string
	}{
		{"Nil", nil, "nil catalogue"},
		{"OtherFormat", &catalogue.Catalogue{Format: "bukti-catalogue/v2"}, `cannot write format "bukti-catalogue/v2"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := catalogue.Marshal(tc.c)
			if err == nil || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("Marshal error = %v, want it to contain %q", err, tc.reason)
			}
		})
	}
}

func TestMarshalBuiltInCode(t *testing.T) {
	// A catalogue built in code leaves Format empty; Marshal writes v1 and
	// Parse accepts it.
	c := &catalogue.Catalogue{
		ID: "uji", Version: "1", Title: "Uji",
		Scoring: catalogue.Scoring{Values: []int{10, 0}, Statuses: []catalogue.Status{{Name: "Lulus", Min: map[string]float64{"I": 50}}}, Below: "Tidak"},
		Bab:     []catalogue.Bab{{ID: "I", Title: "Satu"}},
	}
	out, err := catalogue.Marshal(c)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	got, err := catalogue.Parse("code", out)
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, out)
	}
	if got.Format != catalogue.FormatV1 || got.Scoring.Statuses[0].Min["I"] != 50 {
		t.Errorf("got format %q, min %v", got.Format, got.Scoring.Statuses[0].Min)
	}
}

// TestMarshalKnowsEveryField fails when a field is added to the catalogue
// types: Marshal writes fields one by one and must be taught the new one
// (and this list updated) or the field is silently lost on export.
func TestMarshalKnowsEveryField(t *testing.T) {
	known := map[reflect.Type]string{
		reflect.TypeFor[catalogue.Catalogue]():   "format id version title source scoring bab",
		reflect.TypeFor[catalogue.Scoring]():     "values tdd statuses below suggest",
		reflect.TypeFor[catalogue.Threshold]():   "min score",
		reflect.TypeFor[catalogue.Status]():      "name min",
		reflect.TypeFor[catalogue.Bab]():         "id title standar",
		reflect.TypeFor[catalogue.Standar]():     "id title kriteria",
		reflect.TypeFor[catalogue.Kriteria]():    "id title statement pokok_pikiran elements",
		reflect.TypeFor[catalogue.Element]():     "letter text methods requirements",
		reflect.TypeFor[catalogue.Requirement](): "key method title doc_type group note stages parts interviewees topic",
		reflect.TypeFor[catalogue.Part]():        "key title doc_type",
	}
	for typ, want := range known {
		t.Run(typ.Name(), func(t *testing.T) {
			var got []string
			for f := range typ.Fields() {
				if tag := strings.Split(f.Tag.Get("yaml"), ",")[0]; f.IsExported() && tag != "-" {
					got = append(got, tag)
				}
			}
			if strings.Join(got, " ") != want {
				t.Errorf("yaml fields of %s are %q, Marshal writes %q: update marshal.go and this list", typ, got, want)
			}
		})
	}
}
