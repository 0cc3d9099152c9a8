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
	"github.com/bukti-id/bukti/pkg/readiness"
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

// ScoreTx is the transaction of WithInputs, in which only cached scores
// are stored.
type ScoreTx struct {
	db *gorm.DB
}

// PutScores stores cached scores, replacing the rows of the same facility
// and catalogue. Rows are written in facility order (rows is sorted in
// place), the one lock order of every writer.
func (s *ScoreTx) PutScores(rows []bukti.FacilityScore) error {
	if len(rows) == 0 {
		return nil
	}
	slices.SortFunc(rows, func(a, b bukti.FacilityScore) int { return cmp.Compare(a.FacilityID, b.FacilityID) })
	err := s.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "facility_id"}, {Name: "catalogue"}}, UpdateAll: true}).
		Create(&rows).Error
	if err != nil {
		return fmt.Errorf("store cached scores: %w", err)
	}
	return nil
}

// WithInputs loads the readiness inputs of facilities, to be scored as of
// now (see ReadinessInputs), and passes them to fn, all in one transaction
// that no unit of work touching those facilities can interleave with (a
// unit locks the facility row before it drops the facility's scores, see
// Run): whatever fn stores through tx is derived from inputs that are
// still current when tx commits. It is how the score cache is filled.
//
// On PostgreSQL the facility rows are locked FOR SHARE, in ID order, before
// the inputs are read. SQLite needs no lock: its transactions hold the
// database write lock from BEGIN.
func (d *DB) WithInputs(ctx context.Context, facilityIDs []int64, now time.Time, fn func(tx *ScoreTx, ins map[int64]readiness.Input) error) error {
	return d.transaction(ctx, func(_ context.Context, tx *gorm.DB) error {
		if tx.Dialector.Name() == "postgres" {
			ids := slices.Sorted(slices.Values(facilityIDs)) // one lock order for every caller
			if err := tx.Exec("SELECT id FROM facilities WHERE id IN ? ORDER BY id FOR SHARE", ids).Error; err != nil {
				return fmt.Errorf("lock facilities to score them: %w", err)
			}
		}
		ins, err := readinessInputs(tx, facilityIDs, now)
		if err != nil {
			return err
		}
		return fn(&ScoreTx{db: tx}, ins)
	})
}

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
