package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/app"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/storage"
)

// TestFsckCommand: clean data exits 0; a missing blob exits 1 naming the
// evidence; debris is listed, and removed with -repair; bad flags exit 2
// with a reason.
func TestFsckCommand(t *testing.T) {
	ctx := context.Background()
	c, dir, store, keys := dataDirWithEvidence(t, "sk", "sop")
	dataDir := []string{"-data-dir", dir}

	out := c.must(append([]string{"fsck", "-verify-content"}, dataDir...)...)
	if !strings.Contains(out, "clean") || !strings.Contains(out, "verified content of 2 recorded files") {
		t.Errorf("clean fsck printed:\n%s", out)
	}

	// Debris an hour old is young for the default grace, old for -grace 30m.
	if _, err := store.Stage(ctx, strings.NewReader("interrupted")); err != nil {
		t.Fatal(err)
	}
	tmp, _ := os.ReadDir(filepath.Join(dir, "blobs", "tmp"))
	old := time.Now().Add(-time.Hour)
	for _, e := range tmp {
		os.Chtimes(filepath.Join(dir, "blobs", "tmp", e.Name()), old, old)
	}
	c.must(append([]string{"fsck"}, dataDir...)...)
	out, _, err := c.run(append([]string{"fsck", "-grace", "30m"}, dataDir...)...)
	if code := exitOf(err); code != 1 || !strings.Contains(out, "leftover") {
		t.Errorf("fsck with debris: exit %d, printed:\n%s", code, out)
	}
	out = c.must(append([]string{"fsck", "-grace", "30m", "-repair"}, dataDir...)...)
	if !strings.Contains(out, "removed") {
		t.Errorf("fsck -repair printed:\n%s", out)
	}
	c.must(append([]string{"fsck", "-grace", "30m"}, dataDir...)...)

	if err := store.Delete(ctx, keys[1]); err != nil {
		t.Fatal(err)
	}
	out, _, err = c.run(append([]string{"fsck", "-repair"}, dataDir...)...)
	if code := exitOf(err); code != 1 || !strings.Contains(out, "missing") || !strings.Contains(out, "SK sop") || !strings.Contains(out, "2.1.2/a/R1") {
		t.Errorf("fsck with a missing blob: exit %d, printed:\n%s", code, out)
	}
	// Each run is recorded with its findings, for /admin/integrity; the
	// missing file is open damage until a later run finds it again.
	records := sqlstore.New(openDB(t, c.url), nil)
	sum := keys[1][len(keys[1])-64:]
	run, err := records.LastIntegrityRun(ctx, integrity.KindFsck, true)
	if err != nil || run == nil || run.Outcome != integrity.OutcomeProblems || run.ProblemKinds[integrity.Missing] != 1 || run.Files != 2 {
		t.Errorf("recorded fsck run: %+v, %v; want problems, one missing of 2 files", run, err)
	}
	if open, err := records.OpenDamage(ctx); err != nil || len(open) != 1 || open[0].SHA256 != sum || open[0].Source != integrity.SourceFsck {
		t.Errorf("open damage %+v, %v; want the missing file, found by fsck", open, err)
	}
	tmpName, err := store.Stage(ctx, bytes.NewReader(testenv.PDF("sop")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Commit(ctx, tmpName, keys[1]); err != nil {
		t.Fatal(err)
	}
	c.must(append([]string{"fsck"}, dataDir...)...)
	if d, err := records.Damage(ctx, sum); err != nil || d.ResolvedAt == nil || d.Resolution != integrity.ResolvedHealthy {
		t.Errorf("damage after the file came back: %+v, %v; want resolved healthy", d, err)
	}
	if run, err := records.LastIntegrityRun(ctx, integrity.KindFsck, true); err != nil || run.Outcome != integrity.OutcomeClean {
		t.Errorf("last fsck run: %+v, %v; want clean", run, err)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"GraceTooShort", []string{"fsck", "-grace", "10s"}, "too short"},
		{"ExtraArgument", []string{"fsck", "now"}, "unexpected argument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := c.run(append(tc.args, dataDir...)...)
			if err == nil || exitOf(err) != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%v: error %v, want exit 2 with %q", tc.args, err, tc.want)
			}
		})
	}
}

