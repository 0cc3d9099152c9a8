package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/app"
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
	out := c.must("catalogue", "import", book, "-version", "2026.1")
	for _, want := range []string{"imported pkp-2023@2026.1 as version id 1 (inactive)", "2 kriteria, 3 EP", "bukti catalogue activate 1"} {
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
	c.must("catalogue", "activate", "1")
	active, err := app.ActiveCatalogue(context.Background(), sqlstore.New(openDB(t, c.url), nil))
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
