package catalogue

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// Workbooks as Puskesmas offices have them: one file per Bab, no header
// row, ids typed with decimal commas, W cells without a colon, examples
// ("Misal …"), "1 ." and "1)" numbering, a heading item, and the EP text
// in the wrong column. The comments give the Excel row numbers the tests
// assert on.

// officeSheet is the sheet name of officeBabII: not a Bab name, so the Bab
// comes from column A.
const officeSheet = "Penilaian Mandiri"

// officeBabII is a headerless Bab II sheet, data from row 1:
//
//	1  bab as the number 2, standar "2,1", kriteria "2,1,1 Perencanaan UKM";
//	   R numbered "1 .", D numbered "1)"; W roles, a blank line, the topic.
//	2  D: "minimal melampirkan:" with a sub-list a./b. (a note), then "2)"
//	   after "1." (the numbering goes on); W roles directly followed by
//	   "Penggalian informasi", "Koordinator & Pelaksana pelayanan UKM".
//	3  kriteria "2,1,2 Pemberdayaan Masyarakat"; D: heading item 1 over
//	   items 2 and 3, item 3 with an inline "Misal:"; W roles with "dan" and
//	   "serta" and a shared tail, then a line break and the topic.
//	4  no EP text: it is in the R column (moved); W "Ketua dan anggota tim
//	   UKM", a blank line, a topic that does not start "Penggalian".
//	5  standar "2,2"; R begins with a copy of the EP text above its list
//	   (dropped); D "Bukti pemantauan, misal:" over a numbered list (a note,
//	   warned); W roles without colon over numbered topics.
//	6  D begins with another EP text than the EP cell's (kept, warned),
//	   unnumbered over "1." (keyed in order, warned).
//	7  an exact copy of the EP text in the O column (dropped); W roles
//	   joined with "&", a blank line, the topic.
//	8  the EP number cell holds "2. <EP text>" and the EP cell is empty.
func officeBabII() sheetSpec {
	return sheetSpec{name: officeSheet, rows: officeBabIIRows()}
}

func officeBabIIRows() [][]any {
	return [][]any{
		{2, "2,1", "2,1,1 Perencanaan UKM", 1, "Puskesmas menyusun RUK dan RPK UKM (R, D, W)",
			"1 . SK Kepala Puskesmas tentang perencanaan UKM\n2 . SOP penyusunan RUK",
			"1) RUK tahun berjalan\n2) RPK bulanan",
			nil,
			"Kepala Puskesmas, Pj UKM\n\nPenggalian informasi terkait penyusunan RUK dan RPK"},
		{nil, nil, nil, 2, "Terdapat bukti keterlibatan lintas sektor dalam perencanaan (D, W)",
			nil,
			"1. Bukti pertemuan lintas sektor, minimal melampirkan:\na. daftar hadir\nb. notulen\n2) Laporan kegiatan lintas sektor",
			nil,
			"Koordinator & Pelaksana pelayanan UKM Penggalian informasi tentang keterlibatan lintas sektor"},
		{nil, nil, "2,1,2 Pemberdayaan Masyarakat", 1, "Terdapat kegiatan pemberdayaan masyarakat dalam RUK (D, W)",
			nil,
			"1. Bukti pelaksanaan keterlibatan masyarakat:\n2. RPK yang memuat kegiatan pemberdayaan masyarakat\n3. Bukti kegiatan bersama masyarakat. Misal: musyawarah masyarakat desa",
			nil,
			"Kepala Puskesmas, Pj UKM, Koordinator dan Pelaksana pelayanan UKM serta masyarakat\nPenggalian informasi keterlibatan masyarakat dalam perencanaan"},
		{nil, nil, nil, 2, nil,
			"Dilakukan evaluasi kegiatan pemberdayaan masyarakat (D, W)",
			"1. Laporan evaluasi pemberdayaan\n2. Bukti tindak lanjut evaluasi",
			nil,
			"Ketua dan anggota tim UKM\n\nEvaluasi kegiatan pemberdayaan masyarakat"},
		{nil, "2,2", "2,2,1", 1, "Pelayanan UKM dipantau secara berkala (R, D, W)",
			"Pelayanan UKM dipantau secara berkala (R, D, W)\n1. SOP pemantauan pelayanan UKM",
			"Bukti pemantauan, misal:\n1. daftar tilik\n2. laporan bulanan",
			nil,
			"Kepala Puskesmas dan Pj UKM\n1. Penggalian informasi pelaksanaan pemantauan\n2. Penggalian informasi tindak lanjut pemantauan"},
		{nil, nil, nil, 2, "Hasil pemantauan ditindaklanjuti (D, W)",
			nil,
			"Terdapat rencana tindak lanjut hasil pemantauan (D)\n1. Rencana tindak lanjut",
			nil,
			"Pj UKM: Penggalian informasi tindak lanjut hasil pemantauan"},
		{nil, nil, "2,2,2", "1", "Tim pelaksana UKM ditetapkan (R, W)",
			"1) SK tim pelaksana UKM",
			nil,
			"Tim pelaksana UKM ditetapkan (R, W)",
			"Kepala Puskesmas & koordinator pelayanan UKM\n\nPenggalian informasi penetapan tim"},
		{nil, nil, nil, "2. Tim pelaksana menyusun jadwal kegiatan (D)", nil,
			nil,
			"1. Jadwal kegiatan tim",
		},
	}
}

