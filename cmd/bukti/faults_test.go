package main

// Fault tests: the real bukti binary, run as its own process on real
// services, killed, starved of its blob store, out of disk, under load and
// stopped while requests run. They assert outcomes (statuses, stored
// bytes, exit codes), never durations beyond hangBound, and log their
// figures (go test -v -run Fault ./cmd/bukti/).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/db"
	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/storage"
)

// TestFaultKillDuringUploads kills `bukti serve` with SIGKILL three times
// while six clients upload, on SQLite with the filesystem and on
// PostgreSQL with MinIO. After each restart every upload that got a 201
// downloads with its SHA-256; at the end fsck -repair (with the debris
// aged past a one-minute grace) leaves the store clean, every recorded
// file verified.
func TestFaultKillDuringUploads(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			dataDir := t.TempDir()
			dbURL := testenv.MigratedDatabaseURL(t, combo.DB)
			env := []string{"BUKTI_DATA_DIR=" + dataDir, "BUKTI_DATABASE_URL=" + dbURL}
			storeCfg := storage.Config{Dir: filepath.Join(dataDir, "blobs")}
			if combo.Store == "s3" {
				storeCfg = testenv.StoreConfig(t, "s3")
				env = append(env, "BUKTI_S3_ENDPOINT="+storeCfg.S3.Endpoint, "BUKTI_S3_BUCKET="+storeCfg.S3.Bucket,
					"BUKTI_S3_ACCESS_KEY="+storeCfg.S3.AccessKey, "BUKTI_S3_SECRET_KEY="+storeCfg.S3.SecretKey)
			}
			var (
				acked    []uploaded
				token    string
				facility int64
			)
			for kill := 1; kill <= 3; kill++ {
				p := startBukti(t, env...)
				a := newAPI(p.addr, token)
				if kill == 1 {
					facility = a.setup(t)
					token = a.token
				} else if v := a.verify(t, acked); v != len(acked) {
					t.Fatalf("after restart %d: %d of %d acknowledged uploads verified", kill-1, v, len(acked))
				}
				attempted, round := uploadUntilKilled(t, a, facility, p)
				acked = append(acked, round...)
				t.Logf("kill %d: uploads attempted %d, acknowledged %d (in all %d)", kill, attempted, len(round), len(acked))
			}
			p := startBukti(t, env...)
			a := newAPI(p.addr, token)
			verified := a.verify(t, acked)
			t.Logf("after the last restart: %d of %d acknowledged uploads verified", verified, len(acked))
			if code := p.stop(syscall.SIGTERM, hangBound); code != 0 {
				t.Errorf("exit code %d after SIGTERM, want 0\n%s", code, p.logs)
			}
			if combo.Store == "filesystem" {
				fsckFilesystem(t, env, storeCfg.Dir, len(acked))
			} else {
				fsckAged(t, dbURL, storeCfg, len(acked))
			}
		})
	}
}

// uploadUntilKilled runs six uploading clients, kills the server with
// SIGKILL once at least ten uploads were acknowledged (uploads are in
// flight all the time), and returns the uploads attempted and those
// acknowledged with 201. Before the kill every answer must be a 201.
func uploadUntilKilled(t *testing.T, a *api, facility int64, p *proc) (int, []uploaded) {
	var (
		mu        sync.Mutex
		round     []uploaded
		attempted int
		killed    atomic.Bool
		stop      = make(chan struct{})
		wg        sync.WaitGroup
	)
	for w := range 6 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				content, sum := doc(1<<10 + (w*7919+i*104729)%(192<<10))
				mu.Lock()
				attempted++
				mu.Unlock()
				an := a.upload(facility, content)
				switch {
				case an.err == nil && an.status == http.StatusCreated:
					u := acknowledged(t, an, sum)
					mu.Lock()
					round = append(round, u)
					mu.Unlock()
				case killed.Load():
					return // the server is gone: this upload got no answer
				default:
					t.Errorf("upload before the kill: %d %v %s", an.status, an.err, an.body)
					return
				}
			}
		})
	}
	deadline := time.Now().Add(hangBound)
	for {
		mu.Lock()
		n := len(round)
		mu.Unlock()
		if n >= 10 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	killed.Store(true)
	p.kill()
	close(stop)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(round) == 0 {
		t.Fatalf("no upload acknowledged before the kill\n%s", p.logs)
	}
	return attempted, round
}

