package main

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/app"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/storage"
)

// TestPackCommand writes the evidence pack of a submitted survey from the
// data directory the server uses, and refuses what it cannot pack without
// leaving a file behind.
func TestPackCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := cli{t, filepath.Join(dir, "bukti.db")}
	gdb := openDB(t, c.url)
	store, err := storage.New(ctx, storage.Config{Dir: filepath.Join(dir, "blobs")})
	if err != nil {
		t.Fatal(err)
	}
	cat := criteria.MustBuiltin()
	a := app.New(sqlstore.New(gdb, nil), store, cat, app.Options{TimeZone: time.Local, Log: testenv.Logger(t), BcryptCost: 4})
	o := a.Org
	o.CreateProvince(ctx, "32", "Jawa Barat", nil)
	o.CreateDistrict(ctx, "3277", "Kota Cimahi", "32", nil)
	f, err := o.CreateFacility(ctx, org.FacilityInput{Code: "P3277010101", Name: "Puskesmas Cimahi Tengah", DistrictCode: "3277"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := a.Auth.CreateUserWithRole(ctx, "admin@dinkes.test", "Admin", "kata-sandi-uji-123", &bukti.RoleBinding{Role: bukti.RoleAdmin}, nil)
	if err != nil {
		t.Fatal(err)
	}
	lead, _ := a.Auth.CreateUserWithRole(ctx, "ketua@surveior.test", "Ketua", "kata-sandi-uji-123", nil, nil)
	ev := a.Evidence
	var blobs []string
	for _, up := range []struct{ req, name, note string }{
		{"2.1.2/a/R1", "SK Pemberdayaan.pdf", "sk"},
		{"2.1.2/a/R2", "../SOP: pemberdayaan?.pdf", "sop"},
		{"2.1.2/a/R3", "SK Pemberdayaan.pdf", "kak"},
	} {
		st, err := ev.Stage(ctx, up.name, bytes.NewReader(testenv.PDF(up.note)))
		if err != nil {
			t.Fatal(err)
		}
		evs, err := ev.Create(ctx, evidence.Upload{FacilityID: f.ID, Requirements: []string{up.req}, Meta: evidence.Meta{Title: up.note}, By: admin.ID}, st)
		if err != nil {
			t.Fatal(err)
		}
		blobs = append(blobs, evs[0].Revisions[0].SHA256)
	}
	svc := a.Surveys
	planned, err := svc.Create(ctx, survey.Input{FacilityID: f.ID, Type: "initial", Surveyors: []int64{lead.ID}}, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	submitted, _ := svc.Create(ctx, survey.Input{FacilityID: f.ID, Type: "initial", Surveyors: []int64{lead.ID}}, admin.ID)
	var self []survey.SelfScore
	for p := range cat.Elements() { // every EP of the complete standard
		self = append(self, survey.SelfScore{Element: p.Element.ID, Score: "5", Justification: "Sebagian bukti sudah ada."})
	}
	if _, err := svc.SelfAssess(ctx, submitted.ID, admin.ID, self); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Submit(ctx, submitted.ID, admin.ID); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(dir, "paket.zip")
	id := func(sv *bukti.Survey) string { return strconv.FormatInt(sv.ID, 10) }
	_, stderr, err := c.run("pack", "-survey", id(submitted), "-o", out, "-data-dir", dir)
	if err != nil || !strings.Contains(stderr, "3 files") {
		t.Fatalf("pack: %v\n%s", err, stderr)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	zr.Close()
	if len(names) != 5 || !strings.Contains(strings.Join(names, "\n"), "manifest.csv") {
		t.Errorf("pack entries: %q", names)
	}
	for _, n := range names {
		if strings.Contains(n, "..") || strings.Contains(n, "?") || strings.Contains(n, ":") {
			t.Errorf("unsafe entry name %q", n)
		}
	}

	// "-o -" streams the same archive to standard output.
	stdout, _, err := c.run("pack", "-survey", id(submitted), "-o", "-", "-data-dir", dir)
	if err != nil {
		t.Fatalf("pack -o -: %v", err)
	}
	if zr, err := zip.NewReader(strings.NewReader(stdout), int64(len(stdout))); err != nil || len(zr.File) != len(names) {
		t.Errorf("pack -o -: %v, want an archive of %d entries", err, len(names))
	}

	// manifest.csv speaks Bahasa Indonesia unless -lang en.
	for _, tc := range []struct{ lang, header string }{{"", "Berkas,"}, {"id", "Berkas,"}, {"en", "File,"}} {
		args := []string{"pack", "-survey", id(submitted), "-o", "-", "-data-dir", dir}
		if tc.lang != "" {
			args = append(args, "-lang", tc.lang)
		}
		stdout, _, err := c.run(args...)
		if err != nil {
			t.Fatalf("pack -lang %q: %v", tc.lang, err)
		}
		zr, err := zip.NewReader(strings.NewReader(stdout), int64(len(stdout)))
		if err != nil {
			t.Fatal(err)
		}
		m, err := zr.Open("manifest.csv")
		if err != nil {
			t.Fatal(err)
		}
		head, _ := io.ReadAll(m)
		if !strings.HasPrefix(string(head), tc.header) {
			t.Errorf("pack -lang %q: manifest begins %.40q, want %q", tc.lang, head, tc.header)
		}
	}

	// Refusals leave nothing at -o.
	bad := filepath.Join(dir, "gagal.zip")
	key, _ := storage.Key(blobs[1])
	cases := []struct {
		name  string
		args  []string
		setup func()
		want  string
	}{
		{"no survey flag", []string{"pack", "-o", bad}, nil, "missing or invalid -survey"},
		{"no output", []string{"pack", "-survey", id(submitted)}, nil, "missing -o"},
		{"unknown manifest language", []string{"pack", "-survey", id(submitted), "-o", bad, "-lang", "fr"}, nil, `-lang "fr": want id or en`},
		{"unknown survey", []string{"pack", "-survey", "999", "-o", bad}, nil, "survey 999 not found"},
		{"no snapshot yet", []string{"pack", "-survey", id(planned), "-o", bad}, nil, "no snapshot yet"},
		{"output directory missing", []string{"pack", "-survey", id(submitted), "-o", filepath.Join(dir, "tidak-ada", "paket.zip")}, nil, "no such file"},
		{"a blob is gone", []string{"pack", "-survey", id(submitted), "-o", bad}, func() {
			if err := store.Delete(ctx, key); err != nil {
				t.Fatal(err)
			}
		}, "not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup()
			}
			_, _, err := c.run(append(tc.args, "-data-dir", dir)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if _, err := os.Stat(bad); !os.IsNotExist(err) {
				t.Errorf("a refused pack left %s behind", bad)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".gagal.zip.*")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}
