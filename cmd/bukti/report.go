package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/bukti-id/bukti/pkg/report"
)

// reportCommands export reports for scripts.
var reportCommands = []subcommand{
	{name: "gaps", synopsis: "[-district CODE | -province CODE] [-level bab|kriteria|ep] [-report matrix|missing|distance] [-format csv|xlsx|json] [-o FILE]",
		summary: "export the gap report of a district, a province or every facility, with the catalogue in use", setup: reportGaps},
	{name: "snapshot", summary: "take today's score snapshot for trend reports now (the server takes one every day)", setup: reportSnapshot},
}

func reportSnapshot(*flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	return nil, func(ctx context.Context, a *admin, _ []string) error {
		rs, err := reportService(ctx, a)
		if err != nil {
			return err
		}
		n, err := rs.Snapshot(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "snapshot of %d facilities for %s\n", n, report.Day(a.app.Now()).Format(time.DateOnly))
		return nil
	}
}

// reportService is the report service on the catalogue in use.
func reportService(ctx context.Context, a *admin) (*report.Service, error) {
	cat, err := a.app.Standard.Active(ctx)
	if err != nil {
		return nil, err
	}
	return a.app.WithCatalogue(cat).Reports, nil
}

func reportGaps(fs *flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	district := fs.String("district", "", "district code")
	province := fs.String("province", "", "province code")
	level := fs.String("level", string(report.LevelBab), "columns: bab, kriteria or ep")
	kind := fs.String("report", report.KindMatrix, "matrix, missing or distance")
	format := fs.String("format", report.FormatCSV, "csv, xlsx or json")
	out := fs.String("o", "", "output file (default: standard output)")
	return nil, func(ctx context.Context, a *admin, _ []string) error {
		if err := report.Check(*kind, *format); err != nil {
			return err
		}
		lv := report.Level(*level)
		if lv != report.LevelBab && lv != report.LevelKriteria && lv != report.LevelEP {
			return fmt.Errorf("-level must be bab, kriteria or ep, got %q", *level)
		}
		rs, err := reportService(ctx, a)
		if err != nil {
			return err
		}
		g, err := rs.Gaps(ctx, report.Scope{District: *district, Province: *province, All: true}, lv)
		if err != nil {
			return err
		}
		w := a.stdout
		if strings.TrimSpace(*out) != "" {
			f, err := os.Create(*out)
			if err != nil {
				return err
			}
			defer f.Close()
			w = f
		}
		return report.Write(w, g, *kind, *format)
	}
}
