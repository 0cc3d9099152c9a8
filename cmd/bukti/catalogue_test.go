package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/app"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestCatalogueCommands imports a workbook and a directory, lists,
// activates and exports, and refuses what cannot be imported.
func TestCatalogueCommands(t *testing.T) {
	c := cli{t, testenv.DatabaseURL(t, "sqlite")}
	dir := t.TempDir()
	book := filepath.Join(dir, "instrumen.xlsx")
	if err := os.WriteFile(book, testenv.SelfAssessment(t), 0o644); err != nil {
		t.Fatal(err)
	}
	// Evidence on 2.1.2/a/D2, which the workbook's catalogue lacks.
	c.must("province", "add", "-code", "32", "-name", "Jawa Barat")
	c.must("district", "add", "-code", "3277", "-name", "Kota Cimahi", "-province", "32")
	c.must("facility", "add", "-code", "P1", "-name", "Puskesmas Satu", "-district", "3277")
	gdb := openDB(t, c.url)
	if err := gdb.Create(&bukti.Evidence{FacilityID: 1, RequirementID: "2.1.2/a/D2", Title: "Kesepakatan", Review: bukti.ReviewPending, CreatedBy: 1}).Error; err != nil {
		t.Fatal(err)
	}
	const left = `not carried over: evidence 1 of facility 1 on 2.1.2/a/D2 ("Kesepakatan"): no requirement`
	out := c.must("catalogue", "import", book, "-version", "2026.1")
	for _, want := range []string{"imported pkp-2023@2026.1 as version id 1 (inactive)", "2 kriteria, 3 EP", "bukti catalogue activate 1",
		"difference from pkp-2023@", " to pkp-2023@2026.1: EP: 0 added, 325 removed, 3 changed", "  EP 5.1.1/a changed (text, methods): Ditetapkan indikator mutu", "    2.1.2/a/D2 removed: ", left} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	if out := c.must("catalogue", "import", dir, "-version", "2026.2"); !strings.Contains(out, "version id 2") {
		t.Errorf("directory import:\n%s", out)
	}
	for _, bad := range []struct {
		name string
		args []string
		want string
	}{
		{"same version", []string{"catalogue", "import", book, "-version", "2026.1"}, "already exists"},
		{"missing file", []string{"catalogue", "import", filepath.Join(dir, "tidak-ada.xlsx")}, "no such file"},
		{"empty directory", []string{"catalogue", "import", t.TempDir()}, "no .xlsx file"},
		{"not a workbook", []string{"catalogue", "import", writeFile(t, "bukan.xlsx", "bukan spreadsheet")}, "cannot be imported"},
		{"activate unknown", []string{"catalogue", "activate", "99"}, "not found"},
		{"activate not a number", []string{"catalogue", "activate", "satu"}, "not a number"},
	} {
		t.Run(bad.name, func(t *testing.T) {
			if _, _, err := c.run(bad.args...); err == nil || !strings.Contains(err.Error(), bad.want) {
				t.Errorf("err = %v, want %q", err, bad.want)
			}
		})
	}
	if out := c.must("catalogue", "list"); !strings.Contains(out, "2026.1") || !strings.Contains(out, "built in") {
		t.Errorf("list:\n%s", out)
	}
	if out := c.must("catalogue", "activate", "1", "-dry-run"); !strings.Contains(out, left) || !strings.Contains(out, "dry run: nothing activated") {
		t.Errorf("activate -dry-run:\n%s", out)
	}
	// Without -confirm nothing is activated; the same list is printed.
	out, _, err := c.run("catalogue", "activate", "1")
	if err == nil || !strings.Contains(err.Error(), "lacks the IDs of 1 evidence records, 0 interviewees and 0 TDD marks of 1 facilities") {
		t.Errorf("activate without -confirm: %v", err)
	}
	for _, want := range []string{left, "nothing activated", "bukti catalogue activate 1 -confirm"} {
		if !strings.Contains(out, want) {
			t.Errorf("activate without -confirm: output lacks %q:\n%s", want, out)
		}
	}
	if active, err := app.ActiveCatalogue(context.Background(), sqlstore.New(gdb, nil)); err != nil || active.Version == "2026.1" {
		t.Fatalf("active after a refused activation = %v, %v", active, err)
	}
	out = c.must("catalogue", "activate", "1", "-confirm")
	for _, want := range []string{left, "left behind 1 evidence records, 0 interviewees, 0 TDD marks in 1 facilities: kept in the database", "activated pkp-2023@2026.1"} {
		if !strings.Contains(out, want) {
			t.Errorf("activate -confirm: output lacks %q:\n%s", want, out)
		}
	}
	var audited int64
	gdb.Model(&bukti.AuditEntry{}).Where("action = ? AND facility_id = ?", "catalogue.not_carried_over", 1).Count(&audited)
	if audited != 1 {
		t.Errorf("%d left-behind audit rows for the facility, want 1", audited)
	}
	// Back and forth: version 2 (same content) carries everything over.
	if out := c.must("catalogue", "activate", "2"); !strings.Contains(out, "everything carries over") || !strings.Contains(out, "EP: 0 added, 0 removed, 0 changed") {
		t.Errorf("activate an identical version:\n%s", out)
	}
	c.must("catalogue", "activate", "1")
	active, err := app.ActiveCatalogue(context.Background(), sqlstore.New(gdb, nil))
	if err != nil || active.Version != "2026.1" {
		t.Fatalf("active after activate = %v, %v", active, err)
	}
	exported := filepath.Join(dir, "katalog.yaml")
	c.must("catalogue", "export", "-o", exported)
	doc, _ := os.ReadFile(exported)
	if cat, err := catalogue.Parse(exported, doc); err != nil || cat.Version != "2026.1" {
		t.Errorf("exported catalogue: %v, %v", cat, err)
	}
}

// TestReportGapsCommand exports the gap report for scripts.
func TestReportGapsCommand(t *testing.T) {
	c := cli{t, testenv.DatabaseURL(t, "sqlite")}
	c.must("province", "add", "-code", "32", "-name", "Jawa Barat")
	c.must("district", "add", "-code", "3277", "-name", "Kota Cimahi", "-province", "32")
	c.must("facility", "add", "-code", "P1", "-name", "Puskesmas Satu", "-district", "3277")
	out := c.must("report", "gaps", "-district", "3277")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[0], "Kode,Puskesmas") || !strings.Contains(lines[1], "Tidak Terakreditasi") {
		t.Errorf("csv report:\n%s", out)
	}
	if out := c.must("report", "gaps", "-report", "missing", "-format", "json"); !strings.Contains(out, `"most_missing"`) {
		t.Errorf("json missing report:\n%s", out)
	}
	xlsx := filepath.Join(t.TempDir(), "gaps.xlsx")
	c.must("report", "gaps", "-format", "xlsx", "-o", xlsx)
	if b, err := os.ReadFile(xlsx); err != nil || len(b) < 100 || string(b[:2]) != "PK" {
		t.Errorf("xlsx export: %v (%d bytes)", err, len(b))
	}
	for _, bad := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown district", []string{"report", "gaps", "-district", "9999"}, "not found"},
		{"bad format", []string{"report", "gaps", "-format", "pdf"}, "unknown format"},
		{"bad level", []string{"report", "gaps", "-level", "standar"}, "-level must be"},
	} {
		t.Run(bad.name, func(t *testing.T) {
			if _, _, err := c.run(bad.args...); err == nil || !strings.Contains(err.Error(), bad.want) {
				t.Errorf("err = %v, want %q", err, bad.want)
			}
		})
	}
}
