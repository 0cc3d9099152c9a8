package db

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// released are the migrations databases have recorded: their names as
// schema_migrations holds them, and the SHA-256 of each dialect's
// statements (comments may change, statements may not). Add a migration
// here once it is released.
var released = []struct {
	name             string
	sqlite, postgres string
}{
	{"initial schema",
		"834dd1ea3f38ac1bdef821a22dd9b33d3f7508bca91e8e3654d8cfeee114457a",
		"a5251bcc776abbe5ff4528fad422c36c929390baefb8bc19038906757437e455"},
	{"survey visits",
		"2ee7eaa662bd3b8bca0870e2dbf79a48dcdaaf0fca76776eaa6d2d65d0c4eb1c",
		"dbf2935f0dddf0b8b371d4b122a76cbb16f27f2b886038c32428a1849d37ff5a"},
	{"facility score cache",
		"f94fedbb8ca83dbfbd71d84cb812d2c82bf91e684eecc49563bdc44408f241c3",
		"7ab19ee86baeb3c7e02cc38f951aaec2006832bd8372036f64b634ed0a832680"},
	{"login throttles",
		"cf1a15b36eac1520b089afe2e493213f73bc516db4b4e9e63c0860ed054ad3a7",
		"a56e88b6413079f03fa18f8251509b3c50cbf544091b72012afb027204cb047c"},
	{"final survey teams",
		"f4a7f48a1e4c7b04be1e3013ec1fd5e1c34728e8868b225286d265b25a2e2f77",
		"f4a7f48a1e4c7b04be1e3013ec1fd5e1c34728e8868b225286d265b25a2e2f77"},
}

func statementsHash(stmts []string) string {
	sum := sha256.Sum256([]byte(strings.Join(stmts, ";\n")))
	return hex.EncodeToString(sum[:])
}

// TestReleasedMigrationsUnchanged fails when the statements of a released
// migration change, or a released migration is renamed or gone.
func TestReleasedMigrationsUnchanged(t *testing.T) {
	t.Parallel()
	migrations, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	if len(migrations) < len(released) {
		t.Fatalf("%d migrations, but %d are released: a released migration is never removed", len(migrations), len(released))
	}
	for i, r := range released {
		m := migrations[i]
		if m.name != r.name {
			t.Errorf("migration %d is %q, released as %q: databases recorded it under that name; rename it back", m.version, m.name, r.name)
		}
		for _, d := range []struct{ dialect, want string }{{"sqlite", r.sqlite}, {"postgres", r.postgres}} {
			if got := statementsHash(m.stmts[d.dialect]); got != d.want {
				t.Errorf("the statements of migration %d (%s) for %s changed (SHA-256 %s, released %s): a released migration is never edited; restore it and make the change in migration %d",
					m.version, m.name, d.dialect, got, d.want, len(migrations)+1)
			}
		}
	}
}

func TestLoadMigrations(t *testing.T) {
	t.Parallel()
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	good := func() fstest.MapFS {
		return fstest.MapFS{
			"migrations/0001_first_one.sqlite.sql":    file("CREATE TABLE a (x integer);\n"),
			"migrations/0001_first_one.postgres.sql":  file("-- comment\nCREATE TABLE a (\n\tx bigint\n);\nINSERT INTO a VALUES (1);\n"),
			"migrations/0002_second.sqlite.sql":       file("DROP TABLE a;"),
			"migrations/0002_second.postgres.sql":     file("DROP TABLE a;\n\n-- done\n"),
			"migrations/0003_third_step.sqlite.sql":   file("SELECT 1;"),
			"migrations/0003_third_step.postgres.sql": file("SELECT 1;"),
		}
	}
	ms, err := loadMigrations(good())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i, m := range ms {
		if m.version != i+1 {
			t.Errorf("migration %d has version %d", i+1, m.version)
		}
		names = append(names, m.name)
	}
	if want := []string{"first one", "second", "third step"}; !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
	if got, want := ms[0].stmts["postgres"], []string{"CREATE TABLE a (\n\tx bigint\n)", "INSERT INTO a VALUES (1)"}; !slices.Equal(got, want) {
		t.Errorf("statements %q, want %q", got, want)
	}

	for _, tc := range []struct {
		name   string
		change func(fstest.MapFS)
		want   string
	}{
		{"gap", func(fs fstest.MapFS) {
			delete(fs, "migrations/0002_second.sqlite.sql")
			delete(fs, "migrations/0002_second.postgres.sql")
		}, "no migration 2"},
		{"one dialect", func(fs fstest.MapFS) { delete(fs, "migrations/0003_third_step.postgres.sql") }, "add migrations/0003_third_step.postgres.sql"},
		{"names differ", func(fs fstest.MapFS) {
			fs["migrations/0003_third.postgres.sql"] = fs["migrations/0003_third_step.postgres.sql"]
			delete(fs, "migrations/0003_third_step.postgres.sql")
		}, "same name"},
		{"bad name", func(fs fstest.MapFS) { fs["migrations/4_fourth.sqlite.sql"] = file("SELECT 1;") }, "NNNN_what_it_does"},
		{"unknown dialect", func(fs fstest.MapFS) { fs["migrations/0004_fourth.mysql.sql"] = file("SELECT 1;") }, "NNNN_what_it_does"},
		{"no semicolon", func(fs fstest.MapFS) { fs["migrations/0002_second.sqlite.sql"] = file("DROP TABLE a;\nDROP TABLE b\n") }, "no semicolon"},
		{"empty", func(fs fstest.MapFS) { fs["migrations/0002_second.sqlite.sql"] = file("-- nothing\n") }, "no sqlite file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := good()
			tc.change(fs)
			if _, err := loadMigrations(fs); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}
