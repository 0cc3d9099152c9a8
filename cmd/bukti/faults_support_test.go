package main

// Support for the fault tests (faults_test.go): the real bukti binary,
// built once per test binary, run as a process of its own; a private MinIO
// server; an HTTP client that records what each request got.

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/testenv"
)

const (
	faultAdmin    = "admin@puskesmas.test"
	faultPassword = "sandi-rahasia-123"
	// hangBound is how long any request or process step may take before a
	// fault test calls it a hang. Tests assert no durations tighter than
	// this.
	hangBound = 30 * time.Second
)

// binary is the bukti binary the fault tests run, built once.
var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
	os.Exit(code)
}

// buktiBinary builds ./cmd/bukti once per test binary and returns its
// path. It is built without -race even when the tests run with it: the
// race detector slows the server several times over, and the fault tests
// are about processes, not memory. BUKTI_FAULT_BINARY names another build
// to run instead, e.g. an older version to compare figures with.
func buktiBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("BUKTI_FAULT_BINARY"); p != "" {
		return p
	}
	binary.once.Do(func() {
		if binary.dir, binary.err = os.MkdirTemp("", "bukti-faults-"); binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "bukti")
		out, err := exec.Command("go", "build", "-o", binary.path, ".").CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("go build the bukti binary: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// proc is a running `bukti serve`.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	logs   *syncBuffer
	addr   string
	exited chan struct{}
	err    error // of Wait, once exited
}

// startBukti runs `bukti serve` on a free loopback port with env added to
// this process's environment and waits until it listens. The process is
// killed when the test ends.
func startBukti(t *testing.T, env ...string) *proc {
	t.Helper()
	p := &proc{t: t, logs: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(buktiBinary(t), "serve")
	p.cmd.Env = append(os.Environ(), "BUKTI_ADDR=127.0.0.1:0", "BUKTI_LOG_FORMAT=json",
		"BUKTI_ADMIN_EMAIL="+faultAdmin, "BUKTI_ADMIN_PASSWORD="+faultPassword)
	p.cmd.Env = append(p.cmd.Env, env...)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(p.kill)
	deadline := time.Now().Add(2 * hangBound)
	for p.addr == "" {
		p.addr = logValue(p.logs, "bukti listening", "addr")
		select {
		case <-p.exited:
			t.Fatalf("bukti serve exited while starting: %v\n%s", p.err, p.logs)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("bukti serve did not start\n%s", p.logs)
		}
	}
	return p
}

// kill ends the process with SIGKILL and waits for it.
func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// stop sends sig and returns the exit code, failing the test when the
// process does not exit within limit.
func (p *proc) stop(sig os.Signal, limit time.Duration) int {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(limit):
		p.t.Fatalf("bukti serve did not exit within %v of %v\n%s", limit, sig, p.logs)
	}
	return p.cmd.ProcessState.ExitCode()
}

// logValue is a string field of the first JSON log line with message msg,
// or "".
func logValue(logs *syncBuffer, msg, field string) string {
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l map[string]any
		if json.Unmarshal(sc.Bytes(), &l) == nil && l["msg"] == msg {
			v, _ := l[field].(string)
			return v
		}
	}
	return ""
}

// api talks to a bukti server as the admin.
type api struct {
	base  string
	token string
	hc    *http.Client
}

func newAPI(addr, token string) *api {
	// No connection reuse: each request is a fresh connection, so that a
	// request never inherits a connection broken by an earlier fault.
	return &api{base: "http://" + addr, token: token, hc: &http.Client{Timeout: hangBound,
		Transport: &http.Transport{DisableKeepAlives: true}}}
}

// answer is what a request got.
type answer struct {
	status int
	header http.Header
	body   []byte
	err    error // transport error: no status
	start  time.Time
	took   time.Duration
	sum    string // an upload's: the SHA-256 of the bytes sent
}

