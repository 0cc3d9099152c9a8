package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/demo"
	"github.com/bukti-id/bukti/pkg/standard"
)

// demoCommands make synthetic data for demonstrations and benchmarks.
var demoCommands = []subcommand{
	{name: "seed", synopsis: "-facilities N [-seed S] [-completeness F] [-full-standard] [-force]",
		summary: "fill an empty database with synthetic provinces, districts, Puskesmas (codes P000001…) and their\n" +
			"evidence, interviewees and TDD marks, for demonstrations, reports and benchmarks. No files are stored:\n" +
			"downloading a demo document answers 404. With -full-standard, a synthetic catalogue of the whole\n" +
			"standard (5 Bab, 328 EP) is stored and activated first; otherwise the active catalogue is used",
		setup: demoSeed},
}

func demoSeed(fs *flag.FlagSet) ([]string, func(context.Context, *admin, []string) error) {
	opt := demo.SeedOptions{Completeness: demo.DefaultCompleteness}
	fs.Var(facilityCount{&opt.Facilities}, "facilities", fmt.Sprintf("create `N` Puskesmas, 1..%d (required)", demo.MaxFacilities))
	fs.Int64Var(&opt.Seed, "seed", 1, "random seed `S`: the same seed gives the same data")
	fs.Func("completeness", fmt.Sprintf("`F` is the mean share of requirements with evidence, more than 0 and at most 1 (default %v);\nfacilities spread from nearly empty to complete around it", demo.DefaultCompleteness), func(s string) error {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !(f > 0 && f <= 1) {
			return fmt.Errorf("must be a number more than 0 and at most 1, got %q", s)
		}
		opt.Completeness = f
		return nil
	})
	fs.IntVar(&opt.Provinces, "provinces", 0, "number of provinces (default: one per 500 facilities)")
	fs.IntVar(&opt.DistrictsPerProvince, "districts-per-province", 0, "districts in each province (default: about 40 facilities per district)")
	full := fs.Bool("full-standard", false, "store and activate a synthetic catalogue of the whole standard (5 Bab, 35 standar, 82 kriteria, 328 EP,\nwith the real Kriteria 2.1.2) and seed against it")
	force := fs.Bool("force", false, "seed even if the database already has facilities")
	return []string{"facilities"}, func(ctx context.Context, a *admin, _ []string) error {
		existing, err := a.app.DB.DemoFacilityCount(ctx)
		if err != nil {
			return err
		}
		if existing > 0 && !*force {
			return fmt.Errorf("the database already has %d facilities: demo seed fills an empty database, since its synthetic "+
				"Puskesmas and evidence would mix with real ones in reports and no command removes them; seed a new database "+
				"(-database-url), or add -force to add demo data anyway (codes continue after the highest P###### present)", existing)
		}
		st := a.app.Standard
		var cat *catalogue.Catalogue
		if *full {
			var err error
			if cat, err = activateFullStandard(ctx, a, st); err != nil {
				return err
			}
		} else {
			var err error
			if cat, err = st.Active(ctx); err != nil {
				return fmt.Errorf("load the active catalogue: %w", err)
			}
		}
		n := cat.Counts()
		fmt.Fprintf(a.stdout, "seeding %d facilities for catalogue %s@%s (%d EP, %d requirements), seed %d, completeness %v\n",
			opt.Facilities, cat.ID, cat.Version, n.Elements, n.Requirements, opt.Seed, opt.Completeness)
		start := time.Now()
		next := max(opt.Facilities/10, 100)
		opt.Progress = func(done, total int) {
			if done >= next && done < total {
				fmt.Fprintf(a.stderr, "seeded %d of %d facilities (%s)\n", done, total, time.Since(start).Round(time.Second))
				next += max(total/10, 100)
			}
		}
		opt.Now = a.app.Now() // the seed stores it in UTC
		res, err := demo.Seed(ctx, a.app.DB, cat, opt)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
		for _, row := range []struct {
			name  string
			n     int
			extra string
		}{
			{"provinces", res.Provinces, ""},
			{"districts", res.Districts, ""},
			{"facilities", res.Facilities, res.FirstCode + "…" + res.LastCode},
			{"evidence", res.Evidence, fmt.Sprintf("%d accepted, %d rejected, %d expired; one revision each", res.Accepted, res.Rejected, res.Expired)},
			{"revisions", res.Revisions, "no files stored: downloads of demo documents answer 404"},
			{"interviewees", res.Interviewees, ""},
			{"TDD marks", res.NotApplicable, ""},
		} {
			if row.extra == "" {
				fmt.Fprintf(tw, "%s\t%d\n", row.name, row.n)
			} else {
				fmt.Fprintf(tw, "%s\t%d\t%s\n", row.name, row.n, row.extra)
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		secs := res.Elapsed.Seconds()
		fmt.Fprintf(a.stdout, "seeded %d rows in %s (%.0f rows/s)\n", res.Rows(), res.Elapsed.Round(10*time.Millisecond), float64(res.Rows())/max(secs, 1e-3))
		return nil
	}
}

// activateFullStandard stores the synthetic full standard as a catalogue
// version (or finds it stored by an earlier seed) and activates it.
func activateFullStandard(ctx context.Context, a *admin, st *standard.Service) (*catalogue.Catalogue, error) {
	cat, err := demo.FullStandard()
	if err != nil {
		return nil, err
	}
	v, err := st.Save(ctx, cat, "synthetic full standard for demos", nil)
	if bukti.ErrorCode(err) == bukti.ECONFLICT {
		// Stored by an earlier seed: use it if it is the same document.
		vs, lerr := st.List(ctx)
		if lerr != nil {
			return nil, lerr
		}
		v = nil
		for i := range vs {
			if vs[i].CatalogueID == cat.ID && vs[i].Version == cat.Version {
				v = &vs[i]
			}
		}
		doc, merr := catalogue.Marshal(cat)
		if merr != nil {
			return nil, merr
		}
		if v == nil {
			return nil, err
		}
		stored, gerr := st.Get(ctx, v.ID)
		if gerr != nil {
			return nil, gerr
		}
		if stored.Document != string(doc) {
			return nil, fmt.Errorf("catalogue %s@%s is already stored (version id %d) with other content; it cannot be replaced", cat.ID, cat.Version, v.ID)
		}
		err = nil
	}
	if err != nil {
		return nil, err
	}
	if !v.Active {
		plan, err := st.Activate(ctx, v.ID, false, nil)
		if errors.Is(err, standard.ErrConfirmRequired) {
			// Seeding never leaves a facility's data behind on its own.
			fmt.Fprintf(a.stdout, "the synthetic standard is stored as version id %d but not activated: it does not carry over %s; "+
				"review with bukti catalogue activate %d, activate with -confirm, then seed without -full-standard\n",
				v.ID, plan.NotCarriedOver.Summary(), v.ID)
		}
		if err != nil {
			return nil, err
		}
		v = plan.Version
	}
	fmt.Fprintf(a.stdout, "catalogue %s@%s is version id %d, active; restart the servers to use it\n", v.CatalogueID, v.Version, v.ID)
	return cat, nil
}

// facilityCount is the -facilities flag: checked when parsed, so a bad
// value is refused before the database is opened, and empty until set, so
// the flag can be required.
type facilityCount struct{ n *int }

func (f facilityCount) String() string {
	if f.n == nil || *f.n == 0 {
		return ""
	}
	return strconv.Itoa(*f.n)
}

func (f facilityCount) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > demo.MaxFacilities {
		return fmt.Errorf("must be a number from 1 to %d, got %q", demo.MaxFacilities, s)
	}
	*f.n = n
	return nil
}
