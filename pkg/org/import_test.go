package org_test

import (
	"context"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/org"
)

// TestOrgImportMessy imports the CSVs people make in spreadsheets: a byte
// order mark, semicolons, CRLF, quotes, blank lines, Bahasa headers,
// district names, Windows-1252, and rows repeating a code or a name.
// Every file imports all its rows or none; each refused row is reported
// with its true line number in the file.
func TestOrgImportMessy(t *testing.T) {
	t.Parallel()
	type rowWant struct {
		row  int
		text string // in the Bahasa reason
	}
	cases := []struct {
		name    string
		csv     string
		created map[string]string // code → name, when the file imports
		rows    []rowWant         // refused rows, when it does not
		errKey  string            // the whole file refused
	}{
		{name: "byte order mark, semicolons and CRLF",
			csv:     "\ufeffcode;name;district\r\nP1;Puskesmas Satu;3277\r\nP2;Puskesmas Dua;3277\r\n",
			created: map[string]string{"P1": "Puskesmas Satu", "P2": "Puskesmas Dua"}},
		{name: "quoted fields holding separators and quotes",
			csv:     "code,name,district\nP1,\"Puskesmas Satu, Kota\",3277\n\"P2\",\"Puskesmas \"\"Dua\"\"\",\"3277\"\n",
			created: map[string]string{"P1": "Puskesmas Satu, Kota", "P2": `Puskesmas "Dua"`}},
		{name: "a stray quote inside a field is kept",
			csv:     "code,name,district\nP1,Puskesmas \"Satu,3277\n",
			created: map[string]string{"P1": `Puskesmas "Satu`}},
		{name: "Bahasa headers, extra columns, district by name, spaces",
			csv:     "No;Kode;Nama Puskesmas;Kabupaten/Kota;Alamat\n1; P1 ;  Puskesmas   Satu ;kota cimahi;Jl. Baros\n2;P2;Puskesmas Dua;3277;\n",
			created: map[string]string{"P1": "Puskesmas Satu", "P2": "Puskesmas Dua"}},
		{name: "Windows-1252 from a spreadsheet's plain CSV",
			csv:     "code;name;district\nP1;Puskesmas Caf\xe9;3277\n",
			created: map[string]string{"P1": "Puskesmas Café"}},
		{name: "blank lines and empty rows keep the line numbers true",
			csv:  "code,name,district\n\nP1,Puskesmas Satu,3277\n,,\n\nP2,,3277\nP3,Puskesmas Tiga,\n",
			rows: []rowWant{{6, "Nama Puskesmas wajib diisi"}, {7, "kosong"}}},
		{name: "a field over two lines",
			csv:  "code,name,district\nP1,\"Puskesmas\nSatu\",3277\nP 2,Puskesmas Dua,3277\n",
			rows: []rowWant{{4, "Kode Puskesmas wajib diisi"}}},
		{name: "duplicate codes and names within the file",
			csv:  "code,name,district\nP1,Puskesmas Satu,3277\nP1,Puskesmas Lain,3277\nP3,PUSKESMAS SATU,3277\n",
			rows: []rowWant{{3, "baris 2"}, {4, "baris 2"}}},
		{name: "code or name already registered",
			csv:  "code,name,district\nP9,Puskesmas Baru,3277\nP4,puskesmas sembilan,3277\n",
			rows: []rowWant{{2, "sudah terdaftar"}, {3, "sudah dipakai Puskesmas lain di Kota Cimahi"}}},
		{name: "unknown district",
			csv:  "code,name,district\nP1,Puskesmas Satu,9999\nP2,Puskesmas Dua,Kota Entah\n",
			rows: []rowWant{{2, `"9999" tidak dikenal`}, {3, `"Kota Entah" tidak dikenal`}}},
		{name: "header without the district column", csv: "code,name\nP1,Puskesmas Satu\n", errKey: "err.org.csv_header_lacks_column_need"},
		{name: "a column named twice", csv: "code,kode,name,district\nP1,P1,Satu,3277\n", errKey: "err.org.csv_column_twice"},
		{name: "header only", csv: "code,name,district\n\n", errKey: "err.org.csv_empty_first_line_must"},
		{name: "empty file", csv: "", errKey: "err.org.csv_empty_first_line_must"},
		{name: "a workbook instead of a CSV", csv: "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xa4\x8c\x9e\xff", errKey: "err.org.csv_header_lacks_column_need"},
	}
	forEachDB(t, func(t *testing.T, kind string) {
		o, gdb := newOrg(t, kind)
		ctx := context.Background()
		by := admin
		if _, err := o.CreateFacility(ctx, org.FacilityInput{Code: "P9", Name: "Puskesmas Sembilan", DistrictCode: "3277"}, &by); err != nil {
			t.Fatal(err)
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var before int64
				gdb.Model(&bukti.Facility{}).Count(&before)
				res, err := o.ImportFacilities(ctx, strings.NewReader(tc.csv), &by)
				var after int64
				gdb.Model(&bukti.Facility{}).Count(&after)
				if tc.created == nil && after != before {
					t.Errorf("a refused file added %d facilities", after-before)
				}
				switch {
				case tc.errKey != "":
					if e, ok := err.(*bukti.Error); !ok || e.Key != tc.errKey || e.Code != bukti.EINVALID {
						t.Fatalf("error %v, want %s", err, tc.errKey)
					}
					return
				case err != nil:
					t.Fatalf("error %v", err)
				case tc.rows != nil:
					if res.Created != 0 || len(res.Errors) != len(tc.rows) {
						t.Fatalf("result %+v, want %d refused rows and nothing created", res, len(tc.rows))
					}
					for i, w := range tc.rows {
						got := res.Errors[i]
						if got.Row != w.row || !strings.Contains(got.Reason, w.text) || got.ReasonEN == "" {
							t.Errorf("refused row %d = %+v, want row %d saying %q", i, got, w.row, w.text)
						}
					}
					return
				}
				if res.Created != len(tc.created) || len(res.Errors) != 0 {
					t.Fatalf("result %+v, want %d created", res, len(tc.created))
				}
				for code, name := range tc.created {
					f, err := o.FacilityByCode(ctx, code)
					if err != nil || f.Name != name || f.District.Code != "3277" {
						t.Errorf("facility %s = %+v, %v; want %q in 3277", code, f, err, name)
					}
					if err := o.Delete(ctx, "facility", f.ID, &by); err != nil { // the next case starts as this one did
						t.Fatal(err)
					}
				}
			})
		}
	})
}

