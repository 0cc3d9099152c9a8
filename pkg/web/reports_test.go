package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/report"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestGapReports seeds a district, checks the report's numbers against the
// readiness of each facility, the scope, and that CSV and XLSX carry the
// same numbers as JSON.
func TestGapReports(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			h := newHarness(t, combo.DB, combo.Store, 1<<20)
			// Three facilities in district A with 0, 1 and 5 requirements met; one in B.
			var fa []bukti.Facility
			for i, reqs := range [][]string{nil, {"2.1.2/a/R1"}, {"2.1.2/a/R1", "2.1.2/a/R2", "2.1.2/a/R3", "2.1.2/c/D1", "2.1.2/c/D2"}} {
				f := h.createFacilityIn(fmt.Sprintf("PA%d", i), districtA)
				for _, r := range reqs {
					h.mustUpload(f.ID, field{name: "requirement", value: r}, file("b.pdf", testenv.PDF(f.Code+r)))
				}
				fa = append(fa, f)
			}
			fb := h.createFacilityIn("PB", districtB)
			h.mustUpload(fb.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("b.pdf", testenv.PDF("PB")))

			var g report.Gaps
			h.expect(http.StatusOK, h.call("GET", "/api/v1/reports/gaps?district="+districtA, nil, ""), &g)
			if len(g.Facilities) != 3 || strings.Join(g.Columns, ",") != "I,II,III,IV,V" {
				t.Fatalf("report: %d facilities, columns %v", len(g.Facilities), g.Columns)
			}
			for i, row := range g.Facilities {
				var rep readiness.Report
				h.expect(http.StatusOK, h.call("GET", fmt.Sprintf("/api/v1/facilities/%d/readiness", fa[i].ID), nil, ""), &rep)
				if row.ID != fa[i].ID || row.Status != rep.Status || row.Cells[1].Percent != rep.Bab[1].Percent {
					t.Errorf("%s: report row %+v, readiness status %s Bab II %.2f", fa[i].Code, row, rep.Status, rep.Bab[1].Percent)
				}
			}
			if g.Facilities[0].Missing != 12 || g.Facilities[2].Missing != 7 {
				t.Errorf("missing counts %d and %d, want 12 and 7", g.Facilities[0].Missing, g.Facilities[2].Missing)
			}
			if top := g.MostMissing[0]; top.Facilities != 3 || top.Share != 1 {
				t.Errorf("most missing = %+v, want a requirement missing in all 3", top)
			}
			if d := g.Facilities[2]; d.NextStatus != "Dasar" || d.Distance <= 0 {
				t.Errorf("distance of the fullest facility = %+v", d)
			}

			t.Run("exports carry the same numbers", func(t *testing.T) {
				r := h.call("GET", "/api/v1/reports/gaps?format=csv&district="+districtA, nil, "")
				rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
				if err != nil || len(rows) != 4 {
					t.Fatalf("csv: %v, %d rows", err, len(rows))
				}
				x := h.call("GET", "/api/v1/reports/gaps?format=xlsx&district="+districtA, nil, "")
				book, err := excelize.OpenReader(bytes.NewReader(x.body))
				if err != nil {
					t.Fatalf("xlsx does not open: %v", err)
				}
				xrows, _ := book.GetRows("Matriks")
				for i, row := range g.Facilities {
					want := strconv.FormatFloat(row.Cells[1].Percent, 'f', 1, 64)
					if got, _ := strconv.ParseFloat(rows[i+1][4], 64); strconv.FormatFloat(got, 'f', 1, 64) != want {
						t.Errorf("csv Bab II of %s = %s, want %s", row.Code, rows[i+1][4], want)
					}
					if got, _ := strconv.ParseFloat(xrows[i+1][4], 64); strconv.FormatFloat(got, 'f', 1, 64) != want {
						t.Errorf("xlsx Bab II of %s = %s, want %s", row.Code, xrows[i+1][4], want)
					}
					if rows[i+1][8] != row.Status || xrows[i+1][8] != row.Status {
						t.Errorf("status of %s: csv %q xlsx %q, want %q", row.Code, rows[i+1][8], xrows[i+1][8], row.Status)
					}
				}
				var missing struct {
					MostMissing []report.MissingRow `json:"most_missing"`
				}
				h.expect(http.StatusOK, h.call("GET", "/api/v1/reports/gaps?report=missing&district="+districtA, nil, ""), &missing)
				if len(missing.MostMissing) != len(g.MostMissing) {
					t.Errorf("missing report has %d rows, matrix report %d", len(missing.MostMissing), len(g.MostMissing))
				}
				var dist struct{ Facilities []report.FacilityRow }
				h.expect(http.StatusOK, h.call("GET", "/api/v1/reports/gaps?report=distance&district="+districtA, nil, ""), &dist)
				for i := 1; i < len(dist.Facilities); i++ {
					if dist.Facilities[i].Distance < dist.Facilities[i-1].Distance {
						t.Errorf("distance report not sorted: %v", dist.Facilities)
					}
				}
			})

			t.Run("scope", func(t *testing.T) {
				var did int64
				h.db.Model(&bukti.District{}).Where("code = ?", districtA).Pluck("id", &did)
				_, sup := h.userWith("dinkes@cimahi.test", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &did})
				if r := h.call("GET", "/api/v1/reports/gaps?district="+districtB, nil, sup); r.status != http.StatusNotFound {
					t.Errorf("supervisor of A asking for B: status %d, want 404", r.status)
				}
				var own report.Gaps
				h.expect(http.StatusOK, h.call("GET", "/api/v1/reports/gaps", nil, sup), &own)
				if len(own.Facilities) != 3 {
					t.Errorf("supervisor's own scope has %d facilities, want 3", len(own.Facilities))
				}
				var all report.Gaps
				h.expect(http.StatusOK, h.call("GET", "/api/v1/reports/gaps?province=32&level=kriteria", nil, ""), &all)
				if len(all.Facilities) != 4 || strings.Join(all.Columns, ",") != "2.1.2" {
					t.Errorf("province report: %d facilities, columns %v", len(all.Facilities), all.Columns)
				}
			})

			t.Run("bad requests", func(t *testing.T) {
				for _, q := range []string{"level=bab2", "report=grafik", "format=pdf", "district=9999"} {
					r := h.call("GET", "/api/v1/reports/gaps?"+q, nil, "")
					if r.status != http.StatusBadRequest && r.status != http.StatusNotFound {
						t.Errorf("%s: status %d", q, r.status)
					}
				}
			})
		})
	}
}
