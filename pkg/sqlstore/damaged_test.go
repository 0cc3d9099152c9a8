package sqlstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestDamagedCurrentFiles: a facility's evidence whose latest revision
// names unresolved damage is listed, and nothing else (an older revision
// damaged, damage resolved, another facility's, deleted evidence) —
// whether the damaged contents are looked up by their sums or, when there
// are too many, through the facility's revisions; none when nothing is
// damaged. Not parallel: it changes how many sums are looked up.
func TestDamagedCurrentFiles(t *testing.T) {
	for _, lookup := range []int{500, 0} {
		t.Run(fmt.Sprintf("lookup %d", lookup), func(t *testing.T) {
			restore := sqlstore.SetDamagedLookup(lookup)
			defer restore()
			forEachDBSerial(t, func(t *testing.T, e *env) {
				ctx := context.Background()
				st := sqlstore.New(e.db, fixedNow)
				if got, err := st.DamagedCurrentFiles(ctx, e.f1); err != nil || len(got) != 0 {
					t.Fatalf("nothing damaged: %+v, %v", got, err)
				}
				mk := func(f int64, req string, deleted bool, sums ...string) int64 {
					ev := bukti.Evidence{FacilityID: f, RequirementID: req, Title: "Dokumen " + req, Review: bukti.ReviewPending, CreatedBy: user}
					if deleted {
						ev.DeletedAt = &now
					}
					if err := e.db.Create(&ev).Error; err != nil {
						t.Fatal(err)
					}
					for i, sum := range sums {
						r := bukti.Revision{EvidenceID: ev.ID, Number: i + 1, SHA256: sum, Size: 1, ContentType: "application/pdf", FileName: sum + ".pdf", UploadedBy: user}
						if err := e.db.Create(&r).Error; err != nil {
							t.Fatal(err)
						}
					}
					return ev.ID
				}
				listed := mk(e.f1, "2.1.2/a/R1", false, "ok1", "bad1")
				mk(e.f1, "2.1.2/a/R2", false, "bad2", "ok2") // damaged only in an older revision
				mk(e.f1, "2.1.2/a/R3", false, "healed")      // damage resolved
				mk(e.f1, "2.1.2/a/R4", true, "bad3")         // deleted
				mk(e.f2, "2.1.2/a/R1", false, "bad1")        // another facility
				for _, sum := range []string{"bad1", "bad2", "bad3", "healed"} {
					if err := e.ev.Run(ctx, nil, func(tx *sqlstore.Tx) error { return tx.RecordDamage(sum, "missing", "scrub", "") }); err != nil {
						t.Fatal(err)
					}
				}
				if err := e.ev.Run(ctx, nil, func(tx *sqlstore.Tx) error {
					_, err := tx.ResolveDamage([]string{"healed"}, now.AddDate(1, 0, 0), "healthy")
					return err
				}); err != nil {
					t.Fatal(err)
				}
				got, err := st.DamagedCurrentFiles(ctx, e.f1)
				if err != nil || len(got) != 1 || got[0].EvidenceID != listed || got[0].SHA256 != "bad1" || got[0].Revision != 2 || !got[0].Current {
					t.Fatalf("DamagedCurrentFiles = %+v, %v; want evidence %d revision 2 (bad1) alone", got, err, listed)
				}
			})
		})
	}
}

// forEachDBSerial is forEachDB with the databases one after the other.
func forEachDBSerial(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) { fn(t, newEnv(t, kind)) })
	}
}
