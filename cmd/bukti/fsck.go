package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/bukti-id/bukti/pkg/db"
	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

const fsckUsage = `Usage: bukti fsck [-repair] [-verify-content] [-grace 24h] [-json]

Check that every evidence file the database records is in the blob store
with its recorded size (and, with -verify-content, its SHA-256, reading
every byte), and list what the store holds that nothing records: orphan
blobs and the debris of interrupted uploads older than -grace.

-repair removes that debris and the orphan blobs (never a recorded file;
each orphan is looked up again just before removal). Missing or damaged
files cannot be repaired: the report names the evidence to upload again.
Safe to run while the server runs. Each run and the damaged files it
finds are recorded in the database, where the admin page
/admin/integrity and the facilities' dashboards show them.

Exit status: 0 clean, 1 problems found (after -repair: problems left),
2 could not run.

Flags:
`

// exitCode is an error that sets the process's exit status without a
// message of its own.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// runFsck is "bukti fsck".
func runFsck(ctx context.Context, args []string, getenv func(string, string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bukti fsck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	repair := fs.Bool("repair", false, "remove orphan blobs and upload debris older than -grace")
	verify := fs.Bool("verify-content", false, "re-hash every recorded blob (reads the whole store)")
	grace := fs.Duration("grace", integrity.DefaultGrace, "minimum age of what counts as orphan or debris (uploads in progress are younger)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	dbf := addDBFlags(fs, getenv)
	sf := addStoreFlags(fs, getenv)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), fsckUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bukti fsck: unexpected argument %q", fs.Arg(0))
	}
	if *grace < time.Minute {
		return fmt.Errorf("bukti fsck: -grace %v is too short: uploads still running would count as debris (use at least 1m; the default is %v)", *grace, integrity.DefaultGrace)
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
	records := sqlstore.New(gdb, nil)
	rep, err := integrity.Check(ctx, records, store, integrity.Options{Repair: *repair, VerifyContent: *verify, Grace: *grace})
	// The run and its findings are recorded for the admin page
	// (/admin/integrity) and the facilities' dashboards; damage this run
	// found healthy is resolved there.
	if _, rerr := (&integrity.Service{Store: records, Blobs: store}).RecordCheck(ctx, rep, err); rerr != nil {
		fmt.Fprintf(stderr, "bukti fsck: warning: the run could not be recorded in the database: %v\n", rerr)
	}
	if err != nil {
		return fmt.Errorf("bukti fsck: could not finish the check of %s: %w", store.Name(), err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printFsck(stdout, store.Name(), rep)
	}
	if rep.Remaining() > 0 {
		return exitCode(1)
	}
	return nil
}

// printFsck writes the report for a person.
func printFsck(w io.Writer, store string, rep integrity.Report) {
	what := "checked sizes"
	if rep.Verified {
		what = "verified content"
	}
	fmt.Fprintf(w, "bukti fsck: %s, %s of %d recorded files; the store holds %d blobs (%d bytes)\n",
		store, what, rep.Records, rep.Blobs, rep.Bytes)
	if len(rep.Problems) == 0 {
		fmt.Fprintln(w, "clean: every recorded file is there as recorded; no orphans, no debris")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROBLEM\tKEY\tSIZE\tRECORDED\tDETAIL\tREPAIRED")
	for _, p := range rep.Problems {
		repaired := "no"
		if p.Removed {
			repaired = "removed"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", p.Kind, p.Key, p.Size, p.Recorded, p.Detail, repaired)
	}
	tw.Flush()
	if len(rep.Affected) > 0 {
		fmt.Fprintln(w, "\nevidence files to upload again (missing or damaged):")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "FACILITY\tREQUIREMENT\tEVIDENCE\tREVISION\tTITLE\tFILE\tDELETED")
		for _, a := range rep.Affected {
			fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%s\t%v\n", a.FacilityID, a.RequirementID, a.EvidenceID, a.Revision, a.Title, a.FileName, a.Deleted)
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "%d problem(s), %d damaged, %d left\n", len(rep.Problems), rep.Damaged(), rep.Remaining())
}
