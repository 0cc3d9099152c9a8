package survey_test

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// inReview plans a survey led by e.lead with e.second, with evidence for
// 2.1.2/a/R1, a/R2 and c/D1, self-assessed (a 5, b 0, c 10) and
// submitted; it returns the survey and its items by requirement.
func (e *env) inReview() (bukti.Survey, map[string]bukti.SnapshotItem) {
	e.t.Helper()
	for _, r := range []string{"2.1.2/a/R1", "2.1.2/a/R2", "2.1.2/c/D1"} {
		e.upload(0, r, "Bukti "+r, evidence.Meta{})
	}
	sv := e.newSurvey(e.lead, e.lead, e.second)
	e.selfAssess(sv.ID, "5", "0", "10")
	if _, err := e.svc.Submit(e.ctx, sv.ID, e.team); err != nil {
		e.t.Fatalf("Submit: %v", err)
	}
	byReq := map[string]bukti.SnapshotItem{}
	for _, it := range e.items(sv.ID) {
		byReq[it.RequirementID] = it
	}
	return sv, byReq
}

// auditCount counts the audit rows of an action.
func (e *env) auditCount(action string) int64 {
	e.t.Helper()
	var n int64
	if err := e.db.Model(&bukti.AuditEntry{}).Where("action = ?", action).Count(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

// rowKeys lists the wrong rows of a *RowsError, in form order.
func rowKeys(err error) []string {
	var re *survey.RowsError
	if !errors.As(err, &re) {
		return nil
	}
	return re.Keys
}

// TestScoreMany scores a kriteria in one save: blank rows are skipped,
// unchanged rows keep their final score, one invalid row refuses them all
// and is named, with its own message.
func TestScoreMany(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			e := newEnv(t, combo.DB, combo.Store)
			sv, _ := e.inReview()
			facts, rec := narrative(40), narrative(35)
			row := func(ep, score, f, r string) survey.ScoreInput {
				return survey.ScoreInput{Element: ep, Score: score, Facts: f, Recommendation: r}
			}
			cases := []struct {
				name    string
				in      []survey.ScoreInput
				code    string   // "" when saved
				wrong   []string // the rows named wrong
				changed int
				message string // in the English message
			}{
				{"nothing filled", []survey.ScoreInput{row(epA, "", "", ""), row(epB, " ", "", "")}, bukti.EINVALID, nil, 0, "at least one"},
				{"facts one short", []survey.ScoreInput{row(epA, "10", narrative(29), rec)}, bukti.EINVALID, []string{epA}, 0, "got 29"},
				{"two wrong, one good", []survey.ScoreInput{row(epA, "10", facts, rec), row(epB, "7", facts, rec), row(epC, "5", facts, narrative(3))},
					bukti.EINVALID, []string{epB, epC}, 0, "2 entries"},
				{"unknown EP", []survey.ScoreInput{row("9.9.9/z", "10", facts, rec)}, bukti.EINVALID, []string{"9.9.9/z"}, 0, "9.9.9/z"},
				{"an EP twice", []survey.ScoreInput{row(epA, "10", facts, rec), row(epA, "5", facts, rec)}, bukti.EINVALID, []string{epA}, 0, epA},
				{"facts exactly 30, blank row skipped", []survey.ScoreInput{row(epA, "10", narrative(30), narrative(30)), row(epB, "", "", "")}, "", nil, 1, ""},
				{"all three", []survey.ScoreInput{row(epA, "10", facts, rec), row(epB, "0", facts, rec), row(epC, "TDD", facts, rec)}, "", nil, 3, ""},
				{"the same again changes nothing", []survey.ScoreInput{row(epA, "10", facts, rec), row(epB, "0", facts, rec), row(epC, "tdd", " "+facts+" ", rec)}, "", nil, 0, ""},
				{"one changed", []survey.ScoreInput{row(epA, "10", facts, rec), row(epB, "5", facts, rec), row(epC, "TDD", facts, rec)}, "", nil, 1, ""},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					before := e.dump()
					audits := e.auditCount(survey.ActionScore)
					n, err := e.svc.ScoreMany(e.ctx, sv.ID, e.lead, tc.in)
					if tc.code != "" {
						wantCode(t, tc.name, err, tc.code)
						sameDump(t, tc.name, before, e.dump())
						if got := rowKeys(err); !slices.Equal(got, tc.wrong) {
							t.Errorf("wrong rows %v, want %v", got, tc.wrong)
						}
						if _, en := bukti.ErrorMessage(err); !strings.Contains(en, tc.message) {
							t.Errorf("message %q lacks %q", en, tc.message)
						}
						return
					}
					if err != nil || n != tc.changed {
						t.Fatalf("ScoreMany: %d changed, %v; want %d", n, err, tc.changed)
					}
					if got := e.auditCount(survey.ActionScore) - audits; got != int64(tc.changed) {
						t.Errorf("%d audit rows, want one per changed score (%d)", got, tc.changed)
					}
				})
			}
			// Stored as given, trimmed.
			scores, _ := e.svc.Scores(e.ctx, sv.ID)
			got := map[string]string{}
			for _, r := range scores {
				if r.SurveyorID == e.lead {
					got[r.ElementID] = survey.FormatScore(r.Score, r.TDD) + " " + strconv.Itoa(len([]rune(r.Facts)))
				}
			}
			if want := map[string]string{epA: "10 40", epB: "5 40", epC: "TDD 40"}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("stored %v, want %v", got, want)
			}

			// An unchanged row keeps its final score; a changed one drops it.
			// The second surveyor differs on c, which keeps the survey in
			// review.
			for _, ep := range []string{epA, epB, epC} {
				cur := map[string]string{epA: "10", epB: "5", epC: "0"}[ep]
				e.score(sv.ID, e.second, ep, cur, facts, rec)
			}
			if _, err := e.svc.Reconcile(e.ctx, sv.ID, e.lead); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.ScoreMany(e.ctx, sv.ID, e.lead, []survey.ScoreInput{row(epA, "10", facts, rec), row(epB, "0", facts, rec)}); err != nil {
				t.Fatal(err)
			}
			ov, _ := e.svc.Overview(e.ctx, sv.ID)
			if _, ok := ov.Final(epA); !ok {
				t.Error("the unchanged score of a lost its final score")
			}
			if _, ok := ov.Final(epB); ok {
				t.Error("the changed score of b kept its final score")
			}

			// Only an assigned surveyor, only in review.
			wantCode(t, "the quality team", func() error {
				_, err := e.svc.ScoreMany(e.ctx, sv.ID, e.team, []survey.ScoreInput{row(epA, "5", facts, rec)})
				return err
			}(), bukti.EFORBIDDEN)
		})
	}
}

