package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/bukti-id/bukti/pkg/backup"
	"github.com/bukti-id/bukti/storage"
)

const backupUsage = `Usage: bukti backup -o DIR

Write a consistent backup of the database and every evidence file it
records into DIR (new or empty): the database first (SQLite: VACUUM INTO;
PostgreSQL: pg_dump, from the postgresql-client package), then the files,
each checked against its SHA-256, with manifest.json listing sizes and
hashes. Safe while the server runs. Exit status 1 when some recorded files
were missing or damaged (the backup holds the rest and names them; run
bukti fsck), 2 when no backup was made.

Flags:
`

const restoreUsage = `Usage: bukti restore DIR

Restore the backup in DIR into an empty database (BUKTI_DATABASE_URL, or a
new BUKTI_DATA_DIR) and an empty blob store (BUKTI_DATA_DIR/blobs or the
BUKTI_S3_* bucket). Every file is checked against the manifest before
anything is written, and again as it is stored. Then run bukti fsck.

Flags:
`

// runBackup is "bukti backup".
func runBackup(ctx context.Context, args []string, getenv func(string, string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bukti backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "backup directory, new or empty, e.g. /srv/cadangan/bukti-2026-12-01")
	dbf := addDBFlags(fs, getenv)
	sf := addStoreFlags(fs, getenv)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), backupUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("bukti backup: unexpected argument %q", fs.Arg(0))
	case *out == "":
		return errors.New("bukti backup: missing -o DIR (a new or empty directory)")
	}
	url, store, err := openBlobsAndURL(ctx, dbf, sf)
	if err != nil {
		return err
	}
	start := time.Now()
	m, err := backup.Backup(ctx, url, store, *out, start)
	if err != nil && !errors.Is(err, backup.ErrIncomplete) {
		return fmt.Errorf("bukti backup: %w", err)
	}
	fmt.Fprintf(stdout, "backup written to %s: database and %d files, %d bytes, in %s\n", *out, len(m.Blobs), m.Bytes(), time.Since(start).Round(time.Millisecond))
	if err != nil {
		fmt.Fprintf(stderr, "bukti backup: %v\n", err)
		for _, k := range m.Damaged {
			fmt.Fprintln(stderr, "  missing or damaged:", k)
		}
		return exitCode(1)
	}
	return nil
}

// runRestore is "bukti restore".
func runRestore(ctx context.Context, args []string, getenv func(string, string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bukti restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbf := addDBFlags(fs, getenv)
	sf := addStoreFlags(fs, getenv)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), restoreUsage)
		fs.PrintDefaults()
	}
	// The directory may come before the flags (bukti restore DIR -data-dir D)
	// or after them.
	var dir string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		dir, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if dir == "" && fs.NArg() > 0 {
		dir = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return err
		}
	}
	if dir == "" || fs.NArg() > 0 {
		return errors.New("bukti restore: name one backup directory: bukti restore DIR")
	}
	url, store, err := openBlobsAndURL(ctx, dbf, sf)
	if err != nil {
		return err
	}
	m, err := backup.Restore(ctx, dir, url, store)
	if err != nil {
		return fmt.Errorf("bukti restore: %w", err)
	}
	fmt.Fprintf(stdout, "restored the backup of %s: database and %d files (%d bytes), every file verified; run bukti fsck\n",
		m.Created.Format(time.RFC3339), len(m.Blobs), m.Bytes())
	return nil
}

// openBlobsAndURL resolves the database URL and opens the blob store the
// server uses.
func openBlobsAndURL(ctx context.Context, dbf *dbFlags, sf *storeFlags) (string, storage.Store, error) {
	url, err := dbf.url()
	if err != nil {
		return "", nil, err
	}
	s3, err := sf.s3()
	if err != nil {
		return "", nil, err
	}
	cfg := storage.Config{Dir: filepath.Join(dbf.dataDir, "blobs"), S3: s3}
	if err := cfg.Validate(); err != nil {
		return "", nil, err
	}
	store, err := storage.New(ctx, cfg)
	return url, store, err
}
