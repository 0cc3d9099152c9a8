package testenv

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/db"
)

// Nearly every test wants a migrated database of its own, and a copy of a
// migrated database is several times faster to make than a new database
// migrated step by step (measured under -race: PostgreSQL about 0.2 s
// against 0.6 s, SQLite 5 ms against 20 ms). So each test binary migrates
// one template per kind, the first time a test asks for one, and every
// test gets a copy: PostgreSQL's CREATE DATABASE … TEMPLATE, and for SQLite
// the bytes of a migrated file written to the test's new file. A template is built by the test binary's own
// pkg/db, so it always has exactly the migrations of the code under test:
// change a migration and the next run builds its templates anew.
//
// PostgreSQL templates are named bukti_template_<random>, one per test
// binary, and outlive it (a test binary has no hook at exit): the suite's
// throwaway cluster (scripts/test.sh) takes them with it. On a cluster that
// lives on, a test binary drops the templates of binaries that have ended
// before it builds its own; each binary marks its template in use with a
// shared advisory lock held on a session of its own until it exits, so that
// concurrent test binaries (go test runs packages in parallel) never drop
// each other's. Nobody connects to a template once it is built
// (ALLOW_CONNECTIONS false), because PostgreSQL refuses to copy a database
// another session is connected to.

// templateLockSpace is the first key of the advisory locks that mark
// templates in use (the second is a hash of the template's name); "bukt".
const templateLockSpace = 0x62756b74

// pgServer is what a test binary keeps of one PostgreSQL server: an admin
// pool shared by every test, and the template.
type pgServer struct {
	admin string   // the admin URL (BUKTI_TEST_POSTGRES_URL)
	db    *gorm.DB // admin pool, open until the binary exits
	// strategy selects the copy: FILE_COPY copies the files and is several
	// times faster than PostgreSQL 15's default of copying the template
	// through the WAL, for databases as small as a test's.
	strategy string

	once     sync.Once
	template string    // name of the migrated template
	lock     *sql.Conn // holds the advisory lock that marks template in use
	err      error
}

var (
	pgServersMu sync.Mutex
	pgServers   = map[string]*pgServer{}
)

// postgresServer returns the server of BUKTI_TEST_POSTGRES_URL, connecting
// once per test binary.
func postgresServer(tb testing.TB) *pgServer {
	tb.Helper()
	admin := Require(tb, PostgresURL)
	pgServersMu.Lock()
	defer pgServersMu.Unlock()
	if s := pgServers[admin]; s != nil {
		return s
	}
	ctx := context.Background()
	adb, err := db.OpenRaw(ctx, admin)
	if err != nil {
		tb.Fatalf("connect to %s: %v", PostgresURL, err)
	}
	var version int
	if err := adb.Raw("SELECT current_setting('server_version_num')::int").Scan(&version).Error; err != nil {
		db.Close(adb)
		tb.Fatalf("connect to %s: %v", PostgresURL, err)
	}
	s := &pgServer{admin: admin, db: adb}
	if version >= 150000 {
		s.strategy = " STRATEGY FILE_COPY"
	}
	pgServers[admin] = s
	return s
}

// url is the URL of the database name on the server.
func (s *pgServer) url(tb testing.TB, name string) string {
	tb.Helper()
	u, err := url.Parse(s.admin)
	if err != nil {
		tb.Fatalf("%s: %v", PostgresURL, err)
	}
	u.Path = "/" + name
	return u.String()
}

