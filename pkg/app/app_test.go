package app_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Jakarta on machines without tzdata

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/app"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/storage"
	"github.com/bukti-id/bukti/ui"
)

// fixed is 2026-03-02 03:00 in Jakarta (UTC+7) but still 2026-03-01 in
// UTC: a date taken in the wrong zone shows.
var fixed = time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)

func jakarta(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// unitNow is the time a unit of work of st reads.
func unitNow(t *testing.T, st *sqlstore.DB) time.Time {
	t.Helper()
	var now time.Time
	if err := st.Run(context.Background(), nil, func(tx *sqlstore.Tx) error {
		now = tx.Now
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return now
}

// sameDatabase checks that a works on gdb: a province written there is
// one the App's services read.
func sameDatabase(t *testing.T, gdb *gorm.DB, a *app.App) {
	t.Helper()
	code := fmt.Sprint(time.Now().UnixNano() % 100)
	if err := gdb.Create(&bukti.Province{Code: code, Name: "Provinsi Uji"}).Error; err != nil {
		t.Fatal(err)
	}
	ps, err := a.Org.Provinces(context.Background())
	if err != nil || !slices.ContainsFunc(ps, func(p bukti.Province) bool { return p.Code == code }) {
		t.Errorf("the App's services do not read the database it was given: %v, %v", ps, err)
	}
}

// services are the App's services by field name: every exported field
// that points to a struct with a DB field or a Store field holding the
// metadata store (*sqlstore.DB).
func services(a *app.App) map[string]reflect.Value {
	out := map[string]reflect.Value{}
	v := reflect.ValueOf(a).Elem()
	for i := range v.NumField() {
		f, sf := v.Field(i), v.Type().Field(i)
		if !sf.IsExported() || f.Kind() != reflect.Pointer || f.Type().Elem().Kind() != reflect.Struct {
			continue
		}
		_, db := f.Type().Elem().FieldByName("DB")
		st, store := f.Type().Elem().FieldByName("Store")
		if db || (store && st.Type == reflect.TypeFor[*sqlstore.DB]()) {
			out[sf.Name] = f
		}
	}
	return out
}

// TestNew checks the wiring: every service is there, on the App's
// database (one metadata store), catalogue, evidence service and logger,
// and reads the one clock, in the one time zone.
func TestNew(t *testing.T) {
	tz := jakarta(t)
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	pages, err := ui.Load()
	if err != nil {
		t.Fatal(err)
	}
	store, err := storage.New(context.Background(), storage.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	gdb := testenv.OpenDB(t, "sqlite")
	cat := criteria.MustBuiltin()
	a := app.New(sqlstore.New(gdb, nil), store, cat, app.Options{TimeZone: tz, Now: func() time.Time { return fixed }, MaxUploadBytes: 12345,
		Log: log, BcryptCost: 4, UI: pages, TrustProxy: true})

	if got := a.Now(); !got.Equal(fixed) || got.Location() != tz {
		t.Errorf("a.Now() = %v, want %v in %v", got, fixed, tz)
	}
	if a.TimeZone() != tz {
		t.Errorf("a.TimeZone() = %v", a.TimeZone())
	}
	if a.Store != store || a.Catalogue != cat || a.Log != log {
		t.Errorf("App holds other infrastructure than it was given: %+v", a)
	}
	sameDatabase(t, gdb, a)
	if got := unitNow(t, a.DB); !got.Equal(fixed) {
		t.Errorf("a.DB's units read %v, want the App's clock, %v", got, fixed)
	}

	svcs := services(a)
	for _, name := range []string{"Auth", "Org", "Evidence", "Surveys", "Standard", "Reports"} {
		if _, ok := svcs[name]; !ok {
			t.Errorf("App has no service %s", name)
		}
	}
	shared := map[string]any{"DB": gdb, "Blobs": store, "Catalogue": cat, "Evidence": a.Evidence, "Log": log}
	var one *sqlstore.DB // the metadata store every service shares
	for name, s := range svcs {
		t.Run(name, func(t *testing.T) {
			if s.IsNil() {
				t.Fatal("nil")
			}
			e := s.Elem()
			for field, want := range shared {
				if f := e.FieldByName(field); f.IsValid() && f.Interface() != want {
					t.Errorf("%s.%s = %v, want the App's %v", name, field, f.Interface(), want)
				}
			}
			if f := e.FieldByName("Store"); f.IsValid() {
				st, ok := f.Interface().(*sqlstore.DB)
				switch {
				case !ok || st == nil:
					t.Errorf("%s.Store = %v, want the metadata store", name, f.Interface())
				case one == nil:
					one = st
				case st != one:
					t.Errorf("%s.Store is not the metadata store the other services share", name)
				}
			}
			now := e.FieldByName("Now")
			if !now.IsValid() {
				t.Fatal("no Now clock")
			}
			clock, ok := now.Interface().(func() time.Time)
			if !ok || clock == nil {
				t.Fatalf("Now is %v, not a clock", now.Type())
			}
			if got := clock(); !got.Equal(fixed) || got.Location() != tz {
				t.Errorf("%s.Now() = %v, want %v in %v", name, got, fixed, tz)
			}
		})
	}
	if a.Auth.Cost != 4 || a.Evidence.MaxBytes != 12345 {
		t.Errorf("bcrypt cost %d, upload limit %d: want the options' 4 and 12345", a.Auth.Cost, a.Evidence.MaxBytes)
	}

	d := a.WebDeps()
	dv := reflect.ValueOf(d)
	av := reflect.ValueOf(a).Elem()
	for i := range dv.NumField() {
		name := dv.Type().Field(i).Name
		switch name {
		}
		if f := av.FieldByName(name); f.IsValid() && f.Interface() != dv.Field(i).Interface() {
			t.Errorf("WebDeps().%s is not the App's", name)
		}
	}
	if d.UI != pages || !d.TrustProxy || d.Auth == nil || d.Reports == nil {
		t.Errorf("WebDeps() = %+v", d)
	}
}

// TestDefaults: the zero Options give the local zone, the real time, the
// default upload limit and a logger.
func TestDefaults(t *testing.T) {
	a := app.New(nil, nil, nil, app.Options{})
	if a.TimeZone() != time.Local || a.Now().Location() != time.Local {
		t.Errorf("zone %v, clock in %v: want Local", a.TimeZone(), a.Now().Location())
	}
	if d := time.Since(a.Now()); d < 0 || d > time.Minute {
		t.Errorf("clock is %v off the real time", d)
	}
	if a.Evidence.MaxBytes != evidence.DefaultMaxBytes || a.Log == nil || a.Evidence.Log == nil || a.Auth.Cost != 0 {
		t.Errorf("defaults: upload limit %d, log %v, cost %d", a.Evidence.MaxBytes, a.Log, a.Auth.Cost)
	}
}

// TestWithCatalogue: a command that loads the catalogue late keeps the
// database, store, options and clock.
func TestWithCatalogue(t *testing.T) {
	tz := jakarta(t)
	gdb := testenv.OpenDB(t, "sqlite")
	base := app.New(sqlstore.New(gdb, nil), nil, nil, app.Options{TimeZone: tz, Now: func() time.Time { return fixed }, BcryptCost: 4})
	cat, err := base.Standard.Active(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	a := base.WithCatalogue(cat)
	sameDatabase(t, gdb, a)
	if !unitNow(t, a.DB).Equal(fixed) || a.Catalogue != cat || a.Evidence.Catalogue != cat ||
		a.Surveys.Catalogue != cat || a.Reports.Catalogue != cat || a.Auth.Cost != 4 || a.TimeZone() != tz || !a.Reports.Now().Equal(fixed) {
		t.Errorf("WithCatalogue lost the wiring: %+v", a)
	}
	if active, err := app.ActiveCatalogue(context.Background(), sqlstore.New(gdb, nil)); err != nil || active.ID != cat.ID || active.Version != cat.Version {
		t.Errorf("ActiveCatalogue = %v, %v; want %s@%s", active, err, cat.ID, cat.Version)
	}
}

// TestStoredTimes runs each service's writes on a clock in Jakarta and
// checks what reaches the database: instants in UTC (on SQLite, text that
// sorts and compares with every other row), dates in the zone's calendar.
func TestStoredTimes(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			ctx := context.Background()
			gdb := testenv.OpenDB(t, combo.DB)
			cat := criteria.MustBuiltin()
			a := app.New(sqlstore.New(gdb, nil), testenv.OpenStore(t, combo.Store), cat, app.Options{TimeZone: jakarta(t),
				Now: func() time.Time { return fixed }, BcryptCost: 4, Log: testenv.Logger(t)})

			must := func(what string, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
			}
			_, err := a.Org.CreateProvince(ctx, "32", "Jawa Barat", nil)
			must("province", err)
			_, err = a.Org.CreateDistrict(ctx, "3277", "Kota Cimahi", "32", nil)
			must("district", err)
			f, err := a.Org.CreateFacility(ctx, org.FacilityInput{Code: "P3277010101", Name: "Puskesmas Cimahi Tengah", DistrictCode: "3277"}, nil)
			must("facility", err)
			admin, err := a.Auth.CreateUserWithRole(ctx, "admin@dinkes.test", "Admin", "kata-sandi-uji-123", &bukti.RoleBinding{Role: bukti.RoleAdmin}, nil)
			must("user", err)
			lead, err := a.Auth.CreateUserWithRole(ctx, "ketua@surveior.test", "Ketua", "kata-sandi-uji-123", nil, nil)
			must("surveyor", err)
			_, _, err = a.Auth.Login(ctx, "admin@dinkes.test", "kata-sandi-uji-123")
			must("login", err)
			next := *cat
			next.Version = "app-test"
			_, err = a.Standard.Save(ctx, &next, "app test", &admin.ID)
			must("catalogue version", err)
			st, err := a.Evidence.Stage(ctx, "sk.pdf", bytes.NewReader(testenv.PDF("sk")))
			must("stage", err)
			_, err = a.Evidence.Create(ctx, evidence.Upload{FacilityID: f.ID, Requirements: []string{"2.1.2/a/R1"}, Meta: evidence.Meta{Title: "SK"}, By: admin.ID}, st)
			must("evidence", err)
			_, err = a.Surveys.Create(ctx, survey.Input{FacilityID: f.ID, Type: "initial", Surveyors: []int64{lead.ID}}, admin.ID)
			must("survey", err)
			n, err := a.Reports.Snapshot(ctx)
			if err != nil || n != 1 {
				t.Fatalf("snapshot: %d, %v", n, err)
			}

			for _, c := range []struct{ table, column string }{
				{"provinces", "created_at"}, {"districts", "created_at"}, {"facilities", "created_at"},
				{"users", "created_at"}, {"role_bindings", "created_at"}, {"sessions", "created_at"},
				{"catalogue_versions", "created_at"},
				{"evidences", "created_at"}, {"evidences", "updated_at"}, {"revisions", "created_at"},
				{"surveys", "created_at"}, {"audit_entries", "at"},
			} {
				var at []time.Time
				must(c.table, gdb.Table(c.table).Where(c.column+" IS NOT NULL").Pluck(c.column, &at).Error)
				if len(at) == 0 {
					t.Errorf("%s.%s: no row written", c.table, c.column)
				}
				for _, v := range at {
					if !v.Equal(fixed) {
						t.Errorf("%s.%s = %v, want %v", c.table, c.column, v, fixed)
					}
				}
				if combo.DB != "sqlite" {
					continue
				}
				var text []string
				must(c.table, gdb.Table(c.table).Where(c.column+" IS NOT NULL").Pluck("CAST("+c.column+" AS TEXT)", &text).Error)
				for _, s := range text {
					if !strings.HasPrefix(s, "2026-03-01 20:00:00") || !strings.HasSuffix(s, "+00:00") {
						t.Errorf("%s.%s stored as %q, want UTC text 2026-03-01 20:00:00+00:00", c.table, c.column, s)
					}
				}
			}

			var days []time.Time
			must("snapshot days", gdb.Model(&bukti.ScoreSnapshot{}).Distinct("day").Pluck("day", &days).Error)
			if len(days) != 1 || days[0].UTC().Format(time.DateOnly) != "2026-03-02" {
				t.Errorf("snapshot days %v, want 2026-03-02 (Jakarta's date at %v)", days, fixed)
			}
		})
	}
}
