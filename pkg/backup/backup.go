// Package backup makes a consistent copy of Bukti's data — the database and
// every evidence file it records — and restores it.
//
// A backup is a directory:
//
//	manifest.json       format, time, database kind, every file with size and SHA-256
//	database.sqlite     or database.pgdump (pg_dump --format=custom)
//	blobs/sha256/…      every blob the database copy records, under its key
//
// Contract:
//   - Backup copies the database first, then exactly the blobs that copy
//     records, so every revision in the copy has its file in the copy: a
//     recorded blob is never removed while servers run. It is safe while
//     servers run; uploads after the database copy are not in the backup.
//   - Every blob is hashed while it is copied and must match its key; one
//     that does not (or is missing) is left out, listed in the manifest as
//     damaged, and Backup returns ErrIncomplete after writing everything
//     else.
//   - Restore checks every file of the backup against the manifest before
//     it writes anything, writes only into an empty database and an empty
//     blob store, and hashes every blob again as it stores it.
package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/bukti-id/bukti/pkg/db"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/storage"
)

// Format is the manifest format this package writes and reads.
const Format = "bukti-backup/v1"

// ManifestFile is the manifest's name inside a backup directory.
const ManifestFile = "manifest.json"

// File is one file of a backup.
type File struct {
	Path   string `json:"path"` // slash-separated, relative to the backup directory
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Manifest describes a backup.
type Manifest struct {
	Format   string    `json:"format"`
	Created  time.Time `json:"created"`
	Database string    `json:"database"` // "sqlite" or "postgres"
	DBFile   File      `json:"database_file"`
	Blobs    []File    `json:"blobs"`
	// Damaged lists the keys of recorded blobs that were missing or did not
	// match their key when the backup was made (bukti fsck names their
	// evidence).
	Damaged []string `json:"damaged,omitempty"`
}

// Bytes is the size of the backup's files.
func (m Manifest) Bytes() int64 {
	n := m.DBFile.Size
	for _, b := range m.Blobs {
		n += b.Size
	}
	return n
}

// ErrIncomplete is returned by Backup when some recorded blobs could not be
// copied; the backup holds everything else and names them.
var ErrIncomplete = errors.New("backup: some recorded files are missing or damaged in the blob store")

// Backup writes a backup of the database at url and the blob store st into
// dir, which must not exist or be empty: the database snapshot, and every
// blob that snapshot records (read in the snapshot itself, see
// db.Snapshot).
func Backup(ctx context.Context, url string, st storage.Store, dir string, now time.Time) (Manifest, error) {
	m := Manifest{Format: Format, Created: now.UTC(), Database: "sqlite"}
	if db.IsPostgres(url) {
		m.Database = "postgres"
	}
	if err := emptyDir(dir); err != nil {
		return m, err
	}
	file := db.SnapshotFile(url)
	err := db.Snapshot(ctx, url, filepath.Join(dir, file), func(rec *sqlstore.DB) error {
		for r, err := range rec.BlobRecords(ctx) {
			if err != nil {
				return fmt.Errorf("backup: list recorded files: %w", err)
			}
			key, err := storage.Key(r.SHA256)
			if err != nil {
				return err
			}
			if n := len(m.Blobs); n > 0 && m.Blobs[n-1].Path == "blobs/"+key {
				continue // the same content recorded with two sizes: fsck's business
			}
			bf, err := copyBlob(ctx, st, key, r.SHA256, dir)
			if errors.Is(err, storage.ErrNotFound) || errors.Is(err, errMismatch) {
				m.Damaged = append(m.Damaged, key)
				continue
			}
			if err != nil {
				return err
			}
			m.Blobs = append(m.Blobs, bf)
		}
		return nil
	})
	if err != nil {
		return m, err
	}
	if m.DBFile, err = hashFile(dir, file); err != nil {
		return m, err
	}
	if err := writeManifest(dir, m); err != nil {
		return m, err
	}
	if len(m.Damaged) > 0 {
		return m, fmt.Errorf("%w: %d file(s), listed in %s", ErrIncomplete, len(m.Damaged), ManifestFile)
	}
	return m, nil
}

var errMismatch = errors.New("content does not match its key")

// copyBlob copies one blob into dir/blobs/<key>, checking its hash.
func copyBlob(ctx context.Context, st storage.Store, key, sum, dir string) (File, error) {
	rc, err := st.Open(ctx, key)
	if err != nil {
		return File{}, err
	}
	defer rc.Close()
	rel := "blobs/" + key
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return File{}, err
	}
	out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return File{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), rc)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(p)
		return File{}, fmt.Errorf("backup: copy %s: %w", key, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		os.Remove(p)
		return File{}, fmt.Errorf("backup: %s: %w (hashes to %s)", key, errMismatch, got)
	}
	return File{Path: rel, Size: n, SHA256: sum}, nil
}

