// Package standard keeps the versions of the accreditation standard's
// catalogue: the built-in one and those imported from the national
// self-assessment spreadsheet. A stored version is never changed; at most
// one is active, and the server uses it from its next start.
//
// The model, the import and the diff of two versions are package
// catalogue's (see its doc comment for how the concept is split); this
// package stores the versions, so it sits above pkg/sqlstore.
//
// Evidence, interviewees and TDD marks are stored against requirement and
// EP IDs, so they carry over to a new version by themselves wherever the
// IDs (and the evidence's stage and part, the interviewee's role) match.
// What does not match is never deleted: it stays in the database,
// unreachable until a version that has those IDs is active again. So that
// this never happens silently, Activate refuses a version that would leave
// anything behind unless the caller confirms, and audits what was left.
package standard

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/sqlstore"
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
				return bukti.E(bukti.ECONFLICT, "err.standard.catalogue_version_already_exists_give", c.ID, c.Version)
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
		return nil, bukti.E(bukti.ENOTFOUND, "err.standard.catalogue_version_not_found", id)
	}
	return v, err
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
	return parseVersion(v)
}

func parseVersion(v *bukti.CatalogueVersion) (*catalogue.Catalogue, error) {
	c, err := catalogue.Parse(v.CatalogueID+"@"+v.Version, []byte(v.Document))
	if err != nil {
		return nil, fmt.Errorf("stored catalogue %d no longer parses: %w", v.ID, err)
	}
	return c, nil
}

// Plan is what activating a version would do: how it differs from the
// catalogue in use, and what of the facilities' data it would not carry
// over.
type Plan struct {
	// Version is the version to activate; Activated tells whether it was.
	Version   *bukti.CatalogueVersion `json:"version"`
	Activated bool                    `json:"activated"`
	// Diff is the difference from the catalogue in use (the active stored
	// version, else the built-in) to Version.
	Diff catalogue.Difference `json:"diff"`
	// NotCarriedOver is what the catalogue in use reaches and Version does
	// not.
	NotCarriedOver LeftBehind `json:"not_carried_over"`
}

// LeftBehind is the facilities' data a version does not carry over from
// the catalogue in use. None of it is deleted: it stays in the database,
// unreachable (not shown, not scored, not in packs) until a version that
// has its IDs is active again.
type LeftBehind struct {
	Evidence      []LeftEvidence      `json:"evidence"`
	Interviewees  []LeftInterviewee   `json:"interviewees"`
	NotApplicable []LeftNotApplicable `json:"not_applicable"`
}

// Why something is not carried over.
const (
	ReasonRequirement = "requirement" // the version has no requirement of this ID
	ReasonMethod      = "method"      // it has it with another kind of method (files vs interview)
	ReasonSlot        = "slot"        // it has it without this evidence's stage or part
	ReasonRole        = "role"        // it has the interview without this role
	ReasonElement     = "element"     // it has no EP of this ID
)

// LeftEvidence is one live evidence record left behind.
type LeftEvidence struct {
	ID            int64  `json:"id"`
	FacilityID    int64  `json:"facility_id"`
	RequirementID string `json:"requirement"`
	Stage         string `json:"stage,omitempty"`
	Part          string `json:"part,omitempty"`
	Title         string `json:"title"`
	Reason        string `json:"reason"`
}

// LeftInterviewee is one named interviewee left behind.
type LeftInterviewee struct {
	FacilityID    int64  `json:"facility_id"`
	RequirementID string `json:"requirement"`
	Role          string `json:"role"`
	Name          string `json:"name"`
	Reason        string `json:"reason"`
}

// LeftNotApplicable is one TDD mark left behind.
type LeftNotApplicable struct {
	FacilityID int64  `json:"facility_id"`
	ElementID  string `json:"element"`
	Reason     string `json:"reason"`
}

// Empty reports whether everything carries over.
func (l LeftBehind) Empty() bool {
	return len(l.Evidence) == 0 && len(l.Interviewees) == 0 && len(l.NotApplicable) == 0
}

