package sqlstore

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/readiness"
)

// TestParseReadsBackOrRefuses folds random records into strings the way
// LoadReadiness's statement does and checks that parse reads them back
// exactly, or refuses when a text holds a record or field separator (the
// count separator is harmless after the count), so that LoadReadiness reads
// that facility again row by row: a record is never split or joined
// wrongly, whatever the texts hold.
func TestParseReadsBackOrRefuses(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	alphabet := []string{"a", "B", "2.1", "/", " ", "é", "\x1d", "\x1e", "\x1f", "r", "x", "-", "9"}
	text := func(max int, risky bool) string {
		var b strings.Builder
		for range r.IntN(max + 1) {
			c := alphabet[r.IntN(len(alphabet))]
			if !risky && (c == "\x1e" || c == "\x1f") {
				c = "z"
			}
			b.WriteString(c)
		}
		return b.String()
	}
	fold := func(recs [][]string) string {
		parts := make([]string, len(recs))
		for i, f := range recs {
			parts[i] = strings.Join(f, fieldSep)
		}
		return fmt.Sprint(len(recs)) + countSep + strings.Join(parts, recordSep)
	}
	for i := range 3000 {
		risky := i%3 == 0
		var evs, people, marks [][]string
		want := FacilityInputs{Input: readiness.Input{NotApplicable: map[string]string{}}}
		bad := false
		check := func(s string) {
			bad = bad || strings.ContainsAny(s, recordSep+fieldSep)
		}
		for range r.IntN(6) {
			req, stage, part := text(8, risky), text(3, risky), text(3, risky)
			check(req)
			check(stage)
			check(part)
			it := readiness.Item{RequirementID: req, Stage: stage, Part: part, Rejected: r.IntN(3) == 0}
			state := ""
			if it.Rejected {
				state = "r"
			}
			if r.IntN(2) == 0 {
				secs := r.Int64N(4e9) - 1e9
				d := time.Unix(secs, 0).UTC()
				it.ValidUntil = &d
				state += fmt.Sprint(secs)
			}
			evs = append(evs, []string{req, stage, part, state})
			want.Items = append(want.Items, it)
		}
		want.Evidence = len(want.Items)
		for range r.IntN(4) {
			req, role := text(8, risky), text(6, risky)
			check(req)
			check(role)
			people = append(people, []string{req, role})
			want.Items = append(want.Items, readiness.Item{RequirementID: req, Part: role})
		}
		for range r.IntN(3) {
			el, reason := text(6, risky), text(12, risky)
			if _, dup := want.NotApplicable[el]; dup {
				continue
			}
			check(el)
			check(reason)
			marks = append(marks, []string{el, reason})
			want.NotApplicable[el] = reason
		}
		got := FacilityInputs{Input: readiness.Input{NotApplicable: map[string]string{}}}
		ok := got.parse(fold(evs), fold(people), fold(marks))
		if bad {
			if ok {
				t.Fatalf("case %d: a separator inside a text was not refused:\n%#v\nwant\n%#v\n%q %q %q", i, got, want, fold(evs), fold(people), fold(marks))
			}
			continue
		}
		if !ok || !same(got, want) {
			t.Fatalf("case %d: parse %v:\n%+v\nwant\n%+v", i, ok, got, want)
		}
	}
	// A date the database could not read is refused, not taken as none.
	var fi FacilityInputs
	fi.NotApplicable = map[string]string{}
	if fi.parse("1"+countSep+"2.1.2/a/R1"+fieldSep+fieldSep+fieldSep+"x", "0"+countSep, "0"+countSep) {
		t.Error("an unreadable date was accepted")
	}
}

func same(a, b FacilityInputs) bool {
	if a.Evidence != b.Evidence || len(a.Items) != len(b.Items) || !maps.Equal(a.NotApplicable, b.NotApplicable) {
		return false
	}
	return slices.EqualFunc(a.Items, b.Items, func(x, y readiness.Item) bool {
		return x.RequirementID == y.RequirementID && x.Stage == y.Stage && x.Part == y.Part && x.Rejected == y.Rejected &&
			(x.ValidUntil == nil) == (y.ValidUntil == nil) && (x.ValidUntil == nil || x.ValidUntil.Equal(*y.ValidUntil))
	})
}
