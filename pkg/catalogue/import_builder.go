package catalogue

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// builder collects EP rows from any number of sheets and files into one
// catalogue tree.
type builder struct {
	opt    ImportOptions
	babs   map[string]*babAcc
	seen   map[string]ImportProblem // EP ID → where it was first read
	report ImportReport
}

type babAcc struct {
	title   string // from a bab cell
	standar map[string]*standarAcc
}

type standarAcc struct {
	title    string
	kriteria map[string]*kriteriaAcc
}

type kriteriaAcc struct {
	title    string
	elements []Element
}

func newBuilder(opt ImportOptions) *builder {
	b := &builder{opt: opt, babs: map[string]*babAcc{}, seen: map[string]ImportProblem{}}
	for _, id := range babIDs {
		b.babs[id] = &babAcc{standar: map[string]*standarAcc{}}
	}
	return b
}

func (b *builder) skip(sheet string, row int, reason string) {
	b.report.Skipped = append(b.report.Skipped, ImportProblem{Sheet: sheet, Row: row, Reason: reason})
}

func (b *builder) warn(sheet string, row int, reason string) {
	b.report.Warnings = append(b.report.Warnings, ImportProblem{Sheet: sheet, Row: row, Reason: reason})
}

// add places an EP; a second EP with the same ID is skipped.
func (b *builder) add(sheet string, ep *epRow) bool {
	id := ep.kriteria + "/" + ep.el.Letter
	if first, dup := b.seen[id]; dup {
		b.skip(sheet, ep.row, fmt.Sprintf("duplicate EP %s (first read on sheet %q row %d): remove one of the two rows", id, first.Sheet, first.Row))
		return false
	}
	b.seen[id] = ImportProblem{Sheet: sheet, Row: ep.row}
	bab := b.babs[ep.bab]
	if bab.title == "" {
		bab.title = ep.babTitle
	}
	st := bab.standar[ep.standar]
	if st == nil {
		st = &standarAcc{kriteria: map[string]*kriteriaAcc{}}
		bab.standar[ep.standar] = st
	}
	if st.title == "" {
		st.title = ep.standarTitle
	}
	k := st.kriteria[ep.kriteria]
	if k == nil {
		k = &kriteriaAcc{}
		st.kriteria[ep.kriteria] = k
	}
	if k.title == "" {
		k.title = ep.kriteriaTitle
	}
	k.elements = append(k.elements, ep.el)
	return true
}

// tree assembles the catalogue: Bab I to V always, standar, kriteria and EP
// sorted by number. It also fills the counts of the report.
func (b *builder) tree() *Catalogue {
	c := &Catalogue{
		Format:  FormatV1,
		ID:      b.opt.ID,
		Version: b.opt.Version,
		Title:   firstNonBlank(b.opt.Title, b.opt.ID),
		Source:  b.opt.Source,
		Scoring: b.opt.Scoring,
		Bab:     make([]Bab, 0, len(babIDs)),
	}
	r := &b.report
	for _, id := range babIDs {
		acc := b.babs[id]
		bab := Bab{ID: id, Title: firstNonBlank(b.opt.BabTitles[id], acc.title, "Bab "+id), Standar: []Standar{}}
		if len(acc.standar) > 0 {
			r.Bab++
		}
		for _, sid := range slices.SortedFunc(maps.Keys(acc.standar), idLess) {
			sa := acc.standar[sid]
			st := Standar{ID: sid, Title: firstNonBlank(sa.title, "Standar "+sid)}
			for _, kid := range slices.SortedFunc(maps.Keys(sa.kriteria), idLess) {
				ka := sa.kriteria[kid]
				els := slices.SortedFunc(slices.Values(ka.elements), func(x, y Element) int { return strings.Compare(x.Letter, y.Letter) })
				st.Kriteria = append(st.Kriteria, Kriteria{ID: kid, Title: firstNonBlank(ka.title, "Kriteria "+kid), Elements: els})
				r.Kriteria++
				r.Elements += len(els)
				for _, e := range els {
					for _, q := range e.Requirements {
						if q.Method == Wawancara {
							r.Interviews++
						} else {
							r.Requirements++
						}
					}
				}
			}
			bab.Standar = append(bab.Standar, st)
			r.Standar++
		}
		c.Bab = append(c.Bab, bab)
	}
	return c
}

// firstNonBlank returns the first string that is not blank.
func firstNonBlank(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// finish builds the catalogue and validates it by a Marshal/Parse round
// trip, which also indexes it.
func (b *builder) finish() (*Catalogue, ImportReport, error) {
	c := b.tree()
	if b.report.Elements == 0 {
		why := summarise(b.report.Skipped)
		return nil, b.report, refuse(ErrNoElements,
			fmt.Sprintf("catalogue import: %v: %s; fix the rows listed in the report and import again", ErrNoElements, why),
			fmt.Sprintf("Tidak ada baris EP yang valid: format penilaian mandiri ditemukan, tetapi tidak satu baris pun menjadi EP (%s). Perbaiki baris yang tercantum di laporan impor lalu impor lagi.", why),
			fmt.Sprintf("%v: the self-assessment layout was found, but no row makes an EP (%s); fix the rows listed in the report and import again", ErrNoElements, why))
	}
	data, err := Marshal(c)
	if err != nil {
		return nil, b.report, fmt.Errorf("catalogue import: %w", err)
	}
	parsed, err := Parse("import "+b.opt.ID+" "+b.opt.Version, data)
	if err != nil {
		return nil, b.report, fmt.Errorf("catalogue import: the imported catalogue is invalid: %w (for scoring errors pass the built-in's Scoring in ImportOptions)", err)
	}
	return parsed, b.report, nil
}

// summarise describes the first skipped rows for an error message.
func summarise(skipped []ImportProblem) string {
	if len(skipped) == 0 {
		return "there are no data rows under the header"
	}
	const show = 3
	parts := make([]string, 0, show)
	for _, p := range skipped[:min(show, len(skipped))] {
		parts = append(parts, p.String())
	}
	s := fmt.Sprintf("%d rows or sheets skipped: %s", len(skipped), strings.Join(parts, "; "))
	if len(skipped) > show {
		s += "; …"
	}
	return s
}
