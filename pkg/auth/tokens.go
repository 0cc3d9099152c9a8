package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// MaxTokenDays is the longest expiry a personal API token may be given.
const MaxTokenDays = 366

// CreateToken makes a personal API token for a user's scripts. It returns
// the secret, shown only this once, and the stored record. expiresInDays 0
// means the token never expires.
func (s *Service) CreateToken(ctx context.Context, userID int64, name string, expiresInDays int) (string, *bukti.Session, error) {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 100 {
		return "", nil, bukti.E(bukti.EINVALID, "err.auth.name_token_at_most_100")
	}
	if expiresInDays < 0 || expiresInDays > MaxTokenDays {
		return "", nil, bukti.E(bukti.EINVALID, "err.auth.token_expiry_must_0_never", MaxTokenDays)
	}
	now := s.Now().UTC()
	sess := bukti.Session{Kind: bukti.SessionToken, Name: name, UserID: userID, CreatedAt: now}
	if expiresInDays > 0 {
		exp := now.Add(time.Duration(expiresInDays) * 24 * time.Hour)
		sess.ExpiresAt = &exp
	}
	secret, err := s.openSession(ctx, &sess, audit.Entry{At: now, By: &userID, Action: "token.create", ObjectType: "token", Summary: name})
	if err != nil {
		return "", nil, err
	}
	return secret, &sess, nil
}

// Tokens lists a user's personal API tokens (never their secrets).
func (s *Service) Tokens(ctx context.Context, userID int64) ([]bukti.Session, error) {
	return s.Store.APITokens(ctx, userID)
}

// TokensOf lists any user's personal API tokens (never their secrets), for
// administrators. An unknown user is ENOTFOUND.
func (s *Service) TokensOf(ctx context.Context, userID int64) ([]bukti.Session, error) {
	if _, err := s.User(ctx, userID); err != nil {
		return nil, err
	}
	return s.Tokens(ctx, userID)
}

// RevokeToken deletes one of a user's tokens; it stops working at once.
func (s *Service) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	return s.revokeToken(ctx, userID, tokenID, &userID)
}

// RevokeTokenOf deletes one of any user's tokens, for administrators; it
// stops working at once. The audit row names by as the one who revoked
// it. An unknown user, or a token that is not theirs, is ENOTFOUND.
func (s *Service) RevokeTokenOf(ctx context.Context, userID, tokenID int64, by *int64) error {
	if _, err := s.User(ctx, userID); err != nil {
		return err
	}
	return s.revokeToken(ctx, userID, tokenID, by)
}

// revokeToken deletes token tokenID of userID with its audit row (by
// acting).
func (s *Service) revokeToken(ctx context.Context, userID, tokenID int64, by *int64) error {
	return s.Store.Run(ctx, by, func(t *sqlstore.Tx) error {
		tok, err := t.APIToken(userID, tokenID)
		if errors.Is(err, sqlstore.ErrNotFound) {
			return bukti.E(bukti.ENOTFOUND, "err.auth.token_not_found", tokenID)
		}
		if err != nil {
			return err
		}
		deleted, err := t.DeleteSession(tok.ID)
		if err != nil {
			return err
		}
		if !deleted { // revoked meanwhile
			return bukti.E(bukti.ENOTFOUND, "err.auth.token_not_found", tokenID)
		}
		return t.Audit(audit.Entry{Action: "token.revoke", ObjectType: "token",
			ObjectID: strconv.FormatInt(tokenID, 10), Summary: fmt.Sprintf("%s (user %d)", tok.Name, userID)})
	})
}

// PruneSessions deletes expired login sessions and API tokens, and lapsed
// login throttle counters, and returns how many rows it deleted in all.
// Expired secrets already fail Authenticate; pruning only keeps the tables
// small, so it may run at any time, on any app server, as often as wanted.
func (s *Service) PruneSessions(ctx context.Context) (int64, error) {
	now := s.Now().UTC()
	// One unit per deletion: each commits on its own.
	var sessions, throttles int64
	err := s.Store.Run(ctx, nil, func(t *sqlstore.Tx) (err error) {
		sessions, err = t.DeleteExpiredSessions(now)
		return err
	})
	if err != nil {
		return 0, err
	}
	err = s.Store.Run(ctx, nil, func(t *sqlstore.Tx) (err error) {
		throttles, err = t.PruneLoginThrottles(now)
		return err
	})
	if err != nil {
		return sessions, err
	}
	if n := sessions + throttles; n > 0 {
		s.logger().Info("pruned expired sessions and login throttles", "sessions", sessions, "throttles", throttles)
	}
	return sessions + throttles, nil
}
