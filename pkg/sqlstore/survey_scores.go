package sqlstore

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// This file stores a survey's scores (bukti.SurveyScore), its
// self-assessment (bukti.SelfAssessment) and its improvement plan
// (bukti.PPSItem) for pkg/survey.

// SurveyScores returns every score of a survey, each surveyor's and the
// reconciled ones, by EP then surveyor ID.
func (d *DB) SurveyScores(ctx context.Context, surveyID int64) ([]bukti.SurveyScore, error) {
	return surveyScores(d.gdb.WithContext(ctx), surveyID)
}

// SurveyScores is DB.SurveyScores inside the unit.
func (t *Tx) SurveyScores(surveyID int64) ([]bukti.SurveyScore, error) {
	return surveyScores(t.db, surveyID)
}

func surveyScores(db *gorm.DB, surveyID int64) ([]bukti.SurveyScore, error) {
	out := []bukti.SurveyScore{}
	return out, db.Where("survey_id = ?", surveyID).Order("element_id, surveyor_id").Find(&out).Error
}

// SurveyScoresBy returns the scores of a survey by one surveyor ID, by EP.
func (t *Tx) SurveyScoresBy(surveyID, surveyorID int64) ([]bukti.SurveyScore, error) {
	var out []bukti.SurveyScore
	return out, t.db.Where("survey_id = ? AND surveyor_id = ?", surveyID, surveyorID).Order("element_id").Find(&out).Error
}

// CountSurveyScoresBy counts the scores of a survey by one surveyor ID.
func (t *Tx) CountSurveyScoresBy(surveyID, surveyorID int64) (int64, error) {
	var n int64
	err := t.db.Model(&bukti.SurveyScore{}).Where("survey_id = ? AND surveyor_id = ?", surveyID, surveyorID).Count(&n).Error
	return n, err
}

// scoreUpsert replaces a score row. The columns are named because UpdateAll
// would set updated_at from gorm's clock instead of the row's.
var scoreUpsert = clause.OnConflict{Columns: []clause.Column{{Name: "survey_id"}, {Name: "element_id"}, {Name: "surveyor_id"}},
	DoUpdates: clause.AssignmentColumns([]string{"score", "tdd", "facts", "recommendation", "suggested", "updated_by", "updated_at"})}

// SaveSurveyScore stores a score, replacing the one the same surveyor ID
// gave the same EP of the survey, UpdatedAt included as given.
func (t *Tx) SaveSurveyScore(row *bukti.SurveyScore) error {
	return t.db.Clauses(scoreUpsert).Create(row).Error
}

// CreateSurveyScores stores new scores; none is no statement.
func (t *Tx) CreateSurveyScores(rows []bukti.SurveyScore) error {
	if len(rows) == 0 {
		return nil
	}
	return t.db.CreateInBatches(&rows, 200).Error
}

// DeleteSurveyScore deletes the score of one EP of a survey by one
// surveyor ID, if any.
func (t *Tx) DeleteSurveyScore(surveyID int64, elementID string, surveyorID int64) error {
	return t.db.Where("survey_id = ? AND element_id = ? AND surveyor_id = ?", surveyID, elementID, surveyorID).Delete(&bukti.SurveyScore{}).Error
}

// SurveySelfAssessments returns a survey's self-assessment, by EP.
func (d *DB) SurveySelfAssessments(ctx context.Context, surveyID int64) ([]bukti.SelfAssessment, error) {
	out := []bukti.SelfAssessment{}
	return out, d.gdb.WithContext(ctx).Where("survey_id = ?", surveyID).Order("element_id").Find(&out).Error
}

// SurveySelfAssessedElements returns the EP IDs a survey's self-assessment
// scores, in no given order.
func (t *Tx) SurveySelfAssessedElements(surveyID int64) ([]string, error) {
	var out []string
	return out, t.db.Model(&bukti.SelfAssessment{}).Where("survey_id = ?", surveyID).Pluck("element_id", &out).Error
}

// selfUpsert replaces a self-assessment row. The columns are named because
// UpdateAll would set updated_at from gorm's clock instead of the row's.
var selfUpsert = clause.OnConflict{Columns: []clause.Column{{Name: "survey_id"}, {Name: "element_id"}},
	DoUpdates: clause.AssignmentColumns([]string{"score", "tdd", "justification", "suggested", "updated_by", "updated_at"})}

// SaveSelfAssessments stores self-assessment rows in one statement, each
// replacing the row of the same EP of the same survey, UpdatedAt included
// as given.
func (t *Tx) SaveSelfAssessments(rows []bukti.SelfAssessment) error {
	return t.db.Clauses(selfUpsert).Create(&rows).Error
}

// SurveyPPS returns a survey's improvement plan, by EP ID.
func (d *DB) SurveyPPS(ctx context.Context, surveyID int64) ([]bukti.PPSItem, error) {
	out := []bukti.PPSItem{}
	return out, d.gdb.WithContext(ctx).Where("survey_id = ?", surveyID).Order("element_id").Find(&out).Error
}

// SurveyPPSRow returns one row of a survey's improvement plan; ErrNotFound
// when the survey has no such row.
func (t *Tx) SurveyPPSRow(surveyID, rowID int64) (*bukti.PPSItem, error) {
	var row bukti.PPSItem
	if err := t.db.Where("survey_id = ?", surveyID).First(&row, rowID).Error; err != nil {
		return nil, err
	}
	return &row, nil
}

// CreateSurveyPPS stores new improvement plan rows; none is no statement.
func (t *Tx) CreateSurveyPPS(rows []bukti.PPSItem) error {
	if len(rows) == 0 {
		return nil
	}
	return t.db.CreateInBatches(&rows, 200).Error
}

// SaveSurveyPPSRow stores every field of an existing improvement plan row.
func (t *Tx) SaveSurveyPPSRow(row *bukti.PPSItem) error {
	return t.db.Save(row).Error
}
