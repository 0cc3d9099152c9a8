package survey

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// Items returns a survey's snapshot, by requirement then evidence and
// revision; superseded items are included (their SupersededBy is set).
func (s *Service) Items(ctx context.Context, id int64) ([]bukti.SnapshotItem, error) {
	return s.Store.SurveyItems(ctx, id)
}

// Current returns the items under review: those not superseded.
func Current(items []bukti.SnapshotItem) []bukti.SnapshotItem {
	return slices.DeleteFunc(slices.Clone(items), func(it bukti.SnapshotItem) bool { return it.SupersededBy != nil })
}

// Verdict is a surveyor's review of one snapshot item.
type Verdict struct {
	Review string `json:"review"` // accepted or rejected
	Note   string `json:"note"`   // required when rejecting
}

// Review records an assigned surveyor's verdict on a snapshot item until
// the survey is finalized (in review, or scored: every item needs a verdict
// before finalization). A rejection needs a reason; it is also set on
// the evidence record when the item is still its latest revision, so the
// quality team sees it as something to fix.
func (s *Service) Review(ctx context.Context, id, itemID, by int64, v Verdict) (*bukti.SnapshotItem, error) {
	if err := checkVerdict(&v); err != nil {
		return nil, err
	}
	var it bukti.SnapshotItem
	err := s.change(ctx, id, Review, by, func(u *sqlstore.Tx, sv *bukti.Survey) error {
		var err error
		it, _, err = s.reviewIn(u, sv, itemID, by, v, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &it, nil
}

// reflect copies a verdict onto the evidence record, through the evidence
// service (which touches the facility, dropping its cached scores), when
// no newer survey of the facility is under review (that survey's verdicts
// are the current ones) and the reviewed revision is still the record's
// latest.
func (s *Service) reflect(u *sqlstore.Tx, sv *bukti.Survey, it *bukti.SnapshotItem) error {
	newer, err := u.CountNewerSurveys(sv.FacilityID, sv.ID, []string{bukti.SurveyInReview, bukti.SurveyScored})
	if err != nil {
		return err
	}
	if newer > 0 {
		return nil
	}
	_, err = s.Evidence.SetVerdict(u, sv.FacilityID, it.EvidenceID, it.RevisionNumber, evidence.Verdict{Review: it.Review, Note: it.ReviewNote})
	return err
}

func itemNotFound(id int64) error {
	return bukti.E(bukti.ENOTFOUND, "err.survey.snapshot_item_not_found_in", id)
}

// Resubmit adds the latest revision of an evidence record to the snapshot
// while the survey is in review: a re-upload after a rejection (the
// rejected item is superseded) or evidence the snapshot did not hold. An
// item still pending or accepted cannot be replaced.
func (s *Service) Resubmit(ctx context.Context, id, evidenceID, by int64) (*bukti.SnapshotItem, error) {
	var it bukti.SnapshotItem
	err := s.change(ctx, id, Resubmit, by, func(u *sqlstore.Tx, sv *bukti.Survey) error {
		ev, err := u.SurveyEvidence(sv.FacilityID, evidenceID)
		if errors.Is(err, sqlstore.ErrNotFound) {
			return evidence.NotFound(evidenceID)
		} else if err != nil {
			return err
		}
		rev := ev.Latest()
		if rev == nil {
			return evidence.NotFound(evidenceID)
		}
		if _, _, ok := s.Catalogue.Requirement(ev.RequirementID); !ok {
			return bukti.E(bukti.EINVALID, "err.survey.requirement_not_in_this_survey", ev.RequirementID)
		}
		prev, err := u.CurrentSurveyItem(id, evidenceID)
		found := err == nil
		if err != nil && !errors.Is(err, sqlstore.ErrNotFound) {
			return err
		}
		switch {
		case found && prev.RevisionNumber == rev.Number:
			return bukti.E(bukti.ECONFLICT, "err.survey.revision_evidence_already_in_snapshot", rev.Number, evidenceID)
		case found && prev.Review != bukti.ReviewRejected:
			return bukti.E(bukti.ECONFLICT, "err.survey.evidence_in_snapshot_not_rejected", evidenceID, prev.Review)
		}
		it = snapshotOf(id, ev, rev, u.Now)
		if err := u.CreateSurveyItem(&it); err != nil {
			return err
		}
		if found {
			if err := u.SupersedeSurveyItem(prev, it.ID); err != nil {
				return err
			}
		}
		return s.audit(u, sv, "survey.resubmit", "evidence "+strconv.FormatInt(evidenceID, 10)+" r"+strconv.Itoa(rev.Number))
	})
	if err != nil {
		return nil, err
	}
	return &it, nil
}
