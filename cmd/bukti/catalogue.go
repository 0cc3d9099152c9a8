package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/standard"
)

// catalogueCommands manage the versions of the standard's catalogue.
var catalogueCommands = []subcommand{
	{name: "import", synopsis: "FILE.xlsx|DIR [-version V] [-title T]", args: []string{"FILE.xlsx|DIR"},
		summary: "read the national self-assessment spreadsheet (one sheet per Bab, or a directory with one .xlsx\nper Bab) into a new, inactive catalogue version; prints what it read and every row it could not", setup: catalogueImport},
	{name: "list", summary: "list the stored catalogue versions", setup: catalogueList},
	{name: "activate", synopsis: "VERSION-ID [-confirm] [-dry-run]", args: []string{"VERSION-ID"}, summary: "make a stored version the one the server uses from its next start; prints its difference from the\ncatalogue in use and the evidence, interviewees and TDD marks it does not carry over, and activates such a\nversion only with -confirm (what is left behind stays in the database, unreachable)", setup: catalogueActivate},
	{name: "export", synopsis: "[-version-id N] [-o FILE.yaml]", summary: "write a catalogue as YAML: the given stored version, else the one in use", setup: catalogueExport},
}

func catalogueImport(fs *flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	version := fs.String("version", "", "version string of this import (default: import-<date>-<time>)")
	title := fs.String("title", "", "catalogue title (default: the built-in's)")
	return nil, func(ctx context.Context, a *admin, args []string) error {
		st := a.app.Standard
		res, err := st.Import(ctx, criteria.MustBuiltin(), *version, *title, nil,
			func(opt catalogue.ImportOptions) (*catalogue.Catalogue, catalogue.ImportReport, error) {
				return importPath(args[0], opt)
			})
		if err != nil {
			return err
		}
		v := res.Version
		fmt.Fprintf(a.stdout, "imported %s@%s as version id %d (inactive)\n%s\n", v.CatalogueID, v.Version, v.ID, v.Summary)
		for _, p := range res.Report.Skipped {
			fmt.Fprintf(a.stdout, "skipped %s\n", p)
		}
		for _, p := range res.Report.Warnings {
			fmt.Fprintf(a.stdout, "warning %s\n", p)
		}
		printDiff(a.stdout, res.Diff)
		printLeftBehind(a.stdout, res.NotCarriedOver)
		fmt.Fprintf(a.stdout, "review and use it from the next start with: bukti catalogue activate %d\n", v.ID)
		return nil
	}
}

// importPath imports a workbook, or every .xlsx of a directory.
func importPath(path string, opt catalogue.ImportOptions) (*catalogue.Catalogue, catalogue.ImportReport, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, catalogue.ImportReport{}, err
	}
	if !info.IsDir() {
		f, err := os.Open(path)
		if err != nil {
			return nil, catalogue.ImportReport{}, err
		}
		defer f.Close()
		return catalogue.ImportWorkbook(f, opt)
	}
	files, err := filepath.Glob(filepath.Join(path, "*.xlsx"))
	if err != nil {
		return nil, catalogue.ImportReport{}, err
	}
	if len(files) == 0 {
		return nil, catalogue.ImportReport{}, fmt.Errorf("%s has no .xlsx file", path)
	}
	slices.Sort(files)
	return catalogue.ImportFiles(files, opt)
}

func catalogueList(*flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	return nil, func(ctx context.Context, a *admin, _ []string) error {
		vs, err := a.app.Standard.List(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tCATALOGUE\tVERSION\tACTIVE\tIMPORTED\tSUMMARY")
		c := criteria.MustBuiltin()
		active := "yes"
		for _, v := range vs {
			if v.Active {
				active = "no"
			}
		}
		fmt.Fprintf(tw, "-\t%s\t%s\t%s\tbuilt in\t%d requirements\n", c.ID, c.Version, active, c.Counts().Requirements)
		for _, v := range vs {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", v.ID, v.CatalogueID, v.Version, map[bool]string{true: "yes", false: "no"}[v.Active],
				v.CreatedAt.Local().Format("2006-01-02 15:04"), v.Summary)
		}
		return tw.Flush()
	}
}

