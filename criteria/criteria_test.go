package criteria_test

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/catalogue"
)

// TestBuiltin checks that the built-in catalogue is the complete standard
// (standard-2023.yaml, checked in detail by TestStandard2023), parsed once.
func TestBuiltin(t *testing.T) {
	c, err := criteria.Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}

	t.Run("Header", func(t *testing.T) {
		if c.Format != catalogue.FormatV1 || c.ID != "pkp-2023" || c.Version != "2023.2" ||
			c.Title != "Standar Akreditasi Puskesmas" || c.Source != "KMK HK.01.07/MENKES/165/2023" {
			t.Errorf("header = %q %q %q %q %q", c.Format, c.ID, c.Version, c.Title, c.Source)
		}
	})

	t.Run("CompleteStandard", func(t *testing.T) {
		if criteria.BuiltinFile != criteria.Standard2023File {
			t.Errorf("BuiltinFile = %q, want %q", criteria.BuiltinFile, criteria.Standard2023File)
		}
		file, err := criteria.File(criteria.Standard2023File)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c, file) {
			t.Errorf("the built-in catalogue differs from %s", criteria.Standard2023File)
		}
		if got, want := c.Counts(), (catalogue.Counts{Bab: 5, Standar: 35, Kriteria: 82, Elements: 328, Requirements: 1096}); got != want {
			t.Errorf("Counts = %+v, want %+v", got, want)
		}
	})

	t.Run("ParsedOnce", func(t *testing.T) {
		if again := criteria.MustBuiltin(); again != c {
			t.Error("MustBuiltin returned a different catalogue; the built-in catalogue must be parsed once and shared")
		}
	})
}

