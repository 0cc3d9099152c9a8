package locales_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/ui/locales"
)

// verbs matches fmt verbs (not %%).
var verbs = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)

// TestMessages: every key says the same in every language as far as its
// arguments go — the same fmt verbs in the same order — and renders
// without a fmt error when given that many arguments.
func TestMessages(t *testing.T) {
	all, err := locales.Messages()
	if err != nil {
		t.Fatal(err)
	}
	base := all[locales.Languages[0]]
	if len(base) < 300 {
		t.Fatalf("only %d messages: the files did not load", len(base))
	}
	for key, msg := range base {
		want := verbs.FindAllString(strings.ReplaceAll(msg, "%%", ""), -1)
		for _, lang := range locales.Languages[1:] {
			got := verbs.FindAllString(strings.ReplaceAll(all[lang][key], "%%", ""), -1)
			if !slices.Equal(got, want) {
				t.Errorf("%s: %s has verbs %v, %s has %v", key, lang, got, locales.Languages[0], want)
			}
		}
		args := make([]any, len(want))
		for i := range args {
			args[i] = anyVerb{}
		}
		for _, lang := range locales.Languages {
			if out := locales.T(lang, key, args...); strings.Contains(out, "%!") {
				t.Errorf("%s (%s) does not render with %d arguments: %q", key, lang, len(args), out)
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
