package main

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/app"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/demo"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestDemoSeed seeds a database with the full standard, refuses to seed it
// again without -force, adds to it with -force, and refuses bad flags
// before touching the database.
func TestDemoSeed(t *testing.T) {
	c := cli{t, testenv.DatabaseURL(t, "sqlite")}
	out := c.must("demo", "seed", "-facilities", "20", "-full-standard", "-seed", "3")
	for _, want := range []string{
		"catalogue pkp-2023@" + demo.FullStandardVersion + " is version id 1, active",
		"seeding 20 facilities for catalogue pkp-2023@" + demo.FullStandardVersion + " (328 EP,",
		"P000001…P000020", "no files stored",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, re := range []string{`(?m)^facilities +20 `, `(?m)^evidence +[1-9]\d* `, `(?m)^interviewees +[1-9]\d*`, `seeded \d+ rows in [0-9.]+m?s \(\d+ rows/s\)`} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("output does not match %s:\n%s", re, out)
		}
	}
	gdb := openDB(t, c.url)
	cat, err := app.ActiveCatalogue(context.Background(), sqlstore.New(gdb, nil))
	if err != nil || cat.Version != demo.FullStandardVersion || cat.Counts().Elements != 328 {
		t.Fatalf("active catalogue after -full-standard: %v, %v", cat, err)
	}
	n := counts(t, gdb)
	if n["facilities"] != 20 || n["provinces"] != 1 || n["districts"] != 3 {
		t.Errorf("rows after seeding: %v", n)
	}

	_, _, err = c.run("demo", "seed", "-facilities", "5")
	if err == nil || !strings.Contains(err.Error(), "already has 20 facilities") || !strings.Contains(err.Error(), "-force") {
		t.Errorf("second seed without -force: %v, want a refusal naming -force", err)
	}
	if n := counts(t, gdb)["facilities"]; n != 20 {
		t.Errorf("the refused seed left %d facilities", n)
	}

	// -force adds, with the stored full standard found again.
	out = c.must("demo", "seed", "-facilities", "5", "-full-standard", "-force")
	if !strings.Contains(out, "P000021…P000025") || !strings.Contains(out, "version id 1, active") {
		t.Errorf("seed with -force:\n%s", out)
	}
	var audits int64
	gdb.Model(&bukti.AuditEntry{}).Where("action = ?", "demo.seed").Count(&audits)
	if audits != 2 {
		t.Errorf("%d demo.seed audit rows, want one per seed", audits)
	}

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"-facilities", "0"}, "from 1 to 100000"},
		{[]string{"-facilities", "100001"}, "from 1 to 100000"},
		{[]string{"-facilities", "banyak"}, "from 1 to 100000"},
		{[]string{}, "missing required flag -facilities"},
		{[]string{"-facilities", "10", "-completeness", "1.5"}, "more than 0 and at most 1"},
	} {
		fresh := cli{t, testenv.DatabaseURL(t, "sqlite")}
		if _, _, err := fresh.run(append([]string{"demo", "seed"}, bad.args...)...); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("demo seed %v: %v, want %q", bad.args, err, bad.want)
		}
		if _, err := os.Stat(fresh.url); err == nil {
			t.Errorf("demo seed %v created the database before refusing", bad.args)
		}
	}
}

// TestDemoSeedActiveCatalogue seeds without -full-standard: against the
// catalogue in use, here the built-in one.
func TestDemoSeedActiveCatalogue(t *testing.T) {
	c := cli{t, testenv.DatabaseURL(t, "sqlite")}
	out := c.must("demo", "seed", "-facilities", "3", "-completeness", "1")
	if !strings.Contains(out, "catalogue pkp-2023@2023.2 (328 EP, 1096 requirements)") || strings.Contains(out, "active;") {
		t.Errorf("output:\n%s", out)
	}
	// The complete standard has 271 R and 491 D items.
	var reqs []string
	openDB(t, c.url).Model(&bukti.Evidence{}).Distinct("requirement_id").Pluck("requirement_id", &reqs)
	if len(reqs) != 762 {
		t.Errorf("evidence for %d requirements, want all 762 file requirements of the standard at completeness 1", len(reqs))
	}
}