// fsckFilesystem ages everything in the blob directory past a one-minute
// grace, then runs the real `bukti fsck -repair -grace 1m -verify-content`
// and a second, checking fsck: clean, with every recorded file verified.
func fsckFilesystem(t *testing.T, env []string, blobs string, acked int) {
	t.Helper()
	old := time.Now().Add(-2 * time.Minute)
	staged := 0
	err := filepath.WalkDir(blobs, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if filepath.Base(filepath.Dir(path)) == "tmp" {
			staged++
		}
		return os.Chtimes(path, old, old)
	})
	if err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (integrity.Report, int) {
		cmd := exec.Command(buktiBinary(t), append([]string{"fsck", "-json", "-verify-content", "-grace", "1m"}, args...)...)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.Output()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		var rep integrity.Report
		if err := json.Unmarshal(out, &rep); err != nil {
			t.Fatalf("fsck output: %v\n%s", err, out)
		}
		return rep, cmd.ProcessState.ExitCode()
	}
	rep, code := run("-repair")
	t.Logf("fsck -repair: %d recorded files verified, %d problems (%d staged files aged), %d left, exit %d",
		rep.Records, len(rep.Problems), staged, rep.Remaining(), code)
	if rep.Damaged() != 0 || rep.Remaining() != 0 || code != 0 {
		t.Errorf("fsck -repair: damaged %d, left %d, exit %d: %+v", rep.Damaged(), rep.Remaining(), code, rep.Problems)
	}
	rep, code = run()
	if len(rep.Problems) != 0 || code != 0 || rep.Records < acked {
		t.Errorf("fsck after repair: %d problems, exit %d, %d records for %d acknowledged uploads", len(rep.Problems), code, rep.Records, acked)
	}
}

