// Package auth signs users in and out. Passwords are stored as bcrypt
// hashes; sessions and bearer tokens are random 256-bit values of which only
// the SHA-256 is stored, in the database, so several app servers share them.
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
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
)

// SessionTTL is how long a session or token from Login stays valid.
const SessionTTL = 7 * 24 * time.Hour

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// Service authenticates users.
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

// CreateUser adds a user with a hashed password.
func (s *Service) CreateUser(ctx context.Context, email, name, password, role string) (*bukti.User, error) {
	addr, err := mail.ParseAddress(strings.TrimSpace(email))
	if err != nil || addr.Address != strings.TrimSpace(email) {
		return nil, bukti.Errorf(bukti.EINVALID, "Alamat email %q tidak valid.", "invalid email address %q", email)
	}
	hash, err := s.HashPassword(password)
	if err != nil {
		return nil, err
	}
	u := bukti.User{Email: strings.ToLower(addr.Address), Name: strings.TrimSpace(name), PasswordHash: hash, Role: role, CreatedAt: s.Now().UTC()}
	if u.Name == "" {
		u.Name = u.Email
	}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return bukti.Errorf(bukti.ECONFLICT, "Email %s sudah terdaftar.", "email %s already registered", u.Email)
			}
			return err
		}
		return audit.Record(tx, u.CreatedAt, nil, "user.create", "user", strconv.FormatInt(u.ID, 10), nil, u.Email+" role="+role)
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// Bootstrap creates the first admin when the database has no user. With an
// empty password it generates one and logs it once, at WARN, so the
// operator can sign in and change it. It does nothing when users exist.
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
	if _, err := s.CreateUser(ctx, email, "Administrator", password, bukti.RoleAdmin); err != nil {
		return fmt.Errorf("create first admin from BUKTI_ADMIN_EMAIL/BUKTI_ADMIN_PASSWORD: %w", err)
	}
	if generated {
		s.Log.Warn("created first admin with a generated password; it is shown only once: sign in and keep it safe",
			"email", email, "password", password)
	} else {
		s.Log.Info("created first admin", "email", email)
	}
	return nil
}

// Login checks a password and opens a session. It returns the token to
// hand to the client (as bearer token or cookie) and the user. Failures are
// audited and say nothing about which part was wrong.
func (s *Service) Login(ctx context.Context, email, password string) (string, *bukti.User, error) {
	db := s.DB.WithContext(ctx)
	email = strings.ToLower(strings.TrimSpace(email))
	var u bukti.User
	err := db.Where("email = ?", email).First(&u).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil, err
	}
	now := s.Now().UTC()
	if err != nil || u.Disabled || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		var uid *int64
		if u.ID != 0 {
			uid = &u.ID
		}
		if err := audit.Record(db, now, uid, "auth.login_failed", "user", email, nil, ""); err != nil {
			return "", nil, err
		}
		return "", nil, errBadLogin
	}
	token := randomToken()
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&bukti.Session{TokenHash: hashToken(token), UserID: u.ID, ExpiresAt: now.Add(SessionTTL), CreatedAt: now}).Error; err != nil {
			return err
		}
		return audit.Record(tx, now, &u.ID, "auth.login", "user", strconv.FormatInt(u.ID, 10), nil, "")
	})
	if err != nil {
		return "", nil, err
	}
	return token, &u, nil
}

// Authenticate returns the user of a live session token. Expired sessions,
// unknown tokens and disabled users are all unauthorized.
func (s *Service) Authenticate(ctx context.Context, token string) (*bukti.User, error) {
	if token == "" {
		return nil, bukti.Errorf(bukti.EUNAUTHORIZED, "Silakan masuk (login) terlebih dahulu.", "sign in first: send a bearer token or session cookie")
	}
	var sess bukti.Session
	err := s.DB.WithContext(ctx).Preload("User").Where("token_hash = ? AND expires_at > ?", hashToken(token), s.Now().UTC()).First(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && (sess.User == nil || sess.User.Disabled)) {
		return nil, bukti.Errorf(bukti.EUNAUTHORIZED, "Sesi berakhir atau tidak valid. Silakan masuk lagi.", "session expired or invalid; sign in again")
	}
	if err != nil {
		return nil, err
	}
	return sess.User, nil
}

// Logout ends a session on the server.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.DB.WithContext(ctx).Where("token_hash = ?", hashToken(token)).Delete(&bukti.Session{}).Error
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
