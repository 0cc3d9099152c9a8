package catalogue

import (
	"archive/zip"
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestImportRefuses: inputs that are not the self-assessment give an error
// and no catalogue; the error says which sheet and what was expected.
func TestImportRefuses(t *testing.T) {
	randomBytes := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range randomBytes {
		randomBytes[i] = byte(rng.UintN(256))
	}
	var plainZip bytes.Buffer
	zw := zip.NewWriter(&plainZip)
	w, _ := zw.Create("readme.txt")
	w.Write([]byte("bukan spreadsheet"))
	zw.Close()

	allInvalid := sheetSpec{name: "Bab I", rows: [][]any{header,
		{"I", "1.1", "1.1.1", 1, "Tanpa bukti (R)"},
		{"I", "1.1", "2.1.1", 2, "Salah standar (R)", "1. SK"},
		{"VII", "7.1", "7.1.1", 1, "Bab tidak ada (R)", "1. SK"},
	}}

	tests := []struct {
		name    string
		data    func(t *testing.T) []byte
		target  error
		reasons []string
		skipped int // rows listed in the report
	}{
		{"WrongColumns", func(t *testing.T) []byte {
			return buildWorkbook(t, sheetSpec{name: "Data Pegawai", rows: [][]any{
				{"Daftar pegawai"}, {"Nama", "NIP", "Jabatan"}, {"Ani", "1987", "Bidan"},
			}})
		}, ErrLayout, []string{`sheet "Data Pegawai"`, "expected the columns Bab, Standar, Kriteria, No EP, Elemen Penilaian, R, D, O, W, S"}, 0},
		{"PartialHeader", func(t *testing.T) []byte {
			return buildWorkbook(t, sheetSpec{name: "Bab I", rows: [][]any{{"Bab", "Standar", "Kriteria", "Keterangan"}, {"I", "1.1", "1.1.1", "x"}}})
		}, ErrLayout, []string{`sheet "Bab I"`, "row 1 comes closest but lacks No EP, Elemen Penilaian, R, D, O, W, S"}, 0},
		{"HeaderBelowRow10", func(t *testing.T) []byte {
			rows := make([][]any, 10)
			for i := range rows {
				rows[i] = []any{"judul"}
			}
			return buildWorkbook(t, sheetSpec{name: "Bab I", rows: append(rows, header)})
		}, ErrLayout, []string{"in the first 10 rows"}, 0},
		{"RandomBytes", func(*testing.T) []byte { return randomBytes }, ErrNotWorkbook, []string{"save it as"}, 0},
		{"NoBytes", func(*testing.T) []byte { return nil }, ErrNotWorkbook, nil, 0},
		{"ZipNotWorkbook", func(*testing.T) []byte { return plainZip.Bytes() }, ErrNotWorkbook, nil, 0},
		{"EmptyWorkbook", func(t *testing.T) []byte { return buildWorkbook(t) }, ErrEmptyWorkbook, nil, 0},
		{"WhitespaceOnlyWorkbook", func(t *testing.T) []byte {
			return buildWorkbook(t, sheetSpec{name: "Bab I", rows: [][]any{{" ", "\t"}, nil, {"\u00a0"}}})
		}, ErrEmptyWorkbook, nil, 0},
		{"AllRowsInvalid", func(t *testing.T) []byte { return buildWorkbook(t, allInvalid) }, ErrNoElements,
			[]string{"3 rows or sheets skipped", `sheet "Bab I" row 2: no R, D, O, W or S items`, "kriteria 2.1.1 does not belong to standar 1.1", "the standard has Bab I to V"}, 3},
		{"HeaderOnly", func(t *testing.T) []byte { return buildWorkbook(t, sheetSpec{name: "Bab I", rows: [][]any{header}}) },
			ErrNoElements, []string{"no data rows under the header"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, rep, err := ImportWorkbook(bytes.NewReader(tc.data(t)), testOptions())
			if c != nil {
				t.Errorf("got a catalogue, want none")
			}
			if !errors.Is(err, tc.target) {
				t.Fatalf("error = %v, want %v", err, tc.target)
			}
			for _, r := range tc.reasons {
				if !strings.Contains(err.Error(), r) {
					t.Errorf("error %q lacks %q", err, r)
				}
			}
			if len(rep.Skipped) != tc.skipped {
				t.Errorf("report lists %d skipped rows, want %d: %v", len(rep.Skipped), tc.skipped, rep.Skipped)
			}
		})
	}
}

func TestImportOptions(t *testing.T) {
	data := buildWorkbook(t, sheetSpec{name: "Bab I", rows: [][]any{header, {"I", "1.1", "1.1.1", 1, "EP (R)", "1. SK"}}})
	tests := []struct {
		name   string
		opt    func(o *ImportOptions)
		reason string
	}{
		{"NoID", func(o *ImportOptions) { o.ID = " " }, "ImportOptions.ID is required"},
		{"NoVersion", func(o *ImportOptions) { o.Version = "" }, "ImportOptions.Version is required"},
		{"BadBabTitle", func(o *ImportOptions) { o.BabTitles = map[string]string{"6": "x"} }, `BabTitles has key "6"`},
		{"NoScoring", func(o *ImportOptions) { o.Scoring = Scoring{} }, "scoring.values"},
		{"ScoringForOtherBab", func(o *ImportOptions) {
			o.Scoring.Statuses = []Status{{Name: "Lulus", Min: map[string]float64{"I": 50}}}
		}, "no minimum for Bab II"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opt := testOptions()
			tc.opt(&opt)
			c, _, err := ImportWorkbook(bytes.NewReader(data), opt)
			if c != nil || err == nil || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("Import = %v, %v; want no catalogue and an error containing %q", c != nil, err, tc.reason)
			}
		})
	}
	t.Run("TitleDefaultsToID", func(t *testing.T) {
		opt := testOptions()
		opt.Title = ""
		c, _, err := ImportWorkbook(bytes.NewReader(data), opt)
		if err != nil {
			t.Fatal(err)
		}
		if c.Title != opt.ID {
			t.Errorf("title %q, want %q", c.Title, opt.ID)
		}
	})
	t.Run("ParseErrorWrapped", func(t *testing.T) {
		opt := testOptions()
		opt.Scoring = Scoring{}
		_, _, err := ImportWorkbook(bytes.NewReader(data), opt)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("error %v does not wrap a *ParseError", err)
		}
	})
}
