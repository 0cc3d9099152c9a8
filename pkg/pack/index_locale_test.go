package pack

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/scoring"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/ui"
)

// pages is the interface with its real catalogues (ui/locales).
var pages = func() *ui.UI {
	u, err := ui.Load()
	if err != nil {
		panic(err)
	}
	return u
}()

// localeInput is a survey touching every branch of the index page: every
// review state, an unmatched item, a requirement verified on site, a Bab
// without EP. The EP get the kinds of score from rot on (full, part, zero,
// TDD, none); rot < 0 scores none and leaves the dates unset. Its
// catalogue is Kriteria 2.1.2 alone (kriteria-2.1.2.yaml), whose Bab I,
// III, IV and V are empty, unlike the built-in complete standard's.
func localeInput(t *testing.T, typ, mode, state string, rot int) Input {
	t.Helper()
	c, err := criteria.File(criteria.Kriteria212File)
	if err != nil {
		t.Fatal(err)
	}
	sha := strings.Repeat("ab", 32)
	issued := time.Date(2024, time.February, 29, 0, 0, 0, 0, time.UTC)
	valid := time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)
	var reqs []string
	for r := range c.Requirements() {
		if r.Method.NeedsFile() {
			reqs = append(reqs, r.ID)
		}
	}
	if len(reqs) < 3 {
		t.Fatalf("the catalogue has %d requirements needing a file, want 3", len(reqs))
	}
	items := []bukti.SnapshotItem{
		{ID: 1, EvidenceID: 1, RevisionNumber: 2, RequirementID: reqs[0], Title: "SK", DocNumber: "12/X", DocRevision: "3",
			IssueDate: &issued, ValidUntil: &valid, FileName: "sk.pdf", Size: 2048, SHA256: sha, Review: bukti.ReviewAccepted, ReviewNote: "lengkap"},
		{ID: 2, EvidenceID: 2, RevisionNumber: 1, RequirementID: reqs[1], Title: "RUK", FileName: "ruk.pdf", Size: 5 << 20, SHA256: sha, Review: bukti.ReviewRejected},
		{ID: 3, EvidenceID: 3, RevisionNumber: 1, RequirementID: reqs[2], Title: "Notulen", FileName: "notulen.pdf", Size: 5, SHA256: sha},
		{ID: 4, EvidenceID: 4, RevisionNumber: 1, RequirementID: "9.9.9/z/R1", Title: "Lama", FileName: "lama.pdf", Size: 5, SHA256: sha},
	}
	scores := map[string]bukti.SurveyScore{}
	tally := map[string]scoring.Score{}
	values := []int{c.Scoring.Max(), c.Scoring.Max() / 2, 0, -1, -2} // -1 TDD, -2 none
	i := rot
	for p := range c.Elements() {
		if rot < 0 {
			break
		}
		id := p.Element.ID
		switch v := values[i%len(values)]; v {
		case -1:
			scores[id] = bukti.SurveyScore{ElementID: id, TDD: true}
			tally[id] = scoring.Score{TDD: true}
		case -2:
		default:
			scores[id] = bukti.SurveyScore{ElementID: id, Score: v, Facts: "fakta", Recommendation: "saran"}
			tally[id] = scoring.Score{Value: v}
		}
		i++
	}
	sv := bukti.Survey{ID: 9, Type: typ, Mode: mode, State: state}
	if rot >= 0 {
		start, end := issued, valid
		sv.StartDate, sv.EndDate = &start, &end
	}
	return Input{
		Survey:    sv,
		Facility:  bukti.Facility{Code: "P3201010101", Name: "Puskesmas Sukamaju"},
		Surveyors: []string{"dr. Ani"},
		Catalogue: c,
		Items:     items,
		Scores:    scores,
		Tally:     scoring.Compute(c, tally),
		Now:       time.Date(2025, time.March, 10, 9, 30, 0, 0, time.UTC),
		T:         pages.T,
	}
}

// rendered is one message the page asked for.
type rendered struct {
	lang, key, text string
}

// renderIndex renders index.html of in with the real catalogues and
// returns it with every message it asked for.
func renderIndex(t *testing.T, in Input) (string, []rendered) {
	t.Helper()
	var mu sync.Mutex
	var asked []rendered
	in.T = func(lang, key string, args ...any) string {
		s := pages.T(lang, key, args...)
		mu.Lock()
		asked = append(asked, rendered{lang, key, s})
		mu.Unlock()
		return s
	}
	files, err := plan(in)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	var buf bytes.Buffer
	if err := writeIndex(&buf, in, files); err != nil {
		t.Fatalf("writeIndex: %v", err)
	}
	return buf.String(), asked
}

