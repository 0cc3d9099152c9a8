package report_test

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/demo"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/report"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// wib is the servers' usual time zone; 02:00 WIB is still the previous
// day in UTC, so the cache's day must follow the local calendar.
var wib = time.FixedZone("WIB", 7*3600)

// cacheEnv is a small seeded world on one database kind.
type cacheEnv struct {
	t        *testing.T
	db       *gorm.DB
	cat      *catalogue.Catalogue
	ev       *evidence.Service
	rs       *report.Service
	now      time.Time // the clock of every service; tests move it
	district string    // code of the district the report covers
	user     int64
}

// newCacheEnv seeds 12 facilities in two districts on the full synthetic
// standard (varied evidence: missing, rejected, expired, TDD, interviewees)
// and adds evidence expiring soon, on the edge of the day and later.
func newCacheEnv(t *testing.T, kind string) *cacheEnv {
	t.Helper()
	ctx := context.Background()
	cat, err := demo.FullStandard()
	if err != nil {
		t.Fatal(err)
	}
	e := &cacheEnv{t: t, db: testenv.OpenDB(t, kind), cat: cat, now: time.Date(2025, time.March, 10, 2, 0, 0, 0, wib)}
	clock := func() time.Time { return e.now }
	st := sqlstore.New(e.db, clock)
	e.ev = &evidence.Service{Store: st, Blobs: testenv.OpenStore(t, "filesystem"), Catalogue: cat, MaxBytes: evidence.DefaultMaxBytes, Now: clock, Log: testenv.Logger(t)}
	e.rs = &report.Service{Store: st, Catalogue: cat, Now: clock}
	if _, err := demo.Seed(ctx, st, cat, demo.SeedOptions{Facilities: 12, Provinces: 1, DistrictsPerProvince: 2, Seed: 3, Now: e.now}); err != nil {
		t.Fatalf("seed: %v", err)
	}
	var d bukti.District
	if err := e.db.Order("id").First(&d).Error; err != nil {
		t.Fatal(err)
	}
	e.district = d.Code
	e.db.Model(&bukti.User{}).Where("email = ?", demo.DemoUserEmail).Pluck("id", &e.user)
	req := e.fileRequirement()
	for i, f := range e.facilities() {
		date := func(days int) *time.Time {
			v := time.Date(2025, time.March, 10+days, 0, 0, 0, 0, time.UTC)
			return &v
		}
		for j, until := range []*time.Time{date(0), date(10), date(29), date(30), date(45), date(-1)} {
			if (i+j)%2 == 0 {
				e.upload(f.ID, req, evidence.Meta{Title: fmt.Sprintf("Dokumen %d", j), ValidUntil: until})
			}
		}
	}
	return e
}

