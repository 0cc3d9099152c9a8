package survey_test

import (
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
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
