package survey_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestScoreChangeReopensFinal: a surveyor who changes a score after the
// lead reconciled it drops that EP's final score, so the new disagreement
// reaches the lead instead of a stale final score surviving.
func TestScoreChangeReopensFinal(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			e := newEnv(t, combo.DB, combo.Store)
			e.upload(0, "2.1.2/a/R1", "sk", evidence.Meta{})
			sv := e.newSurvey(e.lead, e.lead, e.second)
			e.selfAssess(sv.ID, "10", "5", "0")
			if _, err := e.svc.Submit(e.ctx, sv.ID, e.team); err != nil {
				t.Fatal(err)
			}
			for _, by := range []int64{e.lead, e.second} {
				e.score(sv.ID, by, epA, "10", narrative(40), narrative(40))
			}
			conflicts, err := e.svc.Reconcile(e.ctx, sv.ID, e.lead)
			if err != nil || len(conflicts) != 2 { // b and c are not scored yet
				t.Fatalf("reconcile: %v, %+v", err, conflicts)
			}
			e.score(sv.ID, e.second, epA, "5", narrative(40), narrative(40))
			conflicts, err = e.svc.Reconcile(e.ctx, sv.ID, e.lead)
			if err != nil {
				t.Fatal(err)
			}
			var reopened *survey.Conflict
			for i := range conflicts {
				if conflicts[i].Element == epA {
					reopened = &conflicts[i]
				}
			}
			if reopened == nil || reopened.Reason != "differ" {
				t.Fatalf("EP a after a changed score: %+v", conflicts)
			}
			var finals int64
			e.db.Model(&bukti.SurveyScore{}).Where("survey_id = ? AND surveyor_id = ?", sv.ID, survey.Final).Count(&finals)
			if finals != 0 {
				t.Errorf("%d final scores left, want 0", finals)
			}
		})
	}
}

// TestFinalizeNeedsEveryItemReviewed: a survey is not finalized while
// evidence of its snapshot waits for a verdict.
func TestFinalizeNeedsEveryItemReviewed(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			e := newEnv(t, combo.DB, combo.Store)
			e.upload(0, "2.1.2/a/R1", "sk", evidence.Meta{})
			sv := e.newSurvey(e.lead, e.lead)
			e.selfAssess(sv.ID, "10", "5", "0")
			if _, err := e.svc.Submit(e.ctx, sv.ID, e.team); err != nil {
				t.Fatal(err)
			}
			for _, ep := range []string{epA, epB, epC} {
				e.score(sv.ID, e.lead, ep, "5", narrative(40), narrative(40))
			}
			if _, err := e.svc.Reconcile(e.ctx, sv.ID, e.lead); err != nil {
				t.Fatal(err)
			}
			_, err := e.svc.Finalize(e.ctx, sv.ID, e.lead)
			wantCode(t, "finalize with an item pending", err, bukti.ECONFLICT)
			if err == nil || !strings.Contains(err.Error(), "1 snapshot items are not reviewed") {
				t.Errorf("finalize with an item pending: %v", err)
			}
			if st := e.survey(sv.ID).State; st != bukti.SurveyScored {
				t.Fatalf("state %s after a refused finalize", st)
			}
			for _, it := range e.items(sv.ID) {
				e.review(sv.ID, it.ID, e.lead, bukti.ReviewAccepted, "")
			}
			if _, err := e.svc.Finalize(e.ctx, sv.ID, e.lead); err != nil {
				t.Fatalf("finalize after review: %v", err)
			}
		})
	}
}

