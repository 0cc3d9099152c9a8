package sqlstore

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// This file stores survey visits (bukti.Survey) and their teams for
// pkg/survey, and the few rows of other areas a survey reads (its
// facility, the candidates for its team, the evidence it freezes).
// survey_items.go holds the snapshot, survey_scores.go the scores, the
// self-assessment and the improvement plan.

// Survey returns one survey; ErrNotFound when there is none.
func (d *DB) Survey(ctx context.Context, id int64) (*bukti.Survey, error) {
	var sv bukti.Survey
	if err := d.gdb.WithContext(ctx).First(&sv, id).Error; err != nil {
		return nil, err
	}
	return &sv, nil
}

// Surveys returns surveys, newest first: every survey when all is true,
// else those of the given facilities or with the given IDs (none when
// both lists are empty).
func (d *DB) Surveys(ctx context.Context, all bool, facilityIDs, ids []int64) ([]bukti.Survey, error) {
	out := []bukti.Survey{}
	q := d.gdb.WithContext(ctx).Order("id DESC")
	if !all {
		if len(facilityIDs) == 0 && len(ids) == 0 {
			return out, nil
		}
		// 0 is no row's ID: it keeps each IN list non-empty.
		q = q.Where("facility_id IN ? OR id IN ?", append(facilityIDs, 0), append(ids, 0))
	}
	return out, q.Find(&out).Error
}

// LockSurvey reads a survey for update in the unit: no other unit changes
// it until this one ends (on PostgreSQL its row stays locked; SQLite units
// hold the database write lock from their start). ErrNotFound when there
// is none.
func (t *Tx) LockSurvey(id int64) (*bukti.Survey, error) {
	q := t.db
	if q.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var sv bukti.Survey
	if err := q.First(&sv, id).Error; err != nil {
		return nil, err
	}
	return &sv, nil
}

// CreateSurvey stores a new survey and sets its ID.
func (t *Tx) CreateSurvey(sv *bukti.Survey) error {
	t.accessChanged()
	return t.db.Create(sv).Error
}

// SetSurveyState stores a new state of a survey, and sets it on sv.
func (t *Tx) SetSurveyState(sv *bukti.Survey, state string) error {
	t.accessChanged()
	return t.db.Model(sv).Update("state", state).Error
}

// SetSurveySubmitted stores the state of a survey whose self-assessment
// was submitted at the given time, and sets both on sv.
func (t *Tx) SetSurveySubmitted(sv *bukti.Survey, state string, at time.Time) error {
	t.accessChanged()
	return t.db.Model(sv).Updates(map[string]any{"state": state, "submitted_at": at}).Error
}

// SetSurveyFinal stores what finalization set on sv: its State, Status,
// Result, FinalizedAt and FinalizedBy (both set).
func (t *Tx) SetSurveyFinal(sv *bukti.Survey) error {
	t.accessChanged()
	return t.db.Model(sv).Updates(map[string]any{"state": sv.State, "status": sv.Status, "result": sv.Result,
		"finalized_at": *sv.FinalizedAt, "finalized_by": *sv.FinalizedBy}).Error
}

// CountNewerSurveys counts the surveys of a facility created after the
// survey surveyID (a greater ID) that are in one of the given states.
func (t *Tx) CountNewerSurveys(facilityID, surveyID int64, states []string) (int64, error) {
	var n int64
	err := t.db.Model(&bukti.Survey{}).Where("facility_id = ? AND id > ? AND state IN ?", facilityID, surveyID, states).Count(&n).Error
	return n, err
}

// surveyTeamMember is one surveyor of a final survey's team as finalized
// (table survey_teams, created by migration 5). An open survey's team is
// its surveyor role bindings, which are also what gives its surveyors
// access; finalization copies the team here (FreezeSurveyTeam), so that it
// stays on the survey's record when an admin later revokes a surveyor's
// binding, and with it their access.
type surveyTeamMember struct {
	SurveyID int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID   int64 `gorm:"primaryKey;autoIncrement:false"`
}

func (surveyTeamMember) TableName() string { return "survey_teams" }

// SurveyTeam returns the team of a survey, by user ID: the users holding a
// surveyor binding on it while it is open, the team as frozen by
// FreezeSurveyTeam once it is final (bukti.SurveyFinal).
func (d *DB) SurveyTeam(ctx context.Context, sv *bukti.Survey) ([]bukti.User, error) {
	return surveyTeam(d.gdb.WithContext(ctx), sv)
}

