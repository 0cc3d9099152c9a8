package integrity_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// clock is a test clock the service and its database units read.
type clock struct{ now time.Time }

func (c *clock) read() time.Time { return c.now }

// service is an integrity service on e's records and store with a clock
// stopped at t0.
func (e *env) service(c *clock) *integrity.Service {
	return &integrity.Service{Store: e.rec.WithClock(c.read), Blobs: e.st, ScrubPeriod: integrity.DefaultScrubPeriod, Now: c.read}
}

// flip damages the stored copy of note's PDF: one byte changed.
func (e *env) flip(t *testing.T, key, note string) {
	t.Helper()
	data := testenv.PDF(note)
	data[len(data)/2] ^= 0x20
	e.put(t, key, data)
}

func openDamage(t *testing.T, svc *integrity.Service) map[string]sqlstore.DamagedBlob {
	t.Helper()
	ds, err := svc.Store.OpenDamage(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]sqlstore.DamagedBlob{}
	for _, d := range ds {
		out[d.SHA256] = d
	}
	return out
}

// TestScrubService drives the background scrub step by step on a stopped
// clock: its progress and run are recorded after every step, so a new
// service (a restarted server) resumes the pass; another server does
// nothing while the lease is held and takes over once it lapses; a
// completed pass records its run and the damage it found, which the
// status and the facility's list of files to upload again show; no pass
// starts before the period is over; the next pass resolves damage found
// healthy again.
func TestScrubService(t *testing.T) {
	t.Parallel()
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := newEnv(t, combo.DB, combo.Store)
			notes := []string{"SK", "SOP", "KAK"}
			sums := map[string]string{}
			keys := map[string]string{}
			for _, n := range notes {
				keys[n], sums[n] = e.upload(t, n)
			}
			e.flip(t, keys["SOP"], "SOP")
			c := &clock{now: t0}
			a, b := e.service(c), e.service(c)

			res, err := a.ScrubStep(ctx, "server-a", 1, 0)
			if err != nil || !res.Held || res.Checked != 1 || res.Progress.Checked != 1 || res.Completed != nil {
				t.Fatalf("first step: %+v, %v; want the lease held and one file checked", res, err)
			}
			st, err := a.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.Scrub.Progress.Checked != 1 || st.Scrub.LastRun == nil || st.Scrub.LastRun.Outcome != integrity.OutcomeRunning ||
				st.Scrub.LastRun.Files != 1 || st.Scrub.LastComplete != nil || st.Scrub.TotalFiles != 3 {
				t.Fatalf("status after one step: %+v, last run %+v", st.Scrub, st.Scrub.LastRun)
			}
			if res, err := b.ScrubStep(ctx, "server-b", 1<<30, 0); err != nil || res.Held || res.Checked != 0 {
				t.Fatalf("another server while the lease is held: %+v, %v; want nothing done", res, err)
			}

			// A restarted server resumes where the records say.
			a = e.service(c)
			c.now = c.now.Add(time.Minute)
			if res, err = a.ScrubStep(ctx, "server-a", 1, 0); err != nil || res.Progress.Checked != 2 || res.Completed != nil {
				t.Fatalf("after a restart: %+v, %v; want the second file of the pass", res, err)
			}
			c.now = c.now.Add(time.Minute)
			res, err = a.ScrubStep(ctx, "server-a", 1, 0)
			if err != nil || res.Completed == nil {
				t.Fatalf("third step: %+v, %v; want the pass complete", res, err)
			}
			if run := res.Completed; run.Files != 3 || run.Damaged != 1 || run.Outcome != integrity.OutcomeProblems ||
				!run.StartedAt.Equal(t0) || run.FinishedAt == nil || !run.FinishedAt.Equal(c.now) || run.ProblemKinds[integrity.Corrupt] != 1 {
				t.Errorf("completed pass: %+v", run)
			}
			d, ok := openDamage(t, a)[sums["SOP"]]
			if !ok || d.Kind != integrity.Corrupt || d.Source != integrity.SourceScrub || len(openDamage(t, a)) != 1 {
				t.Fatalf("open damage %+v, want SOP corrupt, found by the scrub", openDamage(t, a))
			}
			st, err = a.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Facilities) != 1 || st.Facilities[0].FacilityID != e.facility || st.Facilities[0].FacilityName != "Puskesmas Cimahi Tengah" ||
				len(st.Facilities[0].Files) != 1 || st.Facilities[0].Files[0].Title != "SOP" || !st.Facilities[0].Files[0].Current {
				t.Errorf("status facilities %+v, want the SOP of the facility", st.Facilities)
			}
			if st.Scrub.LastComplete == nil || st.Scrub.LastComplete.ID != res.Completed.ID || st.Scrub.Progress.Checked != 0 {
				t.Errorf("status after the pass: %+v", st.Scrub)
			}
			re, err := a.Reupload(ctx, e.facility)
			if err != nil || len(re) != 1 || re[0].Title != "SOP" || re[0].RequirementID != e.req {
				t.Errorf("files to upload again: %+v, %v; want the SOP", re, err)
			}

			// No new pass before the period is over, whoever asks.
			c.now = c.now.Add(time.Hour)
			if res, err = a.ScrubStep(ctx, "server-a", 1<<30, 0); err != nil || !res.Idle || !res.NextPass.Equal(t0.Add(integrity.DefaultScrubPeriod)) || res.Checked != 0 {
				t.Errorf("step within the period: %+v, %v; want idle until %v", res, err, t0.Add(integrity.DefaultScrubPeriod))
			}
			// A lease not renewed lapses: server B takes over.
			c.now = c.now.Add(integrity.ScrubLease + time.Minute)
			if res, err = b.ScrubStep(ctx, "server-b", 1<<30, 0); err != nil || !res.Held || !res.Idle {
				t.Errorf("server B after the lease lapsed: %+v, %v; want the lease, idle", res, err)
			}
			if res, err = a.ScrubStep(ctx, "server-a", 1<<30, 0); err != nil || res.Held {
				t.Errorf("server A after B took over: %+v, %v; want nothing done", res, err)
			}

			// The file is put back: the next pass finds it healthy.
			e.put(t, keys["SOP"], testenv.PDF("SOP"))
			c.now = t0.Add(integrity.DefaultScrubPeriod)
			res, err = b.ScrubStep(ctx, "server-b", 1<<30, 0)
			if err != nil || res.Completed == nil || res.Completed.Outcome != integrity.OutcomeClean || res.Completed.Files != 3 {
				t.Fatalf("second pass: %+v, %v; want complete and clean", res, err)
			}
			if n := len(openDamage(t, b)); n != 0 {
				t.Errorf("%d damage open after a clean pass", n)
			}
			if d, err := b.Store.Damage(ctx, sums["SOP"]); err != nil || d.ResolvedAt == nil || d.Resolution != integrity.ResolvedHealthy {
				t.Errorf("damage of the SOP after the clean pass: %+v, %v; want resolved healthy", d, err)
			}
			if re, err := b.Reupload(ctx, e.facility); err != nil || len(re) != 0 {
				t.Errorf("files to upload again after the clean pass: %+v, %v", re, err)
			}
		})
	}
}

