package pages

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/scoring"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/web/core"
)

// The survey visit pages: one page per survey whose sections follow its
// state and the viewer's role, a printable report, a list of surveys and a
// form to plan one. Every form posts to a page route that calls the survey
// service and redirects back with a confirmation; a refusal re-renders the
// survey page with the service's message, and nothing changes.

// scoreView is one surveyor's score of an EP as the page shows it.
type scoreView struct {
	Surveyor       string
	Lead, Mine     bool
	Score          string
	Facts, Rec     string
	DiffersFromSys bool
}

// requirementItems are the snapshot items of one requirement.
type requirementItems struct {
	Req   catalogue.Requirement
	Items []itemView
}

// itemView is one current snapshot item with what the viewer may do.
type itemView struct {
	bukti.SnapshotItem
	Reviewer string
	// Newer is the latest revision of the evidence when it is newer than
	// the item's (the quality team may resubmit it), else 0.
	Newer int
}

// surveyEP is one EP with everything each section needs.
type surveyEP struct {
	Element  catalogue.Element
	Kriteria string
	// Self-assessment: the readiness suggestion (HasReady; none when the
	// facility proposes the EP TDD, ReadyTDD, or it cannot be projected)
	// and the proposed score.
	Ready     int
	HasReady  bool
	ReadyTDD  bool
	SelfScore string
	SelfJust  string
	// Review: the current snapshot items by requirement.
	Reqs []requirementItems
	// Scoring: the system's suggestion from the reviewed snapshot (none
	// for an EP proposed TDD or that cannot be projected: no score differs
	// from it), the viewer's own score (or the draft that was refused) and
	// the others'.
	Suggested    int
	HasSuggested bool
	Mine         scoreView
	HasMine      bool
	Others       []scoreView
	All          []scoreView // every surveyor's score, for the team lead
	Final        scoreView
	HasFinal     bool
	Conflict     string // "", "differ", "missing" or "agree" (no final score yet)
	FinalDraft   scoreView
}

// differs reports whether a score differs from the system's suggestion;
// never when there is none.
func (e surveyEP) differs(r bukti.SurveyScore) bool {
	return e.HasSuggested && (r.TDD || r.Score != e.Suggested)
}

// Anchor is the EP's fragment on the page.
func (e surveyEP) Anchor() string { return anchorOf(e.Element.ID) }

// ppsView is one PPS row.
type ppsView struct {
	bukti.PPSItem
	Text string // the EP's text
}

// teamMember is one assigned surveyor.
type teamMember struct {
	Name, Email string
	Lead        bool
}

// babRow is one Bab of the result with its distance to the next status.
type babRow struct {
	scoring.Rollup
	Gap    scoring.BabGap
	HasGap bool
}

// surveyPage is the data of survey.html and survey_report.html.
type surveyPage struct {
	Survey   bukti.Survey
	Facility bukti.Facility
	Team     []teamMember
	Lead     string
	Steps    []survey.Step
	EPs      []surveyEP
	Tally    scoring.Tally
	Babs     []babRow
	Kriteria []scoring.Rollup // assessed kriteria
	Below    string
	PPS      []ppsView
	Scores   []string // the score choices: 10, 5, 0, TDD
	Min      int      // minimum length of facts and recommendation
	Items    int      // current snapshot items
	Pending  int      // current items not yet reviewed
	Rejected int      // current items rejected
	Finals   int      // EP with a final score
	// What the viewer sees and may do: the survey policy's answers
	// (survey.Allowed) for the viewer, and authz's for the scores.
	Final         bool // the survey is final: everything is read-only
	ReadsFacility bool // the facility's pages, files and the evidence pack (not a final survey's surveyors)
	CanSelf       bool // survey.SelfAssess
	CanSubmit     bool // survey.Submit
	ShowItems     bool // survey.SeeItems: the snapshot exists
	CanReview     bool // survey.Review
	CanResubmit   bool // survey.Resubmit
	ShowScores    bool // the snapshot exists, for those who see the scores (authz SeesScores)
	CanScore      bool // survey.Score
	IsLead        bool // the viewer is named the survey's team lead
	CanDecide     bool // survey.Reconcile and survey.SetFinal
	CanFinalize   bool // survey.Finalize
	CanPPS        bool // survey.EditPPS
	ShowResult    bool // some EP has a final score, for those who see the scores
	Draft         string
}

