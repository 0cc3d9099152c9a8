// Command bukti is the Bukti server and its admin commands.
//
//	bukti serve      run the web server (the default)
//	bukti version    print the version
//
// Run `bukti serve -h` for every setting; each also reads a BUKTI_*
// environment variable.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	_ "time/tzdata" // BUKTI_TIMEZONE works on images without tzdata

	"github.com/bukti-id/bukti/pkg/app"
	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/db"
	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/pkg/metrics"
	"github.com/bukti-id/bukti/pkg/report"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/web"
	"github.com/bukti-id/bukti/storage"
	"github.com/bukti-id/bukti/ui"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// storeHook, when set (by tests only), wraps the blob store serve opens:
// the fault tests put a full disk behind it where they cannot mount one.
var storeHook func(storage.Store) storage.Store

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal, a second one stops the process at once
		// (the default action) instead of waiting for the grace period.
		<-ctx.Done()
		stop()
	}()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		var code exitCode
		switch {
		case errors.As(err, &code):
			os.Exit(int(code))
		case !errors.Is(err, flag.ErrHelp):
			fmt.Fprintln(os.Stderr, "bukti:", err)
		}
		os.Exit(2)
	}
}

const usage = `Bukti — accreditation evidence tracker for Puskesmas.

Usage:
  bukti serve [flags]   run the server (default when no command is given)
  bukti version         print the version

Admin commands, run on the database of BUKTI_DATABASE_URL / BUKTI_DATA_DIR:
  bukti province add -code CODE -name NAME
  bukti province list
  bukti district add -code CODE -name NAME -province CODE
  bukti district list
  bukti facility add -code CODE -name NAME -district CODE
  bukti facility list
  bukti facility import FILE.csv
  bukti user add -email EMAIL -name NAME -role ROLE [-password P] [-province CODE | -district CODE | -facility CODE]
  bukti user list
  bukti user disable EMAIL
  bukti user enable EMAIL
  bukti user reset-password EMAIL [-password P]
  bukti catalogue import FILE.xlsx|DIR [-version V] [-title T]
  bukti catalogue list
  bukti catalogue activate VERSION-ID [-confirm] [-dry-run]
  bukti catalogue export [-version-id N] [-o FILE.yaml]
  bukti report gaps [-district CODE | -province CODE] [-level bab|kriteria|ep] [-report matrix|missing|distance] [-format csv|xlsx|json] [-o FILE]
  bukti report snapshot
  bukti pack -survey ID -o FILE.zip
  bukti fsck [-repair] [-verify-content] [-grace 24h] [-json]
  bukti backup -o DIR
  bukti restore DIR
  bukti demo seed -facilities N [-seed S] [-completeness F] [-full-standard] [-force]

Run "bukti serve -h" for the settings and their BUKTI_* environment variables,
"bukti user add -h" (and so on) for an admin command's flags.
`

