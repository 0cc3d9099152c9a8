package evidence

import (
	"context"
	"fmt"
	"strings"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// Readiness is a facility's readiness report as of now (Scored's Report):
// shared with every other reader while the facility's inputs stay as
// they are, so the caller must not modify it.
func (s *Service) Readiness(ctx context.Context, facilityID int64) (readiness.Report, error) {
	sc, err := s.Scored(ctx, facilityID)
	if err != nil {
		return readiness.Report{}, err
	}
	return sc.Report, nil
}

// Inputs loads the readiness inputs (live evidence, named interviewees, TDD
// marks) of several facilities. Every requested facility has an entry,
// empty when it holds nothing.
func (s *Service) Inputs(ctx context.Context, facilityIDs []int64) (map[int64]readiness.Input, error) {
	return s.Store.ReadinessInputs(ctx, facilityIDs, s.Now())
}

// SetNotApplicable marks an EP TDD for a facility with a reason, or
// updates the reason.
func (s *Service) SetNotApplicable(ctx context.Context, facilityID int64, elementID, reason string, by int64) (*bukti.NotApplicable, error) {
	reason = strings.TrimSpace(reason)
	if _, ok := s.Catalogue.Element(elementID); !ok {
		return nil, bukti.E(bukti.EINVALID, "err.evidence.unknown_element_expected_e_g", elementID)
	}
	if len([]rune(reason)) < 10 || len([]rune(reason)) > maxNotes {
		return nil, bukti.E(bukti.EINVALID, "err.evidence.tdd_reason_10_2000_characters")
	}
	if err := s.facilityExists(ctx, facilityID); err != nil {
		return nil, err
	}
	na := bukti.NotApplicable{FacilityID: facilityID, ElementID: elementID, Reason: reason, SetBy: by}
	err := s.Store.Run(ctx, &by, func(t *sqlstore.Tx) error {
		na.CreatedAt = t.Now
		if err := t.PutNotApplicable(&na); err != nil {
			return err
		}
		return audit(t, "element.tdd", "element", elementID, facilityID, reason)
	})
	if err != nil {
		return nil, err
	}
	return &na, nil
}

// ClearNotApplicable makes an EP applicable again.
func (s *Service) ClearNotApplicable(ctx context.Context, facilityID int64, elementID string, by int64) error {
	return s.Store.Run(ctx, &by, func(t *sqlstore.Tx) error {
		deleted, err := t.DeleteNotApplicable(facilityID, elementID)
		if err != nil {
			return err
		}
		if !deleted {
			return bukti.E(bukti.ENOTFOUND, "err.evidence.element_not_marked_tdd_for", elementID, facilityID)
		}
		return audit(t, "element.applicable", "element", elementID, facilityID, "")
	})
}

// ListNotApplicable returns a facility's TDD marks.
func (s *Service) ListNotApplicable(ctx context.Context, facilityID int64) ([]bukti.NotApplicable, error) {
	if err := s.facilityExists(ctx, facilityID); err != nil {
		return nil, err
	}
	return s.Store.NotApplicableOf(ctx, facilityID)
}

// SetInterviewee names (or renames) the person for one role of a W item.
func (s *Service) SetInterviewee(ctx context.Context, in bukti.Interviewee) (*bukti.Interviewee, error) {
	rows, err := s.SetInterviewees(ctx, in.FacilityID, in.RequirementID, []bukti.Interviewee{in}, in.UpdatedBy)
	if err != nil {
		return nil, err
	}
	return &rows[0], nil
}

// SetInterviewees names the people for several roles of one W item at
// once (the requirement page's one form). A row with an empty name is
// left as it was; when no row holds a name, or any row is invalid,
// nothing is saved. It returns the rows saved.
func (s *Service) SetInterviewees(ctx context.Context, facilityID int64, reqID string, rows []bukti.Interviewee, by int64) ([]bukti.Interviewee, error) {
	r, _, ok := s.Catalogue.Requirement(reqID)
	if !ok || r.Method != catalogue.Wawancara {
		return nil, bukti.E(bukti.EINVALID, "err.evidence.not_interview_w_requirement_expected", reqID)
	}
	var named []bukti.Interviewee
	for _, in := range rows {
		if !r.HasInterviewee(in.Role) {
			return nil, bukti.E(bukti.EINVALID, "err.evidence.role_not_listed_for_choose", in.Role, r.ID, strings.Join(r.Interviewees, ", "))
		}
		in.Name, in.Position = strings.TrimSpace(in.Name), strings.TrimSpace(in.Position)
		if len([]rune(in.Name)) > maxShort || len([]rune(in.Position)) > maxShort {
			return nil, bukti.E(bukti.EINVALID, "err.evidence.name_required_at_most_200")
		}
		if in.Name != "" {
			in.FacilityID, in.RequirementID, in.UpdatedBy = facilityID, reqID, by
			named = append(named, in)
		}
	}
	if len(named) == 0 {
		return nil, bukti.E(bukti.EINVALID, "err.evidence.name_required_at_most_200")
	}
	if err := s.facilityExists(ctx, facilityID); err != nil {
		return nil, err
	}
	err := s.Store.Run(ctx, &by, func(t *sqlstore.Tx) error {
		for i := range named {
			in := &named[i]
			in.UpdatedAt = t.Now
			if err := t.PutInterviewee(in); err != nil {
				return err
			}
			if err := audit(t, "interviewee.set", "requirement", in.RequirementID, in.FacilityID, fmt.Sprintf("%s: %s", in.Role, in.Name)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return named, nil
}

// ListInterviewees returns the people a facility named for W items.
func (s *Service) ListInterviewees(ctx context.Context, facilityID int64) ([]bukti.Interviewee, error) {
	if err := s.facilityExists(ctx, facilityID); err != nil {
		return nil, err
	}
	return s.Store.IntervieweesOf(ctx, facilityID)
}
