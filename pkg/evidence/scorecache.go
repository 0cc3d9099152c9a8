package evidence

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/readiness"
)

// WithInputs loads the readiness inputs of facilities, scored as of now,
// and passes them to store, all in one transaction that no unit of work touching
// those facilities can interleave with (see sqlstore: a unit locks the
// facility row before it drops the facility's scores): whatever store
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
