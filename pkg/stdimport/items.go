package stdimport

import (
	"regexp"
	"strconv"
	"strings"
)

// item is one entry of a list cell.
type item struct {
	text  string // the entry on one line, list marker removed
	note  string // its "Catatan"
	group string // the heading it is listed under
	num   int    // its number when marked "1." etc., else 0
}

// marker is the kind of list marker: digit or letter, with its punctuation,
// or a bullet. Items of one list share a kind; a marker of another kind
// inside an item is a sub-list and stays in the item's text.
type marker struct {
	class byte // 'd' digit, 'l' letter, 'b' bullet
	open  bool // "(1)"
	punct byte // '.' or ')'
}

var (
	digitMarkerRe  = regexp.MustCompile(`^(\()?(\d{1,3})([.)])(?:\s+|$|[^\d.)])`)
	letterMarkerRe = regexp.MustCompile(`^(\()?([a-zA-Z])([.)])(?:\s+|$)`)
	bulletMarkerRe = regexp.MustCompile(`^[-•·*▪●◦]\s+`)
	catatanLineRe  = regexp.MustCompile(`(?i)^catatan\s*(?::\s*(.*)|$)`)
	catatanInRe    = regexp.MustCompile(`(?i)\bcatatan\s*:`)
)

// readMarker splits a list marker off the start of a line.
func readMarker(line string) (marker, int, string, bool) {
	if m := digitMarkerRe.FindStringSubmatchIndex(line); m != nil {
		n, _ := strconv.Atoi(line[m[4]:m[5]])
		rest := strings.TrimSpace(line[m[7]:])
		return marker{class: 'd', open: m[2] >= 0, punct: line[m[6]]}, n, rest, true
	}
	if m := letterMarkerRe.FindStringSubmatchIndex(line); m != nil {
		n := int(strings.ToLower(line[m[4]:m[5]])[0]-'a') + 1
		return marker{class: 'l', open: m[2] >= 0, punct: line[m[6]]}, n, strings.TrimSpace(line[m[1]:]), true
	}
	if loc := bulletMarkerRe.FindStringIndex(line); loc != nil {
		return marker{class: 'b'}, 0, strings.TrimSpace(line[loc[1]:]), true
	}
	return marker{}, 0, "", false
}

// splitItems reads a list cell into its items (see the package doc). With
// headings, an item ending with ":" that has items after it becomes their
// group instead of an item. A note with no item to hang on is returned as
// orphan.
func splitItems(cell string, headings bool) (items []item, orphan string) {
	ls := lines(cell)
	kind, marked := listKind(ls)
	var pending []string // note text seen before the first item
	inNote := false
	addNote := func(s string) {
		if s == "" {
			return
		}
		if len(items) == 0 {
			pending = append(pending, s)
			return
		}
		items[len(items)-1].note = joinWords(items[len(items)-1].note, s)
	}
	// addText appends s to the current item (or starts one), splitting off
	// an inline "Catatan:".
	addText := func(s string, start bool, num int) {
		cut := catatanInRe.FindStringIndex(s)
		note := ""
		if cut != nil {
			s, note = strings.TrimSpace(s[:cut[0]]), strings.TrimSpace(s[cut[1]:])
		}
		if start || len(items) == 0 {
			items = append(items, item{text: s, num: num})
		} else {
			items[len(items)-1].text = joinWords(items[len(items)-1].text, s)
		}
		if cut != nil {
			inNote = true // the note may go on over the next lines
			addNote(note)
		}
	}
	for _, l := range ls {
		if l == "" {
			continue
		}
		if m := catatanLineRe.FindStringSubmatch(l); m != nil {
			inNote = true
			addNote(m[1])
			continue
		}
		if marked {
			if k, num, rest, ok := readMarker(l); ok && k == kind {
				inNote = false
				addText(rest, true, num)
				continue
			}
		}
		if inNote {
			addNote(l)
			continue
		}
		addText(l, false, 0)
	}
	if len(items) == 1 && items[0].num == 1 && kind.class == 'd' {
		items = splitInline(items[0], kind)
	}
	items = dropEmpty(items)
	if len(pending) > 0 {
		if len(items) == 0 {
			return nil, strings.Join(pending, " ")
		}
		items[0].note = joinWords(strings.Join(pending, " "), items[0].note)
	}
	if headings {
		items = applyHeadings(items)
	}
	return items, ""
}

// listKind is the marker kind of the first marked line, if any.
func listKind(ls []string) (marker, bool) {
	for _, l := range ls {
		if catatanLineRe.MatchString(l) {
			continue
		}
		if k, _, _, ok := readMarker(l); ok {
			return k, true
		}
	}
	return marker{}, false
}

// splitInline splits a numbered list written on one line ("1. SK … 2. SOP
// …") at " 2. ", " 3. " … in sequence. The note stays with the last item.
func splitInline(it item, kind marker) []item {
	out := []item{it}
	for next := 2; ; next++ {
		last := &out[len(out)-1]
		sep := " " + strconv.Itoa(next) + string(kind.punct) + " "
		i := strings.Index(last.text, sep)
		if i < 0 {
			return out
		}
		head, tail := strings.TrimSpace(last.text[:i]), strings.TrimSpace(last.text[i+len(sep):])
		note := last.note
		last.text, last.note = head, ""
		out = append(out, item{text: tail, note: note, num: next})
	}
}

// dropEmpty removes items without text ("3." alone), moving their notes to
// the item before (or after, for the first).
func dropEmpty(items []item) []item {
	var out []item
	carry := ""
	for _, it := range items {
		it.text = strings.TrimSpace(it.text)
		if strings.Trim(it.text, ".;,:") == "" {
			if len(out) > 0 {
				out[len(out)-1].note = joinWords(out[len(out)-1].note, it.note)
			} else {
				carry = joinWords(carry, it.note)
			}
			continue
		}
		it.note = joinWords(carry, it.note)
		carry = ""
		out = append(out, it)
	}
	return out
}

// applyHeadings turns items ending with ":" that have items after them
// into the group of the items that follow.
func applyHeadings(items []item) []item {
	var out []item
	group, carry := "", ""
	for i, it := range items {
		if i < len(items)-1 && strings.HasSuffix(it.text, ":") {
			group = trimItem(it.text, true)
			carry = joinWords(carry, it.note)
			continue
		}
		it.group = group
		it.note = joinWords(carry, it.note)
		carry = ""
		out = append(out, it)
	}
	return out
}

// joinWords joins two pieces of text with a space, skipping empty ones.
func joinWords(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
