package sqlstore

import "time"

// WithClock returns a copy of d, on the same database, whose units read
// now (nil: time.Now). d keeps its own clock.
func (d *DB) WithClock(now func() time.Time) *DB {
	if now == nil {
		now = time.Now
	}
	return &DB{gdb: d.gdb, now: now, b: d.b, prepared: d.prepared}
}