// TestScoreManyFinal: the team lead sets several final scores at once;
// the survey is scored once every EP has one. A member may not.
func TestScoreManyFinal(t *testing.T) {
	e := newEnv(t, "sqlite", "filesystem")
	sv, _ := e.inReview()
	facts, rec := narrative(45), narrative(45)
	in := []survey.ScoreInput{
		{Element: epA, Score: "10", Facts: facts, Recommendation: rec},
		{Element: epB, Score: "5", Facts: facts, Recommendation: rec},
	}
	wantCode(t, "a member", func() error { _, err := e.svc.SetFinalMany(e.ctx, sv.ID, e.second, in); return err }(), bukti.EFORBIDDEN)
	bad := append(slices.Clone(in), survey.ScoreInput{Element: epC, Score: "10", Facts: "pendek", Recommendation: rec})
	before := e.dump()
	_, err := e.svc.SetFinalMany(e.ctx, sv.ID, e.lead, bad)
	wantCode(t, "one short", err, bukti.EINVALID)
	if got := rowKeys(err); !slices.Equal(got, []string{epC}) {
		t.Errorf("wrong rows %v, want [c]", got)
	}
	sameDump(t, "a refused final save", before, e.dump())
	if n, err := e.svc.SetFinalMany(e.ctx, sv.ID, e.lead, in); err != nil || n != 2 {
		t.Fatalf("SetFinalMany: %d, %v", n, err)
	}
	if st := e.survey(sv.ID).State; st != bukti.SurveyInReview {
		t.Errorf("with c missing the survey is %s", st)
	}
	if n, err := e.svc.SetFinalMany(e.ctx, sv.ID, e.lead, append(in, survey.ScoreInput{Element: epC, Score: "0", Facts: facts, Recommendation: rec})); err != nil || n != 1 {
		t.Fatalf("SetFinalMany with c: %d changed, %v; want 1", n, err)
	}
	if st := e.survey(sv.ID).State; st != bukti.SurveyScored {
		t.Errorf("with every final score set the survey is %s", st)
	}
	if n := e.auditCount(survey.ActionFinalScore); n != 3 {
		t.Errorf("%d final score audit rows, want 3", n)
	}
}

