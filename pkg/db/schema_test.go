package db_test

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/db"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// models are the live structs of pkg/bukti that own tables.
// TestSchemaMatchesStructs checks that the migrations create what gorm's
// AutoMigrate makes of them, and that every struct of pkg/bukti with gorm
// tags is listed here.
var models = []any{
	&bukti.Province{}, &bukti.District{}, &bukti.Facility{},
	&bukti.User{}, &bukti.RoleBinding{}, &bukti.Session{},
	&bukti.Survey{}, &bukti.SelfAssessment{}, &bukti.SnapshotItem{}, &bukti.SurveyScore{}, &bukti.PPSItem{},
	&bukti.Evidence{}, &bukti.Revision{}, &bukti.NotApplicable{}, &bukti.Interviewee{},
	&bukti.AuditEntry{}, &bukti.CatalogueVersion{}, &bukti.ScoreSnapshot{},
	&bukti.FacilityScore{}, &bukti.LoginThrottle{},
}

// sqlOnlyTables are the tables the migrations create that no struct of
// models describes, and who owns them.
var sqlOnlyTables = map[string]string{
	"schema_migrations":  "pkg/db's record of applied migrations",
	"survey_teams":       "pkg/sqlstore's surveyTeamMember (surveys' frozen teams), created by migration 5's SQL",
	"integrity_runs":     "pkg/sqlstore's integrity.go (fsck runs and scrub passes), created by migration 7's SQL",
	"damaged_blobs":      "pkg/sqlstore's integrity.go (damaged file contents), created by migration 7's SQL",
	"scrub_state":        "pkg/sqlstore's integrity.go (the scrub's progress and lease), created by migration 7's SQL",
	"readiness_versions": "pkg/sqlstore's versions of facilities' readiness inputs (tx.go), created by migration 8's SQL",
	"access_version":     "pkg/sqlstore's version of sessions, users, role bindings, organisation and survey states (access.go), created by migration 9's SQL",
}

// sqlOnlyIndexes are the indexes the migrations create that no struct's
// gorm tags can describe (an index on an expression), by table, and who
// owns them.
var sqlOnlyIndexes = map[string]map[string]string{
	"evidences": {
		"idx_evidence_readiness_record": "pkg/sqlstore's readiness records read from an index on their expression (readiness.go), created by migration 10 on SQLite",
	},
}

// TestSchemaMatchesStructs migrates a fresh database and compares its
// schema with the one gorm's AutoMigrate of the live structs creates on
// another fresh database. It fails when a struct changed without a
// migration making the same change.
func TestSchemaMatchesStructs(t *testing.T) {
	t.Parallel()
	checkModelsComplete(t)
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			migrated := openMigrated(t, emptyDatabase(t, kind))
			next := len(appliedVersions(t, migrated)) + 1
			structs := openRaw(t, emptyDatabase(t, kind))
			if err := structs.AutoMigrate(models...); err != nil {
				t.Fatalf("AutoMigrate of the live structs: %v", err)
			}

			got, want := describe(t, migrated), describe(t, structs)
			for table, owner := range sqlOnlyTables {
				if _, ok := got[table]; !ok {
					t.Errorf("the migrations create no table %s (%s): drop it from sqlOnlyTables if it is gone", table, owner)
				}
				if _, ok := want[table]; ok {
					t.Errorf("table %s is in sqlOnlyTables but a struct of models describes it: drop it from sqlOnlyTables", table)
				}
				delete(got, table)
			}
			if kind == "sqlite" {
				for table, indexes := range sqlOnlyIndexes {
					for name, owner := range indexes {
						i := slices.IndexFunc(got[table], func(line string) bool { return strings.HasPrefix(line, "INDEX "+name+" ") })
						if i < 0 {
							t.Errorf("the migrations create no index %s on %s (%s): drop it from sqlOnlyIndexes if it is gone", name, table, owner)
							continue
						}
						got[table] = slices.Delete(got[table], i, i+1)
					}
				}
			}
			if d := diff(got, want); d != "" {
				t.Errorf("the schema the migrations create (-) differs from what gorm makes of the live structs of pkg/bukti (+) on %s:\n%s\n"+
					"A struct changed without a migration: add migration %d, pkg/db/migrations/%04d_what_it_does.sqlite.sql and .postgres.sql, "+
					"that makes this change (never edit a released migration; see the package comment of pkg/db)",
					kind, d, next, next)
			}
		})
	}
}