func (a *api) do(method, path string, body io.Reader, contentType string) answer {
	req, err := http.NewRequest(method, a.base+path, body)
	if err != nil {
		return answer{err: err}
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	an := answer{start: time.Now()}
	resp, err := a.hc.Do(req)
	if err == nil {
		an.status, an.header = resp.StatusCode, resp.Header
		an.body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	an.err, an.took = err, time.Since(an.start)
	return an
}

// must sends a JSON request and fails the test unless it gets status; it
// decodes the answer into out (if not nil).
func (a *api) must(t *testing.T, method, path string, body any, status int, out any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	an := a.do(method, path, r, "application/json")
	if an.err != nil || an.status != status {
		t.Fatalf("%s %s: %d %v, want %d: %s", method, path, an.status, an.err, status, an.body)
	}
	if out != nil {
		if err := json.Unmarshal(an.body, out); err != nil {
			t.Fatalf("decode %s: %v", an.body, err)
		}
	}
}

// setup signs in as the admin and creates a facility; it returns its ID.
func (a *api) setup(t *testing.T) int64 {
	t.Helper()
	var login struct{ Token string }
	a.must(t, "POST", "/api/v1/auth/login", map[string]string{"email": faultAdmin, "password": faultPassword}, http.StatusOK, &login)
	a.token = login.Token
	a.must(t, "POST", "/api/v1/provinces", map[string]string{"code": "32", "name": "Jawa Barat"}, http.StatusCreated, nil)
	a.must(t, "POST", "/api/v1/districts", map[string]string{"code": "3277", "name": "Kota Cimahi", "province": "32"}, http.StatusCreated, nil)
	var f struct{ ID int64 }
	a.must(t, "POST", "/api/v1/facilities", map[string]string{"code": "P3277010101", "name": "Puskesmas Cimahi Tengah", "district": "3277"}, http.StatusCreated, &f)
	return f.ID
}

// doc is a random PDF of about size bytes and its SHA-256.
func doc(size int) ([]byte, string) {
	b := make([]byte, max(size/2, 8))
	_, _ = rand.Read(b)
	pdf := testenv.PDF(hex.EncodeToString(b))
	sum := sha256.Sum256(pdf)
	return pdf, hex.EncodeToString(sum[:])
}

// upload posts content as evidence for 2.1.2/a/R1 of the facility.
func (a *api) upload(facility int64, content []byte) answer {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("requirement", "2.1.2/a/R1")
	w, _ := mw.CreateFormFile("file", "dokumen.pdf")
	_, _ = w.Write(content)
	_ = mw.Close()
	return a.do("POST", fmt.Sprintf("/api/v1/facilities/%d/evidence", facility), &b, mw.FormDataContentType())
}

// uploaded is an acknowledged upload: the evidence ID and the SHA-256 of
// the bytes sent.
type uploaded struct {
	id  int64
	sum string
}

// storeSome uploads n small documents to facility before a fault, each
// acknowledged with 201 and its SHA-256 checked.
func storeSome(t *testing.T, a *api, facility int64, n int) []uploaded {
	t.Helper()
	var stored []uploaded
	for range n {
		content, sum := doc(8 << 10)
		an := a.upload(facility, content)
		if an.err != nil || an.status != http.StatusCreated {
			t.Fatalf("upload: %d %v %s", an.status, an.err, an.body)
		}
		stored = append(stored, acknowledged(t, an, sum))
	}
	return stored
}

// acknowledged reads a 201's evidence ID, checking the SHA-256 the server
// reports against the bytes sent.
func acknowledged(t *testing.T, an answer, sum string) uploaded {
	t.Helper()
	var out struct {
		ID     int64
		SHA256 string
	}
	if err := json.Unmarshal(an.body, &out); err != nil || out.ID == 0 {
		t.Fatalf("201 without an evidence ID: %s", an.body)
	}
	if out.SHA256 != sum {
		t.Errorf("evidence %d: server hashed %s, client %s", out.ID, out.SHA256, sum)
	}
	return uploaded{id: out.ID, sum: sum}
}

// download fetches an evidence file and reports whether it has the
// SHA-256 of the upload.
func (a *api) download(u uploaded) (answer, bool) {
	an := a.do("GET", fmt.Sprintf("/api/v1/evidence/%d/content", u.id), nil, "")
	sum := sha256.Sum256(an.body)
	return an, an.err == nil && an.status == http.StatusOK && hex.EncodeToString(sum[:]) == u.sum
}

// verify downloads every acknowledged upload and returns how many match
// their SHA-256; it reports each one that does not.
func (a *api) verify(t *testing.T, ups []uploaded) int {
	t.Helper()
	ok := 0
	for _, u := range ups {
		an, good := a.download(u)
		if !good {
			t.Errorf("evidence %d (acknowledged with 201): download %d %v, content does not match %s", u.id, an.status, an.err, u.sum)
			continue
		}
		ok++
	}
	return ok
}

// waitReady polls /readyz until it answers want, failing after hangBound.
func (a *api) waitReady(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(hangBound)
	for {
		an := a.do("GET", "/readyz", nil, "")
		if an.err == nil && an.status == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz did not answer %d: %d %v %s", want, an.status, an.err, an.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// freePort returns a loopback address nothing listens on.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// minioServer is a private MinIO server (the binary scripts/test.sh builds
// and caches), for a test that stops it.
type minioServer struct {
	t      *testing.T
	bin    string
	dir    string
	addr   string
	cmd    *exec.Cmd
	exited chan struct{}
	logs   *syncBuffer
}

const (
	minioUser     = "bukti-fault"
	minioPassword = "bukti-fault-secret"
)

// startMinio runs a private MinIO server on a free port with its data in
// a temporary directory, and waits until it is ready.
func startMinio(t *testing.T) *minioServer {
	t.Helper()
	cache := os.Getenv("BUKTI_CACHE_DIR")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "bukti")
	}
	m := &minioServer{t: t, bin: filepath.Join(cache, "bin", "minio"), dir: t.TempDir(), addr: freePort(t)}
	if _, err := os.Stat(m.bin); err != nil {
		t.Fatalf("no MinIO server at %s: run the suite with scripts/test.sh, which builds it once: %v", m.bin, err)
	}
	m.start()
	t.Cleanup(func() {
		_ = m.cmd.Process.Signal(syscall.SIGCONT)
		_ = m.cmd.Process.Signal(syscall.SIGKILL)
		<-m.exited
	})
	return m
}

// start runs the server on m's address and data, and waits until ready.
func (m *minioServer) start() {
	m.t.Helper()
	m.logs = &syncBuffer{}
	m.exited = make(chan struct{})
	m.cmd = exec.Command(m.bin, "server", "--quiet", "--address", m.addr, "--console-address", freePort(m.t), m.dir)
	m.cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+minioUser, "MINIO_ROOT_PASSWORD="+minioPassword,
		"MINIO_BROWSER=off", "MINIO_UPDATE=off")
	m.cmd.Stdout, m.cmd.Stderr = m.logs, m.logs
	if err := m.cmd.Start(); err != nil {
		m.t.Fatal(err)
	}
	exited := m.exited
	go func() {
		_ = m.cmd.Wait()
		close(exited)
	}()
	deadline := time.Now().Add(2 * hangBound)
	for {
		resp, err := http.Get("http://" + m.addr + "/minio/health/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("MinIO did not start: %v\n%s", err, m.logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (m *minioServer) signal(sig syscall.Signal) {
	m.t.Helper()
	if err := m.cmd.Process.Signal(sig); err != nil {
		m.t.Fatal(err)
	}
}

// env is the bukti configuration that uses m.
func (m *minioServer) env() []string {
	return []string{"BUKTI_S3_ENDPOINT=" + m.addr, "BUKTI_S3_ACCESS_KEY=" + minioUser, "BUKTI_S3_SECRET_KEY=" + minioPassword,
		"BUKTI_S3_BUCKET=bukti"}
}
