package catalogue

import (
	"cmp"
	"fmt"
	"slices"
)

// The kinds of change Diff reports, for an EP and for a requirement.
const (
	Added   = "added"   // only in the new version
	Removed = "removed" // only in the old version
	Changed = "changed" // in both under the same ID, but different
)

// Difference is what changed from one catalogue version to another, EP by
// EP. Evidence is stored against requirement IDs and TDD marks against EP
// IDs, so an ID that is Removed is what a facility's data can be left
// behind on.
type Difference struct {
	From string `json:"from"` // "ID@Version" of the old catalogue
	To   string `json:"to"`   // "ID@Version" of the new one
	// Elements lists every EP that was added, removed or changed, in the
	// order of the standard (kriteria by number, then EP letter); never nil.
	Elements []ElementChange `json:"elements"`
	Counts   DiffCounts      `json:"counts"`
}

// Empty reports whether the two versions have the same EP and requirements.
func (d Difference) Empty() bool { return len(d.Elements) == 0 }

// DiffCounts counts the changes. A requirement of an added (removed) EP
// counts as added (removed); an EP is changed when its text or methods
// changed or any of its requirements was added, removed or changed.
type DiffCounts struct {
	ElementsAdded       int `json:"elements_added"`
	ElementsRemoved     int `json:"elements_removed"`
	ElementsChanged     int `json:"elements_changed"`
	RequirementsAdded   int `json:"requirements_added"`
	RequirementsRemoved int `json:"requirements_removed"`
	RequirementsChanged int `json:"requirements_changed"`
}

// ElementChange is one EP that differs.
type ElementChange struct {
	ID       string `json:"id"` // "2.1.2/a"
	Kriteria string `json:"kriteria"`
	Change   string `json:"change"` // Added, Removed or Changed
	// Text is the EP text of the new version (of the old one when Removed);
	// OldText is the old text when it changed.
	Text    string `json:"text"`
	OldText string `json:"old_text,omitempty"`
	// Fields names what changed in the EP itself ("text", "methods"); empty
	// when only its requirements changed, and for an added or removed EP.
	Fields []string `json:"fields,omitempty"`
	// Requirements lists the requirements that differ: for an added or
	// removed EP all of them, for a changed one those added, removed or
	// changed (new order first, then the removed ones in old order).
	Requirements []RequirementChange `json:"requirements,omitempty"`
}

// RequirementChange is one requirement that differs.
type RequirementChange struct {
	ID     string `json:"id"` // "2.1.2/a/R1"
	Change string `json:"change"`
	Method Method `json:"method"`
	// Title is the title in the new version (the old one when Removed);
	// OldTitle the old title when it changed.
	Title    string `json:"title"`
	OldTitle string `json:"old_title,omitempty"`
	// Fields names what changed, for Changed: "method", "title",
	// "doc_type", "group", "note", "stages", "parts", "interviewees",
	// "topic". A change of stages, parts or interviewees changes the slots
	// evidence and interviewees are stored against.
	Fields []string `json:"fields,omitempty"`
}

// Diff compares two catalogue versions EP by EP, matching EP and
// requirements by ID. Either may be nil (an empty catalogue). The
// catalogues are only read.
func Diff(old, new *Catalogue) Difference {
	d := Difference{From: label(old), To: label(new), Elements: []ElementChange{}}
	olds, news := elementsByID(old), elementsByID(new)
	for id, n := range news {
		o, ok := olds[id]
		if !ok {
			d.Elements = append(d.Elements, whole(Added, n))
			continue
		}
		if ch, differs := compareElement(o, n); differs {
			d.Elements = append(d.Elements, ch)
		}
	}
	for id, o := range olds {
		if _, ok := news[id]; !ok {
			d.Elements = append(d.Elements, whole(Removed, o))
		}
	}
	slices.SortFunc(d.Elements, func(a, b ElementChange) int {
		if c := idLess(a.Kriteria, b.Kriteria); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(len(a.ID), len(b.ID)), cmp.Compare(a.ID, b.ID))
	})
	for _, e := range d.Elements {
		switch e.Change {
		case Added:
			d.Counts.ElementsAdded++
		case Removed:
			d.Counts.ElementsRemoved++
		default:
			d.Counts.ElementsChanged++
		}
		for _, r := range e.Requirements {
			switch r.Change {
			case Added:
				d.Counts.RequirementsAdded++
			case Removed:
				d.Counts.RequirementsRemoved++
			default:
				d.Counts.RequirementsChanged++
			}
		}
	}
	return d
}

