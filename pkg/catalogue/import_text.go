package catalogue

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// lines normalises a cell and splits it into lines: line breaks of every
// kind become "\n"; tabs, non-breaking and other Unicode spaces become a
// space; invisible characters (zero-width space, BOM, soft hyphen) and
// backticks are dropped; a backslash ending a line (conversion noise) is
// dropped; runs of spaces collapse to one and each line is trimmed. Blank
// lines are kept as "" so callers can see paragraph breaks.
func lines(cell string) []string {
	cell = strings.ReplaceAll(cell, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(cell))
	for _, r := range cell {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\u0085' || r == '\v' || r == '\f':
			b.WriteByte('\n')
		case r == '`' || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff' || r == '\u00ad':
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case unicode.IsControl(r):
		default:
			b.WriteRune(r)
		}
	}
	out := strings.Split(b.String(), "\n")
	for i, l := range out {
		l = strings.TrimSpace(l)
		for strings.HasSuffix(l, `\`) {
			l = strings.TrimSpace(strings.TrimSuffix(l, `\`))
		}
		out[i] = collapseSpaces(l)
	}
	return out
}

// oneLine normalises a cell into a single line, joining its lines with a
// space.
func oneLine(cell string) string {
	return joinLines(lines(cell))
}

// joinLines joins the non-blank lines with single spaces.
func joinLines(ls []string) string {
	var parts []string
	for _, l := range ls {
		if l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, " ")
}

// isBlank reports whether a cell is empty after normalisation.
func isBlank(cell string) bool { return oneLine(cell) == "" }

func collapseSpaces(s string) string {
	if !strings.Contains(s, "  ") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// trimItem removes list punctuation left at the end of an item: ";", ",",
// ":" and a trailing "dan"/"atau" after them ("…; dan"), and with dots true
// also a final ".".
func trimItem(s string, dots bool) string {
	cut := ";,:"
	if dots {
		cut += "."
	}
	for {
		t := strings.TrimRight(s, " "+cut)
		lower := strings.ToLower(t)
		for _, w := range []string{" dan", " atau", " serta"} {
			if strings.HasSuffix(lower, w) {
				rest := strings.TrimRight(t[:len(t)-len(w)], " ")
				if strings.HasSuffix(rest, ";") || strings.HasSuffix(rest, ",") {
					t = rest
				}
			}
		}
		if t == s {
			return s
		}
		s = t
	}
}

// upperFirst capitalises the first letter of s.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
