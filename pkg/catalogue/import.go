package catalogue

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// ImportWorkbook reads one workbook of the national self-assessment
// spreadsheet (one sheet per Bab, or every Bab on one sheet) and returns
// the catalogue it describes and a report.
//
// Rows that cannot become a valid EP are left out and listed in
// ImportReport.Skipped; a sheet without the layout is listed there too when
// another sheet has it. ImportWorkbook refuses, with an error wrapping
// ErrNotWorkbook, ErrEmptyWorkbook, ErrLayout or ErrNoElements and no
// catalogue, when the bytes are not an .xlsx workbook, no sheet has a cell,
// no sheet is in the layout (with its header row or without one), or no
// row is a valid EP. The ErrLayout error also wraps a *bukti.Error whose
// Message (Bahasa Indonesia) and MessageEN say, for every sheet, what was
// expected and what was found; bukti.ErrorMessage returns both. It also
// fails when opt lacks ID or Version, or when the result does not validate
// (a *ParseError is wrapped; usually opt.Scoring is wrong). On error the
// report holds what was read so far, so Skipped explains an ErrNoElements.
//
// The returned catalogue came from Parse: it is valid, indexed and must be
// treated as immutable.
func ImportWorkbook(r io.Reader, opt ImportOptions) (*Catalogue, ImportReport, error) {
	if err := opt.check(); err != nil {
		return nil, ImportReport{}, err
	}
	b := newBuilder(opt)
	if err := b.readWorkbook(r, ""); err != nil {
		return nil, b.report, err
	}
	return b.finish()
}

// ImportFiles reads several workbooks, typically a directory's files with
// one Bab each, into one catalogue, as ImportWorkbook does for one.
// Problems name the sheet as "[file.xlsx]Sheet". Each file must be a workbook with at
// least one sheet in the layout; an EP found in two files is kept from the
// first path and skipped in the later one. The error of a file names its
// path.
func ImportFiles(paths []string, opt ImportOptions) (*Catalogue, ImportReport, error) {
	if err := opt.check(); err != nil {
		return nil, ImportReport{}, err
	}
	if len(paths) == 0 {
		return nil, ImportReport{}, errors.New("catalogue import: no files given: pass the paths of the workbooks to import")
	}
	b := newBuilder(opt)
	for _, p := range paths {
		if err := b.readFile(p); err != nil {
			return nil, b.report, err
		}
	}
	return b.finish()
}

func (b *builder) readFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("catalogue import: %w", err)
	}
	defer f.Close()
	if err := b.readWorkbook(f, filepath.Base(path)); err != nil {
		var r *refusal
		if errors.As(err, &r) { // name the file in the user's message too
			return &refusal{text: path + ": " + r.text, kind: r.kind, msg: bukti.E(r.msg.Code, "err.catalogue.in_file", filepath.Base(path), r.msg)}
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