func catalogueActivate(fs *flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	confirm := fs.Bool("confirm", false, "activate even though evidence, interviewees or TDD marks do not carry over (they stay in the database, unreachable)")
	dryRun := fs.Bool("dry-run", false, "only print the difference and what would not carry over; activate nothing")
	return nil, func(ctx context.Context, a *admin, args []string) error {
		id, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil {
			return fmt.Errorf("VERSION-ID %q is not a number: see bukti catalogue list", args[0])
		}
		if *dryRun {
			plan, err := a.app.Standard.PlanActivation(ctx, id)
			if err != nil {
				return err
			}
			printDiff(a.stdout, plan.Diff)
			printLeftBehind(a.stdout, plan.NotCarriedOver)
			fmt.Fprintln(a.stdout, "dry run: nothing activated")
			return nil
		}
		plan, err := a.app.Standard.Activate(ctx, id, *confirm, nil)
		if plan != nil {
			printDiff(a.stdout, plan.Diff)
			printLeftBehind(a.stdout, plan.NotCarriedOver)
		}
		if errors.Is(err, standard.ErrConfirmRequired) {
			fmt.Fprintf(a.stdout, "nothing activated; to activate and leave the above behind: bukti catalogue activate %d -confirm\n", id)
		}
		if err != nil {
			return err
		}
		v := plan.Version
		if left := plan.NotCarriedOver; !left.Empty() {
			fmt.Fprintf(a.stdout, "left behind %s: kept in the database, unreachable until a version with their IDs is active; recorded in the audit log\n", left.Summary())
		}
		fmt.Fprintf(a.stdout, "activated %s@%s; restart the servers to use it\n", v.CatalogueID, v.Version)
		return nil
	}
}

// printDiff writes the difference between two catalogue versions, EP by
// EP.
func printDiff(w io.Writer, d catalogue.Difference) {
	fmt.Fprintf(w, "difference from %s to %s: %s\n", d.From, d.To, d.Counts)
	for _, e := range d.Elements {
		what := ""
		if len(e.Fields) > 0 {
			what = " (" + strings.Join(e.Fields, ", ") + ")"
		}
		fmt.Fprintf(w, "  EP %s %s%s: %s\n", e.ID, e.Change, what, e.Text)
		for _, r := range e.Requirements {
			what := ""
			if len(r.Fields) > 0 {
				what = " (" + strings.Join(r.Fields, ", ") + ")"
			}
			fmt.Fprintf(w, "    %s %s%s: %s\n", r.ID, r.Change, what, r.Title)
		}
	}
}

// printLeftBehind writes what a version does not carry over, one line
// each.
func printLeftBehind(w io.Writer, l standard.LeftBehind) {
	if l.Empty() {
		fmt.Fprintln(w, "everything carries over: no evidence, interviewee or TDD mark is left behind")
		return
	}
	for _, e := range l.Evidence {
		fmt.Fprintf(w, "not carried over: evidence %d of facility %d on %s (%q): no %s\n", e.ID, e.FacilityID,
			strings.Join(slices.DeleteFunc([]string{e.RequirementID, e.Stage, e.Part}, func(s string) bool { return s == "" }), " "), e.Title, e.Reason)
	}
	for _, i := range l.Interviewees {
		fmt.Fprintf(w, "not carried over: interviewee of facility %d on %s, %s (%s): no %s\n", i.FacilityID, i.RequirementID, i.Role, i.Name, i.Reason)
	}
	for _, n := range l.NotApplicable {
		fmt.Fprintf(w, "not carried over: TDD mark of facility %d on %s: no %s\n", n.FacilityID, n.ElementID, n.Reason)
	}
}

func catalogueExport(fs *flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	versionID := fs.Int64("version-id", 0, "stored version to export (default: the one in use)")
	out := fs.String("o", "", "output file (default: standard output)")
	return nil, func(ctx context.Context, a *admin, _ []string) error {
		st := a.app.Standard
		var doc []byte
		if *versionID != 0 {
			v, err := st.Get(ctx, *versionID)
			if err != nil {
				return err
			}
			doc = []byte(v.Document)
		} else {
			c, err := st.Active(ctx)
			if err != nil {
				return err
			}
			if doc, err = catalogue.Marshal(c); err != nil {
				return err
			}
		}
		if strings.TrimSpace(*out) == "" {
			_, err := a.stdout.Write(doc)
			return err
		}
		return os.WriteFile(*out, doc, 0o644)
	}
}
