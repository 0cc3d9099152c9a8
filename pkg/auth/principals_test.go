package auth

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestAccessKeepsPrincipals checks the principal cache of one service:
// a secret's principal is read once while the access version holds, read
// again after any change of it, kept for at most PrincipalCache secrets
// (the least recently used go first), never kept for a refused secret, and
// checked for expiry at every use; last-used bookkeeping is written at most
// once a minute.
func TestAccessKeepsPrincipals(t *testing.T) {
	t.Parallel()
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			e.svc.PrincipalCache = 2
			ctx := context.Background()
			secrets := make([]string, 3)
			for i := range secrets {
				email := fmt.Sprintf("u%d@example.id", i)
				e.user(email)
				secrets[i] = e.login(email)
			}
			access := func(secret string) (loaded bool, err error) {
				t.Helper()
				n := e.svc.PrincipalLoads()
				_, err = e.svc.Access(ctx, secret, 0)
				return e.svc.PrincipalLoads() != n, err
			}
			steps := []struct {
				name   string
				secret string
				before func()
				loaded bool
				code   string
			}{
				{"first use", secrets[0], nil, true, ""},
				{"again", secrets[0], nil, false, ""},
				{"second secret", secrets[1], nil, true, ""},
				{"first, still kept", secrets[0], nil, false, ""},
				{"third secret: the second, least recently used, goes", secrets[2], nil, true, ""},
				{"first, still kept", secrets[0], nil, false, ""},
				{"second, read again", secrets[1], nil, true, ""},
				{"a change of the access version", secrets[1], func() {
					if _, err := e.svc.CreateUser(ctx, "new@example.id", "", password, nil); err != nil {
						t.Fatal(err)
					}
				}, true, ""},
				{"unknown secret", "tidak-ada", nil, true, bukti.EUNAUTHORIZED},
				{"unknown secret, read again: refusals are not kept", "tidak-ada", nil, true, bukti.EUNAUTHORIZED},
				{"a minute later", secrets[1], func() { e.clock.Advance(time.Minute) }, false, ""},
				{"expired while kept", secrets[1], func() { e.clock.Advance(SessionTTL) }, false, bukti.EUNAUTHORIZED},
				{"expired, read again", secrets[1], nil, true, bukti.EUNAUTHORIZED},
			}
			for _, s := range steps {
				if s.before != nil {
					s.before()
				}
				loaded, err := access(s.secret)
				if loaded != s.loaded || code(err) != s.code {
					t.Errorf("%s: read %v (want %v), error %v (want %q)", s.name, loaded, s.loaded, err, s.code)
				}
				if n := e.svc.principals().len(); n > 2 {
					t.Errorf("%s: %d principals kept, at most 2 allowed", s.name, n)
				}
			}
			// Sign-ins recorded: at the first use of each secret (login
			// sets none) and once more for the second, a minute later.
			var used int64
			if err := e.db.Model(&bukti.Session{}).Where("last_used_at IS NOT NULL").Count(&used).Error; err != nil {
				t.Fatal(err)
			}
			if used != 3 {
				t.Errorf("%d sessions with a last use recorded, want 3", used)
			}
		})
	}
}

// TestAccessConcurrent uses secrets from many goroutines while the access
// version changes, for the race detector, and checks every answer.
func TestAccessConcurrent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	e.svc.PrincipalCache = 3
	ctx := context.Background()
	var secrets []string
	for i := range 5 {
		email := fmt.Sprintf("c%d@example.id", i)
		e.user(email)
		secrets = append(secrets, e.login(email))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				secret := secrets[(g+i)%len(secrets)]
				acc, err := e.svc.Access(ctx, secret, 0)
				if err != nil {
					t.Errorf("access: %v", err)
					return
				}
				if acc.Principal.User.ID != acc.Session.UserID || acc.Session.User.ID != acc.Session.UserID {
					t.Errorf("access of session %d: principal of user %d", acc.Session.ID, acc.Principal.User.ID)
				}
				if g == 0 && i%10 == 0 {
					if _, err := e.svc.CreateUser(ctx, fmt.Sprintf("n%d@example.id", i), "", password, nil); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
}