// officeBabV is a headerless sheet named after its Bab, the Bab column
// blank, with a title on row 1 and data from row 2:
//
//	2  standar "5,1", kriteria "5,1,1"; W "Ketua, sekretaris dan anggota
//	   tim mutu", a blank line, the topic.
//	3  D numbered "1 )"; W roles one per line, then "Penggalian informasi".
func officeBabV() sheetSpec {
	return sheetSpec{name: "Bab V", rows: [][]any{
		{"INSTRUMEN PENILAIAN MANDIRI BAB V PENINGKATAN MUTU PUSKESMAS"},
		{nil, "5,1", "5,1,1", 1, "Tim mutu ditetapkan (R, W)",
			"1. SK tim mutu",
			nil, nil,
			"Ketua, sekretaris dan anggota tim mutu\n\nPenggalian informasi tugas tim mutu"},
		{nil, nil, nil, 2, "Program mutu disusun (D, W)",
			nil,
			"1 ) Program mutu tahunan\n2 ) Notulen penyusunan program mutu",
			nil,
			"Kepala Puskesmas\nPj mutu\nPenggalian informasi penyusunan program mutu"},
	}}
}

// wantReq is one requirement as the tests expect it, every field exact.
type wantReq struct {
	id, title, docType, group, note string
	who                             []string
	topic                           string
}

