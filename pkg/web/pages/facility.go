package pages

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/scoring"
	"github.com/bukti-id/bukti/pkg/web/core"
	"github.com/bukti-id/bukti/ui"
)

type todo struct {
	Kind, ID, Title, Href string
}

// shownTodos is how many unmet requirements the dashboard lists; the
// kriteria pages list every one.
const shownTodos = 20

// firstTodos is how many regulations and how many documents the dashboard
// of a facility that has not started suggests to upload first.
const firstTodos = 5

type facilityPage struct {
	Facility *bukti.Facility
	Report   readiness.Report
	// Overall rolls up every projected EP, the facility's TDD proposals
	// accepted, of Elements EP in the catalogue.
	Overall  scoring.Rollup
	Elements int
	// Interview sums the interview preparation of every EP.
	Interview readiness.Interview
	// Started is false for a facility with no evidence and no TDD mark:
	// its dashboard says what to do first (Regulations, then Documents)
	// rather than projecting a status from nothing.
	Started                bool
	Regulations, Documents []todo
	Missing                []todo // the first shownTodos
	MoreMissing            int    // unmet requirements not listed
	ChartHeight            int
	Below                  string // the status name meaning "not accredited"

	// Reupload lists the damaged files to upload again (integrity.go),
	// the first shownTodos unless every one is asked for (?reupload=all),
	// ReuploadMore those not listed: it depends on the user, so it is
	// never part of what is rendered once.
	Reupload     []reuploadItem
	ReuploadMore int
	// Readiness and ReadinessRest are all of the above but Reupload,
	// rendered once for each state of the facility's readiness and each
	// language (facility-readiness and facility-readiness-rest in
	// facility.html); Reupload is shown between them.
	Readiness, ReadinessRest template.HTML
}

// readinessParts is the rendered, shared part of a dashboard (facilityPage's
// Readiness and ReadinessRest).
type readinessParts struct{ Top, Rest template.HTML }

// facilityDashboard shows a facility's readiness and what is still missing,
// or, before its first evidence, what to do first. All but the facility's
// name and the user's own list of files to upload again comes from its
// readiness as scored for the current state of its inputs (evidence.Scored,
// shared by every request until they change) and is derived and rendered
// from it once in each language. A warm request reads one row, the
// versions read with its principal (core.RequestVersions): the facility's
// row is kept under the access version, its readiness under the version
// of its inputs, and the files to upload again (for a user who may) are
// asked only while some damage is unresolved. The rest is the page frame.
func (s *handlers) facilityDashboard(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.ReadFacility)
	if err != nil {
		return err
	}
	f, err := s.Facility(c, id)
	if err != nil {
		return err
	}
	sc, err := s.Scored(c, id)
	if err != nil {
		return err
	}
	lang := core.Lang(c)
	v, err := sc.Memo("dashboard/"+lang, func() (any, error) { return s.dashboard(sc, lang) })
	if err != nil {
		return err
	}
	parts := v.(readinessParts)
	data := facilityPage{Facility: f, Readiness: parts.Top, ReadinessRest: parts.Rest}
	if data.Reupload, err = s.reupload(c, f.ID); err != nil {
		return err
	}
	if n := len(data.Reupload); n > shownTodos && c.QueryParam("reupload") != "all" {
		data.Reupload, data.ReuploadMore = data.Reupload[:shownTodos], n-shownTodos
	}
	return s.Render(c, http.StatusOK, "facility", f.Name, data)
}