// facilities returns the facilities of the report's district, by name.
func (e *cacheEnv) facilities() []bukti.Facility {
	e.t.Helper()
	fs, err := e.rs.Facilities(context.Background(), report.Scope{District: e.district, All: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return fs
}

// fileRequirement is the first requirement that takes a file without
// stage or part.
func (e *cacheEnv) fileRequirement() string {
	for _, r := range e.requirements() {
		if r.Method.NeedsFile() && len(r.Stages) == 0 && len(r.Parts) == 0 {
			return r.ID
		}
	}
	e.t.Fatal("no plain file requirement in the catalogue")
	return ""
}

func (e *cacheEnv) requirements() []catalogue.Requirement {
	var out []catalogue.Requirement
	for _, b := range e.cat.Bab {
		for _, s := range b.Standar {
			for _, k := range s.Kriteria {
				for _, el := range k.Elements {
					out = append(out, el.Requirements...)
				}
			}
		}
	}
	return out
}

func (e *cacheEnv) upload(facility int64, req string, meta evidence.Meta) bukti.Evidence {
	e.t.Helper()
	ctx := context.Background()
	st, err := e.ev.Stage(ctx, "dokumen.pdf", bytes.NewReader(testenv.PDF(fmt.Sprintf("%d %s %s", facility, req, meta.Title))))
	if err != nil {
		e.t.Fatal(err)
	}
	evs, err := e.ev.Create(ctx, evidence.Upload{FacilityID: facility, Requirements: []string{req}, Meta: meta, By: e.user}, st)
	if err != nil {
		e.t.Fatalf("upload %s: %v", req, err)
	}
	return evs[0]
}

// cached counts the facility's cache rows (all facilities when id is 0).
func (e *cacheEnv) cached(id int64) int64 {
	e.t.Helper()
	q := e.db.Model(&bukti.FacilityScore{})
	if id != 0 {
		q = q.Where("facility_id = ?", id)
	}
	var n int64
	if err := q.Count(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *cacheEnv) gaps(level report.Level) *report.Gaps {
	e.t.Helper()
	g, err := e.rs.Gaps(context.Background(), report.Scope{District: e.district, All: true}, level)
	if err != nil {
		e.t.Fatalf("gaps: %v", err)
	}
	return g
}

// reference builds the report the way it was built before the cache: each
// facility's readiness.Score on its evidence, folded field by field.
func (e *cacheEnv) reference(level report.Level) *report.Gaps {
	e.t.Helper()
	ctx := context.Background()
	fs := e.facilities()
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	ins, err := e.ev.Inputs(ctx, ids)
	if err != nil {
		e.t.Fatal(err)
	}
	g := &report.Gaps{Catalogue: e.cat.ID + "@" + e.cat.Version, Level: level, StatusCounts: map[string]int{}, GeneratedAt: e.now}
	for _, b := range e.cat.Bab {
		if level == report.LevelBab {
			g.Columns = append(g.Columns, b.ID)
		}
		for _, s := range b.Standar {
			for _, k := range s.Kriteria {
				if level == report.LevelKriteria {
					g.Columns = append(g.Columns, k.ID)
				}
				for _, el := range k.Elements {
					if level == report.LevelEP {
						g.Columns = append(g.Columns, el.ID)
					}
				}
			}
		}
	}
	notMet, applicable := map[string]int{}, map[string]int{}
	for _, f := range fs {
		in := ins[f.ID]
		rep := readiness.Score(e.cat, in)
		g.Unprojectable = rep.Unprojectable
		row := report.FacilityRow{ID: f.ID, Code: f.Code, Name: f.Name, District: f.District.Name, Status: rep.Status,
			Partial: rep.Partial, TDDProposed: rep.TDDProposed}
		if rep.WithoutTDD != nil {
			row.StatusWithoutTDD = rep.WithoutTDD.Status
		}
		percents := map[string]float64{}
		for _, b := range rep.Bab {
			if b.Assessed {
				percents[b.ID] = b.Percent
			}
			if level == report.LevelBab {
				row.Cells = append(row.Cells, report.Cell{ID: b.ID, Percent: b.Percent, Assessed: b.Assessed})
			}
			for _, s := range b.Standar {
				for _, k := range s.Kriteria {
					if level == report.LevelKriteria {
						row.Cells = append(row.Cells, report.Cell{ID: k.ID, Percent: k.Percent, Assessed: k.Assessed})
					}
					for _, el := range k.Elements {
						if level == report.LevelEP {
							c := report.Cell{ID: el.ID}
							if v, ok := el.Suggestion(); ok {
								c.Percent, c.Assessed = float64(v)/float64(e.cat.Scoring.Max())*100, true
							}
							row.Cells = append(row.Cells, c)
						}
						for _, r := range el.Requirements {
							if !r.Counted {
								continue
							}
							applicable[r.ID]++
							if r.Met {
								continue
							}
							notMet[r.ID]++
							switch r.Problem() {
							case readiness.ProblemRejected:
								row.Rejected++
							case readiness.ProblemExpired:
								row.Expired++
							case readiness.ProblemMissing:
								row.Missing++
							}
						}
					}
				}
			}
		}
		for _, it := range in.Items {
			if !it.Rejected && report.ExpiringSoon(it.ValidUntil, e.now) {
				row.Expiring++
			}
		}
		if i := slices.IndexFunc(e.cat.Scoring.Statuses, func(s catalogue.Status) bool { return s.Name == rep.Status }); i != 0 && !rep.Partial {
			if i < 0 {
				i = len(e.cat.Scoring.Statuses)
			}
			next := e.cat.Scoring.Statuses[i-1]
			row.NextStatus = next.Name
			for bab, p := range percents {
				if m, ok := next.Min[bab]; ok && p < m {
					row.Distance += m - p
				}
			}
		}
		if rep.Partial {
			g.Partial++
		} else {
			g.StatusCounts[rep.Status]++
		}
		g.Facilities = append(g.Facilities, row)
	}
	for id, n := range notMet {
		r, _, _ := e.cat.Requirement(id)
		g.MostMissing = append(g.MostMissing, report.MissingRow{RequirementID: id, Title: r.Title, Facilities: n, Share: float64(n) / float64(applicable[id])})
	}
	slices.SortFunc(g.MostMissing, func(x, y report.MissingRow) int {
		return cmp.Or(cmp.Compare(y.Facilities, x.Facilities), cmp.Compare(x.RequirementID, y.RequirementID))
	})
	if len(g.MostMissing) > report.TopMissing {
		g.MostMissing = g.MostMissing[:report.TopMissing]
	}
	return g
}

// same fails unless got equals want. Distances may differ in the last
// bits only: the reference sums them in map order.
func (e *cacheEnv) same(what string, got, want *report.Gaps) {
	e.t.Helper()
	if len(got.Facilities) != len(want.Facilities) {
		e.t.Fatalf("%s: %d facilities, want %d", what, len(got.Facilities), len(want.Facilities))
	}
	g, w := *got, *want
	g.Facilities, w.Facilities = nil, nil
	if !reflect.DeepEqual(g.Columns, w.Columns) || !reflect.DeepEqual(g.MostMissing, w.MostMissing) || !reflect.DeepEqual(g.StatusCounts, w.StatusCounts) {
		e.t.Errorf("%s: columns, most missing or status counts differ:\n%v %v %v\nwant\n%v %v %v", what,
			g.Columns, g.MostMissing[:min(5, len(g.MostMissing))], g.StatusCounts, w.Columns, w.MostMissing[:min(5, len(w.MostMissing))], w.StatusCounts)
	}
	g.Columns, g.MostMissing, g.StatusCounts, w.Columns, w.MostMissing, w.StatusCounts = nil, nil, nil, nil, nil, nil
	if !reflect.DeepEqual(g, w) {
		e.t.Errorf("%s: report\n%+v\nwant\n%+v", what, g, w)
	}
	for i := range got.Facilities {
		gr, wr := got.Facilities[i], want.Facilities[i]
		if math.Abs(gr.Distance-wr.Distance) > 1e-9 {
			e.t.Errorf("%s: %s distance %v, want %v", what, gr.Code, gr.Distance, wr.Distance)
		}
		gr.Distance, wr.Distance = 0, 0
		if !reflect.DeepEqual(gr, wr) {
			e.t.Errorf("%s: row\n%+v\nwant\n%+v", what, gr, wr)
		}
	}
}

// TestScoreCache checks that gap reports and snapshots give the numbers of
// readiness.Score whether built cold (from evidence) or warm (from the
// score cache), and that every write to a facility's readiness inputs
// invalidates its cached score.
func TestScoreCache(t *testing.T) {
	t.Parallel()
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newCacheEnv(t, kind)
			ctx := context.Background()
			fs := e.facilities()
			if len(fs) < 4 {
				t.Fatalf("district has %d facilities", len(fs))
			}

			t.Run("cold and warm equal the direct computation", func(t *testing.T) {
				var rejected, expired, expiring, missing int
				for _, level := range []report.Level{report.LevelBab, report.LevelKriteria, report.LevelEP} {
					if err := e.db.Where("1 = 1").Delete(&bukti.FacilityScore{}).Error; err != nil {
						t.Fatal(err)
					}
					want := e.reference(level)
					cold := e.gaps(level)
					if n := e.cached(0); n != int64(len(fs)) {
						t.Errorf("%s: %d cache rows after a cold report, want %d", level, n, len(fs))
					}
					warm := e.gaps(level)
					e.same(string(level)+" cold", cold, want)
					e.same(string(level)+" warm", warm, want)
					for _, r := range warm.Facilities {
						rejected, expired, expiring, missing = rejected+r.Rejected, expired+r.Expired, expiring+r.Expiring, missing+r.Missing
					}
				}
				if rejected == 0 || expired == 0 || expiring == 0 || missing == 0 {
					t.Errorf("the district should show every problem: rejected %d, expired %d, expiring %d, missing %d", rejected, expired, expiring, missing)
				}
			})

			t.Run("warm reports read the cache", func(t *testing.T) {
				g := e.gaps(report.LevelBab)
				j := slices.IndexFunc(g.Facilities, func(r report.FacilityRow) bool { return !reflect.DeepEqual(r.Cells, g.Facilities[0].Cells) })
				if j < 0 {
					t.Fatal("every facility scores the same")
				}
				// Give the first facility another one's cached score.
				var p string
				e.db.Model(&bukti.FacilityScore{}).Where("facility_id = ?", fs[j].ID).Pluck("payload", &p)
				e.db.Model(&bukti.FacilityScore{}).Where("facility_id = ?", fs[0].ID).Update("payload", p)
				g = e.gaps(report.LevelBab)
				if !reflect.DeepEqual(g.Facilities[0].Cells, g.Facilities[j].Cells) {
					t.Errorf("a warm report did not use the cached score: %+v vs %+v", g.Facilities[0], g.Facilities[j])
				}
				// A payload of the previous version (scored under the
				// earlier readiness rules) is recomputed, not trusted.
				e.db.Model(&bukti.FacilityScore{}).Where("facility_id = ?", fs[0].ID).Update("payload", "s1"+strings.TrimPrefix(p, "s2"))
				e.same("previous version", e.gaps(report.LevelBab), e.reference(report.LevelBab))
				// A damaged payload is recomputed, not trusted.
				e.db.Model(&bukti.FacilityScore{}).Where("facility_id = ?", fs[0].ID).Update("payload", "s2;x;y;")
				e.same("damaged payload", e.gaps(report.LevelBab), e.reference(report.LevelBab))
			})

			req := e.fileRequirement()
			_, place, _ := e.cat.Requirement(req)
			elementID := place.Element.ID
			f := fs[2].ID
			w, role := e.unnamedRole(f)
			var target bukti.Evidence
			// Every write drops the facility's cached score; all but naming
			// an interviewee change its report. Interviewees are interview
			// preparation and never change a score (readiness rules).
			writes := []struct {
				name  string
				write func() error
			}{
				{"upload", func() error {
					target = e.upload(f, req, evidence.Meta{Title: "Baru", ValidUntil: ptr(time.Date(2025, time.March, 20, 0, 0, 0, 0, time.UTC))})
					return nil
				}},
				{"review rejects", func() error {
					evs, err := e.ev.List(ctx, f, evidence.Filter{})
					if err != nil {
						return err
					}
					return e.ev.Run(ctx, nil, func(tx *sqlstore.Tx) error {
						for _, ev := range evs {
							if _, err := e.ev.SetVerdict(tx, f, ev.ID, ev.Latest().Number, evidence.Verdict{Review: bukti.ReviewRejected}); err != nil {
								return err
							}
						}
						return nil
					})
				}},
				{"revision", func() error {
					st, err := e.ev.Stage(ctx, "revisi.pdf", bytes.NewReader(testenv.PDF("revisi")))
					if err != nil {
						return err
					}
					_, err = e.ev.AddRevision(ctx, target.ID, e.user, st)
					return err
				}},
				{"valid-until", func() error {
					_, err := e.ev.UpdateMeta(ctx, target.ID, e.user, evidence.Meta{Title: "Baru", ValidUntil: ptr(time.Date(2025, time.March, 1, 0, 0, 0, 0, time.UTC))})
					return err
				}},
				{"delete", func() error { return e.ev.Delete(ctx, target.ID, e.user) }},
				{"TDD", func() error {
					_, err := e.ev.SetNotApplicable(ctx, f, elementID, "Tidak ada kegiatan ini di wilayah kerja.", e.user)
					return err
				}},
				{"TDD cleared", func() error { return e.ev.ClearNotApplicable(ctx, f, elementID, e.user) }},
				{"interviewee", func() error {
					_, err := e.ev.SetInterviewee(ctx, bukti.Interviewee{FacilityID: f, RequirementID: w, Role: role, Name: "Ibu Sari", UpdatedBy: e.user})
					return err
				}},
			}
			for _, wr := range writes {
				t.Run("after "+wr.name, func(t *testing.T) {
					before := e.gaps(report.LevelEP)
					if e.cached(f) != 1 {
						t.Fatalf("facility not cached before the write")
					}
					if err := wr.write(); err != nil {
						t.Fatalf("write: %v", err)
					}
					if n := e.cached(f); n != 0 {
						t.Errorf("%d cache rows left after the write", n)
					}
					after := e.gaps(report.LevelEP)
					e.same("after "+wr.name, after, e.reference(report.LevelEP))
					unchanged := wr.name == "interviewee"
					if changed := !reflect.DeepEqual(before, after); changed == unchanged {
						t.Errorf("the report changed: %v, want %v", changed, !unchanged)
					}
				})
			}

			t.Run("time recomputes only what it changes", func(t *testing.T) {
				if _, err := e.rs.Warm(context.Background()); err != nil {
					t.Fatal(err)
				}
				var rows []bukti.FacilityScore
				e.db.Find(&rows)
				next, err := e.rs.NextChange(context.Background())
				if err != nil || next == nil {
					t.Fatalf("NextChange = %v, %v", next, err)
				}
				reached := false
				for _, r := range rows {
					if r.Until != nil && r.Until.Before(*next) {
						t.Errorf("NextChange %v is after facility %d's until %v", next, r.FacilityID, r.Until)
					}
					reached = reached || (r.Until != nil && r.Until.Equal(*next))
				}
				if !reached {
					t.Errorf("NextChange %v is no facility's until", next)
				}
				tomorrow := e.now.Add(24 * time.Hour)
				due := 0 // rows whose readiness changes by tomorrow
				for _, r := range rows {
					if r.Until != nil && !r.Until.After(e.now) {
						t.Errorf("facility %d cached until %v, not after now %v", r.FacilityID, r.Until, e.now)
					}
					if r.Until != nil && !tomorrow.Before(*r.Until) {
						due++
					}
				}
				e.now = tomorrow
				if n, err := e.rs.Warm(context.Background()); err != nil || n != due || due == 0 || due == len(rows) {
					t.Errorf("a day later Warm scored %d facilities (%v), want the %d of %d whose evidence crossed a date", n, err, due, len(rows))
				}
				e.same("next day", e.gaps(report.LevelBab), e.reference(report.LevelBab))
				e.same("next day, EP", e.gaps(report.LevelEP), e.reference(report.LevelEP))
				e.now = e.now.Add(20 * 24 * time.Hour)
				e.same("three weeks later", e.gaps(report.LevelEP), e.reference(report.LevelEP))
			})

			t.Run("warm scores what changed", func(t *testing.T) {
				e.db.Where("1 = 1").Delete(&bukti.FacilityScore{})
				var all int64
				e.db.Model(&bukti.Facility{}).Count(&all)
				if n, err := e.rs.Warm(ctx); err != nil || n != int(all) {
					t.Errorf("cold warm-up scored %d of %d facilities (%v)", n, all, err)
				}
				if err := e.ev.ClearNotApplicable(ctx, f, elementID, e.user); err == nil {
					t.Fatal("the TDD mark should be cleared already")
				}
				e.upload(f, req, evidence.Meta{Title: "Lagi"})
				if n, err := e.rs.Warm(ctx); err != nil || n != 1 {
					t.Errorf("warm-up after one upload scored %d facilities (%v), want 1", n, err)
				}
			})

			t.Run("snapshot equals readiness and warms the cache", func(t *testing.T) {
				e.db.Where("1 = 1").Delete(&bukti.FacilityScore{})
				for range 2 { // cold, then warm
					n, err := e.rs.Snapshot(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if c := e.cached(0); c != int64(n) {
						t.Errorf("%d cache rows after the snapshot of %d facilities", c, n)
					}
					var snaps []bukti.ScoreSnapshot
					e.db.Where("day = ?", report.Day(e.now)).Order("facility_id, bab_id").Find(&snaps)
					if len(snaps) != n*len(e.cat.Bab) {
						t.Fatalf("%d snapshot rows for %d facilities", len(snaps), n)
					}
					for _, s := range snaps {
						rep, err := e.ev.Readiness(ctx, s.FacilityID)
						if err != nil {
							t.Fatal(err)
						}
						i := slices.IndexFunc(rep.Bab, func(b readiness.BabScore) bool { return b.ID == s.BabID })
						if b := rep.Bab[i]; s.Percent != b.Percent || s.Assessed != b.Assessed || s.Status != rep.Status {
							t.Errorf("snapshot %+v, readiness Bab %s %.4f %v %s", s, b.ID, b.Percent, b.Assessed, rep.Status)
						}
					}
				}
			})
		})
	}
}

// unnamedRole finds a W requirement the facility has named nobody for,
// and its first role.
func (e *cacheEnv) unnamedRole(facility int64) (string, string) {
	e.t.Helper()
	for _, r := range e.requirements() {
		var n int64
		e.db.Model(&bukti.Interviewee{}).Where("facility_id = ? AND requirement_id = ?", facility, r.ID).Count(&n)
		if r.Method == catalogue.Wawancara && n == 0 {
			return r.ID, r.Interviewees[0]
		}
	}
	e.t.Fatal("every interviewee is named")
	return "", ""
}

func ptr[T any](v T) *T { return &v }
