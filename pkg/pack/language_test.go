package pack_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/pack"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestPackManifestLanguage: manifest.csv speaks the language asked for,
// header and words alike: Bahasa Indonesia unless English is asked for;
// another language is refused before a byte is written. The paths, IDs,
// sizes and hashes are the same in every language.
func TestPackManifestLanguage(t *testing.T) {
	t.Parallel()
	st := testenv.OpenStore(t, "filesystem")
	its := items(t, st, []spec{
		{evidence: 1, req: "2.1.2/a/R1", name: "sk.pdf", data: []byte("%PDF-1.4\n% sk"), review: bukti.ReviewAccepted},
		{evidence: 2, req: "2.1.2/a/R2", name: "sop.pdf", data: []byte("%PDF-1.4\n% sop"), review: bukti.ReviewRejected, note: "Belum ditandatangani"},
		{evidence: 3, req: "2.1.2/c/D1", name: "laporan.pdf", data: []byte("%PDF-1.4\n% lap")},
	})
	englishHeader := []string{
		"File", "Requirement", "Requirement title", "EP", "Evidence title",
		"Document number", "Document revision", "Upload number", "Issue date", "Valid until",
		"Uploaded (UTC)", "Size (bytes)", "SHA-256", "Review", "Review note",
	}
	cases := []struct {
		name    string
		lang    string
		header  []string
		reviews []string // the review column, in archive order
		fails   bool
	}{
		{"default", "", manifestHeader, []string{"Diterima", "Ditolak", "Menunggu telaah"}, false},
		{"Bahasa Indonesia", "id", manifestHeader, []string{"Diterima", "Ditolak", "Menunggu telaah"}, false},
		{"English", "en", englishHeader, []string{"accepted", "rejected", "pending"}, false},
		{"French is refused", "fr", nil, nil, true},
		{"a code in capitals is refused", "EN", nil, nil, true},
	}
	var rest [][]string // every row without its header and review column, per language
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := input(its)
			in.Lang = tc.lang
			var buf bytes.Buffer
			err := pack.Write(context.Background(), &buf, st, in)
			if tc.fails {
				if err == nil || buf.Len() != 0 {
					t.Fatalf("Write in %q: err %v, %d bytes written; want an error before any byte", tc.lang, err, buf.Len())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.lang != "en" {
				check(t, buf.Bytes()) // which reads the Bahasa header
			}
			rows := manifestRows(t, buf.Bytes())
			if !slices.Equal(rows[0], tc.header) {
				t.Errorf("header %q, want %q", rows[0], tc.header)
			}
			var reviews []string
			var flat []string
			for _, r := range rows[1:] {
				reviews = append(reviews, r[13])
				flat = append(flat, strings.Join(append(slices.Clone(r[:13]), r[14]), "|"))
			}
			if !slices.Equal(reviews, tc.reviews) {
				t.Errorf("review column %q, want %q", reviews, tc.reviews)
			}
			rest = append(rest, flat)
		})
	}
	for i := 1; i < len(rest); i++ {
		if !slices.Equal(rest[i], rest[0]) {
			t.Errorf("the manifest's values other than the review differ between languages:\n%q\n%q", rest[0], rest[i])
		}
	}
}

// manifestRows reads manifest.csv of a written pack, header included,
// whatever its language.
func manifestRows(t *testing.T, data []byte) [][]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "manifest.csv" {
			rows, err := csv.NewReader(bytes.NewReader(read(t, f))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
	}
	t.Fatal("no manifest.csv")
	return nil
}

// TestPackInterviewees: index.html names, under each W item, who the
// facility put forward for each of its roles, and says which roles nobody
// was named for yet.
func TestPackInterviewees(t *testing.T) {
	t.Parallel()
	st := testenv.OpenStore(t, "filesystem")
	cases := []struct {
		name  string
		named []bukti.Interviewee
		want  []string
		not   []string
	}{
		{"nobody named", nil,
			[]string{"Narasumber yang ditunjuk", "Kepala Puskesmas: <span class=\"empty\">belum ditunjuk</span>", `<span class="en">Interviewees named</span>`}, nil},
		{"two named, one with a position", []bukti.Interviewee{
			{FacilityID: 1, RequirementID: "2.1.2/a/W1", Role: "Kepala Puskesmas", Name: "dr. Siti <Aminah>", Position: "Kepala"},
			{FacilityID: 1, RequirementID: "2.1.2/a/W1", Role: "Masyarakat", Name: "Pak Budi"},
			{FacilityID: 1, RequirementID: "9.9.9/z/W1", Role: "Orang lain", Name: "Tidak tampil"},
		}, []string{
			"Kepala Puskesmas: <strong>dr. Siti &lt;Aminah&gt;</strong> (Kepala)",
			"Masyarakat: <strong>Pak Budi</strong></li>",
			"Penanggung jawab UKM: <span class=\"empty\">belum ditunjuk</span>",
		}, []string{"Tidak tampil", "Orang lain"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := input(nil)
			in.Interviewees = tc.named
			var buf bytes.Buffer
			if err := pack.Write(context.Background(), &buf, st, in); err != nil {
				t.Fatal(err)
			}
			u := check(t, buf.Bytes())
			for _, s := range tc.want {
				if !strings.Contains(u.index, s) {
					t.Errorf("index.html lacks %q", s)
				}
			}
			for _, s := range tc.not {
				if strings.Contains(u.index, s) {
					t.Errorf("index.html shows %q", s)
				}
			}
		})
	}
}