// scoreChoices lists the catalogue's scores as ParseScore reads them.
func (s *handlers) scoreChoices() []string {
	var out []string
	for _, v := range s.Catalogue.Scoring.Values {
		out = append(out, strconv.Itoa(v))
	}
	if s.Catalogue.Scoring.TDD {
		out = append(out, "TDD")
	}
	return out
}

// draft is what a refused form held, shown again so nothing typed is lost.
type draft struct {
	kind   string // "self", "score" or "final"
	values url.Values
}

// loadSurveyPage gathers a survey's page for the viewer.
func (s *handlers) loadSurveyPage(c echo.Context, id int64, d *draft) (*surveyPage, error) {
	ctx := c.Request().Context()
	ov, err := s.Overview(c, id)
	if err != nil {
		return nil, err
	}
	p := core.Principal(c)
	uid := p.User.ID
	sv := ov.Survey
	fid := sv.FacilityID
	data := &surveyPage{Survey: sv, Facility: ov.Facility, Tally: ov.Tally, Below: s.Catalogue.Scoring.Below,
		Scores: s.scoreChoices(), Min: survey.MinNarrative, Steps: survey.Progress(&sv)}
	names := map[int64]string{}
	for _, u := range ov.Surveyors {
		names[u.ID] = u.DisplayName()
		data.Team = append(data.Team, teamMember{Name: u.Name, Email: u.Email, Lead: sv.LeadID != nil && *sv.LeadID == u.ID})
	}
	if sv.LeadID != nil {
		data.Lead = names[*sv.LeadID]
	}
	// What the viewer may do and see is the survey policy's to say; the
	// page only asks.
	who := survey.ActorOf(p, &sv, ov.Surveyors)
	can := func(a survey.Action) bool { return survey.Allowed(a, &sv, who) == nil }
	data.Final = sv.State == bukti.SurveyFinal
	data.ReadsFacility = who.ReadsFacility
	data.IsLead = who.Leads(&sv)
	data.CanSelf = can(survey.SelfAssess)
	data.CanSubmit = can(survey.Submit)
	data.CanReview = can(survey.Review)
	data.CanResubmit = can(survey.Resubmit)
	data.CanScore = can(survey.Score)
	data.CanDecide = can(survey.Reconcile) && can(survey.SetFinal)
	data.CanFinalize = can(survey.Finalize)
	data.CanPPS = can(survey.EditPPS)
	data.ShowItems = can(survey.SeeItems)
	data.ShowScores = data.ShowItems && core.ScoresVisible(p, ov)
	if d != nil {
		data.Draft = d.kind
	}

	// The readiness suggestion, while the quality team assesses itself.
	ready := map[string]readiness.ElementScore{}
	if can(survey.SeeReadiness) {
		rep, err := s.Evidence.Readiness(ctx, fid)
		if err != nil {
			return nil, err
		}
		for e := range rep.Elements() {
			ready[e.ID] = *e
		}
	}
	// Newer revisions the quality team may resubmit.
	latest := map[int64]int{}
	if data.CanResubmit {
		evs, err := s.Evidence.List(ctx, fid, evidence.Filter{})
		if err != nil {
			return nil, err
		}
		for i := range evs {
			if r := evs[i].Latest(); r != nil {
				latest[evs[i].ID] = r.Number
			}
		}
	}
	current := survey.Current(ov.Items)
	data.Items = len(current)
	byReq := map[string][]itemView{}
	for _, it := range current {
		v := itemView{SnapshotItem: it}
		if it.ReviewedBy != nil {
			v.Reviewer = names[*it.ReviewedBy]
		}
		if n := latest[it.EvidenceID]; n > it.RevisionNumber {
			v.Newer = n
		}
		switch it.Review {
		case bukti.ReviewPending:
			data.Pending++
		case bukti.ReviewRejected:
			data.Rejected++
		}
		byReq[it.RequirementID] = append(byReq[it.RequirementID], v)
	}

	for _, b := range s.Catalogue.Bab {
		for _, st := range b.Standar {
			for _, k := range st.Kriteria {
				for _, e := range k.Elements {
					ep := surveyEP{Element: e, Kriteria: k.ID}
					ep.Suggested, ep.HasSuggested = ov.Suggestions[e.ID]
					r := ready[e.ID]
					ep.Ready, ep.HasReady = r.Suggestion()
					ep.ReadyTDD = r.TDD
					if a, ok := ov.Self(e.ID); ok {
						ep.SelfScore, ep.SelfJust = survey.FormatScore(a.Score, a.TDD), a.Justification
					}
					for _, req := range e.Requirements {
						if items := byReq[req.ID]; len(items) > 0 {
							ep.Reqs = append(ep.Reqs, requirementItems{Req: req, Items: items})
						}
					}
					var team []bukti.SurveyScore
					for _, u := range ov.Surveyors {
						row, ok := ov.ScoreBy(e.ID, u.ID)
						if !ok {
							continue
						}
						team = append(team, row)
						v := scoreView{Surveyor: names[u.ID], Lead: sv.LeadID != nil && *sv.LeadID == u.ID, Mine: u.ID == uid,
							Score: survey.FormatScore(row.Score, row.TDD), Facts: row.Facts, Rec: row.Recommendation,
							DiffersFromSys: ep.differs(row)}
						ep.All = append(ep.All, v)
						if v.Mine {
							ep.Mine, ep.HasMine = v, true
						} else {
							ep.Others = append(ep.Others, v)
						}
					}
					if f, ok := ov.Final(e.ID); ok {
						ep.Final, ep.HasFinal = scoreView{Score: survey.FormatScore(f.Score, f.TDD), Facts: f.Facts, Rec: f.Recommendation,
							DiffersFromSys: ep.differs(f)}, true
						data.Finals++
						ep.FinalDraft = ep.Final
					} else if data.ShowScores {
						ep.Conflict = conflictOf(team, len(ov.Surveyors))
						if len(team) > 0 {
							ep.FinalDraft = scoreView{Score: survey.FormatScore(team[0].Score, team[0].TDD), Facts: team[0].Facts, Rec: team[0].Recommendation}
						}
					}
					if d != nil && d.values.Get("element") == e.ID {
						v := scoreView{Score: d.values.Get("score"), Facts: d.values.Get("facts"), Rec: d.values.Get("recommendation")}
						switch d.kind {
						case "score":
							ep.Mine, ep.HasMine = v, true
						case "final":
							ep.FinalDraft = v
						}
					}
					data.EPs = append(data.EPs, ep)
				}
			}
		}
	}
	if d != nil && d.kind == "self" {
		for i := range data.EPs {
			id := data.EPs[i].Element.ID
			if j := slices.Index(d.values["element"], id); j >= 0 {
				data.EPs[i].SelfScore = at(d.values["score"], j)
				data.EPs[i].SelfJust = at(d.values["justification"], j)
			}
		}
	}
	data.ShowResult = data.Finals > 0 && data.ShowScores
	for _, b := range ov.Tally.Bab {
		row := babRow{Rollup: b}
		for _, g := range ov.Tally.Gaps {
			if g.Bab == b.ID {
				row.Gap, row.HasGap = g, true
			}
		}
		data.Babs = append(data.Babs, row)
	}
	for _, k := range ov.Tally.Kriteria {
		if k.Assessed {
			data.Kriteria = append(data.Kriteria, k)
		}
	}
	for _, row := range ov.PPS {
		v := ppsView{PPSItem: row}
		if e, ok := s.Catalogue.Element(row.ElementID); ok {
			v.Text = e.Text
		}
		data.PPS = append(data.PPS, v)
	}
	return data, nil
}

