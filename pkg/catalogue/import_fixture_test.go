package catalogue

import (
	"archive/zip"
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// sheetSpec describes one sheet of a test workbook. Rows start at A1; a
// nil row is left empty. A cell is a string (written as text), an int or a
// float64 (written as a number, every digit kept), or nil.
type sheetSpec struct {
	name   string
	rows   [][]any
	merges [][2]string // cell ranges to merge, e.g. {"A4", "A5"}
}

// buildWorkbook writes the sheets to an .xlsx in memory. With no sheets it
// returns excelize's empty workbook (one empty sheet).
func buildWorkbook(t *testing.T, sheets ...sheetSpec) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatalf("rename sheet: %v", err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatalf("new sheet %q: %v", s.name, err)
		}
		for r, row := range s.rows {
			for c, v := range row {
				cell, err := excelize.CoordinatesToCellName(c+1, r+1)
				if err != nil {
					t.Fatal(err)
				}
				switch v := v.(type) {
				case nil:
				case string:
					err = f.SetCellStr(s.name, cell, v)
				case int:
					err = f.SetCellInt(s.name, cell, int64(v))
				case float64:
					err = f.SetCellFloat(s.name, cell, v, -1, 64)
				default:
					t.Fatalf("cell %s: unsupported value %T", cell, v)
				}
				if err != nil {
					t.Fatalf("set %s!%s: %v", s.name, cell, err)
				}
			}
		}
		for _, m := range s.merges {
			if err := f.MergeCell(s.name, m[0], m[1]); err != nil {
				t.Fatalf("merge %v: %v", m, err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatalf("write workbook: %v", err)
	}
	return buf.Bytes()
}

// replaceInZip rewrites every entry of an .xlsx, replacing old with new. It
// makes cells Excel (and excelize) would refuse to write, such as one
// longer than 32 767 characters.
func replaceInZip(t *testing.T, data []byte, old, new string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(body, []byte(old)) {
			found = true
			body = bytes.ReplaceAll(body, []byte(old), []byte(new))
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("test setup: %q not found in the workbook", old)
	}
	return buf.Bytes()
}

// testOptions carries the built-in thresholds, as the caller is meant to.
func testOptions() ImportOptions {
	return ImportOptions{
		ID:      "pkp-2023",
		Version: "2023.9-import",
		Title:   "Standar Akreditasi Puskesmas",
		Source:  "KMK HK.01.07/MENKES/165/2023",
		Scoring: mustBuiltin().Scoring,
	}
}

// header is the plain header row of the layout.
var header = []any{"Bab", "Standar", "Kriteria", "No. EP", "Elemen Penilaian", "R", "D", "O", "W", "S"}

// hugePlaceholder is replaced, after the workbook is written, by a cell
// longer than Excel allows.
const hugePlaceholder = "HUGE-CELL-PLACEHOLDER"

var hugeCell = "1. SK " + strings.Repeat("sangat panjang ", 2500) // 37 506 characters

// manyItems is a cell with 150 numbered items.
func manyItems() string {
	var b strings.Builder
	for i := 1; i <= 150; i++ {
		b.WriteString(strings.Repeat(" ", i%3) + strconv.Itoa(i) + ". Laporan bulan ke-" + strconv.Itoa(i) + "\n")
	}
	return b.String()
}
