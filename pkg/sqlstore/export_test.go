package sqlstore

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