// dashboard renders the shared parts of a facility's dashboard
// (facility-readiness and facility-readiness-rest) from its scored
// readiness.
func (s *handlers) dashboard(sc *evidence.Scored, lang string) (readinessParts, error) {
	rep := sc.Report
	data := facilityPage{Facility: &bukti.Facility{ID: sc.FacilityID}, Report: rep, Elements: s.Catalogue.Counts().Elements,
		ChartHeight: 28 * len(rep.Bab), Below: s.Catalogue.Scoring.Below, Started: sc.Evidence > 0 || rep.TDDProposed > 0}
	data.Overall.ID = "all"
	for _, b := range rep.Bab {
		if b.Assessed {
			data.Overall.Score += b.Score
			data.Overall.Max += b.Max
			data.Overall.Applicable += b.Applicable
		}
	}
	if data.Overall.Max > 0 {
		data.Overall.Assessed, data.Overall.Percent = true, float64(data.Overall.Score)/float64(data.Overall.Max)*100
	}
	for e := range rep.Elements() {
		data.Interview.Named += e.Interview.Named
		data.Interview.Roles += e.Interview.Roles
	}
	if data.Started {
		data.Missing, data.MoreMissing = s.todos(sc.FacilityID, sc, shownTodos)
	} else {
		data.Regulations, data.Documents = s.firstSteps(sc.FacilityID, rep)
	}
	var out readinessParts
	for _, part := range []struct {
		name string
		to   *template.HTML
	}{{"facility-readiness", &out.Top}, {"facility-readiness-rest", &out.Rest}} {
		var buf bytes.Buffer
		if err := s.UI.RenderPart(&buf, "facility", part.name, lang, struct{ Data facilityPage }{data}); err != nil {
			return readinessParts{}, err
		}
		*part.to = template.HTML(buf.String()) // rendered and escaped by html/template
	}
	return out, nil
}

// firstSteps lists, in catalogue order, the first regulations (R) and the
// first documents (D) a facility without evidence should upload:
// regulations first, since the documents of implementation refer to them.
func (s *handlers) firstSteps(facilityID int64, rep readiness.Report) (regulations, documents []todo) {
	for e := range rep.Elements() {
		for _, r := range e.Requirements {
			if r.Problem() == "" {
				continue
			}
			t := s.todo(facilityID, readiness.ProblemMissing, r.ID)
			switch {
			case r.Method == string(catalogue.Regulasi) && len(regulations) < firstTodos:
				regulations = append(regulations, t)
			case r.Method == string(catalogue.Dokumen) && len(documents) < firstTodos:
				documents = append(documents, t)
			}
		}
		if len(regulations) == firstTodos && len(documents) == firstTodos {
			break
		}
	}
	return regulations, documents
}

// todo links one requirement of a facility.
func (s *handlers) todo(facilityID int64, kind, reqID string) todo {
	r, _, _ := s.Catalogue.Requirement(reqID)
	return todo{Kind: kind, ID: reqID, Title: r.Title, Href: fmt.Sprintf("/f/%d/req?id=%s", facilityID, reqID)}
}

// facilityReadiness loads a facility and its readiness report.
func (s *handlers) facilityReadiness(c echo.Context, id int64) (*bukti.Facility, readiness.Report, error) {
	ctx := c.Request().Context()
	f, err := s.Org.Facility(ctx, id)
	if err != nil {
		return nil, readiness.Report{}, err
	}
	rep, err := s.Evidence.Readiness(ctx, id)
	return f, rep, err
}

// todos lists the first n unmet R and D requirements, most urgent first:
// what a surveyor rejected or what expired, then evidence expiring within
// readiness.ExpiringWithin, then the incomplete, then the missing (usually
// the bulk of a full standard), each in catalogue order (the expiring by
// requirement); more is how many it leaves out. W items are interview
// preparation and O and S items are checked on site: neither is listed.
func (s *handlers) todos(facilityID int64, sc *evidence.Scored, n int) (out []todo, more int) {
	add := func(kind, reqID string) {
		if len(out) < n {
			out = append(out, s.todo(facilityID, kind, reqID))
		} else {
			more++
		}
	}
	for _, kind := range []string{readiness.ProblemRejected, readiness.ProblemExpired, "expiring", readiness.ProblemIncomplete, readiness.ProblemMissing} {
		if kind == "expiring" {
			for _, reqID := range sc.Expiring {
				add(kind, reqID)
			}
			continue
		}
		for e := range sc.Report.Elements() {
			for _, r := range e.Requirements {
				if r.Problem() == kind {
					add(kind, r.ID)
				}
			}
		}
	}
	return out, more
}

type requirementRow struct {
	Req            catalogue.Requirement
	State          string // a readiness reason: met, incomplete, missing, interview, on_site, tdd
	Present, Slots int    // for a W item: roles named, roles
}

// elementView is one EP on its kriteria page: its suggested score (none
// when proposed TDD or unprojectable), the documentary fraction it comes
// from, the interview preparation, and each requirement's state.
type elementView struct {
	Element       catalogue.Element
	Score         readiness.ElementScore
	Suggested     int
	HasSuggestion bool
	Requirements  []requirementRow
}

