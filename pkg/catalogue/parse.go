package catalogue

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParseError says which file and which place in it is wrong, and why.
type ParseError struct {
	File   string // name given to Parse
	Path   string // e.g. "bab[0].standar[0].kriteria[0].elements[1].requirements[2].key"
	Reason string
}

func (e *ParseError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("catalogue %s: %s", e.File, e.Reason)
	}
	return fmt.Sprintf("catalogue %s: %s: %s", e.File, e.Path, e.Reason)
}

var (
	letterRe = regexp.MustCompile(`^[a-z]$`)
	keyRe    = regexp.MustCompile(`^[RDOWS][1-9][0-9]*$`)
	slugRe   = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`)
)

// Parse reads a catalogue document. name is used in error messages only.
// Unknown fields are errors, so a typo in a field name cannot silently drop
// data. The returned catalogue is validated and indexed; see Validate for the
// rules listed on validate.
func Parse(name string, data []byte) (*Catalogue, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var c Catalogue
	if err := dec.Decode(&c); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ParseError{File: name, Reason: "file is empty"}
		}
		return nil, &ParseError{File: name, Reason: err.Error()}
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &ParseError{File: name, Reason: "only one YAML document is allowed: remove the text after ---"}
	}
	if err := c.validate(name); err != nil {
		return nil, err
	}
	return &c, nil
}

// validate checks the rules below, fills derived IDs and builds the index:
//   - format is FormatV1; id, version and title are set;
//   - scoring values are distinct, descending, non-negative, with a positive
//     maximum; every status has a name and a minimum in [0,100] for every
//     Bab of the catalogue (and only for those), and a status listed later
//     never demands more than one listed before it; suggestion thresholds
//     (if any) have minimums in (0,100] and scores among the values, both
//     strictly descending;
//   - Bab, standar, kriteria, EP and requirement IDs are unique; EP letters
//     are a single lower-case letter; requirement keys are method letter +
//     number and their method matches;
//   - every EP has at least one requirement, and each requirement's method
//     is one of the EP's methods;
//   - W items name at least one interviewee and a topic; stages and parts
//     are unique slugs/names.
func (c *Catalogue) validate(file string) error {
	fail := func(path, format string, args ...any) error {
		return &ParseError{File: file, Path: path, Reason: fmt.Sprintf(format, args...)}
	}
	if c.Format != FormatV1 {
		return fail("format", "must be %q, got %q", FormatV1, c.Format)
	}
	for _, f := range []struct{ name, v string }{{"id", c.ID}, {"version", c.Version}, {"title", c.Title}} {
		if strings.TrimSpace(f.v) == "" {
			return fail(f.name, "is required")
		}
	}

	ix := &index{
		requirements: map[string]*Requirement{},
		elements:     map[string]*Element{},
		kriteria:     map[string]Place{},
		place:        map[string]Place{},
	}
	seen := map[string]string{} // any ID → path where first seen
	// unique checks that id is set and not seen before at this level.
	unique := func(path, level, id string) error {
		if strings.TrimSpace(id) == "" {
			return fail(path, "is required")
		}
		if first, dup := seen[level+":"+id]; dup {
			return fail(path, "duplicate ID %q (first at %s)", id, first)
		}
		seen[level+":"+id] = path
		return nil
	}
	if len(c.Bab) == 0 {
		return fail("bab", "the catalogue has no Bab")
	}
	for bi := range c.Bab {
		b := &c.Bab[bi]
		bp := fmt.Sprintf("bab[%d]", bi)
		if err := unique(bp+".id", "bab", b.ID); err != nil {
			return err
		}
		for si := range b.Standar {
			s := &b.Standar[si]
			sp := fmt.Sprintf("%s.standar[%d]", bp, si)
			if err := unique(sp+".id", "standar", s.ID); err != nil {
				return err
			}
			for ki := range s.Kriteria {
				k := &s.Kriteria[ki]
				kp := fmt.Sprintf("%s.kriteria[%d]", sp, ki)
				if err := unique(kp+".id", "kriteria", k.ID); err != nil {
					return err
				}
				if !strings.HasPrefix(k.ID, s.ID+".") {
					return fail(kp+".id", "kriteria %q does not belong to standar %q", k.ID, s.ID)
				}
				if len(k.Elements) == 0 {
					return fail(kp+".elements", "kriteria %s has no elemen penilaian", k.ID)
				}
				ix.kriteria[k.ID] = Place{Bab: b, Standar: s, Kriteria: k}
				for ei := range k.Elements {
					e := &k.Elements[ei]
					ep := fmt.Sprintf("%s.elements[%d]", kp, ei)
					if !letterRe.MatchString(e.Letter) {
						return fail(ep+".letter", "must be one lower-case letter, got %q", e.Letter)
					}
					e.ID = k.ID + "/" + e.Letter
					if err := unique(ep+".letter", "ep", e.ID); err != nil {
						return err
					}
					if strings.TrimSpace(e.Text) == "" {
						return fail(ep+".text", "is required")
					}
					for mi, m := range e.Methods {
						if !m.Valid() {
							return fail(fmt.Sprintf("%s.methods[%d]", ep, mi), "unknown method %q (use R, D, O, W or S)", m)
						}
					}
					if len(e.Requirements) == 0 {
						return fail(ep+".requirements", "EP %s has no requirement", e.ID)
					}
					ix.elements[e.ID] = e
					for ri := range e.Requirements {
						r := &e.Requirements[ri]
						rp := fmt.Sprintf("%s.requirements[%d]", ep, ri)
						if err := validateRequirement(rp, r, e, fail); err != nil {
							return err
						}
						r.ID = e.ID + "/" + r.Key
						if err := unique(rp+".key", "requirement", r.ID); err != nil {
							return err
						}
						ix.requirements[r.ID] = r
						ix.place[r.ID] = Place{Bab: b, Standar: s, Kriteria: k, Element: e}
					}
				}
			}
		}
	}
	if err := c.validateScoring(fail); err != nil {
		return err
	}
	c.index = ix
	return nil
}

func (c *Catalogue) validateScoring(fail func(string, string, ...any) error) error {
	sc := c.Scoring
	if len(sc.Values) == 0 {
		return fail("scoring.values", "at least one score value is required (e.g. [10, 5, 0])")
	}
	for i, v := range sc.Values {
		if v < 0 || (i > 0 && v >= sc.Values[i-1]) {
			return fail(fmt.Sprintf("scoring.values[%d]", i), "values must be non-negative and strictly descending, got %v", sc.Values)
		}
	}
	if sc.Values[0] <= 0 {
		return fail("scoring.values[0]", "the maximum score must be positive")
	}
	if len(sc.Statuses) == 0 {
		return fail("scoring.statuses", "the status threshold table is empty")
	}
	if strings.TrimSpace(sc.Below) == "" {
		return fail("scoring.below", "name the status given when no threshold is met (e.g. Tidak Terakreditasi)")
	}
	for i, t := range sc.Suggest {
		p := fmt.Sprintf("scoring.suggest[%d]", i)
		if t.Min <= 0 || t.Min > 100 {
			return fail(p+".min", "minimum must be above 0 and at most 100 (percent of R and D slots), got %v", t.Min)
		}
		if !slices.Contains(sc.Values, t.Score) {
			return fail(p+".score", "score %d is not one of the scoring values %v", t.Score, sc.Values)
		}
		if i > 0 && (t.Min >= sc.Suggest[i-1].Min || t.Score >= sc.Suggest[i-1].Score) {
			return fail(p, "rows must be ordered highest first: both min and score below the row before")
		}
	}
	babs := map[string]bool{}
	babIDs := make([]string, 0, len(c.Bab)) // in file order, for deterministic errors
	for _, b := range c.Bab {
		babs[b.ID] = true
		babIDs = append(babIDs, b.ID)
	}
	names := map[string]bool{}
	for i, st := range sc.Statuses {
		p := fmt.Sprintf("scoring.statuses[%d]", i)
		if strings.TrimSpace(st.Name) == "" {
			return fail(p+".name", "is required")
		}
		if names[st.Name] {
			return fail(p+".name", "duplicate status %q", st.Name)
		}
		names[st.Name] = true
		mins := slices.Sorted(maps.Keys(st.Min))
		for _, bab := range mins {
			min := st.Min[bab]
			if !babs[bab] {
				return fail(p+".min."+bab, "no Bab %q in this catalogue", bab)
			}
			if min < 0 || min > 100 {
				return fail(p+".min."+bab, "minimum must be between 0 and 100, got %v", min)
			}
			if i > 0 {
				if prev, ok := sc.Statuses[i-1].Min[bab]; ok && min > prev {
					return fail(p+".min."+bab, "%s demands %v%% but the higher status %s only %v%%", st.Name, min, sc.Statuses[i-1].Name, prev)
				}
			}
		}
		for _, bab := range babIDs {
			if _, ok := st.Min[bab]; !ok {
				return fail(p+".min", "no minimum for Bab %s", bab)
			}
		}
	}
	return nil
}

func validateRequirement(rp string, r *Requirement, e *Element, fail func(string, string, ...any) error) error {
	if !keyRe.MatchString(r.Key) {
		return fail(rp+".key", "must be a method letter and a number such as R1 or D2, got %q", r.Key)
	}
	if !r.Method.Valid() {
		return fail(rp+".method", "unknown method %q (use R, D, O, W or S)", r.Method)
	}
	if string(r.Key[0]) != string(r.Method) {
		return fail(rp+".key", "key %q does not match method %s", r.Key, r.Method)
	}
	if len(e.Methods) > 0 && !slices.Contains(e.Methods, r.Method) {
		return fail(rp+".method", "method %s is not among the EP's methods %v", r.Method, e.Methods)
	}
	if strings.TrimSpace(r.Title) == "" {
		return fail(rp+".title", "is required")
	}
	if r.Method == Wawancara {
		if len(r.Interviewees) == 0 {
			return fail(rp+".interviewees", "a W item must name at least one interviewee")
		}
		if strings.TrimSpace(r.Topic) == "" {
			return fail(rp+".topic", "a W item must state the interview topic")
		}
		if len(r.Stages) > 0 || len(r.Parts) > 0 {
			return fail(rp, "a W item takes interviewees, not stages or parts")
		}
		for i, who := range r.Interviewees {
			if strings.TrimSpace(who) == "" {
				return fail(fmt.Sprintf("%s.interviewees[%d]", rp, i), "name the role to be interviewed")
			}
		}
		if dup := firstDuplicate(r.Interviewees); dup != "" {
			return fail(rp+".interviewees", "duplicate interviewee %q", dup)
		}
		return nil
	}
	if len(r.Interviewees) > 0 || r.Topic != "" {
		return fail(rp, "interviewees and topic belong to W items only")
	}
	for i, s := range r.Stages {
		if !slugRe.MatchString(s) {
			return fail(fmt.Sprintf("%s.stages[%d]", rp, i), "stage must be a lower-case word, got %q", s)
		}
	}
	if dup := firstDuplicate(r.Stages); dup != "" {
		return fail(rp+".stages", "duplicate stage %q", dup)
	}
	keys := make([]string, 0, len(r.Parts))
	for i, p := range r.Parts {
		if !slugRe.MatchString(p.Key) {
			return fail(fmt.Sprintf("%s.parts[%d].key", rp, i), "part key must be a lower-case word, got %q", p.Key)
		}
		if strings.TrimSpace(p.Title) == "" {
			return fail(fmt.Sprintf("%s.parts[%d].title", rp, i), "is required")
		}
		keys = append(keys, p.Key)
	}
	if dup := firstDuplicate(keys); dup != "" {
		return fail(rp+".parts", "duplicate part %q", dup)
	}
	return nil
}

func firstDuplicate(xs []string) string {
	seen := map[string]bool{}
	for _, x := range xs {
		if seen[x] {
			return x
		}
		seen[x] = true
	}
	return ""
}