// conflictOf says why an EP without a final score needs the team lead:
// surveyors "differ", not all scored it ("missing"), or they "agree" and
// reconciliation will settle it.
func conflictOf(team []bukti.SurveyScore, surveyors int) string {
	if len(team) < surveyors || len(team) == 0 {
		return "missing"
	}
	for _, r := range team[1:] {
		if r.TDD != team[0].TDD || (!r.TDD && r.Score != team[0].Score) {
			return "differ"
		}
	}
	return "agree"
}

func at(xs []string, i int) string {
	if i < len(xs) {
		return xs[i]
	}
	return ""
}

// surveyView is the survey page.
func (s *handlers) surveyView(c echo.Context) error {
	sv, err := s.SurveyFor(c, authz.ReadSurvey)
	if err != nil {
		return err
	}
	data, err := s.loadSurveyPage(c, sv.ID, nil)
	if err != nil {
		return err
	}
	return s.Render(c, http.StatusOK, "survey", s.surveyTitle(c, data), data)
}

func (s *handlers) surveyTitle(c echo.Context, d *surveyPage) string {
	return fmt.Sprintf("%s #%d · %s", s.Tr(c, "surveys.visit"), d.Survey.ID, d.Facility.Name)
}

// surveyReport is the printable report of a survey.
func (s *handlers) surveyReport(c echo.Context) error {
	sv, err := s.SurveyFor(c, authz.ReadSurvey)
	if err != nil {
		return err
	}
	data, err := s.loadSurveyPage(c, sv.ID, nil)
	if err != nil {
		return err
	}
	return s.Render(c, http.StatusOK, "survey_report", s.Tr(c, "survey.report.title")+" · "+data.Facility.Name, data)
}