// TestIndexLocale renders the index page with the real catalogues: no key
// shows through, the Bahasa text and its English gloss are both there.
func TestIndexLocale(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	var all strings.Builder
	for j, st := range surveyStates {
		for i, typ := range surveyTypes {
			rot := i + j
			if i == 0 && j == 0 {
				rot = -1
			}
			in := localeInput(t, typ, surveyModes[i%len(surveyModes)], st, rot)
			index, asked := renderIndex(t, in)
			all.WriteString(index)
			if i := strings.Index(index, "pack."); i >= 0 {
				t.Errorf("%s/%s: a message key shows in index.html: …%s…", st, typ, index[max(0, i-40):min(len(index), i+40)])
			}
			if !strings.Contains(index, `<html lang="id">`) {
				t.Errorf("%s/%s: index.html is not a Bahasa Indonesia page", st, typ)
			}
			for _, m := range asked {
				seen[m.lang+" "+m.key] = true
				if m.text == m.key {
					t.Errorf("%s/%s: %s: no message %q", st, typ, m.lang, m.key)
				}
				if !strings.Contains(strings.ToLower(index), strings.ToLower(template.HTMLEscapeString(m.text))) {
					t.Errorf("%s/%s: index.html lacks the %s text of %s, %q", st, typ, m.lang, m.key, m.text)
				}
			}
		}
	}
	// Every message of the template is asked for in Bahasa, and every
	// English gloss of the template in English.
	for _, m := range regexp.MustCompile(`\{\{(t|en) "([^"]+)"`).FindAllStringSubmatch(indexHTML, -1) {
		lang := map[string]string{"t": "id", "en": "en"}[m[1]]
		if !seen[lang+" "+m[2]] {
			t.Errorf("the template's %s %q was never rendered", m[1], m[2])
		}
	}

	// Anywhere in the pages above.
	for _, s := range []string{
		// Bahasa
		"<title>Paket Bukti Survei Akreditasi — Puskesmas Sukamaju</title>",
		"Dibuat 10 Maret 2025 09:30 UTC · 4 berkas, 5,0 MB · daftar lengkap dengan SHA-256 di <a href=\"manifest.csv\">manifest.csv</a>",
		"<h2>Identitas", "<th>Puskesmas</th>", "<th>Kode</th>", "29 Februari 2024 – 1 Desember 2026",
		"Akreditasi awal (initial)", "Luring di lokasi (on site)", "Sudah dinilai (scored)",
		"Diterima (accepted)", "Ditolak (rejected)", "Menunggu telaah (pending)",
		"terbit 29 Februari 2024, berlaku s.d. 1 Desember 2026", "No. 12/X · rev. dok. 3 · revisi unggahan 2 · 2 KB",
		"Nilai akhir", "10 / 10", "5 / 10", "0 / 10", "TDD (tidak dapat diterapkan)", "belum dinilai",
		"Fakta dan analisis", "(Dokumen)", "Bukti di luar katalog", "belum ditetapkan", "Belum dapat ditentukan",
		"EP belum dinilai.", "Sebagian Bab belum dinilai",
		// English gloss
		`<span class="en">Survey evidence pack</span>`, `<span class="en">Identity</span>`,
		`<span class="en">Recommended status</span>`, `<span class="en">final score</span>`,
		`<span class="en">Evidence for requirements not in this catalogue</span>`, `<span class="en">no Bab scored yet</span>`,
	} {
		if !strings.Contains(all.String(), s) {
			t.Errorf("no index.html contains %q", s)
		}
	}
}

// TestIndexLocaleFinal: a label whose English is the same word is not
// glossed twice.
func TestIndexLocaleFinal(t *testing.T) {
	t.Parallel()
	index, _ := renderIndex(t, localeInput(t, "upgrade", "hybrid", bukti.SurveyFinal, 0))
	for _, s := range []string{"<td>Final</td>", "Peningkatan status (upgrade)", "Hibrida (hybrid)"} {
		if !strings.Contains(index, s) {
			t.Errorf("index.html does not contain %q", s)
		}
	}
	// Values without a message are shown as they are, never as a key.
	index, _ = renderIndex(t, localeInput(t, "", "", "archived", 0))
	if strings.Contains(index, "pack.") || !strings.Contains(index, "<td>archived</td>") {
		t.Error("a value without a message does not show as it is")
	}
}

