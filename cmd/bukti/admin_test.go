package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/app"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/db"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// cli runs bukti commands on one database, as an operator would.
type cli struct {
	t   *testing.T
	url string
}

// run runs `bukti args… -database-url URL` and returns what it printed.
func (c cli) run(args ...string) (stdout, stderr string, err error) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), append(slices.Clone(args), "-database-url", c.url), &out, &errOut)
	return out.String(), errOut.String(), err
}

// must runs a command that has to succeed and returns its stdout.
func (c cli) must(args ...string) string {
	c.t.Helper()
	out, errOut, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("bukti %s: %v\nstderr: %s", strings.Join(args, " "), err, errOut)
	}
	return out
}

// openDB opens the database the commands work on, to check their effect.
func openDB(t *testing.T, url string) *gorm.DB {
	t.Helper()
	gdb, err := db.Open(context.Background(), url, testenv.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(gdb) })
	return gdb
}

// counts returns the number of rows of every table the admin commands
// write.
func counts(t *testing.T, gdb *gorm.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for name, model := range map[string]any{"provinces": &bukti.Province{}, "districts": &bukti.District{}, "facilities": &bukti.Facility{},
		"users": &bukti.User{}, "role_bindings": &bukti.RoleBinding{}, "sessions": &bukti.Session{}, "audit_entries": &bukti.AuditEntry{}} {
		var n int64
		if err := gdb.Model(model).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		out[name] = n
	}
	return out
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// generatedPassword returns the password a command printed, failing the
// test when it printed none or a weak one.
func generatedPassword(t *testing.T, out string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if pw, ok := strings.CutPrefix(line, "generated password (shown only once): "); ok {
			if len(pw) < 16 {
				t.Fatalf("generated password %q is shorter than 16 characters", pw)
			}
			return pw
		}
	}
	t.Fatalf("no generated password in %q", out)
	return ""
}

// column returns the cell of a tabwriter table row under the header's
// column title.
func column(t *testing.T, table, rowPrefix, title string) string {
	t.Helper()
	lines := strings.Split(table, "\n")
	at := strings.Index(lines[0], title)
	if at < 0 {
		t.Fatalf("no column %q in %q", title, table)
	}
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, rowPrefix) && len(l) > at {
			next := strings.Index(l[at:], "  ")
			if next < 0 {
				return l[at:]
			}
			return l[at : at+next]
		}
	}
	t.Fatalf("no row %q in %q", rowPrefix, table)
	return ""
}

