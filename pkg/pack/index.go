package pack

import (
	"html/template"
	"io"
	"net/url"
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
	Title      string
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

var months = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// tanggal formats a date the Indonesian way: "2 Januari 2025".
func tanggal(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + months[t.Month()-1] + " " + strconv.Itoa(t.Year())
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

func label(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}

var (
	typeLabels = map[string]string{
		"initial":         "Akreditasi awal (initial)",
		"reaccreditation": "Reakreditasi (re-accreditation)",
		"upgrade":         "Peningkatan status (upgrade)",
	}
	modeLabels = map[string]string{
		"onsite": "Luring di lokasi (on site)",
		"hybrid": "Hibrida (hybrid)",
	}
	stateLabels = map[string]string{
		bukti.SurveyPlanned:        "Direncanakan (planned)",
		bukti.SurveySelfAssessment: "Penilaian mandiri (self-assessment)",
		bukti.SurveyInReview:       "Telaah surveior (in review)",
		bukti.SurveyScored:         "Sudah dinilai (scored)",
		bukti.SurveyFinal:          "Final",
	}
	reviewLabels = map[string]string{
		bukti.ReviewPending:  "Menunggu telaah (pending)",
		bukti.ReviewAccepted: "Diterima (accepted)",
		bukti.ReviewRejected: "Ditolak (rejected)",
	}
	methodLabels = map[catalogue.Method]string{
		catalogue.Regulasi:  "Regulasi",
		catalogue.Dokumen:   "Dokumen",
		catalogue.Observasi: "Observasi",
		catalogue.Wawancara: "Wawancara",
		catalogue.Simulasi:  "Simulasi",
	}
)

func fileViewOf(f *file) fileView {
	it := f.item
	name := f.path[strings.LastIndexByte(f.path, '/')+1:]
	var dates []string
	if it.IssueDate != nil && !it.IssueDate.IsZero() {
		dates = append(dates, "terbit "+tanggal(it.IssueDate.UTC()))
	}
	if it.ValidUntil != nil && !it.ValidUntil.IsZero() {
		dates = append(dates, "berlaku s.d. "+tanggal(it.ValidUntil.UTC()))
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
		Review:      label(reviewLabels, review),
		ReviewClass: review,
		ReviewNote:  it.ReviewNote,
	}
}

// page builds the template data from the input and the planned files.
func page(in Input, files []file) indexPage {
	c := in.Catalogue
	p := indexPage{
		Title:     "Paket Bukti Survei Akreditasi",
		Facility:  in.Facility,
		Survey:    in.Survey,
		Catalogue: in.Survey.Catalogue,
		Type:      label(typeLabels, in.Survey.Type),
		Mode:      label(modeLabels, in.Survey.Mode),
		State:     label(stateLabels, in.Survey.State),
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
		p.Dates = tanggal(*s) + " – " + tanggal(*e)
	case s != nil:
		p.Dates = tanggal(*s)
	case e != nil:
		p.Dates = tanggal(*e)
	}
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	p.Generated = tanggal(now) + " " + now.Format("15:04 MST")

	byReq := map[string][]fileView{}
	var total int64
	for i := range files {
		f := &files[i]
		total += f.item.Size
		if f.req == nil {
			p.Unmatched = append(p.Unmatched, fileViewOf(f))
			continue
		}
		byReq[f.req.ID] = append(byReq[f.req.ID], fileViewOf(f))
	}
	p.TotalSize = ukuran(total)

	mins := map[string]float64{}
	for _, st := range c.Scoring.Statuses {
		if st.Name == in.Tally.Next {
			mins = st.Min
		}
	}
	max := c.Scoring.Max()
	for _, b := range c.Bab {
		bv := babView{ID: b.ID, Title: b.Title}
		if r, ok := in.Tally.Rollup(b.ID); ok && r.Assessed {
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
				if r, ok := in.Tally.Rollup(k.ID); ok && r.Assessed {
					kv.Percent = persen(r.Percent)
				}
				for _, e := range k.Elements {
					ev := elementView{ID: e.ID, Letter: e.Letter, Text: e.Text, Score: "belum dinilai", ScoreClass: "none"}
					if sc, ok := in.Scores[e.ID]; ok {
						p.ScoreCount++
						ev.Facts, ev.Recommendation = sc.Facts, sc.Recommendation
						switch {
						case sc.TDD:
							ev.Score, ev.ScoreClass = "TDD (tidak dapat diterapkan)", "tdd"
						case sc.Score >= max:
							ev.Score, ev.ScoreClass = strconv.Itoa(sc.Score)+" / "+strconv.Itoa(max), "full"
						case sc.Score > 0:
							ev.Score, ev.ScoreClass = strconv.Itoa(sc.Score)+" / "+strconv.Itoa(max), "part"
						default:
							ev.Score, ev.ScoreClass = strconv.Itoa(sc.Score)+" / "+strconv.Itoa(max), "zero"
						}
					}
					for _, r := range e.Requirements {
						ev.Requirements = append(ev.Requirements, reqView{
							ID: r.ID, Key: r.Key, Title: r.Title,
							Method:    methodLabel(r.Method),
							NeedsFile: r.Method.NeedsFile(),
							Note:      r.Note,
							Files:     byReq[r.ID],
						})
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

func methodLabel(m catalogue.Method) string {
	if l, ok := methodLabels[m]; ok {
		return l
	}
	return string(m)
}

// writeIndex renders index.html to w.
func writeIndex(w io.Writer, in Input, files []file) error {
	return indexTemplate.Execute(w, page(in, files))
}

var indexTemplate = template.Must(template.New("index.html").Parse(indexHTML))

const indexHTML = `<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} — {{.Facility.Name}}</title>
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
<h1>{{.Title}} <span class="en">Survey evidence pack</span></h1>
<p class="meta">Dibuat {{.Generated}} · {{.FileCount}} berkas, {{.TotalSize}} · daftar lengkap dengan SHA-256 di <a href="manifest.csv">manifest.csv</a></p>

<h2>Identitas <span class="en">Identity</span></h2>
<table>
<tr><th>Puskesmas</th><td>{{.Facility.Name}}</td></tr>
<tr><th>Kode</th><td>{{.Facility.Code}}</td></tr>
<tr><th>Survei <span class="en">Survey</span></th><td>#{{.Survey.ID}}</td></tr>
<tr><th>Jenis <span class="en">Type</span></th><td>{{.Type}}</td></tr>
<tr><th>Moda <span class="en">Mode</span></th><td>{{.Mode}}</td></tr>
<tr><th>Tanggal <span class="en">Dates</span></th><td>{{with .Dates}}{{.}}{{else}}belum ditetapkan{{end}}</td></tr>
<tr><th>Tahap <span class="en">State</span></th><td>{{.State}}</td></tr>
<tr><th>Standar <span class="en">Catalogue</span></th><td>{{.Catalogue}}</td></tr>
<tr><th>Surveior <span class="en">Surveyors</span></th><td>{{range $i, $s := .Surveyors}}{{if $i}}, {{end}}{{$s}}{{else}}—{{end}}</td></tr>
</table>

<h2>Rekomendasi status <span class="en">Recommended status</span></h2>
{{if .Status}}<p class="status">{{.Status}}</p>{{else}}<p class="status none">Belum dapat ditentukan <span class="en">no Bab scored yet</span></p>{{end}}
{{if .Partial}}<p class="meta">Sebagian Bab belum dinilai; status hanya memperhitungkan Bab yang sudah dinilai.</p>{{end}}
{{if .Unscored}}<p class="meta">{{.Unscored}} EP belum dinilai.</p>{{end}}
<table>
<tr><th>Bab</th><th>Judul</th><th>Capaian <span class="en">Achievement</span></th>{{if .Next}}<th>Minimal {{.Next}}</th>{{end}}</tr>
{{range .Bab}}<tr><td><a href="#bab-{{.ID}}">Bab {{.ID}}</a></td><td>{{.Title}}</td><td>{{with .Percent}}{{.}}{{else}}<span class="none">belum dinilai</span>{{end}}</td>{{if $.Next}}<td>{{.Min}}{{if .Short}} <span class="zero">belum tercapai</span>{{end}}</td>{{end}}</tr>
{{end}}</table>

{{range .Bab}}
<h2 id="bab-{{.ID}}">Bab {{.ID}}. {{.Title}}{{with .Percent}} <span class="en">{{.}}</span>{{end}}</h2>
{{range .Standar}}
<h3>Standar {{.ID}}. {{.Title}}</h3>
{{range .Kriteria}}
<h4 id="k-{{.ID}}">Kriteria {{.ID}}. {{.Title}}{{with .Percent}} <span class="en">{{.}}</span>{{end}}</h4>
{{with .Statement}}<p class="meta">{{.}}</p>{{end}}
{{range .Elements}}
<div class="ep" id="ep-{{.ID}}">
<p><strong>EP {{.Letter}}</strong> <code>{{.ID}}</code> — {{.Text}}</p>
<p>Nilai akhir <span class="en">final score</span>: <span class="score {{.ScoreClass}}">{{.Score}}</span></p>
{{with .Facts}}<p><strong>Fakta dan analisis</strong> <span class="en">facts</span>:</p><p class="note">{{.}}</p>{{end}}
{{with .Recommendation}}<p><strong>Rekomendasi</strong> <span class="en">recommendation</span>:</p><p class="note">{{.}}</p>{{end}}
{{range .Requirements}}
<div class="req">
<p><strong>{{.Key}}</strong> <span class="meta">({{.Method}})</span> {{.Title}}</p>
{{if .Files}}<ul class="files">
{{range .Files}}{{template "file" .}}{{end}}</ul>
{{else if .NeedsFile}}<p class="empty">Belum ada bukti <span class="en">no evidence</span></p>
{{else}}<p class="empty">Belum ada bukti berkas <span class="en">verified on site</span></p>
{{end}}</div>
{{end}}</div>
{{end}}{{end}}{{else}}<p class="empty">Bab ini belum berisi standar dalam katalog ini.</p>
{{end}}{{end}}

{{if .Unmatched}}
<h2>Bukti di luar katalog <span class="en">Evidence for requirements not in this catalogue</span></h2>
<ul class="files">
{{range .Unmatched}}{{template "file" .}}{{end}}</ul>
{{end}}
</body>
</html>
{{define "file"}}<li><a href="{{.Href}}">{{.Name}}</a>{{if .Slot}} <span class="meta">[{{.Slot}}]</span>{{end}} — {{.Title}}
<span class="meta">{{with .DocNumber}}No. {{.}} · {{end}}{{with .DocRevision}}rev. dok. {{.}} · {{end}}revisi unggahan {{.Revision}} · {{.Size}}{{with .Dates}} · {{.}}{{end}}</span>
· <span class="{{.ReviewClass}}">{{.Review}}</span>{{with .ReviewNote}}: <span class="note">{{.}}</span>{{end}}</li>
{{end}}`
