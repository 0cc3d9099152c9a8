package report

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/readiness"
)

// chunk is how many facilities are loaded and scored at a time.
const chunk = 200

// TopMissing is how many requirements the "most often missing" list keeps.
const TopMissing = 50

// Service builds gap reports from the database.
type Service struct {
	DB        *gorm.DB
	Evidence  *evidence.Service
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
	q := s.DB.WithContext(ctx).Preload("District").Joins("JOIN districts ON districts.id = facilities.district_id")
	switch {
	case sc.District != "":
		q = q.Where("districts.code = ?", sc.District)
	case sc.Province != "":
		q = q.Joins("JOIN provinces ON provinces.id = districts.province_id").Where("provinces.code = ?", sc.Province)
	}
	if !sc.All {
		if len(sc.Allowed) == 0 {
			return nil, notFound(sc)
		}
		q = q.Where("facilities.id IN ?", sc.Allowed)
	}
	var out []bukti.Facility
	if err := q.Order("districts.name, facilities.name").Find(&out).Error; err != nil {
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
		return bukti.Errorf(bukti.ENOTFOUND, "Kabupaten/kota %q tidak ditemukan.", "district %q not found", sc.District)
	case sc.Province != "":
		return bukti.Errorf(bukti.ENOTFOUND, "Provinsi %q tidak ditemukan.", "province %q not found", sc.Province)
	default:
		return bukti.Errorf(bukti.ENOTFOUND, "Tidak ada Puskesmas dalam cakupan Anda.", "no facility in your scope")
	}
}

// Gaps builds the gap report of the facilities of a scope.
func (s *Service) Gaps(ctx context.Context, sc Scope, level Level) (*Gaps, error) {
	facilities, err := s.Facilities(ctx, sc)
	if err != nil {
		return nil, err
	}
	b := NewBuilder(s.Catalogue, level, s.Now())
	for part := range slices.Chunk(facilities, chunk) {
		ids := make([]int64, len(part))
		for i, f := range part {
			ids[i] = f.ID
		}
		ins, err := s.Evidence.Inputs(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, f := range part {
			in := ins[f.ID]
			b.Add(f, readiness.Score(s.Catalogue, in), in)
		}
	}
	return b.Gaps(TopMissing), nil
}
