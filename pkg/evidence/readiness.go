package evidence

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// Readiness loads a facility's evidence states and scores them.
func (s *Service) Readiness(ctx context.Context, facilityID int64) (readiness.Report, error) {
	if err := facilityExists(s.DB.WithContext(ctx), facilityID); err != nil {
		return readiness.Report{}, err
	}
	ins, err := s.Inputs(ctx, []int64{facilityID})
	if err != nil {
		return readiness.Report{}, err
	}
	return readiness.Score(s.Catalogue, ins[facilityID]), nil
}

// Inputs loads the readiness inputs (live evidence, named interviewees, TDD
// marks) of several facilities with three queries. Every requested facility
// has an entry, empty when it holds nothing.
func (s *Service) Inputs(ctx context.Context, facilityIDs []int64) (map[int64]readiness.Input, error) {
	return inputs(s.DB.WithContext(ctx), facilityIDs, s.Now())
}

// inputs is Inputs on a given handle (a transaction, say), scored as of now.
func inputs(db *gorm.DB, facilityIDs []int64, now time.Time) (map[int64]readiness.Input, error) {
	out := make(map[int64]readiness.Input, len(facilityIDs))
	for _, id := range facilityIDs {
		out[id] = readiness.Input{Now: now, NotApplicable: map[string]string{}}
	}
	add := func(id int64, it readiness.Item) {
		in := out[id]
		in.Items = append(in.Items, it)
		out[id] = in
	}
	// Rows are scanned by hand: a report reads millions of them, and
	// gorm's reflection into the full Evidence struct dominated the time.
	rows, err := db.Model(&bukti.Evidence{}).Select("facility_id", "requirement_id", "stage", "part", "review", "valid_until").
		Where("facility_id IN ? AND deleted_at IS NULL", facilityIDs).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id                       int64
			req, stage, part, review string
			validUntil               *time.Time
		)
		if err := rows.Scan(&id, &req, &stage, &part, &review, &validUntil); err != nil {
			return nil, err
		}
		add(id, readiness.Item{RequirementID: req, Stage: stage, Part: part, Rejected: review == bukti.ReviewRejected, ValidUntil: validUntil})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var people []bukti.Interviewee
	if err := db.Select("facility_id", "requirement_id", "role").Where("facility_id IN ?", facilityIDs).Find(&people).Error; err != nil {
		return nil, err
	}
	for _, p := range people {
		add(p.FacilityID, readiness.Item{RequirementID: p.RequirementID, Part: p.Role})
	}
	var tdd []bukti.NotApplicable
	if err := db.Where("facility_id IN ?", facilityIDs).Find(&tdd).Error; err != nil {
		return nil, err
	}
	for _, t := range tdd {
		out[t.FacilityID].NotApplicable[t.ElementID] = t.Reason
	}
	return out, nil
}

// SetNotApplicable marks an EP TDD for a facility with a reason, or
// updates the reason.
func (s *Service) SetNotApplicable(ctx context.Context, facilityID int64, elementID, reason string, by int64) (*bukti.NotApplicable, error) {
	reason = strings.TrimSpace(reason)
	if _, ok := s.Catalogue.Element(elementID); !ok {
		return nil, bukti.Errorf(bukti.EINVALID, "Elemen penilaian %q tidak ada di katalog (contoh: 2.1.2/b).", "unknown element %q (expected e.g. 2.1.2/b)", elementID)
	}
	if len([]rune(reason)) < 10 || len([]rune(reason)) > maxNotes {
		return nil, bukti.Errorf(bukti.EINVALID, "Tuliskan alasan TDD (10–2000 karakter): mengapa EP ini tidak dapat diterapkan di Puskesmas Anda.", "a TDD reason of 10–2000 characters is required")
	}
	db := s.DB.WithContext(ctx)
	if err := facilityExists(db, facilityID); err != nil {
		return nil, err
	}
	na := bukti.NotApplicable{FacilityID: facilityID, ElementID: elementID, Reason: reason, SetBy: by}
	err := s.Run(ctx, &by, func(t *sqlstore.Tx) error {
		na.CreatedAt = t.Now
		if err := t.DB.Clauses(clause.OnConflict{UpdateAll: true}).Create(&na).Error; err != nil {
			return err
		}
		t.Touch(facilityID)
		return audit(t, "element.tdd", "element", elementID, facilityID, reason)
	})
	if err != nil {
		return nil, err
	}
	return &na, nil
}

