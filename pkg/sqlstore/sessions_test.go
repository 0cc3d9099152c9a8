package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// TestSessionWithUser: the hand-scanned join reads a session or token with
// its user exactly as gorm reads the two rows — expiry and last use set or
// NULL, a disabled user — and an unknown hash is ErrNotFound.
func TestSessionWithUser(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		st := sqlstore.New(e.db, fixedNow)
		expires := now.Add(time.Hour).Truncate(time.Microsecond)
		cases := []struct {
			name     string
			session  bukti.Session
			disabled bool
		}{
			{"login session", bukti.Session{TokenHash: "h-login", Kind: bukti.SessionLogin, ExpiresAt: &expires, LastUsedAt: &expires}, false},
			{"token that never expires, never used", bukti.Session{TokenHash: "h-token", Kind: bukti.SessionToken, Name: "skrip"}, false},
			{"disabled user", bukti.Session{TokenHash: "h-disabled", Kind: bukti.SessionLogin, ExpiresAt: &expires}, true},
		}
		for _, c := range cases {
			u := bukti.User{Email: c.session.TokenHash + "@puskesmas.test", Name: "Petugas " + c.name, PasswordHash: "$2a$x", CreatedAt: now}
			if err := e.db.Create(&u).Error; err != nil {
				t.Fatal(err)
			}
			if c.disabled {
				if err := e.db.Model(&u).Update("disabled", true).Error; err != nil {
					t.Fatal(err)
				}
			}
			s := c.session
			s.UserID, s.CreatedAt = u.ID, now
			if err := e.db.Create(&s).Error; err != nil {
				t.Fatal(err)
			}
			var want bukti.Session
			if err := e.db.Preload("User").First(&want, s.ID).Error; err != nil {
				t.Fatal(err)
			}
			got, err := st.SessionWithUser(ctx, s.TokenHash)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if got.User == nil || !got.User.CreatedAt.Equal(want.User.CreatedAt) || got.User.Disabled != c.disabled {
				t.Fatalf("%s: user %+v, want %+v", c.name, got.User, want.User)
			}
			gu, wu := *got.User, *want.User
			gu.CreatedAt, wu.CreatedAt = time.Time{}, time.Time{}
			if gu != wu {
				t.Errorf("%s: user %+v, want %+v", c.name, gu, wu)
			}
			g, w := *got, want
			g.User, w.User = nil, nil
			if !sameTime(g.ExpiresAt, w.ExpiresAt) || !sameTime(g.LastUsedAt, w.LastUsedAt) || !g.CreatedAt.Equal(w.CreatedAt) {
				t.Errorf("%s: times %v %v %v, want %v %v %v", c.name, g.ExpiresAt, g.LastUsedAt, g.CreatedAt, w.ExpiresAt, w.LastUsedAt, w.CreatedAt)
			}
			g.ExpiresAt, w.ExpiresAt, g.LastUsedAt, w.LastUsedAt, g.CreatedAt, w.CreatedAt = nil, nil, nil, nil, time.Time{}, time.Time{}
			if g != w {
				t.Errorf("%s: session %+v, want %+v", c.name, g, w)
			}
		}
		if _, err := st.SessionWithUser(ctx, "no such hash"); !errors.Is(err, sqlstore.ErrNotFound) {
			t.Errorf("unknown hash: %v, want ErrNotFound", err)
		}
	})
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}
