package pack_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/pack"
	"github.com/bukti-id/bukti/pkg/scoring"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/storage"
	"github.com/bukti-id/bukti/ui"
)

// now is the fixed clock of every test: 10 March 2025, 09:00 WIB.
var now = time.Date(2025, time.March, 10, 2, 0, 0, 0, time.UTC)

// sum returns the lower-case hex SHA-256 of data.
func sum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// put stores data under the key of its own SHA-256 and returns the sum.
func put(tb testing.TB, st storage.Store, data []byte) string {
	tb.Helper()
	s := sum(data)
	putAs(tb, st, data, s)
	return s
}

// putAs stores data under the key of sha, which need not be data's: the
// way a corrupted or tampered blob looks to a reader.
func putAs(tb testing.TB, st storage.Store, data []byte, sha string) {
	tb.Helper()
	ctx := context.Background()
	key, err := storage.Key(sha)
	if err != nil {
		tb.Fatal(err)
	}
	// Replace whatever is there: a Commit keeps an existing blob's bytes
	// on the filesystem.
	if err := st.Delete(ctx, key); err != nil {
		tb.Fatal(err)
	}
	tmp, err := st.Stage(ctx, bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("stage: %v", err)
	}
	if _, err := st.Commit(ctx, tmp, key); err != nil {
		tb.Fatalf("commit: %v", err)
	}
}

// randomBytes returns n deterministic pseudo-random bytes.
func randomBytes(n int, seed uint64) []byte {
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16)})
	b := make([]byte, n)
	r.Read(b)
	return b
}

// spec describes one snapshot item of a test: its file and where it goes.
type spec struct {
	evidence int64
	revision int
	req      string
	stage    string
	part     string
	name     string
	ctype    string
	data     []byte
	review   string
	note     string
}

// items stores every spec's bytes and returns the snapshot items.
func items(tb testing.TB, st storage.Store, specs []spec) []bukti.SnapshotItem {
	tb.Helper()
	out := make([]bukti.SnapshotItem, 0, len(specs))
	for i, s := range specs {
		sha := put(tb, st, s.data)
		ctype := s.ctype
		if ctype == "" {
			ctype = "application/pdf"
		}
		review := s.review
		if review == "" {
			review = bukti.ReviewPending
		}
		rev := s.revision
		if rev == 0 {
			rev = 1
		}
		issue := time.Date(2024, time.January, 2+i, 0, 0, 0, 0, time.UTC)
		out = append(out, bukti.SnapshotItem{
			ID:             int64(100 + i),
			SurveyID:       9,
			EvidenceID:     s.evidence,
			RevisionID:     int64(1000 + i),
			RevisionNumber: rev,
			RequirementID:  s.req,
			Stage:          s.stage,
			Part:           s.part,
			Title:          "Dokumen " + strconv.Itoa(i),
			DocNumber:      "445/" + strconv.Itoa(i) + "/PKM",
			IssueDate:      &issue,
			FileName:       s.name,
			ContentType:    ctype,
			Size:           int64(len(s.data)),
			SHA256:         sha,
			UploadedAt:     now.Add(-time.Duration(i+1) * time.Hour),
			Review:         review,
			ReviewNote:     s.note,
			AddedAt:        now,
		})
	}
	return out
}

// input is a survey of the built-in catalogue holding the given items,
// with EP a scored 10, b TDD and c unscored.
// locales is the interface with its real catalogues, the pack's
// translator.
var locales = sync.OnceValue(func() *ui.UI {
	u, err := ui.Load()
	if err != nil {
		panic(err)
	}
	return u
})

