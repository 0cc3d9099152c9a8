package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/report"
	"github.com/bukti-id/bukti/pkg/testenv"
)

var (
	districtRowRe  = regexp.MustCompile(`(?s)<tr data-facility="([^"]*)">(.*?)</tr>`)
	districtCellRe = regexp.MustCompile(`data-bab="([^"]*)">([^<]*)<`)
)

// districtRow is a row of the district table as the page shows it.
type districtRowShown struct {
	code     string
	bab      map[string]string // "II" → "12.3%"
	activity string            // data-activity: "2006-01-02T15:04" or ""
	quiet    bool
}

// districtTable reads the district table's rows, in order.
func districtTable(body string) []districtRowShown {
	var out []districtRowShown
	for _, m := range districtRowRe.FindAllStringSubmatch(body, -1) {
		r := districtRowShown{code: m[1], bab: map[string]string{}}
		for _, c := range districtCellRe.FindAllStringSubmatch(m[2], -1) {
			r.bab[c[1]] = c[2]
		}
		if a := regexp.MustCompile(`class="activity( quiet)?" data-activity="([^"]*)"`).FindStringSubmatch(m[2]); a != nil {
			r.quiet, r.activity = a[1] != "", a[2]
		}
		out = append(out, r)
	}
	return out
}

// linkOf is the href of the element with the given id.
func linkOf(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`href="([^"]*)" id="` + id + `"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link #%s on the page", id)
	}
	return html.UnescapeString(m[1])
}

// readCSV reads a CSV of the district page: BOM, ";" separated.
func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	if !strings.HasPrefix(body, report.CSVBOM) {
		t.Fatalf("CSV without a byte order mark: %q", body[:min(20, len(body))])
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, report.CSVBOM)))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v", err)
	}
	return rows
}

// readXLSX opens a spreadsheet and returns a sheet's rows and the index of
// its header row (the row whose first cell is first).
func readXLSX(t *testing.T, body, sheet, first string) (*excelize.File, [][]string, int) {
	t.Helper()
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("XLSX does not open: %v", err)
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	for i, r := range rows {
		if len(r) > 0 && r[0] == first {
			return f, rows, i
		}
	}
	t.Fatalf("sheet %s has no header row starting %q: %q", sheet, first, rows)
	return nil, nil, 0
}

// districtWorld is district A with four Puskesmas: PA1 with two documents
// of EP 2.1.2/a, PA2 with one, PA3 with only a TDD proposal made 20 days
// ago, and PA4 (a name a spreadsheet would run as a formula) with
// nothing; PB1 in district B. The supervisor of A reads it.
func districtWorld(t *testing.T, dbKind string) (*harness, *visitor, map[string]bukti.Facility) {
	h := newHarness(t, dbKind, "filesystem", 1<<20)
	fs := map[string]bukti.Facility{}
	for code, name := range map[string]string{"PA1": "Puskesmas Cibeber", "PA2": "Puskesmas Cimahi Tengah", "PA3": "Puskesmas Cigugur Tengah",
		"PA4": "=1+1 Puskesmas Leuwigajah"} {
		var f bukti.Facility
		h.expect(http.StatusCreated, h.call("POST", "/api/v1/facilities", map[string]string{"code": code, "name": name, "district": districtA}, ""), &f)
		fs[code] = f
	}
	fs["PB1"] = h.createFacilityIn("PB1", districtB)
	for _, r := range []string{"2.1.2/a/R1", "2.1.2/a/R2"} {
		h.mustUpload(fs["PA1"].ID, field{name: "requirement", value: r}, file("b.pdf", testenv.PDF("PA1"+r)))
	}
	h.mustUpload(fs["PA2"].ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("b.pdf", testenv.PDF("PA2")))
	var admin int64
	h.db.Model(&bukti.User{}).Where("email = ?", adminEmail).Pluck("id", &admin)
	if _, err := h.at(time.Now().AddDate(0, 0, -20)).Evidence.SetNotApplicable(context.Background(), fs["PA3"].ID, "2.1.2/b",
		"Tidak ada kegiatan pemberdayaan pada tahun berjalan.", admin); err != nil {
		t.Fatal(err)
	}
	var did int64
	h.db.Model(&bukti.District{}).Where("code = ?", districtA).Pluck("id", &did)
	h.userWith("dinkes@cimahi.test", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &did})
	v := newVisitor(h)
	v.login("dinkes@cimahi.test", "kata-sandi-pengguna-1")
	return h, v, fs
}

// TestDistrictExports checks that the district page's downloads hold
// what it shows: with a search and a sort, the CSV and XLSX rows are the
// page's rows in the page's order with the same figures; the XLSX opens
// with a title (district, time with its zone, catalogue), a frozen and
// filterable header; the CSV is for Excel in the Indonesian locale; the
// most-missing list and the trends cover the facilities shown; a name
// that looks like a formula stays text; a bad format or kind is refused.
func TestDistrictExports(t *testing.T) {
	for _, dbKind := range []string{"sqlite", "postgres"} {
		t.Run(dbKind, func(t *testing.T) {
			h, v, _ := districtWorld(t, dbKind)
			status, _, body := v.get("/district?q=ci&sort=-bab-II")
			if status != http.StatusOK {
				t.Fatalf("district page: status %d", status)
			}
			shown := districtTable(body)
			var codes []string
			for _, r := range shown {
				codes = append(codes, r.code)
			}
			// PA1 (2 documents) before PA2 (1) before PA3 (none); PA4
			// does not match "ci", PB1 is another district's.
			if strings.Join(codes, ",") != "PA1,PA2,PA3" {
				t.Fatalf("page rows %v, want PA1,PA2,PA3 (Bab II descending)", codes)
			}
			wants(t, "district page", body, "Menampilkan 3 dari 4 Puskesmas.", "Jarak (poin persen)", "Jarak: jumlah poin persen yang masih kurang")

			t.Run("CSV", func(t *testing.T) {
				status, _, csvBody := v.get(linkOf(t, body, "export-csv"))
				if status != http.StatusOK {
					t.Fatalf("status %d", status)
				}
				rows := readCSV(t, csvBody)
				if len(rows) != len(shown)+1 || rows[0][0] != "Kode" || rows[0][4] != "II %" {
					t.Fatalf("CSV rows %q", rows)
				}
				for i, r := range shown {
					got := rows[i+1]
					if got[0] != r.code {
						t.Errorf("CSV row %d is %s, the page's %s", i+1, got[0], r.code)
					}
					// The page shows 0.2%, the CSV 0,2 (decimal comma).
					if want := strings.Replace(strings.TrimSuffix(r.bab["II"], "%"), ".", ",", 1); strings.TrimSuffix(got[4], ",0") != strings.TrimSuffix(want, ",0") {
						t.Errorf("%s Bab II: CSV %q, page %q", r.code, got[4], r.bab["II"])
					}
				}
				if head := strings.Join(rows[0], "|"); !strings.Contains(head, report.DistanceHead) || !strings.Contains(head, "Aktivitas terakhir (") {
					t.Errorf("CSV header %q lacks the distance's unit or the last activity", head)
				}
			})

			t.Run("XLSX", func(t *testing.T) {
				status, _, x := v.get(linkOf(t, body, "export-xlsx"))
				if status != http.StatusOK {
					t.Fatalf("status %d", status)
				}
				f, rows, head := readXLSX(t, x, "Matriks", "Kode")
				now := time.Now()
				title := strings.Join([]string{rows[0][0], rows[1][0], rows[2][0], rows[3][0]}, " | ")
				for _, want := range []string{"Ringkasan wilayah · Kota Cimahi", "Per " + now.Format("02-01-2006"), now.Format("MST"),
					h.cat.Title, h.cat.ID + "@" + h.cat.Version, `nama atau kode memuat "ci"`, "3 dari 4 Puskesmas"} {
					if !strings.Contains(title, want) {
						t.Errorf("title rows %q lack %q", title, want)
					}
				}
				data := rows[head+1:]
				if len(data) != len(shown) {
					t.Fatalf("XLSX has %d rows, the page %d", len(data), len(shown))
				}
				for i, r := range shown {
					if data[i][0] != r.code {
						t.Errorf("XLSX row %d is %s, the page's %s", i+1, data[i][0], r.code)
					}
				}
				panes, err := f.GetPanes("Matriks")
				if err != nil || !panes.Freeze || panes.YSplit != head+1 {
					t.Errorf("panes %+v, want frozen below the header (row %d)", panes, head+1)
				}
				var filter bool
				for _, d := range f.GetDefinedName() {
					filter = filter || (d.Name == "_xlnm._FilterDatabase" && strings.Contains(d.RefersTo, fmt.Sprintf("$A$%d:", head+1)))
				}
				if !filter {
					t.Errorf("no autofilter on the header row: %+v", f.GetDefinedName())
				}
				// PA3's last activity: the TDD proposal 20 days ago, as the
				// page shows it (its zone in the header).
				last := len(rows[head]) - 1
				pa3 := data[2]
				if want := strings.Replace(shown[2].activity, "T", " ", 1); len(pa3) <= last || !strings.HasSuffix(pa3[last], want[11:]) ||
					!strings.HasPrefix(pa3[last], want[8:10]+"-"+want[5:7]+"-"+want[:4]) {
					t.Errorf("PA3 last activity in the XLSX %q, the page %q", pa3, shown[2].activity)
				}
			})

			t.Run("most missing and trends cover the rows shown", func(t *testing.T) {
				_, _, x := v.get(linkOf(t, body, "export-missing"))
				_, rows, head := readXLSX(t, x, "Sering belum ada", "Persyaratan")
				shownIDs := regexp.MustCompile(`<li><strong>([^<]+)</strong>`).FindAllStringSubmatch(body, -1)
				if len(shownIDs) == 0 || len(rows) < head+1+len(shownIDs) {
					t.Fatalf("missing: page lists %d, XLSX %d rows", len(shownIDs), len(rows)-head-1)
				}
				for i, m := range shownIDs {
					if got := rows[head+1+i]; got[0] != m[1] || got[2] != "3" {
						t.Errorf("missing row %d = %q, want %s missing in the 3 Puskesmas shown", i, got, m[1])
					}
				}
				_, x = func() (int, string) { s, _, b := v.get(linkOf(t, body, "export-trends")); return s, b }()
				_, rows, head = readXLSX(t, x, "Tren", "Kode")
				for _, r := range rows[head+1:] {
					if r[0] != "PA1" && r[0] != "PA2" && r[0] != "PA3" {
						t.Errorf("trends row of %s, not shown on the page", r[0])
					}
				}
				if len(rows) == head+1 {
					t.Error("trends export is empty: today's figures are missing")
				}
			})

			t.Run("formula-like name stays text", func(t *testing.T) {
				_, _, all := v.get("/district")
				_, _, c := v.get(linkOf(t, all, "export-csv"))
				var found bool
				for _, r := range readCSV(t, c) {
					if r[0] == "PA4" {
						found = true
						if r[1] != "'=1+1 Puskesmas Leuwigajah" {
							t.Errorf("CSV name cell %q, want the formula made text", r[1])
						}
					}
				}
				_, _, x := v.get(linkOf(t, all, "export-xlsx"))
				f, rows, _ := readXLSX(t, x, "Matriks", "Kode")
				for i, r := range rows {
					if r[0] == "PA4" {
						cell := fmt.Sprintf("B%d", i+1)
						if formula, _ := f.GetCellFormula("Matriks", cell); formula != "" || r[1] != "=1+1 Puskesmas Leuwigajah" {
							t.Errorf("XLSX %s = %q, formula %q; want the name as text", cell, r[1], formula)
						}
					}
				}
				if !found {
					t.Error("PA4 missing from the unfiltered CSV")
				}
			})

			t.Run("refused", func(t *testing.T) {
				for _, tc := range []struct{ name, query, says string }{
					{"unknown format", "format=pdf", "Format &#34;pdf&#34; tidak dikenal"},
					{"unknown kind", "format=csv&report=semua", "Jenis unduhan &#34;semua&#34; tidak dikenal"},
				} {
					status, _, b := v.get("/district?" + tc.query)
					if status != http.StatusBadRequest || !strings.Contains(b, tc.says) {
						t.Errorf("%s: status %d, want 400 saying %q", tc.name, status, tc.says)
					}
				}
			})
		})
	}
}

// TestDistrictActivity checks the last activity column: today for a
// Puskesmas that uploaded, the day of an older TDD proposal for one that
// has been quiet since (marked quiet), none for one that never did
// anything (marked quiet); sorting by it puts the quietest first.
func TestDistrictActivity(t *testing.T) {
	_, v, _ := districtWorld(t, "sqlite")
	_, _, body := v.get("/district?sort=activity")
	rows := districtTable(body)
	var order []string
	byCode := map[string]districtRowShown{}
	for _, r := range rows {
		order = append(order, r.code)
		byCode[r.code] = r
	}
	if strings.Join(order, ",") != "PA4,PA3,PA1,PA2" && strings.Join(order, ",") != "PA4,PA3,PA2,PA1" {
		t.Errorf("by last activity: %v, want PA4 (never), PA3 (20 days ago), then PA1 and PA2 (today)", order)
	}
	today, past := time.Now().Format("2006-01-02"), time.Now().AddDate(0, 0, -20).Format("2006-01-02")
	for _, tc := range []struct {
		code, day string
		quiet     bool
	}{{"PA1", today, false}, {"PA2", today, false}, {"PA3", past, true}, {"PA4", "", true}} {
		r := byCode[tc.code]
		if !strings.HasPrefix(r.activity, tc.day) || (tc.day == "" && r.activity != "") || r.quiet != tc.quiet {
			t.Errorf("%s: activity %q quiet %v, want day %q quiet %v", tc.code, r.activity, r.quiet, tc.day, tc.quiet)
		}
	}
	wants(t, "district page", body, "20 hari lalu", "hari ini", "Belum ada")
}

// trendDots reads the chart's dots: facility name → date → percent text.
func trendDots(body string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, m := range regexp.MustCompile(`<title>([^<]*) · (\d\d-\d\d-\d{4}) · ([0-9.]+%)</title>`).FindAllStringSubmatch(body, -1) {
		name := html.UnescapeString(m[1])
		if out[name] == nil {
			out[name] = map[string]string{}
		}
		out[name][m[2]] = m[3]
	}
	return out
}

// TestDistrictTrend checks the trend chart on day one and after: before
// any snapshot and with one day only it shows today's dots and says why
// there is no line yet; its dot for today is the table's figure even after
// evidence uploaded since the day's snapshot; with a second day it draws
// a line and no longer apologises.
func TestDistrictTrend(t *testing.T) {
	h, v, fs := districtWorld(t, "sqlite")
	today := time.Now().Format("02-01-2006")
	check := func(step string, days int) {
		t.Helper()
		_, _, body := v.get("/district?bab=II")
		table := map[string]string{}
		for _, r := range districtTable(body) {
			table[r.code] = r.bab["II"]
		}
		dots := trendDots(body)
		for code, name := range map[string]string{"PA1": "Puskesmas Cibeber", "PA2": "Puskesmas Cimahi Tengah"} {
			if got := dots[name][today]; got == "" || got != table[code] {
				t.Errorf("%s: %s's dot for today %q, the table %q", step, code, got, table[code])
			}
		}
		oneDay := strings.Contains(body, `id="trend-one-day"`)
		lines := strings.Count(body, "<polyline")
		if days == 1 && (!oneDay || lines != 0 || !strings.Contains(body, "Baru ada data untuk satu hari ("+today+")")) {
			t.Errorf("%s: one day: note %v, %d lines; want the note and no line", step, oneDay, lines)
		}
		if days > 1 && (oneDay || lines == 0) {
			t.Errorf("%s: %d days: note %v, %d lines; want lines and no note", step, days, oneDay, lines)
		}
	}
	check("before any snapshot", 1)
	if _, err := h.app.Reports.Snapshot(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.mustUpload(fs["PA2"].ID, field{name: "requirement", value: "2.1.2/a/R3"}, file("kak.pdf", testenv.PDF("PA2 R3")))
	check("evidence since today's snapshot", 1)
	if _, err := h.at(time.Now().AddDate(0, 0, -3)).Reports.Snapshot(context.Background()); err != nil {
		t.Fatal(err)
	}
	check("a second day", 2)
}
