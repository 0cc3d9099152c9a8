package sqlstore_test

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/db"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// auditUnit is a small unit of work: one audit row.
func auditUnit(d *sqlstore.DB, ctx context.Context) error {
	return d.Run(ctx, nil, func(t *sqlstore.Tx) error {
		return t.Audit(audit.Entry{Action: "test.fault", ObjectType: "test", ObjectID: "1"})
	})
}

// TestPostgresOutage puts a proxy between the store and PostgreSQL and
// breaks it: a server that hangs and one that is gone. Reads, units and
// pings fail with ErrUnavailable within a bound that only catches hangs,
// and the same store serves again once the server is back.
func TestPostgresOutage(t *testing.T) {
	u, err := url.Parse(testenv.MigratedDatabaseURL(t, "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	proxy := testenv.NewFaultProxy(t, u.Host)
	u.Host = proxy.Addr
	ctx := context.Background()
	gdb, err := db.OpenRaw(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(gdb) })
	d := sqlstore.New(gdb, nil)
	d.SetTimeout(time.Second)
	if err := auditUnit(d, ctx); err != nil {
		t.Fatal(err)
	}
	ops := map[string]func() error{
		"read": func() error { _, err := d.Provinces(ctx); return err },
		"unit": func() error { return auditUnit(d, ctx) },
		"ping": func() error {
			pctx, cancel := context.WithTimeout(ctx, time.Second)
			defer cancel()
			return d.Ping(pctx)
		},
	}
	for _, fault := range []struct {
		name string
		fail func()
	}{{"frozen", proxy.Freeze}, {"down", proxy.Down}} {
		t.Run(fault.name, func(t *testing.T) {
			fault.fail()
			for name, op := range ops {
				start := time.Now()
				if err := op(); !errors.Is(err, sqlstore.ErrUnavailable) {
					t.Errorf("%s: err = %v, want ErrUnavailable", name, err)
				}
				if took := time.Since(start); took > 30*time.Second {
					t.Errorf("%s: answered after %v", name, took)
				}
			}
			if err := proxy.Heal(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(30 * time.Second)
			for auditUnit(d, ctx) != nil && time.Now().Before(deadline) {
				time.Sleep(100 * time.Millisecond)
			}
			for name, op := range ops {
				if err := op(); err != nil {
					t.Errorf("%s after the server came back: %v", name, err)
				}
			}
		})
	}
}

// TestSQLiteWriterTurn checks that SQLite units queue for their turn
// within the timeout: a unit that holds the turn too long fails with
// ErrUnavailable, and so does one that cannot get it in time, and neither
// is a "database is locked".
func TestSQLiteWriterTurn(t *testing.T) {
	d := sqlstore.New(testenv.OpenDB(t, "sqlite"), nil)
	d.SetTimeout(300 * time.Millisecond)
	ctx := context.Background()
	holding := make(chan struct{})
	slow := make(chan error, 1)
	go func() {
		slow <- d.Run(ctx, nil, func(*sqlstore.Tx) error {
			close(holding)
			time.Sleep(time.Second)
			return nil
		})
	}()
	<-holding
	if err := auditUnit(d, ctx); !errors.Is(err, sqlstore.ErrUnavailable) {
		t.Errorf("a unit waiting for the turn longer than the timeout: %v, want ErrUnavailable", err)
	}
	if err := <-slow; !errors.Is(err, sqlstore.ErrUnavailable) {
		t.Errorf("a unit running longer than the timeout: %v, want ErrUnavailable", err)
	}
	if err := auditUnit(d, ctx); err != nil {
		t.Errorf("a unit after the slow one: %v", err)
	}
}

// TestSQLiteManyWriters runs 40 writers and 20 readers at once on SQLite:
// no unit may fail (SQLite has one writer; the units queue for it).
func TestSQLiteManyWriters(t *testing.T) {
	d := sqlstore.New(testenv.OpenDB(t, "sqlite"), nil)
	d.SetTimeout(15 * time.Second)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 60*20)
	for range 40 {
		wg.Go(func() {
			for range 10 {
				if err := auditUnit(d, ctx); err != nil {
					errs <- err
				}
			}
		})
	}
	for range 20 {
		wg.Go(func() {
			for range 20 {
				if _, err := d.Provinces(ctx); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
