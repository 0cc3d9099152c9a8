package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pgCluster is a private PostgreSQL cluster (initdb and pg_ctl, as
// scripts/services.sh runs the suite's), for a test that stops it; the
// suite's shared cluster is never touched.
type pgCluster struct {
	t    *testing.T
	bin  string   // PostgreSQL's bin directory
	dir  string   // cluster directory: data/, server.log, the socket
	port string   // on 127.0.0.1
	as   []string // runuser -u postgres -- when root (initdb refuses root)
}

// startPostgres creates a cluster in a new temporary directory and starts
// it on a free port. It is stopped and removed when the test ends.
func startPostgres(t *testing.T) *pgCluster {
	t.Helper()
	bin := os.Getenv("PG_BIN")
	if bin == "" {
		bin = "/usr/lib/postgresql/15/bin"
	}
	if _, err := os.Stat(filepath.Join(bin, "initdb")); err != nil {
		t.Fatalf("no PostgreSQL server at %s (set PG_BIN; scripts/test.sh installs it): %v", bin, err)
	}
	// Not t.TempDir: its parent is private to this user, and the server
	// runs as postgres when the tests run as root.
	dir, err := os.MkdirTemp("", "bukti-pg-fault-")
	if err != nil {
		t.Fatal(err)
	}
	c := &pgCluster{t: t, bin: bin, dir: dir, port: strings.TrimPrefix(freePort(t), "127.0.0.1:")}
	t.Cleanup(func() {
		_ = c.ctl("-m", "immediate", "stop")
		os.RemoveAll(dir)
	})
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chown", "postgres", dir).CombinedOutput(); err != nil {
			t.Fatalf("chown %s to postgres (scripts/services.sh creates the user): %v %s", dir, err, out)
		}
		c.as = []string{"runuser", "-u", "postgres", "--"}
	}
	if out, err := c.cmd(filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"), "-U", "bukti", "--auth=trust", "-E", "UTF8",
		"--locale=C.UTF-8").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	c.start()
	return c
}

func (c *pgCluster) cmd(name string, args ...string) *exec.Cmd {
	argv := append(append(append([]string{}, c.as...), name), args...)
	return exec.Command(argv[0], argv[1:]...)
}

// ctl runs pg_ctl on the cluster.
func (c *pgCluster) ctl(args ...string) error {
	args = append([]string{"-D", filepath.Join(c.dir, "data"), "-w", "-t", "60"}, args...)
	out, err := c.cmd(filepath.Join(c.bin, "pg_ctl"), args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl %v: %v\n%s", args, err, out)
	}
	return nil
}

// start starts the server and waits until it accepts connections.
func (c *pgCluster) start() {
	c.t.Helper()
	opts := fmt.Sprintf("-h 127.0.0.1 -p %s -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off", c.port, c.dir)
	if err := c.ctl("-l", filepath.Join(c.dir, "server.log"), "-o", opts, "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
		c.t.Fatalf("%v\n%s", err, log)
	}
}

// stop stops the server (fast: sessions are ended, the server process
// exits) and waits until it is gone.
func (c *pgCluster) stop() {
	c.t.Helper()
	if err := c.ctl("-m", "fast", "stop"); err != nil {
		c.t.Fatal(err)
	}
}

func (c *pgCluster) url() string {
	return "postgres://bukti@127.0.0.1:" + c.port + "/postgres?sslmode=disable"
}

// TestFaultPostgresStopped runs the server on a private PostgreSQL cluster
// with a three-second database timeout, then stops PostgreSQL (pg_ctl
// stop: the server process exits) while clients upload and download.
// During the outage requests answer 503 with Retry-After and /readyz names
// the database; once PostgreSQL is started again the same bukti process
// serves again, and every upload it acknowledged with 201, before, during
// or after the outage, downloads with its SHA-256.
func TestFaultPostgresStopped(t *testing.T) {
	pg := startPostgres(t)
	p := startBukti(t, "BUKTI_DATA_DIR="+t.TempDir(), "BUKTI_DATABASE_URL="+pg.url(), "BUKTI_DB_TIMEOUT=3s")
	a := newAPI(p.addr, "")
	facility := a.setup(t)
	stored := storeSome(t, a, facility, 3)
	load := startLoad(t, a, facility, stored)
	time.Sleep(300 * time.Millisecond)
	from := time.Now()
	pg.stop()
	time.Sleep(4 * time.Second)
	ready := a.do("GET", "/readyz", nil, "")
	if ready.status != http.StatusServiceUnavailable || !strings.Contains(string(ready.body), `"database":"unavailable"`) {
		t.Errorf("/readyz with PostgreSQL stopped: %d %v %s, want 503 naming the database", ready.status, ready.err, ready.body)
	}
	to := time.Now()
	pg.start()
	a.waitReady(t, http.StatusOK)
	time.Sleep(300 * time.Millisecond)
	answers := load.end()
	unavailable, longest := checkOutage(t, answers, from, to)

	attempted := len(stored)
	acked := append([]uploaded{}, stored...)
	for _, an := range answers {
		if an.sum == "" {
			continue
		}
		attempted++
		if an.err == nil && an.status == http.StatusCreated {
			acked = append(acked, acknowledged(t, an, an.sum))
		}
	}
	content, sum := doc(8 << 10)
	an := a.upload(facility, content)
	attempted++
	if an.err != nil || an.status != http.StatusCreated {
		t.Fatalf("upload after PostgreSQL came back: %d %v %s", an.status, an.err, an.body)
	}
	acked = append(acked, acknowledged(t, an, sum))
	verified := a.verify(t, acked)
	t.Logf("PostgreSQL stopped: outage of %.1f s survived, %d requests, %d answered 503, longest request begun in the outage %v; "+
		"uploads attempted %d, acknowledged %d, verified %d",
		to.Sub(from).Seconds(), len(answers), unavailable, longest.Round(time.Millisecond), attempted, len(acked), verified)
	if verified != len(acked) {
		t.Errorf("%d of %d acknowledged uploads verified", verified, len(acked))
	}
	if code := p.stop(syscall.SIGTERM, hangBound); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0", code)
	}
	if os.Getenv("BUKTI_FAULT_DEBUG") != "" {
		t.Logf("server log:\n%s", p.logs)
	}
}
