// Package sqlstore is Bukti's one access to the metadata database: the only
// package (with pkg/db, which opens and migrates it) that imports gorm,
// knows table layout and branches on the SQL dialect. Feature packages hold
// the rules and call it; they never see a *gorm.DB.
//
// # Units of work
//
// Every write runs in a unit of work (DB.Run): one database transaction
// that carries the request's context, one clock reading, the acting user,
// the audit log and the facilities whose readiness inputs it changed.
//
// Contract:
//   - Run always begins the transaction on the request's context, so every
//     statement in it — audit rows included — sees the request identity
//     (audit.WithRequest) that ctx carries; Tx.Audit reads it from the
//     unit's context, never from whatever handle a caller holds.
//   - Tx.Now is read once per unit (UTC), so a change and its audit row
//     carry the same time.
//   - A unit and each statement end within the timeout (SetTimeout,
//     BUKTI_DB_TIMEOUT), and on SQLite units take the one writer's turn in
//     the order they ask, so that they queue in Go, within that timeout,
//     instead of in SQLite's busy handler. A database that is down, too
//     slow or full fails with ErrUnavailable or ErrNoSpace (faults.go).
//   - Every facility passed to Tx.Touch has its cached readiness scores
//     dropped and its readiness version (ReadinessVersion) renewed inside
//     the same transaction, after fn returns and before commit. The score
//     cache and the versions are this package's tables, so no caller can
//     forget the invalidation. If fn fails, nothing — change, audit row or
//     invalidation — commits. Whatever writes readiness inputs outside a
//     unit (a migration moving evidence, say) must renew the versions of
//     the facilities it changes as well.
//   - A unit that writes what decides who a session secret signs in and
//     what they may see (sessions ended, users, role bindings, the
//     organisation, survey states: access.go) stores a new access version
//     in the same transaction, after the readiness versions; this
//     package's writes of those tables mark the unit themselves.
package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
)

// DB is the metadata database with the clock its units read.
type DB struct {
	gdb *gorm.DB
	now func() time.Time
	b   *bounds // shared by every DB on the handle (faults.go)
	// prepared is gdb with its statements prepared once per connection
	// and kept, for the statement every request runs (Versions); nil:
	// gdb.
	prepared *gorm.DB
}

// New returns the store on an open, migrated database (db.Open). now is
// the clock every unit reads once; nil is time.Now.
func New(gdb *gorm.DB, now func() time.Time) *DB {
	if now == nil {
		now = time.Now
	}
	return &DB{gdb: gdb, now: now, b: boundsOf(gdb), prepared: gdb.Session(&gorm.Session{PrepareStmt: true})}
}

// Dialect is the SQL dialect of the database: "sqlite" or "postgres".
func (d *DB) Dialect() string { return d.gdb.Dialector.Name() }

// Ping checks that the database answers, within ctx; a database that
// does not fails with ErrUnavailable.
func (d *DB) Ping(ctx context.Context) error {
	sqlDB, err := d.gdb.DB()
	if err != nil {
		return err
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return classifyDriver(err)
	}
	return nil
}

// Tx is one running unit of work: its methods run in the unit's
// transaction, bound to the unit's context.
type Tx struct {
	db  *gorm.DB
	Now time.Time // the unit's one clock reading, UTC
	By  *int64    // acting user; nil for anonymous or system work

	ctx     context.Context
	touched []int64
	access  bool // the unit changed what the access version covers (access.go)
}

// Run runs fn as one unit of work by the user by (see the package
// contract). On SQLite units run one at a time, in the order they ask,
// within the timeout (SetTimeout); a unit that runs out of time, or finds
// the database down, fails with ErrUnavailable.
func (d *DB) Run(ctx context.Context, by *int64, fn func(*Tx) error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	return d.transaction(ctx, func(ctx context.Context, db *gorm.DB) error {
		// Read inside the transaction: on SQLite it holds the write lock
		// from BEGIN, so units' times follow their commit order.
		t := &Tx{db: db, Now: d.now().UTC(), By: by, ctx: ctx}
		if err := fn(t); err != nil {
			return err
		}
		for _, id := range t.touched { // sorted: one lock order for every unit
			if err := invalidate(db, id); err != nil {
				return err
			}
		}
		if t.access { // last: the one row every such unit updates is locked for the shortest time
			return bumpAccess(db)
		}
		return nil
	})
}

// Context returns the unit's context.
func (t *Tx) Context() context.Context { return t.ctx }

// Touch says that the readiness inputs of a facility changed in this unit:
// its cached scores are dropped and its readiness version renewed before
// the unit commits. This package's writes of readiness inputs (evidence.go)
// touch their facility themselves; touching a facility twice is harmless.
func (t *Tx) Touch(facilityID int64) {
	i, found := slices.BinarySearch(t.touched, facilityID)
	if !found {
		t.touched = slices.Insert(t.touched, i, facilityID)
	}
}

// Touched returns the facilities touched so far, in ascending order.
func (t *Tx) Touched() []int64 { return slices.Clone(t.touched) }

// Audit records e in the unit's transaction. A zero At becomes the unit's
// Now and a nil By the unit's actor; the request identity always comes
// from the unit's context.
func (t *Tx) Audit(e audit.Entry) error {
	if e.At.IsZero() {
		e.At = t.Now
	}
	if e.By == nil {
		e.By = t.By
	}
	return RecordAudit(t.db.WithContext(t.ctx), e)
}

// invalidate drops the cached readiness scores (bukti.FacilityScore) of a
// facility, for every catalogue, and gives the facility a new readiness
// version (ReadinessVersion: what servers check before they reuse a
// readiness computed earlier), inside tx. Calling it twice in one
// transaction is harmless.
//
// On PostgreSQL it first locks the facility row (FOR NO KEY UPDATE). That
// waits for a report storing this facility's score from inputs read before
// the change, and makes later ones wait until tx ends, so a score computed
// from stale inputs is deleted here or never stored. SQLite needs no lock:
// its transactions hold the database write lock from BEGIN.
func invalidate(tx *gorm.DB, facilityID int64) error {
	if tx.Dialector.Name() == "postgres" {
		if err := tx.Exec("SELECT id FROM facilities WHERE id = ? FOR NO KEY UPDATE", facilityID).Error; err != nil {
			return fmt.Errorf("lock facility %d to invalidate its scores: %w", facilityID, err)
		}
	}
	if err := tx.Where("facility_id = ?", facilityID).Delete(&bukti.FacilityScore{}).Error; err != nil {
		return fmt.Errorf("invalidate scores of facility %d: %w", facilityID, err)
	}
	return bumpVersion(tx, facilityID)
}

// Errors the store returns, for feature packages to test with errors.Is
// without knowing the driver: a row that is not there, and a write refused
// by a unique constraint (db.Open translates both drivers' violations).
var (
	ErrNotFound  = gorm.ErrRecordNotFound
	ErrDuplicate = gorm.ErrDuplicatedKey
)
