package db

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// SnapshotFile is the file name a snapshot of the database at url takes
// in a backup: database.sqlite or database.pgdump.
func SnapshotFile(url string) string {
	if IsPostgres(url) {
		return "database.pgdump"
	}
	return "database.sqlite"
}

// Snapshot writes a consistent copy of the database at url to path, which
// must not exist, while servers keep using the database, and calls fn with
// a store reading exactly what the copy holds: SQLite with VACUUM INTO (a
// transaction-consistent, compacted copy; fn reads the copy), PostgreSQL
// with pg_dump --format=custom, which must be on PATH (Debian package
// postgresql-client), dumping the snapshot of a read-only transaction that
// fn reads in.
func Snapshot(ctx context.Context, url, path string, fn func(*sqlstore.DB) error) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("database snapshot: %s already exists", path)
	}
	gdb, err := OpenRaw(ctx, url)
	if err != nil {
		return err
	}
	defer Close(gdb)
	if IsPostgres(url) {
		return gdb.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			var snap string
			if err := tx.Raw("SELECT pg_export_snapshot()").Scan(&snap).Error; err != nil {
				return fmt.Errorf("database snapshot: export the snapshot: %w", err)
			}
			if err := run(ctx, "pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--snapshot="+snap, "--file="+path, "--dbname="+url); err != nil {
				return err
			}
			return fn(sqlstore.New(tx, nil))
		}, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	}
	if err := gdb.WithContext(ctx).Exec("VACUUM INTO ?", path).Error; err != nil {
		return fmt.Errorf("database snapshot of %s: %w", url, err)
	}
	cp, err := OpenRaw(ctx, path)
	if err != nil {
		return err
	}
	err = fn(sqlstore.New(cp, nil))
	// Closing checkpoints what opening the copy wrote, so its file is
	// final before the caller reads it.
	if cerr := Close(cp); err == nil {
		err = cerr
	}
	return err
}

// RestoreSnapshot loads a snapshot written by Snapshot into the database
// at url, which must be empty (Empty): SQLite by copying the file into
// place, PostgreSQL with pg_restore (on PATH).
func RestoreSnapshot(ctx context.Context, url, path string) error {
	empty, err := Empty(ctx, url)
	if err != nil {
		return err
	}
	if !empty {
		return fmt.Errorf("database restore: %s is not empty: restore into a new database", Redact(url))
	}
	if IsPostgres(url) {
		return run(ctx, "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname="+url, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	tmp := url + ".restoring"
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return fmt.Errorf("database restore: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	return os.Rename(tmp, url)
}

// Empty reports whether the database at url holds nothing yet: a SQLite
// file that does not exist (or has no table), a PostgreSQL database
// without tables in its public schema.
func Empty(ctx context.Context, url string) (bool, error) {
	if !IsPostgres(url) {
		fi, err := os.Stat(url)
		if errors.Is(err, fs.ErrNotExist) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		if fi.Size() == 0 {
			return true, nil
		}
	}
	gdb, err := OpenRaw(ctx, url)
	if err != nil {
		return false, err
	}
	defer Close(gdb)
	tables, err := gdb.Migrator().GetTables()
	if err != nil {
		return false, fmt.Errorf("database: list tables of %s: %w", Redact(url), err)
	}
	return len(tables) == 0, nil
}

// run runs a database tool, with its error output in the error.
func run(ctx context.Context, name string, args ...string) error {
	if _, err := exec.LookPath(name); err != nil {
		return fmt.Errorf("%s is not on PATH: install the PostgreSQL client tools (Debian: apt install postgresql-client): %w", name, err)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
