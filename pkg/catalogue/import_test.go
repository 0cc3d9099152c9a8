package catalogue

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// messyWorkbook is the messy fixture with its oversized cell in place.
func messyWorkbook(t *testing.T) []byte {
	t.Helper()
	data := buildWorkbook(t, messyBabI(), messyBabII(), messyBabV(), messyGuide())
	return replaceInZip(t, data, hugePlaceholder, hugeCell)
}

func importMessy(t *testing.T) (*Catalogue, ImportReport) {
	t.Helper()
	opt := testOptions()
	opt.BabTitles = map[string]string{"V": "Peningkatan Mutu Puskesmas"}
	c, rep, err := ImportWorkbook(bytes.NewReader(messyWorkbook(t)), opt)
	if err != nil {
		t.Fatalf("Import: %v\nreport: %+v", err, rep)
	}
	return c, rep
}

// requirementIDs lists every requirement ID of c in catalogue order.
func requirementIDs(c *Catalogue) []string {
	var ids []string
	for _, b := range c.Bab {
		for _, s := range b.Standar {
			for _, k := range s.Kriteria {
				for _, e := range k.Elements {
					for _, r := range e.Requirements {
						ids = append(ids, r.ID)
					}
				}
			}
		}
	}
	return ids
}

func mustRequirement(t *testing.T, c *Catalogue, id string) *Requirement {
	t.Helper()
	r, _, ok := c.Requirement(id)
	if !ok {
		t.Fatalf("requirement %s missing; have %v", id, requirementIDs(c))
	}
	return r
}

