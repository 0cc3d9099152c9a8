package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/stdimport"
)

// catalogueCommands manage the versions of the standard's catalogue.
var catalogueCommands = []subcommand{
	{name: "import", synopsis: "FILE.xlsx|DIR [-version V] [-title T]", args: []string{"FILE.xlsx|DIR"},
		summary: "read the national self-assessment spreadsheet (one sheet per Bab, or a directory with one .xlsx\nper Bab) into a new, inactive catalogue version; prints what it read and every row it could not", setup: catalogueImport},
	{name: "list", summary: "list the stored catalogue versions", setup: catalogueList},
	{name: "activate", synopsis: "VERSION-ID", args: []string{"VERSION-ID"}, summary: "make a stored version the one the server uses from its next start", setup: catalogueActivate},
	{name: "export", synopsis: "[-version-id N] [-o FILE.yaml]", summary: "write a catalogue as YAML: the given stored version, else the one in use", setup: catalogueExport},
}

func catalogueImport(fs *flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	version := fs.String("version", "", "version string of this import (default: import-<date>-<time>)")
	title := fs.String("title", "", "catalogue title (default: the built-in's)")
	return nil, func(ctx context.Context, a *admin, args []string) error {
		st := a.app.Standard
		res, err := st.Import(ctx, criteria.MustBuiltin(), *version, *title, nil,
			func(opt stdimport.Options) (*catalogue.Catalogue, stdimport.Report, error) {
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
		for _, o := range res.Orphans {
			fmt.Fprintf(a.stdout, "not carried over: facility %d, %s (%d records)\n", o.FacilityID, o.RequirementID, o.Count)
		}
		fmt.Fprintf(a.stdout, "use it from the next start with: bukti catalogue activate %d\n", v.ID)
		return nil
	}
}

// importPath imports a workbook, or every .xlsx of a directory.
func importPath(path string, opt stdimport.Options) (*catalogue.Catalogue, stdimport.Report, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, stdimport.Report{}, err
	}
	if !info.IsDir() {
		f, err := os.Open(path)
		if err != nil {
			return nil, stdimport.Report{}, err
		}
		defer f.Close()
		return stdimport.Import(f, opt)
	}
	files, err := filepath.Glob(filepath.Join(path, "*.xlsx"))
	if err != nil {
		return nil, stdimport.Report{}, err
	}
	if len(files) == 0 {
		return nil, stdimport.Report{}, fmt.Errorf("%s has no .xlsx file", path)
	}
	slices.Sort(files)
	return stdimport.ImportFiles(files, opt)
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

func catalogueActivate(*flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	return nil, func(ctx context.Context, a *admin, args []string) error {
		id, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil {
			return fmt.Errorf("VERSION-ID %q is not a number: see bukti catalogue list", args[0])
		}
		v, err := a.app.Standard.Activate(ctx, id, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "activated %s@%s; restart the servers to use it\n", v.CatalogueID, v.Version)
		return nil
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
