package sqlstore

import "context"

// SetDamagedLookup sets how many unresolved damaged contents
// DamagedCurrentFiles looks up by their sums, for a test that must not
// run in parallel; it returns the restore.
func SetDamagedLookup(n int) (restore func()) {
	old := damagedLookup
	damagedLookup = n
	return func() { damagedLookup = old }
}

// LoadReadinessSQL is loadReadinessSQL, for TestReadinessRecordFromIndex.
func LoadReadinessSQL(dialect string, people bool) string { return loadReadinessSQL(dialect, people) }

// AccessVersionOf reads the access version alone (tests).
func (d *DB) AccessVersionOf(ctx context.Context) (AccessVersion, error) {
	v, err := d.Versions(ctx, 0)
	return v.Access, err
}
