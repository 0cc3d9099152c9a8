package sqlstore

// The report area: when each facility last did something, from the
// audit log.

import (
	"context"
	"slices"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// LastActivity returns, for each of facilityIDs that has an audit row
// whose action is one of actions, the time of its latest such row (in
// UTC). Facilities without one are absent from the map.
func (d *DB) LastActivity(ctx context.Context, facilityIDs []int64, actions []string) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	if len(facilityIDs) == 0 || len(actions) == 0 {
		return out, nil
	}
	// The latest row per facility by a window rather than MAX(at): an
	// aggregate loses the column's type in SQLite, the window keeps it.
	type row struct {
		FacilityID int64
		At         time.Time
	}
	for part := range slices.Chunk(facilityIDs, 1000) {
		latest := d.gdb.Model(&bukti.AuditEntry{}).
			Select("facility_id, at, ROW_NUMBER() OVER (PARTITION BY facility_id ORDER BY at DESC, id DESC) AS n").
			Where("facility_id IN ? AND action IN ?", part, actions)
		var rows []row
		err := d.gdb.WithContext(ctx).Table("(?) AS latest", latest).Select("facility_id, at").Where("n = 1").Scan(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.FacilityID] = r.At.UTC()
		}
	}
	return out, nil
}
