package report

import (
	"context"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/scoring"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// scores is what the gap reports and snapshots need of one facility's
// readiness against one catalogue, from the time it was computed until
// until: everything else is rolled up from it exactly as readiness.Score
// rolls up (see rollUp). It is cached, encoded, in bukti.FacilityScore.
type scores struct {
	ep  []epScore // per EP of the catalogue, in catalogue order
	req []byte    // per requirement of the catalogue, in catalogue order: a req* state
	// expiring holds the valid-until (Unix seconds) of live, not rejected
	// evidence from the day on and before day+expiringHorizon: a superset
	// of what ExpiringSoon counts at any time of that day.
	expiring []int64
	// until is the first instant after the computation at which the
	// facility's readiness changes by time alone (nil: never); stored in
	// bukti.FacilityScore.Until, not in the payload.
	until *time.Time
}

// epScore is one EP's suggested score (readiness.ElementScore.Suggested,
// from its documents alone, also when TDD), whether the facility proposes
// it TDD, and whether it can be projected at all (it has an R or D item).
type epScore struct {
	value       int
	tdd         bool
	projectable bool
}

// Requirement states in scores.req.
const (
	reqUncounted  = '-' // does not count (W, O, S, TDD)
	reqMet        = '+'
	reqMissing    = 'm'
	reqRejected   = 'r'
	reqExpired    = 'e'
	reqIncomplete = 'i'
)

// expiringHorizon bounds the valid-until dates kept in scores.expiring:
// the day's instants lie before day+36h, whatever the time zone, so
// now+ExpiringWithin stays below day+expiringHorizon.
const expiringHorizon = ExpiringWithin + 2*24*time.Hour

// scoresOf extracts the scores of a readiness report, scored from in on
// now's calendar day.
func scoresOf(rep readiness.Report, in readiness.Input, now time.Time) *scores {
	sc := &scores{}
	for e := range rep.Elements() {
		sc.ep = append(sc.ep, epScore{value: e.Suggested, tdd: e.TDD, projectable: e.Projectable})
		for _, r := range e.Requirements {
			sc.req = append(sc.req, reqState(r))
		}
	}
	sc.dates(in, now)
	return sc
}

// scoresOfBrief is scoresOf from a Brief of in (readiness.Scorer.Brief),
// which a report over many facilities computes instead of the report.
func scoresOfBrief(b *readiness.Brief, in readiness.Input, now time.Time) *scores {
	sc := &scores{ep: make([]epScore, len(b.Elements)), req: make([]byte, len(b.Requirements))}
	for i, e := range b.Elements {
		sc.ep[i] = epScore{value: e.Suggested, tdd: e.TDD, projectable: e.Projectable}
	}
	for i, st := range b.Requirements {
		sc.req[i] = standingState[st]
	}
	sc.dates(in, now)
	return sc
}

// standingState is the req* state of each readiness.Standing.
var standingState = [...]byte{
	readiness.StandingUncounted:  reqUncounted,
	readiness.StandingMet:        reqMet,
	readiness.StandingMissing:    reqMissing,
	readiness.StandingRejected:   reqRejected,
	readiness.StandingExpired:    reqExpired,
	readiness.StandingIncomplete: reqIncomplete,
}

// dates sets what of sc depends on in's valid-until dates: the dates
// about to expire, and until (readiness.ChangesAt).
func (sc *scores) dates(in readiness.Input, now time.Time) {
	day := Day(now)
	horizon := day.Add(expiringHorizon)
	for _, it := range in.Items {
		if !it.Rejected && it.ValidUntil != nil && !it.ValidUntil.Before(day) && it.ValidUntil.Before(horizon) {
			sc.expiring = append(sc.expiring, it.ValidUntil.Unix())
		}
	}
	sc.until = readiness.ChangesAt(in.Items, now)
}

func reqState(r readiness.RequirementScore) byte {
	if !r.Counted {
		return reqUncounted
	}
	switch r.Problem() {
	case "":
		return reqMet
	case readiness.ProblemRejected:
		return reqRejected
	case readiness.ProblemExpired:
		return reqExpired
	case readiness.ProblemIncomplete:
		return reqIncomplete
	default:
		return reqMissing
	}
}

// expiringAt counts the evidence ExpiringSoon at now, which must fall
// before sc.until.
func (sc *scores) expiringAt(now time.Time) int {
	until := now.Add(ExpiringWithin)
	n := 0
	for _, s := range sc.expiring {
		if time.Unix(s, 0).Before(until) {
			n++
		}
	}
	return n
}

// payloadVersion starts every encoded payload; change it whenever the
// encoding or the meaning of scores changes, so old cache rows are ignored.
// s2: scores from documentary evidence only, unprojectable EP (s1 rows were
// scored under the earlier readiness rules).
const payloadVersion = "s2"

// Unprojectable EP in the payload.
const (
	epUnprojectable    = '-'
	epUnprojectableTDD = '='
)

// encode renders sc as "s2;<EP>;<requirements>;<expiring,…>": one letter
// per EP (the index of its value in the catalogue's score values, 'a'
// onwards, upper case when TDD; '-' for an EP that cannot be projected,
// '=' when it is also TDD), one state byte per requirement, then Unix
// seconds. ok is false when a score is not one of the catalogue's values
// or there are more than 26 values; such scores are simply not cached.
func (sc *scores) encode(values []int) (string, bool) {
	var b strings.Builder
	b.Grow(len(payloadVersion) + 3 + len(sc.ep) + len(sc.req) + 11*len(sc.expiring))
	b.WriteString(payloadVersion)
	b.WriteByte(';')
	for _, e := range sc.ep {
		if !e.projectable {
			c := byte(epUnprojectable)
			if e.tdd {
				c = epUnprojectableTDD
			}
			b.WriteByte(c)
			continue
		}
		i := slices.Index(values, e.value)
		if i < 0 || i >= 26 {
			return "", false
		}
		c := byte('a' + i)
		if e.tdd {
			c = byte('A' + i)
		}
		b.WriteByte(c)
	}
	b.WriteByte(';')
	b.Write(sc.req)
	b.WriteByte(';')
	for i, s := range sc.expiring {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(s, 10))
	}
	return b.String(), true
}

