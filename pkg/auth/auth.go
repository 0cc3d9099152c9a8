// Package auth signs users in and out and manages accounts, role bindings
// and personal API tokens.
//
// Passwords are stored as bcrypt hashes. Login sessions and API tokens are
// random 256-bit secrets of which only the SHA-256 is stored, in the
// database, so several app servers share them and a database leak does not
// leak usable secrets. Sign-in attempts are throttled per client IP, per
// account and IP, and per account (see ThrottleWindow), with counters in
// the database, so throttling also holds across app servers.
//
// Requests refused before anyone signed in (unknown, expired or revoked
// secrets, throttled sign-ins) write nothing to the database: they are
// logged, at most one line per reason per second.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/ui/locales"
)

// SessionTTL is how long a login session stays valid.
const SessionTTL = 7 * 24 * time.Hour

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// maxEmailLen is the longest email address an account can have.
const maxEmailLen = 254

// Service authenticates users and manages accounts. Use it by pointer: it
// holds state shared by its callers.
type Service struct {
	Store *sqlstore.DB
	Now   func() time.Time
	Log   *slog.Logger // nil: slog.Default()
	// Cost is the bcrypt cost; 0 means bcrypt.DefaultCost.
	Cost int
	// PrincipalCache is how many signed-in principals Access keeps in
	// memory; 0 means DefaultPrincipals.
	PrincipalCache int

	logs      logLimiter   // WARN lines about refused requests
	evaluated atomic.Int64 // passwords compared by Login, for tests

	principalOnce  sync.Once
	principalCache *principalCache
	principalLoads atomic.Int64 // principals Access read from the database, for tests
}

// logger returns s.Log, or the default logger when it is nil.
func (s *Service) logger() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// cost returns the bcrypt cost new hashes get.
func (s *Service) cost() int {
	if s.Cost == 0 {
		return bcrypt.DefaultCost
	}
	return s.Cost
}

var errBadLogin = bukti.E(bukti.EUNAUTHORIZED, "err.auth.wrong_email_or_password")

// HashPassword returns the bcrypt hash of a password, refusing short ones.
func (s *Service) HashPassword(password string) (string, error) {
	if len([]rune(password)) < MinPasswordLen {
		return "", bukti.E(bukti.EINVALID, "err.auth.password_must_have_at_least", MinPasswordLen)
	}
	if len(password) > 72 {
		return "", bukti.E(bukti.EINVALID, "err.auth.password_must_have_at_most")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), s.cost())
	return string(h), err
}

// normalizeEmail checks and lower-cases an email address.
func normalizeEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 {
		return "", bukti.E(bukti.EINVALID, "err.auth.invalid_email_address", email)
	}
	return strings.ToLower(email), nil
}

// CreateUser adds a user with a hashed password and no role; grant roles
// with Grant, or use CreateUserWithRole.
func (s *Service) CreateUser(ctx context.Context, email, name, password string, by *int64) (*bukti.User, error) {
	return s.CreateUserWithRole(ctx, email, name, password, nil, by)
}

