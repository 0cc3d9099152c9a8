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
	"slices"
	"strconv"
	"strings"
	"time"

	auditlog "github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/storage"
	"github.com/bukti-id/bukti/ui/locales"
)

// DefaultMaxBytes is the default upload limit (100 MiB).
const DefaultMaxBytes = 100 << 20

// Service is the evidence lifecycle. All fields but Recorded are required.
type Service struct {
	Store     *sqlstore.DB  // the metadata database
	Blobs     storage.Store // the evidence files
	Catalogue *catalogue.Catalogue
	MaxBytes  int64
	Now       func() time.Time
	Log       *slog.Logger
	// Recorded, when set, is told of each file content an upload has
	// just recorded (Create, AddRevision), once its transaction has
	// committed: the thumbnail queue (pkg/thumbs). It must not block.
	Recorded func(sha256 string, size int64, contentType string)
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

// MetaOf is the metadata of an evidence record.
func MetaOf(ev *bukti.Evidence) Meta {
	return Meta{Title: ev.Title, DocNumber: ev.DocNumber, DocRevision: ev.DocRevision, IssueDate: ev.IssueDate,
		ValidUntil: ev.ValidUntil, Notes: ev.Notes, Stage: ev.Stage, Part: ev.Part}
}

// Equal reports whether m and o say the same (dates compared by value).
func (m Meta) Equal(o Meta) bool {
	same := func(a, b *time.Time) bool { return (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) }
	return m.Title == o.Title && m.DocNumber == o.DocNumber && m.DocRevision == o.DocRevision && m.Notes == o.Notes &&
		m.Stage == o.Stage && m.Part == o.Part && same(m.IssueDate, o.IssueDate) && same(m.ValidUntil, o.ValidUntil)
}

// Field length limits, in characters.
const (
	maxTitle = 300
	maxShort = 200
	maxNotes = 2000
)

// The plausible range of a document's dates: nothing a Puskesmas keeps
// predates the Republic (1945); an issue date lies at most a year ahead (a
// decree signed for next year), a valid-until date at most validAhead
// years. Both are counted from today in the service clock's time zone
// (BUKTI_TIMEZONE). A date outside is a typing slip (year 0004, 20245 cut
// to 2024 …), refused with the range to use.
var earliestDate = time.Date(1945, time.January, 1, 0, 0, 0, 0, time.UTC)

const (
	issueAhead = 1  // years
	validAhead = 30 // years
)

// checkDate refuses a date outside [earliestDate, today + aheadYears];
// field is the message key naming the date.
func checkDate(d *time.Time, field locales.Key, now time.Time, aheadYears int) error {
	if d == nil {
		return nil
	}
	y, m, dd := now.Date()
	latest := time.Date(y+aheadYears, m, dd, 0, 0, 0, 0, time.UTC)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	if day.Before(earliestDate) || day.After(latest) {
		return bukti.E(bukti.EINVALID, "err.evidence.date_out_of_range", field, day.Format(dayFormat),
			earliestDate.Format(dayFormat), latest.Format(dayFormat))
	}
	return nil
}

// DateBounds is the plausible range of document dates today: the
// earliest, and the latest issue and valid-until dates (see checkDate), as
// date pickers should offer them.
func (s *Service) DateBounds() (earliest, latestIssue, latestValid time.Time) {
	y, m, d := s.Now().Date()
	return earliestDate, time.Date(y+issueAhead, m, d, 0, 0, 0, 0, time.UTC), time.Date(y+validAhead, m, d, 0, 0, 0, 0, time.UTC)
}

// dayFormat is how messages write a date: 03-01-2024, as the pages do.
const dayFormat = "02-01-2006"

// check validates metadata against a requirement, its dates against now.
// fileName fills an empty title.
func (m *Meta) check(r *catalogue.Requirement, fileName string, now time.Time) error {
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
	if err := checkDate(m.IssueDate, "req.issue_date", now, issueAhead); err != nil {
		return err
	}
	if err := checkDate(m.ValidUntil, "req.valid_until", now, validAhead); err != nil {
		return err
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
		if err := up.Meta.check(r, fileName, s.Now()); err != nil {
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
	return s.Revise(ctx, evidenceID, by, st, nil)
}

// CheckMeta validates the metadata an evidence record would take (from an
// edit or with a new revision) without touching the store, so a handler
// can refuse a bad form before streaming a file.
func (s *Service) CheckMeta(ctx context.Context, evidenceID int64, m *Meta) error {
	ev, err := s.Get(ctx, evidenceID)
	if err != nil {
		return err
	}
	r, err := s.requirement(ev.RequirementID)
	if err != nil {
		return err
	}
	return m.check(r, ev.Title, s.Now())
}

// Revise records a staged file as the next revision of an evidence record
// and, when meta is not nil, replaces the record's metadata in the same
// unit of work: a new revision of an SK often has a new number and date.
// A rejected record goes back to pending review. Bad metadata refuses the
// whole and discards the file.
func (s *Service) Revise(ctx context.Context, evidenceID, by int64, st *Staged, meta *Meta) (*bukti.Evidence, error) {
	ev, err := s.Get(ctx, evidenceID)
	if err != nil {
		s.Discard(ctx, st)
		return nil, err
	}
	if meta != nil {
		r, err := s.requirement(ev.RequirementID)
		if err == nil {
			err = meta.check(r, ev.Title, s.Now())
		}
		if err != nil {
			s.Discard(ctx, st)
			return nil, err
		}
	}
	err = s.commit(ctx, by, st, func(t *sqlstore.Tx) error {
		last, err := t.LatestEvidenceRevision(ev.ID)
		if err != nil {
			return err
		}
		rev := revisionOf(st, last+1, by, t.Now)
		rev.EvidenceID = ev.ID
		if err := t.AddEvidenceRevision(&rev, bukti.ReviewPending); err != nil {
			return err
		}
		if err := audit(t, "evidence.revision", "evidence", strconv.FormatInt(ev.ID, 10), ev.FacilityID,
			fmt.Sprintf("%s rev %d sha256=%s size=%d type=%s", ev.RequirementID, rev.Number, st.SHA256, st.Size, st.ContentType)); err != nil {
			return err
		}
		if meta != nil {
			return writeMeta(t, ev, *meta)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, evidenceID)
}

// LinkTarget is where Link makes a file evidence too: a requirement, and
// its stage and part when it has them.
type LinkTarget struct {
	Requirement, Stage, Part string
}

// Link makes the file of an existing evidence record evidence for another
// requirement of its facility too — one SK often serves several — without
// uploading it again: a new record for the target, pending review, with
// the source's metadata (stage and part as the target needs them) and one
// revision holding the source's latest file (the same blob). It is refused
// when the target already holds that file in that stage and part.
func (s *Service) Link(ctx context.Context, evidenceID, by int64, to LinkTarget) (*bukti.Evidence, error) {
	src, err := s.Get(ctx, evidenceID)
	if err != nil {
		return nil, err
	}
	r, err := s.requirement(to.Requirement)
	if err != nil {
		return nil, err
	}
	file := src.Latest()
	if file == nil {
		return nil, NotFound(evidenceID)
	}
	m := MetaOf(src)
	m.Stage, m.Part = to.Stage, to.Part
	if err := m.check(r, src.Title, s.Now()); err != nil {
		return nil, err
	}
	there, err := s.Store.LiveEvidenceOf(ctx, src.FacilityID, sqlstore.EvidenceFilter{Requirement: r.ID})
	if err != nil {
		return nil, err
	}
	for _, ev := range there {
		if l := ev.Latest(); l != nil && l.SHA256 == file.SHA256 && ev.Stage == m.Stage && ev.Part == m.Part {
			return nil, bukti.E(bukti.ECONFLICT, "err.evidence.already_linked", src.Title, r.ID)
		}
	}
	var out bukti.Evidence
	err = s.Store.Run(ctx, &by, func(t *sqlstore.Tx) error {
		now := t.Now
		rev := *file
		rev.ID, rev.EvidenceID, rev.Number, rev.UploadedBy, rev.CreatedAt = 0, 0, 1, by, now
		out = bukti.Evidence{
			FacilityID: src.FacilityID, RequirementID: r.ID, Stage: m.Stage, Part: m.Part, Title: m.Title,
			DocNumber: src.DocNumber, DocRevision: src.DocRevision, IssueDate: src.IssueDate, ValidUntil: src.ValidUntil,
			Notes: src.Notes, Review: bukti.ReviewPending, CreatedBy: by, CreatedAt: now, UpdatedAt: now,
			Revisions: []bukti.Revision{rev},
		}
		if err := t.CreateEvidence(&out); err != nil {
			return fmt.Errorf("insert linked evidence: %w", err)
		}
		return audit(t, "evidence.link", "evidence", strconv.FormatInt(out.ID, 10), out.FacilityID,
			fmt.Sprintf("%s from evidence %d (%s) rev %d sha256=%s", r.ID, src.ID, src.RequirementID, file.Number, file.SHA256))
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, out.ID)
}

// Search returns the live evidence of a facility whose title or document
// number holds every word of query (case and spacing ignored), most
// recently changed first; an empty query matches everything.
func (s *Service) Search(ctx context.Context, facilityID int64, query string) ([]bukti.Evidence, error) {
	all, err := s.List(ctx, facilityID, Filter{})
	if err != nil {
		return nil, err
	}
	words := strings.Fields(strings.ToLower(query))
	out := all[:0]
	for _, ev := range all {
		text := strings.ToLower(ev.Title + " " + ev.DocNumber)
		if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(text, w) }) {
			out = append(out, ev)
		}
	}
	slices.SortStableFunc(out, func(a, b bukti.Evidence) int {
		if c := b.UpdatedAt.Compare(a.UpdatedAt); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	return out, nil
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
	if err := s.Store.Run(ctx, &by, record); err != nil {
		return err
	}
	if s.Recorded != nil {
		s.Recorded(st.SHA256, st.Size, st.ContentType)
	}
	return nil
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
	if err := m.check(r, ev.Title, s.Now()); err != nil {
		return nil, err
	}
	err = s.Store.Run(ctx, &by, func(t *sqlstore.Tx) error { return writeMeta(t, ev, m) })
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// writeMeta replaces the metadata of ev (checked) inside the unit t and
// records the change in the audit log.
func writeMeta(t *sqlstore.Tx, ev *bukti.Evidence, m Meta) error {
	if err := t.UpdateEvidenceMeta(ev.ID, sqlstore.EvidenceMeta{
		Title: m.Title, DocNumber: strings.TrimSpace(m.DocNumber), DocRevision: strings.TrimSpace(m.DocRevision),
		IssueDate: m.IssueDate, ValidUntil: m.ValidUntil, Notes: strings.TrimSpace(m.Notes),
		Stage: m.Stage, Part: m.Part,
	}); err != nil {
		return err
	}
	return t.Audit(auditlog.Entry{Action: "evidence.update", ObjectType: "evidence",
		ObjectID: strconv.FormatInt(ev.ID, 10), FacilityID: &ev.FacilityID, Summary: ev.RequirementID,
		Before: describeMeta(ev.Title, ev.DocNumber, ev.DocRevision, ev.IssueDate, ev.ValidUntil, ev.Stage, ev.Part),
		After:  describeMeta(m.Title, m.DocNumber, m.DocRevision, m.IssueDate, m.ValidUntil, m.Stage, m.Part)})
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