type kriteriaPage struct {
	Facility *bukti.Facility
	Kriteria *catalogue.Kriteria
	Place    catalogue.Place
	Elements []elementView
	CanWrite bool
}

// kriteriaView shows one kriteria: pokok pikiran, EP and requirement states.
func (s *handlers) kriteriaView(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.ReadFacility)
	if err != nil {
		return err
	}
	k, place, ok := s.Catalogue.Kriteria(c.Param("kid"))
	if !ok {
		return bukti.E(bukti.ENOTFOUND, "err.pages.kriteria_not_in_catalogue", c.Param("kid"))
	}
	f, rep, err := s.facilityReadiness(c, id)
	if err != nil {
		return err
	}
	data := kriteriaPage{Facility: f, Kriteria: k, Place: place, CanWrite: core.Principal(c).Can(authz.WriteEvidence, id)}
	for _, e := range k.Elements {
		score, _ := rep.Element(e.ID)
		v := elementView{Element: e, Score: score}
		v.Suggested, v.HasSuggestion = score.Suggestion()
		for _, r := range e.Requirements {
			rs, _ := score.Requirement(r.ID)
			v.Requirements = append(v.Requirements, requirementRow{Req: r, State: rs.Reason, Present: rs.Present, Slots: len(rs.Slots)})
		}
		data.Elements = append(data.Elements, v)
	}
	return s.Render(c, http.StatusOK, "kriteria", "Kriteria "+k.ID, data)
}

type roleRow struct {
	Index      int
	Role, Name string
}

// option is one choice of a select: the value sent and what the user reads.
type option struct{ Value, Label string }

// slotCell is one slot of a requirement asked per stage and/or part, a
// tile of the slot grid: tapping it fills that slot.
type slotCell struct {
	Stage, Part string // the keys an upload sends
	Name        string // what the tile says: the part's title, or the stage's label without parts
	Label       string // the slot in full: "Perencanaan · Daftar hadir"
	State       string // a readiness slot state: present, missing, rejected, expired
	Href        string // the upload form with this slot chosen, for browsers without JavaScript
}

// slotGroup is one stage's row of the slot grid (the only row when the
// requirement has no stages).
type slotGroup struct {
	Label string // the stage's label; "" without stages
	Slots []slotCell
}

// formValues are what a form holds, as typed: a refused date is shown
// again as it was entered.
type formValues struct {
	Stage, Part, Title, DocNumber, DocRevision, IssueDate, ValidUntil, Notes string
}

// over is v with every field that fields hold replaced.
func (v formValues) over(fields map[string][]string) formValues {
	for name, p := range map[string]*string{"stage": &v.Stage, "part": &v.Part, "title": &v.Title, "doc_number": &v.DocNumber,
		"doc_revision": &v.DocRevision, "issue_date": &v.IssueDate, "valid_until": &v.ValidUntil, "notes": &v.Notes} {
		if _, ok := fields[name]; ok {
			*p = core.Field(fields, name)
		}
	}
	return v
}

// valuesOf is the metadata of an evidence record as its forms show it.
func valuesOf(ev bukti.Evidence) formValues {
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	return formValues{Stage: ev.Stage, Part: ev.Part, Title: ev.Title, DocNumber: ev.DocNumber, DocRevision: ev.DocRevision,
		IssueDate: day(ev.IssueDate), ValidUntil: day(ev.ValidUntil), Notes: ev.Notes}
}

// refusedForm is a form the server refused, shown again on the
// requirement page next to its message with what was typed.
type refusedForm struct {
	Form     string // "upload", "meta", "revision", "link" or "interviewees"
	Evidence int64  // the record of a meta or revision form, the source of a link
	Message  string
	Values   formValues
	Query    string            // a link form's search
	Names    map[string]string // an interviewees form's names, by role
}

// linkCandidate is one file of the facility that could serve this
// requirement too.
type linkCandidate struct {
	Evidence bukti.Evidence // the oldest record holding the file
	UsedFor  []string       // the requirements whose records hold it
	Here     bool           // this requirement holds it already
}