// TestReviewMany accepts several items in one save, each audited; a set
// holding an item that cannot take the verdict changes nothing.
func TestReviewMany(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			e := newEnv(t, combo.DB, combo.Store)
			sv, items := e.inReview()
			// A second survey of the facility, with its own snapshot.
			second := e.newSurvey(e.lead, e.lead)
			e.selfAssess(second.ID, "5", "0", "10")
			if _, err := e.svc.Submit(e.ctx, second.ID, e.team); err != nil {
				t.Fatal(err)
			}
			var otherItem int64
			for _, it := range e.items(second.ID) {
				otherItem = it.ID
			}
			a1, a2, c1 := items["2.1.2/a/R1"].ID, items["2.1.2/a/R2"].ID, items["2.1.2/c/D1"].ID
			accept := survey.Verdict{Review: bukti.ReviewAccepted}
			cases := []struct {
				name    string
				by      int64
				ids     []int64
				v       survey.Verdict
				code    string
				changed int
			}{
				{"none chosen", e.lead, nil, accept, bukti.EINVALID, 0},
				{"an item of another survey", e.lead, []int64{a1, otherItem}, accept, bukti.ENOTFOUND, 0},
				{"no such item", e.lead, []int64{a1, 999999}, accept, bukti.ENOTFOUND, 0},
				{"a rejection without a reason", e.lead, []int64{a1}, survey.Verdict{Review: bukti.ReviewRejected}, bukti.EINVALID, 0},
				{"an unknown verdict", e.lead, []int64{a1}, survey.Verdict{Review: "maybe"}, bukti.EINVALID, 0},
				{"the quality team", e.team, []int64{a1}, accept, bukti.EFORBIDDEN, 0},
				{"a surveyor of another survey", e.outsider, []int64{a1}, accept, bukti.EFORBIDDEN, 0},
				{"two, one given twice", e.lead, []int64{a1, a2, a1}, accept, "", 2},
				{"again with a third", e.second, []int64{a1, a2, c1}, accept, "", 1},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					before := e.dump()
					audits := e.auditCount("survey.review")
					n, err := e.svc.ReviewMany(e.ctx, sv.ID, tc.ids, tc.by, tc.v)
					if tc.code != "" {
						wantCode(t, tc.name, err, tc.code)
						sameDump(t, tc.name, before, e.dump())
						return
					}
					if err != nil || n != tc.changed {
						t.Fatalf("ReviewMany: %d, %v; want %d", n, err, tc.changed)
					}
					if got := e.auditCount("survey.review") - audits; got != int64(tc.changed) {
						t.Errorf("%d audit rows, want one per item (%d)", got, tc.changed)
					}
				})
			}
			for r, it := range e.items(sv.ID) {
				if it.Review != bukti.ReviewAccepted {
					t.Errorf("evidence %d (%s) is %s", r, it.RequirementID, it.Review)
				}
			}
			// A superseded item refuses the whole set.
			e.review(sv.ID, c1, e.lead, bukti.ReviewRejected, "Laporan evaluasi tidak ditandatangani.")
			var ev bukti.Evidence
			e.db.Where("facility_id = ? AND requirement_id = ?", e.facility, "2.1.2/c/D1").First(&ev)
			e.revise(ev.ID, "Laporan evaluasi ditandatangani")
			if _, err := e.svc.Resubmit(e.ctx, sv.ID, ev.ID, e.team); err != nil {
				t.Fatal(err)
			}
			before := e.dump()
			_, err := e.svc.ReviewMany(e.ctx, sv.ID, []int64{a1, c1}, e.lead, accept)
			wantCode(t, "a superseded item", err, bukti.ECONFLICT)
			sameDump(t, "a superseded item", before, e.dump())
		})
	}
}

