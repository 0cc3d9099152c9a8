package sqlstore

// The report area: the facilities a report covers, the score cache
// (bukti.FacilityScore) and the daily score snapshots behind trends.

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// ReportFilter selects facilities for a report.
type ReportFilter struct {
	District string  // district code; empty: any
	Province string  // province code, when District is empty; empty: any
	All      bool    // every facility; otherwise only those in IDs
	IDs      []int64 // the facilities allowed when not All
}

// ReportFacilities returns the facilities that f selects, each with its
// district, ordered by district name then facility name.
func (d *DB) ReportFacilities(ctx context.Context, f ReportFilter) ([]bukti.Facility, error) {
	q := d.gdb.WithContext(ctx).Preload("District").Joins("JOIN districts ON districts.id = facilities.district_id")
	switch {
	case f.District != "":
		q = q.Where("districts.code = ?", f.District)
	case f.Province != "":
		q = q.Joins("JOIN provinces ON provinces.id = districts.province_id").Where("provinces.code = ?", f.Province)
	}
	if !f.All {
		q = q.Where("facilities.id IN ?", f.IDs)
	}
	var out []bukti.Facility
	if err := q.Order("districts.name, facilities.name").Find(&out).Error; err != nil {
		return nil, err
	}
	return out, nil
}

// PutScores stores cached scores computed from the readiness inputs of
// the given versions (LoadReadiness), replacing the rows of the same
// facility and catalogue, for the facilities whose version is still that
// one: the row of a facility a unit of work touched since (which dropped
// its row already) is not stored. It returns how many rows it stored.
//
// The check and the writes share a transaction that no unit of work
// touching those facilities can interleave with: on PostgreSQL the
// facility rows are locked FOR SHARE, in ID order, first (a unit locks the
// facility row before it drops its scores and renews its version, see
// Run); SQLite's transactions hold the database write lock from BEGIN.
// Rows are written in facility order (rows is sorted in place), the one
// lock order of every writer.
func (d *DB) PutScores(ctx context.Context, rows []bukti.FacilityScore, versions map[int64]ReadinessVersion) (int, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	slices.SortFunc(rows, func(a, b bukti.FacilityScore) int { return cmp.Compare(a.FacilityID, b.FacilityID) })
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.FacilityID
	}
	stored := 0
	err := d.transaction(ctx, func(_ context.Context, tx *gorm.DB) error {
		if tx.Dialector.Name() == "postgres" {
			if err := tx.Exec("SELECT id FROM facilities WHERE id IN ? ORDER BY id FOR SHARE", ids).Error; err != nil {
				return fmt.Errorf("lock facilities to store their scores: %w", err)
			}
		}
		now, err := readinessVersions(tx, ids)
		if err != nil {
			return err
		}
		current := rows[:0:0]
		for _, r := range rows {
			if v, ok := now[r.FacilityID]; ok && v == versions[r.FacilityID] {
				current = append(current, r)
			}
		}
		if len(current) == 0 {
			return nil
		}
		err = tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "facility_id"}, {Name: "catalogue"}}, UpdateAll: true}).
			CreateInBatches(&current, scoreBatch).Error
		if err != nil {
			return fmt.Errorf("store cached scores: %w", err)
		}
		stored = len(current)
		return nil
	})
	return stored, err
}

// scoreBatch is how many cached scores one INSERT writes.
const scoreBatch = 200

// CachedScores returns the cached score rows of facilities for a catalogue
// ("<id>@<version>"), with FacilityID, Until and Payload set, whether
// current or not.
func (d *DB) CachedScores(ctx context.Context, facilityIDs []int64, catalogue string) ([]bukti.FacilityScore, error) {
	rows, err := d.gdb.WithContext(ctx).Model(&bukti.FacilityScore{}).Select("facility_id", "until", "payload").
		Where("facility_id IN ? AND catalogue = ?", facilityIDs, catalogue).Rows()
	if err != nil {
		return nil, fmt.Errorf("read cached scores: %w", err)
	}
	defer rows.Close()
	out := make([]bukti.FacilityScore, 0, len(facilityIDs))
	for rows.Next() {
		r := bukti.FacilityScore{Catalogue: catalogue}
		if err := rows.Scan(&r.FacilityID, &r.Until, &r.Payload); err != nil {
			return nil, fmt.Errorf("scan cached score: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read cached scores: %w", err)
	}
	return out, nil
}

// ScoresNextChange returns the earliest Until of the cached scores of a
// catalogue ("<id>@<version>"), nil when no row has one.
func (d *DB) ScoresNextChange(ctx context.Context, catalogue string) (*time.Time, error) {
	// The minimum is taken here: SQLite would compare the stored text.
	var until []sql.NullTime
	err := d.gdb.WithContext(ctx).Model(&bukti.FacilityScore{}).Where("catalogue = ? AND until IS NOT NULL", catalogue).
		Pluck("until", &until).Error
	if err != nil {
		return nil, err
	}
	var next *time.Time
	for _, u := range until {
		if next == nil || u.Time.Before(*next) {
			next = &u.Time
		}
	}
	return next, nil
}

// PutScoreSnapshots stores score snapshots, replacing those of the same
// day, facility and Bab.
func (t *Tx) PutScoreSnapshots(rows []bukti.ScoreSnapshot) error {
	if len(rows) == 0 {
		return nil
	}
	return t.db.Clauses(clause.OnConflict{UpdateAll: true}).Create(&rows).Error
}

// HasScoreSnapshot reports whether any snapshot of the day (a UTC
// midnight) is stored.
func (d *DB) HasScoreSnapshot(ctx context.Context, day time.Time) (bool, error) {
	var n int64
	err := d.gdb.WithContext(ctx).Model(&bukti.ScoreSnapshot{}).Where("day = ?", day).Limit(1).Count(&n).Error
	return n > 0, err
}

// AssessedSnapshots returns the snapshots of assessed Bab of facilities
// from day from to day to (UTC midnights, inclusive; zero: unbounded),
// ordered by facility, Bab and day.
func (d *DB) AssessedSnapshots(ctx context.Context, facilityIDs []int64, from, to time.Time) ([]bukti.ScoreSnapshot, error) {
	q := d.gdb.WithContext(ctx).Where("facility_id IN ? AND assessed = ?", facilityIDs, true)
	if !from.IsZero() {
		q = q.Where("day >= ?", from)
	}
	if !to.IsZero() {
		q = q.Where("day <= ?", to)
	}
	var out []bukti.ScoreSnapshot
	return out, q.Order("facility_id, bab_id, day").Find(&out).Error
}