// run dispatches a subcommand. It returns when the command is done or ctx
// is canceled.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		cfg, err := parseConfig(args, envOr, stderr)
		if err != nil {
			return err
		}
		log := newLogger(cfg.LogFormat, stderr)
		err = serve(ctx, cfg, log, nil)
		if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
			// Stopped (SIGTERM/SIGINT) while starting: a deliberate stop
			// is not a failure.
			log.Info("stopped while starting", "err", err)
			return nil
		}
		return err
	case "province", "district", "facility", "user", "catalogue", "report", "demo":
		return runAdmin(ctx, cmd, args, envOr, stdout, stderr)
	case "pack":
		return runPack(ctx, args, envOr, stdout, stderr)
	case "fsck":
		return runFsck(ctx, args, envOr, stdout, stderr)
	case "backup":
		return runBackup(ctx, args, envOr, stdout, stderr)
	case "restore":
		return runRestore(ctx, args, envOr, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "bukti", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// serve wires the services and runs the HTTP server until ctx is canceled,
// then shuts down gracefully. When ready is not nil it receives the bound
// address once the server accepts connections.
func serve(ctx context.Context, cfg config, log *slog.Logger, ready chan<- string) error {
	gdb, err := db.Open(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return err
	}
	defer db.Close(gdb)
	st := sqlstore.New(gdb, nil)
	st.SetTimeout(cfg.DBTimeout)
	if err := sqlstore.Observe(st, metrics.DBStatement); err != nil {
		return err
	}
	cat, err := app.ActiveCatalogue(ctx, st)
	if err != nil {
		return fmt.Errorf("load the active catalogue (bukti catalogue list / activate): %w", err)
	}
	store, err := storage.New(ctx, cfg.storage())
	if err != nil {
		return err
	}
	if storeHook != nil {
		store = storeHook(store)
	}
	store = storage.Instrument(store, metrics.BlobObserver(storage.Backend(store)))
	pages, err := ui.Load()
	if err != nil {
		return err
	}
	a := app.New(st, store, cat, app.Options{TimeZone: cfg.TimeZone, MaxUploadBytes: cfg.MaxUploadBytes, Log: log,
		UI: pages, TrustProxy: cfg.TrustProxy, ScrubPeriod: cfg.ScrubPeriod})
	srv := web.New(a.WebDeps())
	if err := a.Auth.Bootstrap(ctx, cfg.AdminEmail, cfg.AdminPassword); err != nil {
		return fmt.Errorf("create the first admin from BUKTI_ADMIN_EMAIL/BUKTI_ADMIN_PASSWORD: %w", err)
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (BUKTI_ADDR): %w", cfg.Addr, err)
	}
	// Requests run on a context of their own, not ctx: a signal stops
	// accepting them, and only the end of the grace period cancels those
	// still running (with web.ErrShuttingDown, answered 503).
	reqCtx, cancelRequests := context.WithCancelCause(context.Background())
	defer cancelRequests(nil)
	var inflight atomic.Int64
	handler := srv.Handler()
	hs := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			inflight.Add(1)
			defer inflight.Add(-1)
			handler.ServeHTTP(w, r)
		}),
		BaseContext:       func(net.Listener) context.Context { return reqCtx },
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		// No overall read/write timeout: large uploads and evidence packs on
		// slow connections must be allowed to finish. A request body that
		// stalls is cut by the web server's body guard (web.DefaultBodyIdle,
		// web.DefaultMinBodyRate); the database and blob store are bounded
		// by BUKTI_DB_TIMEOUT and BUKTI_BLOB_TIMEOUT.
	}
	log.Info("bukti listening", "addr", ln.Addr().String(), "version", version, "database", db.Redact(cfg.DatabaseURL),
		"blobs", store.Name(), "catalogue", cat.ID+"@"+cat.Version, "max_upload_bytes", cfg.MaxUploadBytes,
		"db_timeout", cfg.DBTimeout.String(), "blob_timeout", cfg.BlobTimeout.String(), "shutdown_grace", cfg.ShutdownGrace.String(),
		"scrub_period", cfg.ScrubPeriod.String())
	errc := make(chan error, 2)
	ms, err := serveMetrics(cfg.MetricsAddr, log, errc)
	if err != nil {
		ln.Close()
		return err
	}
	go func() { errc <- hs.Serve(ln) }()
	go snapshotDaily(ctx, a.Reports, log)
	go every(ctx, time.Hour, pruneSessions(a.Auth, log))
	go every(ctx, time.Hour, sweepUploads(store, log))
	go every(ctx, 10*time.Minute, publishFsck(st, log))
	scrubbed := make(chan struct{})
	go func() {
		defer close(scrubbed)
		a.Integrity.Scrub(ctx, observeScrub)
	}()
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		hs.Close() // one server failed: stop the other too
		if ms != nil {
			ms.Close()
		}
		return err
	case <-ctx.Done():
	}
	shutdown(hs, ms, log, cfg, &inflight, cancelRequests)
	// The scrub stops at once (a read waiting for its turn ends with ctx),
	// records what it checked and releases its lease, all bounded.
	select {
	case <-scrubbed:
	case <-time.After(scrubStopBound):
		log.Warn("the scrub did not stop in time; its lease lapses by itself", "after", scrubStopBound.String())
	}
	return nil
}

// shutdown stops accepting requests and lets those in flight finish within
// the grace period (BUKTI_SHUTDOWN_GRACE). Then it cancels those still
// running: each ends on its canceled context (a staged upload is
// discarded, a unit of work rolled back) and is answered 503; shutdown
// waits for that up to the blob timeout, then closes what is left. A
// deliberate stop is not an error: the process exits 0.
func shutdown(hs, ms *http.Server, log *slog.Logger, cfg config, inflight *atomic.Int64, cancelRequests context.CancelCauseFunc) {
	log.Info("shutting down: finishing requests in flight", "requests", inflight.Load(), "grace", cfg.ShutdownGrace.String())
	start := time.Now()
	graceCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	if err := hs.Shutdown(graceCtx); err != nil {
		log.Warn("shutdown grace period over: cancelling the requests still running",
			"requests", inflight.Load(), "grace", cfg.ShutdownGrace.String())
		cancelRequests(web.ErrShuttingDown)
		deadline := time.Now().Add(cfg.BlobTimeout)
		for inflight.Load() > 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if n := inflight.Load(); n > 0 {
			log.Error("requests still running after being cancelled: closing their connections", "requests", n)
		}
		hs.Close()
	}
	if ms != nil {
		mctx, mcancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer mcancel()
		if err := ms.Shutdown(mctx); err != nil {
			ms.Close()
		}
	}
	log.Info("shut down", "ms", time.Since(start).Milliseconds())
}

