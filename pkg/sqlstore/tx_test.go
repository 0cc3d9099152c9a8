package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

var now = time.Date(2025, time.March, 10, 2, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return now }

const user int64 = 7

// env is a fresh database with two facilities, each with a cached score
// row, and an evidence service on it.
type env struct {
	db     *gorm.DB
	ev     *evidence.Service
	f1, f2 int64
}

func newEnv(t *testing.T, kind string) *env {
	t.Helper()
	gdb := testenv.OpenDB(t, kind)
	o := &org.Service{Store: sqlstore.New(gdb, fixedNow), Now: fixedNow}
	ctx := context.Background()
	if _, err := o.CreateProvince(ctx, "32", "Jawa Barat", nil); err != nil {
		t.Fatalf("create province: %v", err)
	}
	if _, err := o.CreateDistrict(ctx, "3277", "Kota Cimahi", "32", nil); err != nil {
		t.Fatalf("create district: %v", err)
	}
	e := &env{db: gdb, ev: &evidence.Service{Store: sqlstore.New(gdb, fixedNow), Catalogue: criteria.MustBuiltin(), Now: fixedNow, Log: testenv.Logger(t)}}
	for i, code := range []string{"P3277010101", "P3277010102"} {
		f, err := o.CreateFacility(ctx, org.FacilityInput{Code: code, Name: "Puskesmas " + code, DistrictCode: "3277"}, nil)
		if err != nil {
			t.Fatalf("create facility: %v", err)
		}
		if err := gdb.Create(&bukti.FacilityScore{FacilityID: f.ID, Catalogue: "test@1", Payload: "x"}).Error; err != nil {
			t.Fatalf("seed score cache: %v", err)
		}
		if i == 0 {
			e.f1 = f.ID
		} else {
			e.f2 = f.ID
		}
	}
	return e
}

func (e *env) cached(t *testing.T, facilityID int64) bool {
	t.Helper()
	var n int64
	if err := e.db.Model(&bukti.FacilityScore{}).Where("facility_id = ?", facilityID).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n > 0
}

func (e *env) count(t *testing.T, model any, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := e.db.Model(model).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// mark is a readiness-input write through a unit: a TDD mark of facility
// f, its audit row, and the touch.
func mark(t *sqlstore.Tx, f int64) error {
	if err := t.PutNotApplicable(&bukti.NotApplicable{FacilityID: f, ElementID: "2.1.2/b", Reason: "no such service here", SetBy: *t.By, CreatedAt: t.Now}); err != nil {
		return err
	}
	t.Touch(f)
	return t.Audit(audit.Entry{Action: "test.mark", ObjectType: "element", ObjectID: "2.1.2/b", FacilityID: &f})
}

func forEachDB(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			fn(t, newEnv(t, kind))
		})
	}
}

func TestTouchInvalidates(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		by := user
		if err := e.ev.Run(context.Background(), &by, func(tx *sqlstore.Tx) error { return mark(tx, e.f1) }); err != nil {
			t.Fatalf("run: %v", err)
		}
		if e.cached(t, e.f1) {
			t.Error("touched facility still has cached scores after commit")
		}
		if !e.cached(t, e.f2) {
			t.Error("untouched facility lost its cached scores")
		}
		if n := e.count(t, &bukti.NotApplicable{}, "facility_id = ?", e.f1); n != 1 {
			t.Errorf("TDD marks = %d, want 1", n)
		}

		// A service write invalidates without its caller doing anything.
		if _, err := e.ev.SetNotApplicable(context.Background(), e.f2, "2.1.2/b", "no such service here", user); err != nil {
			t.Fatalf("SetNotApplicable: %v", err)
		}
		if e.cached(t, e.f2) {
			t.Error("SetNotApplicable left the facility's cached scores")
		}
	})
}

// TestAnyUnitInvalidates: invalidation belongs to the store, so a unit
// started on the store itself, not through the evidence service, drops the
// touched facility's cache too.
func TestAnyUnitInvalidates(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	by := user
	if err := sqlstore.New(e.db, fixedNow).Run(context.Background(), &by, func(tx *sqlstore.Tx) error { return mark(tx, e.f1) }); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := e.count(t, &bukti.NotApplicable{}, "facility_id = ?", e.f1); n != 1 {
		t.Errorf("TDD marks = %d, want 1", n)
	}
	if e.cached(t, e.f1) {
		t.Error("touched facility still has cached scores after commit")
	}
	if !e.cached(t, e.f2) {
		t.Error("untouched facility lost its cached scores")
	}
}

func TestFailedUnitLeavesNothing(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		by := user
		boom := errors.New("boom")
		err := e.ev.Run(context.Background(), &by, func(tx *sqlstore.Tx) error {
			if err := mark(tx, e.f1); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Run = %v, want boom", err)
		}
		if n := e.count(t, &bukti.NotApplicable{}, "facility_id = ?", e.f1); n != 0 {
			t.Errorf("change committed: %d TDD marks", n)
		}
		if n := e.count(t, &bukti.AuditEntry{}, "action = ?", "test.mark"); n != 0 {
			t.Errorf("audit row committed: %d", n)
		}
		if !e.cached(t, e.f1) {
			t.Error("cache invalidated by a unit that rolled back")
		}
	})
}

func TestAuditCarriesRequest(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := audit.WithRequest(context.Background(), audit.Request{ID: "req-42", ClientIP: "192.0.2.7"})
		by := user
		err := e.ev.Run(ctx, &by, func(tx *sqlstore.Tx) error { return mark(tx, e.f1) })
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		// And a service write gets it from ctx alone.
		if err := e.ev.ClearNotApplicable(ctx, e.f1, "2.1.2/b", user); err != nil {
			t.Fatalf("ClearNotApplicable: %v", err)
		}
		var rows []bukti.AuditEntry
		if err := e.db.Where("action IN ?", []string{"test.mark", "element.applicable"}).Order("id").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 {
			t.Fatalf("audit rows = %d, want 2", len(rows))
		}
		for _, r := range rows {
			if r.RequestID != "req-42" || r.ClientIP != "192.0.2.7" {
				t.Errorf("%s: request %q ip %q, want req-42 192.0.2.7", r.Action, r.RequestID, r.ClientIP)
			}
			if r.UserID == nil || *r.UserID != user {
				t.Errorf("%s: user %v, want %d", r.Action, r.UserID, user)
			}
			if !r.At.Equal(now) {
				t.Errorf("%s: at %v, want the unit's clock %v", r.Action, r.At, now)
			}
		}
	})
}