// ClearNotApplicable makes an EP applicable again.
func (s *Service) ClearNotApplicable(ctx context.Context, facilityID int64, elementID string, by int64) error {
	return s.Run(ctx, &by, func(t *sqlstore.Tx) error {
		res := t.DB.Where("facility_id = ? AND element_id = ?", facilityID, elementID).Delete(&bukti.NotApplicable{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return bukti.Errorf(bukti.ENOTFOUND, "EP %s tidak ditandai TDD untuk Puskesmas #%d.", "element %s is not marked TDD for facility %d", elementID, facilityID)
		}
		t.Touch(facilityID)
		return audit(t, "element.applicable", "element", elementID, facilityID, "")
	})
}

// ListNotApplicable returns a facility's TDD marks.
func (s *Service) ListNotApplicable(ctx context.Context, facilityID int64) ([]bukti.NotApplicable, error) {
	db := s.DB.WithContext(ctx)
	if err := facilityExists(db, facilityID); err != nil {
		return nil, err
	}
	out := []bukti.NotApplicable{}
	return out, db.Where("facility_id = ?", facilityID).Order("element_id").Find(&out).Error
}

// SetInterviewee names (or renames) the person for one role of a W item.
func (s *Service) SetInterviewee(ctx context.Context, in bukti.Interviewee) (*bukti.Interviewee, error) {
	r, _, ok := s.Catalogue.Requirement(in.RequirementID)
	if !ok || r.Method != catalogue.Wawancara {
		return nil, bukti.Errorf(bukti.EINVALID, "%q bukan butir wawancara (W) di katalog (contoh: 2.1.2/a/W1).", "%q is not an interview (W) requirement (expected e.g. 2.1.2/a/W1)", in.RequirementID)
	}
	if !r.HasInterviewee(in.Role) {
		return nil, bukti.Errorf(bukti.EINVALID, "Peran %q tidak ada pada %s. Pilih salah satu: %s.", "role %q is not listed for %s; choose one of: %s", in.Role, r.ID, strings.Join(r.Interviewees, ", "))
	}
	in.Name, in.Position = strings.TrimSpace(in.Name), strings.TrimSpace(in.Position)
	if in.Name == "" || len([]rune(in.Name)) > maxShort || len([]rune(in.Position)) > maxShort {
		return nil, bukti.Errorf(bukti.EINVALID, "Isi nama petugas (paling banyak 200 karakter).", "name is required (at most 200 characters)")
	}
	db := s.DB.WithContext(ctx)
	if err := facilityExists(db, in.FacilityID); err != nil {
		return nil, err
	}
	by := in.UpdatedBy
	err := s.Run(ctx, &by, func(t *sqlstore.Tx) error {
		in.UpdatedAt = t.Now
		if err := t.DB.Clauses(clause.OnConflict{UpdateAll: true}).Create(&in).Error; err != nil {
			return err
		}
		t.Touch(in.FacilityID)
		return audit(t, "interviewee.set", "requirement", in.RequirementID, in.FacilityID, fmt.Sprintf("%s: %s", in.Role, in.Name))
	})
	if err != nil {
		return nil, err
	}
	return &in, nil
}

// ListInterviewees returns the people a facility named for W items.
func (s *Service) ListInterviewees(ctx context.Context, facilityID int64) ([]bukti.Interviewee, error) {
	db := s.DB.WithContext(ctx)
	if err := facilityExists(db, facilityID); err != nil {
		return nil, err
	}
	out := []bukti.Interviewee{}
	return out, db.Where("facility_id = ?", facilityID).Order("requirement_id, role").Find(&out).Error
}