// checkModelsComplete fails for a struct of pkg/bukti with gorm tags that
// models does not list.
func checkModelsComplete(t *testing.T) {
	t.Helper()
	listed := map[string]bool{}
	for _, m := range models {
		listed[reflect.TypeOf(m).Elem().Name()] = true
	}
	files, err := filepath.Glob(filepath.Join("..", "bukti", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in ../bukti: %v", err)
	}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatalf("parse %s: %v", file, err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			spec, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := spec.Type.(*ast.StructType)
			if !ok {
				return false
			}
			for _, field := range st.Fields.List {
				if field.Tag != nil && strings.Contains(field.Tag.Value, `gorm:"`) && !listed[spec.Name.Name] {
					t.Errorf("bukti.%s has gorm tags but is not in models (pkg/db/schema_test.go): add it there, and if it is a new table add the migration that creates it", spec.Name.Name)
					break
				}
			}
			return false
		})
	}
}

//go:embed testdata/*.sql
var testdata embed.FS

// seed is data of every schema since migration 1, for the upgrade's data
// statements to work on: survey 1 is final with surveyors 2 and 3, survey
// 2 is under review with surveyor 3.
const seed = `
INSERT INTO provinces (id, code, name) VALUES (1, '32', 'Jawa Barat');
INSERT INTO districts (id, code, name, province_id) VALUES (1, '3277', 'Kota Cimahi', 1);
INSERT INTO facilities (id, code, name, district_id) VALUES (1, 'P3277010101', 'Puskesmas Cimahi Tengah', 1);
INSERT INTO users (id, email, name, password_hash) VALUES (1, 'admin@example.org', 'Admin', 'x'), (2, 'ani@example.org', 'Ani', 'x'), (3, 'budi@example.org', 'Budi', 'x');
INSERT INTO surveys (id, facility_id, type, state, created_by) VALUES (1, 1, 'initial', 'final', 1), (2, 1, 'initial', 'in_review', 1);
INSERT INTO role_bindings (user_id, role, survey_id) VALUES (3, 'surveyor', 1), (2, 'surveyor', 1), (3, 'surveyor', 2);
INSERT INTO role_bindings (user_id, role, survey_id) VALUES (1, 'viewer', 1); -- not a surveyor: neither lead nor team
`

// TestUpgrade creates the schema an earlier version of Bukti left (from
// testdata), runs the current migrations on it and compares the result
// with a fresh database: they must be equal. It fails when a released
// migration was edited, or a new one does not apply to existing databases.
func TestUpgrade(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from     string  // testdata/<from>.<kind>.sql
		recorded int     // migrations 1..recorded applied in from
		leads    []int64 // surveys 1 and 2's lead_id after the upgrade (0: none)
		sameText bool    // SQLite: sqlite_master's text equal too
	}{
		// The previous release: migrations 4 and 5 run, 1-3 not again
		// (migration 2 would give the surveys leads).
		{from: "release-7b71082", recorded: 3, leads: []int64{0, 0}, sameText: true},
		// Before the survey visits: migration 2 adds the survey columns
		// and makes each survey's first surveyor its lead. The columns
		// come last in surveys, as gorm's AutoMigrate added them.
		{from: "dev-a038d05", recorded: 1, leads: []int64{2, 3}},
	}
	for _, tc := range cases {
		for _, kind := range testenv.DatabaseKinds {
			t.Run(tc.from+"/"+kind, func(t *testing.T) {
				t.Parallel()
				schema, err := testdata.ReadFile("testdata/" + tc.from + "." + kind + ".sql")
				if err != nil {
					t.Fatal(err)
				}
				dbURL := emptyDatabase(t, kind)
				old := openRaw(t, dbURL)
				if err := old.Exec(string(schema)).Error; err != nil {
					t.Fatalf("create the schema of %s: %v", tc.from, err)
				}
				if got := appliedVersions(t, old); len(got) != tc.recorded {
					t.Fatalf("testdata/%s.%s.sql records migrations %v, want 1-%d", tc.from, kind, got, tc.recorded)
				}
				if err := old.Exec(seed).Error; err != nil {
					t.Fatalf("seed: %v", err)
				}

				upgraded := openMigrated(t, dbURL)
				fresh := openMigrated(t, emptyDatabase(t, kind))
				if got, want := appliedVersions(t, upgraded), appliedVersions(t, fresh); !slices.Equal(got, want) {
					t.Errorf("upgraded database records migrations %v, a fresh one %v", got, want)
				}
				if d := diff(describe(t, upgraded), describe(t, fresh)); d != "" {
					t.Errorf("a database of %s upgraded by the current migrations (-) differs from a fresh one (+) on %s:\n%s\n"+
						"A released migration was edited, or a new one makes a different change on existing databases than on fresh ones: "+
						"restore the released migration and make the change in a new one (see the package comment of pkg/db)", tc.from, kind, d)
				}
				if tc.sameText && kind == "sqlite" {
					if d := diff(sqliteText(t, upgraded), sqliteText(t, fresh)); d != "" {
						t.Errorf("sqlite_master of a database of %s upgraded (-) differs from a fresh one's (+):\n%s", tc.from, d)
					}
				}

				var leads []struct{ LeadID *int64 }
				if err := upgraded.Raw("SELECT lead_id FROM surveys ORDER BY id").Scan(&leads).Error; err != nil {
					t.Fatal(err)
				}
				for i, l := range leads {
					var got int64
					if l.LeadID != nil {
						got = *l.LeadID
					}
					if got != tc.leads[i] {
						t.Errorf("survey %d: lead_id %d, want %d", i+1, got, tc.leads[i])
					}
				}
				var team []string
				if err := upgraded.Raw("SELECT CAST(survey_id AS TEXT) || '/' || CAST(user_id AS TEXT) FROM survey_teams ORDER BY survey_id, user_id").Scan(&team).Error; err != nil {
					t.Fatal(err)
				}
				if want := []string{"1/2", "1/3"}; !slices.Equal(team, want) {
					t.Errorf("survey_teams %v, want %v (the final survey's surveyors)", team, want)
				}

				// Opened again, there is nothing left to run.
				again := openMigrated(t, dbURL)
				if got, want := appliedVersions(t, again), appliedVersions(t, fresh); !slices.Equal(got, want) {
					t.Errorf("reopened: migrations %v, want %v", got, want)
				}
			})
		}
	}
}

