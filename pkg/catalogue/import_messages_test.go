package catalogue

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// TestImportRefusalMessages: every refusal carries a *bukti.Error (code
// invalid) that says in Bahasa Indonesia and English what was expected and
// what was found, so callers show bukti.ErrorMessage, never err.Error().
func TestImportRefusalMessages(t *testing.T) {
	var plainZip bytes.Buffer
	zw := zip.NewWriter(&plainZip)
	w, _ := zw.Create("readme.txt")
	w.Write([]byte("bukan spreadsheet"))
	zw.Close()
	const notXLSX = "Bukan workbook .xlsx: diharapkan instrumen penilaian mandiri sebagai berkas Excel (.xlsx), ditemukan "
	const notXLSXEN = "not an .xlsx workbook: expected the self-assessment as an Excel (.xlsx) file, found "
	tests := []struct {
		name           string
		data           []byte
		target         error
		wantID, wantEN string // prefixes
	}{
		{"empty file", nil, ErrNotWorkbook, notXLSX + "berkas kosong.", notXLSXEN + "an empty file;"},
		{"CSV", []byte("Bab,Standar,Kriteria\nII,2.1,2.1.2\n"), ErrNotWorkbook, notXLSX + "berkas teks (misalnya CSV).", notXLSXEN + "a text file (such as CSV);"},
		{"PDF", []byte("%PDF-1.7\n\x00\x01\x02\xff"), ErrNotWorkbook, notXLSX + "dokumen PDF.", notXLSXEN + "a PDF document;"},
		{"old Excel", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...), ErrNotWorkbook,
			notXLSX + "berkas Excel 97–2003 (.xls)", notXLSXEN + "an Excel 97–2003 (.xls)"},
		{"ZIP", plainZip.Bytes(), ErrNotWorkbook, notXLSX + "arsip ZIP yang bukan workbook.", notXLSXEN + "a ZIP archive that is not a workbook;"},
		{"binary", []byte{0x00, 0xff, 0xfe, 0x80, 0x81, 0x00, 0x13}, ErrNotWorkbook, notXLSX + "isi yang tidak dikenali.", notXLSXEN + "unrecognised content;"},
		{"empty workbook", buildWorkbook(t), ErrEmptyWorkbook,
			"Workbook kosong: diharapkan baris instrumen penilaian mandiri dengan kolom Bab, Standar, Kriteria, No EP, Elemen Penilaian, R, D, O, W, S, ditemukan lembar tanpa satu sel pun berisi.",
			"the workbook is empty: expected the self-assessment's rows with the columns Bab, Standar, Kriteria, No EP, Elemen Penilaian, R, D, O, W, S, found no sheet with any cell"},
		{"no valid EP", buildWorkbook(t, sheetSpec{name: "Bab I", rows: [][]any{header}}), ErrNoElements,
			"Tidak ada baris EP yang valid: format penilaian mandiri ditemukan, tetapi tidak satu baris pun menjadi EP (there are no data rows under the header).",
			"no valid EP row: the self-assessment layout was found, but no row makes an EP (there are no data rows under the header)"},
		{"other columns", buildWorkbook(t, sheetSpec{name: "Data", rows: [][]any{{"Nama", "NIP"}}}), ErrLayout,
			`Bukan format penilaian mandiri: lembar "Data": tidak ada baris judul kolom di 10 baris pertama: diharapkan kolom Bab`,
			`not the self-assessment layout: sheet "Data": no header row in the first 10 rows: expected the columns Bab`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ImportWorkbook(bytes.NewReader(tc.data), testOptions())
			if !errors.Is(err, tc.target) {
				t.Fatalf("error %v, want %v", err, tc.target)
			}
			var be *bukti.Error
			if !errors.As(err, &be) || be.Code != bukti.EINVALID {
				t.Fatalf("error %v carries no *bukti.Error with code invalid", err)
			}
			id, en := bukti.ErrorMessage(err)
			if !strings.HasPrefix(id, tc.wantID) || !strings.HasPrefix(en, tc.wantEN) {
				t.Errorf("messages\n got %q\n     %q\nwant %q…\n     %q…", id, en, tc.wantID, tc.wantEN)
			}
		})
	}
	t.Run("ImportFiles names the file", func(t *testing.T) {
		dir := t.TempDir()
		good, bad := filepath.Join(dir, "bab1.xlsx"), filepath.Join(dir, "bab2.xlsx")
		os.WriteFile(good, buildWorkbook(t, sheetSpec{name: "Bab I", rows: [][]any{header, {"I", "1.1", "1.1.1", 1, "EP (R)", "1. SK"}}}), 0o644)
		os.WriteFile(bad, []byte("bukan xlsx"), 0o644)
		_, _, err := ImportFiles([]string{good, bad}, testOptions())
		id, en := bukti.ErrorMessage(err)
		if !errors.Is(err, ErrNotWorkbook) || !strings.HasPrefix(id, "Berkas bab2.xlsx: "+notXLSX) || !strings.HasPrefix(en, "file bab2.xlsx: "+notXLSXEN) ||
			!strings.HasPrefix(err.Error(), bad+": ") {
			t.Errorf("error %v\nmessages %q / %q", err, id, en)
		}
	})
}