// serveMetrics starts the server of BUKTI_METRICS_ADDR, which serves
// GET /metrics (pkg/metrics) and nothing else, apart from the site so that
// it can be kept off the public network. Its end goes to errc. With addr
// empty it starts nothing and returns nil.
func serveMetrics(addr string, log *slog.Logger, errc chan<- error) (*http.Server, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (BUKTI_METRICS_ADDR): %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler())
	ms := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10}
	log.Info("metrics listening", "addr", ln.Addr().String(), "path", "/metrics")
	go func() { errc <- ms.Serve(ln) }()
	return ms, nil
}

// warmInterval is how often, at the least, the server checks the day's
// snapshot and the score cache; it also wakes just after the first cached
// score stops being current. A check with nothing to rescore reads the
// cache only.
const warmInterval = 10 * time.Minute

// every runs fn at once and then every d, until ctx ends.
func every(ctx context.Context, d time.Duration, fn func(context.Context)) {
	tick := time.NewTicker(d)
	defer tick.Stop()
	for {
		fn(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// pruneSessions deletes expired sessions, API tokens and login throttle
// counters. Several servers may run it at once.
func pruneSessions(as *auth.Service, log *slog.Logger) func(context.Context) {
	return func(ctx context.Context) {
		n, err := as.PruneSessions(ctx)
		if ctx.Err() != nil {
			return // shutting down
		}
		metrics.JobRun("prune_sessions", err)
		if err != nil {
			log.Warn("prune expired sessions", "err", err)
		} else if n > 0 {
			log.Info("pruned expired sessions, tokens and login counters", "rows", n)
		}
	}
}

// sweepUploads removes what interrupted uploads left in the blob store
// (staged objects, incomplete multipart uploads) once older than
// integrity.DefaultGrace. Several servers may run it at once.
func sweepUploads(store storage.Store, log *slog.Logger) func(context.Context) {
	return func(ctx context.Context) {
		n, size, err := integrity.Sweep(ctx, store, time.Now().Add(-integrity.DefaultGrace))
		if ctx.Err() != nil {
			return // shutting down
		}
		metrics.JobRun("sweep_uploads", err)
		if err != nil {
			log.Warn("sweep interrupted uploads", "err", err, "removed", n)
		} else if n > 0 {
			log.Info("swept interrupted uploads", "removed", n, "bytes", size)
		}
	}
}

// snapshotDaily takes the day's score snapshot (for trend reports) when it
// is missing, checking every warmInterval until ctx ends; taking it also
// fills the score cache, so the gap reports are served warm. Otherwise it
// warms the cache: cached scores stop being current when evidence expires
// or comes within 30 days of expiring, and rescoring those few facilities
// right then keeps reports warm. Several servers may race: a snapshot
// replaces the same day's and a cache row the same facility's, so that is
// harmless.
func snapshotDaily(ctx context.Context, rs *report.Service, log *slog.Logger) {
	for {
		start := time.Now()
		if has, err := rs.HasSnapshot(ctx); err != nil {
			if ctx.Err() == nil {
				metrics.JobRun("score_snapshot", err)
			}
			log.Warn("check today's score snapshot", "err", err)
		} else if !has {
			n, err := rs.Snapshot(ctx)
			if ctx.Err() == nil {
				metrics.JobRun("score_snapshot", err)
			}
			if err != nil && ctx.Err() == nil {
				log.Error("take today's score snapshot", "err", err)
			} else if err == nil {
				log.Info("took today's score snapshot", "facilities", n, "ms", time.Since(start).Milliseconds())
			}
		} else if n, err := rs.Warm(ctx); err != nil && ctx.Err() == nil {
			metrics.JobRun("warm_scores", err)
			log.Error("warm the score cache", "err", err)
		} else if err == nil {
			metrics.JobRun("warm_scores", nil)
			if n > 0 {
				log.Info("warmed the score cache", "scored", n, "ms", time.Since(start).Milliseconds())
			}
		}
		wait := warmInterval
		if next, err := rs.NextChange(ctx); err != nil && ctx.Err() == nil {
			log.Warn("find the next change of the score cache", "err", err)
		} else if next != nil && time.Until(*next) > 0 {
			// (A row still stale after a warm-up could not be cached;
			// it must not make this loop spin.)
			wait = min(wait, time.Until(*next)+time.Second)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}
