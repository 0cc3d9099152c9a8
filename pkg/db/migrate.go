package db

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// migrationFiles holds the frozen migrations: for each version one file per
// dialect, NNNN_what_it_does.sqlite.sql and NNNN_what_it_does.postgres.sql.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// dialects are the databases every migration has a file for, by gorm's
// dialector name.
var dialects = []string{"sqlite", "postgres"}

// migration is one schema change. Once released, a migration is never
// edited: add a new one.
type migration struct {
	version int
	name    string              // recorded in schema_migrations: the file name's words
	stmts   map[string][]string // by dialect, in order
}

// goSteps run in a migration's transaction before its SQL, for what plain
// SQL cannot say on both databases. Like the files they are frozen: they
// name tables and columns and hold SQL text, never a pkg/bukti struct.
var goSteps = map[int]func(tx *gorm.DB) error{
	2: addSurveyVisitColumns,
}

// surveyVisitColumns are the columns surveys gained with migration 2, as
// gorm's AutoMigrate of the Survey struct added them to a database whose
// migration 1 predated them (result came a little later, but a database of
// that age got it from migration 2 as well). A fresh database has them
// from migration 1, frozen with surveys as the struct had grown by the
// release of 7b71082.
var surveyVisitColumns = []struct{ name, sqlite, postgres string }{
	{"catalogue", `text NOT NULL DEFAULT ""`, `varchar(130) NOT NULL DEFAULT ''`},
	{"mode", `text NOT NULL DEFAULT "onsite"`, `varchar(16) NOT NULL DEFAULT 'onsite'`},
	{"lead_id", `integer`, `bigint`},
	{"submitted_at", `datetime`, `timestamptz`},
	{"finalized_at", `datetime`, `timestamptz`},
	{"finalized_by", `integer`, `bigint`},
	{"status", `text NOT NULL DEFAULT ""`, `varchar(64) NOT NULL DEFAULT ''`},
	{"result", `text NOT NULL DEFAULT ""`, `text NOT NULL DEFAULT ''`},
}

// addSurveyVisitColumns adds the surveyVisitColumns surveys lacks, with the
// statements gorm ran for them.
func addSurveyVisitColumns(tx *gorm.DB) error {
	postgres := tx.Dialector.Name() == "postgres"
	for _, c := range surveyVisitColumns {
		var n int64
		has := "SELECT COUNT(*) FROM pragma_table_info('surveys') WHERE name = ?"
		if postgres {
			has = "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = CURRENT_SCHEMA() AND table_name = 'surveys' AND column_name = ?"
		}
		if err := tx.Raw(has, c.name).Scan(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		add := "ALTER TABLE `surveys` ADD `" + c.name + "` " + c.sqlite
		if postgres {
			add = `ALTER TABLE "surveys" ADD "` + c.name + `" ` + c.postgres
		}
		if err := tx.Exec(add).Error; err != nil {
			return err
		}
	}
	return nil
}

var migrationFileName = regexp.MustCompile(`^([0-9]{4})_([a-z0-9]+(?:_[a-z0-9]+)*)\.([a-z]+)\.sql$`)

// loadMigrations reads the migrations of fsys's migrations directory and
// checks that they are complete: versions 1, 2, 3 … without a gap, each
// with one file per dialect, both of the same name.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, "migrations")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]*migration{}
	for _, e := range entries {
		m := migrationFileName.FindStringSubmatch(e.Name())
		if m == nil || !slices.Contains(dialects, m[3]) {
			return nil, fmt.Errorf("migrations/%s: name it NNNN_what_it_does.sqlite.sql or NNNN_what_it_does.postgres.sql", e.Name())
		}
		version, _ := strconv.Atoi(m[1])
		if version == 0 {
			return nil, fmt.Errorf("migrations/%s: versions start at 0001", e.Name())
		}
		name, dialect := strings.ReplaceAll(m[2], "_", " "), m[3]
		mig := byVersion[version]
		if mig == nil {
			mig = &migration{version: version, name: name, stmts: map[string][]string{}}
			byVersion[version] = mig
		}
		if mig.name != name {
			return nil, fmt.Errorf("migrations/%s: migration %d is %q in its other file: give both files the same name", e.Name(), version, mig.name)
		}
		text, err := fs.ReadFile(fsys, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		stmts, err := splitStatements(string(text))
		if err != nil {
			return nil, fmt.Errorf("migrations/%s: %w", e.Name(), err)
		}
		mig.stmts[dialect] = stmts
	}
	out := make([]migration, 0, len(byVersion))
	for v := 1; v <= len(byVersion); v++ {
		mig := byVersion[v]
		if mig == nil {
			return nil, fmt.Errorf("migrations: no migration %d: versions run 1, 2, 3 … without a gap", v)
		}
		for _, d := range dialects {
			if len(mig.stmts[d]) == 0 {
				return nil, fmt.Errorf("migrations: migration %d (%s) has no %s file: add migrations/%04d_%s.%s.sql", v, mig.name, d, v, strings.ReplaceAll(mig.name, " ", "_"), d)
			}
		}
		out = append(out, *mig)
	}
	return out, nil
}

// splitStatements splits a migration file into its statements. A
// statement ends with a semicolon at the end of a line; lines starting with
// "--" are comments and left out. Other lines are kept as written: SQLite
// stores a CREATE statement's text.
func splitStatements(text string) ([]string, error) {
	var stmts, cur []string
	for line := range strings.Lines(text) {
		line = strings.TrimRight(line, "\r\n")
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") || (trimmed == "" && len(cur) == 0) {
			continue
		}
		if stmt, ok := strings.CutSuffix(strings.TrimRight(line, " \t"), ";"); ok {
			stmts = append(stmts, strings.Join(append(cur, stmt), "\n"))
			cur = nil
			continue
		}
		cur = append(cur, line)
	}
	if len(cur) > 0 {
		return nil, fmt.Errorf("the last statement has no semicolon at the end of its line")
	}
	return stmts, nil
}

