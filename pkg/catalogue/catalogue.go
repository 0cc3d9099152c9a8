package catalogue

import (
	"slices"
	"strings"
)

// FormatV1 is the value of the "format" field of a version-1 catalogue file.
const FormatV1 = "bukti-catalogue/v1"

// Method is a fact-finding method attached to an EP.
type Method string

// The methods of the national survey instrument.
const (
	Regulasi   Method = "R" // the Puskesmas's own policy documents: SK, SOP, KAK, pedoman
	Dokumen    Method = "D" // proof of implementation: RUK/RPK, minutes, attendance, photos, reports
	Observasi  Method = "O" // what the surveyor looks at on site
	Wawancara  Method = "W" // who is interviewed, on what
	Simulasi   Method = "S" // staff demonstrate a procedure
	methodList        = "RDOWS"
)

// Valid reports whether m is one of R, D, O, W, S.
func (m Method) Valid() bool { return len(m) == 1 && strings.Contains(methodList, string(m)) }

// NeedsFile reports whether requirements of this method are met by uploaded
// files (R and D). W is met by naming interviewees; O and S are verified on
// site and never count towards readiness.
func (m Method) NeedsFile() bool { return m == Regulasi || m == Dokumen }

// Catalogue is one version of a standard.
type Catalogue struct {
	Format  string  `yaml:"format" json:"format"`
	ID      string  `yaml:"id" json:"id"`           // stable identifier of the standard, e.g. "pkp-2023"
	Version string  `yaml:"version" json:"version"` // version of this catalogue file, e.g. "2023.1"
	Title   string  `yaml:"title" json:"title"`
	Source  string  `yaml:"source" json:"source,omitempty"` // legal basis, e.g. "KMK HK.01.07/MENKES/165/2023"
	Scoring Scoring `yaml:"scoring" json:"scoring"`
	Bab     []Bab   `yaml:"bab" json:"bab"`

	index *index // built by Parse
}

// Scoring holds the allowed EP scores and the status threshold table.
type Scoring struct {
	// Values are the numeric scores a surveyor may give, highest first
	// (10, 5, 0). The highest is the maximum of an EP.
	Values []int `yaml:"values" json:"values"`
	// TDD allows "tidak dapat diterapkan": the EP leaves numerator and denominator.
	TDD bool `yaml:"tdd" json:"tdd"`
	// Statuses are ordered from best to lowest; a facility gets the first
	// status whose every Bab minimum it meets.
	Statuses []Status `yaml:"statuses" json:"statuses"`
	// Below is the name used when no status is met.
	Below string `yaml:"below" json:"below"`
	// Suggest maps the documentary evidence of an EP — the fraction of its
	// R and D slots present and valid — to the score readiness suggests:
	// the first threshold (highest first) whose Min the fraction reaches,
	// else the lowest value. Empty: DefaultSuggest of Values.
	Suggest []Threshold `yaml:"suggest,omitempty" json:"suggest,omitempty"`
}

// Threshold is one row of the suggestion table: an EP whose documentary
// evidence reaches Min percent of its R and D slots is suggested Score.
type Threshold struct {
	Min   float64 `yaml:"min" json:"min"`
	Score int     `yaml:"score" json:"score"`
}

// DefaultSuggest is the suggestion table of a catalogue that names none,
// following the national convention for documents (terpenuhi lengkap /
// sebagian / tidak terpenuhi): at least 80 % of the R and D slots → the
// highest value, at least 20 % → the middle value, else the lowest. With
// two values only the 80 % row applies.
func DefaultSuggest(values []int) []Threshold {
	switch {
	case len(values) >= 3:
		return []Threshold{{Min: 80, Score: values[0]}, {Min: 20, Score: values[len(values)/2]}}
	case len(values) == 2:
		return []Threshold{{Min: 80, Score: values[0]}}
	default:
		return nil
	}
}

// SuggestFor maps a fraction (0..1) of present R and D slots to a score
// value through Suggest (or DefaultSuggest).
func (s Scoring) SuggestFor(fraction float64) int {
	table := s.Suggest
	if len(table) == 0 {
		table = DefaultSuggest(s.Values)
	}
	pct := fraction * 100
	for _, t := range table {
		if pct >= t.Min-1e-9 {
			return t.Score
		}
	}
	return s.Values[len(s.Values)-1]
}

// Max is the maximum score of one EP.
func (s Scoring) Max() int {
	if len(s.Values) == 0 {
		return 0
	}
	return s.Values[0]
}

// Status is one accreditation status with the minimum achievement (percent)
// required for each Bab, keyed by Bab ID.
type Status struct {
	Name string             `yaml:"name" json:"name"`
	Min  map[string]float64 `yaml:"min" json:"min"`
}

// Bab is a chapter of the standard.
type Bab struct {
	ID      string    `yaml:"id" json:"id"` // Roman numeral: I … V
	Title   string    `yaml:"title" json:"title"`
	Standar []Standar `yaml:"standar" json:"standar"`
}

// Standar is a standard within a Bab.
type Standar struct {
	ID       string     `yaml:"id" json:"id"` // e.g. "2.1"
	Title    string     `yaml:"title" json:"title"`
	Kriteria []Kriteria `yaml:"kriteria" json:"kriteria"`
}

