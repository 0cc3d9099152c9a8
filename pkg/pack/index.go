package pack

import (
	"errors"
	"html/template"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
)

// The index page is a report in Bahasa Indonesia (English in smaller type
// where it helps a reviewer from outside), readable offline: the CSS is
// inline, there is no script and no link leaves the archive. Every value
// is escaped by html/template; file links are relative paths whose
// segments are URL-escaped.

type indexPage struct {
	Facility   bukti.Facility
	Survey     bukti.Survey
	Catalogue  string
	Type       string
	Mode       string
	State      string
	Dates      string
	Surveyors  []string
	Status     string
	Partial    bool
	Next       string
	Generated  string
	FileCount  int
	TotalSize  string
	Bab        []babView
	Unmatched  []fileView // items whose requirement is not in the catalogue
	Unscored   int
	ScoreCount int
}

type babView struct {
	ID, Title string
	Percent   string // "" when not assessed
	Min       string // the next status's minimum, "" when none
	Short     bool
	Standar   []standarView
}

type standarView struct {
	ID, Title string
	Kriteria  []kriteriaView
}

type kriteriaView struct {
	ID, Title, Statement string
	Percent              string
	Elements             []elementView
}

type elementView struct {
	ID, Letter, Text string
	Score            string
	ScoreClass       string
	Facts            string
	Recommendation   string
	Requirements     []reqView
}

type reqView struct {
	ID, Key, Title string
	Method         string
	NeedsFile      bool
	Note           string
	Files          []fileView
	// Interview is set on a W item: Interviewees lists its roles, each
	// with the person the facility named (Name empty: nobody yet).
	Interview    bool
	Interviewees []intervieweeView
}

// intervieweeView is one role of a W item and who was named for it.
type intervieweeView struct {
	Role, Name, Position string
}

type fileView struct {
	Href        string
	Path        string
	Name        string
	Requirement string
	Title       string
	Slot        string
	DocNumber   string
	DocRevision string
	Revision    int
	Dates       string
	Size        string
	Review      string
	ReviewClass string
	ReviewNote  string
}