func TestImportMessyWorkbook(t *testing.T) {
	c, rep := importMessy(t)

	t.Run("Counts", func(t *testing.T) {
		got := rep
		got.Skipped, got.Warnings = nil, nil
		want := ImportReport{Bab: 3, Standar: 5, Kriteria: 6, Elements: 11, Requirements: 28, Interviews: 9}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("counts = %+v, want %+v", got, want)
		}
		n := c.Counts()
		if n.Bab != 5 || n.Standar != 5 || n.Kriteria != 6 || n.Elements != 11 || n.Requirements != 28+9 {
			t.Errorf("catalogue counts = %+v, want 5 Bab, 5 standar, 6 kriteria, 11 EP, 37 requirements", n)
		}
	})

	t.Run("RequirementIDs", func(t *testing.T) {
		want := []string{
			"1.1.1/a/R1", "1.1.1/a/R2", "1.1.1/a/D1", "1.1.1/a/D2", "1.1.1/a/W1",
			"1.1.1/b/D1", "1.1.1/b/D2", "1.1.1/b/W1",
			"1.1.1/c/D1", "1.1.1/c/D2",
			"1.2.1/a/R1", "1.2.1/a/D1", "1.2.1/a/D2", "1.2.1/a/O1", "1.2.1/a/W1", "1.2.1/a/W2",
			"2.1.2/a/R1", "2.1.2/a/R2", "2.1.2/a/R3", "2.1.2/a/D1", "2.1.2/a/D2", "2.1.2/a/W1",
			"2.1.2/b/D2", "2.1.2/b/D3", "2.1.2/b/W1", // item 1 is a heading: no D1
			"2.1.2/c/D1", "2.1.2/c/D2", "2.1.2/c/W1",
			"2.1.3/a/D1", "2.1.3/a/W1",
			"5.1.1/a/R1", "5.1.1/a/R2", "5.1.1/a/D1", "5.1.1/a/D2", "5.1.1/a/W1",
			"5.1.1/b/S1",
			"5.2.1/a/D1",
		}
		if got := requirementIDs(c); !slices.Equal(got, want) {
			t.Errorf("requirement IDs:\n got %v\nwant %v", got, want)
		}
	})

	t.Run("Requirements", func(t *testing.T) {
		tests := []struct {
			id, title, docType, note, group string
		}{
			{"1.1.1/a/R1", "SK Kepala Puskesmas tentang struktur organisasi", "SK", "", ""}, // "1.\t"
			{"1.1.1/a/R2", "SOP penyusunan struktur organisasi", "SOP", "", ""},             // continuation line joined
			{"1.1.1/a/D2", "Notulen rapat penetapan struktur", "notulen", "", ""},           // "1)", doubled space
			{"1.1.1/b/D1", "Uraian tugas pegawai", "", "", ""},                              // "a.", non-breaking space
			{"1.1.1/b/D2", "Daftar hadir sosialisasi uraian tugas", "daftar hadir", "", ""},
			{"1.1.1/c/D1", "Laporan evaluasi struktur", "laporan", "laporan dibuat tiap tahun", ""}, // note before the first item
			{"1.1.1/c/D2", "Bukti tindak lanjut", "", "", ""},
			{"1.2.1/a/D1", "RUK tahun berjalan", "RUK/RPK", "RUK disusun bersama lintas program", ""}, // "Catatan:" on its own line
			{"1.2.1/a/D2", "RPK bulanan", "RUK/RPK", "", ""},
			{"1.2.1/a/O1", "Papan informasi perencanaan", "", "", ""}, // no doc_type for O
			{"2.1.2/b/D2", "RPK yang memuat kegiatan pemberdayaan masyarakat", "RUK/RPK", "", "Bukti pelaksanaan keterlibatan masyarakat"},
			{"2.1.3/a/D1", "Laporan evaluasi UKM", "laporan", "", ""},
			{"5.1.1/a/R1", "SK tim mutu", "SK", "", ""}, // bullets
			{"5.1.1/a/R2", "Pedoman mutu", "pedoman", "", ""},
			{"5.1.1/a/D2", "Laporan mutu", "laporan", "", ""}, // trailing spaces
			{"5.1.1/b/S1", "Simulasi penanganan kode biru", "", "", ""},
		}
		for _, tc := range tests {
			t.Run(tc.id, func(t *testing.T) {
				r := mustRequirement(t, c, tc.id)
				got := [4]string{r.Title, r.DocType, r.Note, r.Group}
				if want := [4]string{tc.title, tc.docType, tc.note, tc.group}; got != want {
					t.Errorf("title, doc_type, note, group =\n %q\nwant\n %q", got, want)
				}
			})
		}
	})

	t.Run("Interviews", func(t *testing.T) {
		tests := []struct {
			id    string
			who   []string
			topic string
		}{
			{"1.1.1/a/W1", []string{"Kepala Puskesmas", "Penanggung jawab UKM", "Pelaksana"}, "Penggalian informasi tentang struktur organisasi"},
			{"1.1.1/b/W1", []string{"Petugas terkait"}, "Petugas menjelaskan uraian tugasnya"},
			{"1.2.1/a/W1", []string{"Kepala Puskesmas"}, "Penggalian informasi proses perencanaan"},
			{"1.2.1/a/W2", []string{"Tim perencanaan", "Masyarakat"}, "Keterlibatan dalam perencanaan"},
			{"5.1.1/a/W1", []string{"Tim mutu"}, "tugas tim mutu"},
		}
		for _, tc := range tests {
			t.Run(tc.id, func(t *testing.T) {
				r := mustRequirement(t, c, tc.id)
				if !slices.Equal(r.Interviewees, tc.who) || r.Topic != tc.topic {
					t.Errorf("interviewees %q topic %q, want %q %q", r.Interviewees, r.Topic, tc.who, tc.topic)
				}
			})
		}
		if r := mustRequirement(t, c, "5.1.1/a/W1"); r.Title != "Tugas tim mutu" {
			t.Errorf("W title = %q, want the topic capitalised", r.Title)
		}
	})

	t.Run("Elements", func(t *testing.T) {
		tests := []struct {
			id, text string
			methods  string
		}{
			{"1.1.1/a", "Ditetapkan struktur organisasi Puskesmas", "RDW"}, // "(R, D, W)"
			{"1.1.1/b", "Uraian tugas ditetapkan", "DW"},                   // "(D.W)"
			{"1.1.1/c", "Dilakukan evaluasi struktur organisasi", "D"},     // derived from the cells
			{"1.2.1/a", "Perencanaan tingkat Puskesmas disusun", "RDOW"},   // "(R, D, O, W)"
			{"5.1.1/b", "Simulasi kode biru", "S"},
			{"5.2.1/a", "Indikator mutu dipantau", "D"}, // "dipantau(D)"
		}
		for _, tc := range tests {
			t.Run(tc.id, func(t *testing.T) {
				e, ok := c.Element(tc.id)
				if !ok {
					t.Fatalf("EP %s missing", tc.id)
				}
				if e.Text != tc.text || methodLetters(e.Methods) != strings.Join(strings.Split(tc.methods, ""), ", ") {
					t.Errorf("text %q methods %v, want %q %s", e.Text, e.Methods, tc.text, tc.methods)
				}
			})
		}
	})

	t.Run("Titles", func(t *testing.T) {
		got := []string{c.Bab[0].Title, c.Bab[1].Title, c.Bab[2].Title, c.Bab[4].Title,
			c.Bab[0].Standar[0].Title, c.Bab[1].Standar[0].Title, c.Bab[1].Standar[0].Kriteria[0].Title, c.Bab[1].Standar[0].Kriteria[1].Title}
		want := []string{"Bab I", "Penyelenggaraan UKM yang berorientasi pada upaya promotif dan preventif", "Bab III", "Peningkatan Mutu Puskesmas",
			"Standar 1.1", "Perencanaan pelayanan UKM Puskesmas yang terintegrasi", "Pemberdayaan Masyarakat", "Kriteria 2.1.3"}
		if !slices.Equal(got, want) {
			t.Errorf("titles:\n got %q\nwant %q", got, want)
		}
		if len(c.Bab[2].Standar) != 0 || len(c.Bab[3].Standar) != 0 {
			t.Errorf("Bab III and IV have no rows and must have no standar")
		}
	})

	t.Run("Skipped", func(t *testing.T) {
		want := []ImportProblem{
			{"Bab I", 8, "no R, D, O, W or S items"},
			{"Bab I", 9, "kriteria 1.3.1 does not belong to standar 1.2"},
			{"Bab I", 11, `duplicate EP 1.2.1/a (first read on sheet "Bab I" row 10)`},
			{"Bab I", 12, "cell F12 (R) has 37506 characters, more than Excel's limit of 32767"},
			{"Bab I", 13, "cell G13 (D) has 150 items, more than 100"},
			{"Petunjuk", 0, "no header row in the first 10 rows: expected the columns Bab, Standar, Kriteria, No EP, Elemen Penilaian, R, D, O, W, S"},
		}
		checkProblems(t, rep.Skipped, want)
	})

	t.Run("Warnings", func(t *testing.T) {
		checkProblems(t, rep.Warnings, []ImportProblem{{"Bab I", 6, `W1 names nobody (no "roles: topic"); interviewee set to "Petugas terkait"`}})
	})
}

