package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/storage"
)

// config is everything `bukti serve` can be told. Each setting comes from a
// flag, else its BUKTI_* environment variable, else the embedded default.
type config struct {
	Addr           string
	DataDir        string
	DatabaseURL    string // SQLite path or postgres:// URL; default <DataDir>/bukti.db
	S3             storage.S3Config
	MaxUploadBytes int64
	AdminEmail     string
	AdminPassword  string
	LogFormat      string         // text or json
	TimeZone       *time.Location // whose calendar decides when evidence expires
	TrustProxy     bool           // client IP from X-Forwarded-For
	MetricsAddr    string         // listen address of the /metrics server; empty: none
	DBTimeout      time.Duration  // bound of every database statement and unit of work
	BlobTimeout    time.Duration  // bound of every blob store operation but streaming
	MinFreeBytes   int64          // /readyz fails and uploads are refused below this free space (filesystem store)
	ShutdownGrace  time.Duration  // how long requests in flight may finish after SIGTERM
	ScrubPeriod    time.Duration  // how often the scrub re-reads the whole blob store; 0: off
}

// Defaults of the settings that bound waiting.
const (
	defaultDBTimeout     = 15 * time.Second
	defaultMinFreeBytes  = 1 << 30
	defaultShutdownGrace = 10 * time.Minute
)