// TestSurveyPPSMany saves the improvement plan in one save: unchanged
// rows stay as they are, one invalid row refuses them all and is named by
// its EP.
func TestSurveyPPSMany(t *testing.T) {
	e := newEnv(t, "sqlite", "filesystem")
	sv, items := e.inReview()
	for _, it := range items {
		e.review(sv.ID, it.ID, e.lead, bukti.ReviewAccepted, "")
	}
	facts, rec := narrative(40), narrative(40)
	for ep, v := range map[string]string{epA: "5", epB: "0", epC: "10"} {
		e.score(sv.ID, e.lead, ep, v, facts, rec)
		e.score(sv.ID, e.second, ep, v, facts, rec)
	}
	if _, err := e.svc.Reconcile(e.ctx, sv.ID, e.lead); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Finalize(e.ctx, sv.ID, e.lead); err != nil {
		t.Fatal(err)
	}
	pps, _ := e.svc.PPS(e.ctx, sv.ID)
	if len(pps) != 2 {
		t.Fatalf("%d PPS rows, want 2 (a and b)", len(pps))
	}
	ra, rb := pps[0].ID, pps[1].ID
	target := time.Date(2026, time.June, 30, 0, 0, 0, 0, time.UTC)
	good := survey.PPSInput{Action: "Lengkapi KAK", Responsible: "Koordinator UKM", TargetDate: &target, Progress: 50}
	cases := []struct {
		name    string
		rows    []survey.PPSRow
		code    string
		wrong   []string
		changed int
	}{
		{"no rows", nil, bukti.EINVALID, nil, 0},
		{"progress without an action", []survey.PPSRow{{ID: ra, In: good}, {ID: rb, In: survey.PPSInput{Progress: 20}}}, bukti.EINVALID, []string{strconv.FormatInt(rb, 10)}, 0},
		{"a row the form could not read", []survey.PPSRow{{ID: ra, In: good, Err: bukti.E(bukti.EINVALID, "err.pages.progress_must_number_0_100")}, {ID: rb, In: good}},
			bukti.EINVALID, []string{strconv.FormatInt(ra, 10)}, 0},
		{"over 100", []survey.PPSRow{{ID: ra, In: survey.PPSInput{Action: "x", Responsible: "y", Progress: 101}}}, bukti.EINVALID, []string{strconv.FormatInt(ra, 10)}, 0},
		{"a row of no survey", []survey.PPSRow{{ID: 99999, In: good}}, bukti.ENOTFOUND, nil, 0},
		{"both", []survey.PPSRow{{ID: ra, In: good}, {ID: rb, In: survey.PPSInput{Action: " Rapat MMD ", Responsible: "Kapus"}}}, "", nil, 2},
		{"unchanged", []survey.PPSRow{{ID: ra, In: good}, {ID: rb, In: survey.PPSInput{Action: "Rapat MMD", Responsible: "Kapus"}}}, "", nil, 0},
		{"one changed", []survey.PPSRow{{ID: ra, In: good}, {ID: rb, In: survey.PPSInput{Action: "Rapat MMD", Responsible: "Kapus", Progress: 100}}}, "", nil, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := e.dump()
			n, err := e.svc.UpdatePPSMany(e.ctx, sv.ID, e.team, tc.rows)
			if tc.code != "" {
				wantCode(t, tc.name, err, tc.code)
				sameDump(t, tc.name, before, e.dump())
				if got := rowKeys(err); !slices.Equal(got, tc.wrong) {
					t.Errorf("wrong rows %v, want %v", got, tc.wrong)
				}
				return
			}
			if err != nil || n != tc.changed {
				t.Fatalf("UpdatePPSMany: %d, %v; want %d", n, err, tc.changed)
			}
		})
	}
	_, err := e.svc.UpdatePPSMany(e.ctx, sv.ID, e.team, []survey.PPSRow{{ID: ra, In: survey.PPSInput{Progress: 5}}, {ID: rb, In: survey.PPSInput{Progress: 5}}})
	if id, _ := bukti.ErrorMessage(err); !strings.Contains(id, "2 isian belum benar (2.1.2/a, 2.1.2/b)") {
		t.Errorf("two wrong rows: message %q does not name their EP", id)
	}
	got, _ := e.svc.PPS(e.ctx, sv.ID)
	if got[1].State != bukti.PPSDone || got[1].Action != "Rapat MMD" || got[0].Progress != 50 {
		t.Errorf("PPS after saving: %+v", got)
	}
	wantCode(t, "a surveyor", func() error {
		_, err := e.svc.UpdatePPSMany(e.ctx, sv.ID, e.lead, []survey.PPSRow{{ID: ra, In: good}})
		return err
	}(), bukti.EFORBIDDEN)
}