// Kriteria is a criterion within a Standar.
type Kriteria struct {
	ID           string    `yaml:"id" json:"id"` // e.g. "2.1.2"
	Title        string    `yaml:"title" json:"title"`
	Statement    string    `yaml:"statement" json:"statement"`
	PokokPikiran []string  `yaml:"pokok_pikiran" json:"pokok_pikiran,omitempty"`
	Elements     []Element `yaml:"elements" json:"elements"`
}

// Element is an Elemen Penilaian (EP).
type Element struct {
	// Letter is the EP letter within its kriteria: a, b, c …
	Letter       string        `yaml:"letter" json:"letter"`
	ID           string        `yaml:"-" json:"id"` // kriteria ID + "/" + letter, e.g. "2.1.2/a"; set by Parse
	Text         string        `yaml:"text" json:"text"`
	Methods      []Method      `yaml:"methods" json:"methods"`
	Requirements []Requirement `yaml:"requirements" json:"requirements"`
}

// Requirement is one piece of evidence a surveyor will look for.
type Requirement struct {
	// Key is the requirement key within its EP: method letter + number as
	// listed in the standard, e.g. "R1", "D2", "W1".
	Key string `yaml:"key" json:"key"`
	// ID is the stable, globally unique ID: EP ID + "/" + Key, e.g.
	// "2.1.2/a/R1". Set by Parse.
	ID      string `yaml:"-" json:"id"`
	Method  Method `yaml:"method" json:"method"`
	Title   string `yaml:"title" json:"title"`
	DocType string `yaml:"doc_type" json:"doc_type,omitempty"` // SK, SOP, KAK, RUK/RPK, kesepakatan, daftar hadir, notulen, foto, …
	Group   string `yaml:"group" json:"group,omitempty"`       // heading the standard lists this item under
	Note    string `yaml:"note" json:"note,omitempty"`         // the standard's "Catatan"
	// Stages, when set, ask for the evidence once per stage (e.g.
	// perencanaan, pelaksanaan, perbaikan, evaluasi).
	Stages []string `yaml:"stages" json:"stages,omitempty"`
	// Parts, when set, ask for several documents together (e.g. daftar
	// hadir + notulen + foto for a meeting), for every stage.
	Parts []Part `yaml:"parts" json:"parts,omitempty"`
	// Interviewees and Topic describe a W item: who is interviewed, on what.
	Interviewees []string `yaml:"interviewees" json:"interviewees,omitempty"`
	Topic        string   `yaml:"topic" json:"topic,omitempty"`
}

// Part is one document of a multi-part requirement.
type Part struct {
	Key     string `yaml:"key" json:"key"` // e.g. "daftar_hadir"
	Title   string `yaml:"title" json:"title"`
	DocType string `yaml:"doc_type" json:"doc_type,omitempty"`
}

// Slot is one thing that must be present for a requirement to be met: a
// (stage, part) pair for file requirements, an interviewee role for W items.
// Empty Stage/Part mean the requirement has no stages/parts.
type Slot struct {
	Stage string `json:"stage,omitempty"`
	Part  string `json:"part,omitempty"`
}

// Slots lists every slot of r, stages outer, parts inner. A requirement
// without stages or parts has one empty slot. A W item has one slot per
// interviewee role (in Part).
func (r Requirement) Slots() []Slot {
	if r.Method == Wawancara {
		out := make([]Slot, 0, len(r.Interviewees))
		for _, who := range r.Interviewees {
			out = append(out, Slot{Part: who})
		}
		return out
	}
	stages := r.Stages
	if len(stages) == 0 {
		stages = []string{""}
	}
	parts := []string{""}
	if len(r.Parts) > 0 {
		parts = parts[:0]
		for _, p := range r.Parts {
			parts = append(parts, p.Key)
		}
	}
	out := make([]Slot, 0, len(stages)*len(parts))
	for _, s := range stages {
		for _, p := range parts {
			out = append(out, Slot{Stage: s, Part: p})
		}
	}
	return out
}

// HasStage reports whether stage is one of r's stages ("" when r has none).
func (r Requirement) HasStage(stage string) bool {
	if len(r.Stages) == 0 {
		return stage == ""
	}
	return slices.Contains(r.Stages, stage)
}

// HasPart reports whether part is one of r's parts ("" when r has none).
func (r Requirement) HasPart(part string) bool {
	if len(r.Parts) == 0 {
		return part == ""
	}
	return slices.ContainsFunc(r.Parts, func(p Part) bool { return p.Key == part })
}

// StatusFor returns the first status (best first) whose minimum every
// assessed Bab meets, or Below when none is met. percents maps Bab ID to
// achievement in percent; Bab missing from percents are not assessed and do
// not constrain the result. With no assessed Bab it returns "".
func (s Scoring) StatusFor(percents map[string]float64) string {
	if len(percents) == 0 {
		return ""
	}
	for _, st := range s.Statuses {
		met := true
		for bab, p := range percents {
			if min, ok := st.Min[bab]; ok && p < min {
				met = false
				break
			}
		}
		if met {
			return st.Name
		}
	}
	return s.Below
}

// HasInterviewee reports whether role is one of a W item's interviewees.
func (r Requirement) HasInterviewee(role string) bool {
	return slices.Contains(r.Interviewees, role)
}