// up applies the migration inside tx: its Go step, if any, then its
// statements for tx's database.
func (m migration) up(tx *gorm.DB) error {
	dialect := tx.Dialector.Name()
	stmts, ok := m.stmts[dialect]
	if !ok {
		return fmt.Errorf("no migration for a %s database", dialect)
	}
	if step := goSteps[m.version]; step != nil {
		if err := step(tx); err != nil {
			return err
		}
	}
	for i, stmt := range stmts {
		if err := tx.Exec(stmt).Error; err != nil {
			return fmt.Errorf("statement %d of migrations/%04d_*.%s.sql: %w", i+1, m.version, dialect, err)
		}
	}
	return nil
}

type schemaMigration struct {
	Version   int `gorm:"primaryKey;autoIncrement:false"`
	Name      string
	AppliedAt time.Time
}

// migrate applies every migration not yet recorded in schema_migrations.
// On PostgreSQL an advisory lock keeps app servers starting together from
// racing each other.
func migrate(ctx context.Context, gdb *gorm.DB) error {
	migrations, err := loadMigrations(migrationFiles)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	gdb = gdb.WithContext(ctx)
	if gdb.Dialector.Name() == "postgres" {
		// All of migrate runs on one pooled connection so the session lock
		// and its unlock meet.
		return gdb.Connection(func(conn *gorm.DB) error {
			if err := conn.Exec("SELECT pg_advisory_lock(7402913)").Error; err != nil {
				return fmt.Errorf("database: lock for migrations: %w", err)
			}
			defer conn.Exec("SELECT pg_advisory_unlock(7402913)")
			return applyPending(conn, migrations)
		})
	}
	return applyPending(gdb, migrations)
}

func applyPending(conn *gorm.DB, migrations []migration) error {
	// Each statement starts from a clean session: the handle from
	// gorm.Connection would otherwise carry one statement's model into the
	// next.
	gdb := func() *gorm.DB { return conn.Session(&gorm.Session{NewDB: true}) }
	if err := gdb().AutoMigrate(&schemaMigration{}); err != nil {
		return fmt.Errorf("database: create schema_migrations: %w", err)
	}
	var done []int
	if err := gdb().Model(&schemaMigration{}).Pluck("version", &done).Error; err != nil {
		return fmt.Errorf("database: read schema_migrations: %w", err)
	}
	applied := map[int]bool{}
	for _, v := range done {
		applied[v] = true
	}
	for _, m := range migrations {
		if applied[m.version] {
			continue
		}
		err := gdb().Transaction(func(tx *gorm.DB) error {
			if err := m.up(tx); err != nil {
				return err
			}
			return tx.Session(&gorm.Session{NewDB: true}).Create(&schemaMigration{Version: m.version, Name: m.name, AppliedAt: time.Now().UTC()}).Error
		})
		if err != nil {
			return fmt.Errorf("database: migration %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}
