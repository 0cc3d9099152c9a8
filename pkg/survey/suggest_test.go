package survey_test

import (
	"maps"
	"testing"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestSuggestionRules checks the system's suggestion in a survey of the
// built-in catalogue (the complete standard) by readiness.Score's rules:
// from the reviewed R and D evidence alone; none for an EP proposed TDD
// (by the facility's mark or in the self-assessment), whatever its
// documents, nor for one with no R or D item; naming interviewees changes
// none. A score of an EP without a suggestion stores none, so nothing
// flags it as differing — also once the survey is final.
func TestSuggestionRules(t *testing.T) {
	const (
		documented = "2.1.2/a" // R1, R2, R3, D1 of its R1-R3, D1-D2 accepted: 4 of 5, 80 %
		empty      = "2.1.2/b" // nothing
		markedTDD  = "2.1.2/c" // D1, D2 (all) accepted, but the facility marks it TDD
		selfTDD    = "2.1.1/a" // R1, R2, D1, D2 (all) accepted, but the self-assessment proposes TDD
		observed   = "1.4.7/c" // only an observation item
		interview  = "1.4.1/b" // an observation and an interview, both interviewees named
	)
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			t.Parallel()
			cat := criteria.MustBuiltin()
			e := newEnvOn(t, combo.DB, combo.Store, cat)
			ctx := e.ctx
			for _, req := range []string{"2.1.2/a/R1", "2.1.2/a/R2", "2.1.2/a/R3", "2.1.2/a/D1", "2.1.2/c/D1", "2.1.2/c/D2",
				"2.1.1/a/R1", "2.1.1/a/R2", "2.1.1/a/D1", "2.1.1/a/D2"} {
				e.upload(0, req, "Dokumen "+req, evidence.Meta{})
			}
			if _, err := e.ev.SetNotApplicable(ctx, e.facility, markedTDD, "Tidak ada kegiatan pemberdayaan yang dievaluasi tahun ini.", e.team); err != nil {
				t.Fatal(err)
			}
			w, _, _ := cat.Requirement(interview + "/W1")
			for _, role := range w.Interviewees {
				if _, err := e.ev.SetInterviewee(ctx, bukti.Interviewee{FacilityID: e.facility, RequirementID: w.ID, Role: role, Name: "Petugas " + role, UpdatedBy: e.team}); err != nil {
					t.Fatal(err)
				}
			}

			// One surveyor, the lead; the self-assessment proposes selfTDD
			// TDD and 0 for every other EP.
			sv := e.newSurvey(e.lead, e.lead)
			var self []survey.SelfScore
			for _, b := range cat.Bab {
				for _, st := range b.Standar {
					for _, k := range st.Kriteria {
						for _, el := range k.Elements {
							score := "0"
							if el.ID == selfTDD {
								score = "TDD"
							}
							self = append(self, survey.SelfScore{Element: el.ID, Score: score, Justification: justification})
						}
					}
				}
			}
			rows, err := e.svc.SelfAssess(ctx, sv.ID, e.team, self)
			if err != nil || len(rows) != 328 {
				t.Fatalf("SelfAssess: %d rows, %v", len(rows), err)
			}
			// The self-assessment stores the readiness suggestion on the
			// live evidence: none for the EP the facility marked TDD.
			for _, r := range rows {
				want := map[string]string{documented: "10", empty: "0", markedTDD: "none", selfTDD: "10", observed: "none", interview: "none"}[r.ElementID]
				if want != "" && suggestion(r.Suggested) != want {
					t.Errorf("self-assessment of %s stores suggestion %s, want %s", r.ElementID, suggestion(r.Suggested), want)
				}
			}
			if n, err := e.svc.Submit(ctx, sv.ID, e.team); err != nil || n != 10 {
				t.Fatalf("Submit: %d items, %v", n, err)
			}
			for _, it := range e.items(sv.ID) {
				e.review(sv.ID, it.ID, e.lead, bukti.ReviewAccepted, "")
			}

			sug := e.suggestions(sv.ID)
			cases := []struct {
				name    string
				element string
				want    int
				has     bool
			}{
				{"documents reviewed: 4 of 5 slots, 80 %", documented, 10, true},
				{"no evidence", empty, 0, true},
				{"the facility proposes TDD", markedTDD, 0, false},
				{"the self-assessment proposes TDD", selfTDD, 0, false},
				{"observation only", observed, 0, false},
				{"observation and interview, interviewees named", interview, 0, false},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					got, has := sug[tc.element]
					if has != tc.has || got != tc.want {
						t.Errorf("suggestion for %s: %d (%v), want %d (%v)", tc.element, got, has, tc.want, tc.has)
					}
				})
			}
			if len(sug) != 328-5-2 {
				t.Errorf("%d EP have a suggestion, want 321: all but the 5 with no R or D item and the 2 proposed TDD", len(sug))
			}

			// Naming interviewees changes no suggestion.
			for _, req := range []string{documented + "/W1", empty + "/W1"} {
				r, _, _ := cat.Requirement(req)
				if _, err := e.ev.SetInterviewee(ctx, bukti.Interviewee{FacilityID: e.facility, RequirementID: req, Role: r.Interviewees[0], Name: "Bu Ani", UpdatedBy: e.team}); err != nil {
					t.Fatal(err)
				}
			}
			if after := e.suggestions(sv.ID); !maps.Equal(after, sug) {
				t.Errorf("naming interviewees changed the suggestions")
			}

			// Scores store the suggestion, or none; the lead sets every
			// final score and finalizes.
			for _, c := range []struct{ element, score, want string }{
				{documented, "10", "10"}, {empty, "5", "0"}, {markedTDD, "TDD", "none"}, {selfTDD, "TDD", "none"},
				{observed, "10", "none"}, {interview, "5", "none"},
			} {
				if row := e.score(sv.ID, e.lead, c.element, c.score, leadFacts, leadRec); suggestion(row.Suggested) != c.want {
					t.Errorf("score of %s stores suggestion %s, want %s", c.element, suggestion(row.Suggested), c.want)
				}
			}
			if _, err := e.svc.Reconcile(ctx, sv.ID, e.lead); err != nil {
				t.Fatal(err)
			}
			finals, err := e.svc.Scores(ctx, sv.ID)
			if err != nil {
				t.Fatal(err)
			}
			done := map[string]bool{}
			for _, r := range finals {
				if r.SurveyorID == survey.Final {
					done[r.ElementID] = true
				}
			}
			for _, s := range self {
				if !done[s.Element] {
					if _, err := e.svc.SetFinal(ctx, sv.ID, e.lead, survey.ScoreInput{Element: s.Element, Score: "0", Facts: decidedFacts, Recommendation: decidedRec}); err != nil {
						t.Fatalf("SetFinal %s: %v", s.Element, err)
					}
				}
			}
			if _, err := e.svc.Finalize(ctx, sv.ID, e.lead); err != nil {
				t.Fatalf("Finalize: %v", err)
			}
			ov, err := e.svc.Overview(ctx, sv.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(ov.Suggestions, sug) {
				t.Errorf("the final survey's suggestions differ from those it was scored with")
			}
			for _, id := range []string{markedTDD, selfTDD, observed, interview} {
				if f, ok := ov.Final(id); !ok || f.Suggested != nil {
					t.Errorf("final score of %s: %+v, want one with no suggestion", id, f)
				}
			}
		})
	}
}
