package org

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// MaxImportRows caps one CSV import.
const MaxImportRows = 20000

// maxImportBytes caps the size of one CSV import.
const maxImportBytes = 16 << 20

// ImportTemplate is a CSV template for ImportFacilities, as spreadsheets
// with Indonesian settings write and read it: a UTF-8 byte order mark and
// semicolons. Its one example row shows the shape of each column.
const ImportTemplate = "\ufeffcode;name;district\r\nP3277010101;Puskesmas Cimahi Tengah;3277\r\n"

// RowError says why one CSV row was refused, in Bahasa Indonesia and in
// English.
type RowError struct {
	Row      int    `json:"row"` // line number in the file, the header being line 1
	Reason   string `json:"reason"`
	ReasonEN string `json:"reason_en"`
	Err      error  `json:"-"` // the reason as an error, for the reader's language
}

// ImportResult summarises a CSV import.
type ImportResult struct {
	Created int        `json:"created"`
	Errors  []RowError `json:"errors,omitempty"`
}

// columnNames maps the header names ImportFacilities accepts, lower-case,
// to its three columns: the English names of the template and their
// Bahasa Indonesia equivalents.
var columnNames = map[string]string{
	"code": "code", "kode": "code", "kode puskesmas": "code", "kode_puskesmas": "code",
	"name": "name", "nama": "name", "nama puskesmas": "name", "nama_puskesmas": "name",
	"district": "district", "kabupaten": "district", "kabupaten/kota": "district", "kab/kota": "district",
	"kode kabupaten": "district", "kode_kabupaten": "district", "kode kabupaten/kota": "district",
}