// TestAdminHappyPath sets up an organisation and its users through the
// command line, as an operator does on a new deployment, and checks each
// step's effect on the database.
func TestAdminHappyPath(t *testing.T) {
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			c := cli{t, testenv.DatabaseURL(t, kind)}
			gdb := openDB(t, c.url)
			login := app.New(sqlstore.New(gdb, nil), nil, nil, app.Options{Log: testenv.Logger(t)}).Auth
			csvPath := writeFile(t, "puskesmas.csv", "code,name,district\n"+
				"P3277010102,Puskesmas Cimahi Selatan,3277\n"+
				"P3277010103,Puskesmas Cimahi Utara,3277\n"+
				"P3277010104,Puskesmas Melong Asih,3277\n")
			var password string // the quality team member's current password

			steps := []struct {
				name  string
				args  []string
				want  []string // in stdout
				check func(t *testing.T, out string)
			}{
				{name: "province add", args: []string{"province", "add", "-code", "32", "-name", "Jawa Barat"},
					want: []string{"added province 32 Jawa Barat"}},
				{name: "province list", args: []string{"province", "list"}, want: []string{"CODE", "32  ", "Jawa Barat"}},
				{name: "district add", args: []string{"district", "add", "-code", "3277", "-name", "Kota Cimahi", "-province", "32"},
					want: []string{"added district 3277 Kota Cimahi in province 32"}},
				{name: "district list", args: []string{"district", "list"}, check: func(t *testing.T, out string) {
					if got := column(t, out, "3277", "PROVINCE"); got != "32" {
						t.Errorf("province of 3277 = %q in\n%s", got, out)
					}
				}},
				{name: "facility add", args: []string{"facility", "add", "-code", "P3277010101", "-name", "Puskesmas Cimahi Tengah", "-district", "3277"},
					want: []string{"added facility P3277010101 Puskesmas Cimahi Tengah in district 3277"}},
				{name: "facility import", args: []string{"facility", "import", csvPath}, want: []string{"imported 3 facilities"}},
				{name: "facility list", args: []string{"facility", "list"}, check: func(t *testing.T, out string) {
					for _, code := range []string{"P3277010101", "P3277010102", "P3277010103", "P3277010104"} {
						if got := column(t, out, code, "DISTRICT"); got != "3277" {
							t.Errorf("district of %s = %q in\n%s", code, got, out)
						}
					}
				}},
				{name: "user add quality_team with generated password",
					args: []string{"user", "add", "-email", "Siti@Cimahi.test", "-name", "Siti Rahayu", "-role", "quality_team", "-facility", "P3277010101"},
					want: []string{"added user siti@cimahi.test with role quality_team facility P3277010101"},
					check: func(t *testing.T, out string) {
						password = generatedPassword(t, out)
						if _, _, err := login.Login(ctx, "siti@cimahi.test", password); err != nil {
							t.Errorf("login with the generated password: %v", err)
						}
					}},
				{name: "user add supervisor of a district with a given password",
					args: []string{"user", "add", "-email", "dinkes@cimahi.test", "-name", "Dinkes Cimahi", "-role", "supervisor", "-district", "3277", "-password", "sandi-dinkes-123"},
					want: []string{"added user dinkes@cimahi.test with role supervisor district 3277"},
					check: func(t *testing.T, out string) {
						if strings.Contains(out, "generated password") {
							t.Errorf("printed a password although one was given: %q", out)
						}
						if _, _, err := login.Login(ctx, "dinkes@cimahi.test", "sandi-dinkes-123"); err != nil {
							t.Errorf("login with the given password: %v", err)
						}
					}},
				{name: "user add admin", args: []string{"user", "add", "-email", "admin@cimahi.test", "-name", "Admin", "-role", "admin", "-password", "sandi-admin-123"},
					want: []string{"added user admin@cimahi.test with role admin\n"}},
				{name: "user list shows the roles", args: []string{"user", "list"}, check: func(t *testing.T, out string) {
					for email, want := range map[string]string{"siti@cimahi.test": "quality_team (facility P3277010101)",
						"dinkes@cimahi.test": "supervisor (district 3277)", "admin@cimahi.test": "admin"} {
						if got := column(t, out, email, "ROLES"); got != want {
							t.Errorf("roles of %s = %q, want %q in\n%s", email, got, want, out)
						}
						if got := column(t, out, email, "DISABLED"); got != "no" {
							t.Errorf("disabled of %s = %q in\n%s", email, got, out)
						}
					}
					if got := column(t, out, "siti@cimahi.test", "NAME"); got != "Siti Rahayu" {
						t.Errorf("name = %q", got)
					}
				}},
				{name: "user disable", args: []string{"user", "disable", "siti@cimahi.test"}, want: []string{"disabled user siti@cimahi.test"},
					check: func(t *testing.T, out string) {
						if _, _, err := login.Login(ctx, "siti@cimahi.test", password); err == nil || !strings.Contains(err.Error(), "disabled") {
							t.Errorf("login of a disabled user: %v", err)
						}
					}},
				{name: "user list shows disabled", args: []string{"user", "list"}, check: func(t *testing.T, out string) {
					if got := column(t, out, "siti@cimahi.test", "DISABLED"); got != "yes" {
						t.Errorf("disabled = %q in\n%s", got, out)
					}
				}},
				{name: "user enable", args: []string{"user", "enable", "SITI@cimahi.test"}, want: []string{"enabled user siti@cimahi.test"}},
				{name: "user reset-password generates one", args: []string{"user", "reset-password", "siti@cimahi.test"},
					want: []string{"reset the password of siti@cimahi.test"},
					check: func(t *testing.T, out string) {
						old := password
						password = generatedPassword(t, out)
						if password == old {
							t.Fatal("the new password is the old one")
						}
						if _, _, err := login.Login(ctx, "siti@cimahi.test", password); err != nil {
							t.Errorf("login with the new password: %v", err)
						}
						if _, _, err := login.Login(ctx, "siti@cimahi.test", old); err == nil {
							t.Error("the old password still works")
						}
					}},
				{name: "user reset-password with flag after the email", args: []string{"user", "reset-password", "siti@cimahi.test", "-password", "sandi-baru-12345"},
					check: func(t *testing.T, out string) {
						if strings.Contains(out, "generated password") {
							t.Errorf("printed a password although one was given: %q", out)
						}
						if _, _, err := login.Login(ctx, "siti@cimahi.test", "sandi-baru-12345"); err != nil {
							t.Errorf("login with the given password: %v", err)
						}
					}},
			}
			for _, st := range steps {
				t.Run(st.name, func(t *testing.T) {
					out := c.must(st.args...)
					for _, w := range st.want {
						if !strings.Contains(out, w) {
							t.Errorf("stdout %q lacks %q", out, w)
						}
					}
					if st.check != nil {
						st.check(t, out)
					}
				})
			}

			// Every change is audited as coming from the command line, by
			// no user.
			var rows []bukti.AuditEntry
			if err := gdb.Where("request_id = ?", "cli").Find(&rows).Error; err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, r := range rows {
				got[r.Action]++
				if r.UserID != nil || r.ClientIP != "local" {
					t.Errorf("audit row %s: user %v, client IP %q; want no user and local", r.Action, r.UserID, r.ClientIP)
				}
			}
			want := map[string]int{"province.create": 1, "district.create": 1, "facility.create": 4, "user.create": 3, "role.grant": 3,
				"user.disable": 1, "user.enable": 1, "user.reset_password": 2}
			for action, n := range want {
				if got[action] != n {
					t.Errorf("%d %s audit rows with request_id cli, want %d (all: %v)", got[action], action, n, got)
				}
			}
		})
	}
}