// checkRequirements compares every requirement of c, in catalogue order,
// with want.
func checkRequirements(t *testing.T, c *Catalogue, want []wantReq) {
	t.Helper()
	var got []wantReq
	for _, b := range c.Bab {
		for _, s := range b.Standar {
			for _, k := range s.Kriteria {
				for _, e := range k.Elements {
					for _, r := range e.Requirements {
						got = append(got, wantReq{r.ID, r.Title, r.DocType, r.Group, r.Note, r.Interviewees, r.Topic})
					}
				}
			}
		}
	}
	for i := 0; i < len(got) || i < len(want); i++ {
		switch {
		case i >= len(want):
			t.Errorf("extra requirement %+v", got[i])
		case i >= len(got):
			t.Errorf("missing requirement %+v", want[i])
		case !reflect.DeepEqual(got[i], want[i]):
			t.Errorf("requirement %d\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

// checkProblemsExact compares problems with every field exact.
func checkProblemsExact(t *testing.T, kind string, got, want []ImportProblem) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", kind, got, want)
	}
}

var (
	headOfficeUKM = []string{"Kepala Puskesmas", "Penanggung jawab UKM"}

	// officeBabIIRequirements are the requirements of officeBabII.
	officeBabIIRequirements = []wantReq{
		{"2.1.1/a/R1", "SK Kepala Puskesmas tentang perencanaan UKM", "SK", "", "", nil, ""}, // "1 ."
		{"2.1.1/a/R2", "SOP penyusunan RUK", "SOP", "", "", nil, ""},
		{"2.1.1/a/D1", "RUK tahun berjalan", "RUK/RPK", "", "", nil, ""}, // "1)"
		{"2.1.1/a/D2", "RPK bulanan", "RUK/RPK", "", "", nil, ""},
		{"2.1.1/a/W1", "Penggalian informasi terkait penyusunan RUK dan RPK", "", "", "", headOfficeUKM, "Penggalian informasi terkait penyusunan RUK dan RPK"}, // blank line
		{"2.1.1/b/D1", "Bukti pertemuan lintas sektor", "", "", "minimal melampirkan: a. daftar hadir b. notulen", nil, ""},
		{"2.1.1/b/D2", "Laporan kegiatan lintas sektor", "laporan", "", "", nil, ""}, // "2)" after "1."
		{"2.1.1/b/W1", "Penggalian informasi tentang keterlibatan lintas sektor", "", "", "",
			[]string{"Koordinator pelayanan UKM", "Pelaksana pelayanan UKM"}, "Penggalian informasi tentang keterlibatan lintas sektor"},
		// Item 1 is the heading: it takes its number, the items are D2
		// and D3 (no D1), as in the built-in 2.1.2/b.
		{"2.1.2/a/D2", "RPK yang memuat kegiatan pemberdayaan masyarakat", "RUK/RPK", "Bukti pelaksanaan keterlibatan masyarakat", "", nil, ""},
		{"2.1.2/a/D3", "Bukti kegiatan bersama masyarakat", "", "Bukti pelaksanaan keterlibatan masyarakat", "Misal: musyawarah masyarakat desa", nil, ""},
		{"2.1.2/a/W1", "Penggalian informasi keterlibatan masyarakat dalam perencanaan", "", "", "",
			[]string{"Kepala Puskesmas", "Penanggung jawab UKM", "Koordinator pelayanan UKM", "Pelaksana pelayanan UKM", "Masyarakat"},
			"Penggalian informasi keterlibatan masyarakat dalam perencanaan"},
		{"2.1.2/b/D1", "Laporan evaluasi pemberdayaan", "laporan", "", "", nil, ""},
		{"2.1.2/b/D2", "Bukti tindak lanjut evaluasi", "", "", "", nil, ""},
		{"2.1.2/b/W1", "Evaluasi kegiatan pemberdayaan masyarakat", "", "", "", []string{"Ketua tim UKM", "Anggota tim UKM"}, "Evaluasi kegiatan pemberdayaan masyarakat"},
		{"2.2.1/a/R1", "SOP pemantauan pelayanan UKM", "SOP", "", "", nil, ""}, // the EP text above it dropped
		{"2.2.1/a/D1", "Bukti pemantauan", "", "", "misal: 1. daftar tilik 2. laporan bulanan", nil, ""},
		{"2.2.1/a/W1", "Penggalian informasi pelaksanaan pemantauan", "", "", "", headOfficeUKM, "Penggalian informasi pelaksanaan pemantauan"},
		{"2.2.1/a/W2", "Penggalian informasi tindak lanjut pemantauan", "", "", "", headOfficeUKM, "Penggalian informasi tindak lanjut pemantauan"},
		{"2.2.1/b/D1", "Terdapat rencana tindak lanjut hasil pemantauan (D)", "", "", "", nil, ""}, // warned
		{"2.2.1/b/D2", "Rencana tindak lanjut", "", "", "", nil, ""},
		{"2.2.1/b/W1", "Penggalian informasi tindak lanjut hasil pemantauan", "", "", "", []string{"Penanggung jawab UKM"}, "Penggalian informasi tindak lanjut hasil pemantauan"},
		{"2.2.2/a/R1", "SK tim pelaksana UKM", "SK", "", "", nil, ""},
		{"2.2.2/a/W1", "Penggalian informasi penetapan tim", "", "", "", []string{"Kepala Puskesmas", "Koordinator pelayanan UKM"}, "Penggalian informasi penetapan tim"},
		{"2.2.2/b/D1", "Jadwal kegiatan tim", "", "", "", nil, ""},
	}

	officeBabVRequirements = []wantReq{
		{"5.1.1/a/R1", "SK tim mutu", "SK", "", "", nil, ""},
		{"5.1.1/a/W1", "Penggalian informasi tugas tim mutu", "", "", "", []string{"Ketua tim mutu", "Sekretaris tim mutu", "Anggota tim mutu"}, "Penggalian informasi tugas tim mutu"},
		{"5.1.1/b/D1", "Program mutu tahunan", "", "", "", nil, ""}, // "1 )"
		{"5.1.1/b/D2", "Notulen penyusunan program mutu", "notulen", "", "", nil, ""},
		{"5.1.1/b/W1", "Penggalian informasi penyusunan program mutu", "", "", "", []string{"Kepala Puskesmas", "Penanggung jawab mutu"}, "Penggalian informasi penyusunan program mutu"},
	}
)

// officeBabIIWarnings are the warnings of officeBabII when its data starts
// on row first (1 without a header, 2 under one).
func officeBabIIWarnings(sheet string, first int) []ImportProblem {
	row := func(n int) int { return n + first - 1 }
	return []ImportProblem{
		{sheet, row(5), fmt.Sprintf(`cell G%d (D): D1 ("Bukti pemantauan") introduces examples with ":"; the numbered lines after it (2) are kept in its note as examples, not read as requirements: check that no requirement follows them`, row(5))},
		{sheet, row(6), fmt.Sprintf(`cell G%d (D) begins with an EP text ("Terdapat rencana tindak lanjut hasil pemantauan (D)") that differs from the Elemen Penilaian cell E%d; imported as D items: check which column it belongs in`, row(6), row(6))},
		// The EP text kept as D1 is not numbered: the "1." under it is D2.
		{sheet, row(6), fmt.Sprintf(`cell G%d (D): "Terdapat rencana tindak lanjut hasil pemantauan (D)" has no number while the other items have one: keyed D1, D2 in order, not by the numbers; check the numbering against the standard`, row(6))},
	}
}

// TestImportOfficeWorkbook imports officeBabII without a header (as offices
// have it) and with one (header detection is kept): the same catalogue,
// the warnings on the same rows of data.
func TestImportOfficeWorkbook(t *testing.T) {
	tests := []struct {
		name  string
		rows  [][]any
		first int // Excel row of the first data row
	}{
		{"Headerless", officeBabIIRows(), 1},
		{"WithHeader", append([][]any{header}, officeBabIIRows()...), 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := buildWorkbook(t, sheetSpec{name: officeSheet, rows: tc.rows})
			c, rep, err := ImportWorkbook(bytes.NewReader(data), testOptions())
			if err != nil {
				t.Fatalf("Import: %v\nreport %+v", err, rep)
			}
			checkRequirements(t, c, officeBabIIRequirements)
			checkProblemsExact(t, "warnings", rep.Warnings, officeBabIIWarnings(officeSheet, tc.first))
			checkProblemsExact(t, "skipped", rep.Skipped, nil)

			got := rep
			got.Skipped, got.Warnings = nil, nil
			if want := (ImportReport{Bab: 1, Standar: 2, Kriteria: 4, Elements: 8, Requirements: 16, Interviews: 8}); !reflect.DeepEqual(got, want) {
				t.Errorf("counts %+v, want %+v", got, want)
			}
			elements := []struct{ id, text, methods string }{
				{"2.1.1/a", "Puskesmas menyusun RUK dan RPK UKM", "R, D, W"},
				{"2.1.1/b", "Terdapat bukti keterlibatan lintas sektor dalam perencanaan", "D, W"},
				{"2.1.2/a", "Terdapat kegiatan pemberdayaan masyarakat dalam RUK", "D, W"},
				{"2.1.2/b", "Dilakukan evaluasi kegiatan pemberdayaan masyarakat", "D, W"}, // from the R column
				{"2.2.1/a", "Pelayanan UKM dipantau secara berkala", "R, D, W"},
				{"2.2.1/b", "Hasil pemantauan ditindaklanjuti", "D, W"},
				{"2.2.2/a", "Tim pelaksana UKM ditetapkan", "R, W"},        // the copy in O dropped, O not added
				{"2.2.2/b", "Tim pelaksana menyusun jadwal kegiatan", "D"}, // from the No EP cell
			}
			for _, w := range elements {
				e, ok := c.Element(w.id)
				if !ok {
					t.Errorf("EP %s missing", w.id)
					continue
				}
				if e.Text != w.text || methodLetters(e.Methods) != w.methods {
					t.Errorf("EP %s = %q (%s), want %q (%s)", w.id, e.Text, methodLetters(e.Methods), w.text, w.methods)
				}
			}
			titles := []string{c.Bab[1].Title, c.Bab[1].Standar[0].Title, c.Bab[1].Standar[0].Kriteria[0].Title, c.Bab[1].Standar[0].Kriteria[1].Title, c.Bab[1].Standar[1].Kriteria[0].Title}
			if want := []string{"Bab II", "Standar 2.1", "Perencanaan UKM", "Pemberdayaan Masyarakat", "Kriteria 2.2.1"}; !slices.Equal(titles, want) {
				t.Errorf("titles %q, want %q", titles, want)
			}
		})
	}
}

// TestImportOfficeFiles imports a directory of headerless files, one per
// Bab, as ImportFiles is used for the national workbooks.
func TestImportOfficeFiles(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for name, s := range map[string]sheetSpec{"bab2.xlsx": officeBabII(), "bab5.xlsx": officeBabV()} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, buildWorkbook(t, s), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	slices.Sort(paths)
	c, rep, err := ImportFiles(paths, testOptions())
	if err != nil {
		t.Fatalf("ImportFiles: %v", err)
	}
	checkRequirements(t, c, append(slices.Clone(officeBabIIRequirements), officeBabVRequirements...))
	checkProblemsExact(t, "warnings", rep.Warnings, officeBabIIWarnings("[bab2.xlsx]"+officeSheet, 1))
	checkProblemsExact(t, "skipped", rep.Skipped, nil)
	if rep.Bab != 2 || rep.Elements != 10 {
		t.Errorf("report %+v, want 2 Bab and 10 EP", rep)
	}
}

// TestImportEPTextColumns: an EP text in the wrong column is put back when
// that is unambiguous, else imported as it is with a warning.
func TestImportEPTextColumns(t *testing.T) {
	tests := []struct {
		name     string
		row      []any // columns A to J of row 2, under the header
		text     string
		reqs     []string // titles, in order
		warnings []string
	}{
		{"CopyInR", []any{"I", "1.1", "1.1.1", 1, "a) Struktur ditetapkan (R, D)", "Struktur ditetapkan (R, D)", "1. Bagan struktur"},
			"Struktur ditetapkan", []string{"Bagan struktur"}, nil},
		{"CopyAboveTheList", []any{"I", "1.1", "1.1.1", 1, "Struktur ditetapkan (R, D)", "Struktur  ditetapkan (R,D).\n1. SK struktur", "1. Bagan struktur"},
			"Struktur ditetapkan", []string{"SK struktur", "Bagan struktur"}, nil},
		{"TextInR", []any{"I", "1.1", "1.1.1", 1, nil, "Struktur ditetapkan (R, D)", "1. Bagan struktur"},
			"Struktur ditetapkan", []string{"Bagan struktur"}, nil},
		{"TextInNumber", []any{"I", "1.1", "1.1.1", "1. Struktur ditetapkan (R)", nil, "1. SK struktur"},
			"Struktur ditetapkan", []string{"SK struktur"}, nil},
		{"NumberAndTextSwapped", []any{"I", "1.1", "1.1.1", "Struktur ditetapkan (R)", "1", "1. SK struktur"},
			"Struktur ditetapkan", []string{"SK struktur"}, nil},
		{"TwoDifferentTexts", []any{"I", "1.1", "1.1.1", 1, nil, "Struktur ditetapkan (R, D)", "Uraian tugas ditetapkan (D)\n1. Bagan struktur"},
			"Struktur ditetapkan", []string{"Uraian tugas ditetapkan (D)", "Bagan struktur"},
			[]string{`the Elemen Penilaian cell E2 is empty and cells F2 (R) and G2 (D) begin with different EP texts: took "Struktur ditetapkan (R, D)" from F2 and imported G2 as D items; check which column each belongs in`,
				`cell G2 (D): "Uraian tugas ditetapkan (D)" has no number while the other items have one: keyed D1, D2 in order, not by the numbers; check the numbering against the standard`}},
		{"OtherTextInR", []any{"I", "1.1", "1.1.1", 1, "Struktur ditetapkan (R)", "Uraian tugas ditetapkan (R)\n1. SK struktur"},
			"Struktur ditetapkan", []string{"Uraian tugas ditetapkan (R)", "SK struktur"},
			[]string{`cell F2 (R) begins with an EP text ("Uraian tugas ditetapkan (R)") that differs from the Elemen Penilaian cell E2; imported as R items: check which column it belongs in`,
				`cell F2 (R): "Uraian tugas ditetapkan (R)" has no number while the other items have one: keyed R1, R2 in order, not by the numbers; check the numbering against the standard`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := buildWorkbook(t, sheetSpec{name: "Bab I", rows: [][]any{header, tc.row}})
			c, rep, err := ImportWorkbook(bytes.NewReader(data), testOptions())
			if err != nil {
				t.Fatalf("Import: %v\nreport %+v", err, rep)
			}
			e, ok := c.Element("1.1.1/a")
			if !ok {
				t.Fatal("EP 1.1.1/a missing")
			}
			var titles []string
			for _, r := range e.Requirements {
				titles = append(titles, r.Title)
			}
			if e.Text != tc.text || !slices.Equal(titles, tc.reqs) {
				t.Errorf("EP %q %q, want %q %q", e.Text, titles, tc.text, tc.reqs)
			}
			var want []ImportProblem
			for _, w := range tc.warnings {
				want = append(want, ImportProblem{"Bab I", 2, w})
			}
			checkProblemsExact(t, "warnings", rep.Warnings, want)
		})
	}
}

// TestFindLayout: a sheet's layout is its header row, else data rows in
// the fixed column order recognised from the shape of their cells.
func TestFindLayout(t *testing.T) {
	data := []string{"2", "2,1", "2,1,2", "1", "Teks EP (R)", "1. SK"}
	tests := []struct {
		name       string
		sheet      string
		rows       [][]string
		headerless bool
		firstRow   int // 0-based
	}{
		{"Header", "Bab II", [][]string{{"Bab", "Standar", "Kriteria", "No EP", "Elemen Penilaian", "R", "D", "O", "W", "S"}, data}, false, 1},
		{"DataFromRow1", "Sheet1", [][]string{data}, true, 0},
		{"TitleAbove", "Sheet1", [][]string{{"INSTRUMEN BAB II"}, nil, data}, true, 2},
		{"DottedIDs", "Sheet1", [][]string{{"II", "2.1", "2.1.2", "1.", "", "", "1. Laporan"}}, true, 0},
		{"BabFromSheetName", "Bab II", [][]string{{"", "2.1", "2.1.2", "(1)", "Teks EP"}}, true, 0},
		{"LetterEP", "Sheet1", [][]string{{"Bab II", "2.1", "2.1.2", "a", "Teks EP"}}, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, miss := findLayout(tc.rows, tc.sheet)
			if miss != nil {
				t.Fatalf("no layout: %v", miss)
			}
			if l.headerless != tc.headerless || l.firstRow != tc.firstRow {
				t.Errorf("headerless %v first row %d, want %v %d", l.headerless, l.firstRow, tc.headerless, tc.firstRow)
			}
			if tc.headerless && (l.at[colBab] != 0 || l.at[colS] != 9) {
				t.Errorf("columns %v, want A to J", l.at)
			}
		})
	}
}

