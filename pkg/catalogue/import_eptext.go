package catalogue

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// epInNumberRe matches an EP number cell that holds the EP text too:
// "1. Terdapat …", "2 Terdapat …".
var epInNumberRe = regexp.MustCompile(`^\(?(\d{1,2}|[a-zA-Z])\s?[.)]?\s+(\S.*)$`)

// epCandidate is a method cell that begins with an EP text.
type epCandidate struct {
	col      column
	ep, rest string
}

// repairEPText puts back an EP text written in the wrong column, when it is
// unambiguous:
//
//   - the No EP cell holds "1. Terdapat …" and the Elemen Penilaian cell is
//     empty: split; No EP and Elemen Penilaian swapped: swap back;
//   - a method cell is a copy of the Elemen Penilaian cell, or begins with
//     one (then its list): the copy is dropped;
//   - the Elemen Penilaian cell is empty and a method cell begins with an EP
//     text (a text ending with its methods, "… (R, D, W)"): it is moved.
//
// Anything else is left as it is and warned about: a method cell that
// begins with another EP text than the Elemen Penilaian cell's, or several
// method cells with different EP texts when the Elemen Penilaian cell is
// empty (the first is taken).
func (s *sheetReader) repairEPText(rowNum int, cells *[numColumns]string) (warnings []string) {
	number, text := cells[colEPNumber], cells[colEPText]
	if _, err := parseEPNumber(number); err != nil && !isBlank(number) {
		switch _, textErr := parseEPNumber(text); {
		case isBlank(text):
			if m := epInNumberRe.FindStringSubmatch(oneLine(number)); m != nil {
				cells[colEPNumber], cells[colEPText] = m[1], m[2]
			}
		case textErr == nil:
			cells[colEPNumber], cells[colEPText] = text, number
		}
	}
	text = cells[colEPText]
	textBlank := isBlank(text)

	var found []epCandidate
	for _, mc := range methodColumns {
		cell := cells[mc.col]
		if isNone(cell) {
			continue
		}
		if !textBlank && sameEP(cell, text) {
			cells[mc.col] = "" // a copy of the EP text
			continue
		}
		ep, rest, ok := leadingEPText(cell)
		if !ok {
			continue
		}
		if !textBlank && sameEP(ep, text) {
			cells[mc.col] = rest // a copy of the EP text above the list
			continue
		}
		found = append(found, epCandidate{col: mc.col, ep: ep, rest: rest})
	}
	if len(found) == 0 {
		return nil
	}
	if textBlank {
		first := found[0]
		cells[colEPText], cells[first.col] = first.ep, first.rest
		for _, f := range found[1:] {
			if sameEP(f.ep, first.ep) {
				cells[f.col] = f.rest
				continue
			}
			warnings = append(warnings, fmt.Sprintf("the Elemen Penilaian cell %s is empty and cells %s (%s) and %s (%s) begin with different EP texts: took %q from %s and imported %s as %s items; check which column each belongs in",
				s.ref(colEPText, rowNum), s.ref(first.col, rowNum), columnNames[first.col], s.ref(f.col, rowNum), columnNames[f.col],
				shorten(first.ep), s.ref(first.col, rowNum), s.ref(f.col, rowNum), columnNames[f.col]))
		}
		return warnings
	}
	for _, f := range found {
		warnings = append(warnings, fmt.Sprintf("cell %s (%s) begins with an EP text (%q) that differs from the Elemen Penilaian cell %s; imported as %s items: check which column it belongs in",
			s.ref(f.col, rowNum), columnNames[f.col], shorten(f.ep), s.ref(colEPText, rowNum), columnNames[f.col]))
	}
	return warnings
}

// leadingEPText splits an EP text off the start of a method cell: the lines
// up to the first one that ends with the methods of an EP ("… (R, D, W)"),
// before any list starts. rest is what follows, line breaks kept.
func leadingEPText(cell string) (ep, rest string, ok bool) {
	ls := lines(cell)
	var acc []string
	for i, l := range ls {
		if l == "" {
			continue
		}
		if len(acc) > 0 {
			if _, _, _, marked := readMarker(l); marked {
				return "", "", false // a list started first
			}
		}
		acc = append(acc, l)
		if methodsRe.MatchString(joinLines(acc)) {
			return joinLines(acc), strings.Join(ls[i+1:], "\n"), true
		}
	}
	return "", "", false
}

// sameEP reports whether two texts are the same EP text, ignoring its
// number, its methods, case, spacing and punctuation.
func sameEP(a, b string) bool {
	na, nb := epWords(a), epWords(b)
	return na != "" && na == nb
}

func epWords(s string) string {
	t := oneLine(s)
	if m := epMarkerRe.FindStringSubmatch(t); m != nil {
		t = t[len(m[0]):]
	}
	t, _ = splitMethods(t)
	words := strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(words, " ")
}

// shorten cuts a text quoted in a problem to a readable length.
func shorten(s string) string {
	const max = 60
	s = oneLine(s)
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max])) + "…"
}
