package auth

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestLoginConcurrentAttempts sends many wrong passwords for one account at
// once: no more are checked than the limit allows, the rest are refused
// with a time to wait.
func TestLoginConcurrentAttempts(t *testing.T) {
	t.Parallel()
	const attempts = 120
	cases := []struct {
		name  string
		ip    func(i int) string
		limit int
	}{
		{"from one IP", func(int) string { return "203.0.113.7" }, MaxFailsPerAccount},
		{"from many IPs", func(i int) string { return fmt.Sprintf("198.51.100.%d", i) }, FreeFailsPerAccount},
	}
	for _, kind := range testenv.DatabaseKinds {
		for _, tc := range cases {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				e.user("mutu@puskesmas.test")
				start := make(chan struct{})
				var wg sync.WaitGroup
				var mu sync.Mutex
				got := map[string]int{}
				for i := range attempts {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						_, _, err := e.svc.Login(fromIP(tc.ip(i)), "mutu@puskesmas.test", "salah-sandi-123")
						c := code(err)
						if wait, ok := RetryAfter(err); c == bukti.ETOOMANY && (!ok || wait <= 0) {
							c = "refused without a time to wait"
						}
						mu.Lock()
						got[c]++
						mu.Unlock()
					}()
				}
				close(start)
				wg.Wait()
				want := map[string]int{bukti.EUNAUTHORIZED: tc.limit, bukti.ETOOMANY: attempts - tc.limit}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("outcomes %v, want %v", got, want)
				}
				if n := e.svc.evaluated.Load(); n != int64(tc.limit) {
					t.Errorf("%d passwords checked, want %d", n, tc.limit)
				}
				if n := e.auditCount("auth.login_failed"); n != int64(tc.limit) {
					t.Errorf("%d auth.login_failed rows, want %d", n, tc.limit)
				}
			})
		}
	}
}

// attempt is one step of a throttling scenario: after moving the clock by
// wait, times sign-ins for email from ip (a new IP each time when ip is
// "*"; a new email each time when email has a %d), with the right password or not, each answered with want ("" for
// success) and, when refused, the time to wait retry.
type attempt struct {
	wait  time.Duration
	times int
	ip    string
	email string
	right bool
	want  string
	retry time.Duration
}

const (
	owner = "mutu@puskesmas.test"
	other = "dinkes@puskesmas.test"
)

// fails is n wrong passwords for owner from ip, spaced so that the
// per-account delay never refuses them.
func fails(n int, ip string) attempt {
	return attempt{wait: MaxAccountDelay, times: n, ip: ip, email: owner, want: bukti.EUNAUTHORIZED}
}