// decodeScores parses a payload written by encode for a catalogue with
// the given score values and size. ok is false for anything else (another
// version, another catalogue shape, damage): the caller recomputes.
func decodeScores(p string, values []int, n catalogue.Counts) (*scores, bool) {
	parts := strings.Split(p, ";")
	if len(parts) != 4 || parts[0] != payloadVersion || len(parts[1]) != n.Elements || len(parts[2]) != n.Requirements {
		return nil, false
	}
	sc := &scores{ep: make([]epScore, len(parts[1])), req: []byte(parts[2])}
	for i := 0; i < len(parts[1]); i++ {
		c := parts[1][i]
		if c == epUnprojectable || c == epUnprojectableTDD {
			sc.ep[i] = epScore{tdd: c == epUnprojectableTDD}
			continue
		}
		tdd := c >= 'A' && c <= 'Z'
		if tdd {
			c += 'a' - 'A'
		}
		v := int(c) - 'a'
		if v < 0 || v >= len(values) {
			return nil, false
		}
		sc.ep[i] = epScore{value: values[v], tdd: tdd, projectable: true}
	}
	for _, c := range sc.req {
		if !strings.ContainsRune("-+mrei", rune(c)) {
			return nil, false
		}
	}
	if parts[3] != "" {
		for f := range strings.SplitSeq(parts[3], ",") {
			s, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return nil, false
			}
			sc.expiring = append(sc.expiring, s)
		}
	}
	return sc, true
}

// cacheChunk is how many cache rows are read at a time.
const cacheChunk = 1000

// Warm brings the score cache up to date for every facility as of now, so
// the day's reports are served from it, and returns how many facilities
// had to be scored from their evidence (those changed since they were last
// cached, or whose evidence crossed a validity date).
func (s *Service) Warm(ctx context.Context) (int, error) {
	facilities, err := s.Facilities(ctx, Scope{All: true})
	if err != nil {
		return 0, err
	}
	return s.eachScores(ctx, facilities, s.Now(), func(bukti.Facility, *scores) error { return nil })
}

