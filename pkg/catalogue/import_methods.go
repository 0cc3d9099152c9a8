package catalogue

import (
	"regexp"
	"slices"
	"strings"
)

// methodsRe matches the methods written after an EP text: "(R, D, W)",
// "(D.W)", "(R,D,O,W)", "(D dan W)", optionally followed by punctuation.
var methodsRe = regexp.MustCompile(`\(\s*([RDOWS](?:\s*(?:[,./;&+]|dan)?\s*[RDOWS])*)[\s,.;]*\)[\s.,;:]*$`)

// splitMethods removes the methods suffix from an EP text (one line) and
// returns the text and the methods, in catalogue order. Without a suffix
// it returns the text unchanged and nil.
func splitMethods(text string) (string, []Method) {
	loc := methodsRe.FindStringSubmatchIndex(text)
	if loc == nil {
		return text, nil
	}
	letters := text[loc[2]:loc[3]]
	var ms []Method
	for _, mc := range methodColumns {
		if strings.Contains(letters, string(mc.method)) {
			ms = append(ms, mc.method)
		}
	}
	return strings.TrimRight(text[:loc[0]], " .,;:"), ms
}

// mergeMethods returns the declared methods plus any method that has items
// but was not declared (so no evidence is dropped), in catalogue order, and
// the methods that had to be added.
func mergeMethods(declared, withItems []Method) (all, added []Method) {
	for _, mc := range methodColumns {
		d, w := slices.Contains(declared, mc.method), slices.Contains(withItems, mc.method)
		if d || w {
			all = append(all, mc.method)
		}
		if w && !d && declared != nil {
			added = append(added, mc.method)
		}
	}
	return all, added
}