// TestImportRefusesLayout: a workbook in no known layout is refused with
// what was expected and what was found, in Bahasa Indonesia and English.
func TestImportRefusesLayout(t *testing.T) {
	const (
		expectEN = "no header row in the first 10 rows: expected the columns Bab, Standar, Kriteria, No EP, Elemen Penilaian, R, D, O, W, S"
		expectID = "tidak ada baris judul kolom di 10 baris pertama: diharapkan kolom Bab, Standar, Kriteria, No EP, Elemen Penilaian, R, D, O, W, S"
		orEN     = ", or rows without a header in that order from row 1, such as 2 | 2.1 | 2.1.2 | 1 | <EP text> | <R> | <D> | <O> | <W> | <S>"
		orID     = ", atau baris tanpa judul kolom dengan urutan itu mulai baris 1, seperti 2 | 2.1 | 2.1.2 | 1 | <teks EP> | <R> | <D> | <O> | <W> | <S>"
	)
	tests := []struct {
		name   string
		sheets []sheetSpec
		en, id string
	}{
		{"OtherTable", []sheetSpec{{name: "Data Pegawai", rows: [][]any{{"Daftar pegawai"}, {"Nama", "NIP", "Jabatan"}, {"Ani", "1987", "Bidan"}}}},
			`sheet "Data Pegawai": ` + expectEN + orEN + `; found row 1: "Daftar pegawai"; row 2: "Nama" | "NIP" | "Jabatan"`,
			`lembar "Data Pegawai": ` + expectID + orID + `; ditemukan baris 1: "Daftar pegawai"; baris 2: "Nama" | "NIP" | "Jabatan"`},
		{"KriteriaOfOtherStandar", []sheetSpec{{name: "Sheet1", rows: [][]any{{2, "2,1", "3,1,1", 1, "Teks EP (R)", "1. SK"}}}},
			`sheet "Sheet1": ` + expectEN + orEN + `; found row 1, which reads as data in Bab, Standar, but column C "3,1,1" is not a kriteria number of that standar, like 2.1.2`,
			`lembar "Sheet1": ` + expectID + orID + `; ditemukan baris 1, yang terbaca sebagai data pada Bab, Standar, tetapi kolom C "3,1,1" bukan nomor kriteria dari standar itu, seperti 2.1.2`},
		{"NoEPColumns", []sheetSpec{{name: "Bab II", rows: [][]any{{nil, "2.1", "2.1.1", 1}}}},
			`sheet "Bab II": ` + expectEN + orEN + `; found row 1, which reads as data in Bab, Standar, Kriteria, No EP, but column E–J is empty: expected the EP text and its R, D, O, W, S items`,
			`lembar "Bab II": ` + expectID + orID + `; ditemukan baris 1, yang terbaca sebagai data pada Bab, Standar, Kriteria, No EP, tetapi kolom E–J kosong: diharapkan teks EP dan butir R, D, O, W, S-nya`},
		// A recap of scores has data rows of the right shape under its own
		// header: it is not read as headerless data (its Skor column
		// would become R items).
		{"RecapSheet", []sheetSpec{{name: "Rekap", rows: [][]any{{"Bab", "Standar", "Kriteria", "EP", "Skor", "Fakta"}, {"II", "2.1", "2.1.1", 1, 10, "ada SK"}}}},
			`sheet "Rekap": ` + expectEN + " (row 1 comes closest but lacks Elemen Penilaian, R, D, O, W, S)" + orEN + `; found row 1: "Bab" | "Standar" | "Kriteria" | "EP" | "Skor" | "Fakta"; row 2: "II" | "2.1" | "2.1.1" | "1" | "10" | "ada SK"`,
			`lembar "Rekap": ` + expectID + " (baris 1 paling mendekati tetapi tidak memuat Elemen Penilaian, R, D, O, W, S)" + orID + `; ditemukan baris 1: "Bab" | "Standar" | "Kriteria" | "EP" | "Skor" | "Fakta"; baris 2: "II" | "2.1" | "2.1.1" | "1" | "10" | "ada SK"`},
		{"TwoSheets", []sheetSpec{{name: "A", rows: [][]any{{"x"}}}, {name: "B", rows: [][]any{{"y", "z"}}}},
			`sheet "A": ` + expectEN + orEN + `; found row 1: "x"; sheet "B": ` + expectEN + orEN + `; found row 1: "y" | "z"`,
			`lembar "A": ` + expectID + orID + `; ditemukan baris 1: "x"; lembar "B": ` + expectID + orID + `; ditemukan baris 1: "y" | "z"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := ImportWorkbook(bytes.NewReader(buildWorkbook(t, tc.sheets...)), testOptions())
			if c != nil || !errors.Is(err, ErrLayout) {
				t.Fatalf("Import = %v, %v; want no catalogue and ErrLayout", c != nil, err)
			}
			var be *bukti.Error
			if !errors.As(err, &be) || be.Code != bukti.EINVALID {
				t.Fatalf("error %v does not carry a *bukti.Error with code invalid", err)
			}
			wantEN, wantID := "not the self-assessment layout: "+tc.en, "Bukan format penilaian mandiri: "+tc.id
			if be.Text("en") != wantEN {
				t.Errorf("English\n got %s\nwant %s", be.Text("en"), wantEN)
			}
			if be.Text("id") != wantID {
				t.Errorf("Bahasa Indonesia\n got %s\nwant %s", be.Text("id"), wantID)
			}
			if id, en := bukti.ErrorMessage(err); id != wantID || en != wantEN {
				t.Errorf("bukti.ErrorMessage = %q, %q", id, en)
			}
			if want := "catalogue import: " + wantEN + " — " + wantID; err.Error() != want {
				t.Errorf("Error()\n got %s\nwant %s", err, want)
			}
		})
	}
}

// TestHeaderlessRowsAboveData: a row above the first data row of a
// headerless sheet that holds an EP or items is listed, not dropped
// silently; a title is ignored.
func TestHeaderlessRowsAboveData(t *testing.T) {
	data := buildWorkbook(t, sheetSpec{name: "Sheet1", rows: [][]any{
		{"INSTRUMEN BAB II"},
		{"II", "2.1", "2.1.9", "satu", "EP tanpa nomor (R)", "1. SK"},
		{"II", "2.1", "2.1.1", 1, "EP (R)", "1. SK"},
	}})
	_, rep, err := ImportWorkbook(bytes.NewReader(data), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	checkProblemsExact(t, "skipped", rep.Skipped, []ImportProblem{{"Sheet1", 2,
		"above the first data row (row 3) of a sheet without a header, and not itself in the column order Bab, Standar, Kriteria, No EP …: fill its Bab, Standar, Kriteria and No EP cells"}})
}

// TestSplitItemsOffice: list cells as offices write them.
func TestSplitItemsOffice(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []item // num is not compared
	}{
		{"SpaceBeforeDot", "1 . SK a\n2 . SOP b", []item{{text: "SK a"}, {text: "SOP b"}}},
		{"SpaceBeforeParen", "1 ) SK a\n2 ) SOP b", []item{{text: "SK a"}, {text: "SOP b"}}},
		{"SpaceBeforeDotInline", "1 . SK a 2 . SOP b", []item{{text: "SK a"}, {text: "SOP b"}}},
		{"ParenGoesOnAfterDot", "1. SK a\n2) SOP b\n3. KAK c", []item{{text: "SK a"}, {text: "SOP b"}, {text: "KAK c"}}},
		{"ParenSubListStays", "1. Bukti:\n1) a\n2) b\n2. Laporan", []item{{text: "Bukti: 1) a 2) b"}, {text: "Laporan"}}},
		{"MisalInline", "1. Bukti kegiatan. Misal: rapat\n2. Laporan", []item{{text: "Bukti kegiatan.", note: "Misal: rapat"}, {text: "Laporan"}}},
		{"MisalOwnLine", "1. Bukti kegiatan\nmisalnya rapat, lokakarya\n2. Laporan", []item{{text: "Bukti kegiatan", note: "misalnya rapat, lokakarya"}, {text: "Laporan"}}},
		{"MisalInParens", "1. Bukti kegiatan (misal rapat, lokakarya)\n2. Laporan", []item{{text: "Bukti kegiatan", note: "misal rapat, lokakarya"}, {text: "Laporan"}}},
		{"MisalItem", "1. Bukti kegiatan\n2. Misal: rapat\n3. Laporan", []item{{text: "Bukti kegiatan", note: "Misal: rapat"}, {text: "Laporan"}}},
		{"MinimalMelampirkan", "1. Bukti pertemuan minimal melampirkan daftar hadir dan notulen", []item{{text: "Bukti pertemuan", note: "minimal melampirkan daftar hadir dan notulen"}}},
		{"ExamplesSubList", "1. Bukti pertemuan, minimal melampirkan:\na. daftar hadir\nb. notulen\n2. Laporan",
			[]item{{text: "Bukti pertemuan", note: "minimal melampirkan: a. daftar hadir b. notulen"}, {text: "Laporan"}}},
		{"ExamplesSameKind", "Bukti pemantauan, misal:\n1. daftar tilik\n2. laporan", []item{{text: "Bukti pemantauan", note: "misal: 1. daftar tilik 2. laporan", examples: 2}}},
		{"ExamplesThenCatatan", "1. Bukti, misal:\n2. rapat\nCatatan: tiap bulan\n3. Laporan",
			[]item{{text: "Bukti", note: "misal: 2. rapat tiap bulan", examples: 1}, {text: "Laporan"}}},
		{"MisalInCatatanStays", "1. Bukti\nCatatan: misal rapat", []item{{text: "Bukti", note: "misal rapat"}}},
		{"HeadingThenMisal", "1. Bukti pelaksanaan:\n2. RPK\n3. Foto. Misal: rapat", []item{{text: "RPK", group: "Bukti pelaksanaan"}, {text: "Foto.", group: "Bukti pelaksanaan", note: "Misal: rapat"}}},
		{"ContohIsEvidence", "1. Contoh surat undangan", []item{{text: "Contoh surat undangan"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := splitItems(tc.in, true)
			for i := range got {
				got[i].num = 0
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("splitItems(%q) =\n %+v\nwant\n %+v", tc.in, got, tc.want)
			}
		})
	}
}

// TestInterviewsOffice: W cells as offices write them; every realistic one
// names its roles.
func TestInterviewsOffice(t *testing.T) {
	type w struct {
		who   []string
		topic string
	}
	tests := []struct {
		name     string
		in       string
		want     []w
		warnings []string
	}{
		{"BlankLine", "Kepala Puskesmas, Pj UKM\n\nPenggalian informasi isi RUK", []w{{headOfficeUKM, "Penggalian informasi isi RUK"}}, nil},
		{"BlankLineOtherTopic", "Kepala Puskesmas\n\nketerlibatan masyarakat", []w{{[]string{"Kepala Puskesmas"}, "keterlibatan masyarakat"}}, nil},
		{"DirectlyPenggalian", "Kepala Puskesmas dan Pj UKM Penggalian informasi isi RUK", []w{{headOfficeUKM, "Penggalian informasi isi RUK"}}, nil},
		{"PenggalianThenColon", "Kepala Puskesmas Penggalian informasi terkait: RUK dan RPK", []w{{[]string{"Kepala Puskesmas"}, "Penggalian informasi terkait: RUK dan RPK"}}, nil},
		{"RolesOnePerLine", "Kepala Puskesmas\nPj UKM\nPelaksana\nPenggalian informasi isi RUK",
			[]w{{[]string{"Kepala Puskesmas", "Penanggung jawab UKM", "Pelaksana"}, "Penggalian informasi isi RUK"}}, nil},
		{"RoleBrokenOverLines", "Kepala Puskesmas, Koordinator\npelayanan UKM: isi RUK", []w{{[]string{"Kepala Puskesmas", "Koordinator pelayanan UKM"}, "isi RUK"}}, nil},
		{"SharedTailAmpersand", "Koordinator & Pelaksana pelayanan UKM: isi RUK", []w{{[]string{"Koordinator pelayanan UKM", "Pelaksana pelayanan UKM"}, "isi RUK"}}, nil},
		{"SharedTailChain", "Ketua, sekretaris dan anggota tim mutu: tugas", []w{{[]string{"Ketua tim mutu", "Sekretaris tim mutu", "Anggota tim mutu"}, "tugas"}}, nil},
		{"SharedTailPj", "Pj dan pelaksana program gizi: isi RUK", []w{{[]string{"Penanggung jawab program gizi", "Pelaksana program gizi"}, "isi RUK"}}, nil},
		{"NoTailBeforeProfession", "Koordinator, bidan desa: kunjungan", []w{{[]string{"Koordinator", "Bidan desa"}, "kunjungan"}}, nil},
		{"NoTailForMasyarakat", "Masyarakat dan kader posyandu: kegiatan", []w{{[]string{"Masyarakat", "Kader posyandu"}, "kegiatan"}}, nil},
		{"RolesOverNumberedTopics", "Kepala Puskesmas dan Pj UKM\n1. Penggalian informasi RUK\n2. Penggalian informasi RPK",
			[]w{{headOfficeUKM, "Penggalian informasi RUK"}, {headOfficeUKM, "Penggalian informasi RPK"}}, nil},
		{"NumberedRolesThenTopic", "1. Kepala Puskesmas\n2. Pj UKM Penggalian informasi RUK", []w{{headOfficeUKM, "Penggalian informasi RUK"}}, nil},
		{"SentenceNamesNobody", "Petugas menjelaskan\n\nuraian tugasnya", []w{{[]string{unnamedRole}, "Petugas menjelaskan uraian tugasnya"}},
			[]string{`W1 names nobody (no "roles: topic"); interviewee set to "Petugas terkait": write the roles before the topic, e.g. "Kepala Puskesmas, Pj UKM: Penggalian informasi …"`}},
		{"TopicOnlyNamesNobody", "Penggalian informasi isi RUK", []w{{[]string{unnamedRole}, "Penggalian informasi isi RUK"}},
			[]string{`W1 names nobody (no "roles: topic"); interviewee set to "Petugas terkait": write the roles before the topic, e.g. "Kepala Puskesmas, Pj UKM: Penggalian informasi …"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			items, _ := splitItems(tc.in, false)
			reqs, warnings := interviewRequirements(items, "")
			var got []w
			for _, r := range reqs {
				got = append(got, w{r.Interviewees, r.Topic})
			}
			if !reflect.DeepEqual(got, tc.want) || !slices.Equal(warnings, tc.warnings) {
				t.Errorf("W cell %q\n got %q %q\nwant %q %q", tc.in, got, warnings, tc.want, tc.warnings)
			}
		})
	}
}

// TestParseCommaIDs: ids typed with a decimal comma.
func TestParseCommaIDs(t *testing.T) {
	tests := []struct {
		in    string
		parts int
		id    string
		title string
	}{
		{"2,1", 2, "2.1", ""}, {"5,3,6", 3, "5.3.6", ""}, {"Standar 2,1 Perencanaan", 2, "2.1", "Perencanaan"},
		{"2,1,2 Pemberdayaan Masyarakat, Desa", 3, "2.1.2", "Pemberdayaan Masyarakat, Desa"}, {"2.1,2", 3, "2.1.2", ""},
	}
	for _, tc := range tests {
		id, title, err := parseNumbered("x", tc.in, tc.parts)
		if err != nil || id != tc.id || title != tc.title {
			t.Errorf("parseNumbered(%q, %d) = %q %q %v, want %q %q", tc.in, tc.parts, id, title, err, tc.id, tc.title)
		}
	}
	for _, in := range []string{"1 .", "1 )", "(1 )"} {
		if got, err := parseEPNumber(in); err != nil || got != "a" {
			t.Errorf("parseEPNumber(%q) = %q %v, want a", in, got, err)
		}
	}
}
