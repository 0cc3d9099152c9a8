package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/bukti-id/bukti/pkg/app"
	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/db"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// The admin commands (bukti province|district|facility|user …) work
// directly on the database, as the command line identity "cli": their
// changes are audited with no acting user and request ID "cli".

// cliRequest is the audit identity of every change made from the command
// line.
var cliRequest = audit.Request{ID: "cli", ClientIP: "local"}

// admin is what a command runs with: the services wired on the open
// database (with no blob store and no catalogue: a command that needs the
// catalogue in use loads it and calls app.WithCatalogue), and where to
// write. The services' clock is in the deployment's time zone
// (BUKTI_TIMEZONE), so the commands date expiries and snapshots as the
// server does.
type admin struct {
	app    *app.App
	stdout io.Writer
	stderr io.Writer
}

// subcommand is one admin command, such as "user add".
type subcommand struct {
	name     string
	synopsis string // what follows "bukti <group> <name>" in the usage
	summary  string
	args     []string // required positional arguments, e.g. {"EMAIL"}
	// setup registers the command's own flags on fs. It returns the flags
	// that must be given and the function that runs the command once the
	// flags are parsed and the database is open.
	setup func(fs *flag.FlagSet) (required []string, run func(ctx context.Context, a *admin, args []string) error)
}

// adminGroups are the admin command groups, in usage order.
var adminGroups = []struct {
	name string
	cmds []subcommand
}{
	{"province", []subcommand{
		{name: "add", synopsis: "-code CODE -name NAME", summary: "add a province (e.g. -code 32 -name \"Jawa Barat\")", setup: provinceAdd},
		{name: "list", summary: "list the provinces", setup: provinceList},
	}},
	{"district", []subcommand{
		{name: "add", synopsis: "-code CODE -name NAME -province CODE", summary: "add a district (kabupaten/kota) to a province", setup: districtAdd},
		{name: "list", summary: "list the districts", setup: districtList},
	}},
	{"facility", []subcommand{
		{name: "add", synopsis: "-code CODE -name NAME -district CODE", summary: "add a facility (Puskesmas) to a district", setup: facilityAdd},
		{name: "list", summary: "list the facilities", setup: facilityList},
		{name: "import", synopsis: "FILE.csv", args: []string{"FILE.csv"},
			summary: "add the facilities of a CSV with the header code,name,district (district = district code);\nif any row is bad, nothing is added and every bad row is reported", setup: facilityImport},
	}},
	{"user", []subcommand{
		{name: "add", synopsis: "-email EMAIL -name NAME -role ROLE [-password P] [-province CODE | -district CODE | -facility CODE]",
			summary: "create a user and grant a role: admin (no scope), supervisor (-province or -district),\nquality_team or viewer (-facility); surveyors are assigned through a survey.\nWithout -password a password is generated and printed once", setup: userAdd},
		{name: "list", summary: "list the users with their roles", setup: userList},
		{name: "disable", synopsis: "EMAIL", args: []string{"EMAIL"}, summary: "disable a user and end their sessions", setup: userSetDisabled(true)},
		{name: "enable", synopsis: "EMAIL", args: []string{"EMAIL"}, summary: "enable a disabled user", setup: userSetDisabled(false)},
		{name: "reset-password", synopsis: "EMAIL [-password P]", args: []string{"EMAIL"},
			summary: "set a new password and end the user's sessions; without -password one is generated and printed once", setup: userResetPassword},
	}},
	{"catalogue", catalogueCommands},
	{"report", reportCommands},
	{"demo", demoCommands},
}

