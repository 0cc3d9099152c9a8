package testenv

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/db"
)

// schema describes a database's tables and their columns, for comparing
// two databases' schemas.
func schema(t *testing.T, gdb *gorm.DB) string {
	t.Helper()
	tables, err := gdb.Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(tables)
	var b strings.Builder
	for _, table := range tables {
		cols, err := gdb.Migrator().ColumnTypes(table)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cols {
			null, _ := c.Nullable()
			fmt.Fprintf(&b, "%s.%s %s null=%v\n", table, c.Name(), c.DatabaseTypeName(), null)
		}
	}
	return b.String()
}

// TestOpenDB checks that a database copied from the template is what
// migrating an empty database gives, and that copies are independent.
func TestOpenDB(t *testing.T) {
	for _, kind := range DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			migrated, err := db.Open(context.Background(), DatabaseURL(t, kind), Logger(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close(migrated) })
			a, b := OpenDB(t, kind), OpenDB(t, kind)

			want := schema(t, migrated)
			if want == "" {
				t.Fatal("the migrated database has no tables")
			}
			for _, gdb := range []*gorm.DB{a, b} {
				if got := schema(t, gdb); got != want {
					t.Errorf("schema of a copy of the template:\n%s\nwant, as migrated:\n%s", got, want)
				}
				if got, want := Dump(t, gdb, "schema_migrations.applied_at"), Dump(t, migrated, "schema_migrations.applied_at"); got != want {
					t.Errorf("rows of a copy of the template:\n%s\nwant, as migrated:\n%s", got, want)
				}
			}

			if err := a.Exec("INSERT INTO provinces (code, name) VALUES ('99', 'Test')").Error; err != nil {
				t.Fatal(err)
			}
			var n int64
			if err := b.Table("provinces").Count(&n).Error; err != nil || n != 0 {
				t.Errorf("the other copy has %d provinces (%v), want 0", n, err)
			}
			if c := OpenDB(t, kind); c.Table("provinces").Count(&n).Error != nil || n != 0 {
				t.Errorf("a later copy has %d provinces, want 0: the template changed", n)
			}
		})
	}
}

// TestDatabaseURLEmpty checks that DatabaseURL stays empty: tests of
// migrations and of commands that create their database rely on it.
func TestDatabaseURLEmpty(t *testing.T) {
	OpenDB(t, "postgres") // the template exists, and is not what DatabaseURL copies
	for _, kind := range DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			gdb, err := db.OpenRaw(context.Background(), DatabaseURL(t, kind))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close(gdb)
			if tables, err := gdb.Migrator().GetTables(); err != nil || len(tables) != 0 {
				t.Errorf("tables %v (%v), want none", tables, err)
			}
		})
	}
}

// TestDropEndedTemplates checks that a template whose test binary has
// ended is dropped and one still in use is kept.
func TestDropEndedTemplates(t *testing.T) {
	ctx := context.Background()
	s := postgresServer(t)
	sqlDB, err := s.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	ended, alive := randomName(t, "bukti_template_"), randomName(t, "bukti_template_")
	for _, name := range []string{ended, alive} {
		if err := s.db.Exec("CREATE DATABASE " + name).Error; err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.db.Exec("DROP DATABASE IF EXISTS " + name) })
	}
	// alive's binary holds its lock on a session of its own.
	owner, err := sqlDB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if _, err := owner.ExecContext(ctx, "SELECT pg_advisory_lock_shared($1, $2)", templateLockSpace, templateLockKey(alive)); err != nil {
		t.Fatal(err)
	}
	defer owner.ExecContext(ctx, "SELECT pg_advisory_unlock_shared($1, $2)", templateLockSpace, templateLockKey(alive))

	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	dropEndedTemplates(ctx, conn, "")

	exists := func(name string) bool {
		var n int64
		if err := s.db.Raw("SELECT COUNT(*) FROM pg_database WHERE datname = ?", name).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	if exists(ended) {
		t.Errorf("%s, whose binary ended, was kept", ended)
	}
	if !exists(alive) {
		t.Errorf("%s, in use, was dropped", alive)
	}
	if s.template != "" && !exists(s.template) {
		t.Errorf("this binary's own template %s was dropped", s.template)
	}
}
