package survey

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
)

// The survey policy: who may do what to a survey, in which state. It is
// one table (rules) answered by Allowed. The service asks it inside its
// transaction, on the locked survey, before every change; the survey page
// asks it what to show and offer. Who may read a survey at all, and who
// sees its scores before it is final, is authz's (ReadSurvey, SeesScores).

// Action is something done to a survey, or a part of it shown, that
// depends on the survey's state and on who asks.
type Action string

// Actions, in the order of a visit. Each names its rule: the states in
// which it is possible, and who may take it.
const (
	SelfAssess Action = "self_assess" // propose scores: the quality team, planned or self-assessment
	Submit     Action = "submit"      // end the self-assessment and freeze the snapshot: the quality team, self-assessment
	Review     Action = "review"      // accept or reject a snapshot item: an assigned surveyor, in review or scored
	Resubmit   Action = "resubmit"    // add a new revision to the snapshot: the quality team, in review
	Score      Action = "score"       // score an EP: an assigned surveyor, in review
	Reconcile  Action = "reconcile"   // settle the agreed EP: the team lead, in review or scored
	SetFinal   Action = "set_final"   // decide an EP's final score: the team lead, in review or scored
	Finalize   Action = "finalize"    // close the survey: the team lead, scored
	EditPPS    Action = "edit_pps"    // keep the improvement plan: the quality team, final

	SeeReadiness Action = "see_readiness" // the readiness scorer's suggestions beside the self-assessment: planned or self-assessment
	SeeItems     Action = "see_items"     // the snapshot and its review: in review and after
	Pack         Action = "pack"          // the evidence pack: once submitted, for those who read the facility
)

// Actions lists every action, in the order of a visit.
var Actions = []Action{SelfAssess, Submit, Review, Resubmit, Score, Reconcile, SetFinal, Finalize, EditPPS, SeeReadiness, SeeItems, Pack}

// Actor is who asks, as the policy needs to know them. ActorOf makes one
// from a principal and the survey's team; whether they lead the survey is
// read from the survey (LeadID).
type Actor struct {
	UserID int64
	// QualityTeam: may write the facility's evidence (authz
	// WriteEvidence): its quality team, or an admin.
	QualityTeam bool
	// Surveyor: one of the survey's surveyors, acting as one (authz
	// ReviewSurvey).
	Surveyor bool
	// ReadsFacility: may read the facility and its documents (authz
	// ReadFacility); a final survey's surveyors no longer do.
	ReadsFacility bool
}

// ActorOf is p as an actor on sv, whose team (its surveyors while open,
// the team as finalized once final) is given.
func ActorOf(p *authz.Principal, sv *bukti.Survey, team []bukti.User) Actor {
	a := Actor{UserID: p.User.ID,
		QualityTeam:   p.Can(authz.WriteEvidence, sv.FacilityID),
		ReadsFacility: p.Can(authz.ReadFacility, sv.FacilityID)}
	if p.Can(authz.ReviewSurvey, sv.FacilityID) {
		a.Surveyor = slices.ContainsFunc(team, func(u bukti.User) bool { return u.ID == a.UserID })
	}
	return a
}

// Leads reports whether a is named the survey's team lead (assigned or
// not: the lead's actions also need Surveyor).
func (a Actor) Leads(sv *bukti.Survey) bool {
	return sv.LeadID != nil && *sv.LeadID == a.UserID
}

// rule is when an action is possible and who may take it. Each returns
// nil or the error the action is refused with.
type rule struct {
	when func(sv *bukti.Survey) error
	who  func(sv *bukti.Survey, a Actor) error
}

// rules is the policy: one rule per action.
var rules = map[Action]rule{
	SelfAssess: {while(bukti.SurveyPlanned, bukti.SurveySelfAssessment), qualityTeam},
	Submit:     {while(bukti.SurveySelfAssessment), qualityTeam},
	Review:     {while(bukti.SurveyInReview, bukti.SurveyScored), surveyor},
	Resubmit:   {while(bukti.SurveyInReview), qualityTeam},
	Score:      {while(bukti.SurveyInReview), surveyor},
	Reconcile:  {while(bukti.SurveyInReview, bukti.SurveyScored), lead},
	SetFinal:   {while(bukti.SurveyInReview, bukti.SurveyScored), lead},
	Finalize:   {while(bukti.SurveyScored), lead},
	EditPPS:    {finalized, qualityTeam},

	SeeReadiness: {while(bukti.SurveyPlanned, bukti.SurveySelfAssessment), anyone},
	SeeItems:     {while(bukti.SurveyInReview, bukti.SurveyScored, bukti.SurveyFinal), anyone},
	Pack:         {submitted, facilityReader},
}

