package ui

import (
	"bytes"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	u, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, lang, key string
		args            []any
		want            string
	}{
		{"bahasa", "id", "login.submit", nil, "Masuk"},
		{"english", "en", "login.submit", nil, "Sign in"},
		{"unknown language falls back to bahasa", "fr", "login.submit", nil, "Masuk"},
		{"unknown key shows the key", "id", "tidak.ada", nil, "tidak.ada"},
		{"arguments", "en", "admin.catalogue_counts", []any{1, 2, 3, 4, 5}, "1 Bab, 2 standards, 3 criteria, 4 assessment elements, 5 evidence requirements."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := u.T(tc.lang, tc.key, tc.args...); got != tc.want {
				t.Errorf("T(%s, %s) = %q, want %q", tc.lang, tc.key, got, tc.want)
			}
		})
	}
	if p := u.Asset("app.css"); !strings.HasPrefix(p, "/static/app.") || !strings.HasSuffix(p, ".css") {
		t.Errorf("Asset(app.css) = %q", p)
	}
	if _, _, ok := u.Static(strings.TrimPrefix(u.Asset("app.js"), "/static/")); !ok {
		t.Error("fingerprinted app.js is not served")
	}
	if err := u.Render(&bytes.Buffer{}, "no-such-page", "id", nil); err == nil {
		t.Error("rendering an unknown page succeeded")
	}
}

func TestTemplateKeys(t *testing.T) {
	src := `{{t "a.b"}} {{asset "app.css"}} {{t (print "state." .State)}} (t "c.d" 1) {{- t "e.f"}}`
	if got := strings.Join(templateKeys(src), ","); got != "a.b,c.d,e.f" {
		t.Errorf("templateKeys = %s", got)
	}
}