// exitOf is the process exit status main gives err.
func exitOf(err error) int {
	var code exitCode
	switch {
	case err == nil:
		return 0
	case errors.As(err, &code):
		return int(code)
	default:
		return 2
	}
}

// TestBackupRestoreCommands backs a data directory up, restores it into a
// new one, and finds fsck clean there; bad arguments exit 2 with a reason.
func TestBackupRestoreCommands(t *testing.T) {
	c, dir, _, _ := dataDirWithEvidence(t, "sk")

	out := filepath.Join(t.TempDir(), "cadangan")
	if got := c.must("backup", "-o", out, "-data-dir", dir); !strings.Contains(got, "database and 1 files") {
		t.Errorf("backup printed %q", got)
	}
	target := t.TempDir()
	restored := cli{t, filepath.Join(target, "bukti.db")}
	if got := restored.must("restore", out, "-data-dir", target); !strings.Contains(got, "every file verified") {
		t.Errorf("restore printed %q", got)
	}
	if got := restored.must("fsck", "-verify-content", "-data-dir", target); !strings.Contains(got, "clean") {
		t.Errorf("fsck after restore printed %q", got)
	}

	for _, tc := range []struct {
		name string
		c    cli
		args []string
		want string
	}{
		{"BackupWithoutOutput", c, []string{"backup", "-data-dir", dir}, "missing -o"},
		{"BackupIntoUsedDirectory", c, []string{"backup", "-o", out, "-data-dir", dir}, "not empty"},
		{"RestoreWithoutDirectory", restored, []string{"restore", "-data-dir", target}, "name one backup directory"},
		{"RestoreOverData", restored, []string{"restore", out, "-data-dir", target}, "not empty"},
		{"RestoreNotABackup", cli{t, filepath.Join(t.TempDir(), "x.db")}, []string{"restore", t.TempDir()}, "not a Bukti backup"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := tc.c.run(tc.args...)
			if err == nil || exitOf(err) != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%v: error %v, want exit 2 with %q", tc.args, err, tc.want)
			}
		})
	}
}

// dataDirWithEvidence is a data directory (SQLite file and filesystem
// store) with one facility and a PDF recorded against 2.1.2/a/R1 for each
// note; it returns the CLI on it, the directory, the store and the blob
// keys in the notes' order.
func dataDirWithEvidence(t *testing.T, notes ...string) (cli, string, storage.Store, []string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	c := cli{t, filepath.Join(dir, "bukti.db")}
	gdb := openDB(t, c.url)
	store, err := storage.New(ctx, storage.Config{Dir: filepath.Join(dir, "blobs")})
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(sqlstore.New(gdb, nil), store, criteria.MustBuiltin(), app.Options{TimeZone: time.UTC, Log: testenv.Logger(t), BcryptCost: 4})
	a.Org.CreateProvince(ctx, "32", "Jawa Barat", nil)
	a.Org.CreateDistrict(ctx, "3277", "Kota Cimahi", "32", nil)
	f, err := a.Org.CreateFacility(ctx, org.FacilityInput{Code: "P3277010101", Name: "Puskesmas Cimahi Tengah", DistrictCode: "3277"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, note := range notes {
		st, err := a.Evidence.Stage(ctx, note+".pdf", bytes.NewReader(testenv.PDF(note)))
		if err != nil {
			t.Fatal(err)
		}
		evs, err := a.Evidence.Create(ctx, evidence.Upload{FacilityID: f.ID, Requirements: []string{"2.1.2/a/R1"}, Meta: evidence.Meta{Title: "SK " + note}, By: 1}, st)
		if err != nil {
			t.Fatal(err)
		}
		key, _ := storage.Key(evs[0].Revisions[0].SHA256)
		keys = append(keys, key)
	}
	return c, dir, store, keys
}
