package csvcell_test

import (
	"testing"

	"github.com/bukti-id/bukti/pkg/csvcell"
)

func TestSafe(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"plain text", "SK Kepala Puskesmas", "SK Kepala Puskesmas"},
		{"number", "42", "42"},
		{"formula", `=HYPERLINK("http://contoh.test")`, `'=HYPERLINK("http://contoh.test")`},
		{"plus", "+1+1", "'+1+1"},
		{"minus", "-2+3", "'-2+3"},
		{"at", "@SUM(A1)", "'@SUM(A1)"},
		{"tab first", "\t=1+1", "'\t=1+1"},
		{"carriage return first", "\r=1+1", "'\r=1+1"},
		{"formula later in the text", "laporan =1+1", "laporan =1+1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := csvcell.Safe(tc.in); got != tc.want {
				t.Errorf("Safe(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	if got := csvcell.Row([]string{"=a", "b"}); got[0] != "'=a" || got[1] != "b" {
		t.Errorf("Row = %q", got)
	}
}
