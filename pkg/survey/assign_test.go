package survey_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestAssignSurveyorsByEmail: a district supervisor names surveyors by
// email and may assign users without other roles and the people of their
// own district. Everyone else — unknown, disabled, of another district or
// of the whole province, an admin, the surveyed facility's own people —
// gets one answer, the same as an email naming nobody but for that email,
// and no message names anybody. User IDs are for admins.
func TestAssignSurveyorsByEmail(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			e := newEnv(t, combo.DB, combo.Store)
			o := &org.Service{Store: sqlstore.New(e.db, fixedNow), Now: fixedNow}
			a := &auth.Service{Store: sqlstore.New(e.db, fixedNow), Now: fixedNow, Log: testenv.Logger(t), Cost: 4}
			if _, err := o.CreateDistrict(e.ctx, "3273", "Kota Bandung", "32", nil); err != nil {
				t.Fatal(err)
			}
			far, err := o.CreateFacility(e.ctx, org.FacilityInput{Code: "P3273010101", Name: "Puskesmas Bandung", DistrictCode: "3273"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var district, farDistrict, province int64
			e.db.Model(&bukti.District{}).Where("code = ?", "3277").Pluck("id", &district)
			e.db.Model(&bukti.District{}).Where("code = ?", "3273").Pluck("id", &farDistrict)
			e.db.Model(&bukti.Province{}).Where("code = ?", "32").Pluck("id", &province)

			names := []string{}
			user := func(email string, b *bukti.RoleBinding) int64 {
				t.Helper()
				name := "Nama Rahasia " + strings.Split(email, "@")[0]
				names = append(names, name)
				u, err := a.CreateUserWithRole(e.ctx, email, name, "kata-sandi-uji-123", b, nil)
				if err != nil {
					t.Fatalf("create user %s: %v", email, err)
				}
				return u.ID
			}
			planner := user("dinkes@cimahi.example", &bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &district})
			user("luar@surveior.example", nil)
			user("mutu@tetangga.example", &bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &e.otherFacility})
			user("mutu@bandung.example", &bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &far.ID})
			user("dinkes@bandung.example", &bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &farDistrict})
			user("dinkes@jabar.example", &bukti.RoleBinding{Role: bukti.RoleSupervisor, ProvinceID: &province})
			user("admin2@dinkes.example", &bukti.RoleBinding{Role: bukti.RoleAdmin})
			disabled := user("nonaktif@surveior.example", nil)
			if _, err := a.SetDisabled(e.ctx, disabled, true, nil); err != nil {
				t.Fatal(err)
			}

			plan := func(by int64, in survey.Input) error {
				in.FacilityID, in.Type = e.facility, "initial"
				_, err := e.svc.Create(e.ctx, in, by)
				return err
			}
			byEmail := func(emails ...string) survey.Input { return survey.Input{SurveyorEmails: emails} }
			unknown := plan(planner, byEmail("tidak-ada@surveior.example"))
			wantCode(t, "unknown email", unknown, bukti.EINVALID)
			answer := func(err error, email string) string {
				var be *bukti.Error
				if !errors.As(err, &be) {
					return ""
				}
				r := strings.NewReplacer(email, "<email>")
				return be.Code + "\n" + r.Replace(be.Text("id")) + "\n" + r.Replace(be.Text("en"))
			}
			want := answer(unknown, "tidak-ada@surveior.example")
			if !strings.Contains(want, "Surveior <email> tidak ditemukan atau tidak dapat ditugaskan.") {
				t.Fatalf("unknown email: %q", want)
			}

			refused := []struct{ name, email string }{
				{"a user of another district", "mutu@bandung.example"},
				{"the supervisor of another district", "dinkes@bandung.example"},
				{"the provincial supervisor", "dinkes@jabar.example"},
				{"an admin", "admin2@dinkes.example"},
				{"a disabled account", "nonaktif@surveior.example"},
				{"the facility's quality team", "mutu@puskesmas.example"},
			}
			for _, tc := range refused {
				t.Run("refused: "+tc.name, func(t *testing.T) {
					before := e.dump()
					err := plan(planner, byEmail("luar@surveior.example", " "+strings.ToUpper(tc.email)))
					if got := answer(err, tc.email); got != want {
						t.Errorf("answer %q, want the unknown email's %q", got, want)
					}
					for _, n := range names {
						if strings.Contains(err.Error(), n) {
							t.Errorf("the answer names %q: %v", n, err)
						}
					}
					sameDump(t, tc.name, before, e.dump())
				})
			}

			others := []struct {
				name    string
				by      int64
				in      survey.Input
				code    string
				message string
			}{
				{"the planner by email", planner, byEmail("dinkes@cimahi.example"), bukti.EINVALID, "planning a survey"},
				{"a supervisor naming user IDs", planner, survey.Input{Surveyors: []int64{e.lead}}, bukti.EINVALID, "user IDs are for admins only"},
				{"emails with a lead ID", planner, survey.Input{SurveyorEmails: []string{"luar@surveior.example"}, Lead: e.lead}, bukti.EINVALID, "not both"},
				{"a facility outside the supervisor's district", planner, byEmail("luar@surveior.example"), bukti.ENOTFOUND, ""},
			}
			for _, tc := range others {
				t.Run("refused: "+tc.name, func(t *testing.T) {
					before := e.dump()
					in := tc.in
					in.FacilityID, in.Type = e.facility, "initial"
					if tc.code == bukti.ENOTFOUND {
						in.FacilityID = far.ID
					}
					_, err := e.svc.Create(e.ctx, in, tc.by)
					wantCode(t, tc.name, err, tc.code)
					if err != nil && !strings.Contains(err.Error(), tc.message) {
						t.Errorf("%s: %v, want %q", tc.name, err, tc.message)
					}
					sameDump(t, tc.name, before, e.dump())
				})
			}

			accepted := []struct {
				name string
				by   int64
				in   survey.Input
			}{
				{"a user without roles and a quality team of the same district", planner,
					survey.Input{SurveyorEmails: []string{"Luar@Surveior.example", "mutu@tetangga.example"}, LeadEmail: "mutu@tetangga.example"}},
				{"a surveyor of another survey", planner, byEmail("lain@surveior.example")},
				{"an admin naming anyone by email", e.admin, byEmail("dinkes@bandung.example", "mutu@bandung.example")},
				{"an admin naming user IDs", e.admin, survey.Input{Surveyors: []int64{e.lead, e.second}, Lead: e.second}},
			}
			for _, tc := range accepted {
				t.Run("accepted: "+tc.name, func(t *testing.T) {
					in := tc.in
					in.FacilityID, in.Type = e.facility, "initial"
					sv, err := e.svc.Create(e.ctx, in, tc.by)
					if err != nil {
						t.Fatalf("create: %v", err)
					}
					team, err := e.svc.Surveyors(e.ctx, sv.ID)
					if err != nil {
						t.Fatal(err)
					}
					var got []string
					for _, u := range team {
						got = append(got, u.Email)
					}
					if len(team) != max(len(in.SurveyorEmails), len(in.Surveyors)) {
						t.Errorf("team %v", got)
					}
					var lead bukti.User
					e.db.First(&lead, *sv.LeadID)
					switch {
					case in.LeadEmail != "" && lead.Email != strings.ToLower(in.LeadEmail),
						in.Lead != 0 && lead.ID != in.Lead,
						in.LeadEmail == "" && in.Lead == 0 && len(in.SurveyorEmails) > 0 && lead.Email != strings.ToLower(in.SurveyorEmails[0]):
						t.Errorf("lead %s, team %v", lead.Email, got)
					}
				})
			}
		})
	}
}

