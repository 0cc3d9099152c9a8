package catalogue

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// findLayout finds the layout of a sheet: its header row, or else data rows
// without a header in the fixed column order (headerless). Without either
// it says, in both languages, what was expected and what was found.
func findLayout(rows [][]string, sheetName string) (layout, *layoutMiss) {
	l, hm := findHeader(rows)
	if hm == nil {
		return l, nil
	}
	l, dm, ok := findHeaderless(rows, sheetName)
	if ok {
		return l, nil
	}
	return layout{}, newLayoutMiss(rows, hm, dm)
}

// headerlessEPRe is an EP number as a headerless sheet writes it: "1",
// "1.", "1)", "(1)", "1.0", or a letter "a".
var headerlessEPRe = regexp.MustCompile(`(?i)^\(?(?:\d{1,2}(?:\.0+)?|[a-z])\s?[.)]?$`)

// dataMiss describes the row that came closest to a headerless data row:
// the columns that fit and the first that does not.
type dataMiss struct {
	row      int      // 0-based
	fits     []string // column names that read right
	col      string   // letter of the column that does not
	value    string
	wantEN   string
	wantID   string
	passedAt int // how many of the checks passed, to keep the closest row
}

// findHeaderless recognises a sheet without a header from the shape of its
// cells: a row with a Bab (I to V, 1 to 5; or blank on a sheet named after
// its Bab) in column A, a standar (2.1, 2,1) in B, a kriteria of that
// standar (2.1.2, 2,1,2) in C, an EP number (1, or a) in D and some text in
// E to J. The data starts at the first such row in the first rows of the
// sheet (rows above it are titles). A row that names three or more columns
// of the layout is the header of another table: then the sheet has no
// headerless data either.
func findHeaderless(rows [][]string, sheetName string) (layout, *dataMiss, bool) {
	_, _, err := parseBab(sheetName)
	sheetBab := err == nil
	var best *dataMiss
	for i := 0; i < len(rows) && i < headerScanRows; i++ {
		if namedColumns(rows[i]) >= 3 {
			// The header of another table (a recap of scores, say): its
			// rows are not the self-assessment without a header.
			return layout{}, nil, false
		}
		m := dataShape(rows[i], sheetBab)
		if m == nil {
			l := fixedLayout()
			l.firstRow = i
			return l, nil, true
		}
		if m.passedAt >= 2 && (best == nil || m.passedAt > best.passedAt) {
			m.row = i
			best = m
		}
	}
	return layout{}, best, false
}

// namedColumns counts the cells of a row that name a column of the layout.
func namedColumns(row []string) int {
	l := newLayout()
	mark(&l, row)
	return int(numColumns) - len(l.missing())
}

// fixedLayout is the column order of a sheet without a header.
func fixedLayout() layout {
	l := layout{headerless: true}
	for c := range l.at {
		l.at[c] = c
	}
	return l
}

// dataShape checks a row against the shape of a headerless data row. It
// returns nil when the row fits, else what does not.
func dataShape(row []string, sheetBab bool) *dataMiss {
	cell := func(j int) string {
		if j < len(row) {
			return oneLine(row[j])
		}
		return ""
	}
	m := &dataMiss{}
	fail := func(j int, en, id string) *dataMiss {
		m.col, m.value, m.wantEN, m.wantID = string(rune('A'+j)), cell(j), en, id
		return m
	}
	pass := func(c column) {
		m.passedAt++
		m.fits = append(m.fits, columnNames[c])
	}
	if a := cell(0); a != "" || !sheetBab {
		if _, _, err := parseBab(a); err != nil {
			return fail(0, "a Bab (I to V, or 1 to 5)", "Bab (I sampai V, atau 1 sampai 5)")
		}
	}
	pass(colBab)
	standar, _, err := parseNumbered("standar", cell(1), 2)
	if err != nil {
		return fail(1, "a standar number like 2.1", "nomor standar seperti 2.1")
	}
	pass(colStandar)
	kriteria, _, err := parseNumbered("kriteria", cell(2), 3)
	if err != nil || !belongs(kriteria, standar) {
		return fail(2, "a kriteria number of that standar, like 2.1.2", "nomor kriteria dari standar itu, seperti 2.1.2")
	}
	pass(colKriteria)
	if !headerlessEPRe.MatchString(cell(3)) {
		return fail(3, "an EP number (1, 2, 3 …)", "nomor EP (1, 2, 3 …)")
	}
	pass(colEPNumber)
	for j := int(colEPText); j < int(numColumns); j++ {
		if cell(j) != "" {
			return nil
		}
	}
	m.col, m.value = "E–J", ""
	m.wantEN, m.wantID = "the EP text and its R, D, O, W, S items", "teks EP dan butir R, D, O, W, S-nya"
	return m
}

// layoutMiss says, in Bahasa Indonesia and English, why a sheet is not in
// the layout. Its Error is the English text, used in ImportReport.Skipped.
type layoutMiss struct{ en, id string }

func (m *layoutMiss) Error() string { return m.en }