// verbRE finds the fmt verbs of a message.
var verbRE = regexp.MustCompile(`%[-+# 0]*(?:\[\d+\])?\d*(?:\.\d+)?[a-zA-Z%]`)

// TestPackMessages checks the pack.* keys of the catalogues: each is in
// both languages with the same verbs, formats cleanly with arguments, and
// every key the package uses is there.
func TestPackMessages(t *testing.T) {
	t.Parallel()
	cats := map[string]map[string]string{}
	for _, lang := range ui.Languages {
		b, err := os.ReadFile(filepath.Join("..", "..", "ui", "locales", lang+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := yaml.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s.yaml: %v", lang, err)
		}
		cats[lang] = m
	}
	var keys []string
	for _, lang := range ui.Languages {
		for k := range cats[lang] {
			if strings.HasPrefix(k, "pack.") && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	if len(keys) == 0 {
		t.Fatal("the catalogues have no pack.* key")
	}
	for _, k := range keys {
		id, okID := cats["id"][k]
		en, okEN := cats["en"][k]
		if !okID || !okEN {
			t.Errorf("%s: in id.yaml %v, in en.yaml %v; want both", k, okID, okEN)
			continue
		}
		vid, ven := verbRE.FindAllString(id, -1), verbRE.FindAllString(en, -1)
		if !slices.Equal(vid, ven) {
			t.Errorf("%s: verbs %q in id.yaml, %q in en.yaml", k, vid, ven)
		}
		var args []any
		for i, v := range vid {
			switch v[len(v)-1] {
			case 'd':
				args = append(args, i+1)
			case '%':
			default:
				args = append(args, "x"+strconv.Itoa(i))
			}
		}
		for _, lang := range ui.Languages {
			got := pages.T(lang, k, args...)
			if got == k || strings.Contains(got, "%!") {
				t.Errorf("%s %s with %v: %q", lang, k, args, got)
			}
			if len(args) == 0 && got != cats[lang][k] {
				t.Errorf("%s %s: ui gives %q, the file %q", lang, k, got, cats[lang][k])
			}
		}
	}

	// The keys the package uses: literal "pack.…" strings in its source
	// and the template, plus the prefixes completed from value lists.
	used := map[string]bool{}
	srcs, _ := filepath.Glob("*.go")
	for _, f := range srcs {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`"(pack\.[A-Za-z0-9_.]*)"`).FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") {
				used[m[1]] = true
			}
		}
	}
	for prefix, values := range map[string][]string{
		"pack.type.": surveyTypes, "pack.mode.": surveyModes, "pack.state.": surveyStates, "pack.review.": reviewStates,
	} {
		for _, v := range values {
			used[prefix+v] = true
		}
	}
	for _, m := range methods {
		used["pack.method."+string(m)] = true
	}
	for m := time.January; m <= time.December; m++ {
		used[fmt.Sprintf("pack.month.%d", m)] = true
	}
	for k := range used {
		if !slices.Contains(keys, k) {
			t.Errorf("the package uses %q, which the catalogues lack", k)
		}
	}
	for _, k := range keys {
		if !used[k] {
			t.Errorf("the catalogues have %q, which the package does not use", k)
		}
	}
	// Every method of the catalogue package has a name.
	for _, m := range []catalogue.Method{catalogue.Regulasi, catalogue.Dokumen, catalogue.Observasi, catalogue.Wawancara, catalogue.Simulasi} {
		if got := pages.T("id", "pack.method."+string(m)); got == "pack.method."+string(m) {
			t.Errorf("method %s has no name", m)
		}
	}
}

// TestWriteNeedsTranslator checks that a pack is refused, before any
// byte is written, when the caller gives no translator.
func TestWriteNeedsTranslator(t *testing.T) {
	in := localeInput(t, "initial", "onsite", bukti.SurveyScored, 0)
	in.T = nil
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, testenv.OpenStore(t, "filesystem"), in); err == nil || !strings.Contains(err.Error(), "translator") || buf.Len() != 0 {
		t.Errorf("Write without a translator: err %v, %d bytes written", err, buf.Len())
	}
}
