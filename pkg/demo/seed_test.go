package demo_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/demo"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

var seedNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// openDB opens a fresh migrated database (a copy of testenv's template).
func openDB(t *testing.T, kind string) *gorm.DB {
	t.Helper()
	return testenv.OpenDB(t, kind)
}

func seed(t *testing.T, gdb *gorm.DB, cat *catalogue.Catalogue, opt demo.SeedOptions) demo.SeedResult {
	t.Helper()
	res, err := demo.Seed(context.Background(), sqlstore.New(gdb, nil), cat, opt)
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	t.Logf("seeded in %v: %s", res.Elapsed, res)
	return res
}

// TestSeed seeds 30 facilities on the full standard and checks what is in
// the database: counts, valid references into the catalogue, a spread of
// readiness statuses, one audit row, and the same rows for the same seed.
func TestSeed(t *testing.T) {
	t.Parallel()
	cat := mustFullStandard(t)
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			gdb := openDB(t, kind)
			opt := demo.SeedOptions{Facilities: 30, Seed: 7, Now: seedNow}
			res := seed(t, gdb, cat, opt)

			got := tableCounts(t, gdb)
			if got["provinces"] != int64(res.Provinces) || got["districts"] != int64(res.Districts) || got["facilities"] != 30 ||
				got["evidences"] != int64(res.Evidence) || got["revisions"] != int64(res.Revisions) ||
				got["interviewees"] != int64(res.Interviewees) || got["not_applicables"] != int64(res.NotApplicable) {
				t.Errorf("rows in the database %v, result %+v", got, res)
			}
			if res.Provinces != 1 || res.Districts != 3 || res.Evidence == 0 || res.Interviewees == 0 || res.Revisions != res.Evidence {
				t.Errorf("result %+v: want 1 province, 3 districts, evidence with one revision each, interviewees", res)
			}
			if res.Rejected == 0 || res.Expired == 0 || res.Accepted == 0 {
				t.Errorf("result %+v: want some accepted, rejected and expired evidence", res)
			}
			if res.FirstCode != "P000001" || res.LastCode != "P000030" {
				t.Errorf("codes %s…%s, want P000001…P000030", res.FirstCode, res.LastCode)
			}
			checkReferences(t, gdb, cat)

			statuses := statusesOf(t, gdb, cat)
			t.Logf("statuses: %v", statuses)
			if len(statuses) < 2 {
				t.Errorf("statuses %v: want at least 2 different ones", statuses)
			}

			var audits []bukti.AuditEntry
			if err := gdb.Find(&audits).Error; err != nil {
				t.Fatal(err)
			}
			if len(audits) != 1 || audits[0].Action != "demo.seed" || !strings.Contains(audits[0].Summary, "30 facilities") {
				t.Errorf("audit rows %+v, want one demo.seed row", audits)
			}

			again := seed(t, openDB(t, kind), cat, opt)
			if again.Evidence != res.Evidence || again.Interviewees != res.Interviewees || again.NotApplicable != res.NotApplicable ||
				again.Rejected != res.Rejected || again.Expired != res.Expired {
				t.Errorf("same seed, different data:\n%s\n%s", res, again)
			}
			other := seed(t, openDB(t, kind), cat, demo.SeedOptions{Facilities: 30, Seed: 8, Now: seedNow})
			if other.Evidence == res.Evidence {
				t.Errorf("seeds 7 and 8 gave the same amount of evidence (%d)", res.Evidence)
			}
		})
	}
}

// TestSeedAgain seeds a database twice, as bukti demo seed -force does: the
// second run continues the codes instead of colliding.
func TestSeedAgain(t *testing.T) {
	t.Parallel()
	cat := mustFullStandard(t)
	gdb := openDB(t, "sqlite")
	seed(t, gdb, cat, demo.SeedOptions{Facilities: 5, Seed: 1, Now: seedNow})
	res := seed(t, gdb, cat, demo.SeedOptions{Facilities: 4, Seed: 1, Now: seedNow})
	if res.FirstCode != "P000006" || res.LastCode != "P000009" {
		t.Errorf("second seed codes %s…%s, want P000006…P000009", res.FirstCode, res.LastCode)
	}
	got := tableCounts(t, gdb)
	if got["facilities"] != 9 || got["provinces"] != 2 || got["audit_entries"] != 2 || got["users"] != 1 {
		t.Errorf("after two seeds: %v", got)
	}
	checkReferences(t, gdb, cat)
}

// TestSeedBuiltin seeds against the built-in catalogue (the complete
// standard), the catalogue of a database without an active version.
func TestSeedBuiltin(t *testing.T) {
	t.Parallel()
	cat := mustBuiltin(t)
	gdb := openDB(t, "sqlite")
	res := seed(t, gdb, cat, demo.SeedOptions{Facilities: 40, Seed: 3, Now: seedNow, Completeness: 0.9})
	// The standard's 762 R and D items ask for 773 files (2.1.2/b/D3 for
	// 12, every other item for one): at most 773 a facility.
	if res.Evidence == 0 || res.Evidence > 40*773 {
		t.Errorf("evidence %d for 40 facilities with at most 773 file slots each", res.Evidence)
	}
	checkReferences(t, gdb, cat)
}

