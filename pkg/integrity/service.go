package integrity

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/storage"
)

// The records the integrity checks keep (sqlstore: integrity_runs,
// damaged_blobs, scrub_state):
//
//   - Every bukti fsck run and every scrub pass is a run: what it checked,
//     what it found, how it ended (clean, problems, failed; a scrub pass
//     is running until its last step).
//   - Every file content found missing, of the wrong size or corrupt is
//     damage, by the check that found it (fsck, scrub, download). It is
//     resolved when a later check finds the content healthy — the scrub
//     or fsck -verify-content by its bytes, plain fsck by its size for
//     damage that a size check found (missing, wrong size) — or when no
//     revision names the content any more. Damage seen after that check
//     began stands. Damage found again after it was resolved opens
//     again.
//   - The scrub's progress is one row, so a restarted server resumes its
//     pass; a lease on it with an expiry lets one server at a time scrub.

// Kinds of run, sources of damage and outcomes of runs.
const (
	KindFsck  = "fsck"
	KindScrub = "scrub"

	SourceFsck     = "fsck"
	SourceScrub    = "scrub"
	SourceDownload = "download"

	OutcomeRunning  = "running"
	OutcomeClean    = "clean"
	OutcomeProblems = "problems"
	OutcomeFailed   = "failed"

	// ResolvedHealthy and ResolvedUnreferenced say why damage was resolved.
	ResolvedHealthy      = "healthy"
	ResolvedUnreferenced = "unreferenced"
)

// ScrubLease is how long a server holds the scrub after its last step; a
// server that stops without releasing it holds it that long.
const ScrubLease = 15 * time.Minute

