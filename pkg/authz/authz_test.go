package authz_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// org is the fixture: province 32 with districts 3277 (facilities f1, f1b)
// and 3273 (f2); surveys of f1: open (planned), final and other (planned,
// another team).
type org struct {
	t                  *testing.T
	db                 *gorm.DB
	province, d1, d2   int64
	f1, f1b, f2        int64
	open, final, other int64
	surveys            []int64
	surveyFinal        map[int64]bool
	principals         map[string]*authz.Principal
	nextEmail          int
}

func newOrg(t *testing.T, dbKind string) *org {
	t.Helper()
	o := &org{t: t, db: testenv.OpenDB(t, dbKind), principals: map[string]*authz.Principal{}, surveyFinal: map[int64]bool{}}
	p := bukti.Province{Code: "32", Name: "Jawa Barat"}
	o.create(&p)
	o.province = p.ID
	for _, d := range []struct {
		code string
		id   *int64
	}{{"3277", &o.d1}, {"3273", &o.d2}} {
		row := bukti.District{Code: d.code, Name: "Kota " + d.code, ProvinceID: p.ID}
		o.create(&row)
		*d.id = row.ID
	}
	for _, f := range []struct {
		code     string
		district int64
		id       *int64
	}{{"P1", o.d1, &o.f1}, {"P1B", o.d1, &o.f1b}, {"P2", o.d2, &o.f2}} {
		row := bukti.Facility{Code: f.code, Name: "Puskesmas " + f.code, DistrictID: f.district}
		o.create(&row)
		*f.id = row.ID
	}
	for _, s := range []struct {
		state string
		id    *int64
	}{{bukti.SurveyPlanned, &o.open}, {bukti.SurveyFinal, &o.final}, {bukti.SurveyPlanned, &o.other}} {
		row := bukti.Survey{FacilityID: o.f1, Type: "initial", Mode: "onsite", State: s.state, CreatedBy: 1, CreatedAt: time.Now()}
		o.create(&row)
		*s.id = row.ID
		o.surveyFinal[row.ID] = s.state == bukti.SurveyFinal
		o.surveys = append(o.surveys, row.ID)
	}
	return o
}

func (o *org) create(v any) {
	o.t.Helper()
	if err := o.db.Create(v).Error; err != nil {
		o.t.Fatalf("create %T: %v", v, err)
	}
}

// user creates a user holding the bindings and loads their principal.
func (o *org) user(name string, bindings ...bukti.RoleBinding) *authz.Principal {
	o.t.Helper()
	o.nextEmail++
	u := bukti.User{Email: fmt.Sprintf("%s%d@example.org", name, o.nextEmail), Name: name, PasswordHash: "x", CreatedAt: time.Now()}
	o.create(&u)
	for _, b := range bindings {
		b.UserID, b.CreatedAt = u.ID, time.Now()
		o.create(&b)
	}
	p, err := authz.Load(context.Background(), sqlstore.New(o.db, nil), &u)
	if err != nil {
		o.t.Fatal(err)
	}
	o.principals[name] = p
	return p
}

func ptr(v int64) *int64 { return &v }

// everyone makes one user per kind of binding, by name.
func (o *org) everyone() {
	o.user("admin", bukti.RoleBinding{Role: bukti.RoleAdmin})
	o.user("supervisor", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: ptr(o.d1)})
	o.user("provincial", bukti.RoleBinding{Role: bukti.RoleSupervisor, ProvinceID: ptr(o.province)})
	o.user("farSupervisor", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: ptr(o.d2)})
	o.user("quality", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: ptr(o.f1)})
	o.user("neighbour", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: ptr(o.f1b)})
	o.user("farQuality", bukti.RoleBinding{Role: bukti.RoleViewer, FacilityID: ptr(o.f2)})
	o.user("surveyor", bukti.RoleBinding{Role: bukti.RoleSurveyor, SurveyID: ptr(o.open)}, bukti.RoleBinding{Role: bukti.RoleSurveyor, SurveyID: ptr(o.final)})
	o.user("finalSurveyor", bukti.RoleBinding{Role: bukti.RoleSurveyor, SurveyID: ptr(o.final)})
	o.user("nobody")
}

