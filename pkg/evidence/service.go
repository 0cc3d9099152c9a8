// Package evidence keeps the documents a facility holds against the
// requirements of the catalogue: upload (sniff → hash → stage → commit →
// record), metadata, revisions, soft delete, TDD marks, interviewees, and
// the inputs of the readiness scorer.
//
// Contract: evidence bytes are never overwritten or hard-deleted. A new
// upload is a new revision; deletion is a soft delete recorded in the audit
// log; a blob is only removed when the database write that would have
// referenced it fails and no other revision references it.
package evidence

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	auditlog "github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/storage"
)

// DefaultMaxBytes is the default upload limit (100 MiB).
const DefaultMaxBytes = 100 << 20

// Service is the evidence lifecycle. All fields are required.
type Service struct {
	Store     *sqlstore.DB  // the metadata database
	Blobs     storage.Store // the evidence files
	Catalogue *catalogue.Catalogue
	MaxBytes  int64
	Now       func() time.Time
	Log       *slog.Logger
	// ReadinessCache, when set, keeps facilities' readiness in memory
	// (Scored); nil scores every read from the database.
	ReadinessCache *ReadinessCache
}

// Upload describes a new evidence file and where it belongs.
type Upload struct {
	FacilityID int64
	// Requirements lists one or more requirement IDs; the same file is
	// linked to each (one evidence record per requirement, one blob).
	Requirements []string
	Meta         Meta
	By           int64 // uploading user
}

// Meta is the document metadata a quality team fills in.
type Meta struct {
	Title       string     `json:"title"`
	DocNumber   string     `json:"doc_number"`
	DocRevision string     `json:"doc_revision"`
	IssueDate   *time.Time `json:"issue_date"`
	ValidUntil  *time.Time `json:"valid_until"`
	Notes       string     `json:"notes"`
	Stage       string     `json:"stage"`
	Part        string     `json:"part"`
}

// Field length limits, in characters.
const (
	maxTitle = 300
	maxShort = 200
	maxNotes = 2000
)

// check validates metadata against a requirement. fileName fills an empty
// title.
func (m *Meta) check(r *catalogue.Requirement, fileName string) error {
	m.Title = strings.TrimSpace(m.Title)
	if m.Title == "" {
		m.Title = strings.TrimSpace(fileName)
	}
	for _, f := range []struct {
		name, id string
		v        string
		max      int
	}{
		{"title", "judul", m.Title, maxTitle},
		{"doc_number", "nomor dokumen", m.DocNumber, maxShort},
		{"doc_revision", "nomor revisi", m.DocRevision, 50},
		{"notes", "catatan", m.Notes, maxNotes},
	} {
		if n := len([]rune(f.v)); n > f.max {
			return bukti.E(bukti.EINVALID, "err.evidence.field_too_long_characters_at", f.id, n, f.max)
		}
	}
	if m.Title == "" {
		return bukti.E(bukti.EINVALID, "err.evidence.title_required")
	}
	if m.IssueDate != nil && m.ValidUntil != nil && m.ValidUntil.Before(*m.IssueDate) {
		return bukti.E(bukti.EINVALID, "err.evidence.valid_until_before_issue_date")
	}
	if !r.HasStage(m.Stage) {
		if len(r.Stages) == 0 {
			return bukti.E(bukti.EINVALID, "err.evidence.requirement_has_no_stages_leave", r.ID)
		}
		return bukti.E(bukti.EINVALID, "err.evidence.choose_stage_for", r.ID, strings.Join(r.Stages, ", "))
	}
	if !r.HasPart(m.Part) {
		if len(r.Parts) == 0 {
			return bukti.E(bukti.EINVALID, "err.evidence.requirement_has_no_parts_leave", r.ID)
		}
		keys := make([]string, len(r.Parts))
		for i, p := range r.Parts {
			keys[i] = p.Key
		}
		return bukti.E(bukti.EINVALID, "err.evidence.choose_part_for", r.ID, strings.Join(keys, ", "))
	}
	return nil
}

// requirement resolves a requirement that takes files.
func (s *Service) requirement(id string) (*catalogue.Requirement, error) {
	r, _, ok := s.Catalogue.Requirement(id)
	if !ok {
		return nil, bukti.E(bukti.EINVALID, "err.evidence.unknown_requirement_expected_e_g", id)
	}
	if r.Method == catalogue.Wawancara {
		return nil, bukti.E(bukti.EINVALID, "err.evidence.interview_item_name_interviewees_instead", id)
	}
	return r, nil
}

// CheckUpload validates an upload's target and metadata without touching
// the store, so a handler can refuse a bad request before streaming a file.
func (s *Service) CheckUpload(ctx context.Context, up *Upload, fileName string) error {
	if len(up.Requirements) == 0 {
		return bukti.E(bukti.EINVALID, "err.evidence.requirement_required")
	}
	if err := s.facilityExists(ctx, up.FacilityID); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, id := range up.Requirements {
		if seen[id] {
			return bukti.E(bukti.EINVALID, "err.evidence.requirement_given_twice", id)
		}
		seen[id] = true
		r, err := s.requirement(id)
		if err != nil {
			return err
		}
		if err := up.Meta.check(r, fileName); err != nil {
			return err
		}
	}
	return nil
}

