package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/testenv"
)

func env(vars map[string]string) func(string, string) string {
	return func(name, def string) string {
		if v, ok := vars[name]; ok {
			return v
		}
		return def
	}
}

func TestParseConfig(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(t *testing.T, c config)
		wantErr string
	}{
		{name: "embedded defaults", check: func(t *testing.T, c config) {
			if c.Addr != ":8080" || c.DataDir != "bukti-data" || c.DatabaseURL != filepath.Join("bukti-data", "bukti.db") ||
				c.S3.Endpoint != "" || c.MaxUploadBytes != 100<<20 || c.storage().Dir != filepath.Join("bukti-data", "blobs") ||
				c.TimeZone.String() != "Asia/Jakarta" {
				t.Errorf("defaults = %+v", c)
			}
		}},
		{name: "environment", env: map[string]string{"BUKTI_ADDR": "127.0.0.1:9000", "BUKTI_DATA_DIR": "/srv/bukti", "BUKTI_MAX_UPLOAD_BYTES": "1048576",
			"BUKTI_S3_ENDPOINT": "minio:9000", "BUKTI_S3_ACCESS_KEY": "ak", "BUKTI_S3_SECRET_KEY": "sk-secret", "BUKTI_S3_USE_SSL": "true"},
			check: func(t *testing.T, c config) {
				if c.Addr != "127.0.0.1:9000" || c.DatabaseURL != "/srv/bukti/bukti.db" || c.MaxUploadBytes != 1<<20 ||
					c.S3.Endpoint != "minio:9000" || !c.S3.UseSSL || c.S3.Bucket != "bukti" {
					t.Errorf("from env = %+v", c)
				}
			}},
		{name: "flags beat environment", args: []string{"-addr", ":7000", "-database-url", "postgres://u:p@db/bukti"}, env: map[string]string{"BUKTI_ADDR": ":9000"},
			check: func(t *testing.T, c config) {
				if c.Addr != ":7000" || c.DatabaseURL != "postgres://u:p@db/bukti" {
					t.Errorf("flags = %+v", c)
				}
			}},
		{name: "s3 endpoint without keys", env: map[string]string{"BUKTI_S3_ENDPOINT": "minio:9000"}, wantErr: "BUKTI_S3_ACCESS_KEY"},
		{name: "s3 endpoint with scheme", env: map[string]string{"BUKTI_S3_ENDPOINT": "http://minio:9000", "BUKTI_S3_ACCESS_KEY": "a", "BUKTI_S3_SECRET_KEY": "b"}, wantErr: "BUKTI_S3_USE_SSL"},
		{name: "use ssl not a bool", env: map[string]string{"BUKTI_S3_USE_SSL": "ya"}, wantErr: "BUKTI_S3_USE_SSL"},
		{name: "upload limit not a number", env: map[string]string{"BUKTI_MAX_UPLOAD_BYTES": "100MB"}, wantErr: "BUKTI_MAX_UPLOAD_BYTES"},
		{name: "upload limit zero", args: []string{"-max-upload-bytes", "0"}, wantErr: "BUKTI_MAX_UPLOAD_BYTES"},
		{name: "empty data dir", env: map[string]string{"BUKTI_DATA_DIR": ""}, wantErr: "BUKTI_DATA_DIR"},
		{name: "bad time zone", env: map[string]string{"BUKTI_TIMEZONE": "Jakarta"}, wantErr: "BUKTI_TIMEZONE"},
		{name: "bad log format", args: []string{"-log-format", "xml"}, wantErr: "BUKTI_LOG_FORMAT"},
		{name: "bounds by default", check: func(t *testing.T, c config) {
			if c.DBTimeout != 15*time.Second || c.BlobTimeout != time.Minute || c.MinFreeBytes != 1<<30 || c.ShutdownGrace != 10*time.Minute ||
				c.storage().Timeout != time.Minute || c.storage().MinFreeBytes != 1<<30 {
				t.Errorf("bounds = %v %v %v %v", c.DBTimeout, c.BlobTimeout, c.MinFreeBytes, c.ShutdownGrace)
			}
		}},
		{name: "bounds from environment", env: map[string]string{"BUKTI_DB_TIMEOUT": "5s", "BUKTI_BLOB_TIMEOUT": "90s",
			"BUKTI_MIN_FREE_BYTES": "0", "BUKTI_SHUTDOWN_GRACE": "30m"}, check: func(t *testing.T, c config) {
			if c.DBTimeout != 5*time.Second || c.BlobTimeout != 90*time.Second || c.MinFreeBytes != 0 || c.ShutdownGrace != 30*time.Minute {
				t.Errorf("bounds = %v %v %v %v", c.DBTimeout, c.BlobTimeout, c.MinFreeBytes, c.ShutdownGrace)
			}
		}},
		{name: "db timeout not a duration", env: map[string]string{"BUKTI_DB_TIMEOUT": "15"}, wantErr: "BUKTI_DB_TIMEOUT"},
		{name: "blob timeout zero", args: []string{"-blob-timeout", "0s"}, wantErr: "BUKTI_BLOB_TIMEOUT"},
		{name: "grace negative", args: []string{"-shutdown-grace", "-1m"}, wantErr: "BUKTI_SHUTDOWN_GRACE"},
		{name: "min free negative", env: map[string]string{"BUKTI_MIN_FREE_BYTES": "-1"}, wantErr: "BUKTI_MIN_FREE_BYTES"},
		{name: "scrub once a month by default", check: func(t *testing.T, c config) {
			if c.ScrubPeriod != 30*24*time.Hour {
				t.Errorf("scrub period = %v, want 720h", c.ScrubPeriod)
			}
		}},
		{name: "scrub off", env: map[string]string{"BUKTI_SCRUB_PERIOD": "0"}, check: func(t *testing.T, c config) {
			if c.ScrubPeriod != 0 {
				t.Errorf("scrub period = %v, want 0 (off)", c.ScrubPeriod)
			}
		}},
		{name: "scrub period from a flag", args: []string{"-scrub-period", "168h"}, check: func(t *testing.T, c config) {
			if c.ScrubPeriod != 7*24*time.Hour {
				t.Errorf("scrub period = %v, want 168h", c.ScrubPeriod)
			}
		}},
		{name: "scrub period negative", args: []string{"-scrub-period", "-1h"}, wantErr: "BUKTI_SCRUB_PERIOD"},
		{name: "scrub period in days", env: map[string]string{"BUKTI_SCRUB_PERIOD": "30d"}, wantErr: "BUKTI_SCRUB_PERIOD"},
		{name: "unknown flag", args: []string{"-port", "80"}, wantErr: "flag provided but not defined"},
		{name: "stray argument", args: []string{"extra"}, wantErr: "unexpected argument"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseConfig(tc.args, env(tc.env), io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

func TestRunCommands(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantOut string
		wantErr string
	}{
		{"version", []string{"version"}, "bukti dev", ""},
		{"help", []string{"help"}, "bukti serve", ""},
		{"unknown command", []string{"tanam"}, "", `unknown command "tanam"`},
		{"bad serve config", []string{"serve", "-max-upload-bytes", "-1"}, "", "BUKTI_MAX_UPLOAD_BYTES"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tc.args, &out, &errOut)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			if !strings.Contains(out.String(), tc.wantOut) {
				t.Errorf("stdout %q lacks %q", out.String(), tc.wantOut)
			}
		})
	}
}