// SurveyTeam is DB.SurveyTeam inside the unit.
func (t *Tx) SurveyTeam(sv *bukti.Survey) ([]bukti.User, error) {
	return surveyTeam(t.db, sv)
}

func surveyTeam(db *gorm.DB, sv *bukti.Survey) ([]bukti.User, error) {
	members := db.Model(&bukti.RoleBinding{}).Select("user_id").Where("survey_id = ? AND role = ?", sv.ID, bukti.RoleSurveyor)
	if sv.State == bukti.SurveyFinal {
		members = db.Model(&surveyTeamMember{}).Select("user_id").Where("survey_id = ?", sv.ID)
	}
	out := []bukti.User{}
	return out, db.Where("id IN (?)", members).Order("id").Find(&out).Error
}

// FreezeSurveyTeam records the current team of a survey being finalized
// (its surveyor bindings, read before sv's state becomes final), so that
// SurveyTeam keeps returning it once the survey is final.
func (t *Tx) FreezeSurveyTeam(sv *bukti.Survey) error {
	team, err := surveyTeam(t.db, sv)
	if err != nil || len(team) == 0 {
		return err
	}
	rows := make([]surveyTeamMember, 0, len(team))
	for _, u := range team {
		rows = append(rows, surveyTeamMember{SurveyID: sv.ID, UserID: u.ID})
	}
	return t.db.Create(&rows).Error
}

// SurveyFacility returns a facility with its district, for a survey's
// overview; ErrNotFound when there is none.
func (d *DB) SurveyFacility(ctx context.Context, facilityID int64) (*bukti.Facility, error) {
	var f bukti.Facility
	if err := d.gdb.WithContext(ctx).Preload("District").First(&f, facilityID).Error; err != nil {
		return nil, err
	}
	return &f, nil
}

// SurveyFacilityExists reports whether a facility exists, for planning a
// survey of it.
func (t *Tx) SurveyFacilityExists(facilityID int64) (bool, error) {
	err := t.db.First(&bukti.Facility{}, facilityID).Error
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// SurveyUser returns the user a survey planner names: by email when email
// is not empty (compared as stored), else by ID. ErrNotFound when there
// is none.
func (t *Tx) SurveyUser(id int64, email string) (*bukti.User, error) {
	q := t.db.Where("id = ?", id)
	if email != "" {
		q = t.db.Where("email = ?", email)
	}
	var u bukti.User
	if err := q.Limit(1).Find(&u).Error; err != nil {
		return nil, err
	}
	if u.ID == 0 {
		return nil, ErrNotFound
	}
	return &u, nil
}

// SurveyEvidence returns a live (not deleted) evidence record of a
// facility with its revisions, for a survey's snapshot; ErrNotFound when
// there is none.
func (t *Tx) SurveyEvidence(facilityID, evidenceID int64) (*bukti.Evidence, error) {
	var ev bukti.Evidence
	if err := t.db.Preload("Revisions").Where("facility_id = ? AND deleted_at IS NULL", facilityID).First(&ev, evidenceID).Error; err != nil {
		return nil, err
	}
	return &ev, nil
}

// SurveyFacilityEvidence returns every live evidence record of a facility
// with its revisions, by requirement then ID, for a survey's snapshot.
func (t *Tx) SurveyFacilityEvidence(facilityID int64) ([]bukti.Evidence, error) {
	var evs []bukti.Evidence
	err := t.db.Preload("Revisions").Where("facility_id = ? AND deleted_at IS NULL", facilityID).Order("requirement_id, id").Find(&evs).Error
	return evs, err
}

// SurveyCandidates returns, by name then email, the active users who hold
// the surveyor role (a binding to some survey) or no role at all: the
// people a planner may choose as surveyors, before the planner's reach is
// checked. surveyed holds the IDs of those with a surveyor binding.
func (d *DB) SurveyCandidates(ctx context.Context) (users []bukti.User, surveyed map[int64]bool, err error) {
	db := d.gdb.WithContext(ctx)
	var ids []int64
	if err := db.Model(&bukti.RoleBinding{}).Distinct("user_id").Where("role = ?", bukti.RoleSurveyor).Pluck("user_id", &ids).Error; err != nil {
		return nil, nil, err
	}
	surveyed = make(map[int64]bool, len(ids))
	for _, id := range ids {
		surveyed[id] = true
	}
	others := db.Model(&bukti.RoleBinding{}).Select("user_id").Where("role <> ?", bukti.RoleSurveyor)
	users = []bukti.User{}
	err = db.Where("disabled = ? AND id NOT IN (?)", false, others).Order("name, email").Find(&users).Error
	return users, surveyed, err
}
