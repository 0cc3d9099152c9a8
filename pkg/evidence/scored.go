package evidence

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// Scored is a facility's readiness as of one version of its inputs
// (sqlstore.ReadinessVersion) and a span of time: the report and what the
// dashboard shows besides, computed once and shared by every reader for
// as long as it holds. Nothing of it may be modified.
type Scored struct {
	FacilityID int64
	Report     readiness.Report
	// Evidence counts the facility's live evidence records.
	Evidence int
	// Expiring holds the requirement of each live, not rejected evidence
	// record that is expiring soon (readiness.ExpiringSoon), in order of
	// requirement ID: what it says holds for the whole span.
	Expiring []string

	version   sqlstore.ReadinessVersion
	catalogue *catalogue.Catalogue
	zone      *time.Location
	at        time.Time  // scored at: the span starts here
	until     *time.Time // and ends here (readiness.ChangesAt; nil: never)

	encode sync.Once
	body   []byte
	etag   string
	err    error

	memoMu sync.Mutex
	memo   map[string]*memoCell
}

type memoCell struct {
	mu    sync.Mutex
	done  bool
	value any
}

// JSON is the report encoded as GET /api/v1/facilities/:id/readiness
// answers it (encoding/json, one line) and its strong ETag, encoded once.
func (sc *Scored) JSON() (body []byte, etag string, err error) {
	sc.encode.Do(func() {
		var buf bytes.Buffer
		if sc.err = json.NewEncoder(&buf).Encode(sc.Report); sc.err != nil {
			return
		}
		sum := sha256.Sum256(buf.Bytes())
		sc.body, sc.etag = buf.Bytes(), `"`+hex.EncodeToString(sum[:16])+`"`
	})
	return sc.body, sc.etag, sc.err
}

// Memo returns what build derives from sc under key, built once for every
// reader of sc (concurrent readers of one key wait for the first): a page
// built from the readiness lives as long as the readiness holds. A failure
// is returned to the caller and not kept. build must derive from sc alone
// (and from what key names).
func (sc *Scored) Memo(key string, build func() (any, error)) (any, error) {
	sc.memoMu.Lock()
	if sc.memo == nil {
		sc.memo = map[string]*memoCell{}
	}
	cell, ok := sc.memo[key]
	if !ok {
		cell = &memoCell{}
		sc.memo[key] = cell
	}
	sc.memoMu.Unlock()
	cell.mu.Lock()
	defer cell.mu.Unlock()
	if !cell.done {
		v, err := build()
		if err != nil {
			return nil, err
		}
		cell.value, cell.done = v, true
	}
	return cell.value, nil
}

// holds reports whether sc is the readiness of inputs of version v at now
// on catalogue c.
func (sc *Scored) holds(v sqlstore.ReadinessVersion, c *catalogue.Catalogue, now time.Time) bool {
	return sc.version == v && sc.catalogue == c && sc.zone == now.Location() &&
		!now.Before(sc.at) && (sc.until == nil || now.Before(*sc.until))
}

// Scored is a facility's readiness as of now. It asks the database for
// the version of the facility's inputs (one indexed read) and, with a
// ReadinessCache, answers from it while that version and the time span
// hold; otherwise it loads the inputs and scores them, once for any
// number of concurrent readers.
func (s *Service) Scored(ctx context.Context, facilityID int64) (*Scored, error) {
	v, err := s.Store.ReadinessVersionOf(ctx, facilityID)
	if errors.Is(err, sqlstore.ErrNotFound) {
		return nil, bukti.E(bukti.ENOTFOUND, "err.authz.facility_not_found", facilityID)
	}
	if err != nil {
		return nil, err
	}
	return s.ScoredAt(ctx, facilityID, v)
}

