package db_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// keysData is what a database of the previous release holds against the
// keys of the built-in catalogue pkp-2023@2023.1, on top of seed: evidence
// for 2.1.2/b/D1 (the RPK) and 2.1.2/b/D2 (stages × parts, one live and
// one deleted record), evidence of another EP, snapshot items of the final
// survey 1 and the open survey 2, a self-assessment proposing 2.1.2/c TDD
// with a surveyor's score that was given a suggestion for it anyway, a
// named interviewee and a cached score.
const keysData = `
UPDATE surveys SET catalogue = 'pkp-2023@2023.1';
INSERT INTO surveys (id, facility_id, type, state, catalogue, created_by) VALUES (3, 1, 'initial', 'planned', 'pkp-2023@import-1', 1);
INSERT INTO evidences (id, facility_id, requirement_id, stage, part, title, created_by) VALUES
	(1, 1, '2.1.2/b/D1', '', '', 'RPK 2025', 1),
	(2, 1, '2.1.2/b/D2', 'perencanaan', 'notulen', 'Notulen musyawarah', 1),
	(3, 1, '2.1.2/a/D1', '', '', 'RUK 2025', 1);
INSERT INTO evidences (id, facility_id, requirement_id, stage, part, title, created_by, deleted_at, deleted_by) VALUES
	(4, 1, '2.1.2/b/D2', 'evaluasi', 'foto', 'Foto evaluasi', 1, '2026-01-02 03:04:05+00:00', 1);
INSERT INTO snapshot_items (survey_id, evidence_id, revision_id, revision_number, requirement_id, stage, part, title, file_name, content_type, size, sha256) VALUES
	(1, 2, 2, 1, '2.1.2/b/D2', 'perencanaan', 'notulen', 'Notulen musyawarah', 'notulen.pdf', 'application/pdf', 10, 'aa'),
	(2, 1, 1, 1, '2.1.2/b/D1', '', '', 'RPK 2025', 'rpk.pdf', 'application/pdf', 10, 'bb'),
	(2, 3, 3, 1, '2.1.2/a/D1', '', '', 'RUK 2025', 'ruk.pdf', 'application/pdf', 10, 'cc');
INSERT INTO self_assessments (survey_id, element_id, score, tdd, justification, suggested, updated_by) VALUES
	(2, '2.1.2/a', 10, FALSE, 'Lengkap sekali.', 5, 1),
	(2, '2.1.2/c', 0, TRUE, 'Tidak berlaku di sini.', 10, 1);
INSERT INTO survey_scores (survey_id, element_id, surveyor_id, score, tdd, facts, recommendation, suggested, updated_by) VALUES
	(2, '2.1.2/a', 3, 10, FALSE, 'f', 'r', 5, 3),
	(2, '2.1.2/c', 3, 0, TRUE, 'f', 'r', 10, 3);
INSERT INTO interviewees (facility_id, requirement_id, role, name, updated_by) VALUES (1, '2.1.2/b/W1', 'Masyarakat', 'Bu Ani', 1);
INSERT INTO facility_scores (facility_id, catalogue, payload) VALUES (1, 'pkp-2023@2023.1', 's1;aaa;------------;');
`