// TestOrgFacilityNames: two facilities of one district cannot share a
// name (letters compared without case), whether added, renamed or moved;
// the same name in another district is fine.
func TestOrgFacilityNames(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, kind string) {
		o, _ := newOrg(t, kind)
		ctx := context.Background()
		by := admin
		if _, err := o.CreateDistrict(ctx, "3273", "Kota Bandung", "32", &by); err != nil {
			t.Fatal(err)
		}
		a, err := o.CreateFacility(ctx, org.FacilityInput{Code: "P1", Name: "Puskesmas Sukamaju", DistrictCode: "3277"}, &by)
		if err != nil {
			t.Fatal(err)
		}
		b, err := o.CreateFacility(ctx, org.FacilityInput{Code: "P2", Name: "Puskesmas Sukamaju", DistrictCode: "3273"}, &by)
		if err != nil {
			t.Fatalf("same name in another district: %v", err)
		}
		c, err := o.CreateFacility(ctx, org.FacilityInput{Code: "P3", Name: "Puskesmas Lain", DistrictCode: "3277"}, &by)
		if err != nil {
			t.Fatal(err)
		}
		refused := []struct {
			name string
			do   func() error
		}{
			{"add", func() error {
				_, err := o.CreateFacility(ctx, org.FacilityInput{Code: "P4", Name: "puskesmas SUKAMAJU", DistrictCode: "3277"}, &by)
				return err
			}},
			{"rename", func() error { return o.Rename(ctx, "facility", c.ID, "Puskesmas Sukamaju", &by) }},
			{"move", func() error {
				_, err := o.UpdateFacility(ctx, b.ID, org.FacilityInput{DistrictCode: "3277", Name: "Puskesmas Sukamaju"}, &by)
				return err
			}},
		}
		for _, tc := range refused {
			id, en := bukti.ErrorMessage(tc.do())
			if !strings.Contains(id, "sudah dipakai Puskesmas lain di Kota Cimahi") || !strings.Contains(en, "already used") {
				t.Errorf("%s: %q / %q, want the name refused", tc.name, id, en)
			}
		}
		if err := o.Rename(ctx, "facility", a.ID, "Puskesmas Sukamaju", &by); err != nil {
			t.Errorf("renaming a facility to its own name: %v", err)
		}
	})
}