func input(items []bukti.SnapshotItem) pack.Input {
	c := criteria.MustBuiltin()
	start := time.Date(2025, time.March, 10, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 0, 2)
	scores := map[string]bukti.SurveyScore{
		"2.1.2/a": {SurveyID: 9, ElementID: "2.1.2/a", Score: 10, Facts: "RUK memuat kegiatan <swadaya>", Recommendation: "Pertahankan"},
		"2.1.2/b": {SurveyID: 9, ElementID: "2.1.2/b", TDD: true, Facts: "Tidak ada kegiatan", Recommendation: ""},
	}
	tally := scoring.Compute(c, map[string]scoring.Score{"2.1.2/a": {Value: 10}, "2.1.2/b": {TDD: true}})
	return pack.Input{
		Survey: bukti.Survey{
			ID: 9, FacilityID: 1, Catalogue: c.ID + "@" + c.Version, Type: "initial", Mode: "onsite",
			State: bukti.SurveyScored, StartDate: &start, EndDate: &end,
		},
		Facility:  bukti.Facility{ID: 1, Code: "P3201010101", Name: "Puskesmas Sukamaju & <Sejahtera>"},
		Surveyors: []string{"dr. Ani", "Budi S.K.M."},
		Catalogue: c,
		T:         locales().T,
		Items:     items,
		Scores:    scores,
		Tally:     tally,
		Now:       now,
	}
}

// unpacked is a written pack read back.
type unpacked struct {
	files    map[string]*zip.File // every entry by name
	manifest [][]string           // rows without the header
	index    string
}

// manifestHeader is manifest.csv's header in Bahasa Indonesia, the
// language of a pack unless another is asked for (TestPackManifestLanguage).
var manifestHeader = []string{
	"Berkas", "Persyaratan", "Judul persyaratan", "EP", "Judul bukti",
	"Nomor dokumen", "Revisi dokumen", "Unggahan ke", "Tanggal terbit", "Berlaku sampai",
	"Diunggah (UTC)", "Ukuran (byte)", "SHA-256", "Hasil telaah", "Catatan telaah",
}

// hrefRE finds every link of index.html.
var hrefRE = regexp.MustCompile(`href="([^"]*)"`)

// check opens the archive and verifies what every pack must satisfy: every
// file matches its manifest row's SHA-256 and size, the manifest and the
// archive list the same files, index.html links to every file (and to
// nothing outside the archive), and every path is safe and unique.
func check(t *testing.T, data []byte) unpacked {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("the pack is not a valid ZIP: %v", err)
	}
	u := unpacked{files: map[string]*zip.File{}}
	lower := map[string]string{}
	for _, f := range zr.File {
		if _, dup := u.files[f.Name]; dup {
			t.Errorf("entry %q appears twice", f.Name)
		}
		u.files[f.Name] = f
		if prev, dup := lower[strings.ToLower(f.Name)]; dup {
			t.Errorf("entries %q and %q differ only in case", prev, f.Name)
		}
		lower[strings.ToLower(f.Name)] = f.Name
		checkPath(t, f.Name)
		if f.Method != zip.Deflate {
			t.Errorf("%s: method %d, want Deflate", f.Name, f.Method)
		}
	}
	n := len(zr.File)
	if n < 2 || zr.File[n-2].Name != "index.html" || zr.File[n-1].Name != "manifest.csv" {
		t.Fatalf("the archive must end with index.html and manifest.csv; entries: %v", names(zr.File))
	}

	rows, err := csv.NewReader(bytes.NewReader(read(t, u.files["manifest.csv"]))).ReadAll()
	if err != nil {
		t.Fatalf("manifest.csv: %v", err)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], manifestHeader) {
		t.Fatalf("manifest header: got %v, want %v", rows[:min(1, len(rows))], manifestHeader)
	}
	u.manifest = rows[1:]
	u.index = string(read(t, u.files["index.html"]))

	inManifest := map[string]bool{}
	for _, row := range u.manifest {
		path, size, sha := row[0], row[11], row[12]
		inManifest[path] = true
		f, ok := u.files[path]
		if !ok {
			t.Errorf("manifest lists %q, which is not in the archive", path)
			continue
		}
		body := read(t, f)
		if got := strconv.Itoa(len(body)); got != size {
			t.Errorf("%s: %s bytes, manifest says %s", path, got, size)
		}
		if got := sum(body); got != sha {
			t.Errorf("%s: sha256 %s, manifest says %s", path, got, sha)
		}
	}
	for name := range u.files {
		if name != "index.html" && name != "manifest.csv" && !inManifest[name] {
			t.Errorf("archive holds %q, which manifest.csv does not list", name)
		}
	}
	if len(inManifest) != len(u.manifest) {
		t.Errorf("manifest.csv lists a path twice")
	}

	linked := map[string]bool{}
	for _, m := range hrefRE.FindAllStringSubmatch(u.index, -1) {
		raw := html.UnescapeString(m[1])
		if strings.HasPrefix(raw, "#") {
			continue
		}
		for _, r := range raw {
			if r <= ' ' || r > '~' {
				t.Errorf("index.html: href %q is not URL-escaped", raw)
				break
			}
		}
		if strings.Contains(raw, ":") || strings.HasPrefix(raw, "/") {
			t.Errorf("index.html: href %q is not a relative link", raw)
		}
		p, err := url.PathUnescape(raw)
		if err != nil {
			t.Errorf("index.html: href %q: %v", raw, err)
			continue
		}
		if _, ok := u.files[p]; !ok {
			t.Errorf("index.html links to %q, which is not in the archive", p)
		}
		linked[p] = true
	}
	for path := range inManifest {
		if !linked[path] {
			t.Errorf("index.html has no link to %q", path)
		}
	}
	for _, bad := range []string{"<script", "http://", "https://", "src="} {
		if strings.Contains(strings.ToLower(u.index), bad) {
			t.Errorf("index.html contains %q; it must be self-contained", bad)
		}
	}
	return u
}

