package testenv

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Sheet is one sheet of a test workbook: rows of text cells from A1.
type Sheet struct {
	Name string
	Rows [][]string
}

// Workbook writes sheets to an .xlsx in memory.
func Workbook(tb testing.TB, sheets ...Sheet) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.Name); err != nil {
				tb.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			tb.Fatal(err)
		}
		for r, row := range s.Rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellStr(s.Name, cell, v); err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// SelfAssessment is a small workbook in the national self-assessment
// layout: Kriteria 2.1.2 EP 1 (a) and 2 (b), and 5.1.1 EP 1.
func SelfAssessment(tb testing.TB) []byte {
	header := []string{"Bab", "Standar", "Kriteria", "No EP", "Elemen Penilaian", "R", "D", "O", "W", "S"}
	return Workbook(tb,
		Sheet{Name: "Bab II", Rows: [][]string{
			{"INSTRUMEN PENILAIAN MANDIRI"},
			header,
			{"II", "2.1", "2.1.2", "1", "Terdapat kegiatan fasilitasi Pemberdayaan Masyarakat (R, D, W)",
				"1.\tSK Kepala Puskesmas tentang fasilitasi pemberdayaan masyarakat\n2.\tSOP fasilitasi pemberdayaan masyarakat",
				"1. RUK & RPK", " ", "Kepala Puskesmas, Pj UKM: penggalian informasi isi RUK & RPK", ""},
			{"", "", "", "2", "Terdapat bukti keterlibatan masyarakat (D, W)", "",
				"1. RPK yang memuat kegiatan pemberdayaan masyarakat\nCatatan: disesuaikan dengan kegiatan", "", "Kepala Puskesmas: keterlibatan masyarakat", ""},
		}},
		Sheet{Name: "Bab V", Rows: [][]string{
			header,
			{"V", "5.1", "5.1.1", "1", "Ditetapkan indikator mutu (R, D)", "1. SK indikator mutu", "1. Profil indikator", "", "", ""},
		}},
	)
}
