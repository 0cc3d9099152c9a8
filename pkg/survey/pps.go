package survey

import (
	"context"
	"errors"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// PPS returns a survey's improvement plan, in EP order.
func (s *Service) PPS(ctx context.Context, id int64) ([]bukti.PPSItem, error) {
	return s.Store.SurveyPPS(ctx, id)
}

// PPSInput is the quality team's plan and progress for one PPS row.
type PPSInput struct {
	Action      string     `json:"action"`
	Responsible string     `json:"responsible"`
	TargetDate  *time.Time `json:"target_date"`
	Indicator   string     `json:"indicator"`
	Progress    int        `json:"progress"` // percent, 0..100
}

// UpdatePPS saves the plan of one PPS row of a final survey. The state
// follows the progress: 0 open, 1–99 in progress, 100 done. The PPS is the
// one part of a survey that changes after finalization.
func (s *Service) UpdatePPS(ctx context.Context, id, rowID, by int64, in PPSInput) (*bukti.PPSItem, error) {
	if err := checkPPS(&in); err != nil {
		return nil, err
	}
	var row bukti.PPSItem
	err := s.change(ctx, id, EditPPS, by, func(u *sqlstore.Tx, sv *bukti.Survey) error {
		got, err := u.SurveyPPSRow(id, rowID)
		if errors.Is(err, sqlstore.ErrNotFound) {
			return bukti.E(bukti.ENOTFOUND, "err.survey.pps_row_not_found_in", rowID)
		} else if err != nil {
			return err
		}
		row = *got
		return s.savePPS(u, sv, &row, by, in)
	})
	if err != nil {
		return nil, err
	}
	return &row, nil
}

func ppsState(progress int) string {
	switch {
	case progress >= 100:
		return bukti.PPSDone
	case progress > 0:
		return bukti.PPSInProgress
	default:
		return bukti.PPSOpen
	}
}