// create creates a new database, a copy of template (empty: PostgreSQL's
// default, template1), dropped when the test ends, and returns its URL.
func (s *pgServer) create(tb testing.TB, template string) string {
	tb.Helper()
	name := randomName(tb, "bukti_test_")
	stmt := "CREATE DATABASE " + name
	if template != "" {
		stmt += " TEMPLATE " + template
	}
	if err := s.db.Exec(stmt + s.strategy).Error; err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() { s.db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
	return s.url(tb, name)
}

// migratedTemplate returns the name of this test binary's migrated
// template, building it the first time.
func (s *pgServer) migratedTemplate(tb testing.TB) string {
	tb.Helper()
	s.once.Do(func() { s.err = s.buildTemplate(tb) })
	if s.err != nil {
		tb.Fatalf("migrated PostgreSQL template: %v", s.err)
	}
	return s.template
}

func (s *pgServer) buildTemplate(tb testing.TB) error {
	ctx := context.Background()
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	// The lock session stays open, out of the pool, until the binary
	// exits; PostgreSQL releases the lock when it ends.
	lock, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	name := randomName(tb, "bukti_template_")
	if _, err := lock.ExecContext(ctx, "SELECT pg_advisory_lock_shared($1, $2)", templateLockSpace, templateLockKey(name)); err != nil {
		lock.Close()
		return fmt.Errorf("lock: %w", err)
	}
	dropEndedTemplates(ctx, lock, name)
	if _, err := lock.ExecContext(ctx, "CREATE DATABASE "+name+s.strategy); err != nil {
		lock.Close()
		return err
	}
	gdb, err := db.Open(ctx, s.url(tb, name), Logger(tb))
	if err != nil {
		lock.Close()
		return err
	}
	if err := db.Close(gdb); err != nil {
		lock.Close()
		return err
	}
	// No session may be connected to a template while it is copied: bar
	// new ones, and end any the closed pool left behind.
	if _, err := lock.ExecContext(ctx, "ALTER DATABASE "+name+" WITH ALLOW_CONNECTIONS false"); err != nil {
		lock.Close()
		return err
	}
	if _, err := lock.ExecContext(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name); err != nil {
		lock.Close()
		return err
	}
	s.template, s.lock = name, lock
	return nil
}

// templateLockKey is the second key of the advisory lock of template name.
// Two names sharing a key only keep a template a little longer.
func templateLockKey(name string) int32 {
	h := fnv.New32a()
	h.Write([]byte(name))
	return int32(h.Sum32())
}

// dropEndedTemplates drops the templates of test binaries that have ended,
// on a cluster that outlives test runs. It is best-effort: a template it
// cannot drop now is dropped by a later binary.
func dropEndedTemplates(ctx context.Context, conn *sql.Conn, keep string) {
	rows, err := conn.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'bukti\_template\_%' AND datname <> $1`, keep)
	if err != nil {
		return
	}
	var names []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil {
			names = append(names, n)
		}
	}
	rows.Close()
	for _, n := range names {
		var free bool
		if conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1, $2)", templateLockSpace, templateLockKey(n)).Scan(&free) != nil || !free {
			continue // in use by a running test binary
		}
		conn.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+strings.ReplaceAll(n, `"`, `""`)+`"`)
		conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1, $2)", templateLockSpace, templateLockKey(n))
	}
}

// sqliteTemplate is the content of a migrated SQLite database file, built
// once per test binary.
var sqliteTemplate struct {
	once sync.Once
	data []byte
	err  error
}

// migratedSQLite returns the bytes of a migrated SQLite database file.
func migratedSQLite(tb testing.TB) []byte {
	tb.Helper()
	sqliteTemplate.once.Do(func() {
		sqliteTemplate.data, sqliteTemplate.err = buildSQLiteTemplate(Logger(tb))
	})
	if sqliteTemplate.err != nil {
		tb.Fatalf("migrated SQLite template: %v", sqliteTemplate.err)
	}
	return sqliteTemplate.data
}

func buildSQLiteTemplate(log *slog.Logger) ([]byte, error) {
	dir, err := os.MkdirTemp("", "bukti-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "bukti.db")
	gdb, err := db.Open(context.Background(), path, log)
	if err != nil {
		return nil, err
	}
	// Move everything from the write-ahead log into the file, so that the
	// file alone is the database.
	err = gdb.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error
	if cerr := db.Close(gdb); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}
