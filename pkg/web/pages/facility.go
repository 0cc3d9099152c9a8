package pages

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/scoring"
	"github.com/bukti-id/bukti/pkg/web/core"
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
	// Readiness is all of the above, rendered (facility-readiness in
	// facility.html) once for each state of the readiness.
	Readiness template.HTML
}

// facilityDashboard shows a facility's readiness and what is still missing,
// or, before its first evidence, what to do first. All but the facility's
// name comes from its readiness as scored for the current state of its
// inputs (evidence.Scored, shared by every request until they change) and
// is derived and rendered from it once in each language: a request costs
// the facility's row, the version of its inputs and the page frame.
func (s *handlers) facilityDashboard(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.ReadFacility)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f, err := s.Org.Facility(ctx, id)
	if err != nil {
		return err
	}
	sc, err := s.Evidence.Scored(ctx, id)
	if err != nil {
		return err
	}
	lang := core.Lang(c)
	v, err := sc.Memo("dashboard/"+lang, func() (any, error) { return s.dashboard(sc, lang) })
	if err != nil {
		return err
	}
	return s.Render(c, http.StatusOK, "facility", f.Name, facilityPage{Facility: f, Readiness: v.(template.HTML)})
}

// dashboard renders the readiness part of a facility's dashboard
// (facility-readiness) from its scored readiness.
func (s *handlers) dashboard(sc *evidence.Scored, lang string) (template.HTML, error) {
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
	var part bytes.Buffer
	if err := s.UI.RenderPart(&part, "facility", "facility-readiness", lang, struct{ Data facilityPage }{data}); err != nil {
		return "", err
	}
	return template.HTML(part.String()), nil // rendered and escaped by html/template
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

type slotRow struct{ Stage, Part, State string }

type roleRow struct {
	Index      int
	Role, Name string
}

type requirementPage struct {
	Facility *bukti.Facility
	Req      *catalogue.Requirement
	Place    catalogue.Place
	State    string
	Slots    []slotRow
	Roles    []roleRow
	Named    int  // roles of a W item named
	OnSite   bool // an O or S item: verified by the surveyors on site

	Evidence     []bukti.Evidence
	CanWrite     bool
	Accept       string
	AllowedKinds string
}

// acceptAttr hints the file picker; the server still sniffs every file.
const acceptAttr = ".pdf,.jpg,.jpeg,.png,.webp,.heic,.heif,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.mp4,application/pdf,image/*,video/mp4"

// requirementView shows one requirement: its state, upload form, evidence
// with previews, or for W items the interviewee form.
func (s *handlers) requirementView(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.ReadFacility)
	if err != nil {
		return err
	}
	r, place, ok := s.Catalogue.Requirement(c.QueryParam("id"))
	if !ok {
		return bukti.E(bukti.ENOTFOUND, "err.pages.requirement_not_in_catalogue", c.QueryParam("id"))
	}
	ctx := c.Request().Context()
	f, rep, err := s.facilityReadiness(c, id)
	if err != nil {
		return err
	}
	score, _ := rep.Element(place.Element.ID)
	rs, _ := score.Requirement(r.ID)
	data := requirementPage{Facility: f, Req: r, Place: place, State: rs.Reason, CanWrite: core.Principal(c).Can(authz.WriteEvidence, id),
		Accept: acceptAttr, AllowedKinds: evidence.AllowedKinds, OnSite: rs.Reason == readiness.ReasonOnSite}
	if len(rs.Slots) > 1 && r.Method != catalogue.Wawancara {
		for _, sl := range rs.Slots {
			part := sl.Part
			for _, p := range r.Parts {
				if p.Key == sl.Part {
					part = p.Title
				}
			}
			data.Slots = append(data.Slots, slotRow{Stage: sl.Stage, Part: part, State: sl.State})
		}
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
			data.Roles = append(data.Roles, row)
			if row.Name != "" {
				data.Named++
			}
		}
	} else if data.Evidence, err = s.Evidence.List(ctx, id, evidence.Filter{Requirement: r.ID}); err != nil {
		return err
	}
	return s.Render(c, http.StatusOK, "requirement", r.ID, data)
}

// uploadPage is the upload form without JavaScript: one file, then back to
// the requirement page.
func (s *handlers) uploadPage(c echo.Context) error {
	facilityID, err := s.FacilityFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var reqID string
	form, err := s.ReadUpload(c, func(fields map[string][]string, fileName string) error {
		reqID = core.Field(fields, "requirement")
		up, err := core.UploadFrom(facilityID, *core.UserID(c), fields)
		if err != nil {
			return err
		}
		return s.Evidence.CheckUpload(ctx, &up, fileName)
	})
	if err != nil {
		return err
	}
	up, err := core.UploadFrom(facilityID, *core.UserID(c), form.Fields)
	if err != nil {
		s.Evidence.Discard(ctx, form.Staged)
		return err
	}
	if _, err := s.Evidence.Create(ctx, up, form.Staged); err != nil {
		return err
	}
	return done(c, fmt.Sprintf("/f/%d/req?id=%s", facilityID, reqID), "req.uploaded")
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

// revisionPage uploads a new revision without JavaScript.
func (s *handlers) revisionPage(c echo.Context) error {
	ev, err := s.pageEvidence(c)
	if err != nil {
		return err
	}
	form, err := s.ReadUpload(c, func(map[string][]string, string) error { return nil })
	if err != nil {
		return err
	}
	if _, err := s.Evidence.AddRevision(c.Request().Context(), ev.ID, *core.UserID(c), form.Staged); err != nil {
		return err
	}
	return done(c, fmt.Sprintf("/f/%d/req?id=%s", ev.FacilityID, ev.RequirementID), "req.uploaded")
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
	meta, err := core.MetaFrom(form)
	if err != nil {
		return err
	}
	if _, err := s.Evidence.UpdateMeta(c.Request().Context(), ev.ID, *core.UserID(c), meta); err != nil {
		return err
	}
	return done(c, fmt.Sprintf("/f/%d/req?id=%s", ev.FacilityID, ev.RequirementID), "req.saved")
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
	return done(c, fmt.Sprintf("/f/%d/req?id=%s", ev.FacilityID, ev.RequirementID), "req.deleted")
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

// intervieweePage names the person for one role of a W item.
func (s *handlers) intervieweePage(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	req := c.FormValue("requirement")
	_, err = s.Evidence.SetInterviewee(c.Request().Context(), bukti.Interviewee{FacilityID: id, RequirementID: req,
		Role: c.FormValue("role"), Name: c.FormValue("name"), UpdatedBy: *core.UserID(c)})
	if err != nil {
		return err
	}
	return done(c, fmt.Sprintf("/f/%d/req?id=%s", id, req), "req.saved")
}