func TestLoginThrottleLimits(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		steps []attempt
	}{
		{"account from the same IP over its limit is refused until the window ends", []attempt{
			fails(MaxFailsPerAccount, "10.0.0.1"),
			{ip: "10.0.0.1", email: owner, right: true, want: bukti.ETOOMANY, retry: ThrottleWindow - (MaxFailsPerAccount-1)*MaxAccountDelay},
			{wait: ThrottleWindow, ip: "10.0.0.1", email: owner, right: true},
		}},
		{"account from another IP is still evaluated", []attempt{
			fails(MaxFailsPerAccount, "10.0.0.1"),
			{wait: MaxAccountDelay, ip: "10.0.0.2", email: owner, right: true},
		}},
		{"account from another IP right after the failures waits the delay", []attempt{
			{times: FreeFailsPerAccount, ip: "10.0.0.1", email: owner, want: bukti.EUNAUTHORIZED},
			{ip: "10.0.0.2", email: owner, right: true, want: bukti.ETOOMANY, retry: AccountDelay},
			{wait: AccountDelay, ip: "10.0.0.2", email: owner, right: true},
		}},
		{"other accounts from the same IP are not refused", []attempt{
			fails(MaxFailsPerAccount, "10.0.0.1"),
			{ip: "10.0.0.1", email: other, right: true},
		}},
		{"same IP over its limit is refused for every account", []attempt{
			{times: MaxFailsPerIP, ip: "10.0.0.1", email: "tebak%d@puskesmas.test", want: bukti.EUNAUTHORIZED},
			{ip: "10.0.0.1", email: other, right: true, want: bukti.ETOOMANY, retry: ThrottleWindow},
			{ip: "10.0.0.2", email: other, right: true},
		}},
		{"the per-account delay grows with every failure", []attempt{
			{times: FreeFailsPerAccount, ip: "*", email: owner, want: bukti.EUNAUTHORIZED},
			{ip: "*", email: owner, want: bukti.ETOOMANY, retry: time.Second},
			{wait: time.Second, ip: "*", email: owner, want: bukti.EUNAUTHORIZED},
			{ip: "*", email: owner, want: bukti.ETOOMANY, retry: 2 * time.Second},
			{wait: 2 * time.Second, ip: "*", email: owner, want: bukti.EUNAUTHORIZED},
			{ip: "*", email: owner, want: bukti.ETOOMANY, retry: 4 * time.Second},
			{wait: 3 * time.Second, ip: "*", email: owner, want: bukti.ETOOMANY, retry: time.Second},
		}},
		{"the per-account delay stops at its maximum", []attempt{
			{wait: MaxAccountDelay, times: 12, ip: "*", email: owner, want: bukti.EUNAUTHORIZED},
			{ip: "*", email: owner, right: true, want: bukti.ETOOMANY, retry: MaxAccountDelay},
			{wait: MaxAccountDelay, ip: "*", email: owner, right: true},
		}},
		{"success clears the account's counter for that IP", []attempt{
			fails(MaxFailsPerAccount-1, "10.0.0.1"),
			{ip: "10.0.0.1", email: owner, right: true},
			fails(MaxFailsPerAccount, "10.0.0.1"),
			{ip: "10.0.0.1", email: owner, right: true, want: bukti.ETOOMANY, retry: ThrottleWindow - (MaxFailsPerAccount-1)*MaxAccountDelay},
		}},
		{"unknown accounts count like known ones", []attempt{
			{times: MaxFailsPerAccount, ip: "10.0.0.1", email: "siapa@puskesmas.test", want: bukti.EUNAUTHORIZED},
			{ip: "10.0.0.1", email: "siapa@puskesmas.test", want: bukti.ETOOMANY, retry: ThrottleWindow},
		}},
	}
	for _, kind := range testenv.DatabaseKinds {
		for _, tc := range cases {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				e.user(owner)
				e.user(other)
				ips := 0
				for i, st := range tc.steps {
					for n := range max(st.times, 1) {
						e.clock.Advance(st.wait)
						ip := st.ip
						if ip == "*" {
							ips++
							ip = fmt.Sprintf("192.0.2.%d", ips)
						}
						email := st.email
						if strings.Contains(email, "%d") {
							email = fmt.Sprintf(email, n)
						}
						pw := "salah-sandi-123"
						if st.right {
							pw = password
						}
						_, _, err := e.svc.Login(fromIP(ip), email, pw)
						wait, _ := RetryAfter(err)
						if code(err) != st.want || wait != st.retry {
							t.Fatalf("step %d, attempt %d from %s: %v (retry after %v), want %q (retry after %v)",
								i+1, n+1, ip, err, wait, st.want, st.retry)
						}
					}
				}
			})
		}
	}
}

