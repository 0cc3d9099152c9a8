package locales_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/ui/locales"
)

// verbs matches fmt verbs (not %%), with an explicit argument index.
var verbs = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0-9.]*[a-zA-Z]`)

// argCount is how many arguments a message takes: its verbs, or the
// highest explicit index when a translation reorders them.
func argCount(msg string) int {
	n := 0
	for i, m := range verbs.FindAllStringSubmatch(strings.ReplaceAll(msg, "%%", ""), -1) {
		n = max(n, i+1)
		if m[1] != "" {
			k, _ := strconv.Atoi(m[1])
			n = max(n, k)
		}
	}
	return n
}

// TestMessages: every key takes the same arguments in every language (a
// translation may reorder them with explicit indexes, %[2]d) and renders
// without a fmt error when given that many.
func TestMessages(t *testing.T) {
	all, err := locales.Messages()
	if err != nil {
		t.Fatal(err)
	}
	base := all[locales.Languages[0]]
	if len(base) < 300 {
		t.Fatalf("only %d messages: the files did not load", len(base))
	}
	for key := range base {
		n := 0
		for _, lang := range locales.Languages {
			n = max(n, argCount(all[lang][key]))
		}
		args := make([]any, n)
		for i := range args {
			args[i] = anyVerb{}
		}
		for _, lang := range locales.Languages {
			if out := locales.T(lang, key, args...); strings.Contains(out, "%!") {
				t.Errorf("%s (%s) does not render with the %d argument(s) the key takes: %q", key, lang, n, out)
			}
		}
	}
}

// anyVerb formats as "x" under every verb, so a message can be checked for
// its argument count whatever the verbs' types.
type anyVerb struct{}

func (anyVerb) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte("x")) }

func TestT(t *testing.T) {
	tests := []struct {
		name, lang, key string
		args            []any
		want            string
	}{
		{"Indonesian", "id", "nav.home", nil, "Beranda"},
		{"UnknownLanguageFallsBack", "fr", "nav.home", nil, "Beranda"},
		{"UnknownKeyShowsTheKey", "en", "no.such.key", nil, "no.such.key"},
		{"KeyArgumentTranslated", "en", "err.internal", nil, "Internal error. Try again shortly; if it persists, contact the administrator."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := locales.T(tc.lang, tc.key, tc.args...); got != tc.want {
				t.Errorf("T(%s, %s) = %q, want %q", tc.lang, tc.key, got, tc.want)
			}
		})
	}
	// A Key argument is rendered in the message's language, and the
	// caller's arguments are left as they were.
	args := []any{locales.Key("nav.home")}
	if !locales.Has("nav.home") || !locales.Has("pack.bab") {
		t.Fatal("nav.home or pack.bab missing")
	}
	for lang, want := range map[string]string{"id": "Bab Beranda", "en": "Bab " + locales.T("en", "nav.home")} {
		if got := locales.T(lang, "pack.bab", args...); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if args[0] != locales.Key("nav.home") {
		t.Errorf("T changed its caller's arguments: %v", args)
	}
}
