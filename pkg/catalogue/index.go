package catalogue

import "iter"

// index gives O(1) lookups by ID; built once by Parse. The lookups below
// find nothing in a Catalogue that did not come from Parse.
type index struct {
	requirements map[string]*Requirement
	elements     map[string]*Element
	kriteria     map[string]Place // kriteria ID → where it sits (Element nil)
	place        map[string]Place // requirement ID → where it sits
}

// Place locates a requirement in the tree.
type Place struct {
	Bab      *Bab
	Standar  *Standar
	Kriteria *Kriteria
	Element  *Element
}

// Requirement returns the requirement with the given ID ("2.1.2/a/R1").
func (c *Catalogue) Requirement(id string) (*Requirement, Place, bool) {
	if c.index == nil {
		return nil, Place{}, false
	}
	r, ok := c.index.requirements[id]
	return r, c.index.place[id], ok
}

// Element returns the EP with the given ID ("2.1.2/a").
func (c *Catalogue) Element(id string) (*Element, bool) {
	if c.index == nil {
		return nil, false
	}
	e, ok := c.index.elements[id]
	return e, ok
}

// Kriteria returns the kriteria with the given ID ("2.1.2") and its Bab
// and standar.
func (c *Catalogue) Kriteria(id string) (*Kriteria, Place, bool) {
	if c.index == nil {
		return nil, Place{}, false
	}
	p, ok := c.index.kriteria[id]
	return p.Kriteria, p, ok
}

// Elements yields every EP of the tree in order, with where it sits
// (Place.Element is the EP).
func (c *Catalogue) Elements() iter.Seq[Place] {
	return func(yield func(Place) bool) {
		for bi := range c.Bab {
			b := &c.Bab[bi]
			for si := range b.Standar {
				s := &b.Standar[si]
				for ki := range s.Kriteria {
					k := &s.Kriteria[ki]
					for ei := range k.Elements {
						if !yield(Place{Bab: b, Standar: s, Kriteria: k, Element: &k.Elements[ei]}) {
							return
						}
					}
				}
			}
		}
	}
}

// Requirements yields every requirement of the tree in order, with where
// it sits.
func (c *Catalogue) Requirements() iter.Seq2[*Requirement, Place] {
	return func(yield func(*Requirement, Place) bool) {
		for p := range c.Elements() {
			for ri := range p.Element.Requirements {
				if !yield(&p.Element.Requirements[ri], p) {
					return
				}
			}
		}
	}
}

// Counts is the size of a catalogue.
type Counts struct {
	Bab, Standar, Kriteria, Elements, Requirements int
}

// Counts counts the nodes of the tree.
func (c *Catalogue) Counts() Counts {
	n := Counts{Bab: len(c.Bab)}
	for _, b := range c.Bab {
		n.Standar += len(b.Standar)
		for _, s := range b.Standar {
			n.Kriteria += len(s.Kriteria)
			for _, k := range s.Kriteria {
				n.Elements += len(k.Elements)
				for _, e := range k.Elements {
					n.Requirements += len(e.Requirements)
				}
			}
		}
	}
	return n
}
