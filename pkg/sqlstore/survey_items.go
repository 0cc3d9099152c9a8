package sqlstore

import (
	"context"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// This file stores a survey's evidence snapshot (bukti.SnapshotItem) for
// pkg/survey.

// SurveyItems returns a survey's snapshot, by requirement then evidence and
// revision, superseded items included.
func (d *DB) SurveyItems(ctx context.Context, surveyID int64) ([]bukti.SnapshotItem, error) {
	out := []bukti.SnapshotItem{}
	return out, d.gdb.WithContext(ctx).Where("survey_id = ?", surveyID).Order("requirement_id, evidence_id, revision_number").Find(&out).Error
}

// SurveyItem returns one snapshot item of a survey; ErrNotFound when the
// survey has no such item.
func (t *Tx) SurveyItem(surveyID, itemID int64) (*bukti.SnapshotItem, error) {
	var it bukti.SnapshotItem
	if err := t.db.Where("survey_id = ?", surveyID).First(&it, itemID).Error; err != nil {
		return nil, err
	}
	return &it, nil
}

// CurrentSurveyItem returns the snapshot item of an evidence record in a
// survey that is not superseded; ErrNotFound when there is none.
func (t *Tx) CurrentSurveyItem(surveyID, evidenceID int64) (*bukti.SnapshotItem, error) {
	var it bukti.SnapshotItem
	if err := t.db.Where("survey_id = ? AND evidence_id = ? AND superseded_by IS NULL", surveyID, evidenceID).First(&it).Error; err != nil {
		return nil, err
	}
	return &it, nil
}

// CountCurrentSurveyItems counts the snapshot items of a survey that are
// not superseded and have the given review (bukti.ReviewPending, say).
func (t *Tx) CountCurrentSurveyItems(surveyID int64, review string) (int64, error) {
	var n int64
	err := t.db.Model(&bukti.SnapshotItem{}).Where("survey_id = ? AND superseded_by IS NULL AND review = ?", surveyID, review).Count(&n).Error
	return n, err
}

// CreateSurveyItem stores a new snapshot item and sets its ID.
func (t *Tx) CreateSurveyItem(it *bukti.SnapshotItem) error {
	return t.db.Create(it).Error
}

// CreateSurveyItems stores new snapshot items and sets their IDs; none is
// no statement.
func (t *Tx) CreateSurveyItems(items []bukti.SnapshotItem) error {
	if len(items) == 0 {
		return nil
	}
	return t.db.CreateInBatches(&items, 200).Error
}

// SetSurveyItemReview stores the verdict set on it: its Review, ReviewNote,
// ReviewedBy and ReviewedAt (both set).
func (t *Tx) SetSurveyItemReview(it *bukti.SnapshotItem) error {
	return t.db.Model(it).Updates(map[string]any{"review": it.Review, "review_note": it.ReviewNote,
		"reviewed_by": *it.ReviewedBy, "reviewed_at": *it.ReviewedAt}).Error
}

// SupersedeSurveyItem records that the snapshot item it is superseded by
// the item with ID by, and sets it on it.
func (t *Tx) SupersedeSurveyItem(it *bukti.SnapshotItem, by int64) error {
	return t.db.Model(it).Update("superseded_by", by).Error
}