// surveyAction runs one form of the survey page: it loads the survey for
// reading, checks the action on its facility and runs fn. Success
// redirects back to the page (at anchor) with the okKey confirmation; a
// refusal re-renders the page with the message and the form's values.
func (s *handlers) surveyAction(c echo.Context, a authz.Action, kind, anchor, okKey string, fn func(ctx context.Context, sv *bukti.Survey, by int64, form url.Values) error) error {
	sv, err := s.SurveyFor(c, authz.ReadSurvey)
	if err != nil {
		return err
	}
	form, err := surveyForm(c)
	if err != nil {
		return err
	}
	if err = core.Principal(c).Check(a, sv.FacilityID); err == nil {
		err = fn(c.Request().Context(), sv, *core.UserID(c), form)
	}
	if err != nil {
		return s.surveyRefused(c, sv.ID, err, &draft{kind: kind, values: form})
	}
	to := fmt.Sprintf("/s/%d?ok=%s", sv.ID, url.QueryEscape(okKey))
	if anchor != "" {
		to += "#" + anchor
	}
	return core.Redirect(c, to)
}

// surveyRefused shows the survey page again with the error's message and
// its status. Internal errors go to the error page.
func (s *handlers) surveyRefused(c echo.Context, id int64, cause error, d *draft) error {
	var be *bukti.Error
	if !errors.As(cause, &be) || be.Code == bukti.EINTERNAL {
		return cause
	}
	data, err := s.loadSurveyPage(c, id, d)
	if err != nil {
		return err
	}
	c.Set(core.FlashKey, core.Message(c, cause))
	return s.Render(c, core.StatusOf(be.Code), "survey", s.surveyTitle(c, data), data)
}

func (s *handlers) surveySelfPage(c echo.Context) error {
	return s.surveyAction(c, authz.WriteEvidence, "self", "self", "survey.ok.self_saved", func(ctx context.Context, sv *bukti.Survey, by int64, f url.Values) error {
		var scores []survey.SelfScore
		for i, e := range f["element"] {
			sc := strings.TrimSpace(at(f["score"], i))
			if sc == "" {
				continue // not assessed yet: saved later
			}
			scores = append(scores, survey.SelfScore{Element: e, Score: sc, Justification: at(f["justification"], i)})
		}
		_, err := s.Surveys.SelfAssess(ctx, sv.ID, by, scores)
		return err
	})
}

func (s *handlers) surveySubmitPage(c echo.Context) error {
	return s.surveyAction(c, authz.WriteEvidence, "", "", "survey.ok.submitted", func(ctx context.Context, sv *bukti.Survey, by int64, _ url.Values) error {
		_, err := s.Surveys.Submit(ctx, sv.ID, by)
		return err
	})
}

func (s *handlers) surveyResubmitPage(c echo.Context) error {
	return s.surveyAction(c, authz.WriteEvidence, "", "items", "survey.ok.resubmitted", func(ctx context.Context, sv *bukti.Survey, by int64, f url.Values) error {
		evID, err := strconv.ParseInt(f.Get("evidence"), 10, 64)
		if err != nil {
			return bukti.E(bukti.EINVALID, "err.pages.choose_evidence_resubmit")
		}
		_, err = s.Surveys.Resubmit(ctx, sv.ID, evID, by)
		return err
	})
}

