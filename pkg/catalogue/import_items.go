package catalogue

import (
	"fmt"
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
	// examples counts the marked lines after "Misal …:" kept in the note
	// as examples instead of being read as items.
	examples int
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
	// digitMarkerRe also takes a space before the punctuation ("1 . SK").
	digitMarkerRe  = regexp.MustCompile(`^(\()?(\d{1,3})\s?([.)])(?:\s+|$|[^\d.)])`)
	letterMarkerRe = regexp.MustCompile(`^(\()?([a-zA-Z])([.)])(?:\s+|$)`)
	bulletMarkerRe = regexp.MustCompile(`^[-•·*▪●◦]\s+`)
	catatanLineRe  = regexp.MustCompile(`(?i)^catatan\s*(?::\s*(.*)|$)`)
	catatanInRe    = regexp.MustCompile(`(?i)\bcatatan\s*:`)
	// exampleRe finds the words that introduce examples of an item
	// ("Misal …", "misalnya: …", "minimal melampirkan …"): the text from
	// there on is a note, not a requirement.
	exampleRe = regexp.MustCompile(`(?i)(?:^|[\s(,;.])(misalnya|misal|contohnya|sebagai contoh|minimal melampirkan|sekurang-kurangnya melampirkan)\b`)
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

// cellItems is a list cell as read by readCell.
type cellItems struct {
	items  []item
	orphan string // a note with no item to hang on
	// numbering says why the numbers the cell gives its items cannot be
	// the keys of their requirements (duplicates, gaps, a list that does
	// not start at 1); "" when they can, or when nothing is numbered.
	numbering string
}

// splitItems reads a cell into its items (see readCell).
func splitItems(cell string, list bool) (items []item, orphan string) {
	c := readCell(cell, list)
	return c.items, c.orphan
}

// readCell reads a cell into its items (see the package doc). list is
// true for the R, D, O and S cells: an item ending with ":" that has items
// after it becomes their group instead of an item, and examples ("Misal
// …") become notes. A W cell (list false) keeps its line breaks in the item
// text ("\n", a blank line "\n\n") for interviewRequirements. A note with no
// item to hang on is returned as orphan.
//
// Each item keeps the number the cell gives it (item.num). Every number of
// the main list counts, also of an item that does not become a
// requirement (a heading, an empty "3.", an item "2. Misal: …" read as a
// note, a line continuing the numbering inside examples): the numbers must
// run 1, 2, 3 … for the keys to follow them, else numbering says why not.
func readCell(cell string, list bool) cellItems {
	var items []item
	var seq []int // the numbers of the main list, in order
	// exampleOwn: the marked lines of the current examples no longer go on
	// with the main numbering (they restarted at 1, say).
	exampleOwn := false
	ls := lines(cell)
	kind, marked := listKind(ls)
	var pending []string // note text seen before the first item
	inNote := false
	// inExample: the lines go to the note of the current item; exampleList:
	// marked lines of the main kind do too (the examples were introduced
	// with ":").
	inExample, exampleList := false, false
	lastNum := 0                  // number of the last main item
	subKinds := map[marker]bool{} // sub-lists opened in the current item
	brk := ""                     // separator before the next continuation line of a W item
	addNote := func(s string) {
		if s == "" {
			return
		}
		if len(items) == 0 {
			pending = append(pending, s)
			return
		}
		it := &items[len(items)-1]
		it.note = joinWords(it.note, s)
	}
	// example splits off s the examples it introduces ("…, misal: …"):
	// the text before them, and them.
	example := func(s string) (before, ex string, ok bool) {
		m := exampleRe.FindStringSubmatchIndex(s)
		if !list || m == nil {
			return s, "", false
		}
		before, ex = strings.TrimRight(s[:m[2]], " ,;("), s[m[2]:]
		if strings.HasSuffix(s[:m[2]], "(") && strings.Count(ex, ")") > strings.Count(ex, "(") {
			ex = strings.TrimSuffix(ex, ")") // "(misal …)"
		}
		inExample, exampleList = true, strings.HasSuffix(ex, ":")
		return before, ex, true
	}
	// addText appends s to the current item (or starts one), splitting off
	// an inline "Catatan:" and examples.
	addText := func(s string, start bool, num int) {
		cut := catatanInRe.FindStringIndex(s)
		note := ""
		if cut != nil {
			s, note = strings.TrimSpace(s[:cut[0]]), strings.TrimSpace(s[cut[1]:])
		}
		text, ex, hasEx := example(s)
		if hasEx && text == "" && len(items) > 0 {
			// "2. Misal: …" describes the item before it.
			addNote(ex)
		} else {
			if hasEx && text == "" {
				text, hasEx = s, false // nothing before to describe: keep it
				inExample, exampleList = false, false
			}
			if start || len(items) == 0 {
				items = append(items, item{text: text, num: num})
				brk = ""
			} else {
				it := &items[len(items)-1]
				if brk != "" && it.text != "" {
					it.text += brk + text
				} else {
					it.text = joinWords(it.text, text)
				}
				brk = ""
			}
			if hasEx {
				addNote(ex)
			}
		}
		if cut != nil {
			inNote = true // the note may go on over the next lines
			inExample, exampleList = false, false
			addNote(note)
		}
	}
	for _, l := range ls {
		if l == "" {
			if !list && brk != "" {
				brk = "\n\n"
			}
			continue
		}
		if m := catatanLineRe.FindStringSubmatch(l); m != nil {
			inNote, inExample, exampleList = true, false, false
			addNote(m[1])
			continue
		}
		if marked {
			if k, num, rest, ok := readMarker(l); ok {
				// A digit marker of other punctuation that goes on with
				// the numbering ("1. …" then "2) …") is a typo, not a
				// sub-list, unless that sub-list was opened in the item.
				main := k == kind || k.class == 'd' && kind.class == 'd' && num > 1 && num == lastNum+1 && !subKinds[k]
				switch {
				case main && inExample && exampleList && len(items) > 0:
					items[len(items)-1].examples++
					// Examples numbered on from the list ("1. Bukti,
					// misal:" then "2. rapat") take their numbers.
					if !exampleOwn && len(seq) > 0 && num == seq[len(seq)-1]+1 {
						seq = append(seq, num)
					} else {
						exampleOwn = true
					}
					addNote(l)
					continue
				case main:
					inNote, inExample, exampleList = false, false, false
					exampleOwn = false
					lastNum = num
					seq = append(seq, num)
					clear(subKinds)
					addText(rest, true, num)
					if !list {
						brk = "\n"
					}
					continue
				default:
					subKinds[k] = true
					// The examples are this sub-list: the next item of
					// the main list is an item again.
					exampleList = false
				}
			}
		}
		if inNote || inExample {
			addNote(l)
			continue
		}
		addText(l, false, 0)
		if !list {
			brk = "\n"
		}
	}
	if len(items) == 1 && items[0].num == 1 && kind.class == 'd' {
		items = splitInline(items[0], kind)
		for _, it := range items[1:] {
			seq = append(seq, it.num)
		}
	}
	items = dropEmpty(items)
	if len(pending) > 0 {
		if len(items) == 0 {
			return cellItems{orphan: strings.Join(pending, " ")}
		}
		items[0].note = joinWords(strings.Join(pending, " "), items[0].note)
	}
	if list {
		items = applyHeadings(items)
	}
	return cellItems{items: items, numbering: checkNumbering(seq)}
}

// checkNumbering says what is wrong with the numbers of a list, which must
// run 1, 2, 3 …; "" when nothing is. (A number lower than the one before
// is either used twice or was skipped before.)
func checkNumbering(seq []int) string {
	if len(seq) == 0 {
		return ""
	}
	problem := ""
	seen := map[int]bool{}
	for i, n := range seq {
		switch {
		case seen[n]:
			problem = fmt.Sprintf("%d appears twice", n)
		case i == 0 && n != 1:
			problem = fmt.Sprintf("the list starts at %d", n)
		case i > 0 && n > seq[i-1]+1:
			problem = "no " + missing(seq[i-1]+1, n-1)
		}
		if problem != "" {
			break
		}
		seen[n] = true
	}
	if problem == "" {
		return ""
	}
	nums := make([]string, len(seq))
	for i, n := range seq {
		nums[i] = strconv.Itoa(n)
	}
	return fmt.Sprintf("the items are numbered %s (%s)", strings.Join(nums, ", "), problem)
}

// missing names the items numbered from to to: "item 2", "items 2 and
// 3", "items 2 to 5".
func missing(from, to int) string {
	switch {
	case from == to:
		return fmt.Sprintf("item %d", from)
	case to == from+1:
		return fmt.Sprintf("items %d and %d", from, to)
	}
	return fmt.Sprintf("items %d to %d", from, to)
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
			sep = " " + strconv.Itoa(next) + " " + string(kind.punct) + " " // "1 . SK 2 . SOP"
			i = strings.Index(last.text, sep)
		}
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