// fsckAged runs the check of bukti fsck -repair -verify-content on the
// S3 store through the integrity package, with a clock two minutes ahead
// (S3 objects' times cannot be aged) and a one-minute grace; then checks
// again: clean, every recorded file verified.
func fsckAged(t *testing.T, dbURL string, cfg storage.Config, acked int) {
	t.Helper()
	ctx := context.Background()
	gdb, err := db.Open(ctx, dbURL, testenv.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(gdb)
	st, err := storage.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	records := sqlstore.New(gdb, nil)
	ahead := func() time.Time { return time.Now().Add(2 * time.Minute) }
	rep, err := integrity.Check(ctx, records, st, integrity.Options{Repair: true, VerifyContent: true, Grace: time.Minute, Now: ahead})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fsck -repair (clock 2 min ahead): %d recorded files verified, %d problems, %d left", rep.Records, len(rep.Problems), rep.Remaining())
	if rep.Damaged() != 0 || rep.Remaining() != 0 {
		t.Errorf("fsck -repair: damaged %d, left %d: %+v", rep.Damaged(), rep.Remaining(), rep.Problems)
	}
	rep, err = integrity.Check(ctx, records, st, integrity.Options{VerifyContent: true, Grace: time.Minute, Now: ahead})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 0 || rep.Records < acked {
		t.Errorf("fsck after repair: %d problems, %d records for %d acknowledged uploads: %+v", len(rep.Problems), rep.Records, acked, rep.Problems)
	}
}

// outageLoad runs four clients that upload and download in turn until
// stopped, recording every answer.
type outageLoad struct {
	mu      sync.Mutex
	answers []answer
	stop    chan struct{}
	wg      sync.WaitGroup
}

func startLoad(t *testing.T, a *api, facility int64, stored []uploaded) *outageLoad {
	l := &outageLoad{stop: make(chan struct{})}
	for w := range 4 {
		l.wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				var an answer
				if (w+i)%2 == 0 {
					content, sum := doc(4 << 10)
					an = a.upload(facility, content)
					an.sum = sum
				} else {
					an, _ = a.download(stored[i%len(stored)])
				}
				l.mu.Lock()
				l.answers = append(l.answers, an)
				l.mu.Unlock()
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
	return l
}

func (l *outageLoad) end() []answer {
	close(l.stop)
	l.wg.Wait()
	return l.answers
}

// checkOutage checks the answers of requests around an outage from from to
// to: a request begun and answered within it got 503 with Retry-After;
// one that straddles a boundary may have got its result; none got another
// 5xx; none hung. It returns how many got 503 and the longest request that
// began within the outage.
func checkOutage(t *testing.T, answers []answer, from, to time.Time) (unavailable int, longest time.Duration) {
	t.Helper()
	for _, an := range answers {
		if os.Getenv("BUKTI_FAULT_DEBUG") != "" {
			t.Logf("request at %v took %v: %d %v %.80s", an.start.Sub(from).Round(time.Millisecond), an.took.Round(time.Millisecond), an.status, an.err, an.body)
		}
		inside := !an.start.Before(from) && an.start.Before(to)
		if inside {
			longest = max(longest, an.took)
		}
		switch {
		case an.took > hangBound:
			t.Errorf("a request took %v", an.took)
		case an.err != nil:
			if inside || an.start.Add(an.took).Before(from) {
				t.Errorf("a request began %v into the outage and got no answer: %v", an.start.Sub(from), an.err)
			}
			// One in flight when the store froze may be cut mid-body.
		case an.status == http.StatusServiceUnavailable:
			unavailable++
			if an.header.Get("Retry-After") == "" {
				t.Errorf("503 without Retry-After: %s", an.body)
			}
			var e struct{ Error struct{ Code string } }
			if json.Unmarshal(an.body, &e); e.Error.Code != "unavailable" {
				t.Errorf("503 with code %q: %s", e.Error.Code, an.body)
			}
		case an.status >= 500:
			t.Errorf("status %d during the outage: %s", an.status, an.body)
		case an.start.After(from.Add(500*time.Millisecond)) && an.start.Add(an.took).Before(to):
			// Begun and answered within the outage, it cannot have succeeded.
			t.Errorf("status %d for a request begun %v into the outage and answered before its end", an.status, an.start.Sub(from))
		}
	}
	if unavailable == 0 {
		t.Errorf("no request got 503 during the outage (%d requests)", len(answers))
	}
	return unavailable, longest
}

// TestFaultMinIOOutage runs the server on a private MinIO server with a
// two-second blob timeout, then freezes MinIO (SIGSTOP) and later kills
// it, while clients upload and download. During each outage requests
// answer 503 with Retry-After and /readyz says so; once MinIO is back (the
// same process after SIGCONT, a new one after the kill) the same bukti
// process serves again, the files stored before it included.
func TestFaultMinIOOutage(t *testing.T) {
	m := startMinio(t)
	env := append(m.env(), "BUKTI_DATA_DIR="+t.TempDir(), "BUKTI_BLOB_TIMEOUT=2s", "BUKTI_DB_TIMEOUT=5s")
	p := startBukti(t, env...)
	a := newAPI(p.addr, "")
	facility := a.setup(t)
	stored := storeSome(t, a, facility, 3)
	phases := []struct {
		name          string
		fail, recover func()
	}{
		{"frozen (SIGSTOP)", func() { m.signal(syscall.SIGSTOP) }, func() { m.signal(syscall.SIGCONT) }},
		{"killed (SIGKILL, then a new server)", func() { m.signal(syscall.SIGKILL); <-m.exited }, m.start},
	}
	for _, ph := range phases {
		load := startLoad(t, a, facility, stored)
		time.Sleep(300 * time.Millisecond)
		from := time.Now()
		ph.fail()
		time.Sleep(4 * time.Second)
		ready := a.do("GET", "/readyz", nil, "")
		if ready.status != http.StatusServiceUnavailable || !strings.Contains(string(ready.body), `"blobs":"unavailable"`) {
			t.Errorf("%s: /readyz %d %v %s, want 503 naming the blob store", ph.name, ready.status, ready.err, ready.body)
		}
		to := time.Now()
		ph.recover()
		a.waitReady(t, http.StatusOK)
		time.Sleep(300 * time.Millisecond)
		answers := load.end()
		n, longest := checkOutage(t, answers, from, to)
		t.Logf("MinIO %s: outage of %.1f s survived, %d requests, %d answered 503, longest request begun in the outage %v",
			ph.name, to.Sub(from).Seconds(), len(answers), n, longest.Round(time.Millisecond))
		if v := a.verify(t, stored); v != len(stored) {
			t.Errorf("after MinIO came back: %d of %d stored files verified", v, len(stored))
		}
		content, sum := doc(8 << 10)
		an := a.upload(facility, content)
		if an.err != nil || an.status != http.StatusCreated {
			t.Fatalf("%s: upload after MinIO came back: %d %v %s", ph.name, an.status, an.err, an.body)
		}
		stored = append(stored, acknowledged(t, an, sum))
	}
	if code := p.stop(syscall.SIGTERM, hangBound); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0", code)
	}
	if os.Getenv("BUKTI_FAULT_DEBUG") != "" {
		t.Logf("server log:\n%s", p.logs)
	}
}

// enospcStore fails a Stage once more than limit bytes were staged in
// all, as a full disk does; Check reports it full then.
type enospcStore struct {
	storage.Store
	mu    sync.Mutex
	used  int64
	limit int64
}

func (s *enospcStore) full() error {
	return fmt.Errorf("%w: storage: stage: %w", storage.ErrNoSpace, &fs.PathError{Op: "write", Path: "blobs/tmp/x", Err: syscall.ENOSPC})
}

func (s *enospcStore) Stage(ctx context.Context, r io.Reader) (string, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.used+int64(len(b)) > s.limit {
		return "", s.full()
	}
	s.used += int64(len(b))
	return s.Store.Stage(ctx, strings.NewReader(string(b)))
}

func (s *enospcStore) Check(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limit-s.used < 1<<20 {
		return s.full()
	}
	return storage.Check(ctx, s.Store)
}

// TestFaultDiskFull fills the blob store: its directory is a 2 MiB tmpfs
// (as root; otherwise the server runs in this process with a store that
// fails like a full disk). The upload that does not fit answers 507 and
// leaves nothing recorded and nothing staged; /readyz reports the store
// full.
func TestFaultDiskFull(t *testing.T) {
	dataDir := t.TempDir()
	blobs := filepath.Join(dataDir, "blobs")
	if err := os.MkdirAll(blobs, 0o750); err != nil {
		t.Fatal(err)
	}
	var a *api
	var out []byte
	err := errors.New("BUKTI_TEST_NO_MOUNT is set")
	if os.Getenv("BUKTI_TEST_NO_MOUNT") == "" {
		out, err = exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", blobs).CombinedOutput()
	}
	if err == nil {
		t.Cleanup(func() { _ = exec.Command("umount", blobs).Run() }) // after the server is killed
		p := startBukti(t, "BUKTI_DATA_DIR="+dataDir, "BUKTI_MIN_FREE_BYTES=1048576")
		a = newAPI(p.addr, "")
	} else {
		t.Logf("cannot mount a tmpfs (%v: %s): the server runs in this process on a store that fails like a full 2 MiB disk", err, out)
		storeHook = func(st storage.Store) storage.Store { return &enospcStore{Store: st, limit: 2 << 20} }
		t.Cleanup(func() { storeHook = nil })
		cfg, err := parseConfig([]string{"-addr", "127.0.0.1:0", "-data-dir", dataDir, "-admin-email", faultAdmin, "-admin-password", faultPassword}, env(nil), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		ready, done := make(chan string, 1), make(chan error, 1)
		go func() { done <- serve(ctx, cfg, newLogger("json", io.Discard), ready) }()
		t.Cleanup(func() { cancel(); <-done })
		select {
		case addr := <-ready:
			a = newAPI(addr, "")
		case err := <-done:
			t.Fatal(err)
		}
	}
	facility := a.setup(t)
	created, full := 0, false
	for i := 0; i < 8 && !full; i++ {
		content, sum := doc(600 << 10)
		an := a.upload(facility, content)
		switch {
		case an.err == nil && an.status == http.StatusCreated:
			acknowledged(t, an, sum)
			created++
		case an.err == nil && an.status == http.StatusInsufficientStorage:
			full = true
			var e struct {
				Error struct{ Code, Message string }
			}
			if json.Unmarshal(an.body, &e); e.Error.Code != "insufficient_storage" || !strings.Contains(e.Error.Message, "penuh") {
				t.Errorf("507 answer: %s", an.body)
			}
		default:
			t.Fatalf("upload %d: %d %v %s", i+1, an.status, an.err, an.body)
		}
	}
	if !full {
		t.Fatalf("%d uploads of 600 KiB fit in 2 MiB", created)
	}
	var list struct{ Evidence []json.RawMessage }
	a.must(t, "GET", fmt.Sprintf("/api/v1/facilities/%d/evidence", facility), nil, http.StatusOK, &list)
	if len(list.Evidence) != created {
		t.Errorf("%d evidence records after %d uploads answered 201 and one 507", len(list.Evidence), created)
	}
	if entries, _ := os.ReadDir(filepath.Join(blobs, "tmp")); len(entries) != 0 {
		t.Errorf("the refused upload left %d staged files", len(entries))
	}
	ready := a.do("GET", "/readyz", nil, "")
	if ready.status != http.StatusServiceUnavailable || !strings.Contains(string(ready.body), `"blobs":"full"`) {
		t.Errorf("/readyz on a full store: %d %s", ready.status, ready.body)
	}
	t.Logf("disk full: %d uploads of 600 KiB stored, the next answered 507, nothing recorded or staged for it", created)
}

// TestFaultSQLiteLoad runs 40 clients uploading small files and 20
// reading (lists, downloads, readiness) at once on SQLite: no answer may
// be a 5xx, and no statement may fail with "database is locked".
func TestFaultSQLiteLoad(t *testing.T) {
	p := startBukti(t, "BUKTI_DATA_DIR="+t.TempDir())
	a := newAPI(p.addr, "")
	facility := a.setup(t)
	content, sum := doc(4 << 10)
	an := a.upload(facility, content)
	if an.status != http.StatusCreated {
		t.Fatalf("upload: %d %v %s", an.status, an.err, an.body)
	}
	first := acknowledged(t, an, sum)
	const writers, readers = 40, 20
	uploadsEach := 5 // BUKTI_FAULT_LOAD_UPLOADS raises it to measure longer runs
	if n, err := strconv.Atoi(os.Getenv("BUKTI_FAULT_LOAD_UPLOADS")); err == nil && n > 0 {
		uploadsEach = n
	}
	var (
		mu      sync.Mutex
		byClass = map[string]int{}
		bad     []string
		written atomic.Int64
		wg      sync.WaitGroup
		done    = make(chan struct{})
	)
	record := func(kind string, an answer) {
		mu.Lock()
		defer mu.Unlock()
		class := "error"
		if an.err == nil {
			class = fmt.Sprintf("%s %dxx", kind, an.status/100)
		}
		byClass[class]++
		if an.err != nil || an.status >= 500 {
			bad = append(bad, fmt.Sprintf("%s: %d %v %s", kind, an.status, an.err, an.body))
		}
	}
	start := time.Now()
	var writersDone sync.WaitGroup
	for w := range writers {
		writersDone.Go(func() {
			for i := range uploadsEach {
				content, _ := doc(1<<10 + (w*31+i*7)%(8<<10))
				an := a.upload(facility, content)
				record("upload", an)
				if an.status == http.StatusCreated {
					written.Add(1)
				}
			}
		})
	}
	paths := []string{fmt.Sprintf("/api/v1/facilities/%d/evidence", facility), fmt.Sprintf("/api/v1/facilities/%d/readiness", facility),
		fmt.Sprintf("/api/v1/evidence/%d/content", first.id)}
	for r := range readers {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				record("read", a.do("GET", paths[(r+i)%len(paths)], nil, ""))
			}
		})
	}
	writersDone.Wait()
	took := time.Since(start)
	close(done)
	wg.Wait()
	locked := strings.Count(p.logs.String(), "database is locked")
	t.Logf("SQLite under %d writers and %d readers: %v in %.1f s (%.0f uploads/s); 5xx or no answer: %d; \"database is locked\" in the log: %d",
		writers, readers, byClass, took.Seconds(), float64(written.Load())/took.Seconds(), len(bad), locked)
	for _, b := range bad[:min(len(bad), 10)] {
		t.Error(b)
	}
	if locked > 0 {
		t.Errorf("%d \"database is locked\" in the log", locked)
	}
	if got := written.Load(); got != int64(writers*uploadsEach) {
		t.Errorf("%d of %d uploads stored", got, writers*uploadsEach)
	}
}

