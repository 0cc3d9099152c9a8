package sqlstore

// The evidence area: evidence records and their revisions, TDD marks and
// interviewees (the readiness inputs read from them: readiness.go). This file is the
// only code that writes the evidences and revisions tables (the demo
// seeder's bulk load aside), and pkg/evidence is the only package that
// calls its writes (TestOneOwner in pkg/evidence checks both).

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// EvidenceFacilityExists reports whether a facility exists.
func (d *DB) EvidenceFacilityExists(ctx context.Context, id int64) (bool, error) {
	var n int64
	if err := d.gdb.WithContext(ctx).Model(&bukti.Facility{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return false, err
	}
	return n > 0, nil
}

// byNumber orders preloaded revisions oldest first.
func byNumber(db *gorm.DB) *gorm.DB { return db.Order("number") }

// LiveEvidence returns a live (not deleted) evidence record with its
// revisions, oldest first; ErrNotFound when there is none.
func (d *DB) LiveEvidence(ctx context.Context, id int64) (*bukti.Evidence, error) {
	var ev bukti.Evidence
	err := d.gdb.WithContext(ctx).Preload("Revisions", byNumber).Where("deleted_at IS NULL").First(&ev, id).Error
	if err != nil {
		return nil, err
	}
	return &ev, nil
}

// EvidenceFilter narrows LiveEvidenceOf; empty fields do not narrow.
type EvidenceFilter struct {
	Requirement string // exact requirement ID
	Prefix      string // requirement ID prefix, compared exactly (case matters)
}

// LiveEvidenceOf returns the live evidence of a facility that matches f,
// each with all its revisions oldest first, ordered by requirement ID then
// age. It is never nil.
func (d *DB) LiveEvidenceOf(ctx context.Context, facilityID int64, f EvidenceFilter) ([]bukti.Evidence, error) {
	q := d.gdb.WithContext(ctx).Preload("Revisions", byNumber).
		Where("facility_id = ? AND deleted_at IS NULL", facilityID)
	if f.Requirement != "" {
		q = q.Where("requirement_id = ?", f.Requirement)
	}
	if f.Prefix != "" {
		// substr compares exactly on every database; LIKE ignores case on SQLite.
		q = q.Where("substr(requirement_id, 1, ?) = ?", utf8.RuneCountInString(f.Prefix), f.Prefix)
	}
	out := []bukti.Evidence{}
	return out, q.Order("requirement_id, id").Find(&out).Error
}

// Every write below that changes a facility's readiness inputs touches
// the facility itself (Tx.Touch): its cached scores are dropped and its
// readiness version renewed before the unit commits; callers need not.

// CreateEvidence inserts an evidence record with the revisions it holds,
// setting their IDs.
func (t *Tx) CreateEvidence(ev *bukti.Evidence) error {
	if err := t.db.Create(ev).Error; err != nil {
		return err
	}
	t.Touch(ev.FacilityID)
	return nil
}

// touchEvidence touches the facility of an evidence record (none when
// there is no such record).
func (t *Tx) touchEvidence(evidenceID int64) error {
	var ids []int64
	if err := t.db.Model(&bukti.Evidence{}).Where("id = ?", evidenceID).Limit(1).Pluck("facility_id", &ids).Error; err != nil {
		return err
	}
	for _, id := range ids {
		t.Touch(id)
	}
	return nil
}

// LatestEvidenceRevision returns the highest revision number of an
// evidence record, 0 when it has none.
func (t *Tx) LatestEvidenceRevision(evidenceID int64) (int, error) {
	var n int
	err := t.db.Model(&bukti.Revision{}).Where("evidence_id = ?", evidenceID).Select("COALESCE(MAX(number), 0)").Scan(&n).Error
	return n, err
}

// AddEvidenceRevision inserts rev (its EvidenceID and Number set) and marks
// its evidence record updated at the unit's time, with review status
// review. An insert error is returned as "insert revision: …".
func (t *Tx) AddEvidenceRevision(rev *bukti.Revision, review string) error {
	if err := t.db.Create(rev).Error; err != nil {
		return fmt.Errorf("insert revision: %w", err)
	}
	if err := t.db.Model(&bukti.Evidence{}).Where("id = ?", rev.EvidenceID).
		Updates(map[string]any{"updated_at": t.Now, "review": review}).Error; err != nil {
		return err
	}
	return t.touchEvidence(rev.EvidenceID)
}

// SetEvidenceReview stores a review status and note on an evidence record
// of a facility, updated at the unit's time. A record of another facility
// is left alone.
func (t *Tx) SetEvidenceReview(facilityID, evidenceID int64, review, note string) error {
	res := t.db.Model(&bukti.Evidence{}).Where("id = ? AND facility_id = ?", evidenceID, facilityID).
		Updates(map[string]any{"review": review, "review_note": note, "updated_at": t.Now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected > 0 {
		t.Touch(facilityID)
	}
	return nil
}

// SoftDeleteEvidence marks a live evidence record deleted by the user by
// at the unit's time; false when no live record has that ID.
func (t *Tx) SoftDeleteEvidence(id, by int64) (bool, error) {
	res := t.db.Model(&bukti.Evidence{}).Where("id = ? AND deleted_at IS NULL", id).
		Updates(map[string]any{"deleted_at": t.Now, "deleted_by": by})
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	return true, t.touchEvidence(id)
}

// EvidenceMeta is the editable metadata of an evidence record, stored as
// given (nil dates are stored as NULL).
type EvidenceMeta struct {
	Title, DocNumber, DocRevision string
	IssueDate, ValidUntil         *time.Time
	Notes, Stage, Part            string
}

// UpdateEvidenceMeta replaces the metadata of an evidence record and marks
// it updated at the unit's time.
func (t *Tx) UpdateEvidenceMeta(id int64, m EvidenceMeta) error {
	err := t.db.Model(&bukti.Evidence{}).Where("id = ?", id).Updates(map[string]any{
		"title": m.Title, "doc_number": m.DocNumber, "doc_revision": m.DocRevision,
		"issue_date": m.IssueDate, "valid_until": m.ValidUntil, "notes": m.Notes,
		"stage": m.Stage, "part": m.Part, "updated_at": t.Now,
	}).Error
	if err != nil {
		return err
	}
	return t.touchEvidence(id)
}

// PutNotApplicable stores a TDD mark, replacing the facility's mark of the
// same element.
func (t *Tx) PutNotApplicable(na *bukti.NotApplicable) error {
	if err := t.db.Clauses(clause.OnConflict{UpdateAll: true}).Create(na).Error; err != nil {
		return err
	}
	t.Touch(na.FacilityID)
	return nil
}

// DeleteNotApplicable removes a facility's TDD mark of an element; false
// when there was none.
func (t *Tx) DeleteNotApplicable(facilityID int64, elementID string) (bool, error) {
	res := t.db.Where("facility_id = ? AND element_id = ?", facilityID, elementID).Delete(&bukti.NotApplicable{})
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	t.Touch(facilityID)
	return true, nil
}

// NotApplicableOf returns a facility's TDD marks by element ID; never nil.
func (d *DB) NotApplicableOf(ctx context.Context, facilityID int64) ([]bukti.NotApplicable, error) {
	out := []bukti.NotApplicable{}
	return out, d.gdb.WithContext(ctx).Where("facility_id = ?", facilityID).Order("element_id").Find(&out).Error
}

// PutInterviewee stores the person named for one role of a W item of a
// facility, replacing the one named before.
func (t *Tx) PutInterviewee(in *bukti.Interviewee) error {
	if err := t.db.Clauses(clause.OnConflict{UpdateAll: true}).Create(in).Error; err != nil {
		return err
	}
	t.Touch(in.FacilityID)
	return nil
}

// IntervieweesOf returns the people a facility named for W items, by
// requirement then role; never nil.
func (d *DB) IntervieweesOf(ctx context.Context, facilityID int64) ([]bukti.Interviewee, error) {
	out := []bukti.Interviewee{}
	return out, d.gdb.WithContext(ctx).Where("facility_id = ?", facilityID).Order("requirement_id, role").Find(&out).Error
}