// NextChange returns the first instant at which a cached score of the
// service's catalogue stops being current by time alone (nil when none
// will), so the server can warm the cache right then.
func (s *Service) NextChange(ctx context.Context) (*time.Time, error) {
	return s.Store.ScoresNextChange(ctx, s.Catalogue.ID+"@"+s.Catalogue.Version)
}

// eachScores calls fn with the scores of every facility, in order, as of
// now: from the score cache when it holds current ones (Until after now)
// for the service's catalogue, otherwise computed from the evidence and
// stored in the cache for the next reader. It returns how many facilities
// were computed.
func (s *Service) eachScores(ctx context.Context, facilities []bukti.Facility, now time.Time, fn func(bukti.Facility, *scores) error) (int, error) {
	key := s.Catalogue.ID + "@" + s.Catalogue.Version
	counts := s.Catalogue.Counts()
	var scorer *readiness.Scorer // laid out for the first facility to compute
	computed := 0
	// The scores computed for one part are stored while the next part is
	// read and scored; every store has ended when eachScores returns.
	var storing chan error
	wait := func() error {
		if storing == nil {
			return nil
		}
		err := <-storing
		storing = nil
		return err
	}
	defer wait()
	for part := range slices.Chunk(facilities, cacheChunk) {
		ids := make([]int64, len(part))
		for i, f := range part {
			ids[i] = f.ID
		}
		got, err := s.cachedScores(ctx, ids, key, now, counts)
		if err != nil {
			return computed, err
		}
		var missing []int64
		for _, id := range ids {
			if got[id] == nil {
				missing = append(missing, id)
			}
		}
		if len(missing) > 0 {
			if scorer == nil {
				scorer = readiness.NewScorer(s.Catalogue)
			}
			rows, versions, err := s.fillScores(ctx, scorer, missing, key, now, got)
			if err != nil {
				return computed, err
			}
			computed += len(missing)
			if err := wait(); err != nil {
				return computed, err
			}
			storing = make(chan error, 1)
			go func() {
				_, err := s.Store.PutScores(ctx, rows, versions)
				storing <- err
			}()
		}
		for _, f := range part {
			if err := fn(f, got[f.ID]); err != nil {
				return computed, err
			}
		}
	}
	return computed, wait()
}

// cachedScores reads the cached scores of facilities for a catalogue that
// are current at now; facilities without a current, readable row are left
// out.
func (s *Service) cachedScores(ctx context.Context, ids []int64, key string, now time.Time, counts catalogue.Counts) (map[int64]*scores, error) {
	rows, err := s.Store.CachedScores(ctx, ids, key)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*scores, len(ids))
	for _, r := range rows {
		if r.Until != nil && !now.Before(*r.Until) {
			continue // time has changed this facility's readiness
		}
		if sc, ok := decodeScores(r.Payload, s.Catalogue.Scoring.Values, counts); ok {
			out[r.FacilityID] = sc
		}
	}
	return out, nil
}

