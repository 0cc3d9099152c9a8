package auth

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// Access is what a live session secret opens at one request: its session
// (with its User) and the user's principal, both shared with the other
// requests of the same state and never to be modified, and the versions
// read to check them (sqlstore.Versions), with the readiness version of
// the facility asked for.
type Access struct {
	Session   *bukti.Session
	Principal *authz.Principal
	Versions  sqlstore.Versions
}

// DefaultPrincipals is how many signed-in principals a Service keeps in
// memory when PrincipalCache is 0.
const DefaultPrincipals = 1024

// Access authenticates a secret as Authenticate does and returns its
// principal with it. A server keeps the principals of the secrets used
// most recently in memory (PrincipalCache of them), each with the access
// version it was read at (sqlstore.AccessVersion), and before each use
// reads the current access version in one statement — with, for a
// facilityID above 0, that facility's readiness version (Versions) — and
// loads the session, user and role bindings again when it changed. Every
// write that ends a session, disables, deletes or resets a user, grants or
// revokes a role, or changes the organisation or a survey's state stores a
// new access version in its own transaction, so such a change made
// through any server sharing the database holds at the next request here.
// Expiry is checked in memory at every request.
func (s *Service) Access(ctx context.Context, secret string, facilityID int64) (*Access, error) {
	if secret == "" {
		return nil, bukti.E(bukti.EUNAUTHORIZED, "err.auth.sign_in_first_send_bearer")
	}
	now := s.Now().UTC()
	vs, err := s.Store.Versions(ctx, facilityID)
	if err != nil {
		return nil, err
	}
	hash := hashToken(secret)
	c := s.principals()
	e := c.get(hash, vs.Access)
	if e == nil {
		// One load per secret and version for any number of concurrent
		// requests, each read after the version: what is kept is at least
		// as new as the version it is kept under.
		key := hash + "/" + strconv.FormatInt(int64(vs.Access), 10)
		got, err, _ := c.flight.Do(key, func() (any, error) {
			return s.loadPrincipal(context.WithoutCancel(ctx), hash, vs.Access, now)
		})
		if err != nil {
			return nil, err
		}
		e = got.(*principalEntry)
		if e.reason == "" {
			c.put(e)
		}
	}
	sess := e.session
	if e.reason == "" && sess.ExpiresAt != nil && !sess.ExpiresAt.After(now) {
		e = &principalEntry{session: sess, reason: "expired " + sess.Kind}
	}
	if e.reason != "" {
		c.drop(hash)
		return nil, s.rejected(ctx, &e.session, e.reason)
	}
	s.noteUsed(ctx, e, now)
	return &Access{Session: &sess, Principal: e.principal, Versions: vs}, nil
}

// loadPrincipal reads the session of a secret's hash with its user and
// role bindings, as of access version v or later. A secret that signs in
// nobody gives an entry with the reason (never kept).
func (s *Service) loadPrincipal(ctx context.Context, hash string, v sqlstore.AccessVersion, now time.Time) (*principalEntry, error) {
	s.principalLoads.Add(1)
	found, err := s.Store.SessionWithUser(ctx, hash)
	if err != nil && !errors.Is(err, sqlstore.ErrNotFound) {
		return nil, err
	}
	e := &principalEntry{hash: hash, version: v}
	if found != nil {
		e.session = *found
	}
	if e.reason = reject(found, now); e.reason != "" {
		return e, nil
	}
	if e.principal, err = authz.Load(ctx, s.Store, found.User); err != nil {
		return nil, err
	}
	if found.LastUsedAt != nil {
		e.lastUsed.Store(found.LastUsedAt.UnixNano())
	}
	return e, nil
}

// noteUsed records, at most once a minute per session and server, that
// the session was used (bookkeeping only: a failure refuses nothing).
func (s *Service) noteUsed(ctx context.Context, e *principalEntry, now time.Time) {
	last := e.lastUsed.Load()
	if last != 0 && now.Sub(time.Unix(0, last)) <= time.Minute {
		return
	}
	if !e.lastUsed.CompareAndSwap(last, now.UnixNano()) {
		return // another request of the session records it
	}
	_ = s.Store.Run(ctx, &e.session.UserID, func(t *sqlstore.Tx) error { return t.SessionUsed(e.session.ID, now) })
}

// principals returns the service's principal cache, made at first use.
func (s *Service) principals() *principalCache {
	s.principalOnce.Do(func() {
		n := s.PrincipalCache
		if n <= 0 {
			n = DefaultPrincipals
		}
		entries, _ := lru.New[string, *principalEntry](n) // fails only for a size below 1
		s.principalCache = &principalCache{entries: entries}
	})
	return s.principalCache
}

// principalEntry is one secret's session and principal as of an access
// version, or the reason the secret signs in nobody.
type principalEntry struct {
	hash      string
	version   sqlstore.AccessVersion
	session   bukti.Session // with its User
	principal *authz.Principal
	reason    string       // why the secret is refused; "" for a live one
	lastUsed  atomic.Int64 // when the session was last recorded used, Unix ns; 0: never
}

// principalCache keeps the principals of the secrets used most recently,
// by the secret's hash: safe for concurrent use.
type principalCache struct {
	entries *lru.Cache[string, *principalEntry]
	flight  singleflight.Group
}

// get returns the entry of a secret's hash when it was read at access
// version v.
func (c *principalCache) get(hash string, v sqlstore.AccessVersion) *principalEntry {
	e, ok := c.entries.Get(hash)
	if !ok || e.version != v {
		return nil
	}
	return e
}

func (c *principalCache) put(e *principalEntry) { c.entries.Add(e.hash, e) }

func (c *principalCache) drop(hash string) { c.entries.Remove(hash) }

func (c *principalCache) len() int { return c.entries.Len() }

// PrincipalLoads counts the principals Access has read from the database
// (a secret's first use, or its first use after the access version
// changed), for tests and diagnostics.
func (s *Service) PrincipalLoads() int64 { return s.principalLoads.Load() }