// envOr returns the environment variable's value, or def when unset.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// parseConfig reads flags (args, without the subcommand) over environment
// over defaults, and validates the result. Flag errors and -h print the
// usage to usageOut.
func parseConfig(args []string, getenv func(string, string) string, usageOut io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(usageOut)
	fs.StringVar(&c.Addr, "addr", getenv("BUKTI_ADDR", ":8080"), "listen address (BUKTI_ADDR)")
	dbf := addDBFlags(fs, getenv)
	sf := addStoreFlags(fs, getenv)
	maxUpload := fs.String("max-upload-bytes", getenv("BUKTI_MAX_UPLOAD_BYTES", strconv.Itoa(evidence.DefaultMaxBytes)), "largest accepted file in bytes (BUKTI_MAX_UPLOAD_BYTES)")
	fs.StringVar(&c.AdminEmail, "admin-email", getenv("BUKTI_ADMIN_EMAIL", "admin@bukti.local"), "email of the first admin, created on an empty database (BUKTI_ADMIN_EMAIL)")
	fs.StringVar(&c.AdminPassword, "admin-password", getenv("BUKTI_ADMIN_PASSWORD", ""), "password of the first admin; empty generates one and logs it once (BUKTI_ADMIN_PASSWORD)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", getenv("BUKTI_METRICS_ADDR", ""), "listen address of a second HTTP server serving Prometheus metrics at /metrics, and nothing else, e.g. 127.0.0.1:9090; keep it off the public network. Empty (the default): no metrics served. The main site never serves /metrics (BUKTI_METRICS_ADDR)")
	fs.StringVar(&c.LogFormat, "log-format", getenv("BUKTI_LOG_FORMAT", "text"), "log format: text or json (BUKTI_LOG_FORMAT)")
	trustProxy := fs.String("trust-proxy", getenv("BUKTI_TRUST_PROXY", "false"), "behind a reverse proxy that sets X-Forwarded-For: true or false (BUKTI_TRUST_PROXY)")
	tz := fs.String("timezone", getenv("BUKTI_TIMEZONE", "Asia/Jakarta"), "time zone whose date decides when evidence expires (BUKTI_TIMEZONE)")
	dbTimeout := fs.String("db-timeout", getenv("BUKTI_DB_TIMEOUT", defaultDBTimeout.String()),
		"longest a database statement or unit of work may take, waiting for SQLite's writer turn included; past it the request answers 503 with Retry-After (BUKTI_DB_TIMEOUT)")
	blobTimeout := fs.String("blob-timeout", getenv("BUKTI_BLOB_TIMEOUT", storage.DefaultTimeout.String()),
		"longest a blob store operation may take (commit, open, delete, …; S3 also: dial, response headers, any pause of a connection); streaming a file's bytes is not bounded by it. Past it the request answers 503 with Retry-After (BUKTI_BLOB_TIMEOUT)")
	minFree := fs.String("min-free-bytes", getenv("BUKTI_MIN_FREE_BYTES", strconv.Itoa(defaultMinFreeBytes)),
		"filesystem store: when less space than this is free, /readyz answers 503 and uploads are refused with 507 before their body is read; 0 disables the check (BUKTI_MIN_FREE_BYTES)")
	grace := fs.String("shutdown-grace", getenv("BUKTI_SHUTDOWN_GRACE", defaultShutdownGrace.String()),
		"after SIGTERM/SIGINT, how long requests in flight may finish (a 100 MiB upload on a slow link); those still running then are cancelled, answered 503 and their staged files removed (BUKTI_SHUTDOWN_GRACE)")
	scrub := fs.String("scrub-period", getenv("BUKTI_SCRUB_PERIOD", integrity.DefaultScrubPeriod.String()),
		"the background scrub re-reads every stored evidence file and checks its SHA-256 once per this period (at least 256 KiB/s, at most 16 MiB/s), one server at a time; damage shows on /admin/integrity. 0 turns it off (BUKTI_SCRUB_PERIOD)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q: settings are flags such as -addr :8080", fs.Arg(0))
	}
	var errs []error
	var err error
	c.DataDir = dbf.dataDir
	if c.DatabaseURL, err = dbf.url(); err != nil {
		errs = append(errs, err)
	}
	if c.S3, err = sf.s3(); err != nil {
		errs = append(errs, err)
	}
	if c.TrustProxy, err = strconv.ParseBool(*trustProxy); err != nil {
		errs = append(errs, fmt.Errorf("BUKTI_TRUST_PROXY / -trust-proxy must be true or false, got %q", *trustProxy))
	}
	if c.MaxUploadBytes, err = strconv.ParseInt(*maxUpload, 10, 64); err != nil || c.MaxUploadBytes <= 0 {
		errs = append(errs, fmt.Errorf("BUKTI_MAX_UPLOAD_BYTES / -max-upload-bytes must be a positive number of bytes, got %q", *maxUpload))
	}
	if strings.TrimSpace(c.DataDir) == "" && c.DatabaseURL != "" {
		errs = append(errs, errors.New("BUKTI_DATA_DIR / -data-dir must not be empty"))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("BUKTI_LOG_FORMAT / -log-format must be text or json, got %q", c.LogFormat))
	}
	if c.MetricsAddr != "" && c.MetricsAddr == c.Addr && !strings.HasSuffix(c.Addr, ":0") {
		errs = append(errs, fmt.Errorf("BUKTI_METRICS_ADDR / -metrics-addr must differ from BUKTI_ADDR (%s): metrics are served apart from the site", c.Addr))
	}
	if c.TimeZone, err = loadTimeZone(*tz); err != nil {
		errs = append(errs, err)
	}
	for _, d := range []struct {
		dst        *time.Duration
		v, env, fl string
	}{
		{&c.DBTimeout, *dbTimeout, "BUKTI_DB_TIMEOUT", "-db-timeout"},
		{&c.BlobTimeout, *blobTimeout, "BUKTI_BLOB_TIMEOUT", "-blob-timeout"},
		{&c.ShutdownGrace, *grace, "BUKTI_SHUTDOWN_GRACE", "-shutdown-grace"},
	} {
		if *d.dst, err = time.ParseDuration(d.v); err != nil || *d.dst <= 0 {
			errs = append(errs, fmt.Errorf("%s / %s must be a positive duration such as 15s or 10m, got %q", d.env, d.fl, d.v))
		}
	}
	if c.ScrubPeriod, err = time.ParseDuration(*scrub); err != nil || c.ScrubPeriod < 0 {
		errs = append(errs, fmt.Errorf("BUKTI_SCRUB_PERIOD / -scrub-period must be a duration such as 720h (30 days), or 0 to turn the scrub off, got %q", *scrub))
	}
	if c.MinFreeBytes, err = strconv.ParseInt(*minFree, 10, 64); err != nil || c.MinFreeBytes < 0 {
		errs = append(errs, fmt.Errorf("BUKTI_MIN_FREE_BYTES / -min-free-bytes must be a number of bytes (0 or more), got %q", *minFree))
	}
	if err := c.storage().Validate(); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// storage is the blob store configuration: S3 when an endpoint is set,
