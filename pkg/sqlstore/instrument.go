package sqlstore

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Database operations reported by Observe: gorm's callback processors.
const (
	OpCreate = "create" // Create, Save of a new row
	OpQuery  = "query"  // First, Find, Count, Pluck, Scan of a query …
	OpUpdate = "update" // Update, Updates, Save of a row
	OpDelete = "delete" // Delete
	OpRow    = "row"    // Row, Rows, and Raw(…).Scan
	OpRaw    = "raw"    // Exec
)

const (
	observeStart = "bukti:observe_start" // callback first in each processor
	observeEnd   = "bukti:observe_end"   // callback last in each processor
)

// Observe reports every statement run through d — by every unit of work,
// read and store sharing its connection pool, whatever clock (WithClock) —
// to fn once it has run: its operation (OpCreate, OpQuery, …), its
// duration, and its failure. A query that finds no row
// (gorm.ErrRecordNotFound) is not a failure and reports nil. The duration
// of a create, update or delete includes the transaction gorm wraps it in
// outside a unit of work; that of a query includes its preloads, which are
// also reported as queries of their own.
//
// Observing is a pair of gorm callbacks on d's handle, shared by every DB
// made from it; Observe a handle once (a second call is an error). fn is
// called synchronously on the statement's
// goroutine and must be safe for concurrent use. sqlstore does not know
// about Prometheus: pkg/metrics provides fn.
func Observe(d *DB, fn func(op string, d time.Duration, err error)) error {
	cb := d.gdb.Callback()
	if cb.Query().Get(observeStart) != nil {
		return errors.New("sqlstore: Observe called twice on one database handle")
	}
	start := func(db *gorm.DB) { db.Statement.Settings.Store(observeStart, time.Now()) }
	var errs []error
	// register puts start first and op's observer last in a processor.
	register := func(op string, first, last func(string, func(*gorm.DB)) error) {
		errs = append(errs, first(observeStart, start), last(observeEnd, observer(op, fn)))
	}
	c, q, u, del, row, raw := cb.Create(), cb.Query(), cb.Update(), cb.Delete(), cb.Row(), cb.Raw()
	register(OpCreate, c.Before("*").Register, c.After("*").Register)
	register(OpQuery, q.Before("*").Register, q.After("*").Register)
	register(OpUpdate, u.Before("*").Register, u.After("*").Register)
	register(OpDelete, del.Before("*").Register, del.After("*").Register)
	register(OpRow, row.Before("*").Register, row.After("*").Register)
	register(OpRaw, raw.Before("*").Register, raw.After("*").Register)
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlstore: observe statements: %w", err)
	}
	return nil
}

// observer is the last callback of op's processor: it reports the
// statement begun at the time the first one stored.
func observer(op string, fn func(string, time.Duration, error)) func(*gorm.DB) {
	return func(db *gorm.DB) {
		v, ok := db.Statement.Settings.Load(observeStart)
		if !ok {
			return
		}
		start, _ := v.(time.Time)
		err := db.Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			err = nil
		}
		fn(op, time.Since(start), err)
	}
}