// checkProblems compares sheet and row exactly and the reason by substring.
func checkProblems(t *testing.T, got, want []ImportProblem) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Sheet != w.Sheet || g.Row != w.Row || !strings.Contains(g.Reason, w.Reason) {
			t.Errorf("problem %d = %v\nwant sheet %q row %d reason containing %q", i, g, w.Sheet, w.Row, w.Reason)
		}
	}
}

// kriteria212IDs are the requirement IDs of Kriteria 2.1.2, keyed by the
// standard's own numbering: in EP b item 1 ("Bukti pelaksanaan
// keterlibatan masyarakat:") is a heading, so the items are D2 and D3 and
// there is no D1.
var kriteria212IDs = []string{
	"2.1.2/a/R1", "2.1.2/a/R2", "2.1.2/a/R3", "2.1.2/a/D1", "2.1.2/a/D2", "2.1.2/a/W1",
	"2.1.2/b/D2", "2.1.2/b/D3", "2.1.2/b/W1",
	"2.1.2/c/D1", "2.1.2/c/D2", "2.1.2/c/W1",
}

// TestImportKriteria212 reads Kriteria 2.1.2 as the national sheet writes
// it and compares it with the built-in catalogue, which was written by hand
// from the same text: the IDs are the standard's numbering (kriteria212IDs,
// as the new built-in catalogue has them); requirement by requirement, in
// order, the EP texts, methods, interviewees, groups and notes agree with
// the built-in; only some titles differ (the built-in splits a sentence of
// c/D1 into a note and summarises the W items).
func TestImportKriteria212(t *testing.T) {
	rows := append([][]any{header}, seedRows()...)
	c, rep, err := ImportWorkbook(bytes.NewReader(buildWorkbook(t, sheetSpec{name: "Bab II", rows: rows})), testOptions())
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if len(rep.Skipped) != 0 || len(rep.Warnings) != 0 {
		t.Errorf("skipped %v, warnings %v; want none", rep.Skipped, rep.Warnings)
	}
	builtin := mustBuiltin()
	got, _, ok := c.Kriteria("2.1.2")
	if !ok {
		t.Fatalf("kriteria 2.1.2 missing")
	}
	want, _, _ := builtin.Kriteria("2.1.2")

	t.Run("IDs", func(t *testing.T) {
		if g := requirementIDs(c); !slices.Equal(g, kriteria212IDs) {
			t.Errorf("requirement IDs\n got %v\nwant %v", g, kriteria212IDs)
		}
	})
	// Compared with the built-in's kriteria 2.1.2 requirement by
	// requirement, in order. (The built-in is the complete standard: only
	// its 2.1.2 is compared.)
	wantReqs := 0
	for _, e := range want.Elements {
		wantReqs += len(e.Requirements)
	}
	if g := len(requirementIDs(c)); g != wantReqs || len(got.Elements) != len(want.Elements) {
		t.Fatalf("%d requirements in %d EP, the built-in's 2.1.2 has %d in %d", g, len(got.Elements), wantReqs, len(want.Elements))
	}
	t.Run("Title", func(t *testing.T) {
		if got.Title != want.Title {
			t.Errorf("title %q, want %q", got.Title, want.Title)
		}
	})
	for i := range want.Elements {
		we, ge := want.Elements[i], got.Elements[i]
		t.Run("EP "+we.ID, func(t *testing.T) {
			if ge.Text != we.Text || !slices.Equal(ge.Methods, we.Methods) {
				t.Errorf("EP %s text/methods\n got %q %v\nwant %q %v", we.ID, ge.Text, ge.Methods, we.Text, we.Methods)
			}
			if len(ge.Requirements) != len(we.Requirements) {
				t.Fatalf("EP %s has %d requirements, the built-in %d", we.ID, len(ge.Requirements), len(we.Requirements))
			}
			for j, wr := range we.Requirements {
				gr := ge.Requirements[j]
				if gr.Method == Wawancara {
					if !slices.Equal(gr.Interviewees, wr.Interviewees) || gr.Topic != wr.Topic {
						t.Errorf("%s interviewees/topic\n got %q %q\nwant %q %q", gr.ID, gr.Interviewees, gr.Topic, wr.Interviewees, wr.Topic)
					}
					continue
				}
				if gr.Group != wr.Group {
					t.Errorf("%s group %q, want %q", gr.ID, gr.Group, wr.Group)
				}
				if gr.ID != "2.1.2/c/D1" && (gr.Title != wr.Title || gr.Note != wr.Note) {
					t.Errorf("%s title/note\n got %q %q\nwant %q %q", gr.ID, gr.Title, gr.Note, wr.Title, wr.Note)
				}
				if wr.DocType == "SK" || wr.DocType == "SOP" || wr.DocType == "KAK" || wr.DocType == "RUK/RPK" {
					if gr.DocType != wr.DocType {
						t.Errorf("%s doc_type %q, want %q", gr.ID, gr.DocType, wr.DocType)
					}
				}
			}
		})
	}
}

