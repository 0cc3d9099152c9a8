package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// exportSheet is a sheet with every kind of cell, and text a spreadsheet
// would run as a formula.
func exportSheet() Sheet {
	wib := time.FixedZone("WIB", 7*3600)
	return Sheet{Name: "Matriks", Title: "Ringkasan wilayah · Kota Cimahi", Notes: []string{"Per 20-01-2026 14:05 WIB", "Katalog: Standar (pkp-2023@2023.2)"},
		Head: []string{"Kode", "Puskesmas", "I %", "EP TDD", "Aktivitas terakhir (WIB)"},
		Rows: [][]any{
			{"P1", "Puskesmas Cibeber; Selatan", 12.5, 3, time.Date(2026, 1, 19, 9, 30, 0, 0, wib)},
			{"P2", `=HYPERLINK("http://contoh.test","klik")`, 100.0, 0, nil},
			{"P3", "-2+3", "", 1, nil},
		}}
}

// TestExportSheetCSV checks the CSV a spreadsheet in the Indonesian locale
// opens as it is meant: UTF-8 BOM, ";" between cells, a decimal comma,
// CRLF, the same cells as the sheet, and text that would run as a formula
// made plain text.
func TestExportSheetCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSheet(&b, exportSheet(), FormatCSV); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, "\xEF\xBB\xBF") {
		t.Fatalf("no UTF-8 byte order mark: %q", out[:10])
	}
	if !strings.Contains(out, "\r\n") {
		t.Error("lines do not end in CRLF")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, CSVBOM)))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Kode", "Puskesmas", "I %", "EP TDD", "Aktivitas terakhir (WIB)"},
		{"P1", "Puskesmas Cibeber; Selatan", "12,5", "3", "19-01-2026 09:30"},
		{"P2", `'=HYPERLINK("http://contoh.test","klik")`, "100", "0", ""},
		{"P3", "'-2+3", "", "1", ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %q", len(rows), len(want), rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
		}
	}
}

// TestExportSheetXLSX checks the spreadsheet: the title and notes above
// the header, the header frozen and filterable over every row, numbers as
// numbers, the time as the wall clock of its zone, and formula-like text as
// a string, not a formula.
func TestExportSheetXLSX(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSheet(&b, exportSheet(), FormatXLSX); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Matriks")
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "Ringkasan wilayah · Kota Cimahi" || rows[1][0] != "Per 20-01-2026 14:05 WIB" || rows[3][0] != "Kode" || len(rows) != 7 {
		t.Fatalf("rows: %q", rows)
	}
	panes, err := f.GetPanes("Matriks")
	if err != nil || !panes.Freeze || panes.YSplit != 4 || panes.TopLeftCell != "A5" {
		t.Errorf("panes %+v (%v), want frozen below the header (row 4)", panes, err)
	}
	found := false
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" && strings.Contains(d.RefersTo, "$A$4:$E$7") {
			found = true
		}
	}
	if !found {
		t.Errorf("no autofilter over A4:E7: %+v", f.GetDefinedName())
	}
	if v, _ := f.GetCellValue("Matriks", "C5", excelize.Options{RawCellValue: true}); v != "12.5" {
		t.Errorf("C5 = %q, want the number 12.5", v)
	}
	if ty, _ := f.GetCellType("Matriks", "C5"); ty != excelize.CellTypeNumber && ty != excelize.CellTypeUnset {
		t.Errorf("C5 type %v, want a number", ty)
	}
	if v, _ := f.GetCellValue("Matriks", "E5"); v != "19-01-2026 09:30" {
		t.Errorf("E5 = %q, want 19-01-2026 09:30 (WIB wall clock)", v)
	}
	if formula, _ := f.GetCellFormula("Matriks", "B6"); formula != "" {
		t.Errorf("B6 is a formula %q", formula)
	}
	if v, _ := f.GetCellValue("Matriks", "B6"); !strings.HasPrefix(v, "=HYPERLINK") {
		t.Errorf("B6 = %q, want the text as typed", v)
	}
}

// TestExportSheetFormat refuses an unknown format with the report
// package's message.
func TestExportSheetFormat(t *testing.T) {
	if err := WriteSheet(&bytes.Buffer{}, exportSheet(), "pdf"); err == nil || !strings.Contains(err.Error(), `unknown format "pdf"`) {
		t.Errorf("pdf: %v", err)
	}
}

// TestLiveTrends checks the chart's series end where the table stands:
// today's snapshot is replaced by the table's figure, a facility without
// snapshots gets today's point, a facility not in the table is left out,
// and a Bab not assessed today keeps its past.
func TestLiveTrends(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	series := []Series{
		{FacilityID: 1, Code: "P1", Name: "Satu", Bab: "I", Points: []Point{{Day: day(18), Percent: 10}, {Day: day(20), Percent: 20, Status: "Dasar"}}},
		{FacilityID: 1, Code: "P1", Name: "Satu", Bab: "II", Points: []Point{{Day: day(19), Percent: 50}}},
		{FacilityID: 3, Code: "P3", Name: "Tiga", Bab: "I", Points: []Point{{Day: day(20), Percent: 70}}},
	}
	rows := []FacilityRow{
		{ID: 2, Code: "P2", Name: "Dua", Status: "Madya", Cells: []Cell{{ID: "I", Percent: 40, Assessed: true}, {ID: "II"}}},
		{ID: 1, Code: "P1", Name: "Satu", Status: "Dasar", Cells: []Cell{{ID: "I", Percent: 25, Assessed: true}, {ID: "II"}}},
	}
	got := LiveTrends(series, []string{"I", "II"}, rows, day(20))
	var lines []string
	for _, s := range got {
		var pts []string
		for _, p := range s.Points {
			pts = append(pts, fmt.Sprintf("%s=%g", p.Day.Format("02"), p.Percent))
		}
		lines = append(lines, s.Code+" "+s.Bab+": "+strings.Join(pts, " "))
	}
	want := []string{"P2 I: 20=40", "P1 I: 18=10 20=25", "P1 II: 19=50"}
	if strings.Join(lines, "; ") != strings.Join(want, "; ") {
		t.Errorf("live trends:\n got %q\nwant %q", lines, want)
	}
	if got[1].Points[1].Status != "Dasar" {
		t.Errorf("today's status %q, want the table's", got[1].Points[1].Status)
	}
}
