package catalogue

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// babIDs are the Bab of the standard, in order.
var babIDs = []string{"I", "II", "III", "IV", "V"}

func isBabID(s string) bool { return slices.Contains(babIDs, s) }

// babNumber is the Arabic number of a Bab ID ("II" → 2), 0 if unknown.
func babNumber(id string) int { return slices.Index(babIDs, id) + 1 }

var (
	babRe = regexp.MustCompile(`(?i)^(?:bab\s*[.:]?\s*)?([ivx]+|\d+)(?:\.0+)?(?:\s*[.:\-–]\s*|\s+|$)(.*)$`)
	// numberedRe matches "2.1", "Standar 2.1 Perencanaan …", "2.1.2. Judul".
	numberedRe = regexp.MustCompile(`(?i)^(?:(?:standar|standard|kriteria)\s*[.:]?\s*)?(\d+(?:\.\d+)+)\.?(?:\s*[:\-–]?\s+(.*))?$`)
	// floatRe matches a number Excel stored as a binary float and printed
	// with all its digits (2.0999999999999996).
	floatRe    = regexp.MustCompile(`^\d+\.\d{9,}$`)
	epNumberRe = regexp.MustCompile(`(?i)^(?:ep\s*[.:]?\s*)?\(?([a-z]|\d+(?:\.0+)?)\s?[.)]?$`)
	// commaIDRe matches a leading ID typed with commas as decimal marks, as
	// Indonesian number settings write it: "2,1", "Kriteria 5,3,6 Judul".
	commaIDRe = regexp.MustCompile(`(?i)^((?:standar|standard|kriteria)\s*[.:]?\s*)?(\d+(?:[.,]\d+)+)`)
	// epMarkerRe matches an EP number written at the start of the EP text:
	// "a) Terdapat …", "1. Terdapat …".
	epMarkerRe = regexp.MustCompile(`^\(?([a-zA-Z]|\d{1,2})[.)]\s+`)
)

// parseBab reads a bab cell ("I", "Bab I", "BAB II Penyelenggaraan …",
// "1", "Bab 2") into a Roman ID and the title written after it, if any.
func parseBab(cell string) (id, title string, err error) {
	s := oneLine(cell)
	m := babRe.FindStringSubmatch(s)
	if m == nil {
		return "", "", fmt.Errorf("bab %q is not a Bab number: write I to V (or 1 to 5)", s)
	}
	tok := strings.ToUpper(m[1])
	if n, convErr := strconv.Atoi(tok); convErr == nil {
		if n < 1 || n > len(babIDs) {
			return "", "", fmt.Errorf("bab %q: the standard has Bab I to V (1 to 5)", s)
		}
		tok = babIDs[n-1]
	}
	if !isBabID(tok) {
		return "", "", fmt.Errorf("bab %q: the standard has Bab I to V (1 to 5)", s)
	}
	return tok, titleRest(m[2]), nil
}

// parseNumbered reads a standar (parts 2: "2.1") or kriteria (parts 3:
// "2.1.2") cell into its ID and the title written after it, if any.
func parseNumbered(level, cell string, parts int) (id, title string, err error) {
	s := cleanFloat(decimalPoints(oneLine(cell)))
	m := numberedRe.FindStringSubmatch(s)
	example := "2.1.2"[:2*parts-1]
	if m == nil {
		return "", "", fmt.Errorf("%s %q is not a number like %s", level, s, example)
	}
	nums := strings.Split(m[1], ".")
	if len(nums) != parts {
		return "", "", fmt.Errorf("%s %q should have the form %s", level, s, example)
	}
	for i, n := range nums {
		v, convErr := strconv.Atoi(n)
		if convErr != nil || v < 1 {
			return "", "", fmt.Errorf("%s %q should have the form %s, with numbers from 1", level, s, example)
		}
		nums[i] = strconv.Itoa(v) // drops leading zeros
	}
	return strings.Join(nums, "."), titleRest(m[2]), nil
}

// decimalPoints rewrites the commas of a leading ID as points: "5,3,6" →
// "5.3.6", "Standar 2,1 Judul" → "Standar 2.1 Judul". Commas elsewhere
// are kept.
func decimalPoints(s string) string {
	m := commaIDRe.FindStringSubmatchIndex(s)
	if m == nil {
		return s
	}
	return s[:m[4]] + strings.ReplaceAll(s[m[4]:m[5]], ",", ".") + s[m[5]:]
}

// cleanFloat undoes binary-float noise in a number Excel stored as a float:
// "2.0999999999999996" → "2.1". Other text is returned unchanged.
func cleanFloat(s string) string {
	if !floatRe.MatchString(s) {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(math.Round(f*1e6)/1e6, 'f', -1, 64)
}

// parseEPNumber reads an EP number cell ("1", "1.", "(1)", "a", "a)",
// "EP 2") into its letter: 1 → a, 2 → b ….
func parseEPNumber(cell string) (string, error) {
	s := oneLine(cell)
	m := epNumberRe.FindStringSubmatch(s)
	if m == nil {
		return "", fmt.Errorf("EP number %q is not 1, 2, 3 … or a, b, c …", s)
	}
	tok := strings.ToLower(m[1])
	if tok[0] >= 'a' && tok[0] <= 'z' {
		return tok, nil
	}
	n, err := strconv.Atoi(strings.SplitN(tok, ".", 2)[0])
	if err != nil || n < 1 || n > 26 {
		return "", fmt.Errorf("EP number %q: EP are numbered 1 to 26 (a to z)", s)
	}
	return string(rune('a' + n - 1)), nil
}

// titleRest cleans the text written after an ID: "- Judul" → "Judul".
func titleRest(s string) string {
	return strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(s), ".:-–"))
}

// belongs reports whether child ("2.1.2") is numbered under parent ("2.1").
func belongs(child, parent string) bool { return strings.HasPrefix(child, parent+".") }

// idLess orders dotted IDs by their numbers: 2.9 before 2.10.
func idLess(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, _ := strconv.Atoi(as[i])
		y, _ := strconv.Atoi(bs[i])
		if x != y {
			return x - y
		}
	}
	return len(as) - len(bs)
}
