package catalogue

import (
	"errors"
	"fmt"
	"strings"
)

// ImportOptions give the imported catalogue its identity and scoring; the
// spreadsheet holds neither.
type ImportOptions struct {
	// ID and Version identify the catalogue (e.g. "pkp-2023", "2023.2");
	// both are required. Title defaults to ID. Source is the legal basis,
	// optional.
	ID, Version, Title, Source string
	// Scoring is carried into the catalogue as is; pass the built-in's
	// (criteria.MustBuiltin().Scoring). Its status table must name Bab I to
	// V and only those.
	Scoring Scoring
	// BabTitles optionally names Bab I … V, keyed by Roman numeral. Without
	// it a Bab is titled from its bab cell ("Bab I Kepemimpinan …") or
	// "Bab I".
	BabTitles map[string]string
}

func (o ImportOptions) check() error {
	var missing []string
	if strings.TrimSpace(o.ID) == "" {
		missing = append(missing, "ID")
	}
	if strings.TrimSpace(o.Version) == "" {
		missing = append(missing, "Version")
	}
	if len(missing) > 0 {
		return fmt.Errorf("catalogue import: ImportOptions.%s is required: name the catalogue being imported (e.g. ID \"pkp-2023\", Version \"2023.2\")", strings.Join(missing, " and ImportOptions."))
	}
	for id := range o.BabTitles {
		if !isBabID(id) {
			return fmt.Errorf("catalogue import: ImportOptions.BabTitles has key %q: use the Roman numerals I, II, III, IV, V", id)
		}
	}
	return nil
}

// ImportProblem locates a row the import could not use, or read with an
// assumption.
type ImportProblem struct {
	// Sheet is the sheet name; ImportFiles prefixes the file name as Excel
	// does in references: "[bab1.xlsx]Bab I".
	Sheet string `json:"sheet"`
	// Row is 1-based as Excel shows it; 0 means the whole sheet.
	Row    int    `json:"row"`
	Reason string `json:"reason"`
}

func (p ImportProblem) String() string {
	if p.Row == 0 {
		return fmt.Sprintf("sheet %q: %s", p.Sheet, p.Reason)
	}
	return fmt.Sprintf("sheet %q row %d: %s", p.Sheet, p.Row, p.Reason)
}

// ImportReport counts what was imported and lists what was not.
type ImportReport struct {
	// Bab counts the Bab with at least one EP (the catalogue lists all five).
	Bab      int `json:"bab"`
	Standar  int `json:"standar"`
	Kriteria int `json:"kriteria"`
	Elements int `json:"elements"`
	// Requirements counts the R, D, O and S items, Interviews the W items;
	// together they are Counts().Requirements.
	Requirements int `json:"requirements"`
	Interviews   int `json:"interviews"`
	// Skipped lists the rows left out, with the reason. A sheet without the
	// layout, in a workbook where another sheet has it, is listed with Row 0.
	Skipped []ImportProblem `json:"skipped"`
	// Warnings lists rows imported with an assumption worth checking, such
	// as a W item that names nobody; a reason about one cell starts with
	// it ("cell I7 (W): …").
	Warnings []ImportProblem `json:"warnings"`
}

// Errors returned by ImportWorkbook and ImportFiles, wrapped with the details;
// test with errors.Is. With any of them no catalogue is returned. Each is
// wrapped together with a *bukti.Error whose Message (Bahasa Indonesia) and
// MessageEN say what was expected and what was found: show the user
// bukti.ErrorMessage of the error.
var (
	// ErrNotWorkbook: the bytes are not an .xlsx workbook.
	ErrNotWorkbook = errors.New("not an .xlsx workbook")
	// ErrEmptyWorkbook: no sheet has any cell.
	ErrEmptyWorkbook = errors.New("the workbook is empty")
	// ErrLayout: no sheet is in the self-assessment layout, with its header
	// row or without one. The error also wraps a *bukti.Error with the
	// details in Bahasa Indonesia and English.
	ErrLayout = errors.New("not the self-assessment layout")
	// ErrNoElements: the layout was found but no row is a valid EP.
	ErrNoElements = errors.New("no valid EP row")
	// ErrTooLarge: the workbook is larger than 64 MiB.
	ErrTooLarge = errors.New("the workbook is too large")
)
