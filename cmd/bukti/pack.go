package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/bukti-id/bukti/pkg/app"
	"github.com/bukti-id/bukti/pkg/db"
	"github.com/bukti-id/bukti/pkg/pack"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/ui"
)

const packUsage = `Usage: bukti pack -survey ID -o FILE.zip [flags]

Write the evidence pack of a survey: every file of its snapshot under
Bab/Standar/Kriteria/EP/requirement folders, index.html (browsable offline)
and manifest.csv (path, requirement, revision, size, sha256 …). Every file
is checked against its SHA-256 while it is written; on any failure no file
is left at -o. "-o -" writes to standard output. manifest.csv speaks
Bahasa Indonesia unless -lang en.

Flags:
`

// runPack is "bukti pack": the evidence pack of a survey, from the
// database and blob store the server uses.
func runPack(ctx context.Context, args []string, getenv func(string, string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bukti pack", flag.ContinueOnError)
	fs.SetOutput(stderr)
	id := fs.Int64("survey", 0, "survey ID (see the survey page /s/ID or GET /api/v1/surveys)")
	out := fs.String("o", "", "output file, e.g. paket-bukti.zip; - for standard output")
	lang := fs.String("lang", "id", "language of manifest.csv: id (Bahasa Indonesia) or en")
	dbf := addDBFlags(fs, getenv)
	sf := addStoreFlags(fs, getenv)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), packUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("bukti pack: unexpected argument %q", fs.Arg(0))
	case *id <= 0:
		return errors.New("bukti pack: missing or invalid -survey ID (a positive number)")
	case *out == "":
		return errors.New("bukti pack: missing -o FILE.zip (or -o - for standard output)")
	case *lang != "id" && *lang != "en":
		return fmt.Errorf("bukti pack: -lang %q: want id or en", *lang)
	}
	loc, err := loadTimeZone(getenv("BUKTI_TIMEZONE", "Asia/Jakarta"))
	if err != nil {
		return err
	}
	url, store, err := openBlobsAndURL(ctx, dbf, sf)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	gdb, err := db.Open(ctx, url, log)
	if err != nil {
		return err
	}
	defer db.Close(gdb)
	st := sqlstore.New(gdb, nil)
	cat, err := app.ActiveCatalogue(ctx, st)
	if err != nil {
		return err
	}
	a := app.New(st, store, cat, app.Options{TimeZone: loc, Log: log})
	ov, err := a.Surveys.Overview(ctx, *id)
	if err != nil {
		return english(err)
	}
	if ov.Survey.SubmittedAt == nil {
		return fmt.Errorf("bukti pack: survey %d has no snapshot yet: the quality team has not submitted its self-assessment", *id)
	}
	// The index page speaks through the interface's catalogues.
	pages, err := ui.Load()
	if err != nil {
		return err
	}
	in := pack.FromOverview(ov, cat, a.Now(), pages.T)
	in.Lang = *lang
	if *out == "-" {
		return pack.Write(ctx, stdout, store, in)
	}
	if err := writeAtomically(*out, func(w io.Writer) error { return pack.Write(ctx, w, store, in) }); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "evidence pack of survey %d (%s, %d files) written to %s\n", *id, ov.Facility.Name, len(in.Items), *out)
	return nil
}

// writeAtomically writes a file through a temporary file in the same
// directory, renamed into place only when write succeeds: a failed write
// leaves nothing that looks complete.
func writeAtomically(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	// Readable like any file the user creates, and on disk before it gets
	// its name.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
