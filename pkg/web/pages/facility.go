package pages

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/report"
	"github.com/bukti-id/bukti/pkg/web/core"
)

type todo struct {
	Kind, ID, Title, Href string
}

type facilityPage struct {
	Facility    *bukti.Facility
	Report      readiness.Report
	Missing     []todo
	ChartHeight int
	Below       string // the status name meaning "not accredited"
}

// facilityDashboard shows a facility's readiness and what is still missing.
func (s *handlers) facilityDashboard(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.ReadFacility)
	if err != nil {
		return err
	}
	f, rep, err := s.facilityReadiness(c, id)
	if err != nil {
		return err
	}
	evs, err := s.Evidence.List(c.Request().Context(), id, evidence.Filter{})
	if err != nil {
		return err
	}
	data := facilityPage{Facility: f, Report: rep, Missing: s.todos(f.ID, rep, evs), ChartHeight: 28 * len(rep.Bab), Below: s.Catalogue.Scoring.Below}
	return s.Render(c, http.StatusOK, "facility", f.Name, data)
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

// todos lists unmet requirements, most urgent first: missing, then
// rejected or expired, then incomplete; then evidence expiring within
// report.ExpiringWithin.
func (s *handlers) todos(facilityID int64, rep readiness.Report, evs []bukti.Evidence) []todo {
	rank := map[string]int{"missing": 0, "rejected": 1, "expired": 2, "incomplete": 3, "expiring": 4}
	var out []todo
	add := func(kind, reqID string) {
		r, _, _ := s.Catalogue.Requirement(reqID)
		out = append(out, todo{Kind: kind, ID: reqID, Title: r.Title, Href: fmt.Sprintf("/f/%d/req?id=%s", facilityID, reqID)})
	}
	for e := range rep.Elements() {
		for _, r := range e.Requirements {
			if problem := r.Problem(); problem != "" {
				add(problem, r.ID)
			}
		}
	}
	now := s.Evidence.Now()
	for _, ev := range evs {
		if ev.Review != bukti.ReviewRejected && report.ExpiringSoon(ev.ValidUntil, now) {
			add("expiring", ev.RequirementID)
		}
	}
	slices.SortStableFunc(out, func(a, b todo) int { return rank[a.Kind] - rank[b.Kind] })
	return out
}

type requirementRow struct {
	Req            catalogue.Requirement
	State          string
	Present, Slots int
}

type elementView struct {
	Element      catalogue.Element
	Score        readiness.ElementScore
	Requirements []requirementRow
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
		return bukti.Errorf(bukti.ENOTFOUND, "Kriteria %q tidak ada di katalog.", "kriteria %q is not in the catalogue", c.Param("kid"))
	}
	f, rep, err := s.facilityReadiness(c, id)
	if err != nil {
		return err
	}
	data := kriteriaPage{Facility: f, Kriteria: k, Place: place, CanWrite: core.Principal(c).Can(authz.WriteEvidence, id)}
	for _, e := range k.Elements {
		score, _ := rep.Element(e.ID)
		v := elementView{Element: e, Score: score}
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
	Facility     *bukti.Facility
	Req          *catalogue.Requirement
	Place        catalogue.Place
	State        string
	Slots        []slotRow
	Roles        []roleRow
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
		return bukti.Errorf(bukti.ENOTFOUND, "Persyaratan %q tidak ada di katalog.", "requirement %q is not in the catalogue", c.QueryParam("id"))
	}
	ctx := c.Request().Context()
	f, rep, err := s.facilityReadiness(c, id)
	if err != nil {
		return err
	}
	score, _ := rep.Element(place.Element.ID)
	rs, _ := score.Requirement(r.ID)
	data := requirementPage{Facility: f, Req: r, Place: place, State: rs.Reason, CanWrite: core.Principal(c).Can(authz.WriteEvidence, id),
		Accept: acceptAttr, AllowedKinds: evidence.AllowedKinds}
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
