package evidence

import (
	"context"

	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// Run runs fn as one unit of work by the user by on the service's database
// and clock (see package sqlstore): every facility fn touches has its
// cached scores dropped before commit. Every write that changes readiness
// inputs — here or in a package that asks this one to write, such as
// survey — runs in such a unit.
func (s *Service) Run(ctx context.Context, by *int64, fn func(*sqlstore.Tx) error) error {
	return s.Store.Run(ctx, by, fn)
}

// Verdict is a review outcome to set on an evidence record.
type Verdict struct {
	Review string // bukti.ReviewAccepted or bukti.ReviewRejected
	Note   string
}

// SetVerdict sets a review verdict on an evidence record of a facility,
// inside the unit t, when revision is still the record's latest (a newer
// upload is reviewed on its own); it reports whether it did. The store's
// write touches the facility, so its cached scores are dropped before t
// commits.
//
// This is how the survey package reflects a surveyor's verdict: the
// evidences and revisions tables are written only through this package.
func (s *Service) SetVerdict(t *sqlstore.Tx, facilityID, evidenceID int64, revision int, v Verdict) (bool, error) {
	latest, err := t.LatestEvidenceRevision(evidenceID)
	if err != nil {
		return false, err
	}
	if latest != revision {
		return false, nil
	}
	if err := t.SetEvidenceReview(facilityID, evidenceID, v.Review, v.Note); err != nil {
		return false, err
	}
	return true, nil
}
