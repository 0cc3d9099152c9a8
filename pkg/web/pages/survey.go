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
	"time"
	"unicode/utf8"

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

// scoreView is one surveyor's score of an EP as the page shows it, or what
// a refused form held for it.
type scoreView struct {
	Surveyor       string
	Lead, Mine     bool
	Score          string
	Facts, Rec     string
	DiffersFromSys bool
}

// FactsLen and RecLen count the characters of the facts and of the
// recommendation as the service counts them (trimmed, in runes), for the
// counter beside the 30-character minimum.
func (v scoreView) FactsLen() int { return runeLen(v.Facts) }
func (v scoreView) RecLen() int   { return runeLen(v.Rec) }

func runeLen(s string) int { return utf8.RuneCountInString(strings.TrimSpace(s)) }

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
	// PartTitle is the human name of the item's part ("Daftar hadir").
	PartTitle string
	// Checked: chosen for "accept the chosen ones" on a refused form.
	Checked bool
}

// Preview is how the item can be looked at in the page: "image", "pdf",
// "video", or "" for a file only downloaded (as on the requirement page).
func (it itemView) Preview() string { return fullPreview[it.ContentType] }

// surveyEP is one EP with everything each section needs.
type surveyEP struct {
	Element  catalogue.Element
	Kriteria string
	Bab      string
	// Self-assessment: the readiness suggestion (HasReady; none when the
	// facility proposes the EP TDD, ReadyTDD, or it cannot be projected)
	// and the proposed score.
	Ready     int
	HasReady  bool
	ReadyTDD  bool
	SelfScore string
	SelfJust  string
	HasSelf   bool // stored, not only typed
	// Review: the current snapshot items by requirement (as the filter
	// shows them), and the requirements asking for a file that have none.
	Reqs     []requirementItems
	Missing  []catalogue.Requirement
	Pending  int // current items not yet reviewed
	Rejected int // current items rejected
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
	// FinalSet: the row is ticked to be saved as final on a refused form.
	FinalSet bool
	// Error is what the service said of this EP's row on a refused form.
	Error string
}

// SelfJustLen counts the characters of the self-assessment's reason.
func (e surveyEP) SelfJustLen() int { return runeLen(e.SelfJust) }

// differs reports whether a score differs from the system's suggestion;
// never when there is none.
func (e surveyEP) differs(r bukti.SurveyScore) bool {
	return e.HasSuggested && (r.TDD || r.Score != e.Suggested)
}

// Anchor is the EP's fragment on the page.
func (e surveyEP) Anchor() string { return anchorOf(e.Element.ID) }

// ppsView is one PPS row, with its form's values: as stored, or as a
// refused form held them.
type ppsView struct {
	bukti.PPSItem
	Text  string // the EP's text
	Form  ppsForm
	Error string
}

