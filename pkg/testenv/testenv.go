// Package testenv gives tests the real services scripts/test.sh starts: a
// fresh SQLite file, a fresh PostgreSQL database, a fresh MinIO bucket.
// A fresh migrated database is a copy of a template each test binary
// migrates once (database.go).
//
// A service that is not configured fails the test with a message naming the
// script; it is never skipped.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/db"
	"github.com/bukti-id/bukti/storage"
)

// Env names.
const (
	PostgresURL = "BUKTI_TEST_POSTGRES_URL"
	S3Endpoint  = "BUKTI_TEST_S3_ENDPOINT"
	S3AccessKey = "BUKTI_TEST_S3_ACCESS_KEY"
	S3SecretKey = "BUKTI_TEST_S3_SECRET_KEY"
)

// Logger returns a logger that writes to the test log.
func Logger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{tb}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type tWriter struct{ tb testing.TB }

func (w tWriter) Write(p []byte) (int, error) { w.tb.Log(string(p)); return len(p), nil }

// Require returns the environment variable or fails the test.
func Require(tb testing.TB, name string) string {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		tb.Fatalf("%s is not set: run the suite with scripts/test.sh, which starts PostgreSQL and MinIO", name)
	}
	return v
}

func randomName(tb testing.TB, prefix string) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}

// DatabaseKinds are the database backends every storage-touching test runs
// against.
var DatabaseKinds = []string{"sqlite", "postgres"}

// DatabaseURL returns the URL of a fresh, empty database of the given kind
// ("sqlite" or "postgres"), dropped (PostgreSQL) or removed (SQLite) when
// the test ends. A SQLite database does not exist yet: its URL is the path
// of a file to be created.
func DatabaseURL(tb testing.TB, kind string) string {
	tb.Helper()
	switch kind {
	case "sqlite":
		return filepath.Join(tb.TempDir(), "bukti.db")
	case "postgres":
		return postgresServer(tb).create(tb, "")
	default:
		tb.Fatalf("unknown database kind %q", kind)
		return ""
	}
}

// MigratedDatabaseURL returns the URL of a fresh database of the given kind
// with every migration applied, dropped (PostgreSQL) or removed (SQLite)
// when the test ends. It is a copy of a template this test binary migrated
// once (see database.go), which is much faster than migrating.
func MigratedDatabaseURL(tb testing.TB, kind string) string {
	tb.Helper()
	switch kind {
	case "sqlite":
		path := filepath.Join(tb.TempDir(), "bukti.db")
		if err := os.WriteFile(path, migratedSQLite(tb), 0o600); err != nil {
			tb.Fatalf("copy the migrated SQLite template: %v", err)
		}
		return path
	case "postgres":
		s := postgresServer(tb)
		return s.create(tb, s.migratedTemplate(tb))
	default:
		tb.Fatalf("unknown database kind %q", kind)
		return ""
	}
}

// OpenDB opens a fresh, migrated database of the given kind
// (MigratedDatabaseURL), closed when the test ends. Slow and failed
// statements go to the test log.
func OpenDB(tb testing.TB, kind string) *gorm.DB {
	tb.Helper()
	// The copy is migrated already. db.Open would check so again, and on
	// PostgreSQL that check (gorm's AutoMigrate of schema_migrations on a
	// fresh connection) takes longer than making the copy: open it as
	// db.Open does, without the check.
	gdb, err := db.OpenRaw(context.Background(), MigratedDatabaseURL(tb, kind))
	if err != nil {
		tb.Fatalf("open %s database: %v", kind, err)
	}
	gdb.Logger = db.Logger(Logger(tb))
	tb.Cleanup(func() { db.Close(gdb) })
	return gdb
}

// StoreKinds are the blob store backends.
var StoreKinds = []string{"filesystem", "s3"}

// StoreConfig returns the configuration of a fresh blob store of the given
// kind ("filesystem" or "s3"); an S3 store gets its own new bucket.
func StoreConfig(tb testing.TB, kind string) storage.Config {
	tb.Helper()
	switch kind {
	case "filesystem":
		return storage.Config{Dir: filepath.Join(tb.TempDir(), "blobs")}
	case "s3":
		return storage.Config{S3: storage.S3Config{
			Endpoint:  Require(tb, S3Endpoint),
			AccessKey: Require(tb, S3AccessKey),
			SecretKey: Require(tb, S3SecretKey),
			Bucket:    randomName(tb, "bukti-test-"),
		}}
	default:
		tb.Fatalf("unknown store kind %q", kind)
		return storage.Config{}
	}
}

// OpenStore opens a fresh blob store of the given kind.
func OpenStore(tb testing.TB, kind string) storage.Store {
	tb.Helper()
	st, err := storage.New(context.Background(), StoreConfig(tb, kind))
	if err != nil {
		tb.Fatalf("open %s store: %v", kind, err)
	}
	return st
}

// Combos pairs database and store kinds so that every kind is covered
// without running the full cross product.
var Combos = []struct{ DB, Store string }{
	{"sqlite", "filesystem"},
	{"postgres", "s3"},
}

// Name is a subtest name for a combo.
func Name(dbKind, storeKind string) string { return fmt.Sprintf("%s+%s", dbKind, storeKind) }