// TestFinalSurveyScope: a surveyor binding gives the surveyed facility
// while the survey is open; once it is final, only that survey's record,
// and only within that survey (InSurvey).
func TestFinalSurveyScope(t *testing.T) {
	for _, dbKind := range testenv.DatabaseKinds {
		t.Run(dbKind, func(t *testing.T) {
			o := newOrg(t, dbKind)
			o.everyone()
			surveyor, final := o.principals["surveyor"], o.principals["finalSurveyor"]
			cases := []struct {
				name string
				p    *authz.Principal
				a    authz.Action
				want bool
			}{
				{"surveyor of an open survey reads the facility", surveyor, authz.ReadFacility, true},
				{"surveyor of an open survey reviews", surveyor, authz.ReviewSurvey, true},
				{"surveyor of a final survey does not read the facility", final, authz.ReadFacility, false},
				{"surveyor of a final survey reads no survey outside it", final, authz.ReadSurvey, false},
				{"within the final survey: its record", final.InSurvey(o.final), authz.ReadSurvey, true},
				{"within the final survey: review, which the survey service refuses", final.InSurvey(o.final), authz.ReviewSurvey, true},
				{"within the final survey: not the facility's evidence", final.InSurvey(o.final), authz.ReadFacility, false},
				{"within the final survey: no writing", final.InSurvey(o.final), authz.WriteEvidence, false},
				{"within another survey of the facility: nothing", final.InSurvey(o.other), authz.ReadSurvey, false},
				{"quality team reads its surveys", o.principals["quality"], authz.ReadSurvey, true},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					if got := tc.p.Can(tc.a, o.f1); got != tc.want {
						t.Errorf("Can(%s, f1) = %v, want %v", tc.a, got, tc.want)
					}
				})
			}
			if _, ids := final.Facilities(authz.ReadFacility); len(ids) != 0 {
				t.Errorf("a final survey's surveyor reads facilities %v", ids)
			}
			if got := final.AssignedSurveys(); len(got) != 1 || got[0] != o.final {
				t.Errorf("the final survey's surveyor is assigned to %v, want [%d]", got, o.final)
			}
			checks := []struct {
				name string
				err  error
				code string
			}{
				{"writing within the final survey", final.InSurvey(o.final).Check(authz.WriteEvidence, o.f1), bukti.EFORBIDDEN},
				{"reading the facility within the final survey", final.InSurvey(o.final).Check(authz.ReadFacility, o.f1), bukti.EFORBIDDEN},
				{"reading the facility outside it", final.Check(authz.ReadFacility, o.f1), bukti.ENOTFOUND},
				{"another survey of the facility", final.InSurvey(o.other).Check(authz.ReadSurvey, o.f1), bukti.ENOTFOUND},
			}
			for _, c := range checks {
				if got := bukti.ErrorCode(c.err); got != c.code {
					t.Errorf("%s: %v, want code %s", c.name, c.err, c.code)
				}
			}
			if final.InSurvey(o.final) == final || final.Can(authz.ReadSurvey, o.f1) {
				t.Error("InSurvey changed the principal it was called on")
			}
		})
	}
}

// TestSeesScores: before a survey is final its scores are for admins,
// planners of the facility and its surveyors; once final, for everyone
// who reads it. ScoresWithheld, for queries, says the same of every
// survey.
func TestSeesScores(t *testing.T) {
	o := newOrg(t, "sqlite")
	o.everyone()
	want := map[string]bool{"admin": true, "supervisor": true, "provincial": true, "surveyor": true}
	for name, p := range o.principals {
		t.Run(name, func(t *testing.T) {
			all, facilities := p.Facilities(authz.ReadAudit)
			if all {
				facilities = []int64{o.f1, o.f1b, o.f2}
			}
			withheld, except := p.ScoresWithheld(facilities)
			for _, id := range o.surveys {
				final := o.surveyFinal[id]
				got := p.SeesScores(id, o.f1, final)
				// The open survey's team is "surveyor"; "other" has none of them.
				expect := final || want[name] && (name != "surveyor" || id == o.open)
				if got != expect {
					t.Errorf("SeesScores(survey %d, final %v) = %v, want %v", id, final, got, expect)
				}
				hidden := !final && contains(withheld, o.f1) && !contains(except, id)
				readsAudit := all || contains(facilities, o.f1)
				if readsAudit && hidden == got {
					t.Errorf("survey %d: ScoresWithheld hides it %v, SeesScores %v", id, hidden, got)
				}
			}
		})
	}
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// TestMayAssign: planners may assign users without other roles and those
// of their own district or province; admins anyone; nobody but an admin
// assigns an admin.
func TestMayAssign(t *testing.T) {
	o := newOrg(t, "sqlite")
	o.everyone()
	cases := []struct {
		planner, candidate string
		want               bool
	}{
		{"supervisor", "nobody", true},
		{"supervisor", "finalSurveyor", true},
		{"supervisor", "neighbour", true},
		{"supervisor", "quality", true}, // the survey service refuses the surveyed facility's own people
		{"supervisor", "farQuality", false},
		{"supervisor", "farSupervisor", false},
		{"supervisor", "provincial", false},
		{"supervisor", "admin", false},
		{"provincial", "supervisor", true},
		{"provincial", "farQuality", true},
		{"provincial", "admin", false},
		{"admin", "farQuality", true},
		{"admin", "admin", true},
		{"quality", "nobody", true}, // scope only: planning needs ManageSurvey, checked first
		{"quality", "neighbour", false},
	}
	for _, tc := range cases {
		t.Run(tc.planner+" assigns "+tc.candidate, func(t *testing.T) {
			if got := o.principals[tc.planner].MayAssign(o.principals[tc.candidate]); got != tc.want {
				t.Errorf("MayAssign = %v, want %v", got, tc.want)
			}
		})
	}
}