// linkSection is the search for "gunakan bukti yang sudah ada".
type linkSection struct {
	Query      string
	Searched   bool
	Candidates []linkCandidate
	More       int // matches not listed
}

// shownCandidates is how many files a search lists.
const shownCandidates = 15

type requirementPage struct {
	Facility *bukti.Facility
	Req      *catalogue.Requirement
	Place    catalogue.Place
	State    string
	// Grid is the slot grid of a requirement asked per stage and/or part,
	// Present of its Slots slots present.
	Grid           []slotGroup
	Present, Slots int
	Stages, Parts  []option
	Roles          []roleRow
	Named          int  // roles of a W item named
	OnSite         bool // an O or S item: verified by the surveyors on site

	Evidence     []bukti.Evidence
	Previews     map[int64]preview // by evidence ID (previews.go)
	CanWrite     bool
	Accept       string
	AllowedKinds string
	// Upload holds the upload form's values: the slot chosen, or what was
	// typed before a refusal.
	Upload formValues
	// ShortTitle is the requirement's title cut to a document title, for
	// the titles the browser proposes for photos.
	ShortTitle string
	Refused    *refusedForm
	Link       linkSection
	// The plausible range of document dates (YYYY-MM-DD), for the date
	// pickers; the server checks it in any case.
	MinDate, MaxIssue, MaxValid string
}

// RefusedAt is the message of the refused form of kind form (and record
// id), "" when that form was not refused.
func (p requirementPage) RefusedAt(form string, id int64) string {
	if p.Refused == nil || p.Refused.Form != form || p.Refused.Evidence != id {
		return ""
	}
	return p.Refused.Message
}

// Values is what the form of kind form ("meta" or "revision") of ev
// shows: what was typed when that form was refused, else the record's.
func (p requirementPage) Values(form string, ev bukti.Evidence) formValues {
	if p.RefusedAt(form, ev.ID) != "" {
		return p.Refused.Values
	}
	return valuesOf(ev)
}

// SlotLabel names a stage and part for people: "Perencanaan · Daftar
// hadir", never the catalogue's keys.
func (p requirementPage) SlotLabel(stage, part string) string {
	var out []string
	if stage != "" {
		out = append(out, ui.Human(stage))
	}
	if part != "" {
		title := ui.Human(part)
		for _, pt := range p.Req.Parts {
			if pt.Key == part && pt.Title != "" {
				title = pt.Title
			}
		}
		out = append(out, title)
	}
	return strings.Join(out, " · ")
}

// acceptAttr hints the file picker; the server still sniffs every file.
const acceptAttr = ".pdf,.jpg,.jpeg,.png,.webp,.heic,.heif,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.mp4,application/pdf,image/*,video/mp4"

// requirementView shows one requirement: its state, the slot grid, the
// upload form, existing evidence to reuse, the evidence with previews, or
// for W items the interviewee form.
func (s *handlers) requirementView(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.ReadFacility)
	if err != nil {
		return err
	}
	return s.showRequirement(c, id, c.QueryParam("id"), http.StatusOK, nil)
}