// TestKriteria212File checks kriteria-2.1.2.yaml, the built-in catalogue of
// version 2023.1, kept for what was recorded against it: its published IDs
// (EP b: D1 RPK, D2 stages × parts) never change.
func TestKriteria212File(t *testing.T) {
	c, err := criteria.File(criteria.Kriteria212File)
	if err != nil {
		t.Fatalf("File(%s): %v", criteria.Kriteria212File, err)
	}

	t.Run("Header", func(t *testing.T) {
		if c.Format != catalogue.FormatV1 || c.ID != "pkp-2023" || c.Version != "2023.1" ||
			c.Title != "Standar Akreditasi Puskesmas" || c.Source != "KMK HK.01.07/MENKES/165/2023" {
			t.Errorf("header = %q %q %q %q %q", c.Format, c.ID, c.Version, c.Title, c.Source)
		}
	})

	t.Run("Bab", func(t *testing.T) {
		want := []string{"I", "II", "III", "IV", "V"}
		var got []string
		for _, b := range c.Bab {
			got = append(got, b.ID)
			if b.Title == "" {
				t.Errorf("Bab %s has no title", b.ID)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("Bab IDs = %v, want %v", got, want)
		}
		if got, want := c.Bab[1].Title, "Penyelenggaraan UKM yang berorientasi pada upaya promotif dan preventif"; got != want {
			t.Errorf("Bab II title = %q, want %q", got, want)
		}
		if got, want := c.Counts(), (catalogue.Counts{Bab: 5, Standar: 1, Kriteria: 1, Elements: 3, Requirements: 12}); got != want {
			t.Errorf("Counts = %+v, want %+v", got, want)
		}
	})

	t.Run("Kriteria", func(t *testing.T) {
		k, _, ok := c.Kriteria("2.1.2")
		if !ok {
			t.Fatal("kriteria 2.1.2 not found")
		}
		if k.Title != "Pemberdayaan Masyarakat" {
			t.Errorf("title = %q", k.Title)
		}
		if !strings.HasPrefix(k.Statement, "Perencanaan pelayanan UKM Puskesmas memuat kegiatan pemberdayaan masyarakat") ||
			!strings.HasSuffix(k.Statement, "dengan difasilitasi oleh Puskesmas") {
			t.Errorf("statement = %q", k.Statement)
		}
		if len(k.PokokPikiran) != 10 {
			t.Fatalf("pokok pikiran: %d items, want 10 (a..j)", len(k.PokokPikiran))
		}
		if p := k.PokokPikiran[7]; !strings.HasPrefix(p, "Kegiatan fasilitasi berupa:\n1. ") || !strings.Contains(p, "\n10. melakukan pemantauan") {
			t.Errorf("pokok pikiran h = %q, want the heading and its 10 numbered items on separate lines", p)
		}
	})

	t.Run("RequirementIDs", func(t *testing.T) {
		want := []string{
			"2.1.2/a/D1", "2.1.2/a/D2", "2.1.2/a/R1", "2.1.2/a/R2", "2.1.2/a/R3", "2.1.2/a/W1",
			"2.1.2/b/D1", "2.1.2/b/D2", "2.1.2/b/W1",
			"2.1.2/c/D1", "2.1.2/c/D2", "2.1.2/c/W1",
		}
		var got []string
		for _, r := range allRequirements(c) {
			got = append(got, r.ID)
			if _, _, ok := c.Requirement(r.ID); !ok {
				t.Errorf("Requirement(%q) not found", r.ID)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("requirement IDs =\n%v\nwant\n%v\n(published IDs must never change)", got, want)
		}
	})

	t.Run("Methods", func(t *testing.T) {
		for letter, want := range map[string][]catalogue.Method{
			"a": {catalogue.Regulasi, catalogue.Dokumen, catalogue.Wawancara},
			"b": {catalogue.Dokumen, catalogue.Wawancara},
			"c": {catalogue.Dokumen, catalogue.Wawancara},
		} {
			e, ok := c.Element("2.1.2/" + letter)
			if !ok {
				t.Errorf("EP %s not found", letter)
				continue
			}
			if !slices.Equal(e.Methods, want) {
				t.Errorf("EP %s methods = %v, want %v", letter, e.Methods, want)
			}
			if strings.Contains(e.Text, "(") {
				t.Errorf("EP %s text still carries the method suffix: %q", letter, e.Text)
			}
		}
	})

	t.Run("DocTypes", func(t *testing.T) {
		r := mustReq(t, c, "2.1.2/a/R1")
		if r.Title != "SK Kepala Puskesmas tentang fasilitasi pemberdayaan masyarakat" {
			t.Errorf("a/R1 title = %q", r.Title)
		}
		for id, want := range map[string]string{
			"2.1.2/a/R1": "SK", "2.1.2/a/R2": "SOP", "2.1.2/a/R3": "KAK",
			"2.1.2/a/D1": "RUK/RPK", "2.1.2/a/D2": "kesepakatan",
			"2.1.2/b/D1": "RUK/RPK",
			"2.1.2/c/D1": "laporan evaluasi", "2.1.2/c/D2": "tindak lanjut",
		} {
			if got := mustReq(t, c, id).DocType; got != want {
				t.Errorf("%s doc_type = %q, want %q", id, got, want)
			}
		}
	})

	t.Run("StagesAndParts", func(t *testing.T) {
		r := mustReq(t, c, "2.1.2/b/D2")
		if want := []string{"perencanaan", "pelaksanaan", "perbaikan", "evaluasi"}; !slices.Equal(r.Stages, want) {
			t.Errorf("stages = %v, want %v", r.Stages, want)
		}
		var parts []string
		for _, p := range r.Parts {
			parts = append(parts, p.Key+"="+p.DocType)
		}
		if want := []string{"daftar_hadir=daftar hadir", "notulen=notulen", "foto=foto"}; !slices.Equal(parts, want) {
			t.Errorf("parts = %v, want %v", parts, want)
		}
		slots := r.Slots()
		if len(slots) != 12 {
			t.Fatalf("Slots: %d, want 12 (4 stages × 3 parts)", len(slots))
		}
		if slots[0] != (catalogue.Slot{Stage: "perencanaan", Part: "daftar_hadir"}) || slots[11] != (catalogue.Slot{Stage: "evaluasi", Part: "foto"}) {
			t.Errorf("Slots first/last = %+v / %+v", slots[0], slots[11])
		}
		for _, id := range []string{"2.1.2/b/D1", "2.1.2/b/D2"} {
			if g := mustReq(t, c, id).Group; g != "Bukti pelaksanaan keterlibatan masyarakat" {
				t.Errorf("%s group = %q", id, g)
			}
		}
		for _, r := range allRequirements(c) {
			if r.ID != "2.1.2/b/D2" && r.Method != catalogue.Wawancara && len(r.Slots()) != 1 {
				t.Errorf("%s: %d slots, want 1", r.ID, len(r.Slots()))
			}
		}
	})

	t.Run("Interviewees", func(t *testing.T) {
		staff := []string{"Kepala Puskesmas", "Penanggung jawab UKM", "Koordinator Pelayanan UKM", "Pelaksana pelayanan UKM"}
		withCommunity := append(slices.Clone(staff), "Masyarakat")
		for id, want := range map[string][]string{
			"2.1.2/a/W1": withCommunity,
			"2.1.2/b/W1": withCommunity,
			"2.1.2/c/W1": staff,
		} {
			r := mustReq(t, c, id)
			if !slices.Equal(r.Interviewees, want) {
				t.Errorf("%s interviewees = %v, want %v", id, r.Interviewees, want)
			}
			if !strings.HasPrefix(r.Topic, "Penggalian informasi terkait") {
				t.Errorf("%s topic = %q", id, r.Topic)
			}
			if len(r.Slots()) != len(want) {
				t.Errorf("%s: %d slots, want one per interviewee (%d)", id, len(r.Slots()), len(want))
			}
		}
	})

	t.Run("Notes", func(t *testing.T) {
		for id, want := range map[string][]string{
			"2.1.2/a/D2": {"Bukti kesepakatan disesuaikan dengan kegiatan yang dilakukan saat menyusun RUK & RPK."},
			"2.1.2/b/D2": {
				"Bukti keterlibatan masyarakat disesuaikan dengan kegiatan yang dilakukan.",
				"Misal, kegiatan dilakukan dalam bentuk pertemuan minimal melampirkan daftar hadir, dan notulen yang diserta dengan foto kegiatan.",
			},
			"2.1.2/c/D1": {"Untuk mengevaluasi dapat dilakukan dengan melihat KAK Pemberdayaan Masyarakat dan disandingkan dengan hasil kegiatan."},
		} {
			note := mustReq(t, c, id).Note
			for _, w := range want {
				if !strings.Contains(note, w) {
					t.Errorf("%s note = %q, want it to contain %q", id, note, w)
				}
			}
		}
	})

	t.Run("Thresholds", func(t *testing.T) {
		want := []catalogue.Status{
			{Name: "Paripurna", Min: map[string]float64{"I": 80, "II": 80, "III": 80, "IV": 80, "V": 80}},
			{Name: "Utama", Min: map[string]float64{"I": 80, "II": 80, "III": 70, "IV": 80, "V": 75}},
			{Name: "Madya", Min: map[string]float64{"I": 75, "II": 75, "III": 60, "IV": 75, "V": 70}},
			{Name: "Dasar", Min: map[string]float64{"I": 75, "II": 60, "III": 50, "IV": 60, "V": 60}},
		}
		if !reflect.DeepEqual(c.Scoring.Statuses, want) {
			t.Errorf("statuses =\n%+v\nwant (DESIGN.md §3)\n%+v", c.Scoring.Statuses, want)
		}
		if c.Scoring.Below != "Tidak Terakreditasi" {
			t.Errorf("below = %q", c.Scoring.Below)
		}
		if !slices.Equal(c.Scoring.Values, []int{10, 5, 0}) || !c.Scoring.TDD || c.Scoring.Max() != 10 {
			t.Errorf("scoring = %v tdd=%v", c.Scoring.Values, c.Scoring.TDD)
		}
	})

	t.Run("CleanText", func(t *testing.T) {
		n := 0
		walkStrings(reflect.ValueOf(c).Elem(), "catalogue", func(path, s string) {
			n++
			if strings.ContainsAny(s, "`\\") {
				t.Errorf("%s: conversion noise (backtick or backslash) left in %q", path, s)
			}
			if strings.Contains(s, "  ") || strings.TrimSpace(s) != s || strings.Contains(s, " \n") || strings.Contains(s, "\n ") {
				t.Errorf("%s: stray spaces in %q", path, s)
			}
		})
		if n < 100 {
			t.Errorf("walked only %d strings; the walker is not reaching the tree", n)
		}
	})
}

func mustReq(t *testing.T, c *catalogue.Catalogue, id string) *catalogue.Requirement {
	t.Helper()
	r, _, ok := c.Requirement(id)
	if !ok {
		t.Fatalf("requirement %s not found", id)
	}
	return r
}

func allRequirements(c *catalogue.Catalogue) []catalogue.Requirement {
	var out []catalogue.Requirement
	for _, b := range c.Bab {
		for _, s := range b.Standar {
			for _, k := range s.Kriteria {
				for _, e := range k.Elements {
					out = append(out, e.Requirements...)
				}
			}
		}
	}
	return out
}

// walkStrings calls fn for every string reachable through the exported
// fields, slices and maps of v.
func walkStrings(v reflect.Value, path string, fn func(path, s string)) {
	switch v.Kind() {
	case reflect.String:
		fn(path, v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkStrings(v.Elem(), path, fn)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Type().Field(i); f.IsExported() {
				walkStrings(v.Field(i), path+"."+f.Name, fn)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walkStrings(v.Index(i), path+fmt.Sprintf("[%d]", i), fn)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			walkStrings(k, path+"{key}", fn)
			walkStrings(v.MapIndex(k), path+"["+k.String()+"]", fn)
		}
	}
}

// TestStandard2023 checks the complete national standard shipped as
// standard-2023.yaml (not the built-in catalogue yet). The expected numbers
// were counted in the source instrument, independently of the converter that
// produced the file; see criteria/README.md for the discrepancies between the
// instrument's own point totals and the EP it lists.
func TestStandard2023(t *testing.T) {
	c, err := criteria.File(criteria.Standard2023File)
	if err != nil {
		t.Fatalf("File(%s): %v", criteria.Standard2023File, err)
	}
	earlier, err := criteria.File(criteria.Kriteria212File)
	if err != nil {
		t.Fatalf("File(%s): %v", criteria.Kriteria212File, err)
	}

	t.Run("Header", func(t *testing.T) {
		if c.Format != catalogue.FormatV1 || c.ID != earlier.ID || c.Version != "2023.2" ||
			c.Title != earlier.Title || c.Source != earlier.Source {
			t.Errorf("header = %q %q %q %q %q", c.Format, c.ID, c.Version, c.Title, c.Source)
		}
		if !reflect.DeepEqual(c.Scoring, earlier.Scoring) {
			t.Errorf("scoring =\n%+v\nwant version 2023.1's\n%+v", c.Scoring, earlier.Scoring)
		}
	})

	t.Run("ParsedAfresh", func(t *testing.T) {
		if again, err := criteria.File(criteria.Standard2023File); err != nil || again == c {
			t.Errorf("File must parse afresh on every call (err %v)", err)
		}
	})

	t.Run("Counts", func(t *testing.T) {
		got := c.Counts()
		for _, tc := range []struct {
			name      string
			got, want int
		}{
			{"bab", got.Bab, 5},
			{"standar", got.Standar, 35},
			{"kriteria", got.Kriteria, 82},
			{"EP", got.Elements, 328},
			{"requirements", got.Requirements, 1096},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.got != tc.want {
					t.Errorf("%s = %d, want %d", tc.name, tc.got, tc.want)
				}
			})
		}
	})

	t.Run("Bab", func(t *testing.T) {
		perBab := map[string]int{}
		for p := range c.Elements() {
			perBab[p.Bab.ID]++
		}
		for _, tc := range []struct {
			bab       string
			ep, max   int
			titlePart string
		}{
			{"I", 102, 1020, "Kepemimpinan dan Manajemen Puskesmas"},
			{"II", 94, 940, "Upaya Kesehatan Masyarakat"},
			{"III", 42, 420, "Upaya Kesehatan Perseorangan"},
			{"IV", 34, 340, "Program Prioritas Nasional"},
			{"V", 56, 560, "Peningkatan Mutu Puskesmas"},
		} {
			t.Run(tc.bab, func(t *testing.T) {
				if perBab[tc.bab] != tc.ep {
					t.Errorf("Bab %s: %d EP, want %d", tc.bab, perBab[tc.bab], tc.ep)
				}
				if got := perBab[tc.bab] * c.Scoring.Max(); got != tc.max {
					t.Errorf("Bab %s: max points %d, want %d (10 per EP)", tc.bab, got, tc.max)
				}
				i := slices.IndexFunc(c.Bab, func(b catalogue.Bab) bool { return b.ID == tc.bab })
				if i < 0 || !strings.Contains(c.Bab[i].Title, tc.titlePart) {
					t.Errorf("Bab %s missing or title does not contain %q", tc.bab, tc.titlePart)
				}
			})
		}
	})

	t.Run("EPPerKriteria", func(t *testing.T) {
		want := map[string]int{
			"1.1.1": 7, "1.1.2": 4, "1.2.1": 3, "1.2.2": 3, "1.2.3": 4, "1.2.4": 3,
			"1.2.5": 3, "1.3.1": 4, "1.3.2": 5, "1.3.3": 3, "1.3.4": 2, "1.3.5": 2,
			"1.3.6": 4, "1.4.1": 5, "1.4.2": 4, "1.4.3": 4, "1.4.4": 4, "1.4.5": 4,
			"1.4.6": 3, "1.4.7": 3, "1.4.8": 3, "1.5.1": 2, "1.6.1": 6, "1.6.2": 3,
			"1.6.3": 6, "1.7.1": 8, "2.1.1": 4, "2.1.2": 3, "2.1.3": 4, "2.2.1": 3,
			"2.2.2": 3, "2.3.1": 2, "2.4.1": 4, "2.5.1": 6, "2.5.2": 6, "2.5.3": 5,
			"2.6.1": 5, "2.6.2": 5, "2.6.3": 5, "2.6.4": 5, "2.6.5": 5, "2.7.1": 6,
			"2.8.1": 6, "2.8.2": 5, "2.8.3": 7, "2.8.4": 5, "3.1.1": 4, "3.2.1": 6,
			"3.3.1": 2, "3.4.1": 2, "3.5.1": 6, "3.6.1": 2, "3.7.1": 3, "3.7.2": 3,
			"3.8.1": 2, "3.9.1": 5, "3.10.1": 7, "4.1.1": 5, "4.2.1": 7, "4.3.1": 7,
			"4.4.1": 8, "4.5.1": 7, "5.1.1": 4, "5.1.2": 3, "5.1.3": 5, "5.1.4": 4,
			"5.2.1": 4, "5.2.2": 4, "5.3.1": 2, "5.3.2": 3, "5.3.3": 2, "5.3.4": 3,
			"5.3.5": 2, "5.3.6": 2, "5.4.1": 2, "5.4.2": 3, "5.5.1": 2, "5.5.2": 2,
			"5.5.3": 2, "5.5.4": 3, "5.5.5": 2, "5.5.6": 2,
		}
		if len(want) != 82 {
			t.Fatalf("the table lists %d kriteria, want 82", len(want))
		}
		seen := 0
		for _, b := range c.Bab {
			for _, s := range b.Standar {
				if s.Title == "" {
					t.Errorf("standar %s has no title", s.ID)
				}
				for _, k := range s.Kriteria {
					seen++
					n, ok := want[k.ID]
					if !ok {
						t.Errorf("unexpected kriteria %s", k.ID)
						continue
					}
					if len(k.Elements) != n {
						t.Errorf("kriteria %s: %d EP, want %d", k.ID, len(k.Elements), n)
					}
					if k.Title == "" || k.Statement == "" || len(k.PokokPikiran) == 0 {
						t.Errorf("kriteria %s: title %q, statement %q, %d pokok pikiran", k.ID, k.Title, k.Statement, len(k.PokokPikiran))
					}
					for i, e := range k.Elements {
						if want := string(rune('a' + i)); e.Letter != want {
							t.Errorf("%s: EP %d has letter %q, want %q", k.ID, i+1, e.Letter, want)
						}
					}
				}
			}
		}
		if seen != len(want) {
			t.Errorf("%d kriteria in the file, want %d", seen, len(want))
		}
	})

	t.Run("SpotChecks", func(t *testing.T) {
		for _, tc := range []struct {
			id, title, docType, group, note string // note: a substring
			interviewees                    []string
			topic                           string // a prefix
		}{
			{id: "1.1.1/a/R1", title: "SK tentang Penetapan Visi, Misi, Tujuan, dan Tata Nilai Puskesmas", docType: "SK",
				note: "jika kebijakan daerah menyatakan bahwa penetapan visi dan misi hanya oleh kepala daerah"},
			{id: "1.1.1/b/W1", interviewees: []string{"Kepala Puskesmas", "KTU"},
				topic: "Penggalian informasi terkait proses identifikasi dan analisis yang mendasari penetapan jenis-jenis pelayanan"},
			{id: "1.3.2/c/D1", title: "Hasil penilaian kinerja pegawai"},
			{id: "1.6.1/b/D2", title: "Bukti pelaksanaan pemantauan dan evaluasi",
				group: "Bukti pelaksanaan pengawasan, pengendalian, dan penilaian kinerja secara periodik sesuai dengan regulasi yang ditetapkan, antara lain"},
			{id: "2.1.1/b/D1", title: "Bukti analisis hasil identifikasi", note: "Pemenuhan angka 1 dan 2 dapat dikerjakan dalam 1 form"},
			{id: "2.5.2/f/W1", interviewees: []string{"Koordinator kegiatan UKM", "Pelaksana kegiatan UKM"},
				topic: "Penggalian informasi tentang pelaksanaan intervensi lanjut"},
			{id: "2.6.2/a/W1", interviewees: []string{"Penanggung jawab UKM", "Koordinator penyehatan lingkungan", "Pelaksana penyehatan lingkungan"},
				topic: "Penggalian informasi terkait pencapaian indikator pelayanan penyehatan lingkungan"},
			{id: "2.6.2/b/D1", title: "Bukti pelaksanaan pelayanan UKM esensial penyehatan lingkungan sesuai dengan Pokok Pikiran minimal",
				note: "Misal, apabila kegiatan dalam bentuk pertemuan, minimal melampirkan:\n1. Undangan"},
			{id: "3.1.1/b/O3", title: "Penyampaian informasi tentang hak dan kewajiban kepada pasien", group: "Pengamatan surveior terhadap"},
			{id: "3.3.1/a/O1", title: "Pengamatan surveior terhadap pelaksanaan pelayanan klinis dan triase"},
			{id: "3.3.1/a/W1", interviewees: []string{"Petugas di pelayanan kegawatdaruratan"},
				topic: "Penggalian informasi terkait pelaksanaan prosedur triage"},
			{id: "4.2.1/d/D6", title: "Bukti stabilisasi prarujukan pada kasus komplikasi", group: "Bukti pelaksanaan"},
			{id: "4.2.1/c/W1", interviewees: []string{"Penanggung jawab UKP", "Penanggung jawab Pelayanan ibu dan bayi"},
				topic: "Penggalian informasi terkait ketersediaan alat, obat"},
			{id: "4.4.1/e/R1", title: "SOP tata laksana kasus tuberkulosis", docType: "SOP"},
			{id: "5.1.1/a/W1", interviewees: []string{"Kepala Puskesmas", "Penanggung jawab Mutu"},
				topic: "Penggalian informasi terkait penyusunan program mutu di Puskesmas"},
			{id: "5.5.1/a/R2", title: "SOP Perencanaan PPI", docType: "SOP", group: "Terdapat"},
			{id: "5.5.6/b/W1", interviewees: []string{"Petugas Puskesmas", "Dinkes Kabupaten/kota", "Lintas sektor"},
				topic: "Penggalian informasi terkait dengan kejadian KLB"},
		} {
			t.Run(tc.id, func(t *testing.T) {
				r := mustReq(t, c, tc.id)
				if tc.title != "" && r.Title != tc.title {
					t.Errorf("title = %q, want %q", r.Title, tc.title)
				}
				if r.DocType != tc.docType {
					t.Errorf("doc_type = %q, want %q", r.DocType, tc.docType)
				}
				if r.Group != tc.group {
					t.Errorf("group = %q, want %q", r.Group, tc.group)
				}
				if !strings.Contains(r.Note, tc.note) || (tc.note == "" && r.Note != "") {
					t.Errorf("note = %q, want it to contain %q", r.Note, tc.note)
				}
				if !slices.Equal(r.Interviewees, tc.interviewees) {
					t.Errorf("interviewees = %q, want %q", r.Interviewees, tc.interviewees)
				}
				if !strings.HasPrefix(r.Topic, tc.topic) || (tc.topic == "" && r.Topic != "") {
					t.Errorf("topic = %q, want prefix %q", r.Topic, tc.topic)
				}
			})
		}
	})

	t.Run("Kriteria212", func(t *testing.T) {
		var got []string
		for _, r := range allRequirements(c) {
			if strings.HasPrefix(r.ID, "2.1.2/") {
				got = append(got, r.ID)
			}
		}
		slices.Sort(got)
		want := []string{
			"2.1.2/a/D1", "2.1.2/a/D2", "2.1.2/a/R1", "2.1.2/a/R2", "2.1.2/a/R3", "2.1.2/a/W1",
			"2.1.2/b/D2", "2.1.2/b/D3", "2.1.2/b/W1",
			"2.1.2/c/D1", "2.1.2/c/D2", "2.1.2/c/W1",
		}
		if !slices.Equal(got, want) {
			t.Errorf("2.1.2 requirement IDs =\n%v\nwant\n%v\n(b follows the standard's numbering: its D1 is a heading)", got, want)
		}
		if _, _, ok := c.Requirement("2.1.2/b/D1"); ok {
			t.Error("2.1.2/b/D1 exists; D1 of the source is a heading, modelled as the group of D2 and D3")
		}
		rpk, stages := mustReq(t, c, "2.1.2/b/D2"), mustReq(t, c, "2.1.2/b/D3")
		if rpk.Title != "RPK yang memuat kegiatan pemberdayaan masyarakat" || rpk.DocType != "RUK/RPK" || len(rpk.Slots()) != 1 {
			t.Errorf("b/D2 = %q %q, %d slots", rpk.Title, rpk.DocType, len(rpk.Slots()))
		}
		if len(stages.Slots()) != 12 || !strings.HasPrefix(stages.Title, "Bukti keterlibatan masyarakat") {
			t.Errorf("b/D3 = %q, %d slots, want the 4 stages × 3 parts item", stages.Title, len(stages.Slots()))
		}
		for _, r := range []*catalogue.Requirement{rpk, stages} {
			if r.Group != "Bukti pelaksanaan keterlibatan masyarakat" {
				t.Errorf("%s group = %q", r.ID, r.Group)
			}
		}
		// Migration 6 of pkg/db moves evidence stored against version
		// 2023.1's keys to these: each must name the same item.
		for old, now := range map[string]string{"2.1.2/b/D1": "2.1.2/b/D2", "2.1.2/b/D2": "2.1.2/b/D3"} {
			was, is := mustReq(t, earlier, old), mustReq(t, c, now)
			if was.Title != is.Title || was.DocType != is.DocType || !reflect.DeepEqual(was.Slots(), is.Slots()) {
				t.Errorf("2023.1's %s (%q, %d slots) is not 2023.2's %s (%q, %d slots)", old, was.Title, len(was.Slots()), now, is.Title, len(is.Slots()))
			}
		}
		for _, r := range allRequirements(earlier) {
			if strings.HasPrefix(r.ID, "2.1.2/b/D") {
				continue
			}
			if is, _, ok := c.Requirement(r.ID); !ok || is.Title != r.Title {
				t.Errorf("2023.1's %s (%q) is not the same item in 2023.2", r.ID, r.Title)
			}
		}
	})

	t.Run("WawancaraRoles", func(t *testing.T) {
		// One role per entry: split on commas, "dan", "serta", "&", each
		// capitalised, with the abbreviation PJ spelled out. (A comma may
		// remain inside one role, e.g. "Penanggung jawab UKP, kefarmasian
		// dan laboratorium".)
		badRole := func(who string) bool {
			return who == "" || who != strings.TrimSpace(who) || strings.ContainsAny(who, ":&") ||
				strings.HasPrefix(who, "Dan ") || strings.HasPrefix(who, "Serta ") ||
				strings.HasPrefix(who, "Pj ") || strings.HasPrefix(who, "PJ ") || who[0] < 'A' || who[0] > 'Z'
		}
		n := 0
		for r := range c.Requirements() {
			if r.Method != catalogue.Wawancara {
				continue
			}
			n++
			if len(r.Interviewees) == 0 || r.Topic == "" {
				t.Errorf("%s: interviewees %q, topic %q", r.ID, r.Interviewees, r.Topic)
			}
			for _, who := range r.Interviewees {
				if badRole(who) {
					t.Errorf("%s: interviewee %q is not one capitalised role with PJ spelled out", r.ID, who)
				}
			}
		}
		if n < 250 {
			t.Errorf("only %d W items", n)
		}
	})

	t.Run("CleanText", func(t *testing.T) {
		leadingNumber := regexp.MustCompile(`^(\(?[0-9]{1,2}[.)]|\(?[a-z][.)]|[-*•])\s`)
		for r := range c.Requirements() {
			if strings.TrimSpace(r.Title) == "" {
				t.Errorf("%s: empty title", r.ID)
			}
			if leadingNumber.MatchString(r.Title) {
				t.Errorf("%s: title starts with a list marker: %q", r.ID, r.Title)
			}
		}
		n := 0
		walkStrings(reflect.ValueOf(c).Elem(), "catalogue", func(path, s string) {
			n++
			for _, noise := range []string{"**", "::", "{", "}", "`", "\\", ":Badge", ":icon", ":Alert", ":alert", "](", "<br", "  "} {
				if strings.Contains(s, noise) {
					t.Errorf("%s: markdown noise %q in %q", path, noise, s)
				}
			}
			if strings.TrimSpace(s) != s || strings.Contains(s, " \n") || strings.Contains(s, "\n ") || strings.Contains(s, "\n\n") {
				t.Errorf("%s: stray spaces or blank lines in %q", path, s)
			}
		})
		if n < 5000 {
			t.Errorf("walked only %d strings; the walker is not reaching the tree", n)
		}
	})
}