// TestMigration6 upgrades a database of the previous release holding data
// against the keys of pkp-2023@2023.1 and finds it under the keys of the
// complete standard (2023.2): evidence and snapshot items of 2.1.2/b/D2 under
// D3 and of D1 under D2, open surveys moved to 2023.2, the false suggestion
// for an EP proposed TDD gone, the cache emptied. With an imported
// catalogue active, the keys are that catalogue's and stay.
func TestMigration6(t *testing.T) {
	t.Parallel()
	type row struct {
		ID          int64
		Requirement string
	}
	cases := []struct {
		name     string
		imported bool // an imported catalogue version is active
		evidence []row
		items    []string // snapshot items' requirement IDs by survey, in id order
		surveys  []string // surveys 1-3's catalogue
	}{
		{name: "builtin",
			evidence: []row{{1, "2.1.2/b/D2"}, {2, "2.1.2/b/D3"}, {3, "2.1.2/a/D1"}, {4, "2.1.2/b/D3"}},
			items:    []string{"1 2.1.2/b/D3", "2 2.1.2/b/D2", "2 2.1.2/a/D1"},
			surveys:  []string{"pkp-2023@2023.1", "pkp-2023@2023.2", "pkp-2023@import-1"}},
		{name: "imported", imported: true,
			evidence: []row{{1, "2.1.2/b/D1"}, {2, "2.1.2/b/D2"}, {3, "2.1.2/a/D1"}, {4, "2.1.2/b/D2"}},
			items:    []string{"1 2.1.2/b/D2", "2 2.1.2/b/D1", "2 2.1.2/a/D1"},
			surveys:  []string{"pkp-2023@2023.1", "pkp-2023@2023.1", "pkp-2023@import-1"}},
	}
	for _, tc := range cases {
		for _, kind := range testenv.DatabaseKinds {
			t.Run(tc.name+"/"+kind, func(t *testing.T) {
				t.Parallel()
				schema, err := testdata.ReadFile("testdata/release-7b71082." + kind + ".sql")
				if err != nil {
					t.Fatal(err)
				}
				dbURL := emptyDatabase(t, kind)
				old := openRaw(t, dbURL)
				for _, sql := range []string{string(schema), seed, keysData} {
					if err := old.Exec(sql).Error; err != nil {
						t.Fatalf("prepare the previous release's database: %v", err)
					}
				}
				if tc.imported {
					if err := old.Exec(`INSERT INTO catalogue_versions (catalogue_id, version, title, document, active) VALUES ('pkp-2023', 'import-1', 'Impor', 'x', TRUE)`).Error; err != nil {
						t.Fatal(err)
					}
				}

				up := openMigrated(t, dbURL)
				var evs []row
				scan(t, up, &evs, "SELECT id, requirement_id AS requirement FROM evidences ORDER BY id")
				if !slices.Equal(evs, tc.evidence) {
					t.Errorf("evidence = %v, want %v", evs, tc.evidence)
				}
				var items []string
				scan(t, up, &items, "SELECT CAST(survey_id AS TEXT) || ' ' || requirement_id FROM snapshot_items ORDER BY id")
				if !slices.Equal(items, tc.items) {
					t.Errorf("snapshot items = %v, want %v", items, tc.items)
				}
				var surveys []string
				scan(t, up, &surveys, "SELECT catalogue FROM surveys ORDER BY id")
				if !slices.Equal(surveys, tc.surveys) {
					t.Errorf("survey catalogues = %v, want %v", surveys, tc.surveys)
				}

				// The stages and parts came along; the interviewee's key is
				// the same in both versions.
				var slots []string
				scan(t, up, &slots, "SELECT stage || '/' || part FROM evidences WHERE id IN (2, 4) ORDER BY id")
				if want := []string{"perencanaan/notulen", "evaluasi/foto"}; !slices.Equal(slots, want) {
					t.Errorf("slots = %v, want %v", slots, want)
				}
				var interviewees []string
				scan(t, up, &interviewees, "SELECT requirement_id FROM interviewees")
				if want := []string{"2.1.2/b/W1"}; !slices.Equal(interviewees, want) {
					t.Errorf("interviewees = %v, want %v", interviewees, want)
				}

				// No suggestion for the EP the self-assessment proposed
				// TDD; the others keep theirs, on both tables.
				var suggested []struct {
					Element   string
					Suggested *int
				}
				scan(t, up, &suggested, "SELECT element_id AS element, suggested FROM survey_scores ORDER BY element_id")
				if len(suggested) != 2 || suggested[0].Suggested == nil || *suggested[0].Suggested != 5 || suggested[1].Suggested != nil {
					t.Errorf("survey score suggestions = %+v, want 2.1.2/a 5 and 2.1.2/c none", suggested)
				}
				var self []*int
				scan(t, up, &self, "SELECT suggested FROM self_assessments ORDER BY element_id")
				if len(self) != 2 || self[0] == nil || *self[0] != 5 || self[1] == nil || *self[1] != 10 {
					t.Errorf("self-assessment suggestions = %v, want kept as saved (5, 10)", self)
				}
				if err := up.Exec("UPDATE self_assessments SET suggested = NULL").Error; err != nil {
					t.Errorf("a self-assessment cannot hold no suggestion: %v", err)
				}

				var cached int64
				scan(t, up, &cached, "SELECT COUNT(*) FROM facility_scores")
				if cached != 0 {
					t.Errorf("%d cached scores left, want none: they were scored under the earlier rules", cached)
				}

				// The built-in catalogue finds the evidence where it
				// belongs: the RPK meets 2.1.2/b/D2, the minutes fill their
				// slot of D3 (the deleted photo does not count).
				if tc.imported {
					return
				}
				ev := &evidence.Service{Store: sqlstore.New(up, nil), Catalogue: criteria.MustBuiltin(), Now: time.Now}
				rep, err := ev.Readiness(context.Background(), 1)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := rep.Element("2.1.2/b")
				rpk, _ := b.Requirement("2.1.2/b/D2")
				meetings, _ := b.Requirement("2.1.2/b/D3")
				if !rpk.Met || meetings.Present != 1 || len(meetings.Slots) != 12 || meetings.Slots[1].State != readiness.SlotPresent {
					t.Errorf("readiness of 2.1.2/b after the upgrade: D2 %+v, D3 %+v; want D2 met and D3's perencanaan/notulen present", rpk, meetings)
				}
			})
		}
	}
}

func scan(t *testing.T, gdb *gorm.DB, dest any, query string) {
	t.Helper()
	if err := gdb.Raw(query).Scan(dest).Error; err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
