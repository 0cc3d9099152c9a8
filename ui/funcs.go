package ui

import (
	"fmt"
	"html/template"
	"strings"
	"time"
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
	"date": func(t *time.Time) string { return t.Format("02-01-2006") },
	// isodate formats an optional date for <input type="date">.
	"isodate": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.DateOnly)
	},
	"datetime": func(t time.Time) string { return t.Local().Format("02-01-2006 15:04") },
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
