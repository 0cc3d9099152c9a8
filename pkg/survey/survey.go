// Package survey plans accreditation survey visits and assigns surveyors
// to them. Assigning a surveyor grants the surveyor role scoped to the
// survey, which is what lets them see the facility's evidence.
package survey

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/bukti"
)

// Survey types.
var Types = []string{"initial", "reaccreditation", "upgrade"}

// StatePlanned is the state of a new survey.
const StatePlanned = "planned"

// Service plans surveys.
type Service struct {
	DB  *gorm.DB
	Now func() time.Time
}

// Input is what a caller gives to plan a survey.
type Input struct {
	FacilityID int64      `json:"facility_id"`
	Type       string     `json:"type"`
	StartDate  *time.Time `json:"start_date"`
	EndDate    *time.Time `json:"end_date"`
	Surveyors  []int64    `json:"surveyors"` // user IDs
}

// Create plans a survey of a facility and assigns its surveyors.
func (s *Service) Create(ctx context.Context, in Input, by int64) (*bukti.Survey, error) {
	if !slices.Contains(Types, in.Type) {
		return nil, bukti.Errorf(bukti.EINVALID, "Jenis survei %q tidak dikenal; pilih initial, reaccreditation atau upgrade.", "unknown survey type %q: choose initial, reaccreditation or upgrade", in.Type)
	}
	if in.StartDate != nil && in.EndDate != nil && in.EndDate.Before(*in.StartDate) {
		return nil, bukti.Errorf(bukti.EINVALID, "Tanggal selesai survei tidak boleh sebelum tanggal mulai.", "end_date is before start_date")
	}
	if len(in.Surveyors) == 0 || len(in.Surveyors) > 4 {
		return nil, bukti.Errorf(bukti.EINVALID, "Tugaskan 1–4 surveior (biasanya dua).", "assign 1–4 surveyors (usually two)")
	}
	sv := bukti.Survey{FacilityID: in.FacilityID, Type: in.Type, State: StatePlanned, StartDate: in.StartDate, EndDate: in.EndDate,
		CreatedBy: by, CreatedAt: s.Now().UTC()}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.First(&bukti.Facility{}, in.FacilityID).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return bukti.Errorf(bukti.ENOTFOUND, "Puskesmas dengan id %d tidak ditemukan.", "facility %d not found", in.FacilityID)
		} else if err != nil {
			return err
		}
		if err := tx.Create(&sv).Error; err != nil {
			return err
		}
		for _, uid := range in.Surveyors {
			if _, err := auth.GrantIn(tx, sv.CreatedAt, uid, bukti.RoleBinding{Role: bukti.RoleSurveyor, SurveyID: &sv.ID}, &by); err != nil {
				return err
			}
		}
		return audit.Record(tx, audit.Entry{At: sv.CreatedAt, By: &by, Action: "survey.create", ObjectType: "survey",
			ObjectID: strconv.FormatInt(sv.ID, 10), FacilityID: &sv.FacilityID, Summary: fmt.Sprintf("%s, surveyors %v", sv.Type, in.Surveyors)})
	})
	if err != nil {
		return nil, err
	}
	return &sv, nil
}

// Get returns one survey.
func (s *Service) Get(ctx context.Context, id int64) (*bukti.Survey, error) {
	var sv bukti.Survey
	err := s.DB.WithContext(ctx).First(&sv, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, NotFound(id)
	}
	return &sv, err
}

// NotFound is the error for a survey that does not exist or lies outside
// the caller's scope.
func NotFound(id int64) error {
	return bukti.Errorf(bukti.ENOTFOUND, "Survei dengan id %d tidak ditemukan.", "survey %d not found", id)
}

// List returns surveys, newest first: all when all is true, else those of
// the given facilities or with the given IDs.
func (s *Service) List(ctx context.Context, all bool, facilities, ids []int64) ([]bukti.Survey, error) {
	out := []bukti.Survey{}
	q := s.DB.WithContext(ctx).Order("id DESC")
	if !all {
		if len(facilities) == 0 && len(ids) == 0 {
			return out, nil
		}
		q = q.Where("facility_id IN ? OR id IN ?", append(facilities, 0), append(ids, 0))
	}
	return out, q.Find(&out).Error
}
