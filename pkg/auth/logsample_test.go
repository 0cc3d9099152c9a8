package auth

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestRejectedAuthenticationWritesNothing: bogus, expired and revoked
// secrets are refused without a database write, and logged at most once
// per second per reason, with the number of lines held back.
func TestRejectedAuthenticationWritesNothing(t *testing.T) {
	t.Parallel()
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			u := e.user(owner)
			expiring, _ := e.token(u.ID, 1)
			revoked, id := e.token(u.ID, 0)
			if err := e.svc.RevokeToken(context.Background(), u.ID, id); err != nil {
				t.Fatal(err)
			}
			e.clock.Advance(48 * time.Hour)
			before := e.auditCount("")
			for i := range 50 {
				if e.authenticates(fmt.Sprintf("token-palsu-%d", i)) {
					t.Fatal("a bogus token authenticates")
				}
			}
			for _, secret := range []string{expiring, revoked} {
				if e.authenticates(secret) {
					t.Fatal("an expired or revoked token authenticates")
				}
			}
			if n := e.auditCount("") - before; n != 0 {
				t.Errorf("rejected secrets wrote %d audit rows", n)
			}
			if got := len(e.logs.lines("rejected a session or token")); got != 2 {
				t.Errorf("%d log lines, want 2 (one per reason within a second)", got)
			}
			e.clock.Advance(time.Second)
			e.authenticates("token-palsu-lagi")
			lines := e.logs.lines(`reason="unknown or revoked token"`)
			if len(lines) != 2 || !strings.Contains(lines[1], "suppressed=50") || !strings.Contains(lines[1], "level=WARN") {
				t.Errorf("log lines a second later: %q, want a second WARN line with suppressed=50", lines)
			}
			_, _, err := e.svc.Authenticate(context.Background(), "token-palsu")
			if id, en := bukti.ErrorMessage(err); !strings.Contains(id, "Silakan masuk lagi") || !strings.Contains(en, "unknown or revoked token") {
				t.Errorf("messages %q / %q", id, en)
			}
		})
	}
}

func TestLogLimiter(t *testing.T) {
	t0 := time.Date(2025, time.March, 10, 2, 0, 0, 0, time.UTC)
	steps := []struct {
		name       string
		at         time.Duration
		reason     string
		ok         bool
		suppressed int
	}{
		{"first line of a reason", 0, "a", true, 0},
		{"same reason within the interval", 300 * time.Millisecond, "a", false, 0},
		{"again within the interval", 999 * time.Millisecond, "a", false, 0},
		{"another reason has its own interval", 999 * time.Millisecond, "b", true, 0},
		{"after the interval, with the count held back", time.Second, "a", true, 2},
		{"count starts over", 3 * time.Second, "a", true, 0},
	}
	var l logLimiter
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			ok, n := l.allow(st.reason, t0.Add(st.at))
			if ok != st.ok || n != st.suppressed {
				t.Errorf("allow = %v, %d; want %v, %d", ok, n, st.ok, st.suppressed)
			}
		})
	}
}