func TestAccountDelay(t *testing.T) {
	cases := []struct {
		attempts int
		want     time.Duration
	}{
		{0, 0}, {FreeFailsPerAccount - 1, 0},
		{FreeFailsPerAccount, time.Second}, {FreeFailsPerAccount + 1, 2 * time.Second}, {FreeFailsPerAccount + 2, 4 * time.Second},
		{FreeFailsPerAccount + 5, 32 * time.Second}, {FreeFailsPerAccount + 6, MaxAccountDelay}, {FreeFailsPerAccount + 70, MaxAccountDelay},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d attempts", tc.attempts), func(t *testing.T) {
			if got := accountDelay(tc.attempts); got != tc.want {
				t.Errorf("accountDelay(%d) = %v, want %v", tc.attempts, got, tc.want)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	cases := []struct {
		name    string
		err     error
		ok      bool
		wait    time.Duration
		message string
	}{
		{"seconds", throttled(throttleAccount, time.Second), true, time.Second, "Tunggu 1 detik lalu coba lagi."},
		{"part of a second rounds up", throttled(throttleAccount, 1200*time.Millisecond), true, 2 * time.Second, "Tunggu 2 detik"},
		{"less than a second waits one", throttled(throttleAccount, time.Millisecond), true, time.Second, "Tunggu 1 detik"},
		{"minutes", throttled(throttleIP, ThrottleWindow), true, ThrottleWindow, "Tunggu 15 menit lalu coba lagi."},
		{"minutes round up", throttled(throttleIP, 14*time.Minute+time.Second), true, 14*time.Minute + time.Second, "Tunggu 15 menit"},
		{"wrapped", fmt.Errorf("login: %w", throttled(throttleIP, time.Minute)), true, time.Minute, "Tunggu 60 detik"},
		{"other errors", errBadLogin, false, 0, ""},
		{"nil", nil, false, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wait, ok := RetryAfter(tc.err)
			if ok != tc.ok || wait != tc.wait {
				t.Errorf("RetryAfter = %v, %v; want %v, %v", wait, ok, tc.wait, tc.ok)
			}
			if !tc.ok {
				return
			}
			id, en := bukti.ErrorMessage(tc.err)
			if code(tc.err) != bukti.ETOOMANY || !strings.Contains(id, tc.message) || !strings.HasPrefix(id, "Terlalu banyak") || !strings.Contains(en, "wait") {
				t.Errorf("error %s: %q / %q", code(tc.err), id, en)
			}
		})
	}
}

// TestLoginThrottlingWritesNoAudit: refused sign-ins are logged, at most
// once per second per reason, and never audited.
func TestLoginThrottlingWritesNoAudit(t *testing.T) {
	t.Parallel()
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			e.user(owner)
			ctx := fromIP("10.0.0.1")
			for range MaxFailsPerAccount {
				e.svc.Login(ctx, owner, "salah-sandi-123")
			}
			before := e.auditCount("")
			for range 30 {
				if _, _, err := e.svc.Login(ctx, owner, password); code(err) != bukti.ETOOMANY {
					t.Fatalf("login after the limit: %v", err)
				}
			}
			if n := e.auditCount("") - before; n != 0 {
				t.Errorf("refused sign-ins wrote %d audit rows", n)
			}
			if n := len(e.logs.lines("refused a sign-in")); n != 1 {
				t.Errorf("%d log lines for 30 refusals within a second, want 1", n)
			}
		})
	}
}

// TestLoginComparesPasswordForUnknownEmails: an unknown email costs the same
// bcrypt comparison as a known one, so timing does not tell them apart.
func TestLoginComparesPasswordForUnknownEmails(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, email, password string
		want                  string
	}{
		{"unknown email", "siapa@puskesmas.test", password, bukti.EUNAUTHORIZED},
		{"wrong password", owner, "salah-sandi-123", bukti.EUNAUTHORIZED},
		{"right password", owner, password, ""},
		{"disabled account", "nonaktif@puskesmas.test", password, bukti.EUNAUTHORIZED},
	}
	e := newEnv(t, "sqlite")
	e.user(owner)
	off := e.user("nonaktif@puskesmas.test")
	if _, err := e.svc.SetDisabled(context.Background(), off.ID, true, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := e.svc.evaluated.Load()
			_, _, err := e.svc.Login(fromIP("10.0.0.9"), tc.email, tc.password)
			if code(err) != tc.want {
				t.Errorf("login: %v, want %q", err, tc.want)
			}
			if n := e.svc.evaluated.Load() - before; n != 1 {
				t.Errorf("%d bcrypt comparisons, want 1", n)
			}
		})
	}
	t.Run("dummy hash has the service's cost and is made once", func(t *testing.T) {
		h := e.svc.hashToCompare(nil)
		if cost, err := bcrypt.Cost(h); err != nil || cost != e.svc.Cost {
			t.Errorf("dummy hash cost %d (%v), want %d", cost, err, e.svc.Cost)
		}
		if string(e.svc.hashToCompare(nil)) != string(h) {
			t.Error("dummy hash made again")
		}
		u := &bukti.User{PasswordHash: "$2a$04$hash"}
		if string(e.svc.hashToCompare(u)) != u.PasswordHash {
			t.Error("a known user is not compared against their own hash")
		}
	})
}