type ppsForm struct {
	Action, Responsible, Target, Indicator, Progress string
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

// scope is the part of the catalogue the page's EP sections show: every
// EP, one Bab or one kriteria. A surveyor scores a kriteria (or a Bab) in
// one pass; the complete standard's 328 EP on one page would not load on
// a phone.
type scope struct {
	Param string // the value of ?k=: "all", a Bab ID or a kriteria ID
	Kind  string // "all", "bab" or "kriteria"
	ID    string
	Title string
}

// scopeOption is one entry of the page's scope chooser, with how far the
// viewer's current task is in it.
type scopeOption struct {
	Param, Label string
	Bab          bool // a Bab, else a kriteria
	Done, Total  int  // EP of the task done (Task), of all
	Pending      int  // snapshot items not yet reviewed
	Rejected     int  // snapshot items rejected, for the quality team to fix
	Current      bool
}

// missingEP is an EP the self-assessment does not score yet, with the
// scope that shows it.
type missingEP struct {
	ID, Scope, Anchor string
}

// surveyPage is the data of survey.html and survey_report.html.
type surveyPage struct {
	Survey   bukti.Survey
	Facility bukti.Facility
	Team     []teamMember
	Lead     string
	Steps    []survey.Step
	EPs      []surveyEP // the EP in scope
	TotalEPs int        // every EP of the catalogue
	Tally    scoring.Tally
	Babs     []babRow
	Kriteria []scoring.Rollup // assessed kriteria
	Below    string
	PPS      []ppsView
	Scores   []string // the score choices: 10, 5, 0, TDD
	Min      int      // minimum length of facts and recommendation
	MinJust  int      // minimum length of a self-assessment's reason
	Items    int      // current snapshot items
	Pending  int      // current items not yet reviewed
	Rejected int      // current items rejected
	Missing  int      // requirements asking for a file with no item at all
	Finals   int      // EP with a final score
	// The scope of the EP sections and its chooser (shown when the
	// catalogue has more than one kriteria); Task names what Done counts
	// ("self", "score", "final" or "").
	Scope      scope
	Scopes     []scopeOption
	Task       string
	Prev, Next *scopeOption
	// Show filters the review: "" every item, or only those pending,
	// accepted or rejected (Filters, in the chooser's order).
	Show    string
	Filters []string
	// Unassessed are the EP the self-assessment lacks: the quality team
	// cannot submit until there is none. UnassessedShown are the first
	// of them, linked; UnassessedMore how many more there are.
	Unassessed      []missingEP
	UnassessedShown []missingEP
	UnassessedMore  int
	// ItemsShown: some EP in scope has items or missing requirements to
	// show under the review filter.
	ItemsShown bool
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

// draft is what a refused form held, shown again so nothing typed is lost,
// with the service's word on each wrong row (by EP ID, or PPS row ID).
type draft struct {
	kind   string // "self", "score", "final", "scores", "finals", "bulk" or "pps"
	values url.Values
	rows   map[string]string
}

// The review filters (?show=), in the chooser's order.
var reviewFilters = []string{"", bukti.ReviewPending, bukti.ReviewRejected, bukti.ReviewAccepted}

// view is what the page is asked to show: the scope (?k=, "" for the
// default) and the review filter (?show=).
type view struct {
	scope, show string
}

// viewOf reads the scope and filter of a request: its query, or the hidden
// fields of the form it posts.
func viewOf(c echo.Context, form url.Values) view {
	if form != nil {
		return view{scope: form.Get("k"), show: form.Get("show")}
	}
	return view{scope: c.QueryParam("k"), show: c.QueryParam("show")}
}

// scopeOf reads a scope parameter: "all", a Bab ID or a kriteria ID.
func (s *handlers) scopeOf(param string) (scope, error) {
	if param == "all" {
		return scope{Param: "all", Kind: "all"}, nil
	}
	for _, b := range s.Catalogue.Bab {
		if b.ID == param {
			return scope{Param: param, Kind: "bab", ID: b.ID, Title: b.Title}, nil
		}
		for _, st := range b.Standar {
			for _, k := range st.Kriteria {
				if k.ID == param {
					return scope{Param: param, Kind: "kriteria", ID: k.ID, Title: k.Title}, nil
				}
			}
		}
	}
	return scope{}, bukti.E(bukti.ENOTFOUND, "err.pages.scope_not_found", param)
}

// has reports whether an EP lies in the scope.
func (sc scope) has(e *surveyEP) bool {
	switch sc.Kind {
	case "bab":
		return e.Bab == sc.ID
	case "kriteria":
		return e.Kriteria == sc.ID
	}
	return true
}

// loadSurveyPage gathers a survey's page for the viewer, showing v.
func (s *handlers) loadSurveyPage(c echo.Context, id int64, d *draft, v view) (*surveyPage, error) {
	if !slices.Contains(reviewFilters, v.show) {
		return nil, bukti.E(bukti.EINVALID, "err.pages.review_filter_unknown", v.show)
	}
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
		Scores: s.scoreChoices(), Min: survey.MinNarrative, MinJust: survey.MinJustification, Steps: survey.Progress(&sv), Show: v.show, Filters: reviewFilters}
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
	if data.CanSelf || data.CanSubmit {
		for _, e := range s.Surveys.Unassessed(ov.SelfAssessment) {
			data.Unassessed = append(data.Unassessed, missingEP{ID: e, Scope: e[:strings.LastIndexByte(e, '/')], Anchor: anchorOf(e)})
		}
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
	checked := map[string]bool{}
	if d != nil && d.kind == "bulk" {
		for _, v := range d.values["item"] {
			checked[v] = true
		}
	}
	current := survey.Current(ov.Items)
	data.Items = len(current)
	byReq := map[string][]itemView{}
	for _, it := range current {
		v := itemView{SnapshotItem: it, Checked: checked[strconv.FormatInt(it.ID, 10)]}
		if it.ReviewedBy != nil {
			v.Reviewer = names[*it.ReviewedBy]
		}
		if n := latest[it.EvidenceID]; n > it.RevisionNumber {
			v.Newer = n
		}
		if r, _, ok := s.Catalogue.Requirement(it.RequirementID); ok {
			if i := slices.IndexFunc(r.Parts, func(p catalogue.Part) bool { return p.Key == it.Part }); i >= 0 && r.Parts[i].Title != "" {
				v.PartTitle = r.Parts[i].Title
			}
		}
		if v.PartTitle == "" {
			v.PartTitle = it.Part
		}
		switch it.Review {
		case bukti.ReviewPending:
			data.Pending++
		case bukti.ReviewRejected:
			data.Rejected++
		}
		byReq[it.RequirementID] = append(byReq[it.RequirementID], v)
	}

	self := map[string]bukti.SelfAssessment{}
	for _, a := range ov.SelfAssessment {
		self[a.ElementID] = a
	}
	scored := map[string]map[int64]bukti.SurveyScore{}
	for _, r := range ov.Scores {
		if scored[r.ElementID] == nil {
			scored[r.ElementID] = map[int64]bukti.SurveyScore{}
		}
		scored[r.ElementID][r.SurveyorID] = r
	}
	var all []surveyEP
	for _, b := range s.Catalogue.Bab {
		for _, st := range b.Standar {
			for _, k := range st.Kriteria {
				for _, e := range k.Elements {
					ep := surveyEP{Element: e, Kriteria: k.ID, Bab: b.ID}
					ep.Suggested, ep.HasSuggested = ov.Suggestions[e.ID]
					r := ready[e.ID]
					ep.Ready, ep.HasReady = r.Suggestion()
					ep.ReadyTDD = r.TDD
					if a, ok := self[e.ID]; ok {
						ep.SelfScore, ep.SelfJust, ep.HasSelf = survey.FormatScore(a.Score, a.TDD), a.Justification, true
					}
					for _, req := range e.Requirements {
						items := byReq[req.ID]
						if len(items) == 0 {
							if req.Method.NeedsFile() && data.ShowItems {
								ep.Missing = append(ep.Missing, req)
								data.Missing++
							}
							continue
						}
						shown := items[:0:0]
						for _, it := range items {
							switch it.Review {
							case bukti.ReviewPending:
								ep.Pending++
							case bukti.ReviewRejected:
								ep.Rejected++
							}
							if v.show == "" || it.Review == v.show {
								shown = append(shown, it)
							}
						}
						if len(shown) > 0 {
							ep.Reqs = append(ep.Reqs, requirementItems{Req: req, Items: shown})
						}
					}
					var team []bukti.SurveyScore
					for _, u := range ov.Surveyors {
						row, ok := scored[e.ID][u.ID]
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
					if f, ok := scored[e.ID][survey.Final]; ok {
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
					d.apply(&ep)
					all = append(all, ep)
				}
			}
		}
	}
	data.TotalEPs = len(all)
	if d != nil && d.kind == "self" {
		for i := range all {
			id := all[i].Element.ID
			if j := slices.Index(d.values["element"], id); j >= 0 {
				all[i].SelfScore = at(d.values["score"], j)
				all[i].SelfJust = at(d.values["justification"], j)
				all[i].Error = d.rows[id]
			}
		}
	}

	// The scope: asked for, or where the viewer's work is.
	data.Task = taskOf(data)
	s.scopeOptions(data, all)
	want := v.scope
	if want == "" {
		want = defaultScope(data)
	}
	if data.Scope, err = s.scopeOf(want); err != nil {
		return nil, err
	}
	for i := range data.Scopes {
		o := &data.Scopes[i]
		o.Current = o.Param == data.Scope.Param
	}
	data.Prev, data.Next = neighbours(data.Scopes, data.Scope.Param)
	for i := range all {
		if data.Scope.has(&all[i]) {
			data.EPs = append(data.EPs, all[i])
			if len(all[i].Reqs) > 0 || (len(all[i].Missing) > 0 && v.show == "") {
				data.ItemsShown = true
			}
		}
	}
	const shown = 30
	data.UnassessedShown = data.Unassessed[:min(shown, len(data.Unassessed))]
	data.UnassessedMore = len(data.Unassessed) - len(data.UnassessedShown)

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
		v := ppsView{PPSItem: row, Form: ppsForm{Action: row.Action, Responsible: row.Responsible, Indicator: row.Indicator,
			Progress: strconv.Itoa(row.Progress)}}
		if row.TargetDate != nil {
			v.Form.Target = row.TargetDate.Format(time.DateOnly)
		}
		if e, ok := s.Catalogue.Element(row.ElementID); ok {
			v.Text = e.Text
		}
		if d != nil && d.kind == "pps" {
			key := strconv.FormatInt(row.ID, 10)
			if slices.Contains(d.values["row"], key) {
				f := d.values
				v.Form = ppsForm{Action: f.Get("action:" + key), Responsible: f.Get("responsible:" + key), Target: f.Get("target_date:" + key),
					Indicator: f.Get("indicator:" + key), Progress: f.Get("progress:" + key)}
			}
			v.Error = d.rows[key]
		}
		data.PPS = append(data.PPS, v)
	}
	return data, nil
}

// apply puts what a refused form held for an EP back in its fields.
func (d *draft) apply(ep *surveyEP) {
	if d == nil {
		return
	}
	id := ep.Element.ID
	f := d.values
	switch d.kind {
	case "score", "final":
		if f.Get("element") != id {
			return
		}
		v := scoreView{Score: f.Get("score"), Facts: f.Get("facts"), Rec: f.Get("recommendation")}
		if d.kind == "score" {
			ep.Mine, ep.HasMine = v, true
		} else {
			ep.FinalDraft, ep.FinalSet = v, true
		}
	case "scores", "finals":
		if !slices.Contains(f["element"], id) {
			return
		}
		v := scoreView{Score: f.Get("score:" + id), Facts: f.Get("facts:" + id), Rec: f.Get("rec:" + id)}
		if d.kind == "scores" {
			ep.Mine.Score, ep.Mine.Facts, ep.Mine.Rec = v.Score, v.Facts, v.Rec
		} else {
			ep.FinalDraft, ep.FinalSet = v, f.Get("set:"+id) != ""
		}
		ep.Error = d.rows[id]
	}
}

// taskOf names the viewer's task on the page, whose progress the scope
// chooser counts: the self-assessment, their own scores, or the final
// scores.
func taskOf(d *surveyPage) string {
	switch {
	case d.CanSelf:
		return "self"
	case d.CanScore:
		return "score"
	case d.CanDecide:
		return "final"
	}
	return ""
}

// taskDone reports whether the viewer's task is done for an EP.
func taskDone(task string, e *surveyEP) bool {
	switch task {
	case "self":
		return e.HasSelf
	case "score":
		return e.HasMine
	case "final":
		return e.HasFinal
	}
	return false
}

// scopeOptions fills the scope chooser: every Bab and kriteria with the
// viewer's progress, when the catalogue has more than one kriteria.
func (s *handlers) scopeOptions(data *surveyPage, all []surveyEP) {
	var out []scopeOption
	for _, b := range s.Catalogue.Bab {
		bab := len(out)
		out = append(out, scopeOption{Param: b.ID, Label: "Bab " + b.ID + " · " + b.Title, Bab: true})
		for _, st := range b.Standar {
			for _, k := range st.Kriteria {
				o := scopeOption{Param: k.ID, Label: k.ID + " · " + k.Title}
				for i := range all {
					if all[i].Kriteria != k.ID {
						continue
					}
					o.Total++
					o.Pending += all[i].Pending
					o.Rejected += all[i].Rejected
					if taskDone(data.Task, &all[i]) {
						o.Done++
					}
				}
				out[bab].Total += o.Total
				out[bab].Done += o.Done
				out[bab].Pending += o.Pending
				out[bab].Rejected += o.Rejected
				out = append(out, o)
			}
		}
	}
	if len(out)-len(s.Catalogue.Bab) > 1 {
		data.Scopes = out
	}
}

// defaultScope is the scope the page opens on: everything when the
// catalogue has one kriteria, else the first kriteria where the viewer
// has work left (items to review or to fix, EP to assess, score or
// decide), else the first kriteria.
func defaultScope(d *surveyPage) string {
	if len(d.Scopes) == 0 {
		return "all"
	}
	first := ""
	for _, o := range d.Scopes {
		if o.Bab || o.Total == 0 {
			continue
		}
		if first == "" {
			first = o.Param
		}
		if (d.CanReview && o.Pending > 0) || (d.CanResubmit && o.Rejected > 0) || (d.Task != "" && o.Done < o.Total) {
			return o.Param
		}
	}
	if first == "" {
		return "all"
	}
	return first
}

// neighbours are the kriteria before and after the current one, for
// moving through a Bab without the chooser.
func neighbours(opts []scopeOption, cur string) (prev, next *scopeOption) {
	var ks []*scopeOption
	for i := range opts {
		if !opts[i].Bab && opts[i].Total > 0 {
			ks = append(ks, &opts[i])
		}
	}
	for i, o := range ks {
		if o.Param != cur {
			continue
		}
		if i > 0 {
			prev = ks[i-1]
		}
		if i+1 < len(ks) {
			next = ks[i+1]
		}
	}
	return prev, next
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
	data, err := s.loadSurveyPage(c, sv.ID, nil, viewOf(c, nil))
	if err != nil {
		return err
	}
	return s.Render(c, http.StatusOK, "survey", s.surveyTitle(c, data), data)
}

func (s *handlers) surveyTitle(c echo.Context, d *surveyPage) string {
	return fmt.Sprintf("%s #%d · %s", s.Tr(c, "surveys.visit"), d.Survey.ID, d.Facility.Name)
}

// surveyReport is the printable report of a survey: every EP.
func (s *handlers) surveyReport(c echo.Context) error {
	sv, err := s.SurveyFor(c, authz.ReadSurvey)
	if err != nil {
		return err
	}
	data, err := s.loadSurveyPage(c, sv.ID, nil, view{scope: "all"})
	if err != nil {
		return err
	}
	return s.Render(c, http.StatusOK, "survey_report", s.Tr(c, "survey.report.title")+" · "+data.Facility.Name, data)
}

// surveyAction runs one form of the survey page: it loads the survey for
// reading, checks the action on its facility and runs fn. Success
// redirects back to the page (at anchor, in the form's scope and filter)
// with the okKey confirmation; a refusal re-renders the page with the
// message and the form's values, each wrong row marked.
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
	v := viewOf(c, form)
	if _, err := s.scopeOf(v.scope); err == nil {
		to += "&k=" + url.QueryEscape(v.scope)
	}
	if v.show != "" && slices.Contains(reviewFilters, v.show) {
		to += "&show=" + url.QueryEscape(v.show)
	}
	if anchor != "" {
		to += "#" + anchor
	}
	return core.Redirect(c, to)
}

// surveyRefused registers how a refused survey form is shown again
// (core.FormAgain, which the error handler calls for the errors a user
// can fix): the survey page with the error's message, each wrong row's
// own message next to it and what was typed kept; and returns cause.
func (s *handlers) surveyRefused(c echo.Context, id int64, cause error, d *draft) error {
	c.Set(core.FormAgainKey, core.FormAgain(func(status int, cause error) (bool, error) {
		var rows *survey.RowsError
		if errors.As(cause, &rows) {
			d.rows = map[string]string{}
			for k, err := range rows.Rows {
				d.rows[k] = core.Message(c, err)
			}
		}
		v := viewOf(c, d.values)
		if _, err := s.scopeOf(v.scope); err != nil {
			v.scope = ""
		}
		if !slices.Contains(reviewFilters, v.show) {
			v.show = ""
		}
		data, err := s.loadSurveyPage(c, id, d, v)
		if err != nil {
			return false, err
		}
		c.Set(core.FlashKey, core.Message(c, cause))
		return true, s.Render(c, status, "survey", s.surveyTitle(c, data), data)
	}))
	return cause
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

// surveyReviewManyPage accepts the snapshot items ticked on the page, in
// one save.
func (s *handlers) surveyReviewManyPage(c echo.Context) error {
	return s.surveyAction(c, authz.ReviewSurvey, "bulk", "items", "survey.ok.reviewed_many", func(ctx context.Context, sv *bukti.Survey, by int64, f url.Values) error {
		var ids []int64
		for _, v := range f["item"] {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return bukti.E(bukti.EINVALID, "err.survey.choose_items_to_review")
			}
			ids = append(ids, id)
		}
		_, err := s.Surveys.ReviewMany(ctx, sv.ID, ids, by, survey.Verdict{Review: bukti.ReviewAccepted})
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

// surveyScoresPage saves the scoring section: every EP of the scope the
// surveyor filled in, in one save.
func (s *handlers) surveyScoresPage(c echo.Context) error {
	return s.surveyAction(c, authz.ReviewSurvey, "scores", "scores", "survey.ok.scored", func(ctx context.Context, sv *bukti.Survey, by int64, f url.Values) error {
		_, err := s.Surveys.ScoreMany(ctx, sv.ID, by, scoreRows(f, false))
		return err
	})
}

func (s *handlers) surveyFinalPage(c echo.Context) error {
	return s.surveyAction(c, authz.ReviewSurvey, "final", "reconcile", "survey.ok.final_set", func(ctx context.Context, sv *bukti.Survey, by int64, f url.Values) error {
		_, err := s.Surveys.SetFinal(ctx, sv.ID, by, scoreInput(f))
		return err
	})
}

// surveyFinalsPage saves the team lead's final scores: every EP of the
// reconciliation section ticked to be set, in one save.
func (s *handlers) surveyFinalsPage(c echo.Context) error {
	return s.surveyAction(c, authz.ReviewSurvey, "finals", "reconcile", "survey.ok.final_set", func(ctx context.Context, sv *bukti.Survey, by int64, f url.Values) error {
		rows := scoreRows(f, true)
		if len(rows) == 0 {
			return bukti.E(bukti.EINVALID, "err.pages.tick_final_rows")
		}
		_, err := s.Surveys.SetFinalMany(ctx, sv.ID, by, rows)
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
		in, err := ppsInput(f.Get("action"), f.Get("responsible"), f.Get("target_date"), f.Get("indicator"), f.Get("progress"))
		if err != nil {
			return err
		}
		_, err = s.Surveys.UpdatePPS(ctx, sv.ID, rowID, by, in)
		return err
	})
}

// surveyPPSManyPage saves the whole improvement plan in one save: every
// row of the form, those unchanged left as they are.
func (s *handlers) surveyPPSManyPage(c echo.Context) error {
	return s.surveyAction(c, authz.WriteEvidence, "pps", "pps", "survey.ok.pps_saved", func(ctx context.Context, sv *bukti.Survey, by int64, f url.Values) error {
		var rows []survey.PPSRow
		for _, key := range f["row"] {
			id, err := strconv.ParseInt(key, 10, 64)
			if err != nil || id <= 0 {
				return bukti.E(bukti.EINVALID, "err.survey.pps_row_not_found_in", 0)
			}
			in, err := ppsInput(f.Get("action:"+key), f.Get("responsible:"+key), f.Get("target_date:"+key), f.Get("indicator:"+key), f.Get("progress:"+key))
			rows = append(rows, survey.PPSRow{ID: id, In: in, Err: err})
		}
		_, err := s.Surveys.UpdatePPSMany(ctx, sv.ID, by, rows)
		return err
	})
}

// ppsInput reads one PPS row of a form.
func ppsInput(action, responsible, target, indicator, progress string) (survey.PPSInput, error) {
	in := survey.PPSInput{Action: action, Responsible: responsible, Indicator: indicator}
	if p := strings.TrimSpace(progress); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return in, bukti.E(bukti.EINVALID, "err.pages.progress_must_number_0_100")
		}
		in.Progress = n
	}
	var err error
	in.TargetDate, err = core.ParseDate(strings.TrimSpace(target), "target_date")
	return in, err
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

// scoreRows reads the rows of a scoring form: one per "element", its
// fields named score:<EP>, facts:<EP> and rec:<EP>; with onlySet, only the
// rows ticked set:<EP>.
func scoreRows(f url.Values, onlySet bool) []survey.ScoreInput {
	var out []survey.ScoreInput
	for _, e := range f["element"] {
		if onlySet && f.Get("set:"+e) == "" {
			continue
		}
		out = append(out, survey.ScoreInput{Element: e, Score: f.Get("score:" + e), Facts: f.Get("facts:" + e), Recommendation: f.Get("rec:" + e)})
	}
	return out
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
	// Candidates are the users the viewer may choose as surveyors; Chosen
	// and Lead what a refused form had chosen.
	Candidates []candidateView
	Lead       string
	MoreOpen   bool // the emails field is open: no candidate, or emails typed
	Form       url.Values
}

// candidateView is one user the planner may choose as a surveyor.
type candidateView struct {
	survey.Candidate
	Chosen bool
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
		cands, err := s.Surveys.Candidates(ctx, core.Principal(c))
		if err != nil {
			return err
		}
		chosen := map[string]bool{}
		for _, v := range form["surveyor"] {
			chosen[v] = true
		}
		for _, u := range cands {
			data.Candidates = append(data.Candidates, candidateView{Candidate: u, Chosen: chosen[strconv.FormatInt(u.ID, 10)]})
		}
		data.Lead = form.Get("lead")
		data.MoreOpen = len(cands) == 0 || strings.TrimSpace(form.Get("surveyors")) != ""
	}
	return s.Render(c, status, "survey_list", s.Tr(c, "surveys.title"), data)
}

// planSurveyPage plans a survey from the form: surveyors chosen from the
// list of candidates, and any more named by email.
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

// planSurvey plans the survey of the form. Surveyors are the candidates
// ticked (surveyor, by user ID) and the emails typed in surveyors
// (separated by commas, semicolons, spaces or lines), in that order; the
// lead is a candidate's ID or an email, the first surveyor when empty.
// The service receives them all by email, as every planner names them: a
// candidate ID is one of the list the planner was shown, or refused like
// an email naming nobody.
func (s *handlers) planSurvey(c echo.Context, form url.Values) (*bukti.Survey, error) {
	ctx := c.Request().Context()
	fid, err := strconv.ParseInt(form.Get("facility"), 10, 64)
	if err != nil {
		return nil, bukti.E(bukti.EINVALID, "err.pages.choose_facility_survey")
	}
	p := core.Principal(c)
	if err := p.Check(authz.ManageSurvey, fid); err != nil {
		return nil, err
	}
	in := survey.Input{FacilityID: fid, Type: form.Get("type"), Mode: form.Get("mode")}
	emails := strings.FieldsFunc(form.Get("surveyors"), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' })
	lead := strings.TrimSpace(form.Get("lead"))
	if len(form["surveyor"]) > 0 || (lead != "" && !strings.Contains(lead, "@")) {
		cands, err := s.Surveys.Candidates(ctx, p)
		if err != nil {
			return nil, err
		}
		email := map[string]string{}
		for _, u := range cands {
			email[strconv.FormatInt(u.ID, 10)] = u.Email
		}
		for _, id := range form["surveyor"] {
			e, ok := email[id]
			if !ok {
				return nil, bukti.E(bukti.EINVALID, "err.survey.surveyor_not_found_or_not", "#"+id)
			}
			in.SurveyorEmails = append(in.SurveyorEmails, e)
		}
		if lead != "" && !strings.Contains(lead, "@") {
			e, ok := email[lead]
			if !ok {
				return nil, bukti.E(bukti.EINVALID, "err.survey.surveyor_not_found_or_not", "#"+lead)
			}
			lead = e
		}
	}
	in.SurveyorEmails, in.LeadEmail = append(in.SurveyorEmails, emails...), lead
	if len(in.SurveyorEmails) == 0 {
		cands, err := s.Surveys.Candidates(ctx, p)
		if err != nil {
			return nil, err
		}
		if len(cands) == 0 {
			return nil, bukti.E(bukti.EINVALID, "err.pages.no_surveyor_candidates")
		}
	}
	if in.StartDate, err = core.ParseDate(form.Get("start_date"), "start_date"); err != nil {
		return nil, err
	}
	if in.EndDate, err = core.ParseDate(form.Get("end_date"), "end_date"); err != nil {
		return nil, err
	}
	return s.Surveys.Create(ctx, in, *core.UserID(c))
}
