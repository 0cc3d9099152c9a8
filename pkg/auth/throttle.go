package auth

import (
	"context"
	"errors"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// Login throttling. Before a password is checked, the attempt reserves a
// slot on up to three counters (rows of bukti.LoginThrottle), in one
// transaction that locks their rows: concurrent attempts are counted one
// after the other, so no more passwords are checked than the limits allow,
// and the limits hold across app servers. A successful sign-in gives its
// slots back (and clears its account-and-IP counter); a refused attempt
// counts on no counter.
//
//   - Per client IP: at most MaxFailsPerIP attempts per ThrottleWindow.
//   - Per account from one client IP: at most MaxFailsPerAccount attempts
//     per ThrottleWindow.
//   - Per account from any IP: FreeFailsPerAccount attempts, then each one
//     waits AccountDelay after the previous, doubling with every further
//     attempt up to MaxAccountDelay; the count lapses after a
//     ThrottleWindow without attempts. A delay rather than a lock, so a
//     guesser elsewhere cannot lock the owner out of their account.
const (
	ThrottleWindow      = 15 * time.Minute
	MaxFailsPerAccount  = 5
	MaxFailsPerIP       = 20
	FreeFailsPerAccount = 5
	AccountDelay        = time.Second
	MaxAccountDelay     = time.Minute
)

// Counter kinds: the Kind column of bukti.LoginThrottle.
const (
	throttleIP        = "ip"
	throttleAccountIP = "account_ip"
	throttleAccount   = "account"
)

// maxIPLen bounds the client IP kept in a counter's subject (a proxy may
// send anything in X-Forwarded-For).
const maxIPLen = 64

// throttleKey names one counter.
type throttleKey struct{ kind, subject string }

// throttleKeys lists the counters an attempt for email from ip reserves,
// in the order their rows are locked: always by kind in this order, so two
// attempts never wait for each other's rows crosswise. Without a client IP
// (the command line) there is no IP counter, and the account-and-IP
// counter is the one for "no IP".
func throttleKeys(email, ip string) []throttleKey {
	if len(ip) > maxIPLen {
		ip = ip[:maxIPLen]
	}
	var keys []throttleKey
	if ip != "" {
		keys = append(keys, throttleKey{throttleIP, ip})
	}
	return append(keys, throttleKey{throttleAccountIP, ip + " " + email}, throttleKey{throttleAccount, email})
}

// accountDelay is how long after the previous attempt an account with n
// counted attempts (n >= FreeFailsPerAccount) accepts the next one.
func accountDelay(n int) time.Duration {
	shift := n - FreeFailsPerAccount
	if shift < 0 {
		return 0
	}
	if shift > 16 || AccountDelay<<shift > MaxAccountDelay {
		return MaxAccountDelay
	}
	return AccountDelay << shift
}

// throttleWait is how long counter r refuses attempts from now on; 0 means
// it accepts one now.
func throttleWait(r bukti.LoginThrottle, now time.Time) time.Duration {
	if !r.ExpiresAt.After(now) {
		return 0
	}
	switch {
	case r.Kind == throttleIP && r.Attempts >= MaxFailsPerIP,
		r.Kind == throttleAccountIP && r.Attempts >= MaxFailsPerAccount:
		return r.ExpiresAt.Sub(now)
	case r.Kind == throttleAccount && r.Attempts >= FreeFailsPerAccount:
		return max(0, r.LastAt.Add(accountDelay(r.Attempts)).Sub(now))
	}
	return 0
}

// counted returns counter r with one more attempt at now. A lapsed count
// starts over; the per-account count lapses a window after its latest
// attempt, the others a window after their first.
func counted(r bukti.LoginThrottle, now time.Time) bukti.LoginThrottle {
	if !r.ExpiresAt.After(now) {
		r.Attempts = 0
		r.ExpiresAt = now.Add(ThrottleWindow)
	}
	r.Attempts++
	r.LastAt = now
	if r.Kind == throttleAccount {
		r.ExpiresAt = now.Add(ThrottleWindow)
	}
	return r
}

// reserve counts one attempt on every counter of keys, or on none: when a
// counter refuses, it returns the ETOOMANY error (see RetryAfter) of the
// first one that does and changes nothing. Each counter is read under its
// row lock (sqlstore LockLoginThrottle), taken in the order of keys and
// held until the unit ends.
func (s *Service) reserve(ctx context.Context, keys []throttleKey, now time.Time) error {
	return s.Store.Run(ctx, nil, func(t *sqlstore.Tx) error {
		rows := make([]bukti.LoginThrottle, len(keys))
		for i, k := range keys {
			r, err := t.LockLoginThrottle(k.kind, k.subject, now)
			if err != nil {
				return err
			}
			if wait := throttleWait(r, now); wait > 0 {
				return throttled(k.kind, wait)
			}
			rows[i] = counted(r, now)
		}
		for _, r := range rows {
			if err := t.SaveLoginThrottle(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// release gives back the attempt of a successful sign-in, inside t: its
// account-and-IP counter is cleared, the others count one attempt less.
func release(t *sqlstore.Tx, keys []throttleKey) error {
	for _, k := range keys {
		var err error
		if k.kind == throttleAccountIP {
			err = t.DeleteLoginThrottle(k.kind, k.subject)
		} else {
			err = t.UncountLoginThrottle(k.kind, k.subject)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// throttledError is a refused sign-in: an ETOOMANY *bukti.Error that also
// says how long to wait and which counter refused.
type throttledError struct {
	err   *bukti.Error
	kind  string
	retry time.Duration
}

func (e *throttledError) Error() string { return e.err.Error() }
func (e *throttledError) Unwrap() error { return e.err }

// throttled returns the error refusing a sign-in for wait, rounded up to
// whole seconds (so a client that waits that long is not refused again),
// which its messages tell the user.
func throttled(kind string, wait time.Duration) error {
	wait = (wait + time.Second - 1).Truncate(time.Second)
	if wait < time.Second {
		wait = time.Second
	}
	var e *bukti.Error
	if secs := int(wait / time.Second); secs <= 90 {
		e = bukti.E(bukti.ETOOMANY, "err.auth.too_many_failed_sign_in", secs)
	} else {
		e = bukti.E(bukti.ETOOMANY, "err.auth.too_many_failed_sign_in_2", (secs+59)/60)
	}
	return &throttledError{err: e, kind: kind, retry: wait}
}

// RetryAfter reports how long a client refused by Login's throttling
// should wait before trying again (whole seconds, at least one), for the
// Retry-After header. ok is false for any other error.
func RetryAfter(err error) (wait time.Duration, ok bool) {
	var t *throttledError
	if errors.As(err, &t) {
		return t.retry, true
	}
	return 0, false
}