func label(c *Catalogue) string {
	if c == nil {
		return ""
	}
	return c.ID + "@" + c.Version
}

// placed is an EP with the kriteria it sits in.
type placed struct {
	e        *Element
	kriteria string
}

func elementsByID(c *Catalogue) map[string]placed {
	out := map[string]placed{}
	if c == nil {
		return out
	}
	for p := range c.Elements() {
		out[p.Element.ID] = placed{e: p.Element, kriteria: p.Kriteria.ID}
	}
	return out
}

// whole is an EP added or removed with all its requirements.
func whole(change string, p placed) ElementChange {
	ch := ElementChange{ID: p.e.ID, Kriteria: p.kriteria, Change: change, Text: p.e.Text}
	for _, r := range p.e.Requirements {
		ch.Requirements = append(ch.Requirements, RequirementChange{ID: r.ID, Change: change, Method: r.Method, Title: r.Title})
	}
	return ch
}

func compareElement(o, n placed) (ElementChange, bool) {
	ch := ElementChange{ID: n.e.ID, Kriteria: n.kriteria, Change: Changed, Text: n.e.Text}
	if o.e.Text != n.e.Text {
		ch.Fields, ch.OldText = append(ch.Fields, "text"), o.e.Text
	}
	if !slices.Equal(o.e.Methods, n.e.Methods) {
		ch.Fields = append(ch.Fields, "methods")
	}
	olds := map[string]*Requirement{}
	for i := range o.e.Requirements {
		olds[o.e.Requirements[i].ID] = &o.e.Requirements[i]
	}
	kept := map[string]bool{}
	for i := range n.e.Requirements {
		nr := &n.e.Requirements[i]
		or, ok := olds[nr.ID]
		if !ok {
			ch.Requirements = append(ch.Requirements, RequirementChange{ID: nr.ID, Change: Added, Method: nr.Method, Title: nr.Title})
			continue
		}
		kept[nr.ID] = true
		if fields := requirementFields(or, nr); len(fields) > 0 {
			rc := RequirementChange{ID: nr.ID, Change: Changed, Method: nr.Method, Title: nr.Title, Fields: fields}
			if or.Title != nr.Title {
				rc.OldTitle = or.Title
			}
			ch.Requirements = append(ch.Requirements, rc)
		}
	}
	for _, or := range o.e.Requirements {
		if !kept[or.ID] {
			ch.Requirements = append(ch.Requirements, RequirementChange{ID: or.ID, Change: Removed, Method: or.Method, Title: or.Title})
		}
	}
	return ch, len(ch.Fields) > 0 || len(ch.Requirements) > 0
}

// requirementFields names the fields in which two requirements of one ID
// differ.
func requirementFields(o, n *Requirement) []string {
	var out []string
	for _, f := range []struct {
		name string
		same bool
	}{
		{"method", o.Method == n.Method},
		{"title", o.Title == n.Title},
		{"doc_type", o.DocType == n.DocType},
		{"group", o.Group == n.Group},
		{"note", o.Note == n.Note},
		{"stages", slices.Equal(o.Stages, n.Stages)},
		{"parts", slices.Equal(o.Parts, n.Parts)},
		{"interviewees", slices.Equal(o.Interviewees, n.Interviewees)},
		{"topic", o.Topic == n.Topic},
	} {
		if !f.same {
			out = append(out, f.name)
		}
	}
	return out
}

// String is a one-line summary of the counts, in English.
func (c DiffCounts) String() string {
	return fmt.Sprintf("EP: %d added, %d removed, %d changed; requirements: %d added, %d removed, %d changed",
		c.ElementsAdded, c.ElementsRemoved, c.ElementsChanged, c.RequirementsAdded, c.RequirementsRemoved, c.RequirementsChanged)
}