// fillScores scores facilities from their evidence as of now, adds them to
// got and returns the cache rows to store in their place, with the
// versions of the inputs they were computed from. Chunks of chunk
// facilities are loaded and scored in parallel, as many at a time as Go
// runs threads (GOMAXPROCS): one statement loads a chunk
// (sqlstore.DB.EachScoreInputs: the interviewees, which change no score,
// left out), and each facility is scored as a readiness.Brief as its
// inputs are read, in buffers reused from one facility to the next.
// sqlstore.DB.PutScores stores the rows only for the facilities whose
// readiness version is still the one their inputs were read at, so a
// write that happened meanwhile is never hidden by a score computed
// before it.
func (s *Service) fillScores(ctx context.Context, scorer *readiness.Scorer, ids []int64, key string, now time.Time, got map[int64]*scores) ([]bukti.FacilityScore, map[int64]sqlstore.ReadinessVersion, error) {
	type filled struct {
		scores   map[int64]*scores
		rows     []bukti.FacilityScore
		versions map[int64]sqlstore.ReadinessVersion
	}
	// As many chunks as threads at least, so that a district is loaded
	// in parallel too.
	workers := runtime.GOMAXPROCS(0)
	parts := slices.Collect(slices.Chunk(ids, max(1, min(chunk, (len(ids)+workers-1)/workers))))
	out := make([]filled, len(parts))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i, part := range parts {
		g.Go(func() error {
			f := filled{scores: make(map[int64]*scores, len(part)), rows: make([]bukti.FacilityScore, 0, len(part)),
				versions: make(map[int64]sqlstore.ReadinessVersion, len(part))}
			var brief readiness.Brief
			score := func(id int64, fi *sqlstore.FacilityInputs, stored bool) {
				scorer.Brief(fi.Input, &brief)
				sc := scoresOfBrief(&brief, fi.Input, now)
				f.scores[id] = sc
				if p, encoded := sc.encode(s.Catalogue.Scoring.Values); encoded && stored {
					f.rows = append(f.rows, bukti.FacilityScore{FacilityID: id, Catalogue: key, Until: sc.until, Payload: p})
					f.versions[id] = fi.Version
				}
			}
			// fi is reused from one facility to the next: scores keep
			// nothing of it.
			err := s.Store.EachScoreInputs(gctx, part, now, func(id int64, fi *sqlstore.FacilityInputs) error {
				score(id, fi, true)
				return nil
			})
			if err != nil {
				return err
			}
			for _, id := range part {
				if f.scores[id] == nil { // deleted since it was listed: scored empty, not stored
					score(id, &sqlstore.FacilityInputs{Input: readiness.Input{Now: now, NotApplicable: map[string]string{}}}, false)
				}
			}
			out[i] = f
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	var rows []bukti.FacilityScore
	versions := make(map[int64]sqlstore.ReadinessVersion, len(ids))
	for _, f := range out {
		maps.Copy(got, f.scores)
		maps.Copy(versions, f.versions)
		rows = append(rows, f.rows...)
	}
	return rows, versions, nil
}

// rolled is one facility's achievement rolled up from its scores, as
// readiness.Score rolls up: per Bab and per kriteria (catalogue order),
// the projection with the facility's TDD proposals accepted (status, ""
// when partial) and, when it proposes any, the projection should the
// surveyors refuse them all.
type rolled struct {
	bab, kriteria []scoring.Rollup
	readiness.Projection
	tdd        int                   // EP proposed TDD
	withoutTDD *readiness.Projection // nil without TDD proposals
}

// rollUp rolls up a facility's EP scores over cat, per Bab and, when
// kriteria is true, per kriteria, by readiness.Score's rules: an EP that
// cannot be projected counts nowhere, one proposed TDD counts only in the
// projection without TDD, and the status is readiness.Project's. It folds
// slices in catalogue order rather than scoring a report again, which
// matters at national scale.
func rollUp(cat *catalogue.Catalogue, sc *scores, kriteria bool) rolled {
	max := cat.Scoring.Max()
	var out rolled
	without := make([]scoring.Rollup, 0, len(cat.Bab))
	i := 0
	for _, b := range cat.Bab {
		rb, rw := scoring.Rollup{ID: b.ID, Title: b.Title}, scoring.Rollup{ID: b.ID, Title: b.Title}
		for _, s := range b.Standar {
			for _, k := range s.Kriteria {
				rk := scoring.Rollup{ID: k.ID, Title: k.Title}
				for range k.Elements {
					e := sc.ep[i]
					i++
					if e.tdd {
						out.tdd++
					}
					if !e.projectable {
						continue
					}
					rw.Add(e.value, max)
					if !e.tdd {
						rk.Add(e.value, max)
						rb.Add(e.value, max)
					}
				}
				if kriteria {
					out.kriteria = append(out.kriteria, rk)
				}
			}
		}
		out.bab = append(out.bab, rb)
		without = append(without, rw)
	}
	out.Projection = readiness.Project(cat, out.bab)
	if out.tdd > 0 {
		w := readiness.Project(cat, without)
		out.withoutTDD = &w
	}
	return out
}

// cells are the matrix cells of roll-ups.
func cells(rs []scoring.Rollup) []Cell {
	out := make([]Cell, len(rs))
	for i, r := range rs {
		out[i] = Cell{ID: r.ID, Percent: r.Percent, Assessed: r.Assessed}
	}
	return out
}