// emptyDatabase returns the URL of a new database of the given kind that
// no migration has touched, removed when the test ends. (The databases of
// pkg/testenv may start from a migrated template; these tests need an
// empty one.)
func emptyDatabase(t *testing.T, kind string) string {
	t.Helper()
	switch kind {
	case "sqlite":
		return filepath.Join(t.TempDir(), "bukti.db")
	case "postgres":
		admin := testenv.Require(t, testenv.PostgresURL)
		adb, err := db.OpenRaw(context.Background(), admin)
		if err != nil {
			t.Fatalf("connect to %s: %v", testenv.PostgresURL, err)
		}
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		name := "bukti_schema_" + hex.EncodeToString(b)
		if err := adb.Exec("CREATE DATABASE " + name + " TEMPLATE template0").Error; err != nil {
			db.Close(adb)
			t.Fatalf("create database: %v", err)
		}
		t.Cleanup(func() {
			adb.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			db.Close(adb)
		})
		u, err := url.Parse(admin)
		if err != nil {
			t.Fatalf("%s: %v", testenv.PostgresURL, err)
		}
		u.Path = "/" + name
		return u.String()
	}
	t.Fatalf("unknown database kind %q", kind)
	return ""
}

func openRaw(t *testing.T, url string) *gorm.DB {
	t.Helper()
	gdb, err := db.OpenRaw(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(gdb) })
	return gdb
}

func openMigrated(t *testing.T, url string) *gorm.DB {
	t.Helper()
	gdb, err := db.Open(context.Background(), url, testenv.Logger(t))
	if err != nil {
		t.Fatalf("open and migrate: %v", err)
	}
	t.Cleanup(func() { db.Close(gdb) })
	return gdb
}

func appliedVersions(t *testing.T, gdb *gorm.DB) []int {
	t.Helper()
	var v []int
	if err := gdb.Raw("SELECT version FROM schema_migrations ORDER BY version").Scan(&v).Error; err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	return v
}

// schema is a normalised description of a database's tables: by table,
// one line for each column (type, NOT NULL, default, primary key), index
// (columns, unique), constraint or foreign key (ON DELETE/UPDATE), and
// sequence, independent of the order they were created in.
type schema map[string][]string

func (s schema) add(table, format string, args ...any) {
	s[table] = append(s[table], fmt.Sprintf(format, args...))
}