// Service records the integrity checks and runs the background scrub.
type Service struct {
	Store *sqlstore.DB
	Blobs storage.Store
	// ScrubPeriod is how long a scrub pass over the whole store should
	// take at most, and how often one starts (BUKTI_SCRUB_PERIOD); 0
	// turns the scrub off.
	ScrubPeriod time.Duration
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	Log *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// damage reports whether a problem kind is damage to a recorded content.
func damage(kind string) bool { return kind == Missing || kind == WrongSize || kind == Corrupt }

// RecordCheck records a bukti fsck run: rep as Check returned it, and
// checkErr when the check could not finish (the run failed: nothing is
// resolved). Damage found is recorded; open damage the check found
// healthy, or of contents nothing records any more, is resolved.
func (s *Service) RecordCheck(ctx context.Context, rep Report, checkErr error) (*sqlstore.IntegrityRun, error) {
	run := &sqlstore.IntegrityRun{Kind: KindFsck, StartedAt: rep.Started.UTC(), Files: int64(rep.Records), Bytes: rep.Bytes,
		Problems: int64(len(rep.Problems)), Damaged: int64(rep.Damaged()), ProblemKinds: map[string]int{}}
	if run.StartedAt.IsZero() {
		run.StartedAt = s.now()
	}
	fin := rep.Finished.UTC()
	if rep.Finished.IsZero() {
		fin = s.now()
	}
	run.FinishedAt = &fin
	for _, p := range rep.Problems {
		run.ProblemKinds[p.Kind]++
	}
	mode := "sizes checked"
	if rep.Verified {
		mode = "content verified"
	}
	if rep.Repair {
		mode += ", repair"
	}
	switch {
	case checkErr != nil:
		run.Outcome, run.Detail = OutcomeFailed, mode+": "+checkErr.Error()
	case rep.Remaining() > 0:
		run.Outcome, run.Detail = OutcomeProblems, mode
	default:
		run.Outcome, run.Detail = OutcomeClean, mode
	}
	open, err := s.Store.OpenDamage(ctx)
	if err != nil {
		return nil, err
	}
	err = s.Store.Run(ctx, nil, func(t *sqlstore.Tx) error {
		if err := t.CreateIntegrityRun(run); err != nil {
			return err
		}
		found := map[string]bool{}
		for _, p := range rep.Problems {
			if damage(p.Kind) {
				found[p.SHA256] = true
				if err := t.RecordDamage(p.SHA256, p.Kind, SourceFsck, p.Detail); err != nil {
					return err
				}
			}
		}
		if checkErr != nil {
			return nil
		}
		var healthy []string
		for _, d := range open {
			if !found[d.SHA256] && (rep.Verified || d.Kind != Corrupt) {
				healthy = append(healthy, d.SHA256)
			}
		}
		if _, err := t.ResolveDamage(healthy, run.StartedAt, ResolvedHealthy); err != nil {
			return err
		}
		_, err := t.ResolveUnreferencedDamage()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("record the fsck run: %w", err)
	}
	return run, nil
}

// RecordDamage records damage that source found outside a run (a
// download whose bytes did not match).
func (s *Service) RecordDamage(ctx context.Context, p Problem, source string) error {
	if !damage(p.Kind) {
		return fmt.Errorf("integrity: %q is not damage", p.Kind)
	}
	return s.Store.Run(ctx, nil, func(t *sqlstore.Tx) error {
		return t.RecordDamage(p.SHA256, p.Kind, source, p.Detail)
	})
}

// ScrubResult is what one scrub step did.
type ScrubResult struct {
	Held     bool          // the step held the lease (false: another server scrubs; nothing was done)
	Idle     bool          // the last pass is recent: no pass is due before NextPass
	NextPass time.Time     // when an idle scrub starts its next pass
	Checked  int           // blobs checked in this step
	Damaged  int           // of them, damaged
	Progress ScrubProgress // where the pass stands after the step
	// Completed is the run of the pass this step completed, if any.
	Completed *sqlstore.IntegrityRun
}

// NewOwner is a name for a server's hold on the scrub lease.
func NewOwner() string { return rand.Text() }

// ScrubStep runs one step of the background scrub as owner: it takes the
// lease (unless another server holds it), resumes the pass where the
// records say it stands, checks up to budget bytes read at rate bytes per
// second (0: as fast as the store reads), and records what it found with
// the progress, in one unit of work. A new pass starts no sooner than
// ScrubPeriod after the last one started. A step cut short by an error or
// the end of ctx records what it checked before it and returns the error.
func (s *Service) ScrubStep(ctx context.Context, owner string, budget, rate int64) (ScrubResult, error) {
	var res ScrubResult
	now := s.now()
	err := s.Store.Run(ctx, nil, func(t *sqlstore.Tx) error {
		var err error
		res.Held, err = t.TakeScrubLease(owner, t.Now.Add(ScrubLease))
		return err
	})
	if err != nil || !res.Held {
		return res, err
	}
	st, err := s.Store.ScrubState(ctx)
	if err != nil {
		return res, err
	}
	p := progressOf(st)
	res.Progress = p
	if p.starting() && !p.PassStarted.IsZero() && s.ScrubPeriod > 0 {
		if next := p.PassStarted.Add(s.ScrubPeriod); now.Before(next) {
			res.Idle, res.NextPass = true, next
			return res, nil
		}
	}
	openList, err := s.Store.OpenDamage(ctx)
	if err != nil {
		return res, err
	}
	open := map[string]bool{}
	for _, d := range openList {
		open[d.SHA256] = true
	}
	var found []Problem
	var healthy []string
	starting := p.starting()
	next, done, stepErr := ScrubStep(ctx, s.Store, Throttle(s.Blobs, rate), p, budget, now, func(r sqlstore.BlobRecord, d *Problem) {
		res.Checked++
		switch {
		case d != nil:
			res.Damaged++
			found = append(found, *d)
		case open[r.SHA256]:
			healthy = append(healthy, r.SHA256)
		}
	})
	res.Progress = next
	if res.Checked == 0 && done == nil {
		return res, stepErr
	}
	// Record what was checked even when the step was cut short (the
	// server is stopping): on a context of its own, bounded.
	rctx := ctx
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		rctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
	}
	var run *sqlstore.IntegrityRun
	if !starting && st.RunID != nil {
		if run, err = s.Store.IntegrityRun(rctx, *st.RunID); err != nil && !errors.Is(err, sqlstore.ErrNotFound) {
			return res, err
		}
	}
	err = s.Store.Run(rctx, nil, func(t *sqlstore.Tx) error {
		pass := next
		if done != nil {
			pass = *done
		}
		if run == nil {
			run = &sqlstore.IntegrityRun{Kind: KindScrub, StartedAt: pass.PassStarted, Outcome: OutcomeRunning, Detail: "content verified"}
			if err := t.CreateIntegrityRun(run); err != nil {
				return err
			}
		}
		run.Files, run.Bytes, run.Damaged, run.Problems = pass.Checked, pass.Bytes, pass.Damaged, pass.Damaged
		if run.ProblemKinds == nil {
			run.ProblemKinds = map[string]int{}
		}
		for _, d := range found {
			run.ProblemKinds[d.Kind]++
			if err := t.RecordDamage(d.SHA256, d.Kind, SourceScrub, d.Detail); err != nil {
				return err
			}
		}
		if _, err := t.ResolveDamage(healthy, now, ResolvedHealthy); err != nil {
			return err
		}
		state := stateOf(next, &run.ID)
		if done != nil {
			fin := done.LastPass
			run.FinishedAt, run.Outcome = &fin, OutcomeClean
			if done.Damaged > 0 {
				run.Outcome = OutcomeProblems
			}
			if _, err := t.ResolveUnreferencedDamage(); err != nil {
				return err
			}
			state.RunID = nil
			res.Completed = run
		}
		if err := t.SaveIntegrityRun(run); err != nil {
			return err
		}
		saved, err := t.SaveScrubState(owner, state)
		if err != nil {
			return err
		}
		if !saved {
			return errLeaseLost
		}
		_, err = t.TakeScrubLease(owner, t.Now.Add(ScrubLease))
		return err
	})
	if err != nil {
		return res, fmt.Errorf("record the scrub step: %w", err)
	}
	return res, stepErr
}

// errLeaseLost ends a scrub step whose lease another server took: its
// findings are dropped (that server checks the same blobs).
var errLeaseLost = errors.New("integrity: the scrub lease went to another server")

// ReleaseScrub lets go of owner's scrub lease, so another server may take
// over at once.
func (s *Service) ReleaseScrub(ctx context.Context, owner string) error {
	return s.Store.Run(ctx, nil, func(t *sqlstore.Tx) error { return t.ReleaseScrubLease(owner) })
}

func progressOf(st sqlstore.ScrubState) ScrubProgress {
	p := ScrubProgress{Cursor: st.Cursor, Checked: st.Checked, Bytes: st.Bytes, Damaged: st.Damaged}
	if st.PassStarted != nil {
		p.PassStarted = st.PassStarted.UTC()
	}
	if st.LastPass != nil {
		p.LastPass = st.LastPass.UTC()
	}
	return p
}

func stateOf(p ScrubProgress, runID *int64) sqlstore.ScrubState {
	st := sqlstore.ScrubState{Cursor: p.Cursor, Checked: p.Checked, Bytes: p.Bytes, Damaged: p.Damaged, RunID: runID}
	if !p.PassStarted.IsZero() {
		t := p.PassStarted
		st.PassStarted = &t
	}
	if !p.LastPass.IsZero() {
		t := p.LastPass
		st.LastPass = &t
	}
	return st
}

// ScrubStepTime is how long a scrub step reads at the scrub's rate: its
// budget is the rate times this.
const ScrubStepTime = 10 * time.Second

// Scrub runs the background scrub until ctx ends (at once when
// ScrubPeriod is 0): steps of ScrubStepTime at ScrubRate of the recorded
// bytes and ScrubPeriod, one after another while a pass runs; while
// another server holds the lease or no pass is due, it looks again every
// minute. observe, when not nil, is told the result of every step that
// ran. On its way out it releases the lease.
func (s *Service) Scrub(ctx context.Context, observe func(ScrubResult, error)) {
	if s.ScrubPeriod <= 0 {
		return
	}
	owner := NewOwner()
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := s.ReleaseScrub(rctx, owner); err != nil {
			s.log().Warn("release the scrub lease", "err", err)
		}
	}()
	var rate int64
	var rated time.Time
	for {
		wait := time.Minute
		var err error
		if time.Since(rated) > 10*time.Minute {
			// The recorded total changes slowly; sum it now and then.
			var total int64
			if _, total, err = s.Store.BlobTotals(ctx); err == nil {
				rate, rated = ScrubRate(total, s.ScrubPeriod), time.Now()
			}
		}
		var res ScrubResult
		if err == nil {
			res, err = s.ScrubStep(ctx, owner, rate*int64(ScrubStepTime/time.Second), rate)
		}
		if ctx.Err() != nil {
			return
		}
		if observe != nil && (err != nil || res.Held && !res.Idle) {
			observe(res, err)
		}
		switch {
		case err != nil:
			s.log().Warn("scrub step", "err", err, "checked", res.Checked)
		case res.Held && !res.Idle && res.Completed == nil:
			wait = time.Second // the pass goes on; the step itself kept the rate
		}
		if res.Damaged > 0 {
			s.log().Error("scrub found damaged evidence files", "damaged", res.Damaged, "checked", res.Checked)
		}
		if c := res.Completed; c != nil {
			s.log().Info("scrub pass complete", "files", c.Files, "bytes", c.Bytes, "damaged", c.Damaged,
				"started", c.StartedAt, "finished", c.FinishedAt)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// FacilityDamage is the damaged evidence of one facility.
type FacilityDamage struct {
	FacilityID   int64                   `json:"facility_id"`
	FacilityName string                  `json:"facility_name"`
	Files        []sqlstore.AffectedFile `json:"files"`
}

// ScrubStatus is where the scrub stands, for the admin page.
type ScrubStatus struct {
	Enabled bool          `json:"enabled"`
	Period  time.Duration `json:"-"`
	PeriodS string        `json:"period"` // Period as a Go duration ("720h0m0s"); "0s" when off
	// Rate is the scrub's read rate in bytes per second (ScrubRate).
	Rate int64 `json:"rate_bytes_per_second"`
	// TotalFiles and TotalBytes are what a pass checks: the distinct
	// recorded file contents.
	TotalFiles int64 `json:"total_files"`
	TotalBytes int64 `json:"total_bytes"`
	// Progress is the pass in progress (or the start of the next).
	Progress ScrubProgress `json:"progress"`
	// NextPass is when the next pass is due, while none runs.
	NextPass *time.Time `json:"next_pass,omitempty"`
	// LastRun is the latest pass, running or complete; LastComplete the
	// latest complete one.
	LastRun      *sqlstore.IntegrityRun `json:"last_run"`
	LastComplete *sqlstore.IntegrityRun `json:"last_complete"`
}

// Status is what the admin page shows.
type Status struct {
	// Fsck is the last bukti fsck run, nil when there was none.
	Fsck  *sqlstore.IntegrityRun `json:"fsck"`
	Scrub ScrubStatus            `json:"scrub"`
	// Damaged is the unresolved damage, Facilities the evidence it
	// affects, by facility.
	Damaged    []sqlstore.DamagedBlob `json:"damaged"`
	Facilities []FacilityDamage       `json:"facilities"`
}

// Status reads the last fsck run, the scrub's state and the unresolved
// damage with the evidence it affects.
func (s *Service) Status(ctx context.Context) (Status, error) {
	out := Status{Damaged: []sqlstore.DamagedBlob{}, Facilities: []FacilityDamage{}}
	var err error
	if out.Fsck, err = s.Store.LastIntegrityRun(ctx, KindFsck, false); err != nil {
		return out, err
	}
	sc := &out.Scrub
	sc.Enabled, sc.Period, sc.PeriodS = s.ScrubPeriod > 0, s.ScrubPeriod, s.ScrubPeriod.String()
	if sc.TotalFiles, sc.TotalBytes, err = s.Store.BlobTotals(ctx); err != nil {
		return out, err
	}
	if sc.Enabled {
		sc.Rate = ScrubRate(sc.TotalBytes, s.ScrubPeriod)
	}
	st, err := s.Store.ScrubState(ctx)
	if err != nil {
		return out, err
	}
	sc.Progress = progressOf(st)
	if p := sc.Progress; sc.Enabled && p.starting() && !p.PassStarted.IsZero() {
		next := p.PassStarted.Add(s.ScrubPeriod)
		sc.NextPass = &next
	}
	if sc.LastRun, err = s.Store.LastIntegrityRun(ctx, KindScrub, false); err != nil {
		return out, err
	}
	if sc.LastComplete, err = s.Store.LastIntegrityRun(ctx, KindScrub, true); err != nil {
		return out, err
	}
	if out.Damaged, err = s.Store.OpenDamage(ctx); err != nil {
		return out, err
	}
	sums := make([]string, len(out.Damaged))
	for i, d := range out.Damaged {
		sums[i] = d.SHA256
	}
	files, err := s.Store.AffectedFiles(ctx, sums)
	if err != nil {
		return out, err
	}
	by := map[int64]*FacilityDamage{}
	for _, f := range files {
		fd := by[f.FacilityID]
		if fd == nil {
			fd = &FacilityDamage{FacilityID: f.FacilityID, FacilityName: f.FacilityName}
			by[f.FacilityID] = fd
		}
		fd.Files = append(fd.Files, f)
	}
	for _, id := range slices.Sorted(maps.Keys(by)) {
		out.Facilities = append(out.Facilities, *by[id])
	}
	return out, nil
}

// Reupload lists a facility's evidence files that must be uploaded again:
// the latest revision of evidence not deleted whose content has
// unresolved damage.
func (s *Service) Reupload(ctx context.Context, facilityID int64) ([]sqlstore.AffectedFile, error) {
	return s.Store.DamagedCurrentFiles(ctx, facilityID)
}
