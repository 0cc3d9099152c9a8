package auth

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// password is every test user's password.
const password = "kata-sandi-benar-1"

// clock is a test clock that moves only when told to.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// logBuffer collects what the service logs.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the logged lines that contain s.
func (b *logBuffer) lines(s string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, l := range strings.Split(b.buf.String(), "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return out
}

// env is one test's service on a fresh database of one kind.
type env struct {
	t     *testing.T
	svc   *Service
	db    *gorm.DB
	clock *clock
	logs  *logBuffer
}

func newEnv(t *testing.T, kind string) *env {
	t.Helper()
	gdb := testenv.OpenDB(t, kind)
	c := &clock{t: time.Date(2025, time.March, 10, 2, 0, 0, 0, time.UTC)}
	logs := &logBuffer{}
	svc := &Service{Store: sqlstore.New(gdb, c.Now), Now: c.Now, Log: slog.New(slog.NewTextHandler(logs, nil)), Cost: 4}
	return &env{t: t, svc: svc, db: gdb, clock: c, logs: logs}
}

// user adds a user whose password is password.
func (e *env) user(email string) *bukti.User {
	e.t.Helper()
	u, err := e.svc.CreateUser(context.Background(), email, "", password, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// login signs in with password and returns the session secret.
func (e *env) login(email string) string {
	e.t.Helper()
	secret, _, err := e.svc.Login(context.Background(), email, password)
	if err != nil {
		e.t.Fatalf("login %s: %v", email, err)
	}
	return secret
}

// token makes an API token for a user and returns its secret and ID.
func (e *env) token(userID int64, days int) (string, int64) {
	e.t.Helper()
	secret, tok, err := e.svc.CreateToken(context.Background(), userID, "skrip laporan", days)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret, tok.ID
}

// auditCount counts audit rows with an action ("" for all rows).
func (e *env) auditCount(action string) int64 {
	e.t.Helper()
	q := e.db.Model(&bukti.AuditEntry{})
	if action != "" {
		q = q.Where("action = ?", action)
	}
	var n int64
	if err := q.Count(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

// authenticates reports whether a secret still opens a session.
func (e *env) authenticates(secret string) bool {
	e.t.Helper()
	_, _, err := e.svc.Authenticate(context.Background(), secret)
	if err != nil && bukti.ErrorCode(err) != bukti.EUNAUTHORIZED {
		e.t.Fatal(err)
	}
	return err == nil
}

// fromIP is a request context from a client IP.
func fromIP(ip string) context.Context {
	return audit.WithRequest(context.Background(), audit.Request{ID: "test-" + ip, ClientIP: ip})
}

// code returns the bukti error code of err ("" for nil).
func code(err error) string { return bukti.ErrorCode(err) }