// Facilities lists the facilities with something left behind, ascending.
func (l LeftBehind) Facilities() []int64 {
	set := map[int64]bool{}
	for _, e := range l.Evidence {
		set[e.FacilityID] = true
	}
	for _, i := range l.Interviewees {
		set[i.FacilityID] = true
	}
	for _, n := range l.NotApplicable {
		set[n.FacilityID] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// EvidenceIDs lists the IDs of the evidence records left behind, ascending.
func (l LeftBehind) EvidenceIDs() []int64 {
	out := make([]int64, len(l.Evidence))
	for i, e := range l.Evidence {
		out[i] = e.ID
	}
	slices.Sort(out)
	return out
}

// Summary counts what is left behind, in English.
func (l LeftBehind) Summary() string {
	return fmt.Sprintf("%d evidence records, %d interviewees, %d TDD marks in %d facilities",
		len(l.Evidence), len(l.Interviewees), len(l.NotApplicable), len(l.Facilities()))
}

// only keeps what l holds for one facility.
func (l LeftBehind) only(facilityID int64) LeftBehind {
	var out LeftBehind
	for _, e := range l.Evidence {
		if e.FacilityID == facilityID {
			out.Evidence = append(out.Evidence, e)
		}
	}
	for _, i := range l.Interviewees {
		if i.FacilityID == facilityID {
			out.Interviewees = append(out.Interviewees, i)
		}
	}
	for _, n := range l.NotApplicable {
		if n.FacilityID == facilityID {
			out.NotApplicable = append(out.NotApplicable, n)
		}
	}
	return out
}

// ErrConfirmRequired is wrapped by the error of Activate when the version
// would leave data behind and the caller did not confirm. The error also
// wraps a *bukti.Error (code conflict) saying so in both languages; the
// Plan returned with it lists what would be left.
var ErrConfirmRequired = errors.New("activation leaves data behind: confirm it")

// ConfirmKey names the refusal for API clients and is the locale key of
// its text on the pages.
const ConfirmKey = "catalogue.confirm_required"

type confirmError struct{ msg *bukti.Error }

func (e *confirmError) Error() string   { return e.msg.Error() }
func (e *confirmError) Unwrap() []error { return []error{ErrConfirmRequired, e.msg} }

// PlanActivation says what activating version id would change, without
// activating it (a dry run).
func (s *Service) PlanActivation(ctx context.Context, id int64) (*Plan, error) {
	v, next, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	current, err := s.Active(ctx)
	if err != nil {
		return nil, err
	}
	left, err := leftBehind(s.Store.Stored(ctx), current, next)
	if err != nil {
		return nil, err
	}
	return &Plan{Version: v, Diff: catalogue.Diff(current, next), NotCarriedOver: left}, nil
}

// Activate makes a version the one the server uses from its next start.
//
// When the version would leave evidence, interviewees or TDD marks behind
// (see LeftBehind) and confirm is false, it activates nothing and returns
// the plan with an error wrapping ErrConfirmRequired (code conflict). With
// confirm it activates and, in the same transaction, audits what was left
// behind: one "catalogue.not_carried_over" row per facility (in that
// facility's audit log) besides the "catalogue.activate" row. What is left
// behind is read in that transaction, so it is what was really left.
func (s *Service) Activate(ctx context.Context, id int64, confirm bool, by *int64) (*Plan, error) {
	v, next, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	var plan *Plan
	err = s.Store.Run(ctx, by, func(t *sqlstore.Tx) error {
		current, err := s.activeIn(t)
		if err != nil {
			return err
		}
		left, err := leftBehind(t.Stored(), current, next)
		if err != nil {
			return err
		}
		plan = &Plan{Version: v, Diff: catalogue.Diff(current, next), NotCarriedOver: left}
		label := v.CatalogueID + "@" + v.Version
		if !left.Empty() && !confirm {
			return &confirmError{bukti.E(bukti.ECONFLICT, "err.standard.version_lacks_ids_evidence_records", label, len(left.Evidence), len(left.Interviewees), len(left.NotApplicable), len(left.Facilities()))}
		}
		if err := t.ActivateCatalogueVersion(id); err != nil {
			return err
		}
		summary := plan.Diff.Counts.String()
		if !left.Empty() {
			summary += "; not carried over (kept, unreachable): " + left.Summary()
		}
		if err := t.Audit(audit.Entry{Action: "catalogue.activate", ObjectType: "catalogue", ObjectID: strconv.FormatInt(id, 10),
			Before: current.ID + "@" + current.Version, After: label, Summary: summary}); err != nil {
			return err
		}
		for _, f := range left.Facilities() {
			if err := t.Audit(audit.Entry{Action: "catalogue.not_carried_over", ObjectType: "catalogue", ObjectID: strconv.FormatInt(id, 10),
				FacilityID: audit.Ptr(f), After: label, Summary: left.only(f).describe()}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrConfirmRequired) {
			return plan, err
		}
		return nil, err
	}
	plan.Activated, plan.Version.Active = true, true
	return plan, nil
}

// describe lists what is left behind for an audit row, in English.
func (l LeftBehind) describe() string {
	var parts []string
	if len(l.Evidence) > 0 {
		var ev []string
		for _, e := range l.Evidence {
			ev = append(ev, fmt.Sprintf("%d (%s)", e.ID, slotLabel(e.RequirementID, e.Stage, e.Part)))
		}
		parts = append(parts, "evidence "+strings.Join(ev, ", "))
	}
	if len(l.Interviewees) > 0 {
		var in []string
		for _, i := range l.Interviewees {
			in = append(in, fmt.Sprintf("%s %s", i.RequirementID, i.Role))
		}
		parts = append(parts, "interviewees "+strings.Join(in, ", "))
	}
	if len(l.NotApplicable) > 0 {
		var na []string
		for _, n := range l.NotApplicable {
			na = append(na, n.ElementID)
		}
		parts = append(parts, "TDD "+strings.Join(na, ", "))
	}
	return "kept, unreachable under this version: " + strings.Join(parts, "; ")
}

func slotLabel(req, stage, part string) string {
	for _, s := range []string{stage, part} {
		if s != "" {
			req += " " + s
		}
	}
	return req
}

// load reads a stored version and its catalogue.
func (s *Service) load(ctx context.Context, id int64) (*bukti.CatalogueVersion, *catalogue.Catalogue, error) {
	v, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	c, err := parseVersion(v)
	if err != nil {
		return nil, nil, err
	}
	return v, c, nil
}

// activeIn is Active read in a unit.
func (s *Service) activeIn(t *sqlstore.Tx) (*catalogue.Catalogue, error) {
	v, err := t.ActiveCatalogueVersion()
	if errors.Is(err, sqlstore.ErrNotFound) {
		return criteria.Builtin()
	}
	if err != nil {
		return nil, err
	}
	return parseVersion(v)
}

// evidenceFits says why c would not reach evidence stored on a slot, ""
// when it would.
func evidenceFits(c *catalogue.Catalogue, requirementID, stage, part string) string {
	r, _, ok := c.Requirement(requirementID)
	switch {
	case !ok:
		return ReasonRequirement
	case r.Method == catalogue.Wawancara:
		return ReasonMethod
	case !r.HasStage(stage) || !r.HasPart(part):
		return ReasonSlot
	}
	return ""
}

// intervieweeFits says why c would not reach an interviewee, "" when it
// would.
func intervieweeFits(c *catalogue.Catalogue, requirementID, role string) string {
	r, _, ok := c.Requirement(requirementID)
	switch {
	case !ok:
		return ReasonRequirement
	case r.Method != catalogue.Wawancara:
		return ReasonMethod
	case !r.HasInterviewee(role):
		return ReasonRole
	}
	return ""
}

// leftBehind lists what from reaches and to does not. It reads the
// distinct keys first and the rows only of the keys left behind.
func leftBehind(st sqlstore.Stored, from, to *catalogue.Catalogue) (LeftBehind, error) {
	out := LeftBehind{Evidence: []LeftEvidence{}, Interviewees: []LeftInterviewee{}, NotApplicable: []LeftNotApplicable{}}

	eks, err := st.EvidenceKeys()
	if err != nil {
		return out, err
	}
	evReason := map[[3]string]string{}
	var evReqs []string
	for _, k := range eks {
		if evidenceFits(from, k.RequirementID, k.Stage, k.Part) != "" {
			continue // already unreachable: not this version's doing
		}
		if why := evidenceFits(to, k.RequirementID, k.Stage, k.Part); why != "" {
			evReason[[3]string{k.RequirementID, k.Stage, k.Part}] = why
			evReqs = appendOnce(evReqs, k.RequirementID)
		}
	}
	if len(evReqs) > 0 {
		rows, err := st.EvidenceOn(evReqs)
		if err != nil {
			return out, err
		}
		for _, e := range rows {
			if why, ok := evReason[[3]string{e.RequirementID, e.Stage, e.Part}]; ok {
				out.Evidence = append(out.Evidence, LeftEvidence{ID: e.ID, FacilityID: e.FacilityID, RequirementID: e.RequirementID,
					Stage: e.Stage, Part: e.Part, Title: e.Title, Reason: why})
			}
		}
	}

	iks, err := st.IntervieweeKeys()
	if err != nil {
		return out, err
	}
	inReason := map[[2]string]string{}
	var inReqs []string
	for _, k := range iks {
		if intervieweeFits(from, k.RequirementID, k.Role) != "" {
			continue
		}
		if why := intervieweeFits(to, k.RequirementID, k.Role); why != "" {
			inReason[[2]string{k.RequirementID, k.Role}] = why
			inReqs = appendOnce(inReqs, k.RequirementID)
		}
	}
	if len(inReqs) > 0 {
		rows, err := st.IntervieweesOn(inReqs)
		if err != nil {
			return out, err
		}
		for _, i := range rows {
			if why, ok := inReason[[2]string{i.RequirementID, i.Role}]; ok {
				out.Interviewees = append(out.Interviewees, LeftInterviewee{FacilityID: i.FacilityID, RequirementID: i.RequirementID,
					Role: i.Role, Name: i.Name, Reason: why})
			}
		}
	}

	nks, err := st.NotApplicableKeys()
	if err != nil {
		return out, err
	}
	var eps []string
	for _, k := range nks {
		_, inFrom := from.Element(k.ElementID)
		_, inTo := to.Element(k.ElementID)
		if inFrom && !inTo {
			eps = append(eps, k.ElementID)
		}
	}
	if len(eps) > 0 {
		rows, err := st.NotApplicableOn(eps)
		if err != nil {
			return out, err
		}
		for _, n := range rows {
			out.NotApplicable = append(out.NotApplicable, LeftNotApplicable{FacilityID: n.FacilityID, ElementID: n.ElementID, Reason: ReasonElement})
		}
	}
	return out, nil
}

// appendOnce appends id unless it is the last element (keys come sorted).
func appendOnce(ids []string, id string) []string {
	if len(ids) > 0 && ids[len(ids)-1] == id {
		return ids
	}
	return append(ids, id)
}

// ImportResult is what an import stored and found.
type ImportResult struct {
	Version *bukti.CatalogueVersion `json:"version"`
	Report  catalogue.ImportReport  `json:"report"`
	Counts  catalogue.Counts        `json:"counts"`
	// Diff is the difference from the catalogue in use to the new version.
	Diff catalogue.Difference `json:"diff"`
	// NotCarriedOver is what activating the new version would leave behind
	// as things stand (Activate checks again).
	NotCarriedOver LeftBehind `json:"not_carried_over"`
}

// Import reads a self-assessment spreadsheet with read and stores the
// result as a new, inactive version, with its difference from the
// catalogue in use and what activating it would leave behind. base gives
// the catalogue ID, source, Bab titles and threshold table (the
// spreadsheet has none of them); version defaults to
// "import-<date>-<time>", title to base's.
//
// A refused workbook is an error whose bukti.ErrorMessage is the
// importer's own, in both languages: what layout was expected and what
// was found.
func (s *Service) Import(ctx context.Context, base *catalogue.Catalogue, version, title string, by *int64,
	read func(catalogue.ImportOptions) (*catalogue.Catalogue, catalogue.ImportReport, error)) (*ImportResult, error) {
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
	cat, rep, err := read(catalogue.ImportOptions{ID: base.ID, Version: strings.TrimSpace(version), Title: strings.TrimSpace(title),
		Source: base.Source, Scoring: base.Scoring, BabTitles: titles})
	if err != nil {
		return nil, importError(err)
	}
	current, err := s.Active(ctx)
	if err != nil {
		return nil, err
	}
	left, err := leftBehind(s.Store.Stored(ctx), current, cat)
	if err != nil {
		return nil, err
	}
	v, err := s.Save(ctx, cat, Summary(rep), by)
	if err != nil {
		return nil, err
	}
	return &ImportResult{Version: v, Report: rep, Counts: cat.Counts(), Diff: catalogue.Diff(current, cat), NotCarriedOver: left}, nil
}

// refusedImport is a workbook the importer refused: the user reads the
// importer's own message (bukti.ErrorMessage finds msg first), the logs
// and the command line the whole chain.
type refusedImport struct {
	msg *bukti.Error
	err error
}

func (e *refusedImport) Error() string   { return "the workbook cannot be imported: " + e.err.Error() }
func (e *refusedImport) Unwrap() []error { return []error{e.msg, e.err} }

// importError keeps the importer's bilingual message of a refused
// workbook, prefixed; any other error (a file that cannot be opened, a
// failed read) stays as it is.
func importError(err error) error {
	var be *bukti.Error
	if !errors.As(err, &be) {
		return fmt.Errorf("the workbook cannot be imported: %w", err)
	}
	return &refusedImport{err: err, msg: bukti.E(be.Code, "err.standard.workbook_refused", be)}
}

// Summary is the one-line count of an import.
func Summary(r catalogue.ImportReport) string {
	return fmt.Sprintf("%d Bab, %d standar, %d kriteria, %d EP, %d requirements, %d interview items; %d rows skipped",
		r.Bab, r.Standar, r.Kriteria, r.Elements, r.Requirements, r.Interviews, len(r.Skipped))
}