// reserved are the device names Windows refuses.
var reserved = regexp.MustCompile(`(?i)^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\.|$)`)

// checkPath fails the test unless p is safe to extract anywhere.
func checkPath(t *testing.T, p string) {
	t.Helper()
	if len(p) >= 200 {
		t.Errorf("path %q is %d bytes, want < 200", p, len(p))
	}
	if !utf8.ValidString(p) {
		t.Errorf("path %q is not UTF-8", p)
	}
	for seg := range strings.SplitSeq(p, "/") {
		switch {
		case seg == "" || seg == "." || seg == "..":
			t.Errorf("path %q has segment %q", p, seg)
		case strings.HasPrefix(seg, ".") || strings.HasSuffix(seg, ".") || strings.HasSuffix(seg, " ") || strings.HasPrefix(seg, " "):
			t.Errorf("path %q: segment %q starts or ends with a dot or space", p, seg)
		case strings.Contains(seg, ".."):
			t.Errorf("path %q: segment %q contains ..", p, seg)
		case strings.ContainsAny(seg, `\<>:"|?*`):
			t.Errorf("path %q: segment %q has a character Windows reserves", p, seg)
		case strings.IndexFunc(seg, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0:
			t.Errorf("path %q: segment %q has a control character", p, seg)
		case reserved.MatchString(seg):
			t.Errorf("path %q: segment %q is a Windows device name", p, seg)
		}
	}
}

func read(t *testing.T, f *zip.File) []byte {
	t.Helper()
	if f == nil {
		t.Fatal("missing entry")
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatalf("open %s: %v", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", f.Name, err)
	}
	return b
}

func names(fs []*zip.File) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

const r1 = "Bab II/2.1/2.1.2/a/R1/"

func TestWrite(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Laporan evaluasi kegiatan pemberdayaan masyarakat ", 8) + ".pdf"
	cases := []struct {
		name  string
		specs []spec
		// want maps a spec's index to the path it must get.
		want map[int]string
		// index must contain every one of these strings.
		index []string
	}{
		{
			name: "unicode name kept",
			specs: []spec{
				{evidence: 1, req: "2.1.2/a/R1", name: "Notulen rapat – Mei ✓.pdf", data: []byte("notulen")},
			},
			want:  map[int]string{0: r1 + "Notulen rapat – Mei ✓.pdf"},
			index: []string{`href="Bab%20II/2.1/2.1.2/a/R1/Notulen%20rapat%20%E2%80%93%20Mei%20%E2%9C%93.pdf"`},
		},
		{
			name: "hostile names made safe",
			specs: []spec{
				{evidence: 1, req: "2.1.2/a/R1", name: "../../etc/passwd", data: []byte("passwd")},
				{evidence: 2, req: "2.1.2/a/R1", name: `a/b\c.pdf`, data: []byte("abc")},
				{evidence: 3, req: "2.1.2/a/R1", name: ".hidden", data: []byte("hidden")},
				{evidence: 4, req: "2.1.2/a/R1", name: "CON.pdf", data: []byte("con")},
				{evidence: 5, req: "2.1.2/a/R1", name: "lpt1", ctype: "image/png", data: []byte("lpt")},
				{evidence: 6, req: "2.1.2/a/R1", name: "rapat\x00\x1b[31m\u202egpj.exe", data: []byte("ctl")},
				{evidence: 7, req: "2.1.2/a/R1", name: `what?<>:"|*.pdf`, data: []byte("win")},
				{evidence: 8, req: "2.1.2/a/R1", name: "foto\xff\xfe.jpg", ctype: "image/jpeg", data: []byte("bad utf8")},
				{evidence: 9, req: "2.1.2/a/R1", name: "laporan.pdf. . ", data: []byte("trailing")},
			},
			want: map[int]string{
				0: r1 + "etc_passwd.pdf",
				1: r1 + "a_b_c.pdf",
				2: r1 + "hidden.pdf",
				3: r1 + "_CON.pdf",
				4: r1 + "_lpt1.png",
				5: r1 + "rapat_[31m_gpj.pdf", // the extension of the detected type, never the uploaded one
				6: r1 + "what.pdf",
				7: r1 + "foto.jpg",
				8: r1 + "laporan.pdf",
			},
		},
		{
			name: "hopeless names fall back",
			specs: []spec{
				{evidence: 41, revision: 3, req: "2.1.2/a/R2", name: "", ctype: "image/png", data: []byte("empty")},
				{evidence: 42, req: "2.1.2/a/R2", name: "???", data: []byte("question")},
				{evidence: 43, req: "2.1.2/a/R2", name: "../..", ctype: "application/x-unknown", data: []byte("dots")},
				{evidence: 44, req: "2.1.2/a/R2", name: ".pdf", data: []byte("only ext")},
			},
			want: map[int]string{
				0: "Bab II/2.1/2.1.2/a/R2/bukti-41-r3.png",
				1: "Bab II/2.1/2.1.2/a/R2/bukti-42-r1.pdf",
				2: "Bab II/2.1/2.1.2/a/R2/bukti-43-r1.bin",
				3: "Bab II/2.1/2.1.2/a/R2/pdf.pdf",
			},
		},
		{
			name: "duplicates made unique in item order",
			specs: []spec{
				// Out of order on purpose: names follow evidence ID, revision.
				{evidence: 12, req: "2.1.2/a/R1", name: "SK.pdf", data: []byte("sk 12")},
				{evidence: 10, req: "2.1.2/a/R1", name: "SK.pdf", data: []byte("sk 10")},
				{evidence: 11, revision: 2, req: "2.1.2/a/R1", name: "sk.PDF", data: []byte("sk 11 r2")},
				{evidence: 11, revision: 1, req: "2.1.2/a/R1", name: "SK (2).pdf", data: []byte("sk 11 r1")},
				// Same name in another folder is no duplicate.
				{evidence: 13, req: "2.1.2/a/R2", name: "SK.pdf", data: []byte("sk 13")},
			},
			want: map[int]string{
				1: r1 + "SK.pdf",
				3: r1 + "SK (2).pdf",
				2: r1 + "sk (3).pdf",
				0: r1 + "SK (4).pdf",
				4: "Bab II/2.1/2.1.2/a/R2/SK.pdf",
			},
		},
		{
			name: "very long names cut keeping the extension",
			specs: []spec{
				{evidence: 1, req: "2.1.2/b/D3", stage: "perencanaan", part: "daftar_hadir", name: long, data: []byte("long 1")},
				{evidence: 2, req: "2.1.2/b/D3", stage: "perencanaan", part: "daftar_hadir", name: long, data: []byte("long 2")},
				{evidence: 3, req: "2.1.2/a/R1", name: strings.Repeat("ü", 300) + ".docx", ctype: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", data: []byte("long 3")},
			},
			want: map[int]string{
				0: "Bab II/2.1/2.1.2/b/D3/perencanaan - Daftar hadir/" + strings.TrimRight(long[:115], " ") + ".pdf",
				1: "Bab II/2.1/2.1.2/b/D3/perencanaan - Daftar hadir/" + strings.TrimRight(long[:112], " ") + " (2).pdf",
				2: r1 + strings.Repeat("ü", 57) + ".docx",
			},
		},
		{
			name: "stages, parts, unknown requirement and large files",
			specs: []spec{
				{evidence: 20, req: "2.1.2/b/D3", stage: "evaluasi", part: "foto", name: "foto.jpg", ctype: "image/jpeg", data: randomBytes(3<<20+7, 1)},
				{evidence: 21, req: "2.1.2/b/D3", stage: "perencanaan", part: "notulen", name: "notulen.pdf", data: randomBytes(70_000, 2)},
				{evidence: 22, req: "9.9.9/z/R1", name: "lama.pdf", data: []byte("old catalogue"), review: bukti.ReviewRejected, note: "=HYPERLINK(\"x\")"},
				{evidence: 23, req: "../../x", name: "x.pdf", data: []byte("traversal requirement")},
				{evidence: 24, req: "2.1.2/c/D2", name: "tindak lanjut.pdf", data: nil, review: bukti.ReviewAccepted},
			},
			want: map[int]string{
				0: "Bab II/2.1/2.1.2/b/D3/evaluasi - Foto kegiatan/foto.jpg",
				1: "Bab II/2.1/2.1.2/b/D3/perencanaan - Notulen/notulen.pdf",
				2: "Lainnya/9.9.9/z/R1/lama.pdf",
				3: "Lainnya/_/_/x/x.pdf",
				4: "Bab II/2.1/2.1.2/c/D2/tindak lanjut.pdf",
			},
			index: []string{"Bukti di luar katalog", "Ditolak", "Diterima"},
		},
		{
			name:  "no items",
			specs: nil,
			want:  map[int]string{},
		},
	}
	for _, kind := range testenv.StoreKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := testenv.OpenStore(t, kind)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					its := items(t, st, tc.specs)
					in := input(its)
					var buf bytes.Buffer
					if err := pack.Write(context.Background(), &buf, st, in); err != nil {
						t.Fatalf("Write: %v", err)
					}
					u := check(t, buf.Bytes())
					if got := len(u.manifest); got != len(tc.specs) {
						t.Errorf("manifest has %d rows, want %d", got, len(tc.specs))
					}
					for i, want := range tc.want {
						f, ok := u.files[want]
						if !ok {
							t.Errorf("item %d (%q): no entry %q; entries: %q", i, tc.specs[i].name, want, names(mapValues(u.files)))
							continue
						}
						if got := read(t, f); !bytes.Equal(got, tc.specs[i].data) {
							t.Errorf("%s: holds the bytes of another item", want)
						}
						if !f.Modified.Equal(its[i].UploadedAt) {
							t.Errorf("%s: modified %v, want the upload time %v", want, f.Modified, its[i].UploadedAt)
						}
					}
					for _, s := range tc.index {
						if !strings.Contains(u.index, s) {
							t.Errorf("index.html does not contain %q", s)
						}
					}
					// Every pack shows the survey and the scores.
					for _, s := range []string{
						"Puskesmas Sukamaju &amp; &lt;Sejahtera&gt;", "P3201010101", "Akreditasi awal",
						"10 Maret 2025 – 12 Maret 2025", "dr. Ani", "Kriteria 2.1.2", "10 / 10", "TDD",
						"belum dinilai", "RUK memuat kegiatan &lt;swadaya&gt;", "100,0%",
					} {
						if !strings.Contains(u.index, s) {
							t.Errorf("index.html does not contain %q", s)
						}
					}
					// 2.1.2/c/D1 never has evidence in these cases.
					if !regexp.MustCompile(`<strong>D1</strong> <span class="meta">\(Dokumen\)</span> Bukti hasil evaluasi kegiatan pemberdayaan masyarakat</p>\s*<p class="empty">Belum ada bukti`).MatchString(u.index) {
						t.Errorf("index.html does not say Belum ada bukti under 2.1.2/c/D1")
					}
					for _, row := range u.manifest {
						if strings.HasPrefix(row[14], "=") || strings.HasPrefix(row[4], "=") {
							t.Errorf("manifest row %v: a free-text cell starts a formula", row)
						}
					}
				})
			}
		})
	}
}