func (s *handlers) surveyReviewPage(c echo.Context) error {
	itemID, err := core.PathID(c, "item")
	if err != nil {
		return err
	}
	return s.surveyAction(c, authz.ReviewSurvey, "", "items", "survey.ok.reviewed", func(ctx context.Context, sv *bukti.Survey, by int64, f url.Values) error {
		_, err := s.Surveys.Review(ctx, sv.ID, itemID, by, survey.Verdict{Review: f.Get("review"), Note: f.Get("note")})
		return err
	})
}

func (s *handlers) surveyScorePage(c echo.Context) error {
	anchor := "score-" + anchorOf(c.FormValue("element"))
	return s.surveyAction(c, authz.ReviewSurvey, "score", anchor, "survey.ok.scored", func(ctx context.Context, sv *bukti.Survey, by int64, f url.Values) error {
		_, err := s.Surveys.Score(ctx, sv.ID, by, scoreInput(f))
		return err
	})
}

func (s *handlers) surveyFinalPage(c echo.Context) error {
	return s.surveyAction(c, authz.ReviewSurvey, "final", "reconcile", "survey.ok.final_set", func(ctx context.Context, sv *bukti.Survey, by int64, f url.Values) error {
		_, err := s.Surveys.SetFinal(ctx, sv.ID, by, scoreInput(f))
		return err
	})
}

func (s *handlers) surveyReconcilePage(c echo.Context) error {
	return s.surveyAction(c, authz.ReviewSurvey, "", "reconcile", "survey.ok.reconciled", func(ctx context.Context, sv *bukti.Survey, by int64, _ url.Values) error {
		_, err := s.Surveys.Reconcile(ctx, sv.ID, by)
		return err
	})
}

func (s *handlers) surveyFinalizePage(c echo.Context) error {
	return s.surveyAction(c, authz.ReviewSurvey, "", "", "survey.ok.finalized", func(ctx context.Context, sv *bukti.Survey, by int64, _ url.Values) error {
		_, err := s.Surveys.Finalize(ctx, sv.ID, by)
		return err
	})
}

func (s *handlers) surveyPPSPage(c echo.Context) error {
	rowID, err := core.PathID(c, "row")
	if err != nil {
		return err
	}
	return s.surveyAction(c, authz.WriteEvidence, "", fmt.Sprintf("pps-%d", rowID), "survey.ok.pps_saved", func(ctx context.Context, sv *bukti.Survey, by int64, f url.Values) error {
		in := survey.PPSInput{Action: f.Get("action"), Responsible: f.Get("responsible"), Indicator: f.Get("indicator")}
		if p := strings.TrimSpace(f.Get("progress")); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil {
				return bukti.E(bukti.EINVALID, "err.pages.progress_must_number_0_100")
			}
			in.Progress = n
		}
		var err error
		if in.TargetDate, err = core.ParseDate(f.Get("target_date"), "target_date"); err != nil {
			return err
		}
		_, err = s.Surveys.UpdatePPS(ctx, sv.ID, rowID, by, in)
		return err
	})
}

// surveyForm reads a posted form, urlencoded or multipart (requirePage has
// checked its anti-CSRF token).
func surveyForm(c echo.Context) (url.Values, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, bukti.E(bukti.EINVALID, "err.pages.form_cannot_read")
	}
	return form, nil
}

func scoreInput(f url.Values) survey.ScoreInput {
	return survey.ScoreInput{Element: f.Get("element"), Score: f.Get("score"), Facts: f.Get("facts"), Recommendation: f.Get("recommendation")}
}

// anchorOf makes an EP ID usable as a fragment: 2.1.2/a → 2-1-2-a.
func anchorOf(id string) string {
	return strings.NewReplacer(".", "-", "/", "-").Replace(id)
}

// surveyRow is one line of a survey list.
type surveyRow struct {
	bukti.Survey
	Facility string
}

type surveysPage struct {
	Facility   *bukti.Facility // set on a facility's list
	Surveys    []surveyRow
	CanPlan    bool
	Facilities []bukti.Facility // where the viewer may plan surveys
	Types      []string
	Modes      []string
	Form       url.Values
}

