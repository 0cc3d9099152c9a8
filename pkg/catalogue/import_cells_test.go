package catalogue

import (
	"bytes"
	"slices"
	"testing"
)

func TestLines(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"TabsAndDoubledSpaces", "1.\tSK  Kepala\t\tPuskesmas ", []string{"1. SK Kepala Puskesmas"}},
		{"NonBreakingAndInvisible", "SK\u00a0Kepala\u200b Puskesmas\ufeff", []string{"SK Kepala Puskesmas"}},
		{"LineBreaks", "a\r\nb\rc\u2028d", []string{"a", "b", "c", "d"}},
		{"BackticksAndBackslashes", "`2. SOP tentang `fasilitasi. \\\n` \\", []string{"2. SOP tentang fasilitasi.", ""}},
		{"WhitespaceOnly", " \t\u00a0 ", []string{""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := lines(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("lines(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSplitItems(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		headings bool
		want     []item // num is not compared
		orphan   string
	}{
		{"NumberedTab", "1.\tSK a\n2.\tSOP b", true, []item{{text: "SK a"}, {text: "SOP b"}}, ""},
		{"Paren", "1) SK a\n2) SOP b", true, []item{{text: "SK a"}, {text: "SOP b"}}, ""},
		{"OpenParen", "(1) SK a\n(2) SOP b", true, []item{{text: "SK a"}, {text: "SOP b"}}, ""},
		{"Letters", "a. SK a\nb. SOP b", true, []item{{text: "SK a"}, {text: "SOP b"}}, ""},
		{"Bullets", "• SK a\n- SOP b", true, []item{{text: "SK a"}, {text: "SOP b"}}, ""},
		{"NoSpaceAfterNumber", "1.SK a\n2.SOP b", true, []item{{text: "SK a"}, {text: "SOP b"}}, ""},
		{"Continuation", "1. SK tentang\n   struktur\n\n2. SOP", true, []item{{text: "SK tentang struktur"}, {text: "SOP"}}, ""},
		{"SubListStays", "1. Bukti rapat berupa\na. daftar hadir\nb. notulen\n2. Laporan", true,
			[]item{{text: "Bukti rapat berupa a. daftar hadir b. notulen"}, {text: "Laporan"}}, ""},
		{"DecimalNotAMarker", "1. Lihat standar\n2.1 dan 2.2\n2. Laporan", true, []item{{text: "Lihat standar 2.1 dan 2.2"}, {text: "Laporan"}}, ""},
		{"Unmarked", "SK Kepala Puskesmas\ntentang struktur", true, []item{{text: "SK Kepala Puskesmas tentang struktur"}}, ""},
		{"Inline", "1. SK a 2. SOP b 3. KAK c", true, []item{{text: "SK a"}, {text: "SOP b"}, {text: "KAK c"}}, ""},
		{"NoteAfter", "1. SK\n2. SOP\nCatatan: sesuai kebutuhan", true, []item{{text: "SK"}, {text: "SOP", note: "sesuai kebutuhan"}}, ""},
		{"NoteOwnLine", "1. SK\nCATATAN\nberlaku\numum\n2. SOP", true, []item{{text: "SK", note: "berlaku umum"}, {text: "SOP"}}, ""},
		{"NoteFirst", "catatan : umum\n1. SK\n2. SOP", true, []item{{text: "SK", note: "umum"}, {text: "SOP"}}, ""},
		{"NoteInline", "1. Laporan. Catatan: tiap bulan", true, []item{{text: "Laporan.", note: "tiap bulan"}}, ""},
		{"NoteOnly", "Catatan: tidak ada bukti", true, nil, "tidak ada bukti"},
		{"CatatanAsEvidence", "1. Catatan rapat", true, []item{{text: "Catatan rapat"}}, ""},
		{"Heading", "1. Bukti pelaksanaan:\n2. RPK\n3. Foto", true,
			[]item{{text: "RPK", group: "Bukti pelaksanaan"}, {text: "Foto", group: "Bukti pelaksanaan"}}, ""},
		{"HeadingLastIsItem", "1. SK\n2. Bukti pelaksanaan:", true, []item{{text: "SK"}, {text: "Bukti pelaksanaan:"}}, ""},
		{"HeadingOffForW", "Kepala: \n1. topik", false, []item{{text: "Kepala:"}, {text: "topik"}}, ""},
		{"EmptyItemDropped", "1. SK\n2.\n3. SOP", true, []item{{text: "SK"}, {text: "SOP"}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, orphan := splitItems(tc.in, tc.headings)
			for i := range got {
				got[i].num = 0
			}
			if !slices.Equal(got, tc.want) || orphan != tc.orphan {
				t.Errorf("splitItems(%q) =\n %+v %q\nwant\n %+v %q", tc.in, got, orphan, tc.want, tc.orphan)
			}
		})
	}
}

func TestParseIDs(t *testing.T) {
	t.Run("Bab", func(t *testing.T) {
		tests := []struct{ in, id, title string }{
			{"I", "I", ""}, {"Bab I", "I", ""}, {"BAB II Penyelenggaraan UKM", "II", "Penyelenggaraan UKM"},
			{"1", "I", ""}, {"Bab 5", "V", ""}, {"5.0", "V", ""}, {"bab iv. Program", "IV", "Program"}, {" V ", "V", ""},
		}
		for _, tc := range tests {
			id, title, err := parseBab(tc.in)
			if err != nil || id != tc.id || title != tc.title {
				t.Errorf("parseBab(%q) = %q %q %v, want %q %q", tc.in, id, title, err, tc.id, tc.title)
			}
		}
		for _, bad := range []string{"VI", "6", "Bab Implementasi", "Kepemimpinan", "0"} {
			if id, _, err := parseBab(bad); err == nil {
				t.Errorf("parseBab(%q) = %q, want an error", bad, id)
			}
		}
	})
	t.Run("Numbered", func(t *testing.T) {
		tests := []struct {
			in    string
			parts int
			id    string
			title string
		}{
			{"2.1", 2, "2.1", ""}, {"2.0999999999999996", 2, "2.1", ""}, {"Standar 2.1 Perencanaan", 2, "2.1", "Perencanaan"},
			{"2.1. Perencanaan", 2, "2.1", "Perencanaan"}, {"3.10", 2, "3.10", ""}, {"2.1.2", 3, "2.1.2", ""},
			{"2.1.2 - Pemberdayaan Masyarakat", 3, "2.1.2", "Pemberdayaan Masyarakat"}, {"Kriteria 02.1.2", 3, "2.1.2", ""},
		}
		for _, tc := range tests {
			id, title, err := parseNumbered("x", tc.in, tc.parts)
			if err != nil || id != tc.id || title != tc.title {
				t.Errorf("parseNumbered(%q, %d) = %q %q %v, want %q %q", tc.in, tc.parts, id, title, err, tc.id, tc.title)
			}
		}
		for _, bad := range []struct {
			in    string
			parts int
		}{{"2.1.2", 2}, {"2.1", 3}, {"dua", 2}, {"2.0.1", 3}} {
			if id, _, err := parseNumbered("x", bad.in, bad.parts); err == nil {
				t.Errorf("parseNumbered(%q, %d) = %q, want an error", bad.in, bad.parts, id)
			}
		}
	})
	t.Run("EPNumber", func(t *testing.T) {
		tests := []struct{ in, want string }{
			{"1", "a"}, {"2", "b"}, {"3.", "c"}, {"1.0", "a"}, {"(4)", "d"}, {"a", "a"}, {"B)", "b"}, {"EP 3", "c"}, {"26", "z"},
		}
		for _, tc := range tests {
			if got, err := parseEPNumber(tc.in); err != nil || got != tc.want {
				t.Errorf("parseEPNumber(%q) = %q %v, want %q", tc.in, got, err, tc.want)
			}
		}
		for _, bad := range []string{"0", "27", "ab", "satu"} {
			if got, err := parseEPNumber(bad); err == nil {
				t.Errorf("parseEPNumber(%q) = %q, want an error", bad, got)
			}
		}
	})
}

func TestClassifyHeader(t *testing.T) {
	tests := []struct {
		in   string
		want column
		ok   bool
	}{
		{"Bab", colBab, true}, {"BAB", colBab, true}, {"No. Standar", colStandar, true}, {"Kriteria", colKriteria, true},
		{"No EP", colEPNumber, true}, {"EP", colEPNumber, true}, {"No. Elemen Penilaian", colEPNumber, true},
		{"Elemen Penilaian", colEPText, true}, {"Uraian Elemen Penilaian", colEPText, true},
		{"R", colR, true}, {"R (Regulasi)", colR, true}, {"Dokumen", colD, true}, {"o", colO, true},
		{"W - Wawancara", colW, true}, {" S ", colS, true},
		{"Nama", 0, false}, {"Metode", 0, false}, {"R D", 0, false}, {"", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := classify(tc.in)
			if ok != tc.ok || ok && got != tc.want {
				t.Errorf("classify(%q) = %v %v, want %v %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
	t.Run("ColumnNumbering", func(t *testing.T) {
		if !isColumnNumbering([]string{"", "1", "2", "(3)", "4"}) || isColumnNumbering([]string{"1", "1.1", "1.1.1"}) || isColumnNumbering([]string{"1", "2"}) {
			t.Error("isColumnNumbering misreads a row")
		}
	})
}

func TestSplitMethods(t *testing.T) {
	tests := []struct{ in, text, methods string }{
		{"Terdapat SK (R, D, W).", "Terdapat SK", "RDW"},
		{"Terdapat SK (D.W)", "Terdapat SK", "DW"},
		{"Terdapat SK (R,D,O,W)", "Terdapat SK", "RDOW"},
		{"Terdapat SK (W, R)", "Terdapat SK", "RW"},
		{"Terdapat SK (D dan W) .", "Terdapat SK", "DW"},
		{"Terdapat SK", "Terdapat SK", ""},
		{"Terdapat (RUK) dan RPK", "Terdapat (RUK) dan RPK", ""},
		{"Kegiatan (D) dievaluasi", "Kegiatan (D) dievaluasi", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			text, ms := splitMethods(tc.in)
			got := ""
			for _, m := range ms {
				got += string(m)
			}
			if text != tc.text || got != tc.methods {
				t.Errorf("splitMethods(%q) = %q %q, want %q %q", tc.in, text, got, tc.text, tc.methods)
			}
		})
	}
}

func TestInterviews(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		who   []string
		topic string
	}{
		{"CommasDanSerta", "Kepala Puskesmas, Pj UKM, Koordinator Pelayanan UKM dan pelaksana pelayanan UKM, serta masyarakat: Penggalian informasi",
			[]string{"Kepala Puskesmas", "Penanggung jawab UKM", "Koordinator Pelayanan UKM", "Pelaksana pelayanan UKM", "Masyarakat"}, "Penggalian informasi"},
		{"DanInsideRole", "Pj Kesehatan Ibu dan Anak dan petugas gizi: topik", []string{"Penanggung jawab Kesehatan Ibu dan Anak", "Petugas gizi"}, "topik"},
		{"Duplicates", "Kepala Puskesmas, kepala puskesmas: topik", []string{"Kepala Puskesmas"}, "topik"},
		{"NoColon", "Petugas menjelaskan prosedur", []string{unnamedRole}, "Petugas menjelaskan prosedur"},
		{"TopicWithColon", "Penggalian informasi terkait: RUK dan RPK", []string{unnamedRole}, "Penggalian informasi terkait: RUK dan RPK"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reqs, _ := interviewRequirements([]item{{text: tc.in}}, "")
			if len(reqs) != 1 || !slices.Equal(reqs[0].Interviewees, tc.who) || reqs[0].Topic != tc.topic || reqs[0].Key != "W1" {
				t.Errorf("interviewRequirements(%q) = %+v, want %q %q", tc.in, reqs, tc.who, tc.topic)
			}
		})
	}
	t.Run("HeadingRoles", func(t *testing.T) {
		items, _ := splitItems("Kepala Puskesmas dan Pj UKM:\n1. isi RUK\n2. isi RPK", false)
		reqs, warnings := interviewRequirements(items, "")
		if len(reqs) != 2 || len(warnings) != 0 || reqs[1].Key != "W2" || !slices.Equal(reqs[1].Interviewees, []string{"Kepala Puskesmas", "Penanggung jawab UKM"}) {
			t.Errorf("got %+v %v", reqs, warnings)
		}
	})
	t.Run("RolesWithoutTopic", func(t *testing.T) {
		reqs, warnings := interviewRequirements([]item{{text: "Kepala Puskesmas:"}}, "")
		if len(reqs) != 0 || len(warnings) != 1 {
			t.Errorf("got %+v %v, want no requirement and a warning", reqs, warnings)
		}
	})
}

func TestGuessDocType(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SK Kepala Puskesmas", "SK"}, {"Surat Keputusan tim", "SK"}, {"SOP pendaftaran", "SOP"}, {"KAK kegiatan", "KAK"},
		{"RUK & RPK", "RUK/RPK"}, {"RPK yang memuat", "RUK/RPK"}, {"Pedoman mutu", "pedoman"}, {"Panduan", "panduan"},
		{"Notulen rapat", "notulen"}, {"Daftar hadir", "daftar hadir"}, {"Foto kegiatan", "foto"}, {"Laporan evaluasi", "laporan"},
		{"Skrining", ""}, {"Bukti kesepakatan", ""}, {"Sosialisasi SK", ""},
	}
	for _, tc := range tests {
		if got := guessDocType(tc.in); got != tc.want {
			t.Errorf("guessDocType(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestImportLayouts covers layouts beside one sheet per Bab.
func TestImportLayouts(t *testing.T) {
	t.Run("AllBabOnOneSheet", func(t *testing.T) {
		data := buildWorkbook(t, sheetSpec{name: "Instrumen", rows: [][]any{header,
			{"I", "1.1", "1.1.1", 1, "EP satu (R)", "1. SK"},
			{"III", "3.1", "3.1.1", 1, "EP tiga (D)", nil, "1. Laporan"},
		}})
		c, rep, err := ImportWorkbook(bytes.NewReader(data), testOptions())
		if err != nil {
			t.Fatal(err)
		}
		if got := requirementIDs(c); !slices.Equal(got, []string{"1.1.1/a/R1", "3.1.1/a/D1"}) || rep.Bab != 2 {
			t.Errorf("got %v, %d Bab", got, rep.Bab)
		}
	})
	t.Run("StandarStoredAsNumber", func(t *testing.T) {
		// Excel keeps 3.10 typed in a cell as the number 3.1.
		data := buildWorkbook(t, sheetSpec{name: "Bab III", rows: [][]any{header,
			{nil, 3.1, "3.10.1", 1, "EP (R)", "1. SK"},
			{nil, "3.1", "3.10.2", 1, "EP (R)", "1. SK"},
		}})
		c, rep, err := ImportWorkbook(bytes.NewReader(data), testOptions())
		if err != nil {
			t.Fatal(err)
		}
		if _, place, ok := c.Kriteria("3.10.1"); !ok || place.Standar.ID != "3.10" || place.Bab.ID != "III" {
			t.Errorf("kriteria 3.10.1 not under standar 3.10 of Bab III (bab from the sheet name)")
		}
		checkProblems(t, rep.Skipped, []ImportProblem{{"Bab III", 3, "kriteria 3.10.2 does not belong to standar 3.1"}})
	})
	t.Run("MethodsNotDeclared", func(t *testing.T) {
		data := buildWorkbook(t, sheetSpec{name: "Bab I", rows: [][]any{header,
			{"I", "1.1", "1.1.1", 1, "EP (D)", "1. SK", "1. Laporan"},
		}})
		c, rep, err := ImportWorkbook(bytes.NewReader(data), testOptions())
		if err != nil {
			t.Fatal(err)
		}
		e, _ := c.Element("1.1.1/a")
		if !slices.Equal(e.Methods, []Method{Regulasi, Dokumen}) {
			t.Errorf("methods %v, want [R D]: no evidence is dropped", e.Methods)
		}
		checkProblems(t, rep.Warnings, []ImportProblem{{"Bab I", 2, "does not list R"}})
	})
	t.Run("EPNumberInText", func(t *testing.T) {
		data := buildWorkbook(t, sheetSpec{name: "Bab I", rows: [][]any{header,
			{"I", "1.1", "1.1.1", nil, "b) EP kedua (R)", "1. SK"},
			{nil, nil, nil, nil, "EP tanpa nomor (R)", "1. SK"},
		}})
		c, rep, err := ImportWorkbook(bytes.NewReader(data), testOptions())
		if err != nil {
			t.Fatal(err)
		}
		if e, ok := c.Element("1.1.1/b"); !ok || e.Text != "EP kedua" {
			t.Errorf("EP b from the text marker: %v %+v", ok, e)
		}
		checkProblems(t, rep.Skipped, []ImportProblem{{"Bab I", 3, "no EP number"}})
	})
}
