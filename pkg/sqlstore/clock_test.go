package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestWithClock: the copy's units read the new clock (in UTC), the
// original's keep theirs, and both reach the same database.
func TestWithClock(t *testing.T) {
	t.Parallel()
	gdb := testenv.OpenDB(t, "sqlite")
	base := sqlstore.New(gdb, fixedNow)
	later := now.Add(time.Hour)
	jakarta := time.FixedZone("WIB", 7*3600)
	moved := base.WithClock(func() time.Time { return later.In(jakarta) })

	unitNow := func(st *sqlstore.DB) time.Time {
		t.Helper()
		var at time.Time
		if err := st.Run(context.Background(), nil, func(tx *sqlstore.Tx) error {
			at = tx.Now
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return at
	}
	if got := unitNow(moved); !got.Equal(later) || got.Location() != time.UTC {
		t.Errorf("copy's unit reads %v, want %v in UTC", got, later)
	}
	if got := unitNow(base); !got.Equal(now) {
		t.Errorf("original's unit reads %v after WithClock, want %v", got, now)
	}
	if err := moved.Run(context.Background(), nil, func(tx *sqlstore.Tx) error {
		return tx.CreateProvince(&bukti.Province{Code: "32", Name: "Jawa Barat"})
	}); err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := gdb.Model(&bukti.Province{}).Where("code = ?", "32").Count(&n).Error; err != nil || n != 1 {
		t.Errorf("a write through the copy is not in the database: %d rows, %v", n, err)
	}
	if got := unitNow(base.WithClock(nil)); time.Since(got) > time.Minute || time.Since(got) < 0 {
		t.Errorf("WithClock(nil) reads %v, want time.Now", got)
	}
}
