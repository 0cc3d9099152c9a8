package sqlstore

import (
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// Login throttle counters (bukti.LoginThrottle), one row per kind and
// subject. What they count and when they refuse is package auth's rule;
// this file only locks, stores and prunes them.

// LockLoginThrottle returns the counter of a kind and subject, creating it
// (with no attempts, last attempt and expiry at now, so already lapsed)
// when missing, and holds its row lock until the unit ends: a concurrent
// unit locking the same counter waits for this one to commit or roll back,
// on PostgreSQL and SQLite alike (where the transaction holds the
// database's write lock anyway).
func (t *Tx) LockLoginThrottle(kind, subject string, now time.Time) (bukti.LoginThrottle, error) {
	var r bukti.LoginThrottle
	// The do-nothing update of an existing row is what takes the lock, in
	// the same statement that would create it.
	err := t.db.Exec(`INSERT INTO login_throttles (kind, subject, attempts, last_at, expires_at) VALUES (?, ?, 0, ?, ?)
		ON CONFLICT (kind, subject) DO UPDATE SET attempts = login_throttles.attempts`, kind, subject, now, now).Error
	if err != nil {
		return r, err
	}
	err = t.db.Where("kind = ? AND subject = ?", kind, subject).Take(&r).Error
	return r, err
}

// SaveLoginThrottle stores the attempts, last attempt and expiry of the
// existing counter r (by its kind and subject).
func (t *Tx) SaveLoginThrottle(r bukti.LoginThrottle) error {
	return t.db.Model(&bukti.LoginThrottle{}).Where("kind = ? AND subject = ?", r.Kind, r.Subject).
		Updates(map[string]any{"attempts": r.Attempts, "last_at": r.LastAt, "expires_at": r.ExpiresAt}).Error
}

// DeleteLoginThrottle deletes the counter of a kind and subject, if any.
func (t *Tx) DeleteLoginThrottle(kind, subject string) error {
	return t.db.Where("kind = ? AND subject = ?", kind, subject).Delete(&bukti.LoginThrottle{}).Error
}

// UncountLoginThrottle takes one attempt off the counter of a kind and
// subject, if it has any.
func (t *Tx) UncountLoginThrottle(kind, subject string) error {
	return t.db.Model(&bukti.LoginThrottle{}).Where("kind = ? AND subject = ?", kind, subject).
		Where("attempts > 0").Update("attempts", gorm.Expr("attempts - 1")).Error
}

// PruneLoginThrottles deletes the counters that lapsed at or before now
// and returns how many it deleted. On PostgreSQL it skips rows a unit
// holds locked (they are being counted again), so it never waits for one
// nor makes one wait for it crosswise.
func (t *Tx) PruneLoginThrottles(now time.Time) (int64, error) {
	if t.db.Dialector.Name() == "postgres" {
		res := t.db.Exec(`DELETE FROM login_throttles WHERE (kind, subject) IN
			(SELECT kind, subject FROM login_throttles WHERE expires_at <= ? FOR UPDATE SKIP LOCKED)`, now)
		return res.RowsAffected, res.Error
	}
	res := t.db.Where("expires_at <= ?", now).Delete(&bukti.LoginThrottle{})
	return res.RowsAffected, res.Error
}
