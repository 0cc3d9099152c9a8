package sqlstore

import (
	"context"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// AuthzScope is a user's role bindings with what the scope of each one
// covers in the database, for package authz to resolve into permissions.
type AuthzScope struct {
	Bindings []bukti.RoleBinding // by ID
	Covers   []AuthzCover        // Covers[i] is what Bindings[i]'s scope covers
}

// AuthzCover is what the scope of one role binding covers: for a district,
// its facilities (Facilities); for a province, its districts (Districts)
// and their facilities (Facilities); for a survey, the survey with its ID,
// FacilityID and State only (Survey, nil when there is no such survey).
// A facility scope, or none, covers nothing more than the binding says.
type AuthzCover struct {
	Facilities []int64
	Districts  []int64
	Survey     *bukti.Survey
}

// AuthzScope reads a user's AuthzScope.
func (d *DB) AuthzScope(ctx context.Context, userID int64) (*AuthzScope, error) {
	return authzScope(d.gdb.WithContext(ctx), userID)
}

// AuthzScope reads a user's AuthzScope inside the unit, seeing its
// changes.
func (t *Tx) AuthzScope(userID int64) (*AuthzScope, error) {
	return authzScope(t.db, userID)
}

// authzScope reads a user's AuthzScope on db.
func authzScope(db *gorm.DB, userID int64) (*AuthzScope, error) {
	bindings, err := roleBindings(db, userID)
	if err != nil {
		return nil, err
	}
	s := &AuthzScope{Bindings: bindings, Covers: make([]AuthzCover, len(bindings))}
	for i, b := range bindings {
		c := &s.Covers[i]
		if b.DistrictID != nil {
			if err := db.Model(&bukti.Facility{}).Where("district_id = ?", *b.DistrictID).Pluck("id", &c.Facilities).Error; err != nil {
				return nil, err
			}
		}
		if b.ProvinceID != nil {
			if err := db.Model(&bukti.District{}).Where("province_id = ?", *b.ProvinceID).Pluck("id", &c.Districts).Error; err != nil {
				return nil, err
			}
			if len(c.Districts) > 0 {
				if err := db.Model(&bukti.Facility{}).Where("district_id IN ?", c.Districts).Pluck("id", &c.Facilities).Error; err != nil {
					return nil, err
				}
			}
		}
		if b.SurveyID != nil {
			var sv bukti.Survey
			if err := db.Select("id", "facility_id", "state").Where("id = ?", *b.SurveyID).Limit(1).Find(&sv).Error; err != nil {
				return nil, err
			}
			if sv.ID != 0 {
				c.Survey = &sv
			}
		}
	}
	return s, nil
}
