package storage_test

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/storage"
)

func TestConfigValidate(t *testing.T) {
	s3 := storage.S3Config{Endpoint: "127.0.0.1:9000", Bucket: "bukti", AccessKey: "ak", SecretKey: "sk"}
	with := func(edit func(*storage.S3Config)) storage.Config {
		c := s3
		edit(&c)
		return storage.Config{S3: c}
	}
	tests := []struct {
		name string
		cfg  storage.Config
		// want lists substrings the error must contain; nil means valid.
		want []string
	}{
		{name: "filesystem", cfg: storage.Config{Dir: "/var/lib/bukti"}},
		{name: "s3", cfg: storage.Config{S3: s3}},
		{name: "s3 with ssl and region", cfg: with(func(c *storage.S3Config) { c.UseSSL, c.Region = true, "ap-southeast-3" })},
		{name: "s3 ignores dir", cfg: storage.Config{Dir: "/var/lib/bukti", S3: s3}},
		{name: "nothing configured", cfg: storage.Config{},
			want: []string{"BUKTI_DATA_DIR", "BUKTI_S3_ENDPOINT"}},
		{name: "blank dir", cfg: storage.Config{Dir: "  "},
			want: []string{"BUKTI_DATA_DIR"}},
		{name: "endpoint without bucket", cfg: with(func(c *storage.S3Config) { c.Bucket = "" }),
			want: []string{"BUKTI_S3_BUCKET is empty"}},
		{name: "endpoint without access key", cfg: with(func(c *storage.S3Config) { c.AccessKey = "" }),
			want: []string{"BUKTI_S3_ACCESS_KEY is empty"}},
		{name: "endpoint without secret key", cfg: with(func(c *storage.S3Config) { c.SecretKey = "" }),
			want: []string{"BUKTI_S3_SECRET_KEY is empty"}},
		{name: "endpoint with http scheme", cfg: with(func(c *storage.S3Config) { c.Endpoint = "http://127.0.0.1:9000" }),
			want: []string{"BUKTI_S3_ENDPOINT", `drop "http://"`, "BUKTI_S3_USE_SSL"}},
		{name: "endpoint with https scheme", cfg: with(func(c *storage.S3Config) { c.Endpoint = "https://s3.example.id" }),
			want: []string{`drop "https://"`, "BUKTI_S3_USE_SSL=true"}},
		{name: "endpoint with path", cfg: with(func(c *storage.S3Config) { c.Endpoint = "127.0.0.1:9000/bukti" }),
			want: []string{"without a path", "BUKTI_S3_BUCKET"}},
		{name: "invalid bucket name", cfg: with(func(c *storage.S3Config) { c.Bucket = "Bukti_Files" }),
			want: []string{"BUKTI_S3_BUCKET", "not a valid bucket name"}},
		{name: "endpoint alone reports every missing field", cfg: storage.Config{S3: storage.S3Config{Endpoint: "127.0.0.1:9000"}},
			want: []string{"BUKTI_S3_BUCKET is empty", "BUKTI_S3_ACCESS_KEY is empty", "BUKTI_S3_SECRET_KEY is empty"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate() = nil, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to mention %q", err, w)
				}
			}
		})
	}
}

func TestNewRejectsInvalidConfig(t *testing.T) {
	st, err := storage.New(t.Context(), storage.Config{})
	if err == nil || !strings.Contains(err.Error(), "BUKTI_DATA_DIR") {
		t.Fatalf("New(empty config) = %v, %v; want the Validate error", st, err)
	}
}

func TestNewFilesystemCreatesDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "blobs")
	st, err := storage.New(t.Context(), storage.Config{Dir: dir})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if want := "filesystem " + dir; st.Name() != want {
		t.Errorf("Name() = %q, want %q", st.Name(), want)
	}
	for _, d := range []string{dir, filepath.Join(dir, "tmp")} {
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatalf("New did not create %s: %v", d, err)
		}
		if !fi.IsDir() || fi.Mode().Perm()&^0o750 != 0 {
			t.Errorf("%s: mode %v, want a directory with at most 0750", d, fi.Mode())
		}
	}
}

func TestNewS3Unreachable(t *testing.T) {
	// A port that was just free: nothing listens there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := l.Addr().String()
	l.Close()

	start := time.Now()
	st, err := storage.New(t.Context(), storage.Config{S3: storage.S3Config{
		Endpoint: endpoint, Bucket: "bukti", AccessKey: "ak", SecretKey: "sk",
	}})
	if err == nil {
		t.Fatalf("New against %s = %v, want an error", endpoint, st.Name())
	}
	for _, w := range []string{"cannot reach S3 server", "http://" + endpoint, "BUKTI_S3_ENDPOINT"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("New error %q does not mention %q", err, w)
		}
	}
	t.Logf("New gave up after %v: %v", time.Since(start).Round(time.Millisecond), err)
}

func TestNewS3WrongCredentials(t *testing.T) {
	t.Parallel()
	env := requireS3(t)
	_, err := storage.New(t.Context(), storage.Config{S3: storage.S3Config{
		Endpoint: env.endpoint, Bucket: "bukti-test-" + randomHex(t, 8), AccessKey: env.accessKey, SecretKey: env.secretKey + "-wrong",
	}})
	if err == nil {
		t.Fatal("New with a wrong secret key succeeded, want an error")
	}
	for _, w := range []string{"refused the credentials", "BUKTI_S3_SECRET_KEY", env.endpoint} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("New error %q does not mention %q", err, w)
		}
	}
	if strings.Contains(err.Error(), env.secretKey) {
		t.Errorf("New error %q leaks the secret key", err)
	}
}