// TestServe starts the real server on each database and store, signs in as
// the bootstrap admin, checks the health endpoint, restarts it on the same
// data (no second admin, same data), and shuts it down by canceling its
// context as SIGTERM does.
func TestServe(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			cfg, err := parseConfig([]string{"-addr", "127.0.0.1:0", "-data-dir", t.TempDir(),
				"-admin-email", "mutu@puskesmas.test", "-admin-password", "sandi-rahasia-123"}, env(nil), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			cfg.DatabaseURL = testenv.DatabaseURL(t, combo.DB)
			if combo.Store == "s3" {
				cfg.S3 = testenv.StoreConfig(t, "s3").S3
			}
			for round := 1; round <= 2; round++ {
				if round == 2 && combo.Store == "filesystem" {
					leaveDebris(t, filepath.Join(cfg.DataDir, "blobs", "tmp"))
				}
				var logs syncBuffer
				ctx, cancel := context.WithCancel(context.Background())
				ready := make(chan string, 1)
				done := make(chan error, 1)
				go func() { done <- serve(ctx, cfg, newLogger("json", &logs), ready) }()
				var addr string
				select {
				case addr = <-ready:
				case err := <-done:
					t.Fatalf("round %d: serve returned early: %v\n%s", round, err, logs.String())
				case <-time.After(30 * time.Second):
					t.Fatal("server did not start")
				}
				if round == 2 && combo.Store == "filesystem" {
					// Round 1 staged nothing that stays; a day-old staged
					// file is what a server killed during an upload leaves.
					waitSwept(t, filepath.Join(cfg.DataDir, "blobs", "tmp"), &logs)
				}
				resp, err := http.Get("http://" + addr + "/healthz")
				if err != nil || resp.StatusCode != http.StatusOK {
					t.Fatalf("round %d healthz: %v %v", round, err, resp)
				}
				resp.Body.Close()
				body, _ := json.Marshal(map[string]string{"email": "mutu@puskesmas.test", "password": "sandi-rahasia-123"})
				resp, err = http.Post("http://"+addr+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
				if err != nil || resp.StatusCode != http.StatusOK {
					b, _ := io.ReadAll(resp.Body)
					t.Fatalf("round %d login: %v %s", round, err, b)
				}
				resp.Body.Close()
				cancel()
				if err := <-done; err != nil {
					t.Fatalf("round %d shutdown: %v", round, err)
				}
				if strings.Contains(logs.String(), "sandi-rahasia-123") {
					t.Error("the configured admin password appears in the logs")
				}
				created := strings.Count(logs.String(), "created first admin")
				if want := map[int]int{1: 1, 2: 0}[round]; created != want {
					t.Errorf("round %d: %d 'created first admin' log lines, want %d", round, created, want)
				}
			}
		})
	}
}

