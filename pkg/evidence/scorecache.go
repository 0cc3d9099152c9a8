package evidence

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/readiness"
)

// Invalidate drops the cached readiness scores (bukti.FacilityScore) of a
// facility, for every catalogue, inside tx. Writers do not call it: they
// run as a unit of work started by Service.Unit (or Service.Run) and call
// Tx.Touch, and the unit calls Invalidate for every touched facility before
// it commits. It stays exported for tests that drive the cache directly;
// outside pkg/evidence no non-test code may call it (TestOneOwner guards
// that). Calling it twice in one transaction is harmless.
//
// On PostgreSQL it first locks the facility row (FOR NO KEY UPDATE). That
// waits for a report storing this facility's score under WithInputs and
// makes later ones wait until tx ends, so a score computed from the inputs
// before the change is deleted here or never stored. SQLite needs no lock:
// its transactions hold the database write lock from BEGIN.
func Invalidate(tx *gorm.DB, facilityID int64) error {
	if tx.Dialector.Name() == "postgres" {
		if err := tx.Exec("SELECT id FROM facilities WHERE id = ? FOR NO KEY UPDATE", facilityID).Error; err != nil {
			return fmt.Errorf("lock facility %d to invalidate its scores: %w", facilityID, err)
		}
	}
	if err := tx.Where("facility_id = ?", facilityID).Delete(&bukti.FacilityScore{}).Error; err != nil {
		return fmt.Errorf("invalidate scores of facility %d: %w", facilityID, err)
	}
	return nil
}

// WithInputs loads the readiness inputs of facilities, scored as of now,
// and passes them to store, all in one transaction that no Invalidate of
// those facilities can interleave with (see Invalidate): whatever store
// writes in tx is derived from inputs that are still current when tx
// commits. It is how the report package fills the score cache.
func (s *Service) WithInputs(ctx context.Context, facilityIDs []int64, now time.Time, store func(tx *gorm.DB, ins map[int64]readiness.Input) error) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if tx.Dialector.Name() == "postgres" {
			ids := slices.Sorted(slices.Values(facilityIDs)) // one lock order for every caller
			if err := tx.Exec("SELECT id FROM facilities WHERE id IN ? ORDER BY id FOR SHARE", ids).Error; err != nil {
				return fmt.Errorf("lock facilities to score them: %w", err)
			}
		}
		ins, err := inputs(tx, facilityIDs, now)
		if err != nil {
			return err
		}
		return store(tx, ins)
	})
}
