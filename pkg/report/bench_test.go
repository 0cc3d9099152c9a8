package report_test

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/db"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/report"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/standard"
)

// BenchmarkGaps measures the gap report on a database seeded by
// scripts/bench.sh (bukti demo seed): one district (~40 facilities), one
// province (~500) and the whole country. The baseline is one facility's
// readiness (Evidence.Readiness) on the same database, in the same run.
//
// "district", "province" and "national" measure warm reports: every
// facility's score is in the score cache (bukti.FacilityScore), as after
// the server's daily snapshot. Before its loop each of them empties the
// cache and times one cold report, reported as the cold-ms metric (one
// sample) and its CPU time as cold-cpu-ms. "district-cold" measures the
// cold district report in its loop: the district's cache rows are deleted
// before each iteration (untimed), so every facility is scored from its
// evidence and stored again.
func BenchmarkGaps(b *testing.B) {
	url := os.Getenv("BUKTI_BENCH_DATABASE_URL")
	if url == "" {
		b.Fatal("BUKTI_BENCH_DATABASE_URL is not set: run scripts/bench.sh, which seeds a database first")
	}
	ctx := context.Background()
	gdb, err := db.Open(ctx, url, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close(gdb)
	st := sqlstore.New(gdb, time.Now)
	cat, err := (&standard.Service{Store: st, Now: time.Now}).Active(ctx)
	if err != nil {
		b.Fatal(err)
	}
	ev := &evidence.Service{Store: st, Catalogue: cat, Now: time.Now, Log: slog.New(slog.DiscardHandler)}
	rs := &report.Service{Store: st, Catalogue: cat, Now: time.Now}
	var f bukti.Facility
	var d bukti.District
	var p bukti.Province
	gdb.First(&f)
	gdb.First(&d)
	gdb.First(&p)

	b.Run("baseline-one-facility", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ev.Readiness(ctx, f.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	fs, err := rs.Facilities(ctx, report.Scope{District: d.Code, All: true})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	clear := func(b *testing.B, ids []int64) {
		q := gdb.Where("1 = 1")
		if ids != nil {
			q = gdb.Where("facility_id IN ?", ids)
		}
		if err := q.Delete(&bukti.FacilityScore{}).Error; err != nil {
			b.Fatal(err)
		}
	}
	b.Run("district-cold", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			clear(b, ids)
			b.StartTimer()
			if _, err := rs.Gaps(ctx, report.Scope{District: d.Code, All: true}, report.LevelBab); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(ids)), "facilities")
	})
	for _, tc := range []struct {
		name  string
		scope report.Scope
	}{
		{"district", report.Scope{District: d.Code, All: true}},
		{"province", report.Scope{Province: p.Code, All: true}},
		{"national", report.Scope{All: true}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			clear(b, nil)
			start, cpu := time.Now(), cpuTime(b)
			if _, err := rs.Gaps(ctx, tc.scope, report.LevelBab); err != nil {
				b.Fatal(err)
			}
			cold, coldCPU := time.Since(start), cpuTime(b)-cpu
			b.ReportAllocs()
			var n int
			for b.Loop() {
				g, err := rs.Gaps(ctx, tc.scope, report.LevelBab)
				if err != nil {
					b.Fatal(err)
				}
				n = len(g.Facilities)
			}
			b.ReportMetric(float64(n), "facilities")
			b.ReportMetric(float64(cold.Milliseconds()), "cold-ms")
			b.ReportMetric(float64(coldCPU.Milliseconds()), "cold-cpu-ms")
			if tc.name == "national" {
				nextDay(b, gdb, rs, tc.scope)
			}
		})
	}
}

// cpuTime is the CPU time (user and system, every thread) the benchmark's
// process has used: on a shared machine a steadier measure of the work a
// report does than its wall time. A database server's own work
// (PostgreSQL) is not in it.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// nextDay reports, once, the first report of the next day: a day later
// only the facilities whose evidence crossed a validity date are scored
// again ("rescored"); "next-day-ms" is that report's time.
func nextDay(b *testing.B, gdb *gorm.DB, rs *report.Service, scope report.Scope) {
	tomorrow := time.Now().Add(24 * time.Hour)
	var until []sql.NullTime
	if err := gdb.Model(&bukti.FacilityScore{}).Pluck("until", &until).Error; err != nil {
		b.Fatal(err)
	}
	due := 0
	for _, u := range until {
		if u.Valid && !tomorrow.Before(u.Time) {
			due++
		}
	}
	later := *rs
	later.Now = func() time.Time { return tomorrow }
	start := time.Now()
	if _, err := later.Gaps(context.Background(), scope, report.LevelBab); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(time.Since(start).Milliseconds()), "next-day-ms")
	b.ReportMetric(float64(due), "rescored")
}
