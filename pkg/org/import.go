package org

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// MaxImportRows caps one CSV import.
const MaxImportRows = 20000

// RowError says why one CSV row was refused.
type RowError struct {
	Row    int    `json:"row"` // 1-based line number, header = 1
	Reason string `json:"reason"`
}

// ImportResult summarises a CSV import.
type ImportResult struct {
	Created int        `json:"created"`
	Errors  []RowError `json:"errors,omitempty"`
}

// ImportFacilities reads a CSV with the header "code,name,district"
// (district = district code; columns in any order, extra columns ignored,
// comma or semicolon separated) and adds every facility in one
// unit of work. If any row is bad, nothing is added and every bad row is
// reported, so the file can be fixed and imported again.
func (s *Service) ImportFacilities(ctx context.Context, r io.Reader, by *int64) (*ImportResult, error) {
	rows, err := readCSV(r)
	if err != nil {
		return nil, err
	}
	if len(rows) < 2 {
		return nil, bukti.E(bukti.EINVALID, "err.org.csv_empty_first_line_must")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"code", "name", "district"} {
		if _, ok := col[need]; !ok {
			return nil, bukti.E(bukti.EINVALID, "err.org.csv_header_lacks_column_need", need)
		}
	}
	if len(rows)-1 > MaxImportRows {
		return nil, bukti.E(bukti.EINVALID, "err.org.csv_has_rows_at_most", len(rows)-1, MaxImportRows)
	}
	res := &ImportResult{}
	var facs []*bukti.Facility
	seen := map[string]int{}
	for i, row := range rows[1:] {
		line := i + 2
		get := func(name string) string {
			if c := col[name]; c < len(row) {
				return strings.TrimSpace(row[c])
			}
			return ""
		}
		in := FacilityInput{Code: get("code"), Name: get("name"), DistrictCode: get("district")}
		if in.Code == "" && in.Name == "" && in.DistrictCode == "" {
			continue // blank line
		}
		if first, dup := seen[in.Code]; dup {
			res.Errors = append(res.Errors, RowError{line, fmt.Sprintf("kode %s sudah ada di baris %d", in.Code, first)})
			continue
		}
		seen[in.Code] = line
		f, err := s.newFacility(ctx, in)
		if err != nil {
			res.Errors = append(res.Errors, RowError{line, message(err)})
			continue
		}
		facs = append(facs, f)
	}
	if len(res.Errors) > 0 {
		return res, nil
	}
	err = s.Store.Run(ctx, by, func(t *sqlstore.Tx) error {
		for i, f := range facs {
			if err := t.CreateFacility(f); err != nil {
				if errors.Is(err, sqlstore.ErrDuplicate) {
					return bukti.E(bukti.ECONFLICT, "err.org.row_facility_code_already_exists", seen[f.Code], f.Code)
				}
				return err
			}
			if err := t.Audit(audit.Entry{Action: "facility.create", ObjectType: "facility",
				ObjectID: strconv.FormatInt(f.ID, 10), FacilityID: &facs[i].ID, Summary: f.Code + " " + f.Name + " (import)"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Created = len(facs)
	return res, nil
}

// readCSV reads a whole CSV (bounded by MaxImportRows), detecting a
// semicolon separator as spreadsheets in Indonesian locales write it.
func readCSV(r io.Reader) ([][]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, 16<<20+1))
	if err != nil {
		return nil, err
	}
	if len(data) > 16<<20 {
		return nil, bukti.E(bukti.EINVALID, "err.org.csv_larger_than_16_mib")
	}
	text := string(data)
	cr := csv.NewReader(strings.NewReader(text))
	firstLine, _, _ := strings.Cut(text, "\n")
	if strings.Count(firstLine, ";") > strings.Count(firstLine, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, bukti.E(bukti.EINVALID, "err.org.not_valid_csv", err)
	}
	return rows, nil
}

// message is the Bahasa Indonesia message of err.
func message(err error) string {
	id, _ := bukti.ErrorMessage(err)
	return id
}