// CreateUserWithRole adds a user and, when b is not nil, grants it, in one
// transaction: a refused role leaves no user behind.
func (s *Service) CreateUserWithRole(ctx context.Context, email, name, password string, b *bukti.RoleBinding, by *int64) (*bukti.User, error) {
	email, err := normalizeEmail(email)
	if err != nil {
		return nil, err
	}
	hash, err := s.HashPassword(password)
	if err != nil {
		return nil, err
	}
	u := bukti.User{Email: email, Name: strings.TrimSpace(name), PasswordHash: hash}
	if u.Name == "" {
		u.Name = u.Email
	}
	if len([]rune(u.Name)) > 200 {
		return nil, bukti.E(bukti.EINVALID, "err.auth.name_must_have_at_most")
	}
	err = s.Store.Run(ctx, by, func(t *sqlstore.Tx) error {
		u.CreatedAt = t.Now
		if err := t.CreateUser(&u); err != nil {
			if errors.Is(err, sqlstore.ErrDuplicate) {
				return bukti.E(bukti.ECONFLICT, "err.auth.email_already_registered", u.Email)
			}
			return err
		}
		if err := t.Audit(audit.Entry{Action: "user.create", ObjectType: "user",
			ObjectID: strconv.FormatInt(u.ID, 10), Summary: u.Email}); err != nil {
			return err
		}
		if b == nil {
			return nil
		}
		_, err := GrantIn(t, u.ID, *b)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// Bootstrap creates the first admin when the database has no user. With an
// empty password it generates one and logs it once, at WARN, so the
// operator can sign in. It does nothing when users exist.
func (s *Service) Bootstrap(ctx context.Context, email, password string) error {
	n, err := s.Store.UserCount(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if email == "" {
		email = "admin@bukti.local"
	}
	generated := password == ""
	if generated {
		password = randomToken()[:20]
	}
	u, err := s.CreateUser(ctx, email, "Administrator", password, nil)
	if err != nil {
		return err
	}
	if _, err := s.Grant(ctx, u.ID, bukti.RoleBinding{Role: bukti.RoleAdmin}, nil); err != nil {
		return err
	}
	if generated {
		s.logger().Warn("created first admin with a generated password; it is shown only once: sign in and keep it safe",
			"email", u.Email, "password", password)
	} else {
		s.logger().Info("created first admin", "email", u.Email)
	}
	return nil
}

// UserByEmail finds a user.
func (s *Service) UserByEmail(ctx context.Context, email string) (*bukti.User, error) {
	u, err := s.Store.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if errors.Is(err, sqlstore.ErrNotFound) {
		return nil, bukti.E(bukti.ENOTFOUND, "err.auth.user_not_found", email)
	}
	return u, err
}

// User returns a user by ID.
func (s *Service) User(ctx context.Context, id int64) (*bukti.User, error) {
	u, err := s.Store.User(ctx, id)
	if errors.Is(err, sqlstore.ErrNotFound) {
		return nil, bukti.E(bukti.ENOTFOUND, "err.auth.user_not_found_2", id)
	}
	return u, err
}

// Users lists every user by email.
func (s *Service) Users(ctx context.Context) ([]bukti.User, error) {
	return s.Store.Users(ctx)
}

// SetDisabled disables or re-enables a user. A disabled user loses access
// at once: their login sessions and API tokens are deleted, so re-enabling
// the user brings none of them back, and the change of the access version
// makes every server read the user again at their next request (Access).
func (s *Service) SetDisabled(ctx context.Context, id int64, disabled bool, by *int64) (*bukti.User, error) {
	u, err := s.User(ctx, id)
	if err != nil {
		return nil, err
	}
	if by != nil && *by == id && disabled {
		return nil, bukti.E(bukti.EINVALID, "err.auth.you_cannot_disable_your_own")
	}
	action := map[bool]string{true: "user.disable", false: "user.enable"}[disabled]
	err = s.Store.Run(ctx, by, func(t *sqlstore.Tx) error {
		if err := t.SetUserDisabled(id, disabled); err != nil {
			return err
		}
		if disabled {
			if err := t.DeleteUserSessions(id); err != nil {
				return err
			}
		}
		return t.Audit(audit.Entry{Action: action, ObjectType: "user", ObjectID: strconv.FormatInt(id, 10),
			Summary: u.Email, Before: strconv.FormatBool(u.Disabled), After: strconv.FormatBool(disabled)})
	})
	if err != nil {
		return nil, err
	}
	u.Disabled = disabled
	return u, nil
}

// ResetPassword sets a new password and ends the user's login sessions and
// API tokens: whoever knew the old password may have made either.
func (s *Service) ResetPassword(ctx context.Context, id int64, password string, by *int64) error {
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	hash, err := s.HashPassword(password)
	if err != nil {
		return err
	}
	return s.Store.Run(ctx, by, func(t *sqlstore.Tx) error {
		if err := t.SetUserPassword(id, hash); err != nil {
			return err
		}
		if err := t.DeleteUserSessions(id); err != nil {
			return err
		}
		return t.Audit(audit.Entry{Action: "user.reset_password", ObjectType: "user",
			ObjectID: strconv.FormatInt(id, 10), Summary: u.Email})
	})
}

// NewPassword returns a random password of 26 letters and digits (130
// bits), for an admin to hand over once.
func NewPassword() string {
	return rand.Text()
}

// userReferrers lists what must not record a user's part in the work for
// the user to be deleted, in the order they are checked: the referrer
// (sqlstore's name for the rows) and the message key naming them.
var userReferrers = []struct {
	referrer string
	name     locales.Key
}{
	{"evidence", "auth.ref.evidence"}, {"revision", "auth.ref.revisions"},
	{"not_applicable", "auth.ref.tdd_marks"}, {"interviewee", "auth.ref.interviewees"},
	{"survey", "auth.ref.surveys"}, {"survey_team", "auth.ref.survey_teams"},
	{"survey_assignment", "auth.ref.survey_assignments"}, {"self_assessment", "auth.ref.self_assessments"},
	{"snapshot_review", "auth.ref.reviews"}, {"survey_score", "auth.ref.scores"},
	{"pps_item", "auth.ref.pps"}, {"catalogue_version", "auth.ref.catalogue_versions"},
	{"granted_role", "auth.ref.granted_roles"},
}

// DeleteUser deletes an account that holds no part of the work: one made
// by mistake, or never used. Its role bindings, login sessions and API
// tokens go with it. An account that uploaded evidence, marked a TDD,
// named an interviewee, planned, led, reviewed or scored a survey, imported
// a catalogue or granted a role cannot be deleted: the conflict says what
// refers to it, and the account can be disabled instead. Nobody deletes
// their own account or the last admin. The audit log keeps the rows the
// user made under their ID; the deletion's row names the email.
func (s *Service) DeleteUser(ctx context.Context, id int64, by *int64) error {
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	if by != nil && *by == id {
		return bukti.E(bukti.EINVALID, "err.auth.you_cannot_delete_your_own")
	}
	return s.Store.Run(ctx, by, func(t *sqlstore.Tx) error {
		bindings, err := t.UserRoleBindings(id)
		if err != nil {
			return err
		}
		roles := make([]string, len(bindings))
		for i, b := range bindings {
			roles[i] = describe(b)
			if b.Role != bukti.RoleAdmin {
				continue
			}
			admins, err := t.CountRoleBindings(bukti.RoleAdmin)
			if err != nil {
				return err
			}
			if admins <= 1 {
				return bukti.E(bukti.ECONFLICT, "err.auth.this_last_admin_grant_admin")
			}
		}
		for _, ref := range userReferrers {
			n, err := t.CountUserReferrers(id, ref.referrer)
			if err != nil {
				return err
			}
			if n > 0 {
				return bukti.E(bukti.ECONFLICT, "err.auth.user_still_referred", u.Email, n, ref.name)
			}
		}
		if err := t.DeleteUser(id); err != nil {
			return err
		}
		return t.Audit(audit.Entry{Action: "user.delete", ObjectType: "user", ObjectID: strconv.FormatInt(id, 10),
			Summary: u.Email, Before: strings.Join(append([]string{u.Email + " " + u.Name}, roles...), "; ")})
	})
}

// Login checks a password and opens a session, returning its secret (to
// hand to the client as bearer token or cookie) and the user.
//
// The attempt is first counted against the throttling limits (see
// ThrottleWindow), atomically, and refused with ETOOMANY when one is
// reached: RetryAfter tells how long to wait. Refusals are logged, not
// audited. Otherwise the password is checked (against a dummy hash for an
// unknown email, so both take the same time); failures are audited with
// the client IP and say nothing about which part was wrong. A successful
// login gives its attempt back.
func (s *Service) Login(ctx context.Context, email, password string) (string, *bukti.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if len(email) > maxEmailLen {
		return "", nil, errBadLogin // no account has it: nothing to count or check
	}
	now := s.Now().UTC()
	keys := throttleKeys(email, audit.RequestFrom(ctx).ClientIP)
	if err := s.reserve(ctx, keys, now); err != nil {
		var t *throttledError
		if errors.As(err, &t) {
			s.warnLimited(ctx, "login throttled per "+t.kind, "refused a sign-in: too many failed attempts",
				"email", email, "retry_after", t.retry)
		}
		return "", nil, err
	}
	u, err := s.lookupLogin(ctx, email)
	if err != nil {
		return "", nil, err
	}
	passwordOK := s.checkPassword(s.hashToCompare(u), password) && u != nil
	if !passwordOK || u.Disabled {
		return "", nil, s.loginFailed(ctx, email, u, passwordOK, now)
	}
	exp := now.Add(SessionTTL)
	token, err := s.openSession(ctx, &bukti.Session{Kind: bukti.SessionLogin, UserID: u.ID, ExpiresAt: &exp, CreatedAt: now},
		audit.Entry{At: now, By: &u.ID, Action: "auth.login", ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10)},
		func(t *sqlstore.Tx) error { return release(t, keys) })
	if err != nil {
		return "", nil, err
	}
	return token, u, nil
}

// lookupLogin returns the user with a (normalized) email, or nil when
// there is none.
func (s *Service) lookupLogin(ctx context.Context, email string) (*bukti.User, error) {
	u, err := s.Store.UserByEmail(ctx, email)
	if errors.Is(err, sqlstore.ErrNotFound) {
		return nil, nil
	}
	return u, err
}

// loginFailed audits a failed login of email (u is nil for an unknown
// one) and returns the error Login answers: a disabled account is told so
// only when the password was right.
func (s *Service) loginFailed(ctx context.Context, email string, u *bukti.User, passwordOK bool, now time.Time) error {
	var uid *int64
	if u != nil {
		uid = &u.ID
	}
	summary := "wrong email or password"
	if passwordOK {
		summary = "account disabled"
	}
	err := s.Store.Run(ctx, uid, func(t *sqlstore.Tx) error {
		return t.Audit(audit.Entry{At: now, By: uid, Action: "auth.login_failed", ObjectType: "user",
			ObjectID: email, Summary: summary})
	})
	if err != nil {
		return err
	}
	if passwordOK {
		return bukti.E(bukti.EUNAUTHORIZED, "err.auth.account_disabled_contact_administrator")
	}
	return errBadLogin
}

// dummyHashes holds, per bcrypt cost, the hash of a random password that
// Login compares against for unknown emails.
var dummyHashes sync.Map // int → []byte

// hashToCompare returns the hash Login checks a password against: the
// user's, or for an unknown email (u nil) a dummy hash of the service's
// cost, computed once, so that both cases do the same bcrypt work and an
// unknown email cannot be told from a wrong password by the time taken.
func (s *Service) hashToCompare(u *bukti.User) []byte {
	if u != nil {
		return []byte(u.PasswordHash)
	}
	cost := s.cost()
	if h, ok := dummyHashes.Load(cost); ok {
		return h.([]byte)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(randomToken()), cost)
	if err != nil {
		// An invalid cost: no user's hash can have been made with it
		// either, so the comparison fails just as fast for everyone.
		return nil
	}
	stored, _ := dummyHashes.LoadOrStore(cost, h)
	return stored.([]byte)
}

// checkPassword reports whether password matches hash. Login checks every
// password it evaluates through here, and only here.
func (s *Service) checkPassword(hash []byte, password string) bool {
	s.evaluated.Add(1)
	return bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
}

// openSession stores a new session or token (filling its ID) with its
// audit entry, and returns its secret. An entry without ObjectID gets the
// session's ID. The also functions run in the same unit of work, by e.By.
func (s *Service) openSession(ctx context.Context, sess *bukti.Session, e audit.Entry, also ...func(t *sqlstore.Tx) error) (string, error) {
	token := randomToken()
	sess.TokenHash = hashToken(token)
	err := s.Store.Run(ctx, e.By, func(t *sqlstore.Tx) error {
		if err := t.CreateSession(sess); err != nil {
			return err
		}
		for _, f := range also {
			if err := f(t); err != nil {
				return err
			}
		}
		if e.ObjectID == "" {
			e.ObjectID = strconv.FormatInt(sess.ID, 10)
		}
		return t.Audit(e)
	})
	return token, err
}

// reasonKey is the message key of a rejected secret's reason.
var reasonKey = map[string]locales.Key{
	"unknown or revoked token":      "auth.reason.revoked",
	"expired " + bukti.SessionLogin: "auth.reason.session_expired",
	"expired " + bukti.SessionToken: "auth.reason.token_expired",
	"account disabled":              "auth.reason.disabled",
}

// Authenticate returns the session and user of a live secret: Access
// without a facility, for callers that need no principal. Unknown,
// expired and revoked secrets and disabled users are unauthorized; they
// are logged at WARN (at most one line per reason per second, never the
// secret) and write nothing to the database.
func (s *Service) Authenticate(ctx context.Context, token string) (*bukti.Session, *bukti.User, error) {
	acc, err := s.Access(ctx, token, 0)
	if err != nil {
		return nil, nil, err
	}
	return acc.Session, acc.Session.User, nil
}

// reject returns why the session found for a secret (nil: none) signs in
// nobody at now, or "" when it is live.
func reject(found *bukti.Session, now time.Time) string {
	switch {
	case found == nil:
		return "unknown or revoked token"
	case found.ExpiresAt != nil && !found.ExpiresAt.After(now):
		return "expired " + found.Kind
	case found.User == nil || found.User.Disabled:
		return "account disabled"
	}
	return ""
}

// rejected logs the refusal of a session (zero when there is none) for a
// reason of reject, at most once a second per reason, and returns the
// unauthorized error that says why.
func (s *Service) rejected(ctx context.Context, sess *bukti.Session, reason string) error {
	s.warnLimited(ctx, reason, "rejected a session or token", "session_id", sess.ID, "user_id", sess.UserID)
	return bukti.E(bukti.EUNAUTHORIZED, "err.auth.session_rejected", reasonKey[reason])
}

// Logout ends, on the server, whatever the secret opens: a login session
// (audited as auth.logout) or an API token (revoked, audited as
// token.revoke). An unknown secret is no error and writes nothing.
func (s *Service) Logout(ctx context.Context, secret string) error {
	if secret == "" {
		return nil
	}
	return s.Store.Run(ctx, nil, func(t *sqlstore.Tx) error {
		sess, err := t.SessionByTokenHash(hashToken(secret))
		if errors.Is(err, sqlstore.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		deleted, err := t.DeleteSession(sess.ID)
		if err != nil || !deleted { // not deleted: ended meanwhile
			return err
		}
		e := audit.Entry{By: &sess.UserID, Action: "auth.logout", ObjectType: "session", ObjectID: strconv.FormatInt(sess.ID, 10)}
		if sess.Kind == bukti.SessionToken {
			e.Action, e.ObjectType, e.Summary = "token.revoke", "token", fmt.Sprintf("%s (user %d)", sess.Name, sess.UserID)
		}
		return t.Audit(e)
	})
}

// CSRFToken derives the anti-CSRF token of a session secret. It is
// stateless (any app server can check it) and useless without the secret,
// which the browser keeps in an HttpOnly cookie.
func CSRFToken(sessionSecret string) string {
	sum := sha256.Sum256([]byte("bukti-csrf:" + sessionSecret))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
