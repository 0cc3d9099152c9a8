package sqlstore

import (
	"time"

	"gorm.io/gorm"
)

// WithClock returns a copy of d, on the same database, whose units read
// now (nil: time.Now). d keeps its own clock.
func (d *DB) WithClock(now func() time.Time) *DB { return New(d.gdb, now) }

// Gorm returns the database handle of d (nil for a nil d), for the
// services and web handlers not yet moved to the store, which pkg/app still
// wires with it.
//
// TODO(store): remove once no caller needs it.
func (d *DB) Gorm() *gorm.DB {
	if d == nil {
		return nil
	}
	return d.gdb
}
