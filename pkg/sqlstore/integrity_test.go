package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestDamageRecords: damage found again while open keeps when and by what
// it was first found and updates the rest; resolved damage found again
// opens anew; resolving touches only open damage.
func TestDamageRecords(t *testing.T) {
	t.Parallel()
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			gdb := testenv.OpenDB(t, kind)
			at := now
			db := sqlstore.New(gdb, func() time.Time { return at })
			sum := "3f8a6b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f90"
			run := func(fn func(t *sqlstore.Tx) error) {
				if err := db.Run(ctx, nil, fn); err != nil {
					t.Fatal(err)
				}
				at = at.Add(time.Hour)
			}
			get := func() sqlstore.DamagedBlob {
				d, err := db.Damage(ctx, sum)
				if err != nil {
					t.Fatal(err)
				}
				return *d
			}
			run(func(tx *sqlstore.Tx) error { return tx.RecordDamage(sum, "corrupt", "scrub", "hashes to …") })
			run(func(tx *sqlstore.Tx) error { return tx.RecordDamage(sum, "wrong_size", "download", "short") })
			d := get()
			if d.Kind != "wrong_size" || d.Source != "scrub" || d.LastSource != "download" || !d.FirstSeen.Equal(now) ||
				!d.LastSeen.Equal(now.Add(time.Hour)) || d.Detail != "short" || d.ResolvedAt != nil {
				t.Errorf("damage seen twice: %+v", d)
			}
			var n int64
			run(func(tx *sqlstore.Tx) (err error) {
				n, err = tx.ResolveDamage([]string{sum}, tx.Now, "healthy")
				return err
			})
			if d := get(); n != 1 || d.ResolvedAt == nil || !d.ResolvedAt.Equal(now.Add(2*time.Hour)) || d.Resolution != "healthy" {
				t.Errorf("resolved %d: %+v", n, d)
			}
			run(func(tx *sqlstore.Tx) (err error) {
				n, err = tx.ResolveDamage([]string{sum}, tx.Now, "healthy")
				return err
			})
			if d := get(); n != 0 || !d.ResolvedAt.Equal(now.Add(2*time.Hour)) {
				t.Errorf("resolved again: %d, %+v; want nothing changed", n, d)
			}
			run(func(tx *sqlstore.Tx) error { return tx.RecordDamage(sum, "missing", "fsck", "") })
			if d := get(); d.ResolvedAt != nil || d.Resolution != "" || d.Source != "fsck" || !d.FirstSeen.Equal(now.Add(4*time.Hour)) || d.Kind != "missing" {
				t.Errorf("damage found again after it was resolved: %+v; want it open anew", d)
			}
			run(func(tx *sqlstore.Tx) (err error) { n, err = tx.ResolveUnreferencedDamage(); return err })
			if open, err := db.OpenDamage(ctx); n != 1 || err != nil || len(open) != 0 {
				t.Errorf("unreferenced: resolved %d, open %+v, %v", n, open, err)
			}
		})
	}
}

// TestScrubLease: of servers taking the lease at once exactly one gets
// it; it holds until it lapses or is released; progress is saved only by
// the holder.
func TestScrubLease(t *testing.T) {
	t.Parallel()
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			gdb := testenv.OpenDB(t, kind)
			at := now
			db := sqlstore.New(gdb, func() time.Time { return at })
			take := func(owner string) bool {
				var ok bool
				err := db.Run(ctx, nil, func(tx *sqlstore.Tx) (err error) {
					ok, err = tx.TakeScrubLease(owner, tx.Now.Add(time.Minute))
					return err
				})
				if err != nil {
					t.Error(err)
				}
				return ok
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			var holders []string
			for _, owner := range []string{"a", "b", "c", "d", "e", "f"} {
				wg.Go(func() {
					if take(owner) {
						mu.Lock()
						holders = append(holders, owner)
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if len(holders) != 1 {
				t.Fatalf("holders %v, want exactly one", holders)
			}
			holder, other := holders[0], "z"
			if !take(holder) || take(other) {
				t.Errorf("while held: the holder renews, another does not take it")
			}
			save := func(owner string, cursor string) bool {
				var ok bool
				if err := db.Run(ctx, nil, func(tx *sqlstore.Tx) (err error) {
					ok, err = tx.SaveScrubState(owner, sqlstore.ScrubState{Cursor: cursor, Checked: 1})
					return err
				}); err != nil {
					t.Fatal(err)
				}
				return ok
			}
			if !save(holder, "aa") || save(other, "bb") {
				t.Error("only the holder saves progress")
			}
			if st, err := db.ScrubState(ctx); err != nil || st.Cursor != "aa" || st.Checked != 1 {
				t.Errorf("state %+v, %v; want the holder's", st, err)
			}
			at = at.Add(2 * time.Minute)
			if !take(other) {
				t.Error("a lapsed lease was not taken over")
			}
			if err := db.Run(ctx, nil, func(tx *sqlstore.Tx) error { return tx.ReleaseScrubLease(other) }); err != nil {
				t.Fatal(err)
			}
			if !take(holder) {
				t.Error("a released lease was not taken at once")
			}
		})
	}
}