// Create records a staged file as new evidence for every requirement of up.
// The staged file is committed or discarded in every case.
func (s *Service) Create(ctx context.Context, up Upload, st *Staged) ([]bukti.Evidence, error) {
	if err := s.CheckUpload(ctx, &up, st.FileName); err != nil {
		s.Discard(ctx, st)
		return nil, err
	}
	out := make([]bukti.Evidence, 0, len(up.Requirements))
	err := s.commit(ctx, up.By, st, func(t *sqlstore.Tx) error {
		now := t.Now
		t.Touch(up.FacilityID)
		for _, req := range up.Requirements {
			ev := bukti.Evidence{
				FacilityID: up.FacilityID, RequirementID: req,
				Stage: up.Meta.Stage, Part: up.Meta.Part, Title: up.Meta.Title,
				DocNumber: strings.TrimSpace(up.Meta.DocNumber), DocRevision: strings.TrimSpace(up.Meta.DocRevision),
				IssueDate: up.Meta.IssueDate, ValidUntil: up.Meta.ValidUntil, Notes: strings.TrimSpace(up.Meta.Notes),
				Review: bukti.ReviewPending, CreatedBy: up.By, CreatedAt: now, UpdatedAt: now,
				Revisions: []bukti.Revision{revisionOf(st, 1, up.By, now)},
			}
			if err := t.CreateEvidence(&ev); err != nil {
				return fmt.Errorf("insert evidence: %w", err)
			}
			if err := audit(t, "evidence.upload", "evidence", strconv.FormatInt(ev.ID, 10), ev.FacilityID,
				fmt.Sprintf("%s rev 1 sha256=%s size=%d type=%s", req, st.SHA256, st.Size, st.ContentType)); err != nil {
				return err
			}
			out = append(out, ev)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AddRevision records a staged file as the next revision of an evidence
// record. A rejected record goes back to pending review.
func (s *Service) AddRevision(ctx context.Context, evidenceID, by int64, st *Staged) (*bukti.Evidence, error) {
	ev, err := s.Get(ctx, evidenceID)
	if err != nil {
		s.Discard(ctx, st)
		return nil, err
	}
	err = s.commit(ctx, by, st, func(t *sqlstore.Tx) error {
		t.Touch(ev.FacilityID)
		last, err := t.LatestEvidenceRevision(ev.ID)
		if err != nil {
			return err
		}
		rev := revisionOf(st, last+1, by, t.Now)
		rev.EvidenceID = ev.ID
		if err := t.AddEvidenceRevision(&rev, bukti.ReviewPending); err != nil {
			return err
		}
		return audit(t, "evidence.revision", "evidence", strconv.FormatInt(ev.ID, 10), ev.FacilityID,
			fmt.Sprintf("%s rev %d sha256=%s size=%d type=%s", ev.RequirementID, rev.Number, st.SHA256, st.Size, st.ContentType))
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, evidenceID)
}

func revisionOf(st *Staged, number int, by int64, now time.Time) bukti.Revision {
	return bukti.Revision{Number: number, SHA256: st.SHA256, Size: st.Size, ContentType: st.ContentType,
		FileName: st.FileName, UploadedBy: by, CreatedAt: now}
}

// commit moves the staged blob to its content-addressed key, then runs
// record in one short transaction: no transaction waits on blob I/O, so
// SQLite's single writer lock is held for milliseconds whatever the file's
// size or the blob store's speed.
//
// The blob is never removed here. If recording fails, the blob stays,
// unreferenced, until bukti fsck --repair removes it past its grace period
// (package integrity); storage.Store.Commit keeps a re-committed blob's
// time fresh, so an upload of the same bytes running at the same moment
// can never lose it.
func (s *Service) commit(ctx context.Context, by int64, st *Staged, record func(t *sqlstore.Tx) error) error {
	key, err := storage.Key(st.SHA256)
	if err != nil {
		s.Discard(ctx, st)
		return err
	}
	if _, err := s.Blobs.Commit(ctx, st.tmp, key); err != nil {
		if errors.Is(err, storage.ErrUnavailable) {
			// The store is down or stalled: discarding now would keep the
			// client waiting as long again. Try in the background; what
			// stays is swept later (integrity.Sweep, bukti fsck -repair).
			staged := *st
			st.tmp = ""
			go s.Discard(context.WithoutCancel(ctx), &staged)
		} else {
			s.Discard(ctx, st)
		}
		return fmt.Errorf("commit blob %s: %w", key, err)
	}
	st.tmp = ""
	return s.Store.Run(ctx, &by, record)
}

// Get returns a live (not deleted) evidence record with its revisions,
// oldest first.
func (s *Service) Get(ctx context.Context, id int64) (*bukti.Evidence, error) {
	ev, err := s.Store.LiveEvidence(ctx, id)
	if errors.Is(err, sqlstore.ErrNotFound) {
		return nil, NotFound(id)
	}
	if err != nil {
		return nil, err
	}
	return ev, nil
}

// NotFound is the error for evidence that does not exist, is deleted, or
// lies outside the caller's scope.
func NotFound(id int64) error {
	return bukti.E(bukti.ENOTFOUND, "err.evidence.evidence_not_found", id)
}

// Filter narrows List.
type Filter struct {
	Requirement string // exact requirement ID
	Prefix      string // requirement ID prefix, e.g. "2.1.2/" or "2.1.2/a/"
}

// List returns the live evidence of a facility with all revisions, ordered
// by requirement then age.
func (s *Service) List(ctx context.Context, facilityID int64, f Filter) ([]bukti.Evidence, error) {
	if err := s.facilityExists(ctx, facilityID); err != nil {
		return nil, err
	}
	return s.Store.LiveEvidenceOf(ctx, facilityID, sqlstore.EvidenceFilter{Requirement: f.Requirement, Prefix: f.Prefix})
}

// Delete soft-deletes an evidence record; its revisions and blobs stay.
func (s *Service) Delete(ctx context.Context, id, by int64) error {
	ev, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	return s.Store.Run(ctx, &by, func(t *sqlstore.Tx) error {
		deleted, err := t.SoftDeleteEvidence(id, by)
		if err != nil {
			return err
		}
		if !deleted {
			return NotFound(id)
		}
		t.Touch(ev.FacilityID)
		return audit(t, "evidence.delete", "evidence", strconv.FormatInt(ev.ID, 10), ev.FacilityID,
			fmt.Sprintf("%s %q (%d revisions)", ev.RequirementID, ev.Title, len(ev.Revisions)))
	})
}

// UpdateMeta replaces the metadata of an evidence record. Stage and part
// are validated against its requirement.
func (s *Service) UpdateMeta(ctx context.Context, id, by int64, m Meta) (*bukti.Evidence, error) {
	ev, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	r, err := s.requirement(ev.RequirementID)
	if err != nil {
		return nil, err
	}
	if err := m.check(r, ev.Title); err != nil {
		return nil, err
	}
	err = s.Store.Run(ctx, &by, func(t *sqlstore.Tx) error {
		if err := t.UpdateEvidenceMeta(id, sqlstore.EvidenceMeta{
			Title: m.Title, DocNumber: strings.TrimSpace(m.DocNumber), DocRevision: strings.TrimSpace(m.DocRevision),
			IssueDate: m.IssueDate, ValidUntil: m.ValidUntil, Notes: strings.TrimSpace(m.Notes),
			Stage: m.Stage, Part: m.Part,
		}); err != nil {
			return err
		}
		t.Touch(ev.FacilityID)
		return t.Audit(auditlog.Entry{Action: "evidence.update", ObjectType: "evidence",
			ObjectID: strconv.FormatInt(ev.ID, 10), FacilityID: &ev.FacilityID, Summary: ev.RequirementID,
			Before: describeMeta(ev.Title, ev.DocNumber, ev.DocRevision, ev.IssueDate, ev.ValidUntil, ev.Stage, ev.Part),
			After:  describeMeta(m.Title, m.DocNumber, m.DocRevision, m.IssueDate, m.ValidUntil, m.Stage, m.Part)})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Revision returns revision number n of a live evidence record, or the
// latest when n is 0.
func (s *Service) Revision(ctx context.Context, evidenceID int64, n int) (*bukti.Evidence, *bukti.Revision, error) {
	ev, err := s.Get(ctx, evidenceID)
	if err != nil {
		return nil, nil, err
	}
	if n == 0 {
		if rev := ev.Latest(); rev != nil {
			return ev, rev, nil
		}
	}
	for i := range ev.Revisions {
		if ev.Revisions[i].Number == n {
			return ev, &ev.Revisions[i], nil
		}
	}
	return nil, nil, bukti.E(bukti.ENOTFOUND, "err.evidence.revision_evidence_not_found", n, evidenceID)
}

// facilityExists returns the not-found error for a facility that does not
// exist.
func (s *Service) facilityExists(ctx context.Context, id int64) error {
	ok, err := s.Store.EvidenceFacilityExists(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return bukti.E(bukti.ENOTFOUND, "err.authz.facility_not_found", id)
	}
	return nil
}

// audit records a change to an object of a facility, by the unit's actor
// at the unit's time.
func audit(t *sqlstore.Tx, action, objectType, objectID string, facilityID int64, summary string) error {
	return t.Audit(auditlog.Entry{Action: action, ObjectType: objectType,
		ObjectID: objectID, FacilityID: &facilityID, Summary: summary})
}

// describeMeta renders metadata for the audit log's before/after.
func describeMeta(title, number, revision string, issued, validUntil *time.Time, stage, part string) string {
	date := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.Format(time.DateOnly)
	}
	return fmt.Sprintf("title=%q number=%q revision=%q issued=%s valid_until=%s stage=%q part=%q",
		title, number, revision, date(issued), date(validUntil), stage, part)
}
