package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestAccountChangesEndSessionsAndTokens: a password reset and disabling
// end the user's login sessions and API tokens, for good.
func TestAccountChangesEndSessionsAndTokens(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(s *Service, id int64) error
	}{
		{"password reset", func(s *Service, id int64) error {
			return s.ResetPassword(context.Background(), id, "sandi-baru-sekali", nil)
		}},
		{"disable, then enable", func(s *Service, id int64) error {
			if _, err := s.SetDisabled(context.Background(), id, true, nil); err != nil {
				return err
			}
			_, err := s.SetDisabled(context.Background(), id, false, nil)
			return err
		}},
	}
	for _, kind := range testenv.DatabaseKinds {
		for _, tc := range cases {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				u := e.user(owner)
				bystander := e.user(other)
				session := e.login(owner)
				token, _ := e.token(u.ID, 0)
				kept, _ := e.token(bystander.ID, 0)
				if err := tc.change(e.svc, u.ID); err != nil {
					t.Fatal(err)
				}
				for name, secret := range map[string]string{"login session": session, "API token": token} {
					if e.authenticates(secret) {
						t.Errorf("%s still works", name)
					}
				}
				if !e.authenticates(kept) {
					t.Error("another user's token stopped working")
				}
			})
		}
	}
}

// TestLogout: logout ends whatever the secret opens, login session or API
// token, and audits it.
func TestLogout(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		secret     func(e *env, userID int64) string
		action     string
		objectType string
	}{
		{"login session", func(e *env, _ int64) string { return e.login(owner) }, "auth.logout", "session"},
		{"API token", func(e *env, id int64) string { s, _ := e.token(id, 30); return s }, "token.revoke", "token"},
		{"unknown secret", func(*env, int64) string { return "bukan-token-yang-ada" }, "", ""},
		{"no secret", func(*env, int64) string { return "" }, "", ""},
	}
	for _, kind := range testenv.DatabaseKinds {
		for _, tc := range cases {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				u := e.user(owner)
				secret := tc.secret(e, u.ID)
				before := e.auditCount("")
				if err := e.svc.Logout(fromIP("10.0.0.1"), secret); err != nil {
					t.Fatal(err)
				}
				var rows []bukti.AuditEntry
				e.db.Order("id").Offset(int(before)).Find(&rows)
				if secret != "" && e.authenticates(secret) {
					t.Error("the secret still works after logout")
				}
				if tc.action == "" {
					if len(rows) != 0 {
						t.Errorf("logout with %s wrote %d audit rows", tc.name, len(rows))
					}
					return
				}
				if len(rows) != 1 || rows[0].Action != tc.action || rows[0].ObjectType != tc.objectType ||
					rows[0].UserID == nil || *rows[0].UserID != u.ID || rows[0].ClientIP != "10.0.0.1" {
					t.Errorf("audit rows %+v, want one %s of a %s by user %d", rows, tc.action, tc.objectType, u.ID)
				}
			})
		}
	}
}

// TestAdminTokens: an administrator lists and revokes any user's tokens.
func TestAdminTokens(t *testing.T) {
	t.Parallel()
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			ctx := context.Background()
			admin := e.user("admin@puskesmas.test")
			u := e.user(owner)
			stranger := e.user(other)
			secret, id := e.token(u.ID, 30)
			_, strangersID := e.token(stranger.ID, 30)

			t.Run("list without secrets", func(t *testing.T) {
				toks, err := e.svc.TokensOf(ctx, u.ID)
				if err != nil {
					t.Fatal(err)
				}
				out, _ := json.Marshal(toks)
				if len(toks) != 1 || toks[0].ID != id || strings.Contains(string(out), secret) || strings.Contains(string(out), hashToken(secret)) {
					t.Errorf("TokensOf = %s", out)
				}
			})
			errs := []struct {
				name string
				err  func() error
				want string
			}{
				{"list of an unknown user", func() error { _, err := e.svc.TokensOf(ctx, 9999); return err }, bukti.ENOTFOUND},
				{"revoke for an unknown user", func() error { return e.svc.RevokeTokenOf(ctx, 9999, id, &admin.ID) }, bukti.ENOTFOUND},
				{"revoke another user's token", func() error { return e.svc.RevokeTokenOf(ctx, u.ID, strangersID, &admin.ID) }, bukti.ENOTFOUND},
				{"revoke an unknown token", func() error { return e.svc.RevokeTokenOf(ctx, u.ID, 9999, &admin.ID) }, bukti.ENOTFOUND},
			}
			for _, tc := range errs {
				t.Run(tc.name, func(t *testing.T) {
					if err := tc.err(); code(err) != tc.want {
						t.Errorf("error %v, want %s", err, tc.want)
					}
				})
			}
			t.Run("revoke", func(t *testing.T) {
				if err := e.svc.RevokeTokenOf(ctx, u.ID, id, &admin.ID); err != nil {
					t.Fatal(err)
				}
				if e.authenticates(secret) {
					t.Error("revoked token still works")
				}
				var row bukti.AuditEntry
				e.db.Where("action = ?", "token.revoke").Take(&row)
				if row.UserID == nil || *row.UserID != admin.ID || row.ObjectID != fmt.Sprint(id) {
					t.Errorf("token.revoke row %+v, want by admin %d of token %d", row, admin.ID, id)
				}
				if n := e.auditCount("token.revoke"); n != 1 {
					t.Errorf("%d token.revoke rows, want 1", n)
				}
			})
		})
	}
}

// TestPruneSessions deletes what has expired and lapsed, and nothing else.
func TestPruneSessions(t *testing.T) {
	t.Parallel()
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			ctx := context.Background()
			u := e.user(owner)
			e.user(other)
			e.login(owner)                                  // expires after SessionTTL
			e.token(u.ID, 1)                                // expires after a day
			forever, _ := e.token(u.ID, 0)                  // never expires
			month, _ := e.token(u.ID, 30)                   // expires after 30 days
			e.svc.Login(fromIP("10.0.0.1"), owner, "salah") // three throttle counters
			if n, err := e.svc.PruneSessions(ctx); err != nil || n != 0 {
				t.Fatalf("PruneSessions before anything expired = %d, %v; want 0", n, err)
			}
			e.clock.Advance(SessionTTL + time.Hour)
			fresh := e.login(other) // its counter is new: not lapsed
			if n, err := e.svc.PruneSessions(ctx); err != nil || n != 2+3 {
				t.Fatalf("PruneSessions = %d, %v; want 2 sessions + 3 throttle counters", n, err)
			}
			var sessions, throttles int64
			e.db.Model(&bukti.Session{}).Count(&sessions)
			e.db.Model(&bukti.LoginThrottle{}).Count(&throttles)
			if sessions != 3 || throttles != 1 {
				t.Errorf("left %d sessions and %d throttle rows, want 3 and 1", sessions, throttles)
			}
			for name, secret := range map[string]string{"token without expiry": forever, "30-day token": month, "new login": fresh} {
				if !e.authenticates(secret) {
					t.Errorf("%s was pruned", name)
				}
			}
		})
	}
}