// <DataDir>/blobs otherwise.
func (c config) storage() storage.Config {
	return storage.Config{Dir: filepath.Join(c.DataDir, "blobs"), S3: c.S3, Timeout: c.BlobTimeout, MinFreeBytes: c.MinFreeBytes}
}

// loadTimeZone reads the time zone whose calendar decides when evidence
// expires (BUKTI_TIMEZONE / -timezone).
func loadTimeZone(name string) (*time.Location, error) {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("BUKTI_TIMEZONE / -timezone %q is not a time zone (e.g. Asia/Jakarta, Asia/Makassar, Asia/Jayapura)", name)
	}
	return loc, nil
}

// storeFlags select the blob store: S3 when an endpoint is given, else
// the filesystem under <data-dir>/blobs.
type storeFlags struct {
	cfg    storage.S3Config
	useSSL string
}

// addStoreFlags registers the -s3-* flags on fs.
func addStoreFlags(fs *flag.FlagSet, getenv func(string, string) string) *storeFlags {
	f := &storeFlags{}
	fs.StringVar(&f.cfg.Endpoint, "s3-endpoint", getenv("BUKTI_S3_ENDPOINT", ""), "S3 host[:port]; empty keeps blobs on the filesystem (BUKTI_S3_ENDPOINT)")
	fs.StringVar(&f.cfg.Bucket, "s3-bucket", getenv("BUKTI_S3_BUCKET", "bukti"), "S3 bucket, created if missing (BUKTI_S3_BUCKET)")
	fs.StringVar(&f.cfg.AccessKey, "s3-access-key", getenv("BUKTI_S3_ACCESS_KEY", ""), "S3 access key (BUKTI_S3_ACCESS_KEY)")
	fs.StringVar(&f.cfg.SecretKey, "s3-secret-key", getenv("BUKTI_S3_SECRET_KEY", ""), "S3 secret key (BUKTI_S3_SECRET_KEY)")
	fs.StringVar(&f.cfg.Region, "s3-region", getenv("BUKTI_S3_REGION", ""), "S3 region (BUKTI_S3_REGION)")
	fs.StringVar(&f.useSSL, "s3-use-ssl", getenv("BUKTI_S3_USE_SSL", "false"), "use https for S3: true or false (BUKTI_S3_USE_SSL)")
	return f
}

// s3 is the S3 configuration the flags give.
func (f *storeFlags) s3() (storage.S3Config, error) {
	c := f.cfg
	var err error
	if c.UseSSL, err = strconv.ParseBool(f.useSSL); err != nil {
		return c, fmt.Errorf("BUKTI_S3_USE_SSL / -s3-use-ssl must be true or false, got %q", f.useSSL)
	}
	return c, nil
}

// dbFlags are where serve and the admin commands find the database:
// -data-dir and -database-url, with their environment variables and the
// default <data-dir>/bukti.db.
type dbFlags struct {
	dataDir     string
	databaseURL string
}

// addDBFlags registers -data-dir and -database-url on fs.
func addDBFlags(fs *flag.FlagSet, getenv func(string, string) string) *dbFlags {
	f := &dbFlags{}
	fs.StringVar(&f.dataDir, "data-dir", getenv("BUKTI_DATA_DIR", "bukti-data"), "directory for the SQLite file and the filesystem blob store (BUKTI_DATA_DIR)")
	fs.StringVar(&f.databaseURL, "database-url", getenv("BUKTI_DATABASE_URL", ""), "SQLite file path or postgres:// URL; default <data-dir>/bukti.db (BUKTI_DATABASE_URL)")
	return f
}

// url is the database to open.
func (f *dbFlags) url() (string, error) {
	if f.databaseURL != "" {
		return f.databaseURL, nil
	}
	if strings.TrimSpace(f.dataDir) == "" {
		return "", errors.New("BUKTI_DATA_DIR / -data-dir must not be empty")
	}
	return filepath.Join(f.dataDir, "bukti.db"), nil
}