// runAdmin runs `bukti <group> <subcommand> [flags] [args]`.
func runAdmin(ctx context.Context, group string, args []string, getenv func(string, string) string, stdout, stderr io.Writer) error {
	var cmds []subcommand
	for _, g := range adminGroups {
		if g.name == group {
			cmds = g.cmds
		}
	}
	names := make([]string, len(cmds))
	for i, c := range cmds {
		names[i] = c.name
	}
	groupUsage := func() {
		fmt.Fprintf(stderr, "Usage:\n")
		for _, c := range cmds {
			fmt.Fprintf(stderr, "  %s\n", strings.TrimSpace("bukti "+group+" "+c.name+" "+c.synopsis))
		}
		fmt.Fprintf(stderr, "\nRun \"bukti %s COMMAND -h\" for a command's flags.\n", group)
	}
	switch {
	case len(args) > 0 && slices.Contains([]string{"-h", "-help", "--help", "help"}, args[0]):
		groupUsage()
		return flag.ErrHelp
	case len(args) == 0 || strings.HasPrefix(args[0], "-"):
		groupUsage()
		return fmt.Errorf("missing %s command: use one of %s", group, strings.Join(names, ", "))
	}
	var sub *subcommand
	for i := range cmds {
		if cmds[i].name == args[0] {
			sub = &cmds[i]
		}
	}
	if sub == nil {
		groupUsage()
		return fmt.Errorf("unknown %s command %q: use one of %s", group, args[0], strings.Join(names, ", "))
	}

	fs := flag.NewFlagSet("bukti "+group+" "+sub.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	required, runCmd := sub.setup(fs)
	dbf := addDBFlags(fs, getenv)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s\n\n%s.\n\nFlags:\n", strings.TrimSpace(fs.Name()+" "+sub.synopsis), sub.summary)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	switch {
	case len(pos) < len(sub.args):
		return fmt.Errorf("%s: missing %s", fs.Name(), strings.Join(sub.args[len(pos):], " "))
	case len(pos) > len(sub.args):
		return fmt.Errorf("%s: unexpected argument %q", fs.Name(), pos[len(sub.args)])
	}
	for _, name := range required {
		if strings.TrimSpace(fs.Lookup(name).Value.String()) == "" {
			return fmt.Errorf("%s: missing required flag -%s", fs.Name(), name)
		}
	}
	url, err := dbf.url()
	if err != nil {
		return err
	}

	loc, err := loadTimeZone(getenv("BUKTI_TIMEZONE", "Asia/Jakarta"))
	if err != nil {
		return err
	}

	ctx = audit.WithRequest(ctx, cliRequest)
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	gdb, err := db.Open(ctx, url, log)
	if err != nil {
		return err
	}
	defer db.Close(gdb)
	a := &admin{app: app.New(sqlstore.New(gdb, nil), nil, nil, app.Options{TimeZone: loc, Log: log}), stdout: stdout, stderr: stderr}
	return english(runCmd(ctx, a, pos))
}

// parseInterspersed parses flags placed before and after positional
// arguments (bukti user reset-password EMAIL -password P) and returns the
// positional ones. Everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// cliError shows an application error by its English message (logs and
// the command line are English) while keeping it in the chain.
type cliError struct{ err error }

func (e cliError) Error() string {
	_, en := bukti.ErrorMessage(e.err)
	return en
}

func (e cliError) Unwrap() error { return e.err }

// english returns err, showing an *bukti.Error by its English message.
// Other errors (database unreachable, file missing) are shown as they are:
// the operator needs their detail.
func english(err error) error {
	var be *bukti.Error
	if errors.As(err, &be) {
		return cliError{err}
	}
	return err
}

// newPassword returns a random password of 26 characters (130 bits).
func newPassword() string {
	return rand.Text()
}

