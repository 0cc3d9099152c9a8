package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/bukti-id/bukti/pkg/csvcell"
)

// Sheet is a table to hand to people: what the district overview shows,
// as a spreadsheet. Cells are string, float64, int, time.Time (written
// in its own zone's wall clock: say which zone in the column's header) or
// nil (empty).
type Sheet struct {
	Name  string   // the XLSX sheet's name (at most 31 characters)
	Title string   // the first row: what and where
	Notes []string // the rows under the title: when, from which catalogue, which filter
	Head  []string
	Rows  [][]any
}

// CSVBOM starts every CSV of WriteSheet: Excel reads a CSV as UTF-8 only
// after it.
const CSVBOM = "\ufeff"

// WriteSheet writes a sheet as
//   - xlsx: the title and notes above the header, the header frozen and
//     filterable (autofilter), numbers as numbers, times as dates;
//   - csv: the header and rows only, for a spreadsheet in the Indonesian
//     locale: UTF-8 with a byte order mark, ";" between cells, a decimal
//     comma, CRLF line ends, and text cells a spreadsheet would run as a
//     formula made safe (csvcell);
//   - json: {"title", "notes", "columns", "rows"}.
func WriteSheet(w io.Writer, s Sheet, format string) error {
	switch format {
	case FormatXLSX:
		return sheetXLSX(w, s)
	case FormatCSV:
		return sheetCSV(w, s)
	case FormatJSON:
		return json.NewEncoder(w).Encode(map[string]any{"title": s.Title, "notes": s.Notes, "columns": s.Head, "rows": s.Rows})
	}
	return Check(KindMatrix, format)
}

// sheetTime is the layout of times in CSV cells.
const sheetTime = "02-01-2006 15:04"

func sheetCSV(w io.Writer, s Sheet) error {
	if _, err := io.WriteString(w, CSVBOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	cw.Write(csvcell.Row(append([]string(nil), s.Head...)))
	for _, r := range s.Rows {
		rec := make([]string, len(r))
		for i, v := range r {
			switch v := v.(type) {
			case nil:
			case float64:
				rec[i] = strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
			case int:
				rec[i] = strconv.Itoa(v)
			case time.Time:
				rec[i] = v.Format(sheetTime)
			default:
				rec[i] = csvcell.Safe(fmt.Sprint(v))
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

func sheetXLSX(w io.Writer, s Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	name := s.Name
	if name == "" {
		name = "Laporan"
	}
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	titleStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7F3EE"}}})
	if err != nil {
		return err
	}
	numFmt := "0.0"
	numStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &numFmt})
	if err != nil {
		return err
	}
	timeFmt := "dd-mm-yyyy hh:mm"
	timeStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &timeFmt})
	if err != nil {
		return err
	}
	cell := func(col, row int) string { c, _ := excelize.CoordinatesToCellName(col, row); return c }
	row := 1
	if s.Title != "" {
		if err := f.SetCellValue(name, cell(1, row), s.Title); err != nil {
			return err
		}
		if err := f.SetCellStyle(name, cell(1, row), cell(1, row), titleStyle); err != nil {
			return err
		}
		row++
	}
	for _, n := range s.Notes {
		if err := f.SetCellValue(name, cell(1, row), n); err != nil {
			return err
		}
		row++
	}
	headRow := row
	head := make([]any, len(s.Head))
	widths := make([]int, len(s.Head))
	for i, h := range s.Head {
		head[i] = h
		widths[i] = min(max(utf8.RuneCountInString(h), 8), 28)
	}
	if err := f.SetSheetRow(name, cell(1, headRow), &head); err != nil {
		return err
	}
	if len(s.Head) > 0 {
		if err := f.SetCellStyle(name, cell(1, headRow), cell(len(s.Head), headRow), headStyle); err != nil {
			return err
		}
	}
	for _, r := range s.Rows {
		row++
		values := make([]any, len(r))
		for i, v := range r {
			switch v := v.(type) {
			case time.Time:
				// excelize writes the instant in UTC: give it the wall
				// clock of v's zone.
				values[i] = time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), 0, time.UTC)
			default:
				values[i] = v
			}
			if str, ok := v.(string); ok && i < len(widths) {
				widths[i] = min(max(widths[i], utf8.RuneCountInString(str)+1), 50)
			}
		}
		if err := f.SetSheetRow(name, cell(1, row), &values); err != nil {
			return err
		}
		for i, v := range r {
			style := 0
			switch v.(type) {
			case float64:
				style = numStyle
			case time.Time:
				style = timeStyle
				widths[i] = max(widths[i], 17)
			}
			if style != 0 {
				if err := f.SetCellStyle(name, cell(i+1, row), cell(i+1, row), style); err != nil {
					return err
				}
			}
		}
	}
	for i, wd := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(name, col, col, float64(wd)+2); err != nil {
			return err
		}
	}
	if len(s.Head) > 0 {
		if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: headRow, TopLeftCell: cell(1, headRow+1), ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		if err := f.AutoFilter(name, cell(1, headRow)+":"+cell(len(s.Head), max(row, headRow+1)), nil); err != nil {
			return err
		}
	}
	return f.Write(w)
}
