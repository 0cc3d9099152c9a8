package ui

import (
	"fmt"
	"html/template"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// formatters are the helpers every template may use.
var formatters = template.FuncMap{
	// pct formats a percentage with one decimal: 83.3%.
	"pct": func(p float64) string { return fmt.Sprintf("%.1f%%", p) },
	// bar scales a percentage to a width in SVG units.
	"bar":    func(p float64, width int) string { return fmt.Sprintf("%.1f", p/100*float64(width)) },
	"mul":    func(a, b int) int { return a * b },
	"mul100": func(x float64) float64 { return x * 100 },
	"sub":    func(a, b int) int { return a - b },
	// join lists methods or strings with commas.
	"join": func(xs any) string {
		switch v := xs.(type) {
		case []string:
			return strings.Join(v, ", ")
		default:
			s := fmt.Sprint(v)
			return strings.ReplaceAll(strings.Trim(s, "[]"), " ", ", ")
		}
	},
	// date shows a calendar date (a document's issue or valid-until
	// date, stored as that day's midnight UTC) as it was entered.
	"date": func(t *time.Time) string { return t.Format("02-01-2006") },
	// human turns a catalogue key into a label (Human).
	"human": Human,
	// isodate formats an optional date for <input type="date">.
	"isodate": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.DateOnly)
	},
	// size formats a byte count: 1.2 MB.
	"size": func(n int64) string {
		switch {
		case n >= 1<<20:
			return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
		case n >= 1<<10:
			return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
		default:
			return fmt.Sprintf("%d B", n)
		}
	},
	// isImage reports whether a browser can show the content type in <img>.
	"isImage": func(ct string) bool {
		return ct == "image/jpeg" || ct == "image/png" || ct == "image/webp"
	},
}

// zoned are the helpers that show an instant in the deployment's time zone
// (BUKTI_TIMEZONE, see SetTimeZone), loc() at the moment a page renders.
func zoned(loc func() *time.Location) template.FuncMap {
	return template.FuncMap{
		// datetime shows an instant with its zone: 10-03-2025 09:00 WIB.
		"datetime": func(t time.Time) string { return DateTime(t, loc()) },
		// localdate shows the calendar day of an instant in the zone
		// (a survey finalised at 23:30 UTC is the next day in WIB).
		"localdate": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.In(loc()).Format("02-01-2006")
		},
		// isominute is an optional instant in the zone as 2006-01-02T15:04,
		// for data attributes that scripts and tests sort or compare.
		"isominute": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.In(loc()).Format("2006-01-02T15:04")
		},
		// zone names the zone times are shown in: WIB, WITA, WIT or UTC+hh:mm.
		"zone": func() string { return ZoneLabel(time.Now().In(loc())) },
	}
}

// DateTime formats an instant in loc with the zone's label:
// "10-03-2025 09:00 WIB".
func DateTime(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return t.Format("02-01-2006 15:04") + " " + ZoneLabel(t)
}

// ZoneLabel names the zone of t as Indonesians read it: WIB, WITA or WIT
// for the three Indonesian zones (Asia/Jakarta, Asia/Makassar,
// Asia/Jayapura and the other names of the same zones), "UTC" for UTC, and
// the offset for any other zone ("UTC+05:30", "UTC-03:30"), whose
// abbreviations (CET, IST, …) are ambiguous or unknown to most readers.
func ZoneLabel(t time.Time) string {
	name, offset := t.Zone()
	switch {
	case name == "WIB" || name == "WITA" || name == "WIT":
		return name
	case offset == 0:
		return "UTC"
	}
	sign := '+'
	if offset < 0 {
		sign, offset = '-', -offset
	}
	return fmt.Sprintf("UTC%c%02d:%02d", sign, offset/3600, offset%3600/60)
}

// Human turns a catalogue key into a label: "daftar_hadir" → "Daftar
// hadir", "perencanaan" → "Perencanaan".
func Human(key string) string {
	s := strings.TrimSpace(strings.ReplaceAll(key, "_", " "))
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
