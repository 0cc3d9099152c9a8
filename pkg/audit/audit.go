// Package audit appends to the audit log. Rows are only ever inserted, in
// the same transaction as the change they record, so a change and its audit
// row commit or roll back together. Nothing in Bukti updates or deletes them.
package audit

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// Record inserts one audit row inside tx. by is the acting user (nil for
// anonymous actions such as a failed login); facilityID is nil when the
// object belongs to no facility.
func Record(tx *gorm.DB, at time.Time, by *int64, action, objectType, objectID string, facilityID *int64, summary string) error {
	e := bukti.AuditEntry{At: at.UTC(), UserID: by, Action: action, ObjectType: objectType,
		ObjectID: objectID, FacilityID: facilityID, Summary: summary}
	if err := tx.Create(&e).Error; err != nil {
		return fmt.Errorf("write audit entry %s: %w", action, err)
	}
	return nil
}
