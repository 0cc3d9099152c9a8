package evidence_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/storage"
)

// uploader tags a context with the upload it belongs to, so that gorm
// callbacks can tell two concurrent uploads apart. commit's cleanup runs on
// context.WithoutCancel(ctx), which keeps the tag.
type uploader struct{}

func who(db *gorm.DB) string {
	s, _ := db.Statement.Context.Value(uploader{}).(string)
	return s
}

// TestFailedRecordRacesSameContent interleaves two uploads of the same bytes
// so that a failed record's cleanup runs while another upload of the same
// content has committed its blob (finding it already there) but not yet its
// transaction:
//
//	A: Store.Commit → created
//	A: transaction fails (revision insert refused)
//	B: Store.Commit → not created (A's blob is there)
//	B: transaction inserts its evidence and revision, not yet committed
//	A: counts revisions with this sha256 → 0 (B's rows are not visible)
//	A: Store.Delete(key)
//	B: transaction commits → succeeds
//
// B's evidence must still have its bytes. The steps are forced with gorm
// callbacks, so the test is deterministic against the current code; the
// waits are bounded so that an implementation which serializes the two
// uploads (and so makes the interleaving impossible) passes after a short
// pause instead of hanging.
//
// commit serializes, per content hash, "commit the blob and record it"
// against "count references and delete the blob", so B's bytes survive.
func TestFailedRecordRacesSameContent(t *testing.T) {
	t.Parallel()
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, combo.DB, combo.Store)
			data := testenv.PDF("SK yang diunggah dua petugas bersamaan")
			var (
				aFailed    = make(chan struct{})
				aAtCount   = make(chan struct{})
				bInserted  = make(chan struct{})
				aDone      = make(chan struct{})
				onceCount  sync.Once
				onceInsert sync.Once
			)
			// pause waits for another step of the interleaving, but only for a
			// while: a correct commit may serialize the two uploads so that the
			// step cannot happen now, and then each goes on alone.
			pause := func(ch chan struct{}) {
				select {
				case <-ch:
				case <-time.After(2 * time.Second):
				}
			}
			cb := e.db.Callback()
			must := func(err error) {
				if err != nil {
					t.Fatal(err)
				}
			}
			must(cb.Create().Before("gorm:create").Register("bukti_test:a_fails", func(tx *gorm.DB) {
				if who(tx) == "A" && tx.Statement.Table == "revisions" {
					tx.AddError(errInjected)
					close(aFailed)
				}
			}))
			must(cb.Query().Before("gorm:query").Register("bukti_test:a_counts", func(tx *gorm.DB) {
				if who(tx) != "A" || tx.Statement.Table != "revisions" {
					return
				}
				select {
				case <-aFailed:
				default:
					return
				}
				onceCount.Do(func() {
					close(aAtCount)
					pause(bInserted)
				})
			}))
			must(cb.Create().After("gorm:create").Register("bukti_test:b_holds", func(tx *gorm.DB) {
				if who(tx) == "B" && tx.Statement.Table == "revisions" {
					onceInsert.Do(func() {
						close(bInserted)
						pause(aDone)
					})
				}
			}))

			ctxA := context.WithValue(context.Background(), uploader{}, "A")
			ctxB := context.WithValue(context.Background(), uploader{}, "B")
			stA := e.stage("sk-a.pdf", data)
			var errA, errB error
			var evB []bukti.Evidence
			var wg sync.WaitGroup
			wg.Go(func() {
				defer close(aDone)
				_, errA = e.svc.Create(ctxA, evidence.Upload{FacilityID: e.facility, Requirements: []string{"2.1.2/a/R1"}, By: user}, stA)
			})
			// B starts once A's cleanup is about to count references (or A
			// is done, if it never counts).
			select {
			case <-aAtCount:
			case <-aDone:
			case <-time.After(30 * time.Second):
				t.Fatal("upload A neither reached its cleanup nor finished")
			}
			wg.Go(func() {
				stB, err := e.svc.Stage(ctxB, "sk-b.pdf", bytes.NewReader(data))
				if err != nil {
					errB = err
					return
				}
				evB, errB = e.svc.Create(ctxB, evidence.Upload{FacilityID: e.facility, Requirements: []string{"2.1.2/a/R2"}, By: user + 1}, stB)
			})
			wg.Wait()

			if !errors.Is(errA, errInjected) {
				t.Fatalf("upload A: error got %v, want the injected failure", errA)
			}
			if errB != nil || len(evB) != 1 {
				t.Fatalf("upload B: got (%v, %v), want one record", evB, errB)
			}
			if s := e.state(); s.evidence != 1 || s.revisions != 1 || s.staged != 0 {
				t.Errorf("state: evidence, revisions, staged got %d, %d, %d, want 1, 1, 0", s.evidence, s.revisions, s.staged)
			}
			size, err := e.blobSize(data)
			if errors.Is(err, storage.ErrNotFound) {
				t.Errorf("blob of B's evidence %d: Size got storage.ErrNotFound, want %d bytes: A's cleanup deleted a blob that B's committed revision references", evB[0].ID, len(data))
			} else if err != nil || size != int64(len(data)) {
				t.Errorf("blob of B's evidence: size got (%d, %v), want %d", size, err, len(data))
			}
		})
	}
}
