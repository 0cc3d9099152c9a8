package ui

import (
	"strings"
	"testing"
	"time"
)

// TestTimeZoneLabels shows one instant in each zone a deployment may set
// (BUKTI_TIMEZONE): WIB, WITA and WIT by name, any other zone by its
// offset from UTC.
func TestTimeZoneLabels(t *testing.T) {
	at := time.Date(2025, time.March, 9, 23, 30, 0, 0, time.UTC)
	cases := []struct {
		zone string
		want string
	}{
		{"Asia/Jakarta", "10-03-2025 06:30 WIB"},
		{"Asia/Pontianak", "10-03-2025 06:30 WIB"},
		{"Asia/Makassar", "10-03-2025 07:30 WITA"},
		{"Asia/Jayapura", "10-03-2025 08:30 WIT"},
		{"UTC", "09-03-2025 23:30 UTC"},
		{"Asia/Kolkata", "10-03-2025 05:00 UTC+05:30"},
		{"America/Sao_Paulo", "09-03-2025 20:30 UTC-03:00"},
		{"Asia/Kathmandu", "10-03-2025 05:15 UTC+05:45"},
		{"Europe/Berlin", "10-03-2025 00:30 UTC+01:00"},
	}
	for _, tc := range cases {
		t.Run(tc.zone, func(t *testing.T) {
			loc, err := time.LoadLocation(tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			if got := DateTime(at, loc); got != tc.want {
				t.Errorf("DateTime in %s = %q, want %q", tc.zone, got, tc.want)
			}
		})
	}
}

// TestTimeShownInZone checks the template helpers read the zone set on
// the UI at render time, UTC before it is set.
func TestTimeShownInZone(t *testing.T) {
	u, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, time.March, 9, 17, 5, 0, 0, time.UTC)
	funcs := zoned(u.timeZone)
	datetime := funcs["datetime"].(func(time.Time) string)
	localdate := funcs["localdate"].(func(*time.Time) string)
	if got := datetime(at); got != "09-03-2025 17:05 UTC" {
		t.Errorf("before SetTimeZone: %q, want UTC", got)
	}
	jayapura, _ := time.LoadLocation("Asia/Jayapura")
	u.SetTimeZone(jayapura)
	if got := datetime(at); got != "10-03-2025 02:05 WIT" {
		t.Errorf("in Asia/Jayapura: %q", got)
	}
	if got := localdate(&at); got != "10-03-2025" {
		t.Errorf("localdate in Asia/Jayapura: %q, want the next day", got)
	}
	if got := localdate(nil); got != "" {
		t.Errorf("localdate(nil) = %q", got)
	}
	if got := funcs["zone"].(func() string)(); got != "WIT" {
		t.Errorf("zone = %q", got)
	}
	// No template formats a time itself: every one goes through the helpers.
	for _, name := range []string{"Format", ".Local", ".UTC"} {
		for page := range u.pages {
			if tpl := u.pages[page].Lookup("content"); tpl != nil && strings.Contains(tpl.Tree.Root.String(), name) {
				t.Errorf("template %s formats a time with %s: use datetime or localdate", page, name)
			}
		}
	}
}

// TestHuman turns catalogue keys into labels.
func TestHuman(t *testing.T) {
	for in, want := range map[string]string{"daftar_hadir": "Daftar hadir", "perencanaan": "Perencanaan", "": "", "évaluasi": "Évaluasi", " foto ": "Foto"} {
		if got := Human(in); got != want {
			t.Errorf("Human(%q) = %q, want %q", in, got, want)
		}
	}
}
