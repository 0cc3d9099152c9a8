// Package standard keeps the versions of the accreditation standard's
// catalogue: the built-in one and those imported from the national
// self-assessment spreadsheet. A stored version is never changed; at most
// one is active, and the server uses it from its next start.
package standard

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/stdimport"
)

// Service stores catalogue versions. Writes run in units of work of Store,
// stamped with its clock; Now names default import versions.
type Service struct {
	Store *sqlstore.DB
	Now   func() time.Time
}

// Save stores a new, inactive version. The same catalogue ID and version
// twice is a conflict: publish changes under a new version string.
func (s *Service) Save(ctx context.Context, c *catalogue.Catalogue, summary string, by *int64) (*bukti.CatalogueVersion, error) {
	doc, err := catalogue.Marshal(c)
	if err != nil {
		return nil, err
	}
	v := bukti.CatalogueVersion{CatalogueID: c.ID, Version: c.Version, Title: c.Title, Document: string(doc),
		Summary: summary, CreatedBy: by}
	err = s.Store.Run(ctx, by, func(t *sqlstore.Tx) error {
		v.CreatedAt = t.Now
		if err := t.CreateCatalogueVersion(&v); err != nil {
			if errors.Is(err, sqlstore.ErrDuplicate) {
				return bukti.Errorf(bukti.ECONFLICT, "Katalog %s versi %s sudah ada; beri versi baru.", "catalogue %s version %s already exists: give it a new version", c.ID, c.Version)
			}
			return err
		}
		return t.Audit(audit.Entry{Action: "catalogue.import", ObjectType: "catalogue",
			ObjectID: strconv.FormatInt(v.ID, 10), Summary: c.ID + "@" + c.Version + ": " + summary})
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// List returns every stored version, newest first.
func (s *Service) List(ctx context.Context) ([]bukti.CatalogueVersion, error) {
	return s.Store.CatalogueVersions(ctx)
}

// Get returns one version with its document.
func (s *Service) Get(ctx context.Context, id int64) (*bukti.CatalogueVersion, error) {
	v, err := s.Store.CatalogueVersion(ctx, id)
	if errors.Is(err, sqlstore.ErrNotFound) {
		return nil, bukti.Errorf(bukti.ENOTFOUND, "Versi katalog dengan id %d tidak ditemukan.", "catalogue version %d not found", id)
	}
	return v, err
}

// Activate makes a version the one the server uses from its next start.
func (s *Service) Activate(ctx context.Context, id int64, by *int64) (*bukti.CatalogueVersion, error) {
	v, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := catalogue.Parse(v.CatalogueID+"@"+v.Version, []byte(v.Document)); err != nil {
		return nil, fmt.Errorf("stored catalogue %d no longer parses: %w", id, err)
	}
	err = s.Store.Run(ctx, by, func(t *sqlstore.Tx) error {
		if err := t.ActivateCatalogueVersion(id); err != nil {
			return err
		}
		return t.Audit(audit.Entry{Action: "catalogue.activate", ObjectType: "catalogue",
			ObjectID: strconv.FormatInt(id, 10), After: v.CatalogueID + "@" + v.Version})
	})
	if err != nil {
		return nil, err
	}
	v.Active = true
	return v, nil
}

// Active returns the catalogue the server should use: the active stored
// version, or the built-in catalogue when none is active.
func (s *Service) Active(ctx context.Context) (*catalogue.Catalogue, error) {
	v, err := s.Store.ActiveCatalogueVersion(ctx)
	if errors.Is(err, sqlstore.ErrNotFound) {
		return criteria.Builtin()
	}
	if err != nil {
		return nil, err
	}
	return catalogue.Parse(v.CatalogueID+"@"+v.Version, []byte(v.Document))
}

// Orphan is evidence whose requirement a catalogue does not have.
type Orphan struct {
	FacilityID    int64  `json:"facility_id"`
	RequirementID string `json:"requirement"`
	Count         int64  `json:"count"`
}

// Orphans lists the live evidence that would not carry over to c: records
// whose requirement ID c lacks. Evidence for matching IDs carries over by
// itself, since it is stored against the ID.
func (s *Service) Orphans(ctx context.Context, c *catalogue.Catalogue) ([]Orphan, error) {
	rows, err := s.Store.LiveEvidenceCounts(ctx)
	if err != nil {
		return nil, err
	}
	out := []Orphan{}
	for _, r := range rows {
		if _, _, ok := c.Requirement(r.RequirementID); !ok {
			out = append(out, Orphan{FacilityID: r.FacilityID, RequirementID: r.RequirementID, Count: r.Count})
		}
	}
	return out, nil
}

// ImportResult is what an import stored and found.
type ImportResult struct {
	Version *bukti.CatalogueVersion `json:"version"`
	Report  stdimport.Report        `json:"report"`
	Counts  catalogue.Counts        `json:"counts"`
	// Orphans is the evidence that will not carry over to the new version.
	Orphans []Orphan `json:"not_carried_over"`
}

// Import reads a self-assessment spreadsheet with read and stores the
// result as a new, inactive version. base gives the catalogue ID, source,
// Bab titles and threshold table (the spreadsheet has none of them);
// version defaults to "import-<date>-<time>", title to base's.
func (s *Service) Import(ctx context.Context, base *catalogue.Catalogue, version, title string, by *int64,
	read func(stdimport.Options) (*catalogue.Catalogue, stdimport.Report, error)) (*ImportResult, error) {
	if strings.TrimSpace(version) == "" {
		// The default label is in the process's local time (TZ), not in
		// the zone of s.Now (BUKTI_TIMEZONE), as it always was.
		version = "import-" + s.Now().Local().Format("20060102-150405")
	}
	if strings.TrimSpace(title) == "" {
		title = base.Title
	}
	titles := map[string]string{}
	for _, b := range base.Bab {
		titles[b.ID] = b.Title
	}
	cat, rep, err := read(stdimport.Options{ID: base.ID, Version: strings.TrimSpace(version), Title: strings.TrimSpace(title),
		Source: base.Source, Scoring: base.Scoring, BabTitles: titles})
	if err != nil {
		return nil, &bukti.Error{Code: bukti.EINVALID, Message: "Spreadsheet tidak dapat diimpor: " + err.Error(),
			MessageEN: "the workbook cannot be imported: " + err.Error()}
	}
	orphans, err := s.Orphans(ctx, cat)
	if err != nil {
		return nil, err
	}
	v, err := s.Save(ctx, cat, Summary(rep), by)
	if err != nil {
		return nil, err
	}
	return &ImportResult{Version: v, Report: rep, Counts: cat.Counts(), Orphans: orphans}, nil
}

// Summary is the one-line count of an import.
func Summary(r stdimport.Report) string {
	return fmt.Sprintf("%d Bab, %d standar, %d kriteria, %d EP, %d requirements, %d interview items; %d rows skipped",
		r.Bab, r.Standar, r.Kriteria, r.Elements, r.Requirements, r.Interviews, len(r.Skipped))
}
