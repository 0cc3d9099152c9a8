// Package db opens Bukti's metadata database and keeps its schema current.
//
// The embedded default is a SQLite file (WAL, synchronous=FULL so that a
// commit survives a power cut, foreign keys on); a
// "postgres://" or "postgresql://" URL selects PostgreSQL for deployments
// with several app servers. Migrations run at Open, in order, each once, in
// its own transaction, and are recorded in schema_migrations; on
// PostgreSQL an advisory lock keeps app servers starting together from
// running them twice.
//
// # Frozen migrations
//
// A migration is fixed SQL, one file per database, embedded from
// migrations/: NNNN_what_it_does.sqlite.sql and
// NNNN_what_it_does.postgres.sql (schema_migrations records the words of
// the name). Statements end with a semicolon at the end of a line; lines
// starting with "--" are comments. A migration never refers to the structs
// of pkg/bukti, so changing a struct changes no migration, and a database
// created today gets the same schema as one migrated step by step since
// migration 1. Where SQL alone cannot say what a migration does on both
// databases, a Go step in goSteps (migrate.go) runs first, as frozen as
// the files: table and column names and SQL text, never a bukti struct.
//
// A released migration is never edited, renamed or removed. To change the
// schema, say when a struct of pkg/bukti gains a field:
//
//  1. Change the struct (a new model struct also goes into models in
//     schema_test.go).
//  2. Add the next migration, both files, e.g.
//     migrations/0006_survey_notes.sqlite.sql and
//     migrations/0006_survey_notes.postgres.sql, with the statements that
//     make the change and any statements that move data. Write what gorm's
//     AutoMigrate would create for the struct, names included (indexes
//     idx_<table>_<column>, foreign keys fk_<table>_<field>): on a scratch
//     database, AutoMigrate the struct with the logger at Info level and
//     copy its CREATE, ALTER and INDEX statements. On SQLite, ALTER TABLE
//     ADD a NOT NULL column only with a DEFAULT; anything more needs a new
//     table, a copy and a rename.
//  3. Run scripts/test.sh ./pkg/db/. TestSchemaMatchesStructs compares a
//     freshly migrated database with what AutoMigrate makes of the live
//     structs, on SQLite and PostgreSQL, and names the migration to add
//     while they differ; TestUpgrade upgrades databases of earlier versions
//     (testdata/) and compares them with a fresh one.
//  4. Once released, add the migration to released in
//     migrate_internal_test.go with empty hashes;
//     TestReleasedMigrationsUnchanged prints the ones to fill in and from
//     then on fails on any edit of its statements. A release's schema may
//     also become a TestUpgrade case: dump a database it created into
//     testdata/ as the files there say.
package db

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// IsPostgres reports whether url selects the PostgreSQL driver.
func IsPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// Open connects to url (a SQLite file path, or a PostgreSQL URL), applies
// pending migrations and returns the handle. The SQLite file's directory is
// created when missing.
func Open(ctx context.Context, url string, log *slog.Logger) (*gorm.DB, error) {
	gdb, err := open(ctx, url, log)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, gdb); err != nil {
		_ = Close(gdb)
		return nil, err
	}
	return gdb, nil
}

// OpenRaw connects without migrating and without logging, for tools that
// manage databases (such as tests creating one).
func OpenRaw(ctx context.Context, url string) (*gorm.DB, error) {
	return open(ctx, url, slog.New(slog.DiscardHandler))
}

func open(ctx context.Context, url string, log *slog.Logger) (*gorm.DB, error) {
	if url == "" {
		return nil, fmt.Errorf("database: no database URL: set BUKTI_DATABASE_URL to a SQLite file path or a postgres:// URL")
	}
	cfg := &gorm.Config{
		Logger:         Logger(log),
		NowFunc:        func() time.Time { return time.Now().UTC() },
		TranslateError: true, // unique violations become gorm.ErrDuplicatedKey on both drivers
	}
	var dialector gorm.Dialector
	if IsPostgres(url) {
		dialector = postgres.Open(url)
	} else {
		if err := os.MkdirAll(filepath.Dir(url), 0o750); err != nil {
			return nil, fmt.Errorf("database: create directory for %s: %w", url, err)
		}
		dialector = sqlite.Open(sqliteDSN(url))
	}
	gdb, err := gorm.Open(dialector, cfg)
	if err != nil {
		return nil, fmt.Errorf("database: cannot reach %s (check BUKTI_DATABASE_URL): %w", Redact(url), err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, err
	}
	if IsPostgres(url) {
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	// Keep the connections a busy server uses open between requests
	// (database/sql keeps 2 by default): opening one costs far more than
	// the reads of a request (SQLite applies its pragmas, PostgreSQL
	// starts a backend), and under concurrent requests the default closed
	// and reopened them all the time.
	sqlDB.SetMaxIdleConns(maxIdleConns)
	if err := sqlDB.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("database: cannot reach %s (check BUKTI_DATABASE_URL): %w", Redact(url), err)
	}
	return gdb, nil
}

// maxIdleConns is how many idle connections the pool keeps open.
const maxIdleConns = 20

// sqliteDSN adds the pragmas Bukti relies on to a SQLite file path.
func sqliteDSN(path string) string {
	q := strings.Join([]string{
		"_foreign_keys=on",  // enforce REFERENCES: a revision cannot outlive its evidence
		"_journal_mode=WAL", // readers do not block the writer
		// FULL syncs the WAL at every commit: a write Bukti acknowledged
		// (a 201 for an upload) survives a power cut. NORMAL syncs only at
		// checkpoints and may lose the last commits, though never corrupt.
		"_synchronous=FULL",
		// Wait for the writer lock instead of failing with SQLITE_BUSY. In
		// the server, units already queue for their turn (sqlstore.Run);
		// this covers other processes (admin commands, fsck, backup) and
		// checkpoints.
		"_busy_timeout=10000",
		"_txlock=immediate", // take the write lock at BEGIN: no deadlock upgrading read → write
	}, "&")
	return "file:" + path + "?" + q
}

// Redact hides the password of a PostgreSQL URL for logs and errors.
func Redact(url string) string {
	if !IsPostgres(url) {
		return url
	}
	scheme, rest, _ := strings.Cut(url, "://")
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return url
	}
	user, _, _ := strings.Cut(rest[:at], ":")
	return scheme + "://" + user + ":***@" + rest[at+1:]
}

// Close closes the underlying connection pool.
func Close(gdb *gorm.DB) error {
	sqlDB, err := gdb.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Logger is the statement logger Open gives a handle: slow statements and
// failures, to log, except those quietLogger leaves out.
func Logger(log *slog.Logger) logger.Interface {
	return quietLogger{logger.NewSlogLogger(log, logger.Config{
		SlowThreshold: 500 * time.Millisecond, LogLevel: logger.Warn, IgnoreRecordNotFoundError: true})}
}

// quietLogger logs slow and failed statements, except failures the
// application expects and answers itself (a duplicate code is a 409, not an
// operator's concern).
type quietLogger struct{ logger.Interface }

func (l quietLogger) LogMode(level logger.LogLevel) logger.Interface {
	return quietLogger{l.Interface.LogMode(level)}
}

func (l quietLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if errors.Is(err, gorm.ErrDuplicatedKey) || errors.Is(err, gorm.ErrForeignKeyViolated) {
		err = nil
	}
	l.Interface.Trace(ctx, begin, fc, err)
}
