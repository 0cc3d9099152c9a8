package catalogue

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

const (
	// maxCellChars is Excel's limit on the text of one cell; a longer cell
	// was not written by Excel and is not trusted.
	maxCellChars = 32767
	// maxItems bounds the items of one cell; real cells list a handful.
	maxItems = 100
)

// epRow is one EP read from a row, with the place it belongs to.
type epRow struct {
	row                     int
	bab, babTitle           string
	standar, standarTitle   string
	kriteria, kriteriaTitle string
	el                      Element
}

// sheetReader reads the data rows of one sheet, carrying the bab, standar
// and kriteria cells down to rows that leave them blank.
type sheetReader struct {
	l        layout
	sheetBab string // the sheet name, used as bab when the column is blank
	// isNumber reports whether the cell at 0-based column and 1-based row
	// is stored as a number (Excel drops the trailing zero of 3.10).
	isNumber func(col, row int) bool

	bab, standar, kriteria string // last non-blank cells
	standarNumeric         bool
}

// read reads one row (1-based rowNum). It returns the EP, or a reason to
// skip the row, or neither for rows that hold no EP (blank rows, column
// numbers, heading rows that only set bab/standar/kriteria). Warnings are
// returned with an EP.
func (s *sheetReader) read(rowNum int, row []string) (ep *epRow, skip string, warnings []string) {
	if isColumnNumbering(row) {
		return nil, "", nil
	}
	// Carried down even when the row is skipped: the rows below it belong
	// to what it names.
	s.inherit(rowNum, row)
	for c, j := range s.l.at {
		if j >= 0 && j < len(row) {
			if n := utf8.RuneCountInString(row[j]); n > maxCellChars {
				name, _ := excelize.CoordinatesToCellName(j+1, rowNum)
				return nil, fmt.Sprintf("cell %s (%s) has %d characters, more than Excel's limit of %d: shorten it or split the EP over rows", name, columnNames[c], n, maxCellChars), nil
			}
		}
	}
	cells := s.cells(row)
	number, text := cells[colEPNumber], cells[colEPText]
	hasEP := !isBlank(number) || !isBlank(text)
	hasItems := false
	for _, mc := range methodColumns {
		if !isNone(cells[mc.col]) {
			hasItems = true
		}
	}
	if !hasEP && !hasItems {
		return nil, "", nil // blank, or a heading row
	}

	ep = &epRow{row: rowNum}
	if reason := s.place(ep); reason != "" {
		return nil, reason, nil
	}
	warnings = s.repairEPText(rowNum, &cells)
	if reason := readElement(&ep.el, cells[colEPNumber], cells[colEPText]); reason != "" {
		return nil, reason, nil
	}
	reason, ws := s.readEvidence(&ep.el, rowNum, cells)
	warnings = append(warnings, ws...)
	if reason != "" {
		return nil, reason, nil
	}
	return ep, "", warnings
}

// cells returns the text of each column of row.
func (s *sheetReader) cells(row []string) (out [numColumns]string) {
	for c := range out {
		out[c] = s.l.cell(row, column(c))
	}
	return out
}

// ref names the cell of column c on a row, as Excel does ("F12").
func (s *sheetReader) ref(c column, rowNum int) string {
	name, err := excelize.CoordinatesToCellName(s.l.at[c]+1, rowNum)
	if err != nil {
		return columnNames[c]
	}
	return name
}

// inherit records the bab, standar and kriteria cells of a row; a new bab
// clears the standar and kriteria carried down, a new standar the kriteria.
func (s *sheetReader) inherit(rowNum int, row []string) {
	if v := s.l.cell(row, colBab); !isBlank(v) {
		s.bab, s.standar, s.kriteria = v, "", ""
	}
	if v := s.l.cell(row, colStandar); !isBlank(v) {
		s.standar, s.kriteria = v, ""
		s.standarNumeric = s.isNumber != nil && s.isNumber(s.l.at[colStandar], rowNum)
	}
	if v := s.l.cell(row, colKriteria); !isBlank(v) {
		s.kriteria = v
	}
}

