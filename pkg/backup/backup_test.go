package backup_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/app"
	"github.com/bukti-id/bukti/pkg/backup"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/db"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/storage"
)

// source is a database and blob store with a facility to upload to.
type source struct {
	url      string
	st       storage.Store
	a        *app.App
	facility int64
}

func newSource(t *testing.T, dbKind, storeKind string) *source {
	t.Helper()
	ctx := context.Background()
	url := testenv.MigratedDatabaseURL(t, dbKind)
	gdb, err := db.OpenRaw(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(gdb) })
	st := testenv.OpenStore(t, storeKind)
	a := app.New(sqlstore.New(gdb, nil), st, criteria.MustBuiltin(), app.Options{TimeZone: time.UTC, Log: testenv.Logger(t)})
	a.Org.CreateProvince(ctx, "32", "Jawa Barat", nil)
	a.Org.CreateDistrict(ctx, "3277", "Kota Cimahi", "32", nil)
	f, err := a.Org.CreateFacility(ctx, org.FacilityInput{Code: "P3277010101", Name: "Puskesmas Cimahi Tengah", DistrictCode: "3277"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &source{url: url, st: st, a: a, facility: f.ID}
}

// upload records one PDF and returns its SHA-256.
func (s *source) upload(t *testing.T, note string) (string, error) {
	ctx := context.Background()
	staged, err := s.a.Evidence.Stage(ctx, note+".pdf", bytes.NewReader(testenv.PDF(note)))
	if err != nil {
		return "", err
	}
	evs, err := s.a.Evidence.Create(ctx, evidence.Upload{FacilityID: s.facility, Requirements: []string{"2.1.2/a/R1"}, Meta: evidence.Meta{Title: note}, By: 1}, staged)
	if err != nil {
		return "", err
	}
	return evs[0].Revisions[0].SHA256, nil
}

// TestBackupRestore uploads under load, backs up while uploads go on,
// restores into an empty database and store, and finds every file of the
// backup there and verified, and fsck clean.
func TestBackupRestore(t *testing.T) {
	t.Parallel()
	for _, combo := range [][2]string{{"sqlite", "filesystem"}, {"postgres", "s3"}} {
		t.Run(testenv.Name(combo[0], combo[1]), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			src := newSource(t, combo[0], combo[1])
			before := map[string]bool{}
			for i := range 5 {
				sum, err := src.upload(t, fmt.Sprint("sebelum ", i))
				if err != nil {
					t.Fatal(err)
				}
				before[sum] = true
			}
			// Uploads keep coming while the backup runs.
			var wg sync.WaitGroup
			stop := make(chan struct{})
			var uploadErr error
			for w := range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						if _, err := src.upload(t, fmt.Sprintf("selama %d-%d", w, i)); err != nil {
							uploadErr = err
							return
						}
					}
				}()
			}
			dir := filepath.Join(t.TempDir(), "cadangan")
			m, err := backup.Backup(ctx, src.url, src.st, dir, time.Now())
			close(stop)
			wg.Wait()
			if err != nil {
				t.Fatalf("Backup: %v", err)
			}
			if uploadErr != nil {
				t.Fatalf("upload during backup: %v", uploadErr)
			}
			inBackup := map[string]bool{}
			for _, b := range m.Blobs {
				inBackup[b.SHA256] = true
			}
			for sum := range before {
				if !inBackup[sum] {
					t.Errorf("file %s, acknowledged before the backup, is not in it", sum)
				}
			}

			// Wipe: a new empty database and store.
			url := testenv.DatabaseURL(t, combo[0])
			st := testenv.OpenStore(t, combo[1])
			if _, err := backup.Restore(ctx, dir, url, st); err != nil {
				t.Fatalf("Restore: %v", err)
			}
			gdb, err := db.OpenRaw(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close(gdb)
			rep, err := integrity.Check(ctx, sqlstore.New(gdb, nil), st, integrity.Options{VerifyContent: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Problems) != 0 || rep.Records != len(m.Blobs) || rep.Blobs != len(m.Blobs) {
				t.Errorf("fsck after restore: %d records, %d blobs, problems %+v; want %d and %d, clean", rep.Records, rep.Blobs, rep.Problems, len(m.Blobs), len(m.Blobs))
			}
			var revisions int64
			gdb.Model(&bukti.Revision{}).Count(&revisions)
			if revisions < int64(len(before)) {
				t.Errorf("restored %d revisions, want at least the %d acknowledged before the backup", revisions, len(before))
			}
			t.Logf("backup of %d files (%d bytes) restored and verified; %d revisions", len(m.Blobs), m.Bytes(), revisions)

			// Restoring again finds the target in use and refuses.
			if _, err := backup.Restore(ctx, dir, url, testenv.OpenStore(t, combo[1])); err == nil || !strings.Contains(err.Error(), "not empty") {
				t.Errorf("restore into a used database: %v, want refused as not empty", err)
			}
			if _, err := backup.Restore(ctx, dir, testenv.DatabaseURL(t, combo[0]), st); err == nil || !strings.Contains(err.Error(), "not empty") {
				t.Errorf("restore into a used blob store: %v, want refused as not empty", err)
			}
		})
	}
}