// TestSurveyUnassessed lists what Submit would refuse, before anyone
// confirms it.
func TestSurveyUnassessed(t *testing.T) {
	e := newEnv(t, "sqlite", "filesystem")
	sv := e.newSurvey(e.lead, e.lead)
	cases := []struct {
		name    string
		a, b, c string
		want    []string
	}{
		{"nothing yet", "", "", "", []string{epA, epB, epC}},
		{"a only", "10", "", "", []string{epB, epC}},
		{"a and c", "10", "", "TDD", []string{epB}},
		{"all", "10", "5", "TDD", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.a != "" || tc.b != "" || tc.c != "" {
				e.selfAssess(sv.ID, tc.a, tc.b, tc.c)
			}
			self, _ := e.svc.SelfAssessments(e.ctx, sv.ID)
			got := e.svc.Unassessed(self)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("Unassessed: %v, want %v", got, tc.want)
			}
			_, err := e.svc.Submit(e.ctx, sv.ID, e.team)
			if (err == nil) != (len(tc.want) == 0) {
				t.Errorf("Submit with %v unassessed: %v", got, err)
			}
		})
	}
}

// TestSurveyCandidates lists the users a planner may choose: those holding
// the surveyor role or none, active, within the planner's reach, never the
// planner.
func TestSurveyCandidates(t *testing.T) {
	e := newEnv(t, "sqlite", "filesystem")
	a := &auth.Service{Store: sqlstore.New(e.db, fixedNow), Now: fixedNow, Log: testenv.Logger(t), Cost: 4}
	disabled, err := a.CreateUser(e.ctx, "nonaktif@surveior.example", "Nonaktif", "kata-sandi-uji-123", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetDisabled(e.ctx, disabled.ID, true, nil); err != nil {
		t.Fatal(err)
	}
	var district int64
	e.db.Model(&bukti.District{}).Where("code = ?", "3277").Pluck("id", &district)
	sup, err := a.CreateUserWithRole(e.ctx, "dinkes@cimahi.example", "Dinkes", "kata-sandi-uji-123", &bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &district}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The outsider has surveyed before.
	e.newSurvey(e.outsider, e.outsider)

	load := func(id int64) *authz.Principal {
		p, err := authz.Load(e.ctx, sqlstore.New(e.db, fixedNow), &bukti.User{ID: id})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	emails := func(cs []survey.Candidate) string {
		var out []string
		for _, c := range cs {
			s := c.Email
			if c.Surveyed {
				s += "*"
			}
			out = append(out, s)
		}
		return strings.Join(out, " ")
	}
	cases := []struct {
		name    string
		planner int64
		want    string
	}{
		// The admin, the quality team, the supervisor and the disabled
		// account are never listed; the outsider has surveyed (*).
		{"admin", e.admin, "anggota@surveior.example ketua@surveior.example lain@surveior.example*"},
		{"supervisor", sup.ID, "anggota@surveior.example ketua@surveior.example lain@surveior.example*"},
		{"a surveyor planning is not listed", e.lead, "anggota@surveior.example lain@surveior.example*"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cs, err := e.svc.Candidates(e.ctx, load(tc.planner))
			if err != nil {
				t.Fatal(err)
			}
			if got := emails(cs); got != tc.want {
				t.Errorf("candidates: %q, want %q", got, tc.want)
			}
		})
	}
	// The users' names are empty: they sort by email. None is left when
	// every surveyor is disabled.
	for _, id := range []int64{e.lead, e.second, e.outsider} {
		if _, err := a.SetDisabled(e.ctx, id, true, nil); err != nil {
			t.Fatal(err)
		}
	}
	if cs, err := e.svc.Candidates(e.ctx, load(e.admin)); err != nil || len(cs) != 0 {
		t.Errorf("with every surveyor disabled: %q, %v", emails(cs), err)
	}
}