// surveyRows names the facility of each survey.
func (s *handlers) surveyRows(c echo.Context, svs []bukti.Survey) ([]surveyRow, error) {
	var ids []int64
	for _, sv := range svs {
		ids = append(ids, sv.FacilityID)
	}
	fs, err := s.Org.Facilities(c.Request().Context(), false, ids)
	if err != nil {
		return nil, err
	}
	name := map[int64]string{}
	for _, f := range fs {
		name[f.ID] = f.Name
	}
	out := make([]surveyRow, 0, len(svs))
	for _, sv := range svs {
		out = append(out, surveyRow{Survey: sv, Facility: name[sv.FacilityID]})
	}
	return out, nil
}

// facilitySurveys lists one facility's surveys.
func (s *handlers) facilitySurveys(c echo.Context) error {
	id, err := s.FacilityFor(c, authz.ReadFacility)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f, err := s.Org.Facility(ctx, id)
	if err != nil {
		return err
	}
	svs, err := s.Surveys.List(ctx, false, []int64{id}, nil)
	if err != nil {
		return err
	}
	data := surveysPage{Facility: f}
	if data.Surveys, err = s.surveyRows(c, svs); err != nil {
		return err
	}
	return s.Render(c, http.StatusOK, "survey_list", s.Tr(c, "surveys.title")+" · "+f.Name, data)
}

// surveysList lists the surveys in the viewer's scope, with the form to
// plan one for admins and supervisors.
func (s *handlers) surveysList(c echo.Context) error {
	return s.renderSurveys(c, http.StatusOK, nil)
}

func (s *handlers) renderSurveys(c echo.Context, status int, form url.Values) error {
	ctx := c.Request().Context()
	svs, err := s.SurveysInScope(c)
	if err != nil {
		return err
	}
	all, managed := core.Principal(c).Facilities(authz.ManageSurvey)
	data := surveysPage{CanPlan: all || len(managed) > 0, Types: survey.Types, Modes: survey.Modes, Form: form}
	if data.Surveys, err = s.surveyRows(c, svs); err != nil {
		return err
	}
	if data.CanPlan {
		if data.Facilities, err = s.Org.Facilities(ctx, all, managed); err != nil {
			return err
		}
	}
	return s.Render(c, status, "survey_list", s.Tr(c, "surveys.title"), data)
}

// planSurveyPage plans a survey from the form: surveyors and the lead are
// given by email.
func (s *handlers) planSurveyPage(c echo.Context) error {
	form, err := surveyForm(c)
	if err != nil {
		return err
	}
	sv, err := s.planSurvey(c, form)
	if err != nil {
		var be *bukti.Error
		if !errors.As(err, &be) || be.Code == bukti.EINTERNAL {
			return err
		}
		c.Set(core.FlashKey, core.Message(c, err))
		return s.renderSurveys(c, core.StatusOf(be.Code), form)
	}
	return core.Redirect(c, fmt.Sprintf("/s/%d?ok=survey.ok.planned", sv.ID))
}

// planSurvey plans the survey of the form: the surveyors' emails,
// separated by commas, semicolons, spaces or lines, and the lead's.
func (s *handlers) planSurvey(c echo.Context, form url.Values) (*bukti.Survey, error) {
	fid, err := strconv.ParseInt(form.Get("facility"), 10, 64)
	if err != nil {
		return nil, bukti.E(bukti.EINVALID, "err.pages.choose_facility_survey")
	}
	if err := core.Principal(c).Check(authz.ManageSurvey, fid); err != nil {
		return nil, err
	}
	in := survey.Input{FacilityID: fid, Type: form.Get("type"), Mode: form.Get("mode"), LeadEmail: form.Get("lead"),
		SurveyorEmails: strings.FieldsFunc(form.Get("surveyors"), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' })}
	if in.StartDate, err = core.ParseDate(form.Get("start_date"), "start_date"); err != nil {
		return nil, err
	}
	if in.EndDate, err = core.ParseDate(form.Get("end_date"), "end_date"); err != nil {
		return nil, err
	}
	return s.Surveys.Create(c.Request().Context(), in, *core.UserID(c))
}
