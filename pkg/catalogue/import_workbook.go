package catalogue

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/bukti-id/bukti/pkg/bukti"
)

const (
	// maxWorkbookBytes bounds the file read; the national workbook is a
	// few megabytes.
	maxWorkbookBytes = 64 << 20
	// maxUnzippedBytes bounds what the workbook may unpack to.
	maxUnzippedBytes = 512 << 20
)

// sheet is one sheet's rows and, when found, its layout.
type sheet struct {
	name, label string
	rows        [][]string
	layout      layout
	layoutErr   *layoutMiss
}

// readWorkbook reads one workbook into the builder. file is the file name
// for ImportFiles ("" for ImportWorkbook); it prefixes the sheet names in
// problems. It fails when the bytes are not a workbook, when no sheet has a
// cell, or when no sheet has the layout.
func (b *builder) readWorkbook(r io.Reader, file string) error {
	data, err := io.ReadAll(io.LimitReader(r, maxWorkbookBytes+1))
	if err != nil {
		return fmt.Errorf("catalogue import: read the workbook: %w", err)
	}
	if len(data) > maxWorkbookBytes {
		mib := maxWorkbookBytes >> 20
		return &refusal{text: fmt.Sprintf("catalogue import: %v: larger than %d MiB: import one file per Bab instead", ErrTooLarge, mib), kind: ErrTooLarge,
			msg: bukti.E(bukti.ETOOLARGE, "err.catalogue.workbook_too_large", mib)}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzippedBytes})
	if err != nil {
		foundID, foundEN := describeBytes(data)
		return refuse(ErrNotWorkbook,
			fmt.Sprintf("catalogue import: %v (%v): open the file in Excel and save it as \"Excel Workbook (*.xlsx)\"", ErrNotWorkbook, err),
			"Bukan workbook .xlsx: diharapkan instrumen penilaian mandiri sebagai berkas Excel (.xlsx), ditemukan "+foundID+
				". Buka berkas di Excel lalu simpan sebagai \"Excel Workbook (*.xlsx)\".",
			ErrNotWorkbook.Error()+": expected the self-assessment as an Excel (.xlsx) file, found "+foundEN+
				"; open the file in Excel and save it as \"Excel Workbook (*.xlsx)\"")
	}
	defer f.Close()

	sheets, err := readSheets(f, file)
	if err != nil {
		return err
	}
	if len(sheets) == 0 {
		return refuse(ErrEmptyWorkbook,
			fmt.Sprintf("catalogue import: %v: no sheet has any cell; export the self-assessment with its rows", ErrEmptyWorkbook),
			"Workbook kosong: diharapkan baris instrumen penilaian mandiri dengan kolom "+expectedColumns()+
				", ditemukan lembar tanpa satu sel pun berisi. Ekspor instrumen beserta barisnya.",
			ErrEmptyWorkbook.Error()+": expected the self-assessment's rows with the columns "+expectedColumns()+
				", found no sheet with any cell; export the self-assessment with its rows")
	}
	var noLayout []sheet
	for _, s := range sheets {
		if s.layoutErr != nil {
			noLayout = append(noLayout, s)
		}
	}
	if len(noLayout) == len(sheets) {
		return newLayoutError(noLayout)
	}
	for _, s := range sheets {
		if s.layoutErr != nil {
			b.skip(s.label, 0, s.layoutErr.Error()+"; sheet ignored")
			continue
		}
		b.readSheet(f, s)
	}
	return nil
}

// readSheets reads every sheet that has a cell and looks for its layout.
func readSheets(f *excelize.File, file string) ([]sheet, error) {
	var out []sheet
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			return nil, refuse(ErrNotWorkbook,
				fmt.Sprintf("catalogue import: %v: sheet %q cannot be read (%v): save the file again in Excel", ErrNotWorkbook, name, err),
				fmt.Sprintf("Workbook rusak: lembar %q tidak dapat dibaca. Simpan ulang berkas di Excel lalu impor lagi.", name),
				fmt.Sprintf("%v: sheet %q cannot be read; save the file again in Excel and import it again", ErrNotWorkbook, name))
		}
		if allBlank(rows) {
			continue
		}
		s := sheet{name: name, label: name, rows: rows}
		if file != "" {
			s.label = "[" + file + "]" + name
		}
		s.layout, s.layoutErr = findLayout(rows, name)
		out = append(out, s)
	}
	return out, nil
}

// readSheet reads the data rows of a sheet with the layout.
func (b *builder) readSheet(f *excelize.File, s sheet) {
	sheetBab := ""
	if _, _, err := parseBab(s.name); err == nil {
		sheetBab = s.name
	}
	r := &sheetReader{
		l:        s.layout,
		sheetBab: sheetBab,
		isNumber: func(col, row int) bool {
			cell, err := excelize.CoordinatesToCellName(col+1, row)
			if err != nil {
				return false
			}
			t, err := f.GetCellType(s.name, cell)
			return err == nil && (t == excelize.CellTypeNumber || t == excelize.CellTypeUnset)
		},
	}
	if s.layout.headerless {
		// Rows above the first data row are titles; one with an EP or
		// items is listed, not dropped silently.
		for i := 0; i < s.layout.firstRow; i++ {
			if hasEPContent(s.rows[i]) {
				b.skip(s.label, i+1, fmt.Sprintf("above the first data row (row %d) of a sheet without a header, and not itself in the column order Bab, Standar, Kriteria, No EP …: fill its Bab, Standar, Kriteria and No EP cells", s.layout.firstRow+1))
			}
		}
	}
	for i := s.layout.firstRow; i < len(s.rows); i++ {
		ep, reason, warnings := r.read(i+1, s.rows[i])
		if reason != "" {
			b.skip(s.label, i+1, reason)
			continue
		}
		if ep == nil || !b.add(s.label, ep) {
			continue
		}
		for _, w := range warnings {
			b.warn(s.label, i+1, w)
		}
	}
}

// hasEPContent reports whether a row of a headerless sheet has an EP number,
// EP text or items (columns D to J).
func hasEPContent(row []string) bool {
	for j := int(colEPNumber); j < int(numColumns) && j < len(row); j++ {
		if !isBlank(row[j]) {
			return true
		}
	}
	return false
}

func allBlank(rows [][]string) bool {
	for _, row := range rows {
		for _, cell := range row {
			if !isBlank(cell) {
				return false
			}
		}
	}
	return true
}

// describeBytes says what a file that is no workbook looks like, in Bahasa
// Indonesia and English, for the refusal.
func describeBytes(data []byte) (id, en string) {
	head := data[:min(len(data), 512)]
	text := utf8.Valid(head)
	for cut := 1; !text && len(data) > len(head) && cut <= 3; cut++ { // the cut may split a character
		text = utf8.Valid(head[:len(head)-cut])
	}
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return "berkas kosong", "an empty file"
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return "berkas Excel 97–2003 (.xls) atau dokumen Office lama", "an Excel 97–2003 (.xls) or other old Office file"
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return "arsip ZIP yang bukan workbook", "a ZIP archive that is not a workbook"
	case bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n\ufeff"), []byte("%PDF-")):
		return "dokumen PDF", "a PDF document"
	case text:
		return "berkas teks (misalnya CSV)", "a text file (such as CSV)"
	default:
		return "isi yang tidak dikenali", "unrecognised content"
	}
}