// diff lists the lines only in a (-) and only in b (+), by table.
func diff(a, b schema) string {
	var out []string
	tables := map[string]bool{}
	for t := range a {
		tables[t] = true
	}
	for t := range b {
		tables[t] = true
	}
	for t := range tables {
		if _, ok := b[t]; !ok {
			out = append(out, "- "+t+": TABLE")
		}
		if _, ok := a[t]; !ok {
			out = append(out, "+ "+t+": TABLE")
		}
		for _, l := range a[t] {
			if !slices.Contains(b[t], l) {
				out = append(out, "- "+t+": "+l)
			}
		}
		for _, l := range b[t] {
			if !slices.Contains(a[t], l) {
				out = append(out, "+ "+t+": "+l)
			}
		}
	}
	slices.SortFunc(out, func(x, y string) int { return strings.Compare(x[2:], y[2:]) })
	return strings.Join(out, "\n")
}

func describe(t *testing.T, gdb *gorm.DB) schema {
	t.Helper()
	s := schema{}
	var err error
	if gdb.Dialector.Name() == "postgres" {
		err = describePostgres(gdb, s)
	} else {
		err = describeSQLite(gdb, s)
	}
	if err != nil {
		t.Fatalf("describe the schema: %v", err)
	}
	for _, lines := range s {
		slices.Sort(lines)
	}
	return s
}

// rows runs query and calls scan for each row.
func rows(gdb *gorm.DB, scan func(scan func(dest ...any) error) error, query string, args ...any) error {
	r, err := gdb.Raw(query, args...).Rows()
	if err != nil {
		return err
	}
	defer r.Close()
	for r.Next() {
		if err := scan(r.Scan); err != nil {
			return err
		}
	}
	return r.Err()
}

func describeSQLite(gdb *gorm.DB, s schema) error {
	var tables []string
	err := rows(gdb, func(scan func(...any) error) error {
		var typ, name, table, sql string
		if err := scan(&typ, &name, &table, &sql); err != nil {
			return err
		}
		switch typ {
		case "table":
			tables = append(tables, name)
			s[name] = []string{}
			if strings.Contains(strings.ToUpper(sql), "AUTOINCREMENT") {
				s.add(name, "AUTOINCREMENT")
			}
		default:
			s.add(table, "%s %s", typ, name)
		}
		return nil
	}, `SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master
		WHERE type IN ('table', 'view', 'trigger') AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		return err
	}
	for _, table := range tables {
		err := rows(gdb, func(scan func(...any) error) error {
			var name, typ string
			var notNull bool
			var dflt *string
			var pk int
			if err := scan(&name, &typ, &notNull, &dflt, &pk); err != nil {
				return err
			}
			line := "column " + name + " " + strings.ToUpper(typ)
			if notNull {
				line += " NOT NULL"
			}
			if dflt != nil {
				line += " DEFAULT " + *dflt
			}
			if pk > 0 {
				line += fmt.Sprintf(" PRIMARY KEY %d", pk)
			}
			s.add(table, "%s", line)
			return nil
		}, `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)`, table)
		if err != nil {
			return err
		}

		type index struct {
			name, origin string
			unique       bool
		}
		var indexes []index
		err = rows(gdb, func(scan func(...any) error) error {
			var ix index
			var partial bool
			if err := scan(&ix.name, &ix.unique, &ix.origin, &partial); err != nil {
				return err
			}
			if partial {
				ix.origin += " partial"
			}
			indexes = append(indexes, ix)
			return nil
		}, `SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, table)
		if err != nil {
			return err
		}
		for _, ix := range indexes {
			var cols []string
			err := rows(gdb, func(scan func(...any) error) error {
				var col *string
				if err := scan(&col); err != nil {
					return err
				}
				if col == nil {
					cols = append(cols, "(expression)")
				} else {
					cols = append(cols, *col)
				}
				return nil
			}, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, ix.name)
			if err != nil {
				return err
			}
			name := ix.name
			if strings.HasPrefix(name, "sqlite_autoindex_") {
				name = "(automatic)" // named by its position in the table's text
			}
			unique := ""
			if ix.unique {
				unique = "UNIQUE "
			}
			s.add(table, "%sINDEX %s (%s) origin %s", unique, name, strings.Join(cols, ", "), ix.origin)
		}

		type foreignKey struct {
			from, to     []string
			ref, actions string
		}
		fks := map[int]*foreignKey{}
		err = rows(gdb, func(scan func(...any) error) error {
			var id, seq int
			var ref, from, onUpdate, onDelete, match string
			var to *string
			if err := scan(&id, &seq, &ref, &from, &to, &onUpdate, &onDelete, &match); err != nil {
				return err
			}
			if fks[id] == nil {
				fks[id] = &foreignKey{ref: ref, actions: fmt.Sprintf("ON UPDATE %s ON DELETE %s MATCH %s", onUpdate, onDelete, match)}
			}
			fks[id].from = append(fks[id].from, from)
			toCol := "(primary key)"
			if to != nil {
				toCol = *to
			}
			fks[id].to = append(fks[id].to, toCol)
			return nil
		}, `SELECT id, seq, "table", "from", "to", on_update, on_delete, "match" FROM pragma_foreign_key_list(?) ORDER BY id, seq`, table)
		if err != nil {
			return err
		}
		for _, f := range fks {
			s.add(table, "FOREIGN KEY (%s) REFERENCES %s(%s) %s", strings.Join(f.from, ", "), f.ref, strings.Join(f.to, ", "), f.actions)
		}
	}
	return nil
}

