package catalogue

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Marshal writes c as a bukti-catalogue/v1 document (the format of
// criteria/README.md). Parse reads the result back into a catalogue equal to
// c (reflect.DeepEqual holds for a catalogue that came from Parse):
//   - every field with a yaml tag is written; derived IDs (Element.ID,
//     Requirement.ID) and the index are not, Parse rebuilds them;
//   - a nil slice or map is left out and a non-nil empty one is written as
//     [] or {}, so the difference survives the round trip;
//   - empty optional strings are left out, which Parse reads back as "".
//
// Marshal does not validate: a catalogue that breaks a rule of Parse is
// written as it is, and Parse reports the rule when it is read. An empty
// Format is written as FormatV1 (for catalogues built in code); any other
// format is an error, because only v1 can be written.
func Marshal(c *Catalogue) ([]byte, error) {
	if c == nil {
		return nil, errors.New("catalogue: Marshal of a nil catalogue: pass the catalogue to write")
	}
	format := c.Format
	if format == "" {
		format = FormatV1
	}
	if format != FormatV1 {
		return nil, fmt.Errorf("catalogue: cannot write format %q: only %q can be written; set Format to it or leave it empty", format, FormatV1)
	}
	doc := &yaml.Node{Kind: yaml.DocumentNode, HeadComment: "Written by catalogue.Marshal; the format is described in criteria/README.md."}
	doc.Content = []*yaml.Node{catalogueNode(c, format)}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("catalogue: write YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("catalogue: write YAML: %w", err)
	}
	return buf.Bytes(), nil
}

func catalogueNode(c *Catalogue, format string) *yaml.Node {
	m := mapNode()
	set(m, "format", strNode(format))
	set(m, "id", strNode(c.ID))
	set(m, "version", strNode(c.Version))
	set(m, "title", strNode(c.Title))
	setStr(m, "source", c.Source)
	set(m, "scoring", scoringNode(c.Scoring, c.Bab))
	if c.Bab != nil {
		set(m, "bab", seqOf(c.Bab, babNode))
	}
	return m
}

func scoringNode(s Scoring, babs []Bab) *yaml.Node {
	m := mapNode()
	if s.Values != nil {
		set(m, "values", flow(seqOf(s.Values, intNode)))
	}
	set(m, "tdd", boolNode(s.TDD))
	if s.Statuses != nil {
		order := make([]string, 0, len(babs))
		for _, b := range babs {
			order = append(order, b.ID)
		}
		set(m, "statuses", seqOf(s.Statuses, func(st Status) *yaml.Node { return statusNode(st, order) }))
	}
	setStr(m, "below", s.Below)
	if len(s.Suggest) > 0 {
		set(m, "suggest", seqOf(s.Suggest, func(t Threshold) *yaml.Node {
			n := flow(mapNode())
			set(n, "min", floatNode(t.Min))
			set(n, "score", intNode(t.Score))
			return n
		}))
	}
	return m
}

// statusNode writes the minimums in Bab order, then any other keys sorted,
// so the table reads like the one in the standard.
func statusNode(st Status, babOrder []string) *yaml.Node {
	m := mapNode()
	set(m, "name", strNode(st.Name))
	if st.Min == nil {
		return m
	}
	mins := flow(mapNode())
	done := map[string]bool{}
	for _, id := range babOrder {
		if v, ok := st.Min[id]; ok && !done[id] {
			set(mins, id, floatNode(v))
			done[id] = true
		}
	}
	rest := make([]string, 0, len(st.Min))
	for id := range st.Min {
		if !done[id] {
			rest = append(rest, id)
		}
	}
	slices.Sort(rest)
	for _, id := range rest {
		set(mins, id, floatNode(st.Min[id]))
	}
	set(m, "min", mins)
	return m
}

func babNode(b Bab) *yaml.Node {
	m := mapNode()
	set(m, "id", strNode(b.ID))
	setStr(m, "title", b.Title)
	if b.Standar != nil {
		set(m, "standar", seqOf(b.Standar, standarNode))
	}
	return m
}

func standarNode(s Standar) *yaml.Node {
	m := mapNode()
	set(m, "id", strNode(s.ID))
	setStr(m, "title", s.Title)
	if s.Kriteria != nil {
		set(m, "kriteria", seqOf(s.Kriteria, kriteriaNode))
	}
	return m
}

func kriteriaNode(k Kriteria) *yaml.Node {
	m := mapNode()
	set(m, "id", strNode(k.ID))
	setStr(m, "title", k.Title)
	setStr(m, "statement", k.Statement)
	if k.PokokPikiran != nil {
		set(m, "pokok_pikiran", seqOf(k.PokokPikiran, strNode))
	}
	if k.Elements != nil {
		set(m, "elements", seqOf(k.Elements, elementNode))
	}
	return m
}

func elementNode(e Element) *yaml.Node {
	m := mapNode()
	set(m, "letter", strNode(e.Letter))
	set(m, "text", strNode(e.Text))
	if e.Methods != nil {
		set(m, "methods", flow(seqOf(e.Methods, func(x Method) *yaml.Node { return strNode(string(x)) })))
	}
	if e.Requirements != nil {
		set(m, "requirements", seqOf(e.Requirements, requirementNode))
	}
	return m
}

func requirementNode(r Requirement) *yaml.Node {
	m := mapNode()
	set(m, "key", strNode(r.Key))
	set(m, "method", strNode(string(r.Method)))
	set(m, "title", strNode(r.Title))
	setStr(m, "doc_type", r.DocType)
	setStr(m, "group", r.Group)
	setStr(m, "note", r.Note)
	if r.Stages != nil {
		set(m, "stages", flow(seqOf(r.Stages, strNode)))
	}
	if r.Parts != nil {
		set(m, "parts", seqOf(r.Parts, partNode))
	}
	if r.Interviewees != nil {
		set(m, "interviewees", seqOf(r.Interviewees, strNode))
	}
	setStr(m, "topic", r.Topic)
	return m
}

func partNode(p Part) *yaml.Node {
	m := mapNode()
	set(m, "key", strNode(p.Key))
	set(m, "title", strNode(p.Title))
	setStr(m, "doc_type", p.DocType)
	return m
}

// Node helpers. Strings carry the !!str tag so the encoder quotes values
// that would otherwise read back as another type ("2.1", "yes", "null").

func mapNode() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func flow(n *yaml.Node) *yaml.Node {
	n.Style = yaml.FlowStyle
	return n
}

func set(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, strNode(key), v)
}

// setStr writes an optional string field, leaving it out when empty.
func setStr(m *yaml.Node, key, v string) {
	if v != "" {
		set(m, key, strNode(v))
	}
}

func seqOf[T any](xs []T, node func(T) *yaml.Node) *yaml.Node {
	s := &yaml.Node{Kind: yaml.SequenceNode, Content: make([]*yaml.Node, 0, len(xs))}
	for _, x := range xs {
		s.Content = append(s.Content, node(x))
	}
	return s
}

func strNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func intNode(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(i)}
}

func boolNode(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

// floatNode writes f in its shortest exact form; whole numbers read as 80,
// not 80.0, and the YAML names are used for infinities and NaN.
func floatNode(f float64) *yaml.Node {
	var v string
	switch {
	case math.IsNaN(f):
		v = ".nan"
	case math.IsInf(f, 1):
		v = ".inf"
	case math.IsInf(f, -1):
		v = "-.inf"
	default:
		v = strconv.FormatFloat(f, 'g', -1, 64)
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Value: v}
}
