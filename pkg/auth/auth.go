// Package auth signs users in and out and manages accounts, role bindings
// and personal API tokens.
//
// Passwords are stored as bcrypt hashes. Login sessions and API tokens are
// random 256-bit secrets of which only the SHA-256 is stored, in the
// database, so several app servers share them and a database leak does not
// leak usable secrets. Failed logins are counted from the audit log, so
// throttling also holds across app servers.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
)

// SessionTTL is how long a login session stays valid.
const SessionTTL = 7 * 24 * time.Hour

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// Login throttling: at most this many failed logins in ThrottleWindow per
// account, and per client IP, before further attempts are refused.
const (
	ThrottleWindow     = 15 * time.Minute
	MaxFailsPerAccount = 5
	MaxFailsPerIP      = 20
)

// Service authenticates users and manages accounts.
type Service struct {
	DB  *gorm.DB
	Now func() time.Time
	Log *slog.Logger
	// Cost is the bcrypt cost; 0 means bcrypt.DefaultCost.
	Cost int
}

var errBadLogin = bukti.Errorf(bukti.EUNAUTHORIZED, "Email atau kata sandi salah.", "wrong email or password")

// HashPassword returns the bcrypt hash of a password, refusing short ones.
func (s *Service) HashPassword(password string) (string, error) {
	if len([]rune(password)) < MinPasswordLen {
		return "", bukti.Errorf(bukti.EINVALID, "Kata sandi minimal %d karakter.", "password must have at least %d characters", MinPasswordLen)
	}
	if len(password) > 72 {
		return "", bukti.Errorf(bukti.EINVALID, "Kata sandi paling banyak 72 byte.", "password must have at most 72 bytes")
	}
	cost := s.Cost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	return string(h), err
}

// normalizeEmail checks and lower-cases an email address.
func normalizeEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 {
		return "", bukti.Errorf(bukti.EINVALID, "Alamat email %q tidak valid.", "invalid email address %q", email)
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
	u := bukti.User{Email: email, Name: strings.TrimSpace(name), PasswordHash: hash, CreatedAt: s.Now().UTC()}
	if u.Name == "" {
		u.Name = u.Email
	}
	if len([]rune(u.Name)) > 200 {
		return nil, bukti.Errorf(bukti.EINVALID, "Nama paling banyak 200 karakter.", "name must have at most 200 characters")
	}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return bukti.Errorf(bukti.ECONFLICT, "Email %s sudah terdaftar.", "email %s already registered", u.Email)
			}
			return err
		}
		if err := audit.Record(tx, audit.Entry{At: u.CreatedAt, By: by, Action: "user.create", ObjectType: "user",
			ObjectID: strconv.FormatInt(u.ID, 10), Summary: u.Email}); err != nil {
			return err
		}
		if b == nil {
			return nil
		}
		_, err := GrantIn(tx, u.CreatedAt, u.ID, *b, by)
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
	var n int64
	if err := s.DB.WithContext(ctx).Model(&bukti.User{}).Count(&n).Error; err != nil {
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
		s.Log.Warn("created first admin with a generated password; it is shown only once: sign in and keep it safe",
			"email", u.Email, "password", password)
	} else {
		s.Log.Info("created first admin", "email", u.Email)
	}
	return nil
}

// UserByEmail finds a user.
func (s *Service) UserByEmail(ctx context.Context, email string) (*bukti.User, error) {
	var u bukti.User
	err := s.DB.WithContext(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))).First(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, bukti.Errorf(bukti.ENOTFOUND, "Pengguna %s tidak ditemukan.", "user %s not found", email)
	}
	return &u, err
}

// User returns a user by ID.
func (s *Service) User(ctx context.Context, id int64) (*bukti.User, error) {
	var u bukti.User
	err := s.DB.WithContext(ctx).First(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, bukti.Errorf(bukti.ENOTFOUND, "Pengguna dengan id %d tidak ditemukan.", "user %d not found", id)
	}
	return &u, err
}

