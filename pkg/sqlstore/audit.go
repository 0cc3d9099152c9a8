package sqlstore

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
)

// RecordAudit inserts one audit row inside tx, with the request identity
// (audit.WithRequest) of tx's context; texts longer than their column are
// clipped. A handle without the request's context records no request
// identity. It is the audit write of Tx.Audit, exported only for callers
// not yet running their writes as a unit of work: they should, and then
// call Tx.Audit.
func RecordAudit(tx *gorm.DB, e audit.Entry) error {
	req := audit.RequestFrom(tx.Statement.Context)
	row := bukti.AuditEntry{At: e.At.UTC(), UserID: e.By, Action: e.Action, ObjectType: e.ObjectType,
		ObjectID: e.ObjectID, FacilityID: e.FacilityID, Summary: auditClip(e.Summary), Before: auditClip(e.Before), After: auditClip(e.After),
		RequestID: req.ID, ClientIP: req.ClientIP}
	if err := tx.Create(&row).Error; err != nil {
		return fmt.Errorf("write audit entry %s: %w", e.Action, err)
	}
	return nil
}

// auditClip keeps a text within its column.
func auditClip(s string) string {
	if r := []rune(s); len(r) > 2000 {
		return string(r[:1999]) + "…"
	}
	return s
}

// AuditList returns one page (normalized: audit.Page.Normalized) of the
// audit rows f selects, newest first, and the number of rows f selects.
func (d *DB) AuditList(ctx context.Context, f audit.Filter, p audit.Page) ([]bukti.AuditEntry, int64, error) {
	p = p.Normalized()
	db := d.gdb.WithContext(ctx).Model(&bukti.AuditEntry{})
	var total int64
	if err := auditWhere(db, f).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	out := []bukti.AuditEntry{}
	err := auditWhere(db, f).Order("id DESC").Limit(p.Size).Offset((p.Number - 1) * p.Size).Find(&out).Error
	return out, total, err
}

// auditBatchSize is the number of rows AuditBatches reads at a time.
const auditBatchSize = 500

// AuditBatches calls each with every audit row f selects, oldest first, in
// batches of at most 500 rows read one after another, and stops at the
// first error each returns (which it returns). Memory stays bounded
// whatever the number of rows; feed it to audit.WriteCSV.
func (d *DB) AuditBatches(ctx context.Context, f audit.Filter, each func([]bukti.AuditEntry) error) error {
	var batch []bukti.AuditEntry
	return auditWhere(d.gdb.WithContext(ctx).Model(&bukti.AuditEntry{}), f).FindInBatches(&batch, auditBatchSize, func(*gorm.DB, int) error {
		return each(batch)
	}).Error
}

// auditWhere adds the conditions of f to a query of audit rows.
func auditWhere(db *gorm.DB, f audit.Filter) *gorm.DB {
	if !f.All {
		if len(f.Facilities) == 0 {
			return db.Where("1 = 0")
		}
		db = db.Where("facility_id IN ?", f.Facilities)
	}
	if f.FacilityID != 0 {
		db = db.Where("facility_id = ?", f.FacilityID)
	}
	if f.UserID != 0 {
		db = db.Where("user_id = ?", f.UserID)
	}
	if f.Action != "" {
		db = db.Where("action = ?", f.Action)
	}
	if f.ObjectType != "" {
		db = db.Where("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		db = db.Where("object_id = ?", f.ObjectID)
	}
	if !f.From.IsZero() {
		db = db.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		db = db.Where("at < ?", f.To.UTC())
	}
	return auditWithheld(db, f.Withheld)
}

// auditWithheld adds the condition leaving out the rows w withholds. A
// survey's rows carry its ID as object_id, which is text.
func auditWithheld(db *gorm.DB, w audit.Withheld) *gorm.DB {
	if len(w.Actions) == 0 || len(w.Facilities) == 0 {
		return db
	}
	open := db.Session(&gorm.Session{NewDB: true}).Model(&bukti.Survey{}).Select("CAST(id AS TEXT)").
		Where("state <> ? AND facility_id IN ?", bukti.SurveyFinal, w.Facilities)
	if len(w.Except) > 0 {
		open = open.Where("id NOT IN ?", w.Except)
	}
	return db.Where("NOT (object_type = ? AND action IN ? AND object_id IN (?))", "survey", w.Actions, open)
}