// TestImportRoundTrip: the imported catalogue is written by Marshal and
// read back by Parse unchanged.
func TestImportRoundTrip(t *testing.T) {
	c, _ := importMessy(t)
	data, err := Marshal(c)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	back, err := Parse("imported", data)
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, data)
	}
	if !reflect.DeepEqual(c, back) {
		t.Errorf("round trip changed the catalogue:\n%s", data)
	}
}

// TestImportFiles reads a directory of one workbook per Bab; the second
// file repeats an EP of the first, and names its sheet with the file.
func TestImportFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	babI := sheetSpec{name: "Bab I", rows: [][]any{header,
		{"I", "1.1", "1.1.1", 1, "Struktur organisasi ditetapkan (R)", "1. SK struktur organisasi"},
	}}
	babII := sheetSpec{name: "Bab II", rows: [][]any{{"Bab II"}, header,
		{"II", "2.1", "2.1.1", 1, "Perencanaan UKM (D)", nil, "1. RUK UKM"},
		{"I", "1.1", "1.1.1", 1, "Struktur organisasi lagi (R)", "1. SK lain"},
	}}
	paths := []string{write("bab1.xlsx", buildWorkbook(t, babI)), write("bab2.xlsx", buildWorkbook(t, babII))}

	t.Run("TwoFiles", func(t *testing.T) {
		c, rep, err := ImportFiles(paths, testOptions())
		if err != nil {
			t.Fatalf("ImportFiles: %v", err)
		}
		if got := requirementIDs(c); !slices.Equal(got, []string{"1.1.1/a/R1", "2.1.1/a/D1"}) {
			t.Errorf("requirement IDs %v", got)
		}
		if rep.Bab != 2 || rep.Elements != 2 || rep.Requirements != 2 {
			t.Errorf("report %+v, want 2 Bab, 2 EP, 2 requirements", rep)
		}
		checkProblems(t, rep.Skipped, []ImportProblem{{"[bab2.xlsx]Bab II", 4, `duplicate EP 1.1.1/a (first read on sheet "[bab1.xlsx]Bab I" row 2)`}})
		if r := mustRequirement(t, c, "1.1.1/a/R1"); r.Title != "SK struktur organisasi" {
			t.Errorf("the first file's EP must win, got %q", r.Title)
		}
	})

	t.Run("BadFileNamed", func(t *testing.T) {
		bad := write("catatan.xlsx", []byte("bukan workbook"))
		_, _, err := ImportFiles([]string{paths[0], bad}, testOptions())
		if err == nil || !strings.Contains(err.Error(), bad) || !errors.Is(err, ErrNotWorkbook) {
			t.Errorf("error = %v, want ErrNotWorkbook naming %s", err, bad)
		}
	})

	t.Run("MissingFile", func(t *testing.T) {
		_, _, err := ImportFiles([]string{filepath.Join(dir, "tidak-ada.xlsx")}, testOptions())
		if err == nil || !strings.Contains(err.Error(), "tidak-ada.xlsx") {
			t.Errorf("error = %v, want it to name the missing file", err)
		}
	})

	t.Run("NoPaths", func(t *testing.T) {
		if _, _, err := ImportFiles(nil, testOptions()); err == nil {
			t.Error("ImportFiles(nil) succeeded, want an error")
		}
	})
}