// Users lists every user by email.
func (s *Service) Users(ctx context.Context) ([]bukti.User, error) {
	out := []bukti.User{}
	return out, s.DB.WithContext(ctx).Order("email").Find(&out).Error
}

// SetDisabled disables or re-enables a user. A disabled user loses access
// at once: every request checks the flag, and their sessions are ended.
func (s *Service) SetDisabled(ctx context.Context, id int64, disabled bool, by *int64) (*bukti.User, error) {
	u, err := s.User(ctx, id)
	if err != nil {
		return nil, err
	}
	if by != nil && *by == id && disabled {
		return nil, bukti.Errorf(bukti.EINVALID, "Anda tidak dapat menonaktifkan akun Anda sendiri.", "you cannot disable your own account")
	}
	action := map[bool]string{true: "user.disable", false: "user.enable"}[disabled]
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&bukti.User{}).Where("id = ?", id).Update("disabled", disabled).Error; err != nil {
			return err
		}
		if disabled {
			if err := tx.Where("user_id = ? AND kind = ?", id, bukti.SessionLogin).Delete(&bukti.Session{}).Error; err != nil {
				return err
			}
		}
		return audit.Record(tx, audit.Entry{At: s.Now(), By: by, Action: action, ObjectType: "user", ObjectID: strconv.FormatInt(id, 10),
			Summary: u.Email, Before: strconv.FormatBool(u.Disabled), After: strconv.FormatBool(disabled)})
	})
	if err != nil {
		return nil, err
	}
	u.Disabled = disabled
	return u, nil
}

// ResetPassword sets a new password and ends the user's login sessions.
func (s *Service) ResetPassword(ctx context.Context, id int64, password string, by *int64) error {
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	hash, err := s.HashPassword(password)
	if err != nil {
		return err
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&bukti.User{}).Where("id = ?", id).Update("password_hash", hash).Error; err != nil {
			return err
		}
		if err := tx.Where("user_id = ? AND kind = ?", id, bukti.SessionLogin).Delete(&bukti.Session{}).Error; err != nil {
			return err
		}
		return audit.Record(tx, audit.Entry{At: s.Now(), By: by, Action: "user.reset_password", ObjectType: "user",
			ObjectID: strconv.FormatInt(id, 10), Summary: u.Email})
	})
}

// Login checks a password and opens a session, returning its secret (to
// hand to the client as bearer token or cookie) and the user. Failures are
// audited with the client IP and say nothing about which part was wrong.
// After too many failures for the account or the IP, attempts are refused
// with ETOOMANY until the window passes.
func (s *Service) Login(ctx context.Context, email, password string) (string, *bukti.User, error) {
	db := s.DB.WithContext(ctx)
	email = strings.ToLower(strings.TrimSpace(email))
	now := s.Now().UTC()
	if err := s.throttle(ctx, email, now); err != nil {
		_ = audit.Record(db, audit.Entry{At: now, Action: "auth.login_throttled", ObjectType: "user", ObjectID: email})
		return "", nil, err
	}
	var u bukti.User
	err := db.Where("email = ?", email).First(&u).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil, err
	}
	passwordOK := err == nil && bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil
	if !passwordOK || u.Disabled {
		var uid *int64
		summary := "wrong email or password"
		if u.ID != 0 {
			uid = &u.ID
		}
		if passwordOK {
			summary = "account disabled"
		}
		if err := audit.Record(db, audit.Entry{At: now, By: uid, Action: "auth.login_failed", ObjectType: "user", ObjectID: email, Summary: summary}); err != nil {
			return "", nil, err
		}
		if passwordOK {
			return "", nil, bukti.Errorf(bukti.EUNAUTHORIZED, "Akun Anda dinonaktifkan. Hubungi admin.", "account disabled: contact the administrator")
		}
		return "", nil, errBadLogin
	}
	exp := now.Add(SessionTTL)
	token, err := s.openSession(ctx, &bukti.Session{Kind: bukti.SessionLogin, UserID: u.ID, ExpiresAt: &exp, CreatedAt: now},
		audit.Entry{At: now, By: &u.ID, Action: "auth.login", ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10)})
	if err != nil {
		return "", nil, err
	}
	return token, &u, nil
}