// showRequirement renders the requirement page with status, and with a
// refused form's message and values when refused is not nil.
func (s *handlers) showRequirement(c echo.Context, id int64, reqID string, status int, refused *refusedForm) error {
	r, place, ok := s.Catalogue.Requirement(reqID)
	if !ok {
		return bukti.E(bukti.ENOTFOUND, "err.pages.requirement_not_in_catalogue", reqID)
	}
	ctx := c.Request().Context()
	f, rep, err := s.facilityReadiness(c, id)
	if err != nil {
		return err
	}
	score, _ := rep.Element(place.Element.ID)
	rs, _ := score.Requirement(r.ID)
	earliest, maxIssue, maxValid := s.Evidence.DateBounds()
	data := requirementPage{Facility: f, Req: r, Place: place, State: rs.Reason, CanWrite: core.Principal(c).Can(authz.WriteEvidence, id),
		Accept: acceptAttr, AllowedKinds: evidence.AllowedKinds, OnSite: rs.Reason == readiness.ReasonOnSite,
		Refused: refused, ShortTitle: shortTitle(r.Title), MinDate: earliest.Format(time.DateOnly),
		MaxIssue: maxIssue.Format(time.DateOnly), MaxValid: maxValid.Format(time.DateOnly)}
	for _, st := range r.Stages {
		data.Stages = append(data.Stages, option{st, ui.Human(st)})
	}
	for _, pt := range r.Parts {
		data.Parts = append(data.Parts, option{pt.Key, data.SlotLabel("", pt.Key)})
	}
	if r.Method == catalogue.Wawancara {
		people, err := s.Evidence.ListInterviewees(ctx, id)
		if err != nil {
			return err
		}
		for i, role := range r.Interviewees {
			row := roleRow{Index: i, Role: role}
			for _, p := range people {
				if p.RequirementID == r.ID && p.Role == role {
					row.Name = p.Name
				}
			}
			if row.Name != "" {
				data.Named++
			}
			if refused != nil && refused.Form == "interviewees" {
				row.Name = refused.Names[role]
			}
			data.Roles = append(data.Roles, row)
		}
		return s.Render(c, status, "requirement", r.ID, data)
	}
	if data.Evidence, err = s.Evidence.List(ctx, id, evidence.Filter{Requirement: r.ID}); err != nil {
		return err
	}
	data.Previews = s.previews(ctx, data.Evidence)
	data.Upload = s.uploadDefaults(c, f.ID, &data, rs)
	if refused != nil && refused.Form == "upload" {
		data.Upload = refused.Values
	}
	if data.CanWrite {
		q, searched := c.QueryParam("q"), c.QueryParams().Has("q")
		if refused != nil && refused.Form == "link" {
			q, searched = refused.Query, true
		}
		if searched {
			if data.Link, err = s.linkCandidates(c, id, r, q); err != nil {
				return err
			}
		}
	}
	return s.Render(c, status, "requirement", r.ID, data)
}

// uploadDefaults builds the slot grid of data and returns the upload
// form's first values: the slot named by ?stage= and ?part= (a tapped
// tile), else the first slot not present.
func (s *handlers) uploadDefaults(c echo.Context, facilityID int64, data *requirementPage, rs readiness.RequirementScore) formValues {
	r := data.Req
	if len(r.Stages) == 0 && len(r.Parts) == 0 {
		return formValues{}
	}
	var v formValues
	if st, pt := c.QueryParam("stage"), c.QueryParam("part"); r.HasStage(st) && r.HasPart(pt) {
		v.Stage, v.Part = st, pt
	}
	chosen := v != formValues{}
	for _, sl := range rs.Slots {
		if len(data.Grid) == 0 || data.Grid[len(data.Grid)-1].Label != ui.Human(sl.Stage) {
			data.Grid = append(data.Grid, slotGroup{Label: ui.Human(sl.Stage)})
		}
		q := url.Values{"id": {r.ID}}
		if sl.Stage != "" {
			q.Set("stage", sl.Stage)
		}
		if sl.Part != "" {
			q.Set("part", sl.Part)
		}
		name := data.SlotLabel("", sl.Part)
		if sl.Part == "" {
			name = ui.Human(sl.Stage)
		}
		g := &data.Grid[len(data.Grid)-1]
		g.Slots = append(g.Slots, slotCell{Stage: sl.Stage, Part: sl.Part, Name: name, Label: data.SlotLabel(sl.Stage, sl.Part),
			State: sl.State, Href: fmt.Sprintf("/f/%d/req?%s#upload-form", facilityID, q.Encode())})
		data.Slots++
		if sl.State == readiness.SlotPresent {
			data.Present++
		} else if !chosen {
			v.Stage, v.Part, chosen = sl.Stage, sl.Part, true
		}
	}
	return v
}

// shortTitle cuts a requirement's title to a document title of at most
// 80 characters, at a word.
func shortTitle(title string) string {
	const max = 80
	words := strings.Fields(title)
	out := ""
	for _, w := range words {
		if len([]rune(out))+1+len([]rune(w)) > max {
			return out + "…"
		}
		if out != "" {
			out += " "
		}
		out += w
	}
	return out
}

