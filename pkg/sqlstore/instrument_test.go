package sqlstore_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// statement is one report of Observe.
type statement struct {
	op     string
	failed bool
}

// statements collects what Observe reports.
type statements struct {
	mu  sync.Mutex
	got []statement
}

func (s *statements) observe(op string, d time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d < 0 {
		panic("negative statement duration")
	}
	s.got = append(s.got, statement{op: op, failed: err != nil})
}

func (s *statements) take() []statement {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.got
	s.got = nil
	return out
}

// TestObserve checks, on each database, that statements are reported by
// operation, that a failing statement is reported as failed, and that a
// query finding no row is not.
func TestObserve(t *testing.T) {
	t.Parallel()
	ok := func(op string) statement { return statement{op: op} }
	failed := func(op string) statement { return statement{op: op, failed: true} }
	cases := []struct {
		name string
		run  func(t *testing.T, st *sqlstore.DB, gdb *gorm.DB)
		// want must appear in the reports, in this order (units of work
		// also read and write rows of their own: audit, score cache).
		want []statement
		// exact requires the reports to be exactly want.
		exact bool
	}{
		{
			name: "query",
			run: func(t *testing.T, st *sqlstore.DB, _ *gorm.DB) {
				if _, err := st.Provinces(t.Context()); err != nil {
					t.Fatal(err)
				}
			},
			want: []statement{ok(sqlstore.OpQuery)}, exact: true,
		},
		{
			name: "a query finding no row is not a failure",
			run: func(t *testing.T, st *sqlstore.DB, _ *gorm.DB) {
				if _, err := st.ProvinceByCode(t.Context(), "99"); err == nil {
					t.Fatalf("ProvinceByCode of a missing code: %v", err)
				}
			},
			want: []statement{ok(sqlstore.OpQuery)}, exact: true,
		},
		{
			name: "create in a unit of work",
			run: func(t *testing.T, st *sqlstore.DB, _ *gorm.DB) {
				o := &org.Service{Store: st, Now: time.Now}
				if _, err := o.CreateProvince(t.Context(), "33", "Jawa Tengah", nil); err != nil {
					t.Fatal(err)
				}
			},
			want: []statement{ok(sqlstore.OpCreate)},
		},
		{
			name: "a duplicate create fails",
			run: func(t *testing.T, st *sqlstore.DB, _ *gorm.DB) {
				o := &org.Service{Store: st, Now: time.Now}
				if _, err := o.CreateProvince(t.Context(), "32", "Jawa Barat lagi", nil); err == nil {
					t.Fatal("a second province 32 was created")
				}
			},
			want: []statement{failed(sqlstore.OpCreate)},
		},
		{
			name: "update and delete",
			run: func(t *testing.T, _ *sqlstore.DB, gdb *gorm.DB) {
				if err := gdb.Model(&bukti.Province{}).Where("code = ?", "32").Update("name", "Jabar").Error; err != nil {
					t.Fatal(err)
				}
				if err := gdb.Where("code = ?", "32").Delete(&bukti.Province{}).Error; err != nil {
					t.Fatal(err)
				}
			},
			want: []statement{ok(sqlstore.OpUpdate), ok(sqlstore.OpDelete)}, exact: true,
		},
		{
			name: "row",
			run: func(t *testing.T, _ *sqlstore.DB, gdb *gorm.DB) {
				var n int
				if err := gdb.Raw("SELECT COUNT(*) FROM provinces").Row().Scan(&n); err != nil || n != 1 {
					t.Fatalf("count = %d, %v", n, err)
				}
			},
			want: []statement{ok(sqlstore.OpRow)}, exact: true,
		},
		{
			name: "a failing raw statement",
			run: func(t *testing.T, _ *sqlstore.DB, gdb *gorm.DB) {
				if err := gdb.Exec("UPDATE no_such_table SET x = 1").Error; err == nil {
					t.Fatal("UPDATE of a missing table succeeded")
				}
			},
			want: []statement{failed(sqlstore.OpRaw)}, exact: true,
		},
		{
			name: "a canceled context still reports",
			run: func(t *testing.T, st *sqlstore.DB, _ *gorm.DB) {
				ctx, cancel := context.WithCancel(t.Context())
				cancel()
				if _, err := st.Provinces(ctx); !errors.Is(err, context.Canceled) {
					t.Fatalf("Provinces on a canceled context: %v", err)
				}
			},
			want: []statement{failed(sqlstore.OpQuery)}, exact: true,
		},
	}
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					gdb := testenv.OpenDB(t, kind)
					st := sqlstore.New(gdb, nil)
					if _, err := (&org.Service{Store: st, Now: time.Now}).CreateProvince(t.Context(), "32", "Jawa Barat", nil); err != nil {
						t.Fatal(err)
					}
					var rec statements
					if err := sqlstore.Observe(st, rec.observe); err != nil {
						t.Fatal(err)
					}
					tc.run(t, st.WithClock(time.Now), gdb)
					got := rec.take()
					if tc.exact && !slices.Equal(got, tc.want) || !tc.exact && !subsequence(tc.want, got) {
						t.Errorf("reported %v, want %v", got, tc.want)
					}
				})
			}
		})
	}
}

// TestObserveTwice checks that a second Observe of a handle is refused
// and leaves the first in place.
func TestObserveTwice(t *testing.T) {
	t.Parallel()
	st := sqlstore.New(testenv.OpenDB(t, "sqlite"), nil)
	var first, second statements
	if err := sqlstore.Observe(st, first.observe); err != nil {
		t.Fatal(err)
	}
	if err := sqlstore.Observe(st.WithClock(time.Now), second.observe); err == nil {
		t.Fatal("a second Observe of the same handle succeeded")
	}
	if _, err := st.Provinces(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got, want := first.take(), []statement{{op: sqlstore.OpQuery}}; !slices.Equal(got, want) {
		t.Errorf("the first callback got %v, want %v", got, want)
	}
	if got := second.take(); len(got) != 0 {
		t.Errorf("the refused callback got %v", got)
	}
}

// subsequence reports whether want appears in got in order, not
// necessarily adjacent.
func subsequence(want, got []statement) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}
