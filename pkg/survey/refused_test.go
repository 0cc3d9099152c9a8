package survey_test

import (
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestParseScore reads scores as users write them.
func TestParseScore(t *testing.T) {
	builtin := criteria.MustBuiltin()
	noTDD, err := catalogue.Parse("tanpa-tdd.yaml", []byte(`format: bukti-catalogue/v1
id: tanpa-tdd
version: "1"
title: Tanpa TDD
scoring:
  values: [10, 5, 0]
  tdd: false
  statuses:
    - {name: Lulus, min: {I: 80}}
  below: Tidak Lulus
bab:
  - id: I
    title: Bab Satu
    standar:
      - id: "1.1"
        title: Standar
        kriteria:
          - id: "1.1.1"
            title: Kriteria
            statement: Pernyataan.
            elements:
              - letter: a
                text: Elemen.
                methods: [D]
                requirements:
                  - {key: D1, method: D, title: Dokumen}
`))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		cat   *catalogue.Catalogue
		in    string
		score int
		tdd   bool
		ok    bool
	}{
		{"10", builtin, "10", 10, false, true},
		{"5", builtin, "5", 5, false, true},
		{"0", builtin, "0", 0, false, true},
		{"TDD", builtin, "TDD", 0, true, true},
		{"tdd in lower case", builtin, "tdd", 0, true, true},
		{"tdd with spaces around", builtin, " Tdd\t", 0, true, true},
		{"5 with spaces around", builtin, " 5 ", 5, false, true},
		{"7 is no score value", builtin, "7", 0, false, false},
		{"15 is over the maximum", builtin, "15", 0, false, false},
		{"negative", builtin, "-5", 0, false, false},
		{"decimal", builtin, "10.0", 0, false, false},
		{"leading zero", builtin, "05", 0, false, false},
		{"plus sign", builtin, "+5", 0, false, false},
		{"a word", builtin, "sepuluh", 0, false, false},
		{"empty", builtin, "", 0, false, false},
		{"blank", builtin, "   ", 0, false, false},
		{"TDD with a suffix", builtin, "TDD!", 0, false, false},
		{"TDD in a catalogue without TDD", noTDD, "TDD", 0, false, false},
		{"10 in a catalogue without TDD", noTDD, "10", 10, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			score, tdd, err := survey.ParseScore(tc.cat, tc.in)
			if !tc.ok {
				wantCode(t, "ParseScore("+tc.in+")", err, bukti.EINVALID)
				return
			}
			if err != nil || score != tc.score || tdd != tc.tdd {
				t.Fatalf("ParseScore(%q): got %d, %v, %v; want %d, %v, nil", tc.in, score, tdd, err, tc.score, tc.tdd)
			}
			if back := survey.FormatScore(score, tdd); strings.TrimSpace(back) != strings.ToUpper(strings.TrimSpace(tc.in)) {
				t.Errorf("FormatScore(%d, %v): got %q, want %q", score, tdd, back, strings.ToUpper(strings.TrimSpace(tc.in)))
			}
		})
	}
	// The message names the allowed values of the catalogue.
	_, _, err = survey.ParseScore(builtin, "7")
	if _, en := bukti.ErrorMessage(err); !strings.Contains(en, "10, 5, 0, TDD") {
		t.Errorf("message: got %q, want it to list 10, 5, 0, TDD", en)
	}
	_, _, err = survey.ParseScore(noTDD, "TDD")
	if _, en := bukti.ErrorMessage(err); !strings.Contains(en, "choose 10, 5, 0") || strings.Contains(en, "0, TDD") {
		t.Errorf("message without TDD: got %q, want it to list 10, 5, 0 only", en)
	}
}