// href turns an entry path into a relative URL: each segment escaped, so
// spaces, "#", "%" and non-ASCII letters survive.
func href(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// tanggal formats a date the Indonesian way: "2 Januari 2025" (month
// names from the catalogue, keys pack.month.1 … pack.month.12).
func (tr Translator) tanggal(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + tr.id("pack.month."+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}

// persen formats a percentage with a decimal comma: "85,5%".
func persen(p float64) string {
	return strings.Replace(strconv.FormatFloat(p, 'f', 1, 64), ".", ",", 1) + "%"
}

// ukuran formats a size in bytes for people.
func ukuran(n int64) string {
	switch {
	case n >= 1<<30:
		return strings.Replace(strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64), ".", ",", 1) + " GB"
	case n >= 1<<20:
		return strings.Replace(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".", ",", 1) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt((n+512)>>10, 10) + " KB"
	default:
		return strconv.FormatInt(n, 10) + " B"
	}
}

// id and en give the text of a message key in Bahasa Indonesia and in
// English.
func (tr Translator) id(key string, args ...any) string { return tr("id", key, args...) }
func (tr Translator) en(key string, args ...any) string { return tr("en", key, args...) }

// glossed is the Bahasa text of key with its English in brackets
// ("Diterima (accepted)"), or the Bahasa text alone when both are the same
// word ("Final").
func (tr Translator) glossed(key string) string {
	id, en := tr.id(key), tr.en(key)
	if strings.EqualFold(id, en) {
		return id
	}
	return id + " (" + en + ")"
}

// label gives the glossed text of a known value: the key is prefix+k
// ("pack.type.initial"); a value outside known (or empty) is shown as it
// is.
func (tr Translator) label(prefix string, known []string, k string) string {
	if !slices.Contains(known, k) {
		return k
	}
	return tr.glossed(prefix + k)
}

// The values that have a label: message keys pack.type.<value>,
// pack.mode.<value> and so on.
var (
	surveyTypes  = []string{"initial", "reaccreditation", "upgrade"}
	surveyModes  = []string{"onsite", "hybrid"}
	surveyStates = []string{bukti.SurveyPlanned, bukti.SurveySelfAssessment, bukti.SurveyInReview, bukti.SurveyScored, bukti.SurveyFinal}
	reviewStates = []string{bukti.ReviewPending, bukti.ReviewAccepted, bukti.ReviewRejected}
	methods      = []catalogue.Method{catalogue.Regulasi, catalogue.Dokumen, catalogue.Observasi, catalogue.Wawancara, catalogue.Simulasi}
)

func fileViewOf(tr Translator, f *file) fileView {
	it := f.item
	name := f.path[strings.LastIndexByte(f.path, '/')+1:]
	var dates []string
	if it.IssueDate != nil && !it.IssueDate.IsZero() {
		dates = append(dates, tr.id("pack.file_issued", tr.tanggal(it.IssueDate.UTC())))
	}
	if it.ValidUntil != nil && !it.ValidUntil.IsZero() {
		dates = append(dates, tr.id("pack.file_valid_until", tr.tanggal(it.ValidUntil.UTC())))
	}
	review := it.Review
	if review == "" {
		review = bukti.ReviewPending
	}
	return fileView{
		Href:        href(f.path),
		Path:        f.path,
		Name:        name,
		Requirement: it.RequirementID,
		Title:       it.Title,
		Slot:        f.slot,
		DocNumber:   it.DocNumber,
		DocRevision: it.DocRevision,
		Revision:    it.RevisionNumber,
		Dates:       strings.Join(dates, ", "),
		Size:        ukuran(it.Size),
		Review:      tr.label("pack.review.", reviewStates, review),
		ReviewClass: review,
		ReviewNote:  it.ReviewNote,
	}
}

// page builds the template data from the input and the planned files.
func page(tr Translator, in Input, files []file) indexPage {
	c := in.Catalogue
	p := indexPage{
		Facility:  in.Facility,
		Survey:    in.Survey,
		Catalogue: in.Survey.Catalogue,
		Type:      tr.label("pack.type.", surveyTypes, in.Survey.Type),
		Mode:      tr.label("pack.mode.", surveyModes, in.Survey.Mode),
		State:     tr.label("pack.state.", surveyStates, in.Survey.State),
		Surveyors: in.Surveyors,
		Status:    in.Tally.Status,
		Partial:   in.Tally.Partial,
		Next:      in.Tally.Next,
		FileCount: len(files),
		Unscored:  len(in.Tally.Unscored),
	}
	if p.Catalogue == "" {
		p.Catalogue = c.ID + "@" + c.Version
	}
	if c.Title != "" {
		p.Catalogue = c.Title + " — " + p.Catalogue
	}
	switch s, e := in.Survey.StartDate, in.Survey.EndDate; {
	case s != nil && e != nil && !s.Equal(*e):
		p.Dates = tr.tanggal(*s) + " – " + tr.tanggal(*e)
	case s != nil:
		p.Dates = tr.tanggal(*s)
	case e != nil:
		p.Dates = tr.tanggal(*e)
	}
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	p.Generated = tr.tanggal(now) + " " + now.Format("15:04 MST")

	named := map[string]map[string]bukti.Interviewee{}
	for _, iv := range in.Interviewees {
		if named[iv.RequirementID] == nil {
			named[iv.RequirementID] = map[string]bukti.Interviewee{}
		}
		named[iv.RequirementID][iv.Role] = iv
	}
	byReq := map[string][]fileView{}
	var total int64
	for i := range files {
		f := &files[i]
		total += f.item.Size
		if f.req == nil {
			p.Unmatched = append(p.Unmatched, fileViewOf(tr, f))
			continue
		}
		byReq[f.req.ID] = append(byReq[f.req.ID], fileViewOf(tr, f))
	}
	p.TotalSize = ukuran(total)

	mins := map[string]float64{}
	for _, st := range c.Scoring.Statuses {
		if st.Name == in.Tally.Next {
			mins = st.Min
		}
	}
	max := c.Scoring.Max()
	rollups := in.Tally.Rollups()
	for _, b := range c.Bab {
		bv := babView{ID: b.ID, Title: b.Title}
		if r, ok := rollups[b.ID]; ok && r.Assessed {
			bv.Percent = persen(r.Percent)
			if m, ok := mins[b.ID]; ok && in.Tally.Next != "" {
				bv.Min = persen(m)
				bv.Short = r.Percent < m
			}
		}
		for _, s := range b.Standar {
			sv := standarView{ID: s.ID, Title: s.Title}
			for _, k := range s.Kriteria {
				kv := kriteriaView{ID: k.ID, Title: k.Title, Statement: k.Statement}
				if r, ok := rollups[k.ID]; ok && r.Assessed {
					kv.Percent = persen(r.Percent)
				}
				for _, e := range k.Elements {
					ev := elementView{ID: e.ID, Letter: e.Letter, Text: e.Text, Score: tr.id("pack.not_scored"), ScoreClass: "none"}
					if sc, ok := in.Scores[e.ID]; ok {
						p.ScoreCount++
						ev.Facts, ev.Recommendation = sc.Facts, sc.Recommendation
						switch {
						case sc.TDD:
							ev.Score, ev.ScoreClass = tr.id("pack.score_tdd"), "tdd"
						case sc.Score >= max:
							ev.Score, ev.ScoreClass = tr.id("pack.score", sc.Score, max), "full"
						case sc.Score > 0:
							ev.Score, ev.ScoreClass = tr.id("pack.score", sc.Score, max), "part"
						default:
							ev.Score, ev.ScoreClass = tr.id("pack.score", sc.Score, max), "zero"
						}
					}
					for _, r := range e.Requirements {
						rv := reqView{
							ID: r.ID, Key: r.Key, Title: r.Title,
							Method:    tr.method(r.Method),
							NeedsFile: r.Method.NeedsFile(),
							Note:      r.Note,
							Files:     byReq[r.ID],
							Interview: r.Method == catalogue.Wawancara,
						}
						for _, role := range r.Interviewees {
							iv := named[r.ID][role]
							rv.Interviewees = append(rv.Interviewees, intervieweeView{Role: role, Name: iv.Name, Position: iv.Position})
						}
						ev.Requirements = append(ev.Requirements, rv)
					}
					kv.Elements = append(kv.Elements, ev)
				}
				sv.Kriteria = append(sv.Kriteria, kv)
			}
			bv.Standar = append(bv.Standar, sv)
		}
		p.Bab = append(p.Bab, bv)
	}
	return p
}

// method is the Bahasa name of an evidence method ("Dokumen"), the
// method's letter when it has none.
func (tr Translator) method(m catalogue.Method) string {
	if !slices.Contains(methods, m) {
		return string(m)
	}
	return tr.id("pack.method." + string(m))
}

// writeIndex renders index.html to w.
func writeIndex(w io.Writer, in Input, files []file) error {
	tr, err := translator(in)
	if err != nil {
		return err
	}
	t, err := indexTemplate.Clone()
	if err != nil {
		return err
	}
	t.Funcs(template.FuncMap{"t": tr.id, "en": tr.en})
	return t.Execute(w, page(tr, in, files))
}

// indexTemplate is parsed once; writeIndex binds t (Bahasa) and en
// (English) to the pack's translator on a clone.
var indexTemplate = template.Must(template.New("index.html").Funcs(template.FuncMap{
	"t":  func(string, ...any) string { panic("pack: index template executed without a translator") },
	"en": func(string, ...any) string { panic("pack: index template executed without a translator") },
}).Parse(indexHTML))

// translator returns the translator of in, which Write requires.
func translator(in Input) (Translator, error) {
	if in.T == nil {
		return nil, errors.New("pack: no translator in the input (Input.T)")
	}
	return in.T, nil
}

const indexHTML = `<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{t "pack.title"}} — {{.Facility.Name}}</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;max-width:1100px;margin:0 auto;padding:1.5rem}
h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.3rem;border-bottom:2px solid #0b6e4f;padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.1rem;margin:1.5rem 0 .5rem}h4{font-size:1rem;margin:1rem 0 .25rem}
.en{color:#6b7280;font-size:.85em;font-weight:normal}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d1d5db;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f4f6}
.ep{border:1px solid #d1d5db;border-radius:6px;padding:.75rem 1rem;margin:.75rem 0;background:#fff}
.score{display:inline-block;padding:.1rem .5rem;border-radius:4px;font-weight:600}
.full{background:#d1fae5}.part{background:#fef3c7}.zero{background:#fee2e2}.tdd{background:#e5e7eb}.none{background:#f3f4f6;color:#6b7280}
.req{margin:.5rem 0 .5rem 1rem}.files{margin:.25rem 0;padding-left:1.25rem}
.empty{color:#b91c1c;font-style:italic}
.pending{color:#92400e}.accepted{color:#065f46}.rejected{color:#b91c1c;font-weight:600}
.meta{color:#4b5563;font-size:.9em}.note{white-space:pre-wrap}
.status{font-size:1.2rem;font-weight:700;color:#0b6e4f}
code{font-size:.9em}
@media print{body{max-width:none}.ep{break-inside:avoid}}
</style>
</head>
<body>
<h1>{{t "pack.title"}} <span class="en">{{en "pack.title"}}</span></h1>
<p class="meta">{{t "pack.generated" .Generated .FileCount .TotalSize}} <a href="manifest.csv">manifest.csv</a></p>

<h2>{{t "pack.identity"}} <span class="en">{{en "pack.identity"}}</span></h2>
<table>
<tr><th>{{t "pack.facility"}}</th><td>{{.Facility.Name}}</td></tr>
<tr><th>{{t "pack.code"}}</th><td>{{.Facility.Code}}</td></tr>
<tr><th>{{t "pack.survey"}} <span class="en">{{en "pack.survey"}}</span></th><td>#{{.Survey.ID}}</td></tr>
<tr><th>{{t "pack.type"}} <span class="en">{{en "pack.type"}}</span></th><td>{{.Type}}</td></tr>
<tr><th>{{t "pack.mode"}} <span class="en">{{en "pack.mode"}}</span></th><td>{{.Mode}}</td></tr>
<tr><th>{{t "pack.dates"}} <span class="en">{{en "pack.dates"}}</span></th><td>{{with .Dates}}{{.}}{{else}}{{t "pack.dates_unset"}}{{end}}</td></tr>
<tr><th>{{t "pack.state"}} <span class="en">{{en "pack.state"}}</span></th><td>{{.State}}</td></tr>
<tr><th>{{t "pack.catalogue"}} <span class="en">{{en "pack.catalogue"}}</span></th><td>{{.Catalogue}}</td></tr>
<tr><th>{{t "pack.surveyors"}} <span class="en">{{en "pack.surveyors"}}</span></th><td>{{range $i, $s := .Surveyors}}{{if $i}}, {{end}}{{$s}}{{else}}—{{end}}</td></tr>
</table>

<h2>{{t "pack.status"}} <span class="en">{{en "pack.status"}}</span></h2>
{{if .Status}}<p class="status">{{.Status}}</p>{{else}}<p class="status none">{{t "pack.status_none"}} <span class="en">{{en "pack.status_none"}}</span></p>{{end}}
{{if .Partial}}<p class="meta">{{t "pack.partial"}}</p>{{end}}
{{if .Unscored}}<p class="meta">{{t "pack.unscored" .Unscored}}</p>{{end}}
<table>
<tr><th>{{t "pack.col_bab"}}</th><th>{{t "pack.col_title"}}</th><th>{{t "pack.col_achievement"}} <span class="en">{{en "pack.col_achievement"}}</span></th>{{if .Next}}<th>{{t "pack.col_min" .Next}}</th>{{end}}</tr>
{{range .Bab}}<tr><td><a href="#bab-{{.ID}}">{{t "pack.bab" .ID}}</a></td><td>{{.Title}}</td><td>{{with .Percent}}{{.}}{{else}}<span class="none">{{t "pack.not_scored"}}</span>{{end}}</td>{{if $.Next}}<td>{{.Min}}{{if .Short}} <span class="zero">{{t "pack.short"}}</span>{{end}}</td>{{end}}</tr>
{{end}}</table>

{{range .Bab}}
<h2 id="bab-{{.ID}}">{{t "pack.bab" .ID}}. {{.Title}}{{with .Percent}} <span class="en">{{.}}</span>{{end}}</h2>
{{range .Standar}}
<h3>{{t "pack.standar" .ID}}. {{.Title}}</h3>
{{range .Kriteria}}
<h4 id="k-{{.ID}}">{{t "pack.kriteria" .ID}}. {{.Title}}{{with .Percent}} <span class="en">{{.}}</span>{{end}}</h4>
{{with .Statement}}<p class="meta">{{.}}</p>{{end}}
{{range .Elements}}
<div class="ep" id="ep-{{.ID}}">
<p><strong>{{t "pack.ep" .Letter}}</strong> <code>{{.ID}}</code> — {{.Text}}</p>
<p>{{t "pack.final_score"}} <span class="en">{{en "pack.final_score"}}</span>: <span class="score {{.ScoreClass}}">{{.Score}}</span></p>
{{with .Facts}}<p><strong>{{t "pack.facts"}}</strong> <span class="en">{{en "pack.facts"}}</span>:</p><p class="note">{{.}}</p>{{end}}
{{with .Recommendation}}<p><strong>{{t "pack.recommendation"}}</strong> <span class="en">{{en "pack.recommendation"}}</span>:</p><p class="note">{{.}}</p>{{end}}
{{range .Requirements}}
<div class="req">
<p><strong>{{.Key}}</strong> <span class="meta">({{.Method}})</span> {{.Title}}</p>
{{if .Interview}}<p class="meta">{{t "pack.interviewees"}} <span class="en">{{en "pack.interviewees"}}</span>:</p>
<ul class="files">{{range .Interviewees}}<li>{{.Role}}: {{if .Name}}<strong>{{.Name}}</strong>{{with .Position}} ({{.}}){{end}}{{else}}<span class="empty">{{t "pack.interviewee_unnamed"}}</span>{{end}}</li>
{{else}}<li class="empty">{{t "pack.interviewee_unnamed"}}</li>
{{end}}</ul>
{{end}}{{if .Files}}<ul class="files">
{{range .Files}}{{template "file" .}}{{end}}</ul>
{{else if .NeedsFile}}<p class="empty">{{t "pack.no_evidence"}} <span class="en">{{en "pack.no_evidence"}}</span></p>
{{else}}<p class="empty">{{t "pack.no_file"}} <span class="en">{{en "pack.no_file"}}</span></p>
{{end}}</div>
{{end}}</div>
{{end}}{{end}}{{else}}<p class="empty">{{t "pack.bab_empty"}}</p>
{{end}}{{end}}

{{if .Unmatched}}
<h2>{{t "pack.unmatched"}} <span class="en">{{en "pack.unmatched"}}</span></h2>
<ul class="files">
{{range .Unmatched}}{{template "file" .}}{{end}}</ul>
{{end}}
</body>
</html>
{{define "file"}}<li><a href="{{.Href}}">{{.Name}}</a>{{if .Slot}} <span class="meta">[{{.Slot}}]</span>{{end}} — {{.Title}}
<span class="meta">{{with .DocNumber}}{{t "pack.file_doc_number" .}} · {{end}}{{with .DocRevision}}{{t "pack.file_doc_revision" .}} · {{end}}{{t "pack.file_revision" .Revision}} · {{.Size}}{{with .Dates}} · {{.}}{{end}}</span>
· <span class="{{.ReviewClass}}">{{.Review}}</span>{{with .ReviewNote}}: <span class="note">{{.}}</span>{{end}}</li>
{{end}}`