// Allowed returns nil when who may take action a on sv now, else the error
// it is refused with: a conflict when the survey's state does not allow it
// (checked first), forbidden when who may not. These are the errors the
// service returns; the service also refuses a change to an open survey
// planned against another catalogue than the server's.
func Allowed(a Action, sv *bukti.Survey, who Actor) error {
	r, err := ruleOf(a)
	if err != nil {
		return err
	}
	if err := r.when(sv); err != nil {
		return err
	}
	return r.who(sv, who)
}

func ruleOf(a Action) (rule, error) {
	r, ok := rules[a]
	if !ok {
		return rule{}, fmt.Errorf("survey: unknown action %q", a)
	}
	return r, nil
}

// while allows an action in the given states. A final survey refuses every
// change; a state not listed is named with those that would do.
func while(states ...string) func(sv *bukti.Survey) error {
	return func(sv *bukti.Survey) error {
		if slices.Contains(states, sv.State) {
			return nil
		}
		if sv.State == bukti.SurveyFinal {
			return bukti.E(bukti.ECONFLICT, "err.survey.survey_final_nothing_in_it", sv.ID)
		}
		return bukti.E(bukti.ECONFLICT, "err.survey.survey_this_only_possible_while", sv.ID, sv.State, strings.Join(states, " / "))
	}
}

// finalized allows the PPS, which exists once the survey is final and is
// the one part of it that changes afterwards.
func finalized(sv *bukti.Survey) error {
	if sv.State != bukti.SurveyFinal {
		return bukti.E(bukti.ECONFLICT, "err.survey.pps_survey_exists_once_it", sv.ID)
	}
	return nil
}

// submitted allows the evidence pack, which exists once the snapshot is.
func submitted(sv *bukti.Survey) error {
	if sv.SubmittedAt == nil {
		return bukti.E(bukti.ECONFLICT, "err.survey.evidence_pack_exists_once_self")
	}
	return nil
}

// anyone who may read the survey (authz ReadSurvey, the caller's check).
func anyone(*bukti.Survey, Actor) error { return nil }

// qualityTeam: the facility's quality team (or an admin).
func qualityTeam(sv *bukti.Survey, a Actor) error {
	if !a.QualityTeam {
		return bukti.E(bukti.EFORBIDDEN, "err.authz.your_role_does_not_allow", authz.WriteEvidence, sv.FacilityID)
	}
	return nil
}

// surveyor: one of the survey's surveyors.
func surveyor(sv *bukti.Survey, a Actor) error {
	if !a.Surveyor {
		return bukti.E(bukti.EFORBIDDEN, "err.survey.user_not_surveyor_assigned_survey", a.UserID, sv.ID)
	}
	return nil
}

// lead: the survey's team lead, still one of its surveyors.
func lead(sv *bukti.Survey, a Actor) error {
	if !a.Leads(sv) {
		return bukti.E(bukti.EFORBIDDEN, "err.survey.only_team_lead_survey_may", sv.ID)
	}
	return surveyor(sv, a)
}

// facilityReader: who reads the facility, since the pack holds its
// documents.
func facilityReader(_ *bukti.Survey, a Actor) error {
	if !a.ReadsFacility {
		return bukti.E(bukti.EFORBIDDEN, "err.survey.evidence_pack_holds_facility_s")
	}
	return nil
}

// Step is one state of a survey in its progress indicator.
type Step struct {
	State         string
	Done, Current bool
}

// Progress lists the states of a visit in order, marking those sv has
// passed and the one it is in; a final survey has done them all.
func Progress(sv *bukti.Survey) []Step {
	cur := slices.Index(bukti.SurveyStates, sv.State)
	out := make([]Step, 0, len(bukti.SurveyStates))
	for i, st := range bukti.SurveyStates {
		out = append(out, Step{State: st, Done: i < cur || sv.State == bukti.SurveyFinal, Current: i == cur})
	}
	return out
}