// ImportFacilities reads a CSV of facilities, one a row, and adds them
// all in one unit of work, or none.
//
// The header names the columns code, name and district (or kode, nama and
// kabupaten/kota), in any order, extra columns ignored; district is the
// district's code or its exact name. The file may be separated by commas
// or semicolons (as spreadsheets with Indonesian settings save it), start
// with a UTF-8 byte order mark, quote its fields and hold blank lines.
//
// Every row is checked before anything is written: a row is refused when
// a column is empty or malformed, its district is unknown, its code is
// already registered or repeats an earlier row's, or its name is already
// used in its district (registered or in an earlier row). If any row is
// refused, nothing is added and every refused row is reported with its
// line number and reason (in the result, with a nil error), so the file
// can be fixed and imported again.
func (s *Service) ImportFacilities(ctx context.Context, r io.Reader, by *int64) (*ImportResult, error) {
	rows, lines, err := readCSV(r)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, bukti.E(bukti.EINVALID, "err.org.csv_empty_first_line_must")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		name, ok := columnNames[strings.ToLower(strings.Join(strings.Fields(h), " "))]
		if !ok {
			continue
		}
		if _, dup := col[name]; dup {
			return nil, bukti.E(bukti.EINVALID, "err.org.csv_column_twice", name)
		}
		col[name] = i
	}
	for _, need := range []string{"code", "name", "district"} {
		if _, ok := col[need]; !ok {
			return nil, bukti.E(bukti.EINVALID, "err.org.csv_header_lacks_column_need", need)
		}
	}
	if len(rows)-1 > MaxImportRows {
		return nil, bukti.E(bukti.EINVALID, "err.org.csv_has_rows_at_most", len(rows)-1, MaxImportRows)
	}

	known, err := s.newImportIndex(ctx)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{}
	refuse := func(line int, err error) {
		id, en := bukti.ErrorMessage(err)
		res.Errors = append(res.Errors, RowError{Row: line, Reason: id, ReasonEN: en, Err: err})
	}
	var facs []*bukti.Facility
	for i, row := range rows[1:] {
		line := lines[i+1]
		get := func(name string) string {
			if c := col[name]; c < len(row) {
				return strings.Join(strings.Fields(row[c]), " ")
			}
			return ""
		}
		in := FacilityInput{Code: get("code"), Name: get("name"), DistrictCode: get("district")}
		if in.Code == "" && in.Name == "" && in.DistrictCode == "" {
			continue // a row of empty cells, as spreadsheets leave behind
		}
		if err := errors.Join(checkCode("facility", in.Code), checkName("facility", in.Name)); err != nil {
			refuse(line, firstErr(err))
			continue
		}
		if in.DistrictCode == "" {
			refuse(line, bukti.E(bukti.EINVALID, "err.org.csv_district_empty"))
			continue
		}
		d := known.district(in.DistrictCode)
		if d == nil {
			refuse(line, bukti.E(bukti.EINVALID, "err.org.csv_unknown_district", in.DistrictCode))
			continue
		}
		code, name := strings.ToLower(in.Code), nameKey(d.ID, in.Name)
		switch first, ok := known.codes[code]; {
		case ok && first == 0:
			refuse(line, bukti.E(bukti.EINVALID, "err.org.facility_code_already_exists", in.Code))
			continue
		case ok:
			refuse(line, bukti.E(bukti.EINVALID, "err.org.code_repeats_row", in.Code, first))
			continue
		}
		switch first, ok := known.names[name]; {
		case ok && first == 0:
			refuse(line, bukti.E(bukti.EINVALID, "err.org.facility_name_taken", in.Name, d.Name))
			continue
		case ok:
			refuse(line, bukti.E(bukti.EINVALID, "err.org.name_repeats_row", in.Name, d.Name, first))
			continue
		}
		known.codes[code], known.names[name] = line, line
		facs = append(facs, &bukti.Facility{Code: in.Code, Name: in.Name, DistrictID: d.ID, District: d, CreatedAt: s.Now().UTC()})
	}
	if len(res.Errors) > 0 {
		return res, nil
	}
	if len(facs) == 0 {
		return nil, bukti.E(bukti.EINVALID, "err.org.csv_empty_first_line_must")
	}
	err = s.Store.Run(ctx, by, func(t *sqlstore.Tx) error {
		for _, f := range facs {
			// A facility added meanwhile is caught here as in CreateFacility.
			if err := nameFree(t, f.DistrictID, f.Name, 0, f.District.Name); err != nil {
				return err
			}
			if err := t.CreateFacility(f); err != nil {
				if errors.Is(err, sqlstore.ErrDuplicate) {
					return bukti.E(bukti.ECONFLICT, "err.org.facility_code_already_exists", f.Code)
				}
				return err
			}
			if err := t.Audit(audit.Entry{Action: "facility.create", ObjectType: "facility",
				ObjectID: strconv.FormatInt(f.ID, 10), FacilityID: audit.Ptr(f.ID), Summary: f.Code + " " + f.Name + " (import)"}); err != nil {
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

// importIndex is what an import checks its rows against: the districts by
// code and by name, and the facility codes and names (per district)
// taken, each with the line that took it (0: registered before).
type importIndex struct {
	byCode, byName map[string]*bukti.District
	codes, names   map[string]int
}

func (s *Service) newImportIndex(ctx context.Context) (*importIndex, error) {
	ds, err := s.Districts(ctx)
	if err != nil {
		return nil, err
	}
	fs, err := s.Facilities(ctx, true, nil)
	if err != nil {
		return nil, err
	}
	x := &importIndex{byCode: map[string]*bukti.District{}, byName: map[string]*bukti.District{},
		codes: map[string]int{}, names: map[string]int{}}
	for i := range ds {
		d := &ds[i]
		x.byCode[d.Code] = d
		name := strings.ToLower(d.Name)
		if _, twice := x.byName[name]; twice {
			x.byName[name] = nil // two districts of one name: only their codes tell them apart
		} else {
			x.byName[name] = d
		}
	}
	for _, f := range fs {
		x.codes[strings.ToLower(f.Code)] = 0
		x.names[nameKey(f.DistrictID, f.Name)] = 0
	}
	return x, nil
}

// district finds a district by its code, else by its name (without case).
func (x *importIndex) district(codeOrName string) *bukti.District {
	if d, ok := x.byCode[codeOrName]; ok {
		return d
	}
	return x.byName[strings.ToLower(codeOrName)]
}

// nameKey identifies a facility name within its district, without case.
func nameKey(districtID int64, name string) string {
	return strconv.FormatInt(districtID, 10) + "/" + strings.ToLower(name)
}

// readCSV reads a whole CSV of at most 16 MiB and returns its records with
// the line each starts on. It takes a UTF-8 byte order mark off the front,
// decodes a file that is not UTF-8 as Windows-1252, reads semicolons as
// the separator when the header holds more of them
// than commas, skips blank lines, and keeps a stray quote inside a field
// as it is.
func readCSV(r io.Reader) (rows [][]string, lines []int, err error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > maxImportBytes {
		return nil, nil, bukti.E(bukti.EINVALID, "err.org.csv_larger_than_16_mib")
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		// Not UTF-8: a spreadsheet's plain "CSV" is in the Windows code
		// page of its settings, 1252 in Indonesia.
		if data, err = charmap.Windows1252.NewDecoder().Bytes(data); err != nil {
			return nil, nil, bukti.E(bukti.EINVALID, "err.org.csv_not_text")
		}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	header := strings.TrimLeft(string(data), "\r\n")
	header, _, _ = strings.Cut(header, "\n")
	if strings.Count(header, ";") > strings.Count(header, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, lines, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, nil, bukti.E(bukti.EINVALID, "err.org.csv_unreadable_line", pe.StartLine)
			}
			return nil, nil, err
		}
		line, _ := cr.FieldPos(0)
		rows, lines = append(rows, rec), append(lines, line)
	}
}
