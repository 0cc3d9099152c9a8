package web_test

import (
	"context"
	"slices"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/survey"
)

// matrixScore is a valid score of EP 2.1.2/a.
var matrixScore = survey.ScoreInput{Element: "2.1.2/a", Score: "5",
	Facts:          "SK ada, tetapi KAK pemberdayaan belum ditandatangani kepala Puskesmas.",
	Recommendation: "Lengkapi KAK pemberdayaan masyarakat dan sahkan oleh kepala Puskesmas."}

// fixtureSurvey is a survey made by surveyAt.
type fixtureSurvey struct {
	id, lead int64
	item     int64 // the first snapshot item, once in review
	pps      int64 // the first PPS row, once final
}

// leadFor is the surveyor actor when it acts in its own scope (so the
// survey is theirs to review and lead), else nobody in particular.
func (w *world) leadFor(a actor, in bool) int64 {
	if a.name == "surveyor" && in {
		return a.userID
	}
	return 0
}

// surveyAt plans a survey of the side's facility led by lead (a fresh user
// when 0) and drives it through the survey service to state: the admin
// self-assesses every EP (2.1.2/a at 5, the rest 10) and submits, the lead
// accepts every snapshot item, scores the same and reconciles, then
// finalizes.
func (w *world) surveyAt(s side, state string, lead int64) fixtureSurvey {
	t, ctx, svc := w.h.t, context.Background(), w.h.surveys
	t.Helper()
	if lead == 0 {
		lead = w.user()
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("drive survey to %s: %v", state, err)
		}
	}
	sv, err := svc.Create(ctx, survey.Input{FacilityID: s.facility, Type: "initial", Surveyors: []int64{lead}}, w.admin)
	must(err)
	out := fixtureSurvey{id: sv.ID, lead: lead}
	reached := func(st string) bool {
		return slices.Index(bukti.SurveyStates, state) >= slices.Index(bukti.SurveyStates, st)
	}
	var elements []string
	for _, b := range w.h.cat.Bab {
		for _, st := range b.Standar {
			for _, k := range st.Kriteria {
				for _, e := range k.Elements {
					elements = append(elements, e.ID)
				}
			}
		}
	}
	score := func(e string) string { return map[bool]string{true: "5", false: "10"}[e == "2.1.2/a"] }
	if reached(bukti.SurveySelfAssessment) {
		var self []survey.SelfScore
		for _, e := range elements {
			self = append(self, survey.SelfScore{Element: e, Score: score(e), Justification: "Penilaian mandiri tim mutu."})
		}
		_, err := svc.SelfAssess(ctx, sv.ID, w.admin, self)
		must(err)
	}
	if reached(bukti.SurveyInReview) {
		_, err := svc.Submit(ctx, sv.ID, w.admin)
		must(err)
		items, err := svc.Items(ctx, sv.ID)
		must(err)
		if len(items) == 0 {
			t.Fatal("the fixture survey's snapshot is empty")
		}
		out.item = items[0].ID
	}
	if reached(bukti.SurveyScored) {
		items, err := svc.Items(ctx, sv.ID)
		must(err)
		for _, it := range items {
			_, err := svc.Review(ctx, sv.ID, it.ID, lead, survey.Verdict{Review: bukti.ReviewAccepted})
			must(err)
		}
		for _, e := range elements {
			in := matrixScore
			in.Element, in.Score = e, score(e)
			_, err := svc.Score(ctx, sv.ID, lead, in)
			must(err)
		}
		_, err = svc.Reconcile(ctx, sv.ID, lead)
		must(err)
	}
	if reached(bukti.SurveyFinal) {
		_, err := svc.Finalize(ctx, sv.ID, lead)
		must(err)
		pps, err := svc.PPS(ctx, sv.ID)
		must(err)
		out.pps = pps[0].ID
	}
	return out
}