// TestSurveyRefused checks that bad input, the wrong person and the wrong
// state are refused with the right code and a message, and change nothing.
//
// Survey "review" (lead and second assigned) is in review with three
// items: a/R1 accepted, a/R2 pending, c/D2 rejected; a/R1 and a/R2 have a
// newer revision than the snapshot. Survey "self" (outsider assigned, also
// its lead) is in self-assessment with only EP a scored. Survey "planned"
// (lead assigned) is planned.
func TestSurveyRefused(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			e := newEnv(t, combo.DB, combo.Store)
			ctx := e.ctx
			r1 := e.upload(0, "2.1.2/a/R1", "SK Kepala Puskesmas", evidence.Meta{})
			r2 := e.upload(0, "2.1.2/a/R2", "SOP pemberdayaan", evidence.Meta{})
			cd2 := e.upload(0, "2.1.2/c/D2", "Tindak lanjut", evidence.Meta{})
			elsewhere := e.upload(e.otherFacility, "2.1.2/a/R1", "SK Puskesmas lain", evidence.Meta{})

			inReview := e.newSurvey(e.lead, e.lead, e.second)
			e.selfAssess(inReview.ID, "5", "0", "TDD")
			if _, err := e.svc.Submit(ctx, inReview.ID, e.team); err != nil {
				t.Fatalf("Submit: %v", err)
			}
			items := e.items(inReview.ID)
			e.review(inReview.ID, items[r1.ID].ID, e.lead, bukti.ReviewAccepted, "")
			e.review(inReview.ID, items[cd2.ID].ID, e.second, bukti.ReviewRejected, "Tidak ada tanda tangan kepala Puskesmas.")
			e.revise(r1.ID, "SK Kepala Puskesmas revisi")
			e.revise(r2.ID, "SOP pemberdayaan revisi")

			self := e.newSurvey(e.outsider, e.outsider)
			e.selfAssess(self.ID, "5", "", "")
			planned := e.newSurvey(e.lead, e.lead)

			rv, sa, pl := inReview.ID, self.ID, planned.ID
			good := func(ep string) survey.ScoreInput {
				return survey.ScoreInput{Element: ep, Score: "5", Facts: leadFacts, Recommendation: leadRec}
			}
			with := func(f func(*survey.ScoreInput)) survey.ScoreInput {
				in := good(epA)
				f(&in)
				return in
			}
			selfScore := func(ep, score, just string) survey.SelfScore {
				return survey.SelfScore{Element: ep, Score: score, Justification: just}
			}
			start := time.Date(2025, time.May, 5, 0, 0, 0, 0, time.UTC)
			end := start.AddDate(0, 0, -1)

			selfAssess := func(id int64, in ...survey.SelfScore) func() error {
				return func() error { _, err := e.svc.SelfAssess(ctx, id, e.team, in); return err }
			}
			review := func(id, item, by int64, verdict, note string) func() error {
				return func() error {
					_, err := e.svc.Review(ctx, id, item, by, survey.Verdict{Review: verdict, Note: note})
					return err
				}
			}
			resubmit := func(id, ev int64) func() error {
				return func() error { _, err := e.svc.Resubmit(ctx, id, ev, e.team); return err }
			}
			score := func(id, by int64, in survey.ScoreInput) func() error {
				return func() error { _, err := e.svc.Score(ctx, id, by, in); return err }
			}
			setFinal := func(id, by int64, in survey.ScoreInput) func() error {
				return func() error { _, err := e.svc.SetFinal(ctx, id, by, in); return err }
			}
			create := func(in survey.Input) func() error {
				return func() error { _, err := e.svc.Create(ctx, in, e.admin); return err }
			}
			pendingItem := items[r2.ID].ID

			cases := []struct {
				name string
				call func() error
				code string
			}{
				// Self-assessment.
				{"self-assessment: score 7", selfAssess(sa, selfScore(epB, "7", justification)), bukti.EINVALID},
				{"self-assessment: empty score", selfAssess(sa, selfScore(epB, "", justification)), bukti.EINVALID},
				{"self-assessment: justification under 10 characters", selfAssess(sa, selfScore(epB, "5", "  kurang  ")), bukti.EINVALID},
				{"self-assessment: unknown EP", selfAssess(sa, selfScore("2.1.2/d", "5", justification)), bukti.EINVALID},
				{"self-assessment: EP without a kriteria", selfAssess(sa, selfScore("b", "5", justification)), bukti.EINVALID},
				{"self-assessment: nothing", selfAssess(sa), bukti.EINVALID},
				{"self-assessment: one bad score among good ones", selfAssess(sa, selfScore(epB, "5", justification), selfScore(epC, "7", justification)), bukti.EINVALID},
				{"self-assessment: the same EP twice", selfAssess(sa, selfScore(epB, "5", justification), selfScore(epB, "10", justification)), bukti.EINVALID},
				{"self-assessment: survey in review", selfAssess(rv, selfScore(epA, "10", justification)), bukti.ECONFLICT},
				{"self-assessment: unknown survey", selfAssess(4242, selfScore(epA, "10", justification)), bukti.ENOTFOUND},
				{"self-assessment: a surveyor of the survey", func() error {
					_, err := e.svc.SelfAssess(ctx, sa, e.outsider, []survey.SelfScore{selfScore(epB, "5", justification)})
					return err
				}, bukti.EFORBIDDEN},

				// Submit.
				{"submit: incomplete self-assessment", func() error { _, err := e.svc.Submit(ctx, sa, e.team); return err }, bukti.EINVALID},
				{"submit: planned survey", func() error { _, err := e.svc.Submit(ctx, pl, e.team); return err }, bukti.ECONFLICT},
				{"submit: twice", func() error { _, err := e.svc.Submit(ctx, rv, e.team); return err }, bukti.ECONFLICT},
				{"submit: a surveyor of the survey", func() error { _, err := e.svc.Submit(ctx, sa, e.outsider); return err }, bukti.EFORBIDDEN},

				// Review.
				{"review: unknown verdict", review(rv, pendingItem, e.lead, "maybe", ""), bukti.EINVALID},
				{"review: pending is no verdict", review(rv, pendingItem, e.lead, bukti.ReviewPending, ""), bukti.EINVALID},
				{"review: rejection without a reason", review(rv, pendingItem, e.lead, bukti.ReviewRejected, ""), bukti.EINVALID},
				{"review: rejection with a 9-character reason", review(rv, pendingItem, e.lead, bukti.ReviewRejected, "  belum ada  "), bukti.EINVALID},
				{"review: note over 2000 characters", review(rv, pendingItem, e.lead, bukti.ReviewAccepted, strings.Repeat("é", 2001)), bukti.EINVALID},
				{"review: surveyor of another survey of the facility", review(rv, pendingItem, e.outsider, bukti.ReviewAccepted, ""), bukti.EFORBIDDEN},
				{"review: the quality team", review(rv, pendingItem, e.team, bukti.ReviewAccepted, ""), bukti.EFORBIDDEN},
				{"review: unknown item", review(rv, pendingItem+100, e.lead, bukti.ReviewAccepted, ""), bukti.ENOTFOUND},
				{"review: survey in self-assessment", review(sa, pendingItem, e.outsider, bukti.ReviewAccepted, ""), bukti.ECONFLICT},
				{"review: planned survey", review(pl, pendingItem, e.lead, bukti.ReviewAccepted, ""), bukti.ECONFLICT},

				// Resubmit.
				{"resubmit: accepted item", resubmit(rv, r1.ID), bukti.ECONFLICT},
				{"resubmit: pending item", resubmit(rv, r2.ID), bukti.ECONFLICT},
				{"resubmit: rejected item without a new revision", resubmit(rv, cd2.ID), bukti.ECONFLICT},
				{"resubmit: evidence of another facility", resubmit(rv, elsewhere.ID), bukti.ENOTFOUND},
				{"resubmit: unknown evidence", resubmit(rv, 4242), bukti.ENOTFOUND},
				{"resubmit: survey in self-assessment", resubmit(sa, r1.ID), bukti.ECONFLICT},
				{"resubmit: a surveyor of the survey", func() error { _, err := e.svc.Resubmit(ctx, rv, r2.ID, e.lead); return err }, bukti.EFORBIDDEN},

				// Score.
				{"score: 7", score(rv, e.lead, with(func(in *survey.ScoreInput) { in.Score = "7" })), bukti.EINVALID},
				{"score: empty", score(rv, e.lead, with(func(in *survey.ScoreInput) { in.Score = "" })), bukti.EINVALID},
				{"score: facts of 29 characters", score(rv, e.lead, with(func(in *survey.ScoreInput) { in.Facts = narrative(29) })), bukti.EINVALID},
				{"score: recommendation of 29 characters", score(rv, e.lead, with(func(in *survey.ScoreInput) { in.Recommendation = narrative(29) })), bukti.EINVALID},
				{"score: facts of 29 characters padded with spaces", score(rv, e.lead, with(func(in *survey.ScoreInput) { in.Facts = "  " + narrative(29) + "   " })), bukti.EINVALID},
				{"score: facts over 4000 characters", score(rv, e.lead, with(func(in *survey.ScoreInput) { in.Facts = narrative(4001) })), bukti.EINVALID},
				{"score: no recommendation", score(rv, e.lead, with(func(in *survey.ScoreInput) { in.Recommendation = "" })), bukti.EINVALID},
				{"score: unknown EP", score(rv, e.lead, good("2.1.2/z")), bukti.EINVALID},
				{"score: surveyor of another survey of the facility", score(rv, e.outsider, good(epA)), bukti.EFORBIDDEN},
				{"score: the quality team", score(rv, e.team, good(epA)), bukti.EFORBIDDEN},
				{"score: planned survey", score(pl, e.lead, good(epA)), bukti.ECONFLICT},
				{"score: survey in self-assessment", score(sa, e.outsider, good(epA)), bukti.ECONFLICT},

				// Reconcile, SetFinal, Finalize: the lead only, in their states.
				{"reconcile: surveyor who is not the lead", func() error { _, err := e.svc.Reconcile(ctx, rv, e.second); return err }, bukti.EFORBIDDEN},
				{"reconcile: surveyor of another survey", func() error { _, err := e.svc.Reconcile(ctx, rv, e.outsider); return err }, bukti.EFORBIDDEN},
				{"reconcile: planned survey", func() error { _, err := e.svc.Reconcile(ctx, pl, e.lead); return err }, bukti.ECONFLICT},
				{"set final: surveyor who is not the lead", setFinal(rv, e.second, good(epA)), bukti.EFORBIDDEN},
				{"set final: score 7", setFinal(rv, e.lead, with(func(in *survey.ScoreInput) { in.Score = "7" })), bukti.EINVALID},
				{"set final: recommendation of 29 characters", setFinal(rv, e.lead, with(func(in *survey.ScoreInput) { in.Recommendation = narrative(29) })), bukti.EINVALID},
				{"set final: unknown EP", setFinal(rv, e.lead, good("2.1.2/z")), bukti.EINVALID},
				{"set final: survey in self-assessment", setFinal(sa, e.outsider, good(epA)), bukti.ECONFLICT},
				{"finalize: survey in review", func() error { _, err := e.svc.Finalize(ctx, rv, e.lead); return err }, bukti.ECONFLICT},
				{"finalize: planned survey", func() error { _, err := e.svc.Finalize(ctx, pl, e.lead); return err }, bukti.ECONFLICT},

				// PPS exists once final.
				{"PPS: survey in review", func() error {
					_, err := e.svc.UpdatePPS(ctx, rv, 1, e.team, survey.PPSInput{Action: "a", Responsible: "b", Progress: 10})
					return err
				}, bukti.ECONFLICT},

				// Create.
				{"create: unknown type", create(survey.Input{FacilityID: e.facility, Type: "akreditasi", Surveyors: []int64{e.lead}}), bukti.EINVALID},
				{"create: unknown mode", create(survey.Input{FacilityID: e.facility, Type: "initial", Mode: "online", Surveyors: []int64{e.lead}}), bukti.EINVALID},
				{"create: no surveyor", create(survey.Input{FacilityID: e.facility, Type: "initial"}), bukti.EINVALID},
				{"create: five surveyors", create(survey.Input{FacilityID: e.facility, Type: "initial", Surveyors: []int64{e.lead, e.second, e.outsider, e.team, e.admin}}), bukti.EINVALID},
				{"create: lead not among the surveyors", create(survey.Input{FacilityID: e.facility, Type: "initial", Surveyors: []int64{e.lead}, Lead: e.second}), bukti.EINVALID},
				{"create: end before start", create(survey.Input{FacilityID: e.facility, Type: "initial", Surveyors: []int64{e.lead}, StartDate: &start, EndDate: &end}), bukti.EINVALID},
				{"create: unknown facility", create(survey.Input{FacilityID: 4242, Type: "initial", Surveyors: []int64{e.lead}}), bukti.ENOTFOUND},
				{"create: unknown surveyor", create(survey.Input{FacilityID: e.facility, Type: "initial", Surveyors: []int64{e.lead, 4242}}), bukti.EINVALID},
				{"create: unknown surveyor email", create(survey.Input{FacilityID: e.facility, Type: "initial", SurveyorEmails: []string{"tidak-ada@surveior.example"}}), bukti.EINVALID},
				{"create: emails and IDs together", create(survey.Input{FacilityID: e.facility, Type: "initial", SurveyorEmails: []string{"ketua@surveior.example"}, Lead: e.lead}), bukti.EINVALID},
				{"create: lead email not among the surveyors", create(survey.Input{FacilityID: e.facility, Type: "initial", SurveyorEmails: []string{"ketua@surveior.example"}, LeadEmail: "anggota@surveior.example"}), bukti.EINVALID},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					before := e.dump()
					wantCode(t, tc.name, tc.call(), tc.code)
					sameDump(t, tc.name, before, e.dump())
				})
			}

			// After all that, the surveys are where they were.
			for _, c := range []struct {
				id    int64
				state string
			}{{rv, bukti.SurveyInReview}, {sa, bukti.SurveySelfAssessment}, {pl, bukti.SurveyPlanned}} {
				if got := e.survey(c.id).State; got != c.state {
					t.Errorf("survey %d: state %q, want %q", c.id, got, c.state)
				}
			}
		})
	}
}