// Restore loads the backup in dir into the empty database at url and the
// empty blob store st (see the package contract), then opens the database
// once so that migrations newer than the backup run.
func Restore(ctx context.Context, dir, url string, st storage.Store) (Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return m, err
	}
	if want := map[bool]string{true: "postgres", false: "sqlite"}[db.IsPostgres(url)]; m.Database != want {
		return m, fmt.Errorf("restore: the backup holds a %s database, the target is %s: restore into the same kind of database", m.Database, want)
	}
	if err := Verify(dir, m); err != nil {
		return m, err
	}
	empty, err := db.Empty(ctx, url)
	if err != nil {
		return m, err
	}
	if !empty {
		return m, fmt.Errorf("restore: the database %s is not empty: restore into a new database", db.Redact(url))
	}
	for _, err := range st.Blobs(ctx) {
		if err != nil {
			return m, err
		}
		return m, fmt.Errorf("restore: the blob store %s is not empty: restore into an empty directory or bucket", st.Name())
	}
	if err := db.RestoreSnapshot(ctx, url, filepath.Join(dir, filepath.FromSlash(m.DBFile.Path))); err != nil {
		return m, err
	}
	for _, b := range m.Blobs {
		if err := restoreBlob(ctx, st, dir, b); err != nil {
			return m, err
		}
	}
	gdb, err := db.Open(ctx, url, slog.New(slog.DiscardHandler))
	if err != nil {
		return m, fmt.Errorf("restore: open the restored database: %w", err)
	}
	return m, db.Close(gdb)
}

// restoreBlob stages a blob file into st, hashing it again, and commits it
// under its key only when it matches.
func restoreBlob(ctx context.Context, st storage.Store, dir string, b File) error {
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(b.Path)))
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	tmp, err := st.Stage(ctx, io.TeeReader(f, h))
	if err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != b.SHA256 {
		_ = st.Discard(ctx, tmp)
		return fmt.Errorf("restore: %s changed while restoring (hashes to %s, manifest says %s)", b.Path, got, b.SHA256)
	}
	key, err := storage.Key(b.SHA256)
	if err != nil {
		return err
	}
	if _, err := st.Commit(ctx, tmp, key); err != nil {
		_ = st.Discard(ctx, tmp)
		return err
	}
	return nil
}

// ReadManifest reads and checks a backup's manifest.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return m, fmt.Errorf("restore: %s is not a Bukti backup (no %s): %w", dir, ManifestFile, err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("restore: %s: %w", ManifestFile, err)
	}
	if m.Format != Format {
		return m, fmt.Errorf("restore: %s has format %q, this version reads %q", ManifestFile, m.Format, Format)
	}
	return m, nil
}

// Verify hashes every file of the backup in dir against m and returns an
// error naming every file that is missing or differs.
func Verify(dir string, m Manifest) error {
	var errs []error
	for _, want := range append([]File{m.DBFile}, m.Blobs...) {
		if !filepath.IsLocal(filepath.FromSlash(want.Path)) {
			errs = append(errs, fmt.Errorf("%s: not a path inside the backup", want.Path))
			continue
		}
		got, err := hashFile(dir, want.Path)
		switch {
		case err != nil:
			errs = append(errs, err)
		case got.Size != want.Size || got.SHA256 != want.SHA256:
			errs = append(errs, fmt.Errorf("%s: %d bytes, SHA-256 %s; the manifest says %d bytes, %s", want.Path, got.Size, got.SHA256, want.Size, want.SHA256))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("restore: the backup in %s does not match its manifest, nothing was restored: %w", dir, errors.Join(errs...))
	}
	return nil
}

func hashFile(dir, rel string) (File, error) {
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, err
	}
	return File{Path: rel, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func writeManifest(dir string, m Manifest) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	p := filepath.Join(dir, ManifestFile)
	if err := os.WriteFile(p, append(data, '\n'), 0o640); err != nil {
		return err
	}
	return syncPath(p)
}

func syncPath(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// emptyDir creates dir, or accepts it when it exists and is empty.
func emptyDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("backup: create %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("backup: %s is not empty: write each backup into a new directory", dir)
	}
	return nil
}