// The expected layout, in both languages.
const (
	expectedHeaderlessEN = "or rows without a header in that order from row 1, such as 2 | 2.1 | 2.1.2 | 1 | <EP text> | <R> | <D> | <O> | <W> | <S>"
	expectedHeaderlessID = "atau baris tanpa judul kolom dengan urutan itu mulai baris 1, seperti 2 | 2.1 | 2.1.2 | 1 | <teks EP> | <R> | <D> | <O> | <W> | <S>"
)

func newLayoutMiss(rows [][]string, hm *headerMiss, dm *dataMiss) *layoutMiss {
	want := expectedColumns()
	en := fmt.Sprintf("no header row in the first %d rows: expected the columns %s", headerScanRows, want)
	id := fmt.Sprintf("tidak ada baris judul kolom di %d baris pertama: diharapkan kolom %s", headerScanRows, want)
	if hm.best >= 0 {
		lacks := strings.Join(hm.missing, ", ")
		en += fmt.Sprintf(" (row %d comes closest but lacks %s)", hm.best+1, lacks)
		id += fmt.Sprintf(" (baris %d paling mendekati tetapi tidak memuat %s)", hm.best+1, lacks)
	}
	en += ", " + expectedHeaderlessEN
	id += ", " + expectedHeaderlessID
	switch {
	case dm != nil && dm.value == "":
		fits := strings.Join(dm.fits, ", ")
		en += fmt.Sprintf("; found row %d, which reads as data in %s, but column %s is empty: expected %s", dm.row+1, fits, dm.col, dm.wantEN)
		id += fmt.Sprintf("; ditemukan baris %d, yang terbaca sebagai data pada %s, tetapi kolom %s kosong: diharapkan %s", dm.row+1, fits, dm.col, dm.wantID)
	case dm != nil:
		fits := strings.Join(dm.fits, ", ")
		en += fmt.Sprintf("; found row %d, which reads as data in %s, but column %s %q is not %s", dm.row+1, fits, dm.col, dm.value, dm.wantEN)
		id += fmt.Sprintf("; ditemukan baris %d, yang terbaca sebagai data pada %s, tetapi kolom %s %q bukan %s", dm.row+1, fits, dm.col, dm.value, dm.wantID)
	default:
		if found := firstRows(rows, 2); found != nil {
			en += "; found " + strings.Join(found, "; ")
			id += "; ditemukan " + strings.ReplaceAll(strings.Join(found, "; "), "row ", "baris ")
		}
	}
	return &layoutMiss{en: en, id: id}
}

// firstRows quotes the first n rows that have a cell, in the first rows of
// a sheet: `row 2: "Nama" | "NIP"`.
func firstRows(rows [][]string, n int) []string {
	const maxCells = 6
	var out []string
	for i := 0; i < len(rows) && i < headerScanRows && len(out) < n; i++ {
		var cells []string
		for _, c := range rows[i] {
			if c = oneLine(c); c != "" && len(cells) < maxCells {
				cells = append(cells, fmt.Sprintf("%q", shortCell(c)))
			}
		}
		if len(cells) > 0 {
			out = append(out, fmt.Sprintf("row %d: %s", i+1, strings.Join(cells, " | ")))
		}
	}
	return out
}

func shortCell(s string) string {
	const max = 30
	if r := []rune(s); len(r) > max {
		return strings.TrimSpace(string(r[:max])) + "…"
	}
	return s
}

// refusal is the error of a workbook the import refuses. Error is the
// English text (for logs and callers); it wraps the kind (ErrLayout,
// ErrNotWorkbook, …) and a *bukti.Error whose Message (Bahasa Indonesia) and
// MessageEN say what was expected and what was found, which
// bukti.ErrorMessage gives.
type refusal struct {
	text string
	kind error
	msg  *bukti.Error
}

func (e *refusal) Error() string { return e.text }

func (e *refusal) Unwrap() []error { return []error{e.kind, e.msg} }

// refuse builds a refusal of kind with the code invalid.
func refuse(kind error, text, id, en string) error {
	return &refusal{text: text, kind: kind, msg: &bukti.Error{Code: bukti.EINVALID, Message: id, MessageEN: en}}
}

// expectedColumns names the layout's columns for a message.
func expectedColumns() string { return strings.Join(columnNames[:], ", ") }

// newLayoutError names every sheet and why it is not in the layout.
func newLayoutError(sheets []sheet) error {
	var enParts, idParts []string
	for _, s := range sheets {
		enParts = append(enParts, fmt.Sprintf("sheet %q: %s", s.label, s.layoutErr.en))
		idParts = append(idParts, fmt.Sprintf("lembar %q: %s", s.label, s.layoutErr.id))
	}
	id := "Bukan format penilaian mandiri: " + strings.Join(idParts, "; ")
	enMsg := ErrLayout.Error() + ": " + strings.Join(enParts, "; ")
	return refuse(ErrLayout, "catalogue import: "+enMsg+" — "+id, id, enMsg)
}
