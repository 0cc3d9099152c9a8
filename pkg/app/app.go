// Package app is Bukti's one composition root: it wires every service on an
// open database, blob store and catalogue, once, for the server (bukti
// serve), the command line and the tests (the role of
// github.com/benbjohnson/wtf's cmd/wtfd/main.go). The caller opens the
// database (db.Open) and hands it over as a store (sqlstore.New).
//
// Contract: every service of an App reads the same clock, the current time
// in the deployment's time zone (Options.TimeZone, BUKTI_TIMEZONE), so
// dates decided by a calendar — when evidence expires, which day a score
// snapshot belongs to — agree wherever they are computed. Services store
// instants in UTC, whatever the clock's zone. Nothing outside this package
// constructs a service; feature packages never import app.
package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/report"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/standard"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/thumbs"
	"github.com/bukti-id/bukti/pkg/web"
	"github.com/bukti-id/bukti/storage"
	"github.com/bukti-id/bukti/ui"
)

// Options are the settings the services are wired with. The zero value is
// usable: local time zone, time.Now, the default upload limit and bcrypt
// cost, slog.Default.
type Options struct {
	// TimeZone is the deployment's time zone (BUKTI_TIMEZONE): the clock
	// of every service reads the time in it. nil: time.Local.
	TimeZone *time.Location
	// Now is the source of the clock, for tests that stop time; the clock
	// still reads it in TimeZone. nil: time.Now.
	Now func() time.Time
	// MaxUploadBytes is the largest accepted evidence file in bytes.
	// 0: evidence.DefaultMaxBytes.
	MaxUploadBytes int64
	// Log receives the services' logs. nil: slog.Default().
	Log *slog.Logger
	// BcryptCost is the cost of password hashes. 0: bcrypt.DefaultCost
	// (tests use the minimum, 4).
	BcryptCost int
	// UI is the templates and assets of the pages, for WebDeps; commands
	// that serve no pages leave it nil.
	UI *ui.UI
	// TrustProxy reads the client IP from X-Forwarded-For (web.Deps).
	TrustProxy bool
	// ScrubPeriod is how often the background scrub re-reads the whole
	// blob store (BUKTI_SCRUB_PERIOD); 0: the scrub is off.
	ScrubPeriod time.Duration
}

// App is the wired application: every service, on one database, one blob
// store and one catalogue, with one clock.
type App struct {
	// DB is the metadata store, its units reading the App's clock.
	DB *sqlstore.DB
	// Store is the blob store; nil for commands that read or write no
	// evidence file (uploads then fail).
	Store storage.Store
	// Catalogue is the catalogue in use; nil for commands that need none
	// (Evidence, Surveys and Reports then cannot score: use WithCatalogue).
	Catalogue *catalogue.Catalogue
	Log       *slog.Logger

	Auth     *auth.Service
	Org      *org.Service
	Evidence *evidence.Service
	Surveys  *survey.Service
	Standard *standard.Service
	Reports  *report.Service
	// Integrity records fsck runs, scrub passes and damaged files, and
	// runs the scrub (serve starts it).
	Integrity *integrity.Service
	// Thumbs makes the thumbnails of uploaded photos and PDFs; nil
	// without a store. Its workers run only once started (Thumbs.Start,
	// as bukti serve does, with Thumbs.Stop at shutdown); until then
	// uploads queue their files and pages show file-type icons.
	Thumbs *thumbs.Service

	opt Options
	now func() time.Time
}

// New wires every service once on db, store and cat, all reading the same
// clock: Options.Now (else time.Now) in Options.TimeZone; App.DB is db
// with that clock (db's own clock is not used). store and cat may be nil;
// see App. db may be nil only for an App that never reaches the database.
func New(db *sqlstore.DB, store storage.Store, cat *catalogue.Catalogue, opt Options) *App {
	if opt.TimeZone == nil {
		opt.TimeZone = time.Local
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if opt.MaxUploadBytes == 0 {
		opt.MaxUploadBytes = evidence.DefaultMaxBytes
	}
	src, tz := opt.Now, opt.TimeZone
	if src == nil {
		src = time.Now
	}
	now := func() time.Time { return src().In(tz) }
	if opt.UI != nil {
		opt.UI.SetTimeZone(tz) // the pages show times where the clock reads them
	}
	var st *sqlstore.DB
	if db != nil {
		st = db.WithClock(now)
	}

	a := &App{DB: st, Store: store, Catalogue: cat, Log: opt.Log, opt: opt, now: now}
	a.Auth = &auth.Service{Store: st, Now: now, Log: opt.Log, Cost: opt.BcryptCost}
	a.Org = &org.Service{Store: st, Now: now}
	a.Standard = &standard.Service{Store: st, Now: now}
	a.Evidence = &evidence.Service{Store: st, Blobs: store, Catalogue: cat, MaxBytes: opt.MaxUploadBytes, Now: now, Log: opt.Log,
		ReadinessCache: evidence.NewReadinessCache(evidence.DefaultReadinessCache)}
	if store != nil {
		a.Thumbs = thumbs.New(store, thumbs.Options{Log: opt.Log})
		a.Evidence.Recorded = func(sum string, size int64, contentType string) {
			a.Thumbs.Enqueue(thumbs.File{SHA256: sum, Size: size, ContentType: contentType})
		}
	}
	a.Surveys = &survey.Service{Store: st, Catalogue: cat, Evidence: a.Evidence, Now: now}
	a.Reports = &report.Service{Store: st, Catalogue: cat, Now: now}
	a.Integrity = &integrity.Service{Store: st, Blobs: store, ScrubPeriod: opt.ScrubPeriod, Now: now, Log: opt.Log}
	return a
}

// WithCatalogue is an App like a (same database, store, options and
// clock) working on cat, for commands that learn the catalogue in use
// only after they start.
func (a *App) WithCatalogue(cat *catalogue.Catalogue) *App {
	return New(a.DB, a.Store, cat, a.opt)
}

// Now is the clock every service of a reads: the current time in the
// deployment's time zone.
func (a *App) Now() time.Time { return a.now() }

// TimeZone is the deployment's time zone, the location of Now.
func (a *App) TimeZone() *time.Location { return a.opt.TimeZone }

// WebDeps is what the web server needs: the services, the catalogue, the
// pages (Options.UI) and the proxy setting.
func (a *App) WebDeps() web.Deps {
	return web.Deps{
		DB:         a.DB,
		Auth:       a.Auth,
		Org:        a.Org,
		Evidence:   a.Evidence,
		Surveys:    a.Surveys,
		Standard:   a.Standard,
		Reports:    a.Reports,
		Integrity:  a.Integrity,
		Thumbs:     a.Thumbs,
		Catalogue:  a.Catalogue,
		UI:         a.opt.UI,
		Log:        a.Log,
		TrustProxy: a.opt.TrustProxy,
	}
}

// ActiveCatalogue loads the catalogue in use in db: the active stored
// version, else the built-in one. It is what serve and the commands wire
// New with, read before the rest is opened.
func ActiveCatalogue(ctx context.Context, db *sqlstore.DB) (*catalogue.Catalogue, error) {
	return New(db, nil, nil, Options{}).Standard.Active(ctx)
}