// TestServeGeneratedPassword checks that an empty admin password is
// generated, logged once, and works.
func TestServeGeneratedPassword(t *testing.T) {
	cfg, err := parseConfig([]string{"-addr", "127.0.0.1:0", "-data-dir", t.TempDir()}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, newLogger("json", &logs), ready) }()
	addr := <-ready
	var line struct{ Email, Password string }
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "generated password") {
			if err := json.Unmarshal([]byte(l), &line); err != nil {
				t.Fatal(err)
			}
		}
	}
	if line.Email != "admin@bukti.local" || len(line.Password) < 16 {
		t.Fatalf("generated admin log line = %+v\n%s", line, logs.String())
	}
	body, _ := json.Marshal(map[string]string{"email": line.Email, "password": line.Password})
	resp, err := http.Post("http://"+addr+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("login with generated password: %v %v", err, resp)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestServeRefusesUnreachableServices checks that a bad database or S3
// setting stops the start with a message naming it.
func TestServeRefusesUnreachableServices(t *testing.T) {
	cases := []struct {
		name    string
		mutate  func(*config)
		wantErr string
	}{
		{"postgres down", func(c *config) {
			c.DatabaseURL = "postgres://bukti:x@127.0.0.1:1/bukti?sslmode=disable&connect_timeout=2"
		}, "cannot reach"},
		{"s3 down", func(c *config) {
			c.S3 = testenv.StoreConfig(t, "s3").S3
			c.S3.Endpoint = "127.0.0.1:1"
		}, "127.0.0.1:1"},
		{"address in use", func(c *config) { c.Addr = "127.0.0.1:-1" }, "BUKTI_ADDR"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parseConfig([]string{"-data-dir", t.TempDir(), "-admin-password", "sandi-rahasia-123"}, env(nil), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			tc.mutate(&cfg)
			err = serve(context.Background(), cfg, newLogger("text", io.Discard), nil)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), ":x@") {
				t.Errorf("error leaks the database password: %v", err)
			}
		})
	}
}

// syncBuffer is a log sink the server's goroutines (requests, the daily
// snapshot) may write while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// leaveDebris writes a staged file a day and a half old into dir.
func leaveDebris(t *testing.T, dir string) {
	t.Helper()
	p := filepath.Join(dir, "0123456789abcdef0123456789abcdef")
	if err := os.WriteFile(p, []byte("half an upload"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-36 * time.Hour)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
}

// waitSwept waits until the server has swept dir empty and logged it.
func waitSwept(t *testing.T, dir string, logs *syncBuffer) {
	t.Helper()
	for range 100 {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) == 0 && strings.Contains(logs.String(), "swept interrupted uploads") {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the server did not sweep the staged file of an interrupted upload from %s\n%s", dir, logs.String())
}
