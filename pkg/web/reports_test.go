package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

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
			// Missing counts the R and D requirements with nothing present:
			// the standard has 271 R and 491 D items (762); the fullest
			// facility has 5 of them. W, O and S items never count.
			if g.Facilities[0].Missing != 762 || g.Facilities[2].Missing != 757 {
				t.Errorf("missing counts %d and %d, want 762 and 757", g.Facilities[0].Missing, g.Facilities[2].Missing)
			}
			for _, row := range g.Facilities {
				if row.Partial || row.Status != "Tidak Terakreditasi" {
					t.Errorf("%s: status %q, partial %v; want Tidak Terakreditasi projected on the complete standard", row.Code, row.Status, row.Partial)
				}
			}
			if g.Unprojectable != 5 {
				t.Errorf("unprojectable EP %d, want 5 (1.4.1/b, 1.4.7/c, 3.1.1/c, 5.3.4/c, 5.5.4/b)", g.Unprojectable)
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
				if len(all.Facilities) != 4 || len(all.Columns) != 82 || all.Columns[0] != "1.1.1" || all.Columns[81] != "5.5.6" {
					t.Errorf("province report: %d facilities, columns %v; want 4 and the 82 kriteria", len(all.Facilities), all.Columns)
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

// TestTrends takes snapshots on two days around an upload and reads them
// back as series, in every format and within scope only.
func TestTrends(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacilityIn("PA", districtA)
	h.createFacilityIn("PB", districtB)
	day1 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	snap := func(now time.Time) {
		if n, err := h.at(now).Reports.Snapshot(context.Background()); err != nil || n != 2 {
			t.Fatalf("snapshot: %d, %v", n, err)
		}
	}
	snap(day1)
	h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("sk")))
	snap(day1.Add(24 * time.Hour))
	snap(day1.Add(24*time.Hour + time.Hour)) // the same day again replaces, not adds

	// One series per Bab of the complete standard, 2 days each. The
	// upload makes EP 2.1.2/a 1 of 5 documentary slots (20 %) → 5, so
	// Bab II (94 EP) rises from 0 to 5 / 940.
	var res struct{ Series []report.Series }
	h.expect(http.StatusOK, h.call("GET", "/api/v1/reports/trends?district="+districtA, nil, ""), &res)
	var babs []string
	for _, s := range res.Series {
		babs = append(babs, s.Bab)
		if len(s.Points) != 2 {
			t.Errorf("Bab %s: %d points, want 2 days", s.Bab, len(s.Points))
		}
	}
	if strings.Join(babs, ",") != "I,II,III,IV,V" {
		t.Fatalf("series = %+v, want one per Bab I-V", res.Series)
	}
	if p := res.Series[1].Points; p[0].Percent != 0 || math.Abs(p[1].Percent-500.0/940) > 1e-9 || !p[1].Day.Equal(report.Day(day1.Add(24*time.Hour))) ||
		p[1].Status != "Tidak Terakreditasi" {
		t.Errorf("Bab II points = %+v, want 0 then %.4f, Tidak Terakreditasi", p, 500.0/940)
	}
	h.expect(http.StatusOK, h.call("GET", "/api/v1/reports/trends?from=2026-11-21&district="+districtA, nil, ""), &res)
	if len(res.Series[0].Points) != 1 {
		t.Errorf("from=2026-11-21 gives %d points, want 1", len(res.Series[0].Points))
	}
	if r := h.call("GET", "/api/v1/reports/trends?format=csv&district="+districtA, nil, ""); r.status != 200 || strings.Count(string(r.body), "\n") != 11 {
		t.Errorf("csv trends: %d %s", r.status, r.body)
	}
	x := h.call("GET", "/api/v1/reports/trends?format=xlsx", nil, "")
	if book, err := excelize.OpenReader(bytes.NewReader(x.body)); err != nil {
		t.Errorf("xlsx trends: %v", err)
	} else if rows, _ := book.GetRows("Tren"); len(rows) != 21 {
		t.Errorf("xlsx trends has %d rows, want header + 2 facilities × 5 Bab × 2 days", len(rows))
	}
	var did int64
	h.db.Model(&bukti.District{}).Where("code = ?", districtA).Pluck("id", &did)
	_, sup := h.userWith("dinkes@cimahi.test", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &did})
	if r := h.call("GET", "/api/v1/reports/trends?district="+districtB, nil, sup); r.status != http.StatusNotFound {
		t.Errorf("trends of another district: status %d, want 404", r.status)
	}
	for _, q := range []string{"from=kemarin", "format=pdf"} {
		if r := h.call("GET", "/api/v1/reports/trends?"+q, nil, ""); r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", q, r.status)
		}
	}
	t.Run("chart on the district page", func(t *testing.T) {
		v := newVisitor(h)
		v.login("dinkes@cimahi.test", "kata-sandi-pengguna-1")
		_, _, body := v.get("/district")
		if strings.Count(body, "<polyline") != 1 || !strings.Contains(body, "Puskesmas PA") || strings.Contains(body, "Puskesmas PB") {
			t.Errorf("district page trend chart: %d lines", strings.Count(body, "<polyline"))
		}
	})
}
