package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/csvcell"
)

// Kinds of gap report.
const (
	KindMatrix   = "matrix"   // facility × column, status and counts
	KindMissing  = "missing"  // requirements most often missing
	KindDistance = "distance" // facilities nearest to their next status first
)

// Formats of an export.
const (
	FormatJSON = "json"
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// ContentType is the media type of a format.
func ContentType(format string) string {
	return map[string]string{FormatJSON: "application/json", FormatCSV: "text/csv; charset=utf-8",
		FormatXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
}

// Check validates a kind and format.
func Check(kind, format string) error {
	switch {
	case kind != KindMatrix && kind != KindMissing && kind != KindDistance:
		return bukti.E(bukti.EINVALID, "err.report.unknown_report_choose_matrix_missing", kind)
	case ContentType(format) == "":
		return bukti.E(bukti.EINVALID, "err.report.unknown_format_choose_json_csv", format)
	}
	return nil
}

// table is a report as a header and rows of cells (string, int or float64).
func table(g *Gaps, kind string) ([]string, [][]any) {
	switch kind {
	case KindMissing:
		head := []string{"Persyaratan", "Judul", "Puskesmas belum memenuhi", "Persentase"}
		rows := make([][]any, 0, len(g.MostMissing))
		for _, m := range g.MostMissing {
			rows = append(rows, []any{m.RequirementID, m.Title, m.Facilities, round(m.Share * 100)})
		}
		return head, rows
	default:
		facilities := g.Facilities
		if kind == KindDistance {
			facilities = g.ByDistance()
		}
		rows := make([][]any, 0, len(facilities))
		for _, f := range facilities {
			rows = append(rows, matrixRow(f))
		}
		return matrixHead(g.Columns), rows
	}
}

// DistanceHead heads the distance to the next status: the sum, over the
// Bab, of the percentage points each lacks to the next status's minimum
// (scoring.Distance).
const DistanceHead = "Jarak ke status berikutnya (jumlah poin persen kurang per Bab)"

// matrixHead is the header of the matrix over columns (Bab, kriteria or EP).
func matrixHead(columns []string) []string {
	head := []string{"Kode", "Puskesmas", "Kabupaten/Kota"}
	for _, c := range columns {
		head = append(head, c+" %")
	}
	return append(head, "Status", "Status tanpa TDD", "EP TDD diusulkan", "Belum ada", "Ditolak", "Kedaluwarsa", "Segera kedaluwarsa", "Status berikutnya", DistanceHead)
}

// matrixRow is one facility's row of the matrix.
func matrixRow(f FacilityRow) []any {
	row := []any{f.Code, f.Name, f.District}
	for _, c := range f.Cells {
		if c.Assessed {
			row = append(row, round(c.Percent))
		} else {
			row = append(row, "")
		}
	}
	status := f.Status
	if f.Partial {
		status = PartialStatus
	}
	return append(row, status, f.StatusWithoutTDD, f.TDDProposed, f.Missing, f.Rejected, f.Expired, f.Expiring, f.NextStatus, round(f.Distance))
}

// MatrixSheet is the matrix of rows, in their order, over columns, with
// each facility's last activity (activity, LastActivity) in a last
// column whose header names the zone (zone, e.g. "WIB"): the district
// overview's table as a spreadsheet. A facility never active has that
// cell empty.
func MatrixSheet(columns []string, rows []FacilityRow, activity map[int64]time.Time, zone string) Sheet {
	s := Sheet{Name: "Matriks", Head: append(matrixHead(columns), "Aktivitas terakhir ("+zone+")")}
	for _, f := range rows {
		r := matrixRow(f)
		if at, ok := activity[f.ID]; ok {
			r = append(r, at)
		} else {
			r = append(r, nil)
		}
		s.Rows = append(s.Rows, r)
	}
	return s
}

// MissingSheet is the requirements most often missing as a spreadsheet.
func MissingSheet(g *Gaps) Sheet {
	head, rows := table(g, KindMissing)
	return Sheet{Name: "Sering belum ada", Head: head, Rows: rows}
}

// TrendSheet is trend series as a spreadsheet.
func TrendSheet(series []Series) Sheet {
	head, rows := TrendTable(series)
	return Sheet{Name: "Tren", Head: head, Rows: rows}
}

// PartialStatus stands in the status column of the spreadsheets (which are
// in Bahasa Indonesia, like their headers) for a facility whose status
// cannot be projected yet: never a verdict.
const PartialStatus = "belum dapat diproyeksikan"

func round(x float64) float64 { return math.Round(x*10) / 10 }

// Write exports one kind of report in a format.
func Write(w io.Writer, g *Gaps, kind, format string) error {
	if err := Check(kind, format); err != nil {
		return err
	}
	if format == FormatJSON {
		enc := json.NewEncoder(w)
		switch kind {
		case KindMissing:
			return enc.Encode(map[string]any{"catalogue": g.Catalogue, "most_missing": g.MostMissing})
		case KindDistance:
			return enc.Encode(map[string]any{"catalogue": g.Catalogue, "facilities": g.ByDistance()})
		default:
			return enc.Encode(g)
		}
	}
	head, rows := table(g, kind)
	return writeTable(w, kind, format, head, rows)
}

// WriteTrends exports trend series as JSON, CSV or XLSX.
func WriteTrends(w io.Writer, series []Series, format string) error {
	if format == FormatJSON {
		return json.NewEncoder(w).Encode(map[string]any{"series": series})
	}
	if ContentType(format) == "" {
		return Check(KindMatrix, format)
	}
	head, rows := TrendTable(series)
	return writeTable(w, "trends", format, head, rows)
}

// writeTable writes a header and rows as CSV or XLSX.
func writeTable(w io.Writer, kind, format string, head []string, rows [][]any) error {
	if format == FormatCSV {
		cw := csv.NewWriter(w)
		cw.Write(head)
		for _, r := range rows {
			rec := make([]string, len(r))
			for i, v := range r {
				switch v := v.(type) {
				case float64:
					rec[i] = strconv.FormatFloat(v, 'f', -1, 64)
				default:
					rec[i] = csvcell.Safe(fmt.Sprint(v))
				}
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	}
	return writeXLSX(w, kind, head, rows)
}

func writeXLSX(w io.Writer, kind string, head []string, rows [][]any) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := map[string]string{KindMatrix: "Matriks", KindMissing: "Sering belum ada", KindDistance: "Jarak ke status", "trends": "Tren"}[kind]
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	cells := make([]any, len(head))
	for i, h := range head {
		cells[i] = h
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, r); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