func describePostgres(gdb *gorm.DB, s schema) error {
	err := rows(gdb, func(scan func(...any) error) error {
		var table string
		if err := scan(&table); err != nil {
			return err
		}
		s[table] = []string{}
		return nil
	}, `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = CURRENT_SCHEMA() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`)
	if err != nil {
		return err
	}
	err = rows(gdb, func(scan func(...any) error) error {
		var table, name, typ, dflt, identity, generated string
		var notNull bool
		if err := scan(&table, &name, &typ, &notNull, &dflt, &identity, &generated); err != nil {
			return err
		}
		line := "column " + name + " " + typ
		if notNull {
			line += " NOT NULL"
		}
		if dflt != "" {
			line += " DEFAULT " + dflt
		}
		if identity != "" {
			line += " IDENTITY " + identity
		}
		if generated != "" {
			line += " GENERATED " + generated
		}
		s.add(table, "%s", line)
		return nil
	}, `SELECT c.relname, a.attname, FORMAT_TYPE(a.atttypid, a.atttypmod), a.attnotnull,
			COALESCE(PG_GET_EXPR(d.adbin, d.adrelid), ''), a.attidentity::text, a.attgenerated::text
		FROM pg_attribute a
		JOIN pg_class c ON c.oid = a.attrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE n.nspname = CURRENT_SCHEMA() AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped`)
	if err != nil {
		return err
	}
	err = rows(gdb, func(scan func(...any) error) error {
		var table, name, def string
		if err := scan(&table, &name, &def); err != nil {
			return err
		}
		s.add(table, "CONSTRAINT %s %s", name, def)
		return nil
	}, `SELECT c.relname, con.conname, PG_GET_CONSTRAINTDEF(con.oid)
		FROM pg_constraint con
		JOIN pg_class c ON c.oid = con.conrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = CURRENT_SCHEMA()`)
	if err != nil {
		return err
	}
	err = rows(gdb, func(scan func(...any) error) error {
		var table, name, def string
		if err := scan(&table, &name, &def); err != nil {
			return err
		}
		s.add(table, "INDEX %s: %s", name, def)
		return nil
	}, `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = CURRENT_SCHEMA()`)
	if err != nil {
		return err
	}
	return rows(gdb, func(scan func(...any) error) error {
		var name, typ, table, column string
		var start, increment int64
		if err := scan(&name, &typ, &start, &increment, &table, &column); err != nil {
			return err
		}
		owner := table
		if table == "" {
			owner = "(sequences)"
		}
		s.add(owner, "SEQUENCE %s %s START %d INCREMENT %d OWNED BY %s.%s", name, typ, start, increment, table, column)
		return nil
	}, `SELECT s.relname, FORMAT_TYPE(q.seqtypid, NULL), q.seqstart, q.seqincrement, COALESCE(t.relname, ''), COALESCE(a.attname, '')
		FROM pg_class s
		JOIN pg_namespace n ON n.oid = s.relnamespace
		JOIN pg_sequence q ON q.seqrelid = s.oid
		LEFT JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
		LEFT JOIN pg_class t ON t.oid = d.refobjid
		LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
		WHERE n.nspname = CURRENT_SCHEMA() AND s.relkind = 'S'`)
}

// sqliteText is sqlite_master's text of every table and index, by table.
func sqliteText(t *testing.T, gdb *gorm.DB) schema {
	t.Helper()
	s := schema{}
	err := rows(gdb, func(scan func(...any) error) error {
		var table, sql string
		if err := scan(&table, &sql); err != nil {
			return err
		}
		s.add(table, "%s", sql)
		return nil
	}, `SELECT tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatalf("read sqlite_master: %v", err)
	}
	return s
}