// TestScrubStopsWithItsContext: a step reading at one byte per second
// ends as soon as its context does, with the context's error, and leaves
// the progress consistent for the next step.
func TestScrubStopsWithItsContext(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite", "filesystem")
	e.upload(t, "SK")
	c := &clock{now: t0}
	svc := e.service(c)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := svc.ScrubStep(ctx, "server-a", 1<<30, 1)
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("step cancelled while reading: %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a throttled scrub step did not end with its context")
	}
	res, err := svc.ScrubStep(context.Background(), "server-a", 1<<30, 0)
	if err != nil || res.Completed == nil || res.Completed.Files != 1 || res.Completed.Outcome != integrity.OutcomeClean {
		t.Errorf("the next step: %+v, %v; want the pass complete and clean", res, err)
	}
}

// TestRecordCheck: bukti fsck's runs are recorded with their findings;
// damage a size check found is resolved by a later size check, corrupt
// content only by one that verified content; damage of content no
// revision names is resolved as unreferenced; a check that could not
// finish resolves nothing.
func TestRecordCheck(t *testing.T) {
	t.Parallel()
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := newEnv(t, combo.DB, combo.Store)
			k1, s1 := e.upload(t, "SK")
			k2, s2 := e.upload(t, "SOP")
			c := &clock{now: t0}
			svc := e.service(c)
			record := func(opt integrity.Options, checkErr error) *sqlstore.IntegrityRun {
				t.Helper()
				rep := e.check(t, opt)
				run, err := svc.RecordCheck(ctx, rep, checkErr)
				if err != nil {
					t.Fatal(err)
				}
				c.now = c.now.Add(time.Hour)
				return run
			}
			if err := e.st.Delete(ctx, k1); err != nil {
				t.Fatal(err)
			}
			e.flip(t, k2, "SOP")
			run := record(integrity.Options{}, nil)
			if run.Outcome != integrity.OutcomeProblems || run.Damaged != 1 || run.ProblemKinds[integrity.Missing] != 1 || run.Files != 2 {
				t.Errorf("fsck run: %+v, want problems: one missing", run)
			}
			last, err := svc.Store.LastIntegrityRun(ctx, integrity.KindFsck, true)
			if err != nil || last == nil || last.ID != run.ID || last.ProblemKinds[integrity.Missing] != 1 {
				t.Errorf("last fsck run: %+v, %v; want %+v", last, err, run)
			}
			record(integrity.Options{VerifyContent: true}, nil)
			open := openDamage(t, svc)
			if len(open) != 2 || open[s1].Kind != integrity.Missing || open[s2].Kind != integrity.Corrupt || open[s2].Source != integrity.SourceFsck {
				t.Fatalf("open damage %+v, want SK missing, SOP corrupt", open)
			}

			// Both files back: a size check resolves the missing one only.
			e.put(t, k1, testenv.PDF("SK"))
			e.put(t, k2, testenv.PDF("SOP"))
			failed := record(integrity.Options{}, errors.New("the store stopped answering"))
			if failed.Outcome != integrity.OutcomeFailed || !strings.Contains(failed.Detail, "stopped answering") || len(openDamage(t, svc)) != 2 {
				t.Errorf("a check that could not finish: %+v, open damage %d; want failed and nothing resolved", failed, len(openDamage(t, svc)))
			}
			record(integrity.Options{}, nil)
			if open := openDamage(t, svc); len(open) != 1 || open[s2].Kind != integrity.Corrupt {
				t.Errorf("after a size check: open damage %+v, want only the corrupt SOP", open)
			}
			clean := record(integrity.Options{VerifyContent: true}, nil)
			if clean.Outcome != integrity.OutcomeClean || len(openDamage(t, svc)) != 0 {
				t.Errorf("after a verified check: %+v, open damage %+v; want clean, none open", clean, openDamage(t, svc))
			}

			// Damage seen after a check began stands, whatever that check
			// found.
			rep := e.check(t, integrity.Options{VerifyContent: true, Now: c.read})
			c.now = c.now.Add(time.Minute)
			if err := svc.RecordDamage(ctx, integrity.Problem{Kind: integrity.Corrupt, SHA256: s1}, integrity.SourceDownload); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.RecordCheck(ctx, rep, nil); err != nil {
				t.Fatal(err)
			}
			if open := openDamage(t, svc); len(open) != 1 || open[s1].Source != integrity.SourceDownload {
				t.Errorf("damage a download saw during a check: open %+v, want it open", open)
			}

			// A download's damage of content nothing records any more.
			stray := sha256.Sum256([]byte("no revision names me"))
			straySum := hex.EncodeToString(stray[:])
			if err := svc.RecordDamage(ctx, integrity.Problem{Kind: integrity.Corrupt, SHA256: straySum}, integrity.SourceDownload); err != nil {
				t.Fatal(err)
			}
			if err := svc.RecordDamage(ctx, integrity.Problem{Kind: integrity.Orphan, SHA256: straySum}, integrity.SourceDownload); err == nil {
				t.Error("an orphan was recorded as damage")
			}
			record(integrity.Options{}, nil)
			if d, err := svc.Store.Damage(ctx, straySum); err != nil || d.Resolution != integrity.ResolvedUnreferenced || d.Source != integrity.SourceDownload {
				t.Errorf("damage of unreferenced content after fsck: %+v, %v; want resolved unreferenced", d, err)
			}
		})
	}
}