func TestSeedOptions(t *testing.T) {
	t.Parallel()
	cat := mustFullStandard(t)
	gdb := openDB(t, "sqlite")
	for _, bad := range []struct {
		opt  demo.SeedOptions
		want string
	}{
		{demo.SeedOptions{}, "between 1 and 100000"},
		{demo.SeedOptions{Facilities: 100001}, "between 1 and 100000"},
		{demo.SeedOptions{Facilities: 10, Completeness: 1.5}, "completeness"},
		{demo.SeedOptions{Facilities: 10, Completeness: -0.1}, "completeness"},
		{demo.SeedOptions{Facilities: 10, Provinces: 11}, "provinces"},
		{demo.SeedOptions{Facilities: 10, Provinces: 2, DistrictsPerProvince: 6}, "more districts than facilities"},
	} {
		if _, err := demo.Seed(context.Background(), sqlstore.New(gdb, nil), cat, bad.opt); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Seed(%+v) = %v, want an error about %q", bad.opt, err, bad.want)
		}
	}
	if n := tableCounts(t, gdb)["facilities"]; n != 0 {
		t.Errorf("refused seeds wrote %d facilities", n)
	}
	// The defaults: 500 facilities per province, ~40 per district.
	res := seed(t, gdb, cat, demo.SeedOptions{Facilities: 1001, Seed: 1, Completeness: 0.01, Now: seedNow})
	if res.Provinces != 3 || res.Districts != 3*9 {
		t.Errorf("1001 facilities: %d provinces, %d districts; want 3 provinces of 9 districts", res.Provinces, res.Districts)
	}
	if avg := float64(res.Evidence) / 1001; avg > 40 {
		t.Errorf("completeness 0.01 gave %.1f evidence per facility", avg)
	}
}

func tableCounts(t *testing.T, gdb *gorm.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for name, model := range map[string]any{"provinces": &bukti.Province{}, "districts": &bukti.District{}, "facilities": &bukti.Facility{},
		"evidences": &bukti.Evidence{}, "revisions": &bukti.Revision{}, "interviewees": &bukti.Interviewee{},
		"not_applicables": &bukti.NotApplicable{}, "audit_entries": &bukti.AuditEntry{}, "users": &bukti.User{}} {
		var n int64
		if err := gdb.Model(model).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		out[name] = n
	}
	return out
}

// checkReferences checks every seeded row points at something real: a
// catalogue requirement with that stage and part, a W item with that role,
// an EP, and a revision per evidence.
func checkReferences(t *testing.T, gdb *gorm.DB, cat *catalogue.Catalogue) {
	t.Helper()
	var evs []bukti.Evidence
	if err := gdb.Preload("Revisions").Find(&evs).Error; err != nil {
		t.Fatal(err)
	}
	bad := 0
	for _, e := range evs {
		r, _, ok := cat.Requirement(e.RequirementID)
		switch {
		case !ok:
			t.Errorf("evidence %d: requirement %q is not in the catalogue", e.ID, e.RequirementID)
		case !r.Method.NeedsFile() || !r.HasStage(e.Stage) || !r.HasPart(e.Part):
			t.Errorf("evidence %d: %s (%s) stage %q part %q does not fit the requirement", e.ID, e.RequirementID, r.Method, e.Stage, e.Part)
		case len(e.Revisions) != 1 || e.Revisions[0].Number != 1 || len(e.Revisions[0].SHA256) != 64:
			t.Errorf("evidence %d: revisions %+v, want one", e.ID, e.Revisions)
		case e.Title == "" || e.CreatedBy == 0 || e.CreatedAt.IsZero():
			t.Errorf("evidence %d: %+v", e.ID, e)
		default:
			continue
		}
		if bad++; bad > 10 {
			t.Fatal("too many bad rows")
		}
	}
	var people []bukti.Interviewee
	if err := gdb.Find(&people).Error; err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		if r, _, ok := cat.Requirement(p.RequirementID); !ok || r.Method != catalogue.Wawancara || !r.HasInterviewee(p.Role) || p.Name == "" {
			t.Fatalf("interviewee %+v does not fit the catalogue", p)
		}
	}
	var tdd []bukti.NotApplicable
	if err := gdb.Find(&tdd).Error; err != nil {
		t.Fatal(err)
	}
	for _, n := range tdd {
		if _, ok := cat.Element(n.ElementID); !ok || len(n.Reason) < 10 {
			t.Fatalf("TDD mark %+v does not fit the catalogue", n)
		}
	}
}

// statusesOf scores every facility the way the evidence service does
// (pkg/evidence/readiness.go) and counts the statuses.
func statusesOf(t *testing.T, gdb *gorm.DB, cat *catalogue.Catalogue) map[string]int {
	t.Helper()
	var ids []int64
	if err := gdb.Model(&bukti.Facility{}).Order("id").Pluck("id", &ids).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, id := range ids {
		var evs []bukti.Evidence
		if err := gdb.Select("requirement_id", "stage", "part", "review", "valid_until").
			Where("facility_id = ? AND deleted_at IS NULL", id).Find(&evs).Error; err != nil {
			t.Fatal(err)
		}
		var people []bukti.Interviewee
		if err := gdb.Where("facility_id = ?", id).Find(&people).Error; err != nil {
			t.Fatal(err)
		}
		var tdd []bukti.NotApplicable
		if err := gdb.Where("facility_id = ?", id).Find(&tdd).Error; err != nil {
			t.Fatal(err)
		}
		in := readiness.Input{Now: seedNow, NotApplicable: map[string]string{}}
		for _, e := range evs {
			in.Items = append(in.Items, readiness.Item{RequirementID: e.RequirementID, Stage: e.Stage, Part: e.Part,
				Rejected: e.Review == bukti.ReviewRejected, ValidUntil: e.ValidUntil})
		}
		for _, p := range people {
			in.Items = append(in.Items, readiness.Item{RequirementID: p.RequirementID, Part: p.Role})
		}
		for _, n := range tdd {
			in.NotApplicable[n.ElementID] = n.Reason
		}
		out[readiness.Score(cat, in).Status]++
	}
	if slices.Contains(slices.Collect(maps.Keys(out)), "") {
		t.Errorf("a facility has no status: %v", out)
	}
	return out
}
