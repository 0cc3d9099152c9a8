// Package authz decides what a signed-in user may do: one table of role ×
// action, and scopes resolved to the set of facilities each role applies
// to. Every handler asks here and nowhere else.
//
// Objects outside a principal's scope are reported as not found, never as
// forbidden, so their existence is not leaked. A principal who may see an
// object but not act on it gets forbidden.
//
// A surveyor binding gives the surveyed facility's scope while its survey
// is open. Once the survey is final it gives nothing outside that survey:
// InSurvey, for the survey's own routes, grants its surveyors the read-only
// record of their work (ReadSurvey) and nothing of the facility.
package authz

import (
	"context"
	"maps"
	"slices"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// Action is something done to a facility or what it holds.
type Action string

// Actions. Deployment-wide management (users, provinces, districts,
// facilities, catalogue) is admin-only and checked with RequireAdmin.
const (
	ReadFacility  Action = "facility.read"  // the facility, its evidence, readiness, TDD marks, interviewees; the evidence packs of its surveys
	ReadSurvey    Action = "survey.read"    // a survey's record: its page, overview, printed and XLSX report
	WriteEvidence Action = "evidence.write" // upload, revise, edit metadata, delete, TDD, interviewees
	ReviewSurvey  Action = "survey.review"  // review and score evidence in an assigned survey
	ManageSurvey  Action = "survey.manage"  // plan surveys and assign surveyors
	ReadAudit     Action = "audit.read"     // the audit log of the facility
)

// roleFinalSurveyor is the role a surveyor holds within their own survey,
// and only there (see InSurvey), once it is final: its record, read-only.
// ReviewSurvey stays so that the survey service, not a 404, tells them the
// survey is final and refuses the change.
const roleFinalSurveyor = "surveyor (final survey)"

// grants is the role × action table. Admin may do everything.
var grants = map[string][]Action{
	bukti.RoleSupervisor:  {ReadFacility, ReadSurvey, ManageSurvey, ReadAudit},
	bukti.RoleSurveyor:    {ReadFacility, ReadSurvey, ReviewSurvey},
	bukti.RoleQualityTeam: {ReadFacility, ReadSurvey, WriteEvidence, ReadAudit},
	bukti.RoleViewer:      {ReadFacility, ReadSurvey},
	roleFinalSurveyor:     {ReadSurvey, ReviewSurvey},
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
	// assigned maps each survey p is a surveyor of, final or not, to its
	// facility and whether it is final.
	assigned map[int64]assignment
	// districts and provinces are those p plans surveys in (through a
	// role granting ManageSurvey), for MayAssign.
	districts, provinces map[int64]bool
}

// assignment is a survey a principal is a surveyor of.
type assignment struct {
	facility int64
	final    bool
}

// Load reads a user's role bindings and resolves them to facilities. A
// surveyor binding resolves to the surveyed facility only while its
// survey is not final.
func Load(ctx context.Context, db *sqlstore.DB, u *bukti.User) (*Principal, error) {
	sc, err := db.AuthzScope(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	return resolve(u, sc), nil
}

// LoadIn is Load inside a unit of work, for changes that decide on the
// permissions the unit itself sees.
func LoadIn(t *sqlstore.Tx, u *bukti.User) (*Principal, error) {
	sc, err := t.AuthzScope(u.ID)
	if err != nil {
		return nil, err
	}
	return resolve(u, sc), nil
}

// resolve makes u's principal from their bindings and what their scopes
// cover.
func resolve(u *bukti.User, sc *sqlstore.AuthzScope) *Principal {
	p := &Principal{User: u, Bindings: sc.Bindings, roles: map[int64][]string{}, assigned: map[int64]assignment{},
		districts: map[int64]bool{}, provinces: map[int64]bool{}}
	for i, b := range p.Bindings {
		c := sc.Covers[i]
		plans := slices.Contains(grants[b.Role], ManageSurvey)
		var ids []int64
		switch {
		case b.Role == bukti.RoleAdmin:
			p.Admin = true
			continue
		case b.FacilityID != nil:
			ids = []int64{*b.FacilityID}
		case b.DistrictID != nil:
			if plans {
				p.districts[*b.DistrictID] = true
			}
			ids = c.Facilities
		case b.ProvinceID != nil:
			if plans {
				p.provinces[*b.ProvinceID] = true
				for _, d := range c.Districts {
					p.districts[d] = true
				}
			}
			ids = c.Facilities
		case b.SurveyID != nil:
			ids = p.survey(*b.SurveyID, c.Survey)
		}
		p.grant(b.Role, ids...)
	}
	return p
}

// survey notes a surveyor binding's survey sv (nil: there is none) and
// resolves it to the surveyed facility while the survey is open; a final
// survey gives its surveyors no facility.
func (p *Principal) survey(id int64, sv *bukti.Survey) []int64 {
	if sv == nil {
		return nil
	}
	final := sv.State == bukti.SurveyFinal
	p.assigned[id] = assignment{facility: sv.FacilityID, final: final}
	if final {
		return nil
	}
	return []int64{sv.FacilityID}
}

// grant adds a role over facilities.
func (p *Principal) grant(role string, facilities ...int64) {
	for _, id := range facilities {
		if !slices.Contains(p.roles[id], role) {
			p.roles[id] = append(slices.Clip(p.roles[id]), role)
		}
	}
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
// error when the facility is outside p's scope (p may neither read it nor
// a survey of it); forbidden when p sees it but may not take a.
func (p *Principal) Check(a Action, facilityID int64) error {
	if p.Can(a, facilityID) {
		return nil
	}
	if !p.Can(ReadFacility, facilityID) && !p.Can(ReadSurvey, facilityID) {
		return NotFound(facilityID)
	}
	return bukti.E(bukti.EFORBIDDEN, "err.authz.your_role_does_not_allow", a, facilityID)
}

// NotFound is the error for a facility outside the principal's scope: the
// same as for a facility that does not exist.
func NotFound(facilityID int64) error {
	return bukti.E(bukti.ENOTFOUND, "err.authz.facility_not_found", facilityID)
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
	return bukti.E(bukti.EFORBIDDEN, "err.authz.only_admin_may_do_this")
}

// AssignedSurveys returns the surveys p is assigned to as a surveyor,
// final ones included, sorted.
func (p *Principal) AssignedSurveys() []int64 {
	return slices.Sorted(maps.Keys(p.assigned))
}

// InSurvey returns p as it acts on one survey, for that survey's own
// routes and nothing else: when p is a surveyor of the survey and it is
// final, p with the read-only role its surveyors keep there (ReadSurvey —
// its page, overview and reports — and ReviewSurvey, which the survey
// service refuses on a final survey); otherwise p itself. The facility's
// evidence, readiness and the survey's evidence pack stay out of reach.
func (p *Principal) InSurvey(surveyID int64) *Principal {
	a, ok := p.assigned[surveyID]
	if !ok || !a.final || p.Admin {
		return p
	}
	q := *p
	q.roles = maps.Clone(p.roles)
	q.grant(roleFinalSurveyor, a.facility)
	return &q
}

// SeesScores reports whether p reads the surveyors' scores, facts and
// recommendations and the result of a survey (surveyID of facilityID,
// final or not), wherever they show: its page, overview, reports and the
// audit log. Once the survey is final, everyone who may read it does;
// before, only admins, those who plan surveys of the facility
// (supervisors) and the surveyors assigned to it. ScoresWithheld is the
// same rule for queries over many surveys.
func (p *Principal) SeesScores(surveyID, facilityID int64, final bool) bool {
	if final || p.Admin || p.Can(ManageSurvey, facilityID) {
		return true
	}
	_, ok := p.assigned[surveyID]
	return ok
}

// ScoresWithheld is SeesScores over the surveys of many facilities: of
// the given facilities, p does not see the scores of the surveys not yet
// final of those in withheld, except the surveys in except (those p is
// assigned to). Both are sorted; withheld is empty for an admin.
func (p *Principal) ScoresWithheld(facilities []int64) (withheld, except []int64) {
	if p.Admin {
		return nil, nil
	}
	for _, id := range facilities {
		if !p.Can(ManageSurvey, id) {
			withheld = append(withheld, id)
		}
	}
	slices.Sort(withheld)
	return slices.Compact(withheld), p.AssignedSurveys()
}

// MayAssign reports whether p may assign q's user as a surveyor as far as
// scope goes, that is whether p may know of them: an admin may assign
// anyone; others users whose every role binding, surveyor bindings aside,
// lies within what p plans surveys for (a facility of theirs, their
// district or province). Users without other roles, such as external
// surveyors, may be assigned by every planner; an admin only by admins.
// Whether a user is eligible for a particular survey (not the planner,
// not disabled, no role in the facility) is the survey service's check.
func (p *Principal) MayAssign(q *Principal) bool {
	if p.Admin {
		return true
	}
	if q.Admin {
		return false
	}
	for _, b := range q.Bindings {
		var within bool
		switch {
		case b.SurveyID != nil:
			within = true
		case b.FacilityID != nil:
			within = p.Can(ManageSurvey, *b.FacilityID)
		case b.DistrictID != nil:
			within = p.districts[*b.DistrictID]
		case b.ProvinceID != nil:
			within = p.provinces[*b.ProvinceID]
		}
		if !within {
			return false
		}
	}
	return true
}