// TestAdminRefusals checks that every bad command is refused with a
// message naming the problem, and changes nothing.
func TestAdminRefusals(t *testing.T) {
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			c := cli{t, testenv.DatabaseURL(t, kind)}
			c.must("province", "add", "-code", "32", "-name", "Jawa Barat")
			c.must("district", "add", "-code", "3277", "-name", "Kota Cimahi", "-province", "32")
			c.must("facility", "add", "-code", "P3277010101", "-name", "Puskesmas Cimahi Tengah", "-district", "3277")
			c.must("user", "add", "-email", "siti@cimahi.test", "-name", "Siti", "-role", "viewer", "-facility", "P3277010101", "-password", "sandi-siti-1234")
			gdb := openDB(t, c.url)
			dir := t.TempDir()
			csvFile := func(name, content string) string {
				path := filepath.Join(dir, name)
				if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
				return path
			}
			badRow := csvFile("bad-row.csv", "code,name,district\nP3277010102,Puskesmas Cimahi Selatan,3277\nP3201,Puskesmas Entah,9999\nP3277010103,Puskesmas Cimahi Utara,3277\n")
			badRows := csvFile("bad-rows.csv", "code,name,district\nP3201,Puskesmas Entah,9999\nP3277010103,Puskesmas Cimahi Utara,3277\nP3277010103,Puskesmas Kembar,3277\n")
			knownCode := csvFile("known-code.csv", "code,name,district\nP3277010102,Puskesmas Cimahi Selatan,3277\nP3277010101,Puskesmas Cimahi Tengah,3277\n")
			noDistrict := csvFile("no-district.csv", "code,name\nP3277010102,Puskesmas Cimahi Selatan\n")
			user := func(extra ...string) []string {
				return append([]string{"user", "add", "-email", "budi@cimahi.test", "-name", "Budi", "-password", "sandi-budi-1234"}, extra...)
			}

			cases := []struct {
				name       string
				args       []string
				wantErr    string
				wantStderr string
			}{
				{"district with unknown province", []string{"district", "add", "-code", "3201", "-name", "Kabupaten Bogor", "-province", "99"}, `no province with code "99"`, ""},
				{"facility with unknown district", []string{"facility", "add", "-code", "P3201", "-name", "Puskesmas Bogor", "-district", "9999"}, `no district with code "9999"`, ""},
				{"duplicate facility code", []string{"facility", "add", "-code", "P3277010101", "-name", "Puskesmas Lain", "-district", "3277"}, `facility code "P3277010101" already exists`, ""},
				{"facility with a bad code", []string{"facility", "add", "-code", "P 1", "-name", "Puskesmas Spasi", "-district", "3277"}, "facility code is required", ""},
				{"csv with a bad row", []string{"facility", "import", badRow}, "nothing imported: 1 bad row (row 3)", "row 3: "},
				{"csv with two bad rows", []string{"facility", "import", badRows}, "nothing imported: 2 bad rows (rows 2, 4)", "row 4: "},
				{"csv with a registered code", []string{"facility", "import", knownCode}, "nothing imported: 1 bad row (row 3)", `row 3: facility code "P3277010101" already exists`},
				{"csv missing the district column", []string{"facility", "import", noDistrict}, `lacks column "district"`, ""},
				{"csv file missing", []string{"facility", "import", filepath.Join(dir, "none.csv")}, "no such file", ""},
				{"user add unknown role", user("-role", "kepala"), `unknown role "kepala"`, ""},
				{"user add supervisor without scope", user("-role", "supervisor"), "the role Supervisor (district health office) needs a scope: choose one district or province", ""},
				{"user add quality_team with district scope", user("-role", "quality_team", "-district", "3277"), "the role Quality team needs a scope: choose one Puskesmas", ""},
				{"user add admin with a scope", user("-role", "admin", "-province", "32"), "the Administrator role covers the whole system", ""},
				{"user add surveyor", user("-role", "surveyor"), "assign surveyors through a survey", ""},
				{"user add two scopes", user("-role", "supervisor", "-province", "32", "-district", "3277"), "at most one scope", ""},
				{"user add unknown facility", user("-role", "viewer", "-facility", "P9999"), `no facility with code "P9999"`, ""},
				{"user add unknown province", user("-role", "supervisor", "-province", "99"), `no province with code "99"`, ""},
				{"user add duplicate email", []string{"user", "add", "-email", "SITI@cimahi.test", "-name", "Siti Lagi", "-role", "viewer", "-facility", "P3277010101"},
					"email siti@cimahi.test already registered", ""},
				{"user add short password", []string{"user", "add", "-email", "budi@cimahi.test", "-name", "Budi", "-password", "pendek", "-role", "viewer", "-facility", "P3277010101"},
					"password must have at least 10 characters", ""},
				{"user add bad email", []string{"user", "add", "-email", "budi", "-name", "Budi", "-role", "admin"}, `invalid email address "budi"`, ""},
				{"user add missing -role", []string{"user", "add", "-email", "budi@cimahi.test", "-name", "Budi"}, "missing required flag -role", ""},
				{"user disable unknown email", []string{"user", "disable", "nobody@cimahi.test"}, "user nobody@cimahi.test not found", ""},
				{"user disable without email", []string{"user", "disable"}, "missing EMAIL", ""},
				{"user reset-password unknown email", []string{"user", "reset-password", "nobody@cimahi.test"}, "user nobody@cimahi.test not found", ""},
				{"user reset-password short password", []string{"user", "reset-password", "siti@cimahi.test", "-password", "pendek"}, "password must have at least 10 characters", ""},
				{"unknown subcommand", []string{"user", "remove", "siti@cimahi.test"}, `unknown user command "remove": use one of add, list, disable, enable, reset-password`, "bukti user reset-password EMAIL"},
				{"missing subcommand", []string{"facility"}, "missing facility command: use one of add, list, import", "bukti facility import FILE.csv"},
				{"missing -code", []string{"province", "add", "-name", "Jawa Tengah"}, "missing required flag -code", ""},
				{"empty -code", []string{"district", "add", "-code", " ", "-name", "Kota Bandung", "-province", "32"}, "missing required flag -code", ""},
				{"unknown flag", []string{"province", "add", "-kode", "33", "-name", "Jawa Tengah"}, "flag provided but not defined: -kode", "Usage: bukti province add"},
				{"stray argument", []string{"province", "list", "semua"}, `unexpected argument "semua"`, ""},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					before := counts(t, gdb)
					out, errOut, err := c.run(tc.args...)
					if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
						t.Fatalf("err = %v, want it to mention %q\nstderr: %s", err, tc.wantErr, errOut)
					}
					if strings.HasPrefix(err.Error(), "bukti:") {
						t.Errorf("err %q repeats the prefix main adds", err)
					}
					if !strings.Contains(errOut, tc.wantStderr) {
						t.Errorf("stderr %q lacks %q", errOut, tc.wantStderr)
					}
					if out != "" {
						t.Errorf("stdout = %q, want nothing", out)
					}
					if after := counts(t, gdb); !mapsEqual(before, after) {
						t.Errorf("rows changed: before %v, after %v", before, after)
					}
				})
			}
		})
	}
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestAdminErrorsInEnglish checks that an application error shows its
// English message and keeps its code in the chain.
func TestAdminErrorsInEnglish(t *testing.T) {
	c := cli{t, testenv.DatabaseURL(t, "sqlite")}
	_, _, err := c.run("district", "add", "-code", "3201", "-name", "Kabupaten Bogor", "-province", "99")
	if err == nil || err.Error() != `no province with code "99": add it first` {
		t.Fatalf("err = %q", err)
	}
	if code := bukti.ErrorCode(err); code != bukti.EINVALID {
		t.Errorf("code = %q, want %q", code, bukti.EINVALID)
	}
}

