package report

import (
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/readiness"
)

// TestChangesAt checks the instant a cached score stops being current: the
// first expiry (start of the day after valid-until, in the server's zone)
// or entry into the 30-day "expiring soon" window after now.
func TestChangesAt(t *testing.T) {
	wib := time.FixedZone("WIB", 7*3600)
	now := time.Date(2025, time.March, 10, 2, 0, 0, 0, wib)
	date := func(m time.Month, d int) *time.Time { v := time.Date(2025, m, d, 0, 0, 0, 0, time.UTC); return &v }
	cases := []struct {
		name  string
		items []readiness.Item
		want  *time.Time
	}{
		{"no item", nil, nil},
		{"no dated item", []readiness.Item{{RequirementID: "x"}}, nil},
		{"expires today: at the start of tomorrow, local time", []readiness.Item{{ValidUntil: date(time.March, 10)}},
			ptr(time.Date(2025, time.March, 11, 0, 0, 0, 0, wib))},
		{"already expired: never again", []readiness.Item{{ValidUntil: date(time.March, 9)}}, nil},
		{"within the window: at its expiry", []readiness.Item{{ValidUntil: date(time.March, 25)}},
			ptr(time.Date(2025, time.March, 26, 0, 0, 0, 0, wib))},
		{"beyond the window: when it enters it", []readiness.Item{{ValidUntil: date(time.May, 1)}},
			ptr(time.Date(2025, time.April, 1, 0, 0, 0, 0, time.UTC))},
		{"the earliest of several", []readiness.Item{{ValidUntil: date(time.May, 1)}, {ValidUntil: date(time.March, 25)}, {}},
			ptr(time.Date(2025, time.March, 26, 0, 0, 0, 0, wib))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := readiness.ChangesAt(tc.items, now)
			if (got == nil) != (tc.want == nil) || (got != nil && !got.Equal(*tc.want)) {
				t.Errorf("changesAt = %v, want %v", got, tc.want)
			}
		})
	}
}

func ptr(t time.Time) *time.Time { return &t }
