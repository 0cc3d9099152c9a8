package survey

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/scoring"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// Final is the SurveyorID of the reconciled scores.
const Final int64 = 0

// The audit actions whose rows carry the surveyors' scores or their
// reconciliation.
const (
	ActionScore      = "survey.score"
	ActionReconcile  = "survey.reconcile"
	ActionFinalScore = "survey.final_score"
)

// ScoreActions lists the audit actions whose rows carry scores: the audit
// log shows them to those who see the survey's scores (authz SeesScores),
// like its overview.
var ScoreActions = []string{ActionScore, ActionReconcile, ActionFinalScore}

// ScoreInput is a surveyor's score of one EP.
type ScoreInput struct {
	Element        string `json:"element"`
	Score          string `json:"score"` // "10", "5", "0" or "TDD"
	Facts          string `json:"facts"` // fakta dan analisis
	Recommendation string `json:"recommendation"`
}

// row validates a score and makes it a row for surveyor (Final for the
// reconciled score) with the system's suggestion (nil: none).
func (s *Service) row(id, surveyor, by int64, in ScoreInput, suggested *int) (bukti.SurveyScore, error) {
	if _, err := s.element(in.Element); err != nil {
		return bukti.SurveyScore{}, err
	}
	score, tdd, err := ParseScore(s.Catalogue, in.Score)
	if err != nil {
		return bukti.SurveyScore{}, err
	}
	facts, rec := strings.TrimSpace(in.Facts), strings.TrimSpace(in.Recommendation)
	for _, f := range []struct{ id, en, v string }{{"Fakta dan analisis", "facts", facts}, {"Rekomendasi", "recommendation", rec}} {
		if n := textLen(f.v); n < MinNarrative || n > maxText {
			return bukti.SurveyScore{}, bukti.E(bukti.EINVALID, "err.survey.for_must_characters_got", f.id, in.Element, MinNarrative, maxText, n)
		}
	}
	return bukti.SurveyScore{SurveyID: id, ElementID: in.Element, SurveyorID: surveyor, Score: score, TDD: tdd,
		Facts: facts, Recommendation: rec, Suggested: suggested, UpdatedBy: by, UpdatedAt: s.Now().UTC()}, nil
}

// Score records an assigned surveyor's score of one EP while the survey
// is in review, with the system's suggestion from the reviewed evidence.
// A final score the EP already had is dropped: the changed score must be
// reconciled again.
func (s *Service) Score(ctx context.Context, id, by int64, in ScoreInput) (*bukti.SurveyScore, error) {
	sug, err := s.Suggestions(ctx, id)
	if err != nil {
		return nil, err
	}
	row, err := s.row(id, by, by, in, suggestionOf(sug, in.Element))
	if err != nil {
		return nil, err
	}
	err = s.change(ctx, id, Score, by, func(u *sqlstore.Tx, sv *bukti.Survey) error {
		if err := u.SaveSurveyScore(&row); err != nil {
			return err
		}
		if err := u.DeleteSurveyScore(id, row.ElementID, Final); err != nil {
			return err
		}
		return s.audit(u, sv, ActionScore, fmt.Sprintf("%s: %s", row.ElementID, FormatScore(row.Score, row.TDD)))
	})
	if err != nil {
		return nil, err
	}
	return &row, nil
}

// Scores returns every score of a survey: each surveyor's and the final
// ones (SurveyorID Final), by EP then surveyor.
func (s *Service) Scores(ctx context.Context, id int64) ([]bukti.SurveyScore, error) {
	return s.Store.SurveyScores(ctx, id)
}