func mapValues(m map[string]*zip.File) []*zip.File {
	out := make([]*zip.File, 0, len(m))
	for _, f := range m {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// cancelWriter cancels a context once it has received more than after bytes.
type cancelWriter struct {
	n, after int
	cancel   context.CancelFunc
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	if w.n > w.after {
		w.cancel()
	}
	return len(p), nil
}

func TestWriteFails(t *testing.T) {
	t.Parallel()
	good := []byte("SK Kepala Puskesmas")
	other := []byte("SK Kepala Puskesmaz") // same length, different bytes
	big := randomBytes(4<<20, 3)
	cases := []struct {
		name string
		// prepare stores blobs and returns the items.
		prepare func(t *testing.T, st storage.Store) []bukti.SnapshotItem
		// ctx returns the context of Write and the writer.
		ctx func() (context.Context, io.Writer, *bytes.Buffer)
		// is is the error Write must wrap.
		is error
		// mention must appear in the error message.
		mention string
		// untouched: nothing may have been written.
		untouched bool
	}{
		{
			name: "bytes under another hash",
			prepare: func(t *testing.T, st storage.Store) []bukti.SnapshotItem {
				// The blob under want's key holds other bytes of the same
				// length: only hashing while streaming can tell.
				want, bad := []byte("tampered!!!x"), []byte("tampered!!!y")
				its := items(t, st, []spec{
					{evidence: 1, req: "2.1.2/a/R1", name: "sk.pdf", data: good},
					{evidence: 2, req: "2.1.2/a/R2", name: "sop.pdf", data: want},
				})
				putAs(t, st, bad, sum(want))
				return its
			},
			is:      pack.ErrCorrupt,
			mention: "evidence 2",
		},
		{
			name: "declared SHA-256 of other bytes",
			prepare: func(t *testing.T, st storage.Store) []bukti.SnapshotItem {
				its := items(t, st, []spec{{evidence: 1, req: "2.1.2/a/R1", name: "sk.pdf", data: good}})
				putAs(t, st, good, sum(other))
				its[0].SHA256 = sum(other)
				return its
			},
			is:      pack.ErrCorrupt,
			mention: sum(other),
		},
		{
			name: "recorded size differs",
			prepare: func(t *testing.T, st storage.Store) []bukti.SnapshotItem {
				its := items(t, st, []spec{{evidence: 1, req: "2.1.2/a/R1", name: "sk.pdf", data: good}})
				its[0].Size++
				return its
			},
			is:        pack.ErrCorrupt,
			mention:   "stored size",
			untouched: true,
		},
		{
			name: "missing blob",
			prepare: func(t *testing.T, st storage.Store) []bukti.SnapshotItem {
				its := items(t, st, []spec{
					{evidence: 1, req: "2.1.2/a/R1", name: "sk.pdf", data: good},
					{evidence: 5, revision: 2, req: "2.1.2/a/R2", name: "sop.pdf", data: []byte("sop")},
				})
				its[1].SHA256 = sum([]byte("never stored"))
				return its
			},
			is:        storage.ErrNotFound,
			mention:   "evidence 5 revision 2, sha256 " + sum([]byte("never stored")),
			untouched: true,
		},
		{
			name: "not a SHA-256",
			prepare: func(t *testing.T, st storage.Store) []bukti.SnapshotItem {
				its := items(t, st, []spec{{evidence: 1, req: "2.1.2/a/R1", name: "sk.pdf", data: good}})
				its[0].SHA256 = "../../etc/passwd"
				return its
			},
			mention:   "not a SHA-256",
			untouched: true,
		},
		{
			name: "context canceled before",
			prepare: func(t *testing.T, st storage.Store) []bukti.SnapshotItem {
				return items(t, st, []spec{{evidence: 1, req: "2.1.2/a/R1", name: "sk.pdf", data: good}})
			},
			ctx: func() (context.Context, io.Writer, *bytes.Buffer) {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				var buf bytes.Buffer
				return ctx, &buf, &buf
			},
			is:        context.Canceled,
			untouched: true,
		},
		{
			name: "context canceled while streaming",
			prepare: func(t *testing.T, st storage.Store) []bukti.SnapshotItem {
				return items(t, st, []spec{
					{evidence: 1, req: "2.1.2/a/R1", name: "big.pdf", data: big},
					{evidence: 2, req: "2.1.2/a/R2", name: "big2.pdf", data: randomBytes(4<<20, 4)},
				})
			},
			ctx: func() (context.Context, io.Writer, *bytes.Buffer) {
				ctx, cancel := context.WithCancel(context.Background())
				return ctx, &cancelWriter{after: 1 << 20, cancel: cancel}, nil
			},
			is:      context.Canceled,
			mention: "big.pdf",
		},
	}
	for _, kind := range testenv.StoreKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := testenv.OpenStore(t, kind)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					its := tc.prepare(t, st)
					ctx, w, buf := context.Background(), io.Writer(nil), (*bytes.Buffer)(nil)
					if tc.ctx != nil {
						ctx, w, buf = tc.ctx()
					} else {
						buf = new(bytes.Buffer)
						w = buf
					}
					err := pack.Write(ctx, w, st, input(its))
					if err == nil {
						t.Fatal("Write succeeded, want an error")
					}
					t.Logf("error: %v", err)
					if tc.is != nil && !errors.Is(err, tc.is) {
						t.Errorf("error %v does not wrap %v", err, tc.is)
					}
					if !strings.Contains(err.Error(), tc.mention) {
						t.Errorf("error %q does not mention %q", err, tc.mention)
					}
					if buf == nil {
						return
					}
					if tc.untouched && buf.Len() != 0 {
						t.Errorf("%d bytes written before the error, want none", buf.Len())
					}
					if buf.Len() > 0 {
						if _, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err == nil {
							t.Errorf("a failed Write left a valid archive; it must not look complete")
						}
					}
				})
			}
		})
	}
}

// TestWriteDeterministic checks that the same input gives the same
// archive whatever the order of its items.
func TestWriteDeterministic(t *testing.T) {
	t.Parallel()
	st := testenv.OpenStore(t, "filesystem")
	var specs []spec
	for i := range 30 {
		specs = append(specs, spec{
			evidence: int64(30 - i%7), revision: 1 + i%3,
			req:  []string{"2.1.2/a/R1", "2.1.2/a/D1", "2.1.2/c/D2"}[i%3],
			name: []string{"laporan.pdf", "Laporan.PDF", "foto.jpg"}[i%3], data: fmt.Appendf(nil, "file %d", i),
		})
	}
	its := items(t, st, specs)
	var first []byte
	for round := range 4 {
		shuffled := slices.Clone(its)
		rand.New(rand.NewPCG(uint64(round), 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		var buf bytes.Buffer
		if err := pack.Write(context.Background(), &buf, st, input(shuffled)); err != nil {
			t.Fatal(err)
		}
		check(t, buf.Bytes())
		if round == 0 {
			first = buf.Bytes()
		} else if !bytes.Equal(first, buf.Bytes()) {
			t.Fatalf("round %d: the archive differs from round 0", round)
		}
	}
}