// TestFinalResultStays: a final survey's result is the one it was
// finalized with, even when a later catalogue version scores differently.
func TestFinalResultStays(t *testing.T) {
	e := newEnv(t, "sqlite", "filesystem")
	e.upload(0, "2.1.2/a/R1", "sk", evidence.Meta{})
	sv := e.newSurvey(e.lead, e.lead)
	e.selfAssess(sv.ID, "10", "5", "0")
	if _, err := e.svc.Submit(e.ctx, sv.ID, e.team); err != nil {
		t.Fatal(err)
	}
	for _, it := range e.items(sv.ID) {
		e.review(sv.ID, it.ID, e.lead, bukti.ReviewAccepted, "")
	}
	for ep, v := range map[string]string{epA: "10", epB: "5", epC: "10"} {
		e.score(sv.ID, e.lead, ep, v, narrative(40), narrative(40))
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
	// 25 of 30 = 83.3 %: Paripurna. A stricter table would say otherwise.
	stricter := *e.svc.Catalogue
	stricter.Scoring.Statuses = []catalogue.Status{{Name: "Paripurna", Min: map[string]float64{"II": 90}}}
	later := *e.svc
	later.Catalogue = &stricter
	after, err := later.Overview(e.ctx, sv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if before.Tally.Status != "Paripurna" || after.Tally.Status != "Paripurna" || after.Survey.Status != "Paripurna" {
		t.Errorf("status before %q, after a stricter catalogue %q (stored %q), want Paripurna", before.Tally.Status, after.Tally.Status, after.Survey.Status)
	}
	if b, _ := after.Tally.Rollup("II"); b.Score != 25 || b.Max != 30 {
		t.Errorf("Bab II after: %+v", b)
	}
}

// TestCreateRefusesIneligibleSurveyors: the planner, a disabled account
// and the facility's own people cannot survey it; nothing is created. The
// last two get the answer of an unknown user (see TestAssignSurveyorsByEmail).
func TestCreateRefusesIneligibleSurveyors(t *testing.T) {
	e := newEnv(t, "sqlite", "filesystem")
	if err := e.db.Model(&bukti.User{}).Where("id = ?", e.outsider).Update("disabled", true).Error; err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		surveyors []int64
		want      string
	}{
		{"the planner", []int64{e.lead, e.admin}, "planning a survey"},
		{"a disabled account", []int64{e.lead, e.outsider}, fmt.Sprintf("surveyor #%d not found or not assignable", e.outsider)},
		{"the facility's quality team", []int64{e.team}, fmt.Sprintf("surveyor #%d not found or not assignable", e.team)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := e.dump()
			_, err := e.svc.Create(e.ctx, survey.Input{FacilityID: e.facility, Type: "initial", Surveyors: tc.surveyors}, e.admin)
			wantCode(t, tc.name, err, bukti.EINVALID)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
			}
			sameDump(t, tc.name, before, e.dump())
		})
	}
}

// TestRevokedLeadCannotFinalize: a lead removed from the team loses the
// lead's powers even if they can still reach the survey.
func TestRevokedLeadCannotFinalize(t *testing.T) {
	e := newEnv(t, "sqlite", "filesystem")
	sv := e.newSurvey(e.lead, e.lead, e.second)
	if err := e.db.Where("survey_id = ? AND user_id = ?", sv.ID, e.lead).Delete(&bukti.RoleBinding{}).Error; err != nil {
		t.Fatal(err)
	}
	// Reconcile checks the state first: put the survey in review.
	if err := e.db.Model(&bukti.Survey{}).Where("id = ?", sv.ID).Update("state", bukti.SurveyInReview).Error; err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Reconcile(e.ctx, sv.ID, e.lead)
	wantCode(t, "reconcile by a revoked lead", err, bukti.EFORBIDDEN)
}

// TestNewerOpenSurveyOwnsVerdicts: with two open surveys of a facility,
// only the newer one's verdicts show on the evidence record.
func TestNewerOpenSurveyOwnsVerdicts(t *testing.T) {
	e := newEnv(t, "sqlite", "filesystem")
	ev := e.upload(0, "2.1.2/a/R1", "sk", evidence.Meta{})
	var surveys []bukti.Survey
	for range 2 {
		sv := e.newSurvey(e.lead, e.lead)
		e.selfAssess(sv.ID, "10", "5", "0")
		if _, err := e.svc.Submit(e.ctx, sv.ID, e.team); err != nil {
			t.Fatal(err)
		}
		surveys = append(surveys, sv)
	}
	older, newer := surveys[0], surveys[1]
	e.review(older.ID, e.items(older.ID)[ev.ID].ID, e.lead, bukti.ReviewRejected, "Belum ditandatangani kepala Puskesmas.")
	if got := e.evidence(ev.ID).Review; got != bukti.ReviewPending {
		t.Errorf("after the older survey's rejection the evidence is %s, want pending", got)
	}
	e.review(newer.ID, e.items(newer.ID)[ev.ID].ID, e.lead, bukti.ReviewRejected, "Belum ditandatangani kepala Puskesmas.")
	if got := e.evidence(ev.ID).Review; got != bukti.ReviewRejected {
		t.Errorf("after the newer survey's rejection the evidence is %s, want rejected", got)
	}
}