// linkCandidates finds the facility's files whose title or number holds
// the query's words, one entry per file (a file linked to several
// requirements is one candidate), most recently changed first.
func (s *handlers) linkCandidates(c echo.Context, facilityID int64, r *catalogue.Requirement, q string) (linkSection, error) {
	sec := linkSection{Query: q, Searched: true}
	evs, err := s.Evidence.Search(c.Request().Context(), facilityID, q)
	if err != nil {
		return sec, err
	}
	byFile := map[string]int{}
	for _, ev := range evs {
		latest := ev.Latest()
		if latest == nil {
			continue
		}
		i, ok := byFile[latest.SHA256]
		if !ok {
			i = len(sec.Candidates)
			byFile[latest.SHA256] = i
			sec.Candidates = append(sec.Candidates, linkCandidate{Evidence: ev})
		}
		cand := &sec.Candidates[i]
		if ev.ID < cand.Evidence.ID {
			cand.Evidence = ev
		}
		if !slices.Contains(cand.UsedFor, ev.RequirementID) {
			cand.UsedFor = append(cand.UsedFor, ev.RequirementID)
		}
		cand.Here = cand.Here || ev.RequirementID == r.ID
	}
	for i := range sec.Candidates {
		slices.Sort(sec.Candidates[i].UsedFor)
	}
	if n := len(sec.Candidates); n > shownCandidates {
		sec.Candidates, sec.More = sec.Candidates[:shownCandidates], n-shownCandidates
	}
	return sec, nil
}

// again registers the requirement page as how a refusal of this form
// request is shown (core.FormAgain): refused names the requirement and
// the form, and is called only then, so it sees what the request had
// delivered by that time.
func (s *handlers) again(c echo.Context, facilityID int64, refused func() (reqID string, f refusedForm)) {
	c.Set(core.FormAgainKey, core.FormAgain(func(status int, cause error) (bool, error) {
		reqID, f := refused()
		if _, _, ok := s.Catalogue.Requirement(reqID); !ok {
			return false, nil
		}
		f.Message = core.Message(c, cause)
		return true, s.showRequirement(c, facilityID, reqID, status, &f)
	}))
}

// reqPath is the page of a requirement of a facility.
func reqPath(facilityID int64, reqID string) string {
	return fmt.Sprintf("/f/%d/req?id=%s", facilityID, url.QueryEscape(reqID))
}

// uploadPage is the upload form without JavaScript: one file with its
// details, then back to the requirement page. A refusal shows the page
// again with the message at the form and the typed details kept.
func (s *handlers) uploadPage(c echo.Context) error {
	facilityID, err := s.FacilityFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var fields map[string][]string // the form's fields read so far
	s.again(c, facilityID, func() (string, refusedForm) {
		return core.Field(fields, "requirement"), refusedForm{Form: "upload", Values: formValues{}.over(fields)}
	})
	form, err := s.ReadUpload(c, func(seen map[string][]string, fileName string) error {
		fields = seen
		up, err := core.UploadFrom(facilityID, *core.UserID(c), seen)
		if err != nil {
			return err
		}
		return s.Evidence.CheckUpload(ctx, &up, fileName)
	})
	if err != nil {
		return err
	}
	fields = form.Fields
	up, err := core.UploadFrom(facilityID, *core.UserID(c), form.Fields)
	if err != nil {
		s.Evidence.Discard(ctx, form.Staged)
		return err
	}
	if _, err := s.Evidence.Create(ctx, up, form.Staged); err != nil {
		return err
	}
	return done(c, reqPath(facilityID, core.Field(form.Fields, "requirement")), "req.uploaded")
}

// pageEvidence loads the :eid evidence of the :id facility of a page form
// for writing; evidence of another facility is not found.
func (s *handlers) pageEvidence(c echo.Context) (*bukti.Evidence, error) {
	id, err := s.FacilityFor(c, authz.WriteEvidence)
	if err != nil {
		return nil, err
	}
	ev, err := s.EvidenceByParam(c, "eid", authz.WriteEvidence)
	if err != nil {
		return nil, err
	}
	if ev.FacilityID != id {
		return nil, evidence.NotFound(ev.ID)
	}
	return ev, nil
}

// revisionPage uploads a new revision without JavaScript, with the
// document details it changes (a new SK revision has a new number and
// date): the details are checked before the file is stored, and written
// with the revision in one unit.
func (s *handlers) revisionPage(c echo.Context) error {
	ev, err := s.pageEvidence(c)
	if err != nil {
		return err
	}
	var fields map[string][]string
	s.again(c, ev.FacilityID, func() (string, refusedForm) {
		return ev.RequirementID, refusedForm{Form: "revision", Evidence: ev.ID, Values: valuesOf(*ev).over(fields)}
	})
	if _, err := s.ReadRevision(c, ev, *core.UserID(c), func(seen map[string][]string) { fields = seen }); err != nil {
		return err
	}
	return done(c, reqPath(ev.FacilityID, ev.RequirementID), "req.uploaded")
}

