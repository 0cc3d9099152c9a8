// Package csvcell makes text safe to put in a CSV cell that a spreadsheet
// will open: Excel, LibreOffice and Google Sheets run a cell starting with
// = + - @ (or a tab or carriage return before one) as a formula, so an
// uploaded file name or a typed note could otherwise fetch a URL or run a
// command on the reader's machine.
package csvcell

// Safe returns s with a leading apostrophe when a spreadsheet would read
// it as a formula, and s unchanged otherwise. Spreadsheets show the text
// without the apostrophe.
func Safe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Row applies Safe to every cell of a record, in place, and returns it.
func Row(rec []string) []string {
	for i, s := range rec {
		rec[i] = Safe(s)
	}
	return rec
}