// ScoredAt is Scored with the version of the facility's inputs read by
// the caller (sqlstore.DB.Versions, which reads it in the statement that
// checks the request's principal) just before, for an existing facility.
func (s *Service) ScoredAt(ctx context.Context, facilityID int64, v sqlstore.ReadinessVersion) (*Scored, error) {
	now := s.Now()
	c := s.ReadinessCache
	if c == nil {
		return s.score(ctx, readiness.NewScorer(s.Catalogue), facilityID, now)
	}
	if sc := c.get(facilityID, v, s.Catalogue, now); sc != nil {
		return sc, nil
	}
	// One flight per state of the inputs: a reader who saw a newer
	// version never gets a report loaded before it.
	key := strconv.FormatInt(facilityID, 10) + "/" + strconv.FormatInt(v.Created, 10) + "/" + strconv.FormatInt(v.Token, 10)
	got, err, _ := c.flight.Do(key, func() (any, error) {
		// For every reader waiting, not only the one who asked first: his
		// leaving does not fail the others.
		sc, err := s.score(context.WithoutCancel(ctx), c.scorer(s.Catalogue), facilityID, now)
		if err == nil {
			c.put(sc)
		}
		return sc, err
	})
	if err != nil {
		return nil, err
	}
	return got.(*Scored), nil
}

// score loads a facility's inputs and scores them as of now.
func (s *Service) score(ctx context.Context, scorer *readiness.Scorer, facilityID int64, now time.Time) (*Scored, error) {
	loaded, err := s.Store.LoadReadiness(ctx, []int64{facilityID}, now)
	if err != nil {
		return nil, err
	}
	fi, ok := loaded[facilityID]
	if !ok {
		return nil, bukti.E(bukti.ENOTFOUND, "err.authz.facility_not_found", facilityID)
	}
	sc := &Scored{FacilityID: facilityID, Report: scorer.Score(fi.Input), Evidence: fi.Evidence,
		version: fi.Version, catalogue: scorer.Catalogue(), zone: now.Location(), at: now, until: readiness.ChangesAt(fi.Items, now)}
	for _, it := range fi.Items[:fi.Evidence] {
		if !it.Rejected && readiness.ExpiringSoon(it.ValidUntil, now) {
			sc.Expiring = append(sc.Expiring, it.RequirementID)
		}
	}
	slices.Sort(sc.Expiring)
	return sc, nil
}

// ReadinessCache keeps the Scored readiness of the most recently read
// facilities in memory, each for as long as it holds: until the
// facility's inputs get another version — which every unit of work that
// touches them stores in the database, so a write through any server
// sharing the database is seen at the next read — or the time crosses an
// instant its evidence names (readiness.ChangesAt). It is safe for
// concurrent use.
type ReadinessCache struct {
	entries *lru.Cache[int64, *Scored] // by facility
	flight  singleflight.Group

	mu     sync.Mutex // guards layout
	layout *readiness.Scorer
}

// NewReadinessCache keeps the readiness of at most size facilities
// (about half a megabyte each on the complete standard).
func NewReadinessCache(size int) *ReadinessCache {
	entries, _ := lru.New[int64, *Scored](max(size, 1)) // fails only for a size below 1
	return &ReadinessCache{entries: entries}
}

// DefaultReadinessCache is how many facilities' readiness a server keeps.
const DefaultReadinessCache = 64

func (c *ReadinessCache) get(facilityID int64, v sqlstore.ReadinessVersion, cat *catalogue.Catalogue, now time.Time) *Scored {
	sc, ok := c.entries.Get(facilityID)
	if !ok || !sc.holds(v, cat, now) {
		return nil
	}
	return sc
}

func (c *ReadinessCache) put(sc *Scored) { c.entries.Add(sc.FacilityID, sc) }

// scorer lays cat out once (readiness.Scorer).
func (c *ReadinessCache) scorer(cat *catalogue.Catalogue) *readiness.Scorer {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.layout == nil || c.layout.Catalogue() != cat {
		c.layout = readiness.NewScorer(cat)
	}
	return c.layout
}
