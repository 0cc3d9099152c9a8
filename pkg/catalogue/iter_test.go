package catalogue_test

import (
	"testing"

	"github.com/bukti-id/bukti/criteria"
)

func TestElementsAndRequirements(t *testing.T) {
	cat := criteria.MustBuiltin()
	n := cat.Counts()
	var elements, requirements []string
	for p := range cat.Elements() {
		if p.Bab == nil || p.Standar == nil || p.Kriteria == nil || p.Element == nil {
			t.Fatalf("element without its place: %+v", p)
		}
		elements = append(elements, p.Element.ID)
	}
	for r, p := range cat.Requirements() {
		if _, place, ok := cat.Requirement(r.ID); !ok || place.Element.ID != p.Element.ID {
			t.Errorf("requirement %s yielded under %s, indexed under %v", r.ID, p.Element.ID, place.Element)
		}
		requirements = append(requirements, r.ID)
	}
	if len(elements) != n.Elements || len(requirements) != n.Requirements {
		t.Fatalf("yielded %d EP and %d requirements, the tree has %d and %d", len(elements), len(requirements), n.Elements, n.Requirements)
	}
	// The built-in catalogue is the complete standard: 1.1.1/a (R1) comes
	// first, 5.5.6/b (D1, W1) last.
	if elements[0] != "1.1.1/a" || requirements[0] != "1.1.1/a/R1" ||
		elements[len(elements)-1] != "5.5.6/b" || requirements[len(requirements)-1] != "5.5.6/b/W1" {
		t.Errorf("EP %s … %s, requirements %s … %s: want catalogue order", elements[0], elements[len(elements)-1],
			requirements[0], requirements[len(requirements)-1])
	}
	t.Run("stops when the loop breaks", func(t *testing.T) {
		seen := 0
		for range cat.Requirements() {
			seen++
			break
		}
		if seen != 1 {
			t.Errorf("loop ran %d times after break", seen)
		}
	})
}
