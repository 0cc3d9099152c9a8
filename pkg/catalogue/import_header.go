package catalogue

import (
	"strconv"
	"strings"
	"unicode"
)

// headerScanRows is how many rows from the top are searched for the header.
const headerScanRows = 10

// column is what a spreadsheet column holds.
type column int

const (
	colBab column = iota
	colStandar
	colKriteria
	colEPNumber
	colEPText
	colR
	colD
	colO
	colW
	colS
	numColumns
)

// columnNames are the names used in error messages, as the header says them.
var columnNames = [numColumns]string{"Bab", "Standar", "Kriteria", "No EP", "Elemen Penilaian", "R", "D", "O", "W", "S"}

// methodColumns maps the method columns to their methods, in catalogue order.
var methodColumns = []struct {
	col    column
	method Method
}{
	{colR, Regulasi}, {colD, Dokumen}, {colO, Observasi},
	{colW, Wawancara}, {colS, Simulasi},
}

// layout is where each column is: the 0-based index in the row, or -1.
type layout struct {
	at       [numColumns]int
	firstRow int // 0-based index of the first row after the header
	// headerless: no header row; the columns are in the fixed order and
	// the data starts at firstRow.
	headerless bool
}

// classify tells which column a header cell names, tolerantly: case,
// punctuation and spacing are ignored ("No. EP", "NO EP", "R (Regulasi)").
func classify(cell string) (column, bool) {
	words := strings.FieldsFunc(strings.ToLower(oneLine(cell)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) == 0 {
		return 0, false
	}
	norm := strings.Join(words, " ")
	// A leading "no"/"nomor" only marks a number column.
	bare := norm
	for _, p := range []string{"no ", "nomor ", "nomer "} {
		bare = strings.TrimPrefix(bare, p)
	}
	switch bare {
	case "bab":
		return colBab, true
	case "standar", "standard":
		return colStandar, true
	case "kriteria":
		return colKriteria, true
	case "ep", "urut ep", "ep no":
		return colEPNumber, true
	}
	if strings.Contains(norm, "elemen penilaian") || norm == "uraian ep" || norm == "uraian" {
		if bare != norm { // "No Elemen Penilaian"
			return colEPNumber, true
		}
		return colEPText, true
	}
	for _, mc := range methodColumns {
		letter := strings.ToLower(string(mc.method))
		name := methodNames[mc.method]
		if words[0] == letter && (len(words) == 1 || strings.Join(words[1:], " ") == name) || norm == name {
			return mc.col, true
		}
	}
	return 0, false
}

var methodNames = map[Method]string{
	Regulasi: "regulasi", Dokumen: "dokumen", Observasi: "observasi",
	Wawancara: "wawancara", Simulasi: "simulasi",
}

// headerMiss is what findHeader saw when no row is the header: the row
// closest to one (0-based, -1 if no cell names a column) and the columns it
// lacks.
type headerMiss struct {
	best    int
	missing []string
}

// findHeader searches the first rows for the header. Without one it says
// which row came closest.
func findHeader(rows [][]string) (layout, *headerMiss) {
	best, bestMissing := -1, []string(nil)
	consider := func(i int, l layout) {
		missing := l.missing()
		if len(missing) < int(numColumns) && (best < 0 || len(missing) < len(bestMissing)) {
			best, bestMissing = i, missing
		}
	}
	for i := 0; i < len(rows) && i < headerScanRows; i++ {
		l := newLayout()
		mark(&l, rows[i])
		l.firstRow = i + 1
		if l.hasIdentity() && !l.hasMethod() && i+1 < len(rows) {
			// The method columns may sit under a merged group heading.
			below := l
			mark(&below, rows[i+1])
			if below.hasMethod() {
				l = below
				l.firstRow = i + 2
			}
		}
		if l.hasIdentity() && l.hasMethod() {
			return l, nil
		}
		consider(i, l)
	}
	return layout{}, &headerMiss{best: best, missing: bestMissing}
}

func newLayout() layout {
	var l layout
	for i := range l.at {
		l.at[i] = -1
	}
	return l
}

// mark records the columns a row names; the first cell naming a column wins.
func mark(l *layout, row []string) {
	for j, cell := range row {
		if c, ok := classify(cell); ok && l.at[c] < 0 {
			l.at[c] = j
		}
	}
}

func (l layout) hasIdentity() bool {
	for c := colBab; c <= colEPText; c++ {
		if l.at[c] < 0 {
			return false
		}
	}
	return true
}

func (l layout) hasMethod() bool {
	for _, mc := range methodColumns {
		if l.at[mc.col] >= 0 {
			return true
		}
	}
	return false
}

func (l layout) missing() []string {
	var out []string
	for c, at := range l.at {
		if at < 0 {
			out = append(out, columnNames[c])
		}
	}
	return out
}

// cell returns the text of column c in row, "" when absent.
func (l layout) cell(row []string, c column) string {
	if j := l.at[c]; j >= 0 && j < len(row) {
		return row[j]
	}
	return ""
}

// isColumnNumbering reports whether a row only numbers the columns
// (1, 2, 3 … under the header, as printed forms do).
func isColumnNumbering(row []string) bool {
	want := 1
	for _, cell := range row {
		s := oneLine(cell)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(strings.Trim(s, "()"))
		if err != nil || n != want {
			return false
		}
		want++
	}
	return want > 3
}
