package catalogue

import (
	"bytes"
	"slices"
	"testing"
)

// TestRequirementKeys: a requirement's key is its method letter + the
// number the standard gives its item, so that a surveyor's "D3" is Bukti's
// D3. A heading ("…:") is no requirement but takes its number; a cell that
// numbers nothing is keyed 1, 2, 3 … in order; a numbering that cannot be
// followed is keyed in order with a warning naming the cell.
func TestRequirementKeys(t *testing.T) {
	const group = "Bukti pelaksanaan keterlibatan masyarakat"
	tests := []struct {
		name     string
		col      int // 0-based column of the cell: 5 R, 6 D, 8 W
		cell     string
		keys     []string
		titles   []string
		groups   []string // nil: all ""
		warnings []string // of row 2
	}{
		// Kriteria 2.1.2 EP b, as the built-in models it: no D1.
		{"HeadingAtItem1", 6,
			"1. Bukti pelaksanaan keterlibatan masyarakat:\n2. RPK yang memuat kegiatan pemberdayaan masyarakat\n3. Bukti keterlibatan masyarakat sesuai angka 1",
			[]string{"D2", "D3"},
			[]string{"RPK yang memuat kegiatan pemberdayaan masyarakat", "Bukti keterlibatan masyarakat sesuai angka 1"},
			[]string{group, group}, nil},
		{"HeadingInTheMiddle", 6,
			"1. SK Kepala Puskesmas tentang pemberdayaan masyarakat\n2. Bukti pelaksanaan keterlibatan masyarakat:\n3. RPK kegiatan pemberdayaan\n4. Notulen musyawarah masyarakat desa",
			[]string{"D1", "D3", "D4"},
			[]string{"SK Kepala Puskesmas tentang pemberdayaan masyarakat", "RPK kegiatan pemberdayaan", "Notulen musyawarah masyarakat desa"},
			[]string{"", group, group}, nil},
		{"UnnumberedSingleItem", 6, "RPK yang memuat kegiatan pemberdayaan masyarakat",
			[]string{"D1"}, []string{"RPK yang memuat kegiatan pemberdayaan masyarakat"}, nil, nil},
		{"Bullets", 6, "- SK tim mutu\n• Pedoman mutu",
			[]string{"D1", "D2"}, []string{"SK tim mutu", "Pedoman mutu"}, nil, nil},
		{"DuplicateNumbers", 6, "1. SK tim mutu\n2. Pedoman mutu\n2. Program mutu",
			[]string{"D1", "D2", "D3"}, []string{"SK tim mutu", "Pedoman mutu", "Program mutu"}, nil,
			[]string{"cell G2 (D): the items are numbered 1, 2, 2 (2 appears twice): keyed D1, D2, D3 in order, not by the numbers; check the numbering against the standard"}},

		{"GapWithoutHeading", 6, "1. SK tim mutu\n3. Pedoman mutu",
			[]string{"D1", "D2"}, []string{"SK tim mutu", "Pedoman mutu"}, nil,
			[]string{"cell G2 (D): the items are numbered 1, 3 (no item 2): keyed D1, D2 in order, not by the numbers; check the numbering against the standard"}},
		{"StartsAt2", 6, "2. SK tim mutu\n3. Pedoman mutu",
			[]string{"D1", "D2"}, []string{"SK tim mutu", "Pedoman mutu"}, nil,
			[]string{"cell G2 (D): the items are numbered 2, 3 (the list starts at 2): keyed D1, D2 in order, not by the numbers; check the numbering against the standard"}},
		{"UnnumberedAmongNumbered", 6, "Laporan kegiatan\n1. SK tim mutu\n2. Pedoman mutu",
			[]string{"D1", "D2", "D3"}, []string{"Laporan kegiatan", "SK tim mutu", "Pedoman mutu"}, nil,
			[]string{`cell G2 (D): "Laporan kegiatan" has no number while the other items have one: keyed D1, D2, D3 in order, not by the numbers; check the numbering against the standard`}},
		{"LongListInOrder", 6, "1. A\n1. B\n2. C\n3. D\n4. E",
			[]string{"D1", "D2", "D3", "D4", "D5"}, []string{"A", "B", "C", "D", "E"}, nil,
			[]string{"cell G2 (D): the items are numbered 1, 1, 2, 3, 4 (1 appears twice): keyed D1 to D5 in order, not by the numbers; check the numbering against the standard"}},
		// An item that makes no requirement keeps its number.
		{"EmptyItemTakesItsNumber", 5, "1. SK tim mutu\n2.\n3. SOP rapat mutu",
			[]string{"R1", "R3"}, []string{"SK tim mutu", "SOP rapat mutu"}, nil, nil},
		{"ExampleItemTakesItsNumber", 6, "1. Bukti kegiatan\n2. Misal: rapat\n3. Laporan kegiatan",
			[]string{"D1", "D3"}, []string{"Bukti kegiatan", "Laporan kegiatan"}, nil, nil},
		{"ExamplesNumberedOn", 6, "1. Bukti kegiatan, misal:\n2. rapat\nCatatan: tiap bulan\n3. Laporan kegiatan",
			[]string{"D1", "D3"}, []string{"Bukti kegiatan", "Laporan kegiatan"}, nil,
			[]string{`cell G2 (D): D1 ("Bukti kegiatan") introduces examples with ":"; the numbered lines after it (1) are kept in its note as examples, not read as requirements: check that no requirement follows them`}},
		{"ExamplesNumberedOwn", 6, "Bukti pemantauan, misal:\n1. daftar tilik\n2. laporan bulanan",
			[]string{"D1"}, []string{"Bukti pemantauan"}, nil,
			[]string{`cell G2 (D): D1 ("Bukti pemantauan") introduces examples with ":"; the numbered lines after it (2) are kept in its note as examples, not read as requirements: check that no requirement follows them`}},
		{"LettersWithHeading", 6, "a. Bukti pelaksanaan:\nb. RPK kegiatan\nc. Notulen rapat",
			[]string{"D2", "D3"}, []string{"RPK kegiatan", "Notulen rapat"}, []string{"Bukti pelaksanaan", "Bukti pelaksanaan"}, nil},
		{"UnnumberedHeading", 6, "Bukti pelaksanaan:\n1. RPK kegiatan\n2. Notulen rapat",
			[]string{"D1", "D2"}, []string{"RPK kegiatan", "Notulen rapat"}, []string{"Bukti pelaksanaan", "Bukti pelaksanaan"}, nil},
		{"InlineNumbers", 5, "1. SK tim mutu 2. SOP rapat mutu",
			[]string{"R1", "R2"}, []string{"SK tim mutu", "SOP rapat mutu"}, nil, nil},
		{"ParenGoesOn", 6, "1. SK tim mutu\n2) Pedoman mutu",
			[]string{"D1", "D2"}, []string{"SK tim mutu", "Pedoman mutu"}, nil, nil},
		// W: an item naming only roles is a heading too.
		{"WRolesHeadingNumbered", 8, "1. Kepala Puskesmas dan Pj UKM:\n2. Penggalian informasi RUK\n3. Penggalian informasi RPK",
			[]string{"W2", "W3"}, []string{"Penggalian informasi RUK", "Penggalian informasi RPK"}, nil, nil},
		{"WRolesUnnumbered", 8, "Kepala Puskesmas dan Pj UKM\n1. Penggalian informasi RUK\n2. Penggalian informasi RPK",
			[]string{"W1", "W2"}, []string{"Penggalian informasi RUK", "Penggalian informasi RPK"}, nil, nil},
		{"WDuplicateNamesNobody", 8, "1. Kepala Puskesmas: Penggalian informasi RUK\n1. Petugas menjelaskan RPK",
			[]string{"W1", "W2"}, []string{"Penggalian informasi RUK", "Petugas menjelaskan RPK"}, nil,
			[]string{
				"cell I2 (W): the items are numbered 1, 1 (1 appears twice): keyed W1, W2 in order, not by the numbers; check the numbering against the standard",
				`cell I2 (W): W2 names nobody (no "roles: topic"); interviewee set to "Petugas terkait": write the roles before the topic, e.g. "Kepala Puskesmas, Pj UKM: Penggalian informasi …"`,
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			row := []any{"I", "1.1", "1.1.1", 1, "EP satu", nil, nil, nil, nil, nil}
			row[tc.col] = tc.cell
			data := buildWorkbook(t, sheetSpec{name: "Bab I", rows: [][]any{header, row}})
			c, rep, err := ImportWorkbook(bytes.NewReader(data), testOptions())
			if err != nil {
				t.Fatalf("Import: %v\nreport %+v", err, rep)
			}
			e, ok := c.Element("1.1.1/a")
			if !ok {
				t.Fatal("EP 1.1.1/a missing")
			}
			var keys, titles, groups []string
			for _, r := range e.Requirements {
				keys, titles, groups = append(keys, r.Key), append(titles, r.Title), append(groups, r.Group)
			}
			wantGroups := tc.groups
			if wantGroups == nil {
				wantGroups = make([]string, len(tc.keys))
			}
			if !slices.Equal(keys, tc.keys) || !slices.Equal(titles, tc.titles) || !slices.Equal(groups, wantGroups) {
				t.Errorf("keys %q titles %q groups %q\nwant %q %q %q", keys, titles, groups, tc.keys, tc.titles, wantGroups)
			}
			for _, k := range tc.keys {
				mustRequirement(t, c, "1.1.1/a/"+k)
			}
			var want []ImportProblem
			for _, w := range tc.warnings {
				want = append(want, ImportProblem{"Bab I", 2, w})
			}
			checkProblemsExact(t, "warnings", rep.Warnings, want)
			checkProblemsExact(t, "skipped", rep.Skipped, nil)
		})
	}
}

// TestCheckNumbering: what is wrong with the numbers of a list.
func TestCheckNumbering(t *testing.T) {
	tests := []struct {
		seq  []int
		want string
	}{
		{nil, ""},
		{[]int{1}, ""},
		{[]int{1, 2, 3}, ""},
		{[]int{1, 1}, "the items are numbered 1, 1 (1 appears twice)"},
		{[]int{1, 2, 5}, "the items are numbered 1, 2, 5 (no items 3 and 4)"},
		{[]int{1, 6}, "the items are numbered 1, 6 (no items 2 to 5)"},
		{[]int{1, 3, 2}, "the items are numbered 1, 3, 2 (no item 2)"},
		{[]int{1, 2, 1}, "the items are numbered 1, 2, 1 (1 appears twice)"},
		{[]int{2, 1}, "the items are numbered 2, 1 (the list starts at 2)"},
	}
	for _, tc := range tests {
		if got := checkNumbering(tc.seq); got != tc.want {
			t.Errorf("checkNumbering(%v) = %q, want %q", tc.seq, got, tc.want)
		}
	}
}