// metaPage edits an evidence record's document details.
func (s *handlers) metaPage(c echo.Context) error {
	ev, err := s.pageEvidence(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	s.again(c, ev.FacilityID, func() (string, refusedForm) {
		return ev.RequirementID, refusedForm{Form: "meta", Evidence: ev.ID, Values: valuesOf(*ev).over(form)}
	})
	meta, err := core.MetaFrom(form)
	if err != nil {
		return err
	}
	if _, err := s.Evidence.UpdateMeta(c.Request().Context(), ev.ID, *core.UserID(c), meta); err != nil {
		return err
	}
	return done(c, reqPath(ev.FacilityID, ev.RequirementID), "req.saved")
}

// linkPage makes an existing evidence file of the facility evidence for
// another requirement too ("gunakan bukti yang sudah ada").
func (s *handlers) linkPage(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	reqID := c.FormValue("requirement")
	src, _ := strconv.ParseInt(c.FormValue("evidence"), 10, 64)
	s.again(c, id, func() (string, refusedForm) {
		return reqID, refusedForm{Form: "link", Evidence: src, Query: c.FormValue("q"),
			Values: formValues{Stage: c.FormValue("stage"), Part: c.FormValue("part")}}
	})
	ctx := c.Request().Context()
	ev, err := s.Evidence.Get(ctx, src)
	if err != nil {
		return err
	}
	if ev.FacilityID != id {
		return evidence.NotFound(src)
	}
	if _, err := s.Evidence.Link(ctx, ev.ID, *core.UserID(c),
		evidence.LinkTarget{Requirement: reqID, Stage: c.FormValue("stage"), Part: c.FormValue("part")}); err != nil {
		return err
	}
	return done(c, reqPath(id, reqID), "req.linked")
}

// deleteEvidencePage soft-deletes from the requirement page.
func (s *handlers) deleteEvidencePage(c echo.Context) error {
	ev, err := s.pageEvidence(c)
	if err != nil {
		return err
	}
	if err := s.Evidence.Delete(c.Request().Context(), ev.ID, *core.UserID(c)); err != nil {
		return err
	}
	return done(c, reqPath(ev.FacilityID, ev.RequirementID), "req.deleted")
}

// tddPage marks or clears TDD from the kriteria page.
func (s *handlers) tddPage(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	element := c.FormValue("element")
	if c.FormValue("clear") != "" {
		err = s.Evidence.ClearNotApplicable(ctx, id, element, *core.UserID(c))
	} else {
		_, err = s.Evidence.SetNotApplicable(ctx, id, element, c.FormValue("reason"), *core.UserID(c))
	}
	if err != nil {
		return err
	}
	return done(c, c.FormValue("back"), "req.saved")
}

// intervieweePage names the people for the roles of a W item: one form
// for every row (repeated role and name fields, in the page's order), so
// a save never drops what was typed in another row. A refusal shows the
// page again with every typed name kept.
func (s *handlers) intervieweePage(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	req := c.FormValue("requirement")
	roles, names := c.Request().PostForm["role"], c.Request().PostForm["name"]
	typed := make(map[string]string, len(roles))
	rows := make([]bukti.Interviewee, 0, len(roles))
	for i, role := range roles {
		var name string
		if i < len(names) {
			name = names[i]
		}
		typed[role] = name
		rows = append(rows, bukti.Interviewee{Role: role, Name: name})
	}
	s.again(c, id, func() (string, refusedForm) { return req, refusedForm{Form: "interviewees", Names: typed} })
	if len(names) != len(roles) {
		return bukti.E(bukti.EINVALID, "err.pages.interviewee_rows_mismatch")
	}
	if _, err := s.Evidence.SetInterviewees(c.Request().Context(), id, req, rows, *core.UserID(c)); err != nil {
		return err
	}
	return done(c, reqPath(id, req), "req.saved")
}
