package catalogue_test

import (
	"reflect"
	"testing"

	"github.com/bukti-id/bukti/pkg/catalogue"
)

// epB is EP b of validDoc, to add or remove it whole.
const epB = `              - letter: b
                text: Elemen b.
                methods: [D]
                requirements:
                  - key: D1
                    method: D
                    title: Bukti evaluasi
`

// kriteria2 is a second kriteria for validDoc's standar 1.1.
const kriteria2 = `          - id: "1.1.2"
            title: Kriteria Dua
            statement: Pernyataan dua.
            elements:
              - letter: a
                text: Elemen dua a.
                methods: [R]
                requirements:
                  - key: R1
                    method: R
                    title: SOP
`

func TestDiff(t *testing.T) {
	parse := func(t *testing.T, doc string) *catalogue.Catalogue {
		t.Helper()
		c, err := catalogue.Parse("uji.yaml", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	type (
		ep  = catalogue.ElementChange
		req = catalogue.RequirementChange
		n   = catalogue.DiffCounts
	)
	const added, removed, changed = catalogue.Added, catalogue.Removed, catalogue.Changed
	tests := []struct {
		name     string
		old, new func(t *testing.T) string // old nil: validDoc
		noOld    bool                      // Diff(nil, new)
		want     []ep
		counts   n
	}{
		{
			name: "same version",
			new:  func(t *testing.T) string { return validDoc },
		},
		{
			name:   "EP text",
			new:    func(t *testing.T) string { return mutate(t, "text: Elemen a.", "text: Elemen a yang baru.") },
			want:   []ep{{ID: "1.1.1/a", Kriteria: "1.1.1", Change: changed, Text: "Elemen a yang baru.", OldText: "Elemen a.", Fields: []string{"text"}}},
			counts: n{ElementsChanged: 1},
		},
		{
			name:   "EP methods",
			new:    func(t *testing.T) string { return mutate(t, "methods: [D]", "methods: [D, O]") },
			want:   []ep{{ID: "1.1.1/b", Kriteria: "1.1.1", Change: changed, Text: "Elemen b.", Fields: []string{"methods"}}},
			counts: n{ElementsChanged: 1},
		},
		{
			name: "requirement title and doc type",
			new: func(t *testing.T) string {
				return mutate(t, "title: SK Kepala Puskesmas\n                    doc_type: SK", "title: SOP Kepala Puskesmas\n                    doc_type: SOP")
			},
			want: []ep{{ID: "1.1.1/a", Kriteria: "1.1.1", Change: changed, Text: "Elemen a.", Requirements: []req{
				{ID: "1.1.1/a/R1", Change: changed, Method: "R", Title: "SOP Kepala Puskesmas", OldTitle: "SK Kepala Puskesmas", Fields: []string{"title", "doc_type"}},
			}}},
			counts: n{ElementsChanged: 1, RequirementsChanged: 1},
		},
		{
			name: "slots: stages, parts and interviewees",
			new: func(t *testing.T) string {
				return mutate(t, "stages: [perencanaan, pelaksanaan]", "stages: [perencanaan, pelaksanaan, evaluasi]",
					"{key: notulen, title: Notulen}", "{key: notulen, title: Notulen rapat}",
					"interviewees: [Kepala Puskesmas, Masyarakat]", "interviewees: [Kepala Puskesmas]")
			},
			want: []ep{{ID: "1.1.1/a", Kriteria: "1.1.1", Change: changed, Text: "Elemen a.", Requirements: []req{
				{ID: "1.1.1/a/D1", Change: changed, Method: "D", Title: "Laporan per tahap", Fields: []string{"stages"}},
				{ID: "1.1.1/a/D2", Change: changed, Method: "D", Title: "Bukti pertemuan", Fields: []string{"parts"}},
				{ID: "1.1.1/a/W1", Change: changed, Method: "W", Title: "Wawancara", Fields: []string{"interviewees"}},
			}}},
			counts: n{ElementsChanged: 1, RequirementsChanged: 3},
		},
		{
			name: "requirement renumbered: one removed, one added",
			new:  func(t *testing.T) string { return mutate(t, "key: R1", "key: R2") },
			want: []ep{{ID: "1.1.1/a", Kriteria: "1.1.1", Change: changed, Text: "Elemen a.", Requirements: []req{
				{ID: "1.1.1/a/R2", Change: added, Method: "R", Title: "SK Kepala Puskesmas"},
				{ID: "1.1.1/a/R1", Change: removed, Method: "R", Title: "SK Kepala Puskesmas"},
			}}},
			counts: n{ElementsChanged: 1, RequirementsAdded: 1, RequirementsRemoved: 1},
		},
		{
			name: "EP removed with its requirements",
			new:  func(t *testing.T) string { return mutate(t, epB, "") },
			want: []ep{{ID: "1.1.1/b", Kriteria: "1.1.1", Change: removed, Text: "Elemen b.", Requirements: []req{
				{ID: "1.1.1/b/D1", Change: removed, Method: "D", Title: "Bukti evaluasi"},
			}}},
			counts: n{ElementsRemoved: 1, RequirementsRemoved: 1},
		},
		{
			name: "EP added with its requirements",
			old:  func(t *testing.T) string { return mutate(t, epB, "") },
			new:  func(t *testing.T) string { return validDoc },
			want: []ep{{ID: "1.1.1/b", Kriteria: "1.1.1", Change: added, Text: "Elemen b.", Requirements: []req{
				{ID: "1.1.1/b/D1", Change: added, Method: "D", Title: "Bukti evaluasi"},
			}}},
			counts: n{ElementsAdded: 1, RequirementsAdded: 1},
		},
		{
			name: "changes in two kriteria, in the standard's order",
			new: func(t *testing.T) string {
				return mutate(t, "                  - key: D1\n                    method: D\n                    title: Bukti evaluasi\n",
					"                  - key: D1\n                    method: D\n                    title: Bukti evaluasi\n"+kriteria2)
			},
			old: func(t *testing.T) string { return mutate(t, "text: Elemen b.", "text: Elemen b lama.") },
			want: []ep{
				{ID: "1.1.1/b", Kriteria: "1.1.1", Change: changed, Text: "Elemen b.", OldText: "Elemen b lama.", Fields: []string{"text"}},
				{ID: "1.1.2/a", Kriteria: "1.1.2", Change: added, Text: "Elemen dua a.", Requirements: []req{
					{ID: "1.1.2/a/R1", Change: added, Method: "R", Title: "SOP"},
				}},
			},
			counts: n{ElementsAdded: 1, ElementsChanged: 1, RequirementsAdded: 1},
		},
		{
			name:  "no old catalogue: everything added",
			noOld: true,
			new:   func(t *testing.T) string { return mutate(t, epB, "") },
			want: []ep{{ID: "1.1.1/a", Kriteria: "1.1.1", Change: added, Text: "Elemen a.", Requirements: []req{
				{ID: "1.1.1/a/R1", Change: added, Method: "R", Title: "SK Kepala Puskesmas"},
				{ID: "1.1.1/a/D1", Change: added, Method: "D", Title: "Laporan per tahap"},
				{ID: "1.1.1/a/D2", Change: added, Method: "D", Title: "Bukti pertemuan"},
				{ID: "1.1.1/a/D3", Change: added, Method: "D", Title: "Bukti keterlibatan per tahap"},
				{ID: "1.1.1/a/W1", Change: added, Method: "W", Title: "Wawancara"},
			}}},
			counts: n{ElementsAdded: 1, RequirementsAdded: 5},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var old *catalogue.Catalogue
			switch {
			case tc.old != nil:
				old = parse(t, tc.old(t))
			case !tc.noOld:
				old = parse(t, validDoc)
			}
			d := catalogue.Diff(old, parse(t, tc.new(t)))
			want := tc.want
			if want == nil {
				want = []ep{}
			}
			if !reflect.DeepEqual(d.Elements, want) {
				t.Errorf("elements\n got %+v\nwant %+v", d.Elements, want)
			}
			if d.Counts != tc.counts {
				t.Errorf("counts %+v, want %+v", d.Counts, tc.counts)
			}
			if d.Empty() != (len(want) == 0) {
				t.Errorf("Empty() = %v with %d changes", d.Empty(), len(want))
			}
			if d.To != "uji@1" || (old != nil) != (d.From == "uji@1") {
				t.Errorf("from %q to %q", d.From, d.To)
			}
		})
	}
}

func TestDiffCountsString(t *testing.T) {
	c := catalogue.DiffCounts{ElementsAdded: 1, ElementsRemoved: 2, ElementsChanged: 3, RequirementsAdded: 4, RequirementsRemoved: 5, RequirementsChanged: 6}
	if got, want := c.String(), "EP: 1 added, 2 removed, 3 changed; requirements: 4 added, 5 removed, 6 changed"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