// place resolves the bab, standar and kriteria of a row and checks that
// they nest.
func (s *sheetReader) place(ep *epRow) string {
	raw := s.bab
	if raw == "" {
		raw = s.sheetBab
	}
	if raw == "" {
		return "no Bab: fill the Bab column (I to V) or name the sheet after its Bab (\"Bab I\")"
	}
	var err error
	if ep.bab, ep.babTitle, err = parseBab(raw); err != nil {
		return err.Error()
	}
	if s.standar == "" {
		return "no standar: fill the Standar column (e.g. 2.1) on this row or the one above"
	}
	if ep.standar, ep.standarTitle, err = parseNumbered("standar", s.standar, 2); err != nil {
		return err.Error()
	}
	if s.kriteria == "" {
		return "no kriteria: fill the Kriteria column (e.g. 2.1.2) on this row or the one above"
	}
	if ep.kriteria, ep.kriteriaTitle, err = parseNumbered("kriteria", s.kriteria, 3); err != nil {
		return err.Error()
	}
	if !belongs(ep.kriteria, ep.standar) {
		// A standar typed as the number 3.10 is stored as 3.1.
		parent := ep.kriteria[:strings.LastIndex(ep.kriteria, ".")]
		if !s.standarNumeric || !strings.HasPrefix(parent, ep.standar) || strings.Trim(parent[len(ep.standar):], "0") != "" {
			return fmt.Sprintf("kriteria %s does not belong to standar %s: fix the Standar or Kriteria cell", ep.kriteria, ep.standar)
		}
		ep.standar = parent
	}
	if n := babNumber(ep.bab); !strings.HasPrefix(ep.standar, fmt.Sprint(n)+".") {
		return fmt.Sprintf("standar %s is not in Bab %s (its number must start with %d.): fix the Bab or Standar cell", ep.standar, ep.bab, n)
	}
	return ""
}

// readElement reads the EP letter and text; the methods written in the
// text are kept in el.Methods for readEvidence.
func readElement(el *Element, number, text string) string {
	t := oneLine(text)
	marked := ""
	if m := epMarkerRe.FindStringSubmatch(t); m != nil {
		marked, t = m[1], t[len(m[0]):]
	}
	switch {
	case !isBlank(number):
		letter, err := parseEPNumber(number)
		if err != nil {
			return err.Error()
		}
		el.Letter = letter
	case marked != "":
		letter, err := parseEPNumber(marked)
		if err != nil {
			return err.Error()
		}
		el.Letter = letter
	default:
		return "no EP number: fill the No EP column (1, 2, 3 …)"
	}
	el.Text, el.Methods = splitMethods(t)
	if el.Text == "" {
		return "no EP text: fill the Elemen Penilaian column"
	}
	return ""
}

// readEvidence turns the R, D, O, W, S cells into requirements and settles
// the EP's methods. Warnings about a cell name it ("cell I7 (W): …").
func (s *sheetReader) readEvidence(el *Element, rowNum int, cells [numColumns]string) (skip string, warnings []string) {
	var withItems []Method
	for _, mc := range methodColumns {
		cell := cells[mc.col]
		if isNone(cell) {
			continue
		}
		at := fmt.Sprintf("cell %s (%s)", s.ref(mc.col, rowNum), mc.method)
		c := readCell(cell, mc.method != Wawancara)
		if len(c.items) > maxItems {
			return fmt.Sprintf("%s has %d items, more than %d: check that it holds one EP's list", at, len(c.items), maxItems), nil
		}
		if c.orphan != "" {
			warnings = append(warnings, fmt.Sprintf("%s has a Catatan but no item; the note %q is not kept", at, c.orphan))
		}
		var reqs []Requirement
		var ws []string
		if mc.method == Wawancara {
			reqs, ws = interviewRequirements(c.items, c.numbering)
		} else {
			reqs, ws = listRequirements(mc.method, c.items, c.numbering)
		}
		for _, w := range ws {
			warnings = append(warnings, at+": "+w)
		}
		if len(reqs) > 0 {
			withItems = append(withItems, mc.method)
			el.Requirements = append(el.Requirements, reqs...)
		}
	}
	if len(el.Requirements) == 0 {
		return "no R, D, O, W or S items: an EP needs at least one piece of evidence", warnings
	}
	var added []Method
	el.Methods, added = mergeMethods(el.Methods, withItems)
	if len(added) > 0 {
		warnings = append(warnings, fmt.Sprintf("the EP text does not list %s, which has items; added to the EP's methods", methodLetters(added)))
	}
	return "", warnings
}

// isNone reports whether a method cell lists nothing: blank or a dash.
func isNone(cell string) bool {
	return strings.Trim(oneLine(cell), "-–— ") == ""
}

func methodLetters(ms []Method) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = string(m)
	}
	return strings.Join(parts, ", ")
}
