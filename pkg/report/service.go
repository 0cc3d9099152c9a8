package report

import (
	"context"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// chunk is at most how many facilities one statement loads and one
// worker scores from their evidence (fillScores).
const chunk = 200

// TopMissing is how many requirements the "most often missing" list keeps.
const TopMissing = 50

// Service builds gap reports from the database.
type Service struct {
	Store     *sqlstore.DB
	Catalogue *catalogue.Catalogue
	Now       func() time.Time
}

// Scope selects facilities: those of a district or province (by code),
// limited to Allowed unless All.
type Scope struct {
	District, Province string
	All                bool    // the reader may see every facility (admin)
	Allowed            []int64 // otherwise, the facilities the reader may see
}

// Facilities resolves a scope to facilities, by district then name. A
// district or province with nothing the reader may see is not found, so
// another district's existence is not leaked.
func (s *Service) Facilities(ctx context.Context, sc Scope) ([]bukti.Facility, error) {
	if !sc.All && len(sc.Allowed) == 0 {
		return nil, notFound(sc)
	}
	out, err := s.Store.ReportFacilities(ctx, sqlstore.ReportFilter{District: sc.District, Province: sc.Province, All: sc.All, IDs: sc.Allowed})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 && (sc.District != "" || sc.Province != "") {
		return nil, notFound(sc)
	}
	return out, nil
}

func notFound(sc Scope) error {
	switch {
	case sc.District != "":
		return bukti.E(bukti.ENOTFOUND, "err.report.district_not_found", sc.District)
	case sc.Province != "":
		return bukti.E(bukti.ENOTFOUND, "err.report.province_not_found", sc.Province)
	default:
		return bukti.E(bukti.ENOTFOUND, "err.report.no_facility_in_your_scope")
	}
}

// Gaps builds the gap report of the facilities of a scope, from the score
// cache where it is current (see eachScores) and from the evidence
// otherwise. The numbers are those of readiness.Score on each facility's
// evidence now.
func (s *Service) Gaps(ctx context.Context, sc Scope, level Level) (*Gaps, error) {
	facilities, err := s.Facilities(ctx, sc)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	b := NewBuilder(s.Catalogue, level, now)
	_, err = s.eachScores(ctx, facilities, now, func(f bukti.Facility, sc *scores) error {
		b.add(f, sc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b.Gaps(TopMissing), nil
}
