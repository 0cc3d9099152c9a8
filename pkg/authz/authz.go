// Package authz decides what a signed-in user may do: one table of role ×
// action, and scopes resolved to the set of facilities each role applies
// to. Every handler asks here and nowhere else.
//
// Objects outside a principal's scope are reported as not found, never as
// forbidden, so their existence is not leaked. A principal who may see an
// object but not act on it gets forbidden.
package authz

import (
	"context"
	"slices"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// Action is something done to a facility or what it holds.
type Action string

// Actions. Deployment-wide management (users, provinces, districts,
// facilities, catalogue) is admin-only and checked with RequireAdmin.
const (
	ReadFacility  Action = "facility.read"  // the facility, its evidence, readiness, TDD marks, interviewees
	WriteEvidence Action = "evidence.write" // upload, revise, edit metadata, delete, TDD, interviewees
	ReviewSurvey  Action = "survey.review"  // review and score evidence in an assigned survey
	ManageSurvey  Action = "survey.manage"  // plan surveys and assign surveyors
	ReadAudit     Action = "audit.read"     // the audit log of the facility
)

// grants is the role × action table. Admin may do everything.
var grants = map[string][]Action{
	bukti.RoleSupervisor:  {ReadFacility, ManageSurvey, ReadAudit},
	bukti.RoleSurveyor:    {ReadFacility, ReviewSurvey},
	bukti.RoleQualityTeam: {ReadFacility, WriteEvidence, ReadAudit},
	bukti.RoleViewer:      {ReadFacility},
}

// Grants returns the actions a role may take within its scope, for
// documentation and tests.
func Grants(role string) []Action { return slices.Clone(grants[role]) }

// Principal is a user with their role bindings resolved to facilities.
type Principal struct {
	User     *bukti.User
	Admin    bool
	Bindings []bukti.RoleBinding
	// roles maps each facility in scope to the roles held over it.
	roles map[int64][]string
}

// Load reads a user's role bindings and resolves them to facilities.
func Load(ctx context.Context, db *gorm.DB, u *bukti.User) (*Principal, error) {
	db = db.WithContext(ctx)
	p := &Principal{User: u, roles: map[int64][]string{}}
	if err := db.Where("user_id = ?", u.ID).Order("id").Find(&p.Bindings).Error; err != nil {
		return nil, err
	}
	for _, b := range p.Bindings {
		var ids []int64
		var err error
		switch {
		case b.Role == bukti.RoleAdmin:
			p.Admin = true
			continue
		case b.FacilityID != nil:
			ids = []int64{*b.FacilityID}
		case b.DistrictID != nil:
			err = db.Model(&bukti.Facility{}).Where("district_id = ?", *b.DistrictID).Pluck("id", &ids).Error
		case b.ProvinceID != nil:
			err = db.Model(&bukti.Facility{}).Where("district_id IN (?)",
				db.Model(&bukti.District{}).Select("id").Where("province_id = ?", *b.ProvinceID)).Pluck("id", &ids).Error
		case b.SurveyID != nil:
			err = db.Model(&bukti.Survey{}).Where("id = ?", *b.SurveyID).Pluck("facility_id", &ids).Error
		}
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if !slices.Contains(p.roles[id], b.Role) {
				p.roles[id] = append(p.roles[id], b.Role)
			}
		}
	}
	return p, nil
}

// Can reports whether p may take action a on the facility.
func (p *Principal) Can(a Action, facilityID int64) bool {
	if p.Admin {
		return true
	}
	for _, role := range p.roles[facilityID] {
		if slices.Contains(grants[role], a) {
			return true
		}
	}
	return false
}

// Check returns nil when p may take action a on the facility; a not-found
// error when the facility is outside p's scope; forbidden when p sees it but
// may not take a.
func (p *Principal) Check(a Action, facilityID int64) error {
	if p.Can(a, facilityID) {
		return nil
	}
	if !p.Can(ReadFacility, facilityID) {
		return NotFound(facilityID)
	}
	return bukti.Errorf(bukti.EFORBIDDEN, "Peran Anda tidak mengizinkan tindakan ini di Puskesmas ini.", "your role does not allow %s on facility %d", a, facilityID)
}

// NotFound is the error for a facility outside the principal's scope: the
// same as for a facility that does not exist.
func NotFound(facilityID int64) error {
	return bukti.Errorf(bukti.ENOTFOUND, "Puskesmas dengan id %d tidak ditemukan.", "facility %d not found", facilityID)
}

// Facilities returns the facilities on which p may take action a: all is
// true for an admin (ids is then nil); otherwise ids lists them, sorted.
func (p *Principal) Facilities(a Action) (all bool, ids []int64) {
	if p.Admin {
		return true, nil
	}
	ids = []int64{}
	for id := range p.roles {
		if p.Can(a, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return false, ids
}

// RequireAdmin returns nil for an admin and forbidden otherwise.
func (p *Principal) RequireAdmin() error {
	if p.Admin {
		return nil
	}
	return bukti.Errorf(bukti.EFORBIDDEN, "Hanya admin yang dapat melakukan ini.", "only an admin may do this")
}