// TestBackupRefuses covers what must not pass: a tampered backup restores
// nothing, a non-empty target directory, a damaged blob at backup time.
func TestBackupRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := newSource(t, "sqlite", "filesystem")
	sum, err := src.upload(t, "SK")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.upload(t, "SOP"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := backup.Backup(ctx, src.url, src.st, dir, time.Now()); err != nil {
		t.Fatal(err)
	}

	t.Run("NotEmptyDirectory", func(t *testing.T) {
		if _, err := backup.Backup(ctx, src.url, src.st, dir, time.Now()); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Errorf("backup into a used directory: %v", err)
		}
	})
	t.Run("TamperedBlob", func(t *testing.T) {
		key, _ := storage.Key(sum)
		tampered := t.TempDir()
		if err := os.CopyFS(tampered, os.DirFS(dir)); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(tampered, "blobs", filepath.FromSlash(key))
		data, _ := os.ReadFile(p)
		data[len(data)/2] ^= 1
		os.WriteFile(p, data, 0o640)
		url := testenv.DatabaseURL(t, "sqlite")
		st := testenv.OpenStore(t, "filesystem")
		if _, err := backup.Restore(ctx, tampered, url, st); err == nil || !strings.Contains(err.Error(), "does not match its manifest") || !strings.Contains(err.Error(), key) {
			t.Fatalf("restore of a tampered backup: %v, want refused naming %s", err, key)
		}
		if empty, err := db.Empty(ctx, url); err != nil || !empty {
			t.Errorf("database after a refused restore: empty %v, %v", empty, err)
		}
		for bi := range st.Blobs(ctx) {
			t.Errorf("blob %s written by a refused restore", bi.Key)
		}
	})
	t.Run("NotABackup", func(t *testing.T) {
		if _, err := backup.Restore(ctx, t.TempDir(), testenv.DatabaseURL(t, "sqlite"), testenv.OpenStore(t, "filesystem")); err == nil || !strings.Contains(err.Error(), "not a Bukti backup") {
			t.Errorf("restore of an empty directory: %v", err)
		}
	})
	t.Run("MissingBlobAtBackup", func(t *testing.T) {
		key, _ := storage.Key(sum)
		if err := src.st.Delete(ctx, key); err != nil {
			t.Fatal(err)
		}
		m, err := backup.Backup(ctx, src.url, src.st, filepath.Join(t.TempDir(), "b"), time.Now())
		if !errors.Is(err, backup.ErrIncomplete) || len(m.Damaged) != 1 || m.Damaged[0] != key || len(m.Blobs) != 1 {
			t.Errorf("backup with a missing blob: %v, damaged %v, %d blobs; want ErrIncomplete naming %s and the other file kept", err, m.Damaged, len(m.Blobs), key)
		}
	})
}
