package readiness

import "time"

// ExpiringWithin is how far ahead evidence counts as expiring soon.
const ExpiringWithin = 30 * 24 * time.Hour

// ExpiringSoon reports whether evidence valid until the given date is
// still valid on now's calendar day but expires within ExpiringWithin.
func ExpiringSoon(validUntil *time.Time, now time.Time) bool {
	y, m, d := now.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return validUntil != nil && !validUntil.Before(day) && validUntil.Before(now.Add(ExpiringWithin))
}

// ChangesAt is the first instant after now at which what time alone
// changes about items does change — Score's report (evidence expires) or
// what ExpiringSoon says of them — or nil when none has a valid-until
// date. Evidence valid until date D expires at the start of D+1 in now's
// location (as Score reads it) and is expiring soon from ExpiringWithin
// before D until then. Whatever was computed from items at now holds
// until then (in UTC).
func ChangesAt(items []Item, now time.Time) *time.Time {
	var first time.Time
	for _, it := range items {
		if it.ValidUntil == nil {
			continue
		}
		y, m, d := it.ValidUntil.UTC().Date()
		for _, t := range [2]time.Time{it.ValidUntil.Add(-ExpiringWithin), time.Date(y, m, d+1, 0, 0, 0, 0, now.Location())} {
			if t.After(now) && (first.IsZero() || t.Before(first)) {
				first = t
			}
		}
	}
	if first.IsZero() {
		return nil
	}
	first = first.UTC() // stored and compared as UTC on every database
	return &first
}