// TestFinalTeamOutlivesRevocation: revoking a surveyor's binding on a final
// survey (their access) keeps them on its team and keeps their scores;
// nobody can join a final survey's team.
func TestFinalTeamOutlivesRevocation(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			e := newEnv(t, combo.DB, combo.Store)
			a := &auth.Service{Store: sqlstore.New(e.db, fixedNow), Now: fixedNow, Log: testenv.Logger(t), Cost: 4}
			e.upload(0, "2.1.2/a/R1", "sk", evidence.Meta{})
			sv := e.newSurvey(e.lead, e.lead, e.second)
			e.selfAssess(sv.ID, "10", "5", "0")
			if _, err := e.svc.Submit(e.ctx, sv.ID, e.team); err != nil {
				t.Fatal(err)
			}
			for _, it := range e.items(sv.ID) {
				e.review(sv.ID, it.ID, e.lead, bukti.ReviewAccepted, "")
			}
			for _, by := range []int64{e.lead, e.second} {
				for ep, v := range map[string]string{epA: "10", epB: "5", epC: "10"} {
					e.score(sv.ID, by, ep, v, narrative(40), narrative(40))
				}
			}
			if _, err := e.svc.Reconcile(e.ctx, sv.ID, e.lead); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Finalize(e.ctx, sv.ID, e.lead); err != nil {
				t.Fatal(err)
			}
			before, err := e.svc.Overview(e.ctx, sv.ID)
			if err != nil {
				t.Fatal(err)
			}
			var bindings []bukti.RoleBinding
			e.db.Where("survey_id = ?", sv.ID).Find(&bindings)
			for _, b := range bindings {
				if err := a.Revoke(e.ctx, b.UserID, b.ID, &e.admin); err != nil {
					t.Fatalf("revoke %s of user %d on the final survey: %v", b.Role, b.UserID, err)
				}
			}
			var left int64
			e.db.Model(&bukti.RoleBinding{}).Where("survey_id = ?", sv.ID).Count(&left)
			after, err := e.svc.Overview(e.ctx, sv.ID)
			if err != nil {
				t.Fatal(err)
			}
			if left != 0 || len(bindings) != 2 {
				t.Errorf("bindings: %d revoked, %d left", len(bindings), left)
			}
			ids := func(us []bukti.User) (out []int64) {
				for _, u := range us {
					out = append(out, u.ID)
				}
				return out
			}
			if got, want := ids(after.Surveyors), ids(before.Surveyors); len(want) != 2 || len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
				t.Errorf("team after revoking %v, before %v", got, want)
			}
			if len(after.Scores) != len(before.Scores) || len(after.Scores) != 9 || after.Tally.Status != before.Tally.Status {
				t.Errorf("scores after revoking %d (status %q), before %d (status %q)", len(after.Scores), after.Tally.Status, len(before.Scores), before.Tally.Status)
			}
			if _, ok := after.ScoreBy(epB, e.second); !ok {
				t.Error("the revoked member's score of b is gone")
			}
			_, err = a.Grant(e.ctx, e.outsider, bukti.RoleBinding{Role: bukti.RoleSurveyor, SurveyID: &sv.ID}, &e.admin)
			wantCode(t, "joining a final survey's team", err, bukti.ECONFLICT)
		})
	}
}