// throttle refuses a login when the account or the client IP failed too
// often within the window.
func (s *Service) throttle(ctx context.Context, email string, now time.Time) error {
	since := now.Add(-ThrottleWindow)
	q := func() *gorm.DB {
		return s.DB.WithContext(ctx).Model(&bukti.AuditEntry{}).Where("action = ? AND at > ?", "auth.login_failed", since)
	}
	var n int64
	if err := q().Where("object_id = ?", email).Count(&n).Error; err != nil {
		return err
	}
	if n < MaxFailsPerAccount {
		ip := audit.RequestFrom(ctx).ClientIP
		if ip == "" {
			return nil
		}
		if err := q().Where("client_ip = ?", ip).Count(&n).Error; err != nil {
			return err
		}
		if n < MaxFailsPerIP {
			return nil
		}
	}
	return bukti.Errorf(bukti.ETOOMANY, "Terlalu banyak percobaan masuk yang gagal. Tunggu %d menit lalu coba lagi.",
		"too many failed sign-in attempts: wait %d minutes and try again", int(ThrottleWindow.Minutes()))
}

// openSession stores a new session or token (filling its ID) with its
// audit entry, and returns its secret. An entry without ObjectID gets the
// session's ID.
func (s *Service) openSession(ctx context.Context, sess *bukti.Session, e audit.Entry) (string, error) {
	token := randomToken()
	sess.TokenHash = hashToken(token)
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(sess).Error; err != nil {
			return err
		}
		if e.ObjectID == "" {
			e.ObjectID = strconv.FormatInt(sess.ID, 10)
		}
		return audit.Record(tx, e)
	})
	return token, err
}

// Authenticate returns the session and user of a live secret. Unknown,
// expired and revoked secrets and disabled users are unauthorized, and
// audited (without the secret).
func (s *Service) Authenticate(ctx context.Context, token string) (*bukti.Session, *bukti.User, error) {
	if token == "" {
		return nil, nil, bukti.Errorf(bukti.EUNAUTHORIZED, "Silakan masuk (login) terlebih dahulu.", "sign in first: send a bearer token or session cookie")
	}
	db := s.DB.WithContext(ctx)
	now := s.Now().UTC()
	var sess bukti.Session
	err := db.Preload("User").Where("token_hash = ?", hashToken(token)).First(&sess).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, err
	}
	reason := ""
	switch {
	case err != nil:
		reason = "unknown or revoked token"
	case sess.ExpiresAt != nil && !sess.ExpiresAt.After(now):
		reason = "expired " + sess.Kind
	case sess.User == nil || sess.User.Disabled:
		reason = "account disabled"
	}
	if reason != "" {
		var uid *int64
		if sess.UserID != 0 {
			uid = &sess.UserID
		}
		if err := audit.Record(db, audit.Entry{At: now, By: uid, Action: "auth.rejected", ObjectType: "session",
			ObjectID: strconv.FormatInt(sess.ID, 10), Summary: reason}); err != nil {
			return nil, nil, err
		}
		return nil, nil, bukti.Errorf(bukti.EUNAUTHORIZED, "Sesi berakhir atau tidak valid. Silakan masuk lagi.", "session or token is %s: sign in again", reason)
	}
	if sess.LastUsedAt == nil || now.Sub(*sess.LastUsedAt) > time.Minute {
		db.Model(&bukti.Session{}).Where("id = ?", sess.ID).Update("last_used_at", now)
	}
	return &sess, sess.User, nil
}

// Logout ends a session on the server.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.DB.WithContext(ctx).Where("token_hash = ? AND kind = ?", hashToken(token), bukti.SessionLogin).Delete(&bukti.Session{}).Error
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