// TestReuploadLeavesWithANewRevision: the damaged file of an evidence is
// listed for the facility until a new revision is uploaded; the damage
// stays open (the old revision's copy is still damaged) and the status
// shows that revision as not current.
func TestReuploadLeavesWithANewRevision(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, "sqlite", "filesystem")
	key, sum := e.upload(t, "SK")
	e.upload(t, "SOP")
	svc := e.service(&clock{now: t0})
	e.flip(t, key, "SK")
	if _, err := svc.ScrubStep(ctx, "server-a", 1<<30, 0); err != nil {
		t.Fatal(err)
	}
	re, err := svc.Reupload(ctx, e.facility)
	if err != nil || len(re) != 1 || re[0].SHA256 != sum {
		t.Fatalf("files to upload again: %+v, %v; want the SK", re, err)
	}
	staged, err := e.a.Evidence.Stage(ctx, "sk-baru.pdf", bytes.NewReader(testenv.PDF("SK baru")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.a.Evidence.AddRevision(ctx, re[0].EvidenceID, 1, staged); err != nil {
		t.Fatal(err)
	}
	if re, err := svc.Reupload(ctx, e.facility); err != nil || len(re) != 0 {
		t.Errorf("after a new revision: %+v, %v; want nothing to upload again", re, err)
	}
	st, err := svc.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Damaged) != 1 || len(st.Facilities) != 1 || len(st.Facilities[0].Files) != 1 || st.Facilities[0].Files[0].Current {
		t.Errorf("status after a new revision: %+v; want the damaged revision listed, not current", st.Facilities)
	}
	var got []string
	for _, d := range st.Damaged {
		got = append(got, d.SHA256)
	}
	if !slices.Equal(got, []string{sum}) {
		t.Errorf("damaged %v, want %s", got, sum)
	}
}