// table writes tab-separated rows aligned in columns.
func table(w io.Writer, header string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

func provinceAdd(fs *flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	code := fs.String("code", "", "province code, e.g. the BPS code 32 (required)")
	name := fs.String("name", "", "province name, e.g. \"Jawa Barat\" (required)")
	return []string{"code", "name"}, func(ctx context.Context, a *admin, _ []string) error {
		p, err := a.app.Org.CreateProvince(ctx, *code, *name, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "added province %s %s\n", p.Code, p.Name)
		return nil
	}
}

func provinceList(*flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	return nil, func(ctx context.Context, a *admin, _ []string) error {
		ps, err := a.app.Org.Provinces(ctx)
		if err != nil {
			return err
		}
		rows := make([][]string, len(ps))
		for i, p := range ps {
			rows[i] = []string{p.Code, p.Name}
		}
		return table(a.stdout, "CODE\tNAME", rows)
	}
}

func districtAdd(fs *flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	code := fs.String("code", "", "district code, e.g. the BPS code 3277 (required)")
	name := fs.String("name", "", "district name, e.g. \"Kota Cimahi\" (required)")
	province := fs.String("province", "", "code of its province, e.g. 32 (required)")
	return []string{"code", "name", "province"}, func(ctx context.Context, a *admin, _ []string) error {
		d, err := a.app.Org.CreateDistrict(ctx, *code, *name, *province, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "added district %s %s in province %s\n", d.Code, d.Name, d.Province.Code)
		return nil
	}
}

func districtList(*flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	return nil, func(ctx context.Context, a *admin, _ []string) error {
		ds, err := a.app.Org.Districts(ctx)
		if err != nil {
			return err
		}
		rows := make([][]string, len(ds))
		for i, d := range ds {
			rows[i] = []string{d.Code, d.Name, d.Province.Code}
		}
		return table(a.stdout, "CODE\tNAME\tPROVINCE", rows)
	}
}

func facilityAdd(fs *flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	var in org.FacilityInput
	fs.StringVar(&in.Code, "code", "", "facility code, e.g. P3277010101 (required)")
	fs.StringVar(&in.Name, "name", "", "facility name, e.g. \"Puskesmas Cimahi Tengah\" (required)")
	fs.StringVar(&in.DistrictCode, "district", "", "code of its district, e.g. 3277 (required)")
	return []string{"code", "name", "district"}, func(ctx context.Context, a *admin, _ []string) error {
		f, err := a.app.Org.CreateFacility(ctx, in, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "added facility %s %s in district %s\n", f.Code, f.Name, f.District.Code)
		return nil
	}
}

func facilityList(*flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	return nil, func(ctx context.Context, a *admin, _ []string) error {
		fs, err := a.app.Org.Facilities(ctx, true, nil)
		if err != nil {
			return err
		}
		rows := make([][]string, len(fs))
		for i, f := range fs {
			rows[i] = []string{f.Code, f.Name, f.District.Code, f.District.Province.Code}
		}
		return table(a.stdout, "CODE\tNAME\tDISTRICT\tPROVINCE", rows)
	}
}

func facilityImport(*flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	return nil, func(ctx context.Context, a *admin, args []string) error {
		f, err := os.Open(args[0])
		if err != nil {
			return err
		}
		defer f.Close()
		res, err := a.app.Org.ImportFacilities(ctx, f, nil)
		if err != nil {
			return err
		}
		if len(res.Errors) > 0 {
			rows := make([]string, 0, len(res.Errors))
			for _, e := range res.Errors {
				fmt.Fprintf(a.stderr, "row %d: %s\n", e.Row, e.ReasonEN)
				rows = append(rows, strconv.Itoa(e.Row))
			}
			if len(rows) > 10 {
				rows = append(rows[:10], fmt.Sprintf("and %d more", len(rows)-10))
			}
			what := "1 bad row (row "
			if len(res.Errors) > 1 {
				what = fmt.Sprintf("%d bad rows (rows ", len(res.Errors))
			}
			return fmt.Errorf("%s: nothing imported: %s%s); fix the file and import it again", args[0], what, strings.Join(rows, ", "))
		}
		fmt.Fprintf(a.stdout, "imported %d facilities from %s\n", res.Created, args[0])
		return nil
	}
}

func userAdd(fs *flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	email := fs.String("email", "", "email address, used to sign in (required)")
	name := fs.String("name", "", "full name (required)")
	password := fs.String("password", "", "password of at least 10 characters; empty generates one and prints it once")
	role := fs.String("role", "", "admin, supervisor, quality_team, viewer, or none for an account that gets its role later, such as a surveyor assigned through a survey (required)")
	province := fs.String("province", "", "scope: province code, for a supervisor")
	district := fs.String("district", "", "scope: district code, for a supervisor")
	facility := fs.String("facility", "", "scope: facility code, for quality_team or viewer")
	return []string{"email", "name", "role"}, func(ctx context.Context, a *admin, _ []string) error {
		if *role == bukti.RoleSurveyor {
			return errors.New("the surveyor role is granted per survey: assign surveyors through a survey (user add grants admin, supervisor, quality_team or viewer)")
		}
		given := 0
		for _, v := range []string{*province, *district, *facility} {
			if v != "" {
				given++
			}
		}
		if given > 1 {
			return errors.New("give at most one scope: -province, -district or -facility")
		}
		pw, generated := *password, *password == ""
		if generated {
			pw = newPassword()
		}
		var b *bukti.RoleBinding
		var scope string
		if *role != "none" {
			b = &bukti.RoleBinding{Role: *role}
		}
		switch {
		case *province != "":
			p, err := a.app.Org.ProvinceByCode(ctx, *province)
			if err != nil {
				return err
			}
			scope = " province " + p.Code
			if b != nil {
				b.ProvinceID = &p.ID
			}
		case *district != "":
			d, err := a.app.Org.DistrictByCode(ctx, *district)
			if err != nil {
				return err
			}
			scope = " district " + d.Code
			if b != nil {
				b.DistrictID = &d.ID
			}
		case *facility != "":
			f, err := a.app.Org.FacilityByCode(ctx, *facility)
			if err != nil {
				return err
			}
			scope = " facility " + f.Code
			if b != nil {
				b.FacilityID = &f.ID
			}
		}
		if b == nil && given > 0 {
			return errors.New("-role none takes no scope")
		}
		// The user and their role commit together: a refused role leaves
		// no user without one.
		u, err := a.app.Auth.CreateUserWithRole(ctx, *email, *name, pw, b, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "added user %s with role %s%s\n", u.Email, *role, scope)
		if generated {
			fmt.Fprintf(a.stdout, "generated password (shown only once): %s\n", pw)
		}
		return nil
	}
}

func userList(*flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	return nil, func(ctx context.Context, a *admin, _ []string) error {
		users, err := a.app.Auth.Users(ctx)
		if err != nil {
			return err
		}
		scopes, err := scopeNames(ctx, a)
		if err != nil {
			return err
		}
		bindings, err := a.app.Auth.AllBindings(ctx)
		if err != nil {
			return err
		}
		roles := map[int64][]string{}
		for _, b := range bindings {
			roles[b.UserID] = append(roles[b.UserID], scopes.describe(b))
		}
		rows := make([][]string, len(users))
		for i, u := range users {
			r := strings.Join(roles[u.ID], ", ")
			if r == "" {
				r = "-"
			}
			rows[i] = []string{u.Email, u.Name, map[bool]string{true: "yes", false: "no"}[u.Disabled], r}
		}
		return table(a.stdout, "EMAIL\tNAME\tDISABLED\tROLES", rows)
	}
}

// scopeCodes maps scope IDs to the codes people know them by.
type scopeCodes struct{ province, district, facility map[int64]string }

func scopeNames(ctx context.Context, a *admin) (scopeCodes, error) {
	s := scopeCodes{map[int64]string{}, map[int64]string{}, map[int64]string{}}
	ps, err := a.app.Org.Provinces(ctx)
	if err != nil {
		return s, err
	}
	for _, p := range ps {
		s.province[p.ID] = p.Code
	}
	ds, err := a.app.Org.Districts(ctx)
	if err != nil {
		return s, err
	}
	for _, d := range ds {
		s.district[d.ID] = d.Code
	}
	fs, err := a.app.Org.Facilities(ctx, true, nil)
	if err != nil {
		return s, err
	}
	for _, f := range fs {
		s.facility[f.ID] = f.Code
	}
	return s, nil
}

// describe renders a binding as "role (scope code)", e.g.
// "quality_team (facility P3277010101)".
func (s scopeCodes) describe(b bukti.RoleBinding) string {
	switch {
	case b.ProvinceID != nil:
		return b.Role + " (province " + s.province[*b.ProvinceID] + ")"
	case b.DistrictID != nil:
		return b.Role + " (district " + s.district[*b.DistrictID] + ")"
	case b.FacilityID != nil:
		return b.Role + " (facility " + s.facility[*b.FacilityID] + ")"
	case b.SurveyID != nil:
		return fmt.Sprintf("%s (survey %d)", b.Role, *b.SurveyID)
	}
	return b.Role
}

func userSetDisabled(disabled bool) func(*flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	return func(*flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
		return nil, func(ctx context.Context, a *admin, args []string) error {
			u, err := a.app.Auth.UserByEmail(ctx, args[0])
			if err != nil {
				return err
			}
			if _, err := a.app.Auth.SetDisabled(ctx, u.ID, disabled, nil); err != nil {
				return err
			}
			if disabled {
				fmt.Fprintf(a.stdout, "disabled user %s; their sessions are ended\n", u.Email)
			} else {
				fmt.Fprintf(a.stdout, "enabled user %s\n", u.Email)
			}
			return nil
		}
	}
}

func userResetPassword(fs *flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	password := fs.String("password", "", "new password of at least 10 characters; empty generates one and prints it once")
	return nil, func(ctx context.Context, a *admin, args []string) error {
		u, err := a.app.Auth.UserByEmail(ctx, args[0])
		if err != nil {
			return err
		}
		pw, generated := *password, *password == ""
		if generated {
			pw = newPassword()
		}
		if err := a.app.Auth.ResetPassword(ctx, u.ID, pw, nil); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "reset the password of %s; their sessions are ended\n", u.Email)
		if generated {
			fmt.Fprintf(a.stdout, "generated password (shown only once): %s\n", pw)
		}
		return nil
	}
}