// Suggestions returns the system's suggested score per EP from the
// reviewed snapshot: accepted items count as present, rejected ones as
// rejected, items not yet reviewed not at all; TDD marks (the facility's
// and the self-assessment's) are taken as they are. The rules are
// readiness.Score's: the documentary (R and D) evidence alone makes the
// suggestion. An EP proposed TDD, or with no R or D item, has none: it is
// absent from the map, and no score of it differs from the system's.
func (s *Service) Suggestions(ctx context.Context, id int64) (map[string]int, error) {
	sv, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	items, err := s.Items(ctx, id)
	if err != nil {
		return nil, err
	}
	self, err := s.SelfAssessments(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.suggest(ctx, sv, items, self)
}

// suggest is Suggestions on a survey's snapshot and self-assessment
// already loaded.
func (s *Service) suggest(ctx context.Context, sv *bukti.Survey, items []bukti.SnapshotItem, self []bukti.SelfAssessment) (map[string]int, error) {
	ins, err := s.Evidence.Inputs(ctx, []int64{sv.FacilityID})
	if err != nil {
		return nil, err
	}
	in := ins[sv.FacilityID]
	in.Items = reviewedItems(s.Catalogue, in.Items, items)
	for _, a := range self {
		if a.TDD {
			in.NotApplicable[a.ElementID] = a.Justification
		}
	}
	rep := readiness.Score(s.Catalogue, in)
	out := map[string]int{}
	for e := range rep.Elements() {
		if v, ok := e.Suggestion(); ok {
			out[e.ID] = v
		}
	}
	return out, nil
}

// suggestionOf is the suggestion for an EP as a score row stores it: nil
// when there is none.
func suggestionOf(sug map[string]int, element string) *int {
	if v, ok := sug[element]; ok {
		return &v
	}
	return nil
}

// reviewedItems keeps the interview items of live (the named
// interviewees, reported as interview preparation) and adds the reviewed
// current snapshot items.
func reviewedItems(c *catalogue.Catalogue, live []readiness.Item, snap []bukti.SnapshotItem) []readiness.Item {
	var out []readiness.Item
	for _, it := range live {
		if r, _, ok := c.Requirement(it.RequirementID); ok && r.Method == catalogue.Wawancara {
			out = append(out, it)
		}
	}
	for _, it := range Current(snap) {
		if it.Review == bukti.ReviewPending {
			continue
		}
		out = append(out, readiness.Item{RequirementID: it.RequirementID, Stage: it.Stage, Part: it.Part,
			Rejected: it.Review == bukti.ReviewRejected, ValidUntil: it.ValidUntil})
	}
	return out
}

// Conflict is an EP the team lead must decide: surveyors disagree or not
// all of them scored it.
type Conflict struct {
	Element string              `json:"element"`
	Reason  string              `json:"reason"` // "differ" or "missing"
	Scores  []bukti.SurveyScore `json:"scores"`
}

// Reconcile, for the team lead, makes the final score of every EP on which
// all assigned surveyors agree (facts and recommendation from the lead's
// score, else the first surveyor's) and that has no final score yet. It
// returns the EP left to decide with SetFinal; when none is left the
// survey becomes scored.
func (s *Service) Reconcile(ctx context.Context, id, by int64) ([]Conflict, error) {
	var conflicts []Conflict
	err := s.change(ctx, id, Reconcile, by, func(u *sqlstore.Tx, sv *bukti.Survey) error {
		team, err := u.SurveyTeam(sv)
		if err != nil {
			return err
		}
		rows, err := u.SurveyScores(id)
		if err != nil {
			return err
		}
		byEP := map[string]map[int64]bukti.SurveyScore{}
		for _, r := range rows {
			if byEP[r.ElementID] == nil {
				byEP[r.ElementID] = map[int64]bukti.SurveyScore{}
			}
			byEP[r.ElementID][r.SurveyorID] = r
		}
		var finals []bukti.SurveyScore
		for _, e := range s.elements() {
			got := byEP[e]
			if _, ok := got[Final]; ok {
				continue
			}
			var scores []bukti.SurveyScore
			for _, u := range team {
				if r, ok := got[u.ID]; ok {
					scores = append(scores, r)
				}
			}
			switch {
			case len(scores) < len(team):
				conflicts = append(conflicts, Conflict{Element: e, Reason: "missing", Scores: scores})
			case !agree(scores):
				conflicts = append(conflicts, Conflict{Element: e, Reason: "differ", Scores: scores})
			default:
				f := scores[0]
				if r, ok := got[by]; ok {
					f = r
				}
				f.SurveyorID, f.UpdatedBy, f.UpdatedAt = Final, by, u.Now
				finals = append(finals, f)
			}
		}
		if err := u.CreateSurveyScores(finals); err != nil {
			return err
		}
		if err := s.markScored(u, sv); err != nil {
			return err
		}
		return s.audit(u, sv, ActionReconcile, fmt.Sprintf("%d EP agreed, %d to decide", len(finals), len(conflicts)))
	})
	if err != nil {
		return nil, err
	}
	return conflicts, nil
}

func agree(scores []bukti.SurveyScore) bool {
	for _, r := range scores[1:] {
		if r.TDD != scores[0].TDD || (!r.TDD && r.Score != scores[0].Score) {
			return false
		}
	}
	return true
}

// SetFinal, for the team lead, sets the final score of one EP (deciding a
// conflict or overriding an agreed score) until the survey is finalized.
func (s *Service) SetFinal(ctx context.Context, id, by int64, in ScoreInput) (*bukti.SurveyScore, error) {
	sug, err := s.Suggestions(ctx, id)
	if err != nil {
		return nil, err
	}
	row, err := s.row(id, Final, by, in, suggestionOf(sug, in.Element))
	if err != nil {
		return nil, err
	}
	err = s.change(ctx, id, SetFinal, by, func(u *sqlstore.Tx, sv *bukti.Survey) error {
		if err := u.SaveSurveyScore(&row); err != nil {
			return err
		}
		if err := s.markScored(u, sv); err != nil {
			return err
		}
		return s.audit(u, sv, ActionFinalScore, fmt.Sprintf("%s: %s", row.ElementID, FormatScore(row.Score, row.TDD)))
	})
	if err != nil {
		return nil, err
	}
	return &row, nil
}

// markScored moves a survey in review to scored once every EP has a final
// score, inside the unit t.
func (s *Service) markScored(t *sqlstore.Tx, sv *bukti.Survey) error {
	if sv.State != bukti.SurveyInReview {
		return nil
	}
	n, err := t.CountSurveyScoresBy(sv.ID, Final)
	if err != nil {
		return err
	}
	if int(n) < len(s.elements()) {
		return nil
	}
	sv.State = bukti.SurveyScored
	return t.SetSurveyState(sv, sv.State)
}

func finalScores(rows []bukti.SurveyScore) map[string]scoring.Score {
	out := map[string]scoring.Score{}
	for _, r := range rows {
		if r.SurveyorID == Final {
			out[r.ElementID] = scoring.Score{Value: r.Score, TDD: r.TDD}
		}
	}
	return out
}

// Finalize, for the team lead, closes a scored survey once every current
// snapshot item is reviewed: it records the recommended status, makes a
// PPS row for every EP scored below the maximum, and locks the survey
// against every further change.
func (s *Service) Finalize(ctx context.Context, id, by int64) (*bukti.Survey, error) {
	var out *bukti.Survey
	err := s.change(ctx, id, Finalize, by, func(u *sqlstore.Tx, sv *bukti.Survey) error {
		rows, err := u.SurveyScoresBy(id, Final)
		if err != nil {
			return err
		}
		t := scoring.Compute(s.Catalogue, finalScores(rows))
		if len(t.Unscored) > 0 {
			return bukti.E(bukti.ECONFLICT, "err.survey.ep_have_no_final_score", len(t.Unscored), preview(t.Unscored))
		}
		pending, err := u.CountCurrentSurveyItems(id, bukti.ReviewPending)
		if err != nil {
			return err
		}
		if pending > 0 {
			return bukti.E(bukti.ECONFLICT, "err.survey.snapshot_items_not_reviewed_yet", pending)
		}
		now := u.Now
		var pps []bukti.PPSItem
		for _, r := range rows {
			if !r.TDD && r.Score < s.Catalogue.Scoring.Max() {
				pps = append(pps, bukti.PPSItem{SurveyID: id, ElementID: r.ElementID, Score: r.Score, Recommendation: r.Recommendation,
					State: bukti.PPSOpen, UpdatedAt: now})
			}
		}
		if err := u.CreateSurveyPPS(pps); err != nil {
			return err
		}
		if err := u.FreezeSurveyTeam(sv); err != nil {
			return err
		}
		result, err := json.Marshal(t)
		if err != nil {
			return err
		}
		sv.State, sv.Status, sv.Result, sv.FinalizedAt, sv.FinalizedBy = bukti.SurveyFinal, t.Status, string(result), &now, &by
		if err := u.SetSurveyFinal(sv); err != nil {
			return err
		}
		out = sv
		return s.audit(u, sv, "survey.finalize", fmt.Sprintf("status %s, %d PPS rows", t.Status, len(pps)))
	})
	return out, err
}
