package survey

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// SelfScore is the quality team's proposed score for one EP.
type SelfScore struct {
	Element       string `json:"element"`
	Score         string `json:"score"` // "10", "5", "0" or "TDD"
	Justification string `json:"justification"`
}

// SelfAssess records the quality team's proposed scores. The first one
// moves a planned survey into self-assessment. Each score stores the
// readiness scorer's suggestion next to it. Nothing is saved unless every
// score is valid: a *RowsError names each wrong one.
func (s *Service) SelfAssess(ctx context.Context, id, by int64, scores []SelfScore) ([]bukti.SelfAssessment, error) {
	if len(scores) == 0 {
		return nil, bukti.E(bukti.EINVALID, "err.survey.send_at_least_one_ep")
	}
	sv, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	rep, err := s.Evidence.Readiness(ctx, sv.FacilityID)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	rows := make([]bukti.SelfAssessment, 0, len(scores))
	seen := make(map[string]bool, len(scores))
	var bad rowsError
	for _, in := range scores {
		if _, err := s.element(in.Element); err != nil {
			bad.add(in.Element, in.Element, err)
			continue
		}
		if seen[in.Element] {
			bad.add(in.Element, in.Element, bukti.E(bukti.EINVALID, "err.survey.ep_scored_twice_in_one", in.Element))
			continue
		}
		seen[in.Element] = true
		score, tdd, err := ParseScore(s.Catalogue, in.Score)
		if err != nil {
			bad.add(in.Element, in.Element, err)
			continue
		}
		just := strings.TrimSpace(in.Justification)
		if n := textLen(just); n < MinJustification || n > 2000 {
			bad.add(in.Element, in.Element, bukti.E(bukti.EINVALID, "err.survey.justification_10_2000_characters_required", in.Element))
			continue
		}
		var suggested *int
		if es, ok := rep.Element(in.Element); ok {
			if v, ok := es.Suggestion(); ok {
				suggested = &v
			}
		}
		rows = append(rows, bukti.SelfAssessment{SurveyID: id, ElementID: in.Element, Score: score, TDD: tdd, Justification: just,
			Suggested: suggested, UpdatedBy: by, UpdatedAt: now})
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	err = s.change(ctx, id, SelfAssess, by, func(u *sqlstore.Tx, sv *bukti.Survey) error {
		if err := u.SaveSelfAssessments(rows); err != nil {
			return err
		}
		if sv.State == bukti.SurveyPlanned {
			if err := u.SetSurveyState(sv, bukti.SurveySelfAssessment); err != nil {
				return err
			}
		}
		return s.audit(u, sv, "survey.self_assess", fmt.Sprintf("%d EP", len(rows)))
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// SelfAssessments returns a survey's self-assessment, in EP order.
func (s *Service) SelfAssessments(ctx context.Context, id int64) ([]bukti.SelfAssessment, error) {
	return s.Store.SurveySelfAssessments(ctx, id)
}

// Submit ends the self-assessment: every EP must have a proposed score.
// It freezes the snapshot — the latest revision of every live evidence
// record of the facility, with its metadata as it is now — and opens the
// review. Later uploads do not change what the surveyors review unless the
// quality team resubmits them (Resubmit).
func (s *Service) Submit(ctx context.Context, id, by int64) (int, error) {
	var n int
	err := s.change(ctx, id, Submit, by, func(u *sqlstore.Tx, sv *bukti.Survey) error {
		done, err := u.SurveySelfAssessedElements(id)
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for _, e := range done {
			have[e] = true
		}
		var missing []string
		for _, e := range s.elements() {
			if !have[e] {
				missing = append(missing, e)
			}
		}
		if len(missing) > 0 {
			return bukti.E(bukti.EINVALID, "err.survey.self_assessment_incomplete_ep_without", len(missing), preview(missing))
		}
		items, err := s.freeze(u, sv)
		if err != nil {
			return err
		}
		n = len(items)
		now := u.Now
		if err := u.SetSurveySubmitted(sv, bukti.SurveyInReview, now); err != nil {
			return err
		}
		return s.audit(u, sv, "survey.submit", fmt.Sprintf("snapshot of %d evidence revisions", n))
	})
	return n, err
}

// freeze copies the latest revision of every live evidence record of the
// survey's facility into its snapshot, inside the unit t.
func (s *Service) freeze(t *sqlstore.Tx, sv *bukti.Survey) ([]bukti.SnapshotItem, error) {
	evs, err := t.SurveyFacilityEvidence(sv.FacilityID)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	items := make([]bukti.SnapshotItem, 0, len(evs))
	for i := range evs {
		if _, _, ok := s.Catalogue.Requirement(evs[i].RequirementID); !ok {
			continue // evidence of a requirement this catalogue does not have
		}
		if rev := evs[i].Latest(); rev != nil {
			items = append(items, snapshotOf(sv.ID, &evs[i], rev, now))
		}
	}
	return items, t.CreateSurveyItems(items)
}

func snapshotOf(surveyID int64, ev *bukti.Evidence, rev *bukti.Revision, now time.Time) bukti.SnapshotItem {
	return bukti.SnapshotItem{SurveyID: surveyID, EvidenceID: ev.ID, RevisionID: rev.ID, RevisionNumber: rev.Number,
		RequirementID: ev.RequirementID, Stage: ev.Stage, Part: ev.Part, Title: ev.Title, DocNumber: ev.DocNumber,
		DocRevision: ev.DocRevision, IssueDate: ev.IssueDate, ValidUntil: ev.ValidUntil, FileName: rev.FileName,
		ContentType: rev.ContentType, Size: rev.Size, SHA256: rev.SHA256, UploadedAt: rev.CreatedAt,
		Review: bukti.ReviewPending, AddedAt: now}
}

// preview lists at most five IDs.
func preview(ids []string) string {
	if len(ids) > 5 {
		return strings.Join(ids[:5], ", ") + ", …"
	}
	return strings.Join(ids, ", ")
}