// TestAdminHelp checks that -h on every admin command prints its usage and
// that the main usage lists every command as its own usage spells it.
func TestAdminHelp(t *testing.T) {
	type helpCase struct {
		name string
		args []string
		want []string // in stderr
	}
	var cases []helpCase
	for _, g := range adminGroups {
		cases = append(cases, helpCase{g.name, []string{g.name, "-h"}, []string{"Usage:", "bukti " + g.name + " " + g.cmds[0].name}})
		for _, sc := range g.cmds {
			synopsis := strings.TrimSpace("bukti " + g.name + " " + sc.name + " " + sc.synopsis)
			if !strings.Contains(usage, "  "+synopsis+"\n") {
				t.Errorf("the main usage lacks %q", synopsis)
			}
			cases = append(cases, helpCase{g.name + " " + sc.name, []string{g.name, sc.name, "-h"},
				[]string{"Usage: " + synopsis + "\n", "-database-url", "-data-dir", "BUKTI_DATABASE_URL"}})
		}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tc.args, &out, &errOut)
			if !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("err = %v, want flag.ErrHelp", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut.String(), w) {
					t.Errorf("usage %q lacks %q", errOut.String(), w)
				}
			}
		})
	}
}

// TestAdminDBFlags checks that admin commands find the database where
// serve does.
func TestAdminDBFlags(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
	}{
		{name: "embedded default"},
		{name: "data dir from environment", env: map[string]string{"BUKTI_DATA_DIR": "/srv/bukti"}},
		{name: "database URL from environment", env: map[string]string{"BUKTI_DATABASE_URL": "postgres://u:p@db/bukti", "BUKTI_DATA_DIR": "/srv/bukti"}},
		{name: "flags beat environment", args: []string{"-data-dir", "/data"}, env: map[string]string{"BUKTI_DATA_DIR": "/srv/bukti"}},
		{name: "database URL flag", args: []string{"-database-url", "/tmp/x.db"}},
		{name: "empty data dir", env: map[string]string{"BUKTI_DATA_DIR": ""}, wantErr: "BUKTI_DATA_DIR"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			f := addDBFlags(fs, env(tc.env))
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			got, err := f.url()
			cfg, cfgErr := parseConfig(tc.args, env(tc.env), io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || cfgErr == nil {
					t.Fatalf("err = %v (serve: %v), want both to mention %q", err, cfgErr, tc.wantErr)
				}
				return
			}
			if err != nil || cfgErr != nil {
				t.Fatal(err, cfgErr)
			}
			if got != cfg.DatabaseURL {
				t.Errorf("admin database = %q, serve's = %q", got, cfg.DatabaseURL)
			}
		})
	}
}

// TestAdminRoleNone adds an account without a role, as a future surveyor
// needs, and refuses a scope with it.
func TestAdminRoleNone(t *testing.T) {
	c := cli{t, testenv.DatabaseURL(t, "sqlite")}
	c.must("province", "add", "-code", "32", "-name", "Jawa Barat")
	out := c.must("user", "add", "-email", "surveior@kars.test", "-name", "Surveior", "-role", "none", "-password", "kata-sandi-surveior")
	if !strings.Contains(out, "surveior@kars.test") {
		t.Errorf("user add -role none printed %q", out)
	}
	var bindings int64
	openDB(t, c.url).Model(&bukti.RoleBinding{}).Count(&bindings)
	if bindings != 0 {
		t.Errorf("-role none granted %d bindings", bindings)
	}
	if _, _, err := c.run("user", "add", "-email", "lain@kars.test", "-name", "Lain", "-role", "none", "-province", "32"); err == nil || !strings.Contains(err.Error(), "takes no scope") {
		t.Errorf("-role none with a scope: err = %v", err)
	}
}