// trickle posts an upload whose body arrives in chunks of 1 KiB every
// pause, size bytes in all, and returns its answer.
func trickle(a *api, facility int64, size int, pause time.Duration) answer {
	content, _ := doc(size)
	pr, pw := io.Pipe()
	boundary := "bukti-trickle-boundary"
	go func() {
		head := fmt.Sprintf("--%s\r\nContent-Disposition: form-data; name=\"requirement\"\r\n\r\n2.1.2/a/R1\r\n"+
			"--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"pelan.pdf\"\r\nContent-Type: application/pdf\r\n\r\n", boundary, boundary)
		if _, err := pw.Write([]byte(head)); err != nil {
			return
		}
		for len(content) > 0 {
			n := min(1<<10, len(content))
			if _, err := pw.Write(content[:n]); err != nil {
				return
			}
			content = content[n:]
			time.Sleep(pause)
		}
		_, _ = fmt.Fprintf(pw, "\r\n--%s--\r\n", boundary)
		pw.Close()
	}()
	return a.do("POST", fmt.Sprintf("/api/v1/facilities/%d/evidence", facility), pr, "multipart/form-data; boundary="+boundary)
}

// TestFaultGracefulShutdown sends SIGTERM while two slow uploads run, with
// a five-second grace period: the one that finishes within it gets its
// 201, the one that would not is cancelled and answered 503 with
// Retry-After, its staged file removed; the process exits 0.
func TestFaultGracefulShutdown(t *testing.T) {
	dataDir := t.TempDir()
	p := startBukti(t, "BUKTI_DATA_DIR="+dataDir, "BUKTI_SHUTDOWN_GRACE=5s")
	a := newAPI(p.addr, "")
	facility := a.setup(t)
	short, long := make(chan answer, 1), make(chan answer, 1)
	go func() { short <- trickle(a, facility, 24<<10, 100*time.Millisecond) }() // about 2.5 s
	go func() { long <- trickle(a, facility, 400<<10, 100*time.Millisecond) }() // about 40 s
	time.Sleep(time.Second)
	signaled := time.Now()
	code := p.stop(syscall.SIGTERM, hangBound)
	exited := time.Since(signaled)
	if code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0\n%s", code, p.logs)
	}
	s, l := <-short, <-long
	if s.err != nil || s.status != http.StatusCreated {
		t.Errorf("upload finishing within the grace period: %d %v %s", s.status, s.err, s.body)
	}
	if l.err != nil || l.status != http.StatusServiceUnavailable || l.header.Get("Retry-After") == "" {
		t.Errorf("upload running past the grace period: %d %v %s (Retry-After %q)", l.status, l.err, l.body, l.header.Get("Retry-After"))
	}
	staged, _ := os.ReadDir(filepath.Join(dataDir, "blobs", "tmp"))
	if len(staged) != 0 {
		t.Errorf("%d staged files left after the shutdown", len(staged))
	}
	t.Logf("SIGTERM with a 5 s grace: the short upload got %d, the long one %d after %v; exit %d after %v",
		s.status, l.status, l.took.Round(time.Millisecond), code, exited.Round(time.Millisecond))
}
