// Package uow runs a unit of work: one database transaction that carries
// the request's context, one clock reading, the acting user, the audit log
// and the facilities whose readiness inputs it changed.
//
// Contract:
//   - Run always begins the transaction on db.WithContext(ctx), so every
//     statement in it — audit rows included — sees the request identity
//     (audit.WithRequest) that ctx carries; Tx.Audit reads it from ctx
//     itself, never from whatever handle the caller happens to hold.
//   - Tx.Now is read once per unit (UTC), so a change and its audit row
//     carry the same time.
//   - Every facility passed to Tx.Touch has its cached readiness scores
//     dropped by the unit's Invalidate, inside the same transaction, after
//     fn returns and before commit. A unit that touches a facility but has
//     no Invalidate fails (and rolls back) rather than leave a stale cache.
//     If fn fails, nothing — change, audit row or invalidation — commits.
//
// The package sits below the feature packages: it knows neither the
// evidence tables nor the score cache. pkg/evidence, which owns both,
// hands out units wired with its own Invalidate (evidence.Service.Unit).
package uow

import (
	"context"
	"errors"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/audit"
)

// Invalidator drops the cached readiness scores of one facility inside tx.
type Invalidator func(tx *gorm.DB, facilityID int64) error

// Unit is what a unit of work needs besides its caller's function: the
// database, the clock and how to invalidate a touched facility.
type Unit struct {
	DB         *gorm.DB
	Now        func() time.Time
	Invalidate Invalidator // required as soon as a unit calls Touch
}

// Tx is one running unit of work. DB is the transaction, bound to the
// unit's context; use it (or handles derived from it) for every statement.
type Tx struct {
	DB  *gorm.DB
	Now time.Time // the unit's one clock reading, UTC
	By  *int64    // acting user; nil for anonymous or system work

	ctx     context.Context
	touched []int64
}

// ErrNoInvalidator is returned by Run when a unit touched a facility but
// was started without an Invalidator.
var ErrNoInvalidator = errors.New("uow: a facility's readiness inputs changed but the unit has no score-cache invalidator; start the unit with evidence.Service.Unit")

// Run runs fn in one transaction of db (see the package contract).
func Run(ctx context.Context, db *gorm.DB, now func() time.Time, by *int64, fn func(*Tx) error) error {
	return Unit{DB: db, Now: now}.Run(ctx, by, fn)
}

// Run runs fn as one unit of work by the user by (see the package contract).
func (u Unit) Run(ctx context.Context, by *int64, fn func(*Tx) error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	return u.DB.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		// Read inside the transaction, as the services always did: on
		// SQLite it holds the write lock from BEGIN, so units' times follow
		// their commit order.
		t := &Tx{DB: db, Now: u.Now().UTC(), By: by, ctx: ctx}
		if err := fn(t); err != nil {
			return err
		}
		if len(t.touched) == 0 {
			return nil
		}
		if u.Invalidate == nil {
			return ErrNoInvalidator
		}
		for _, id := range t.touched { // sorted: one lock order for every unit
			if err := u.Invalidate(db, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// Context returns the unit's context.
func (t *Tx) Context() context.Context { return t.ctx }

// Touch says that the readiness inputs of a facility changed in this unit:
// its cached scores are dropped before the unit commits. Touching a
// facility twice is harmless.
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
	return audit.Record(t.DB.WithContext(t.ctx), e)
}
