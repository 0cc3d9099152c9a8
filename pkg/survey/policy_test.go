package survey_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/survey"
)

// The people of the policy matrix, as the policy sees them. Survey 7 of
// facility 3 has surveyors 20 (its lead) and 21.
const (
	policySurvey   = 7
	policyFacility = 3
	policyLead     = 20
)

var policyActors = []struct {
	name string
	who  survey.Actor
}{
	{"quality team", survey.Actor{UserID: 10, QualityTeam: true, ReadsFacility: true}},
	{"admin", survey.Actor{UserID: 1, QualityTeam: true, ReadsFacility: true}},
	{"lead", survey.Actor{UserID: policyLead, Surveyor: true, ReadsFacility: true}},
	{"second surveyor", survey.Actor{UserID: 21, Surveyor: true, ReadsFacility: true}},
	// A final survey's surveyors keep its record, not the facility.
	{"lead of a final survey", survey.Actor{UserID: policyLead, Surveyor: true}},
	// The lead's surveyor binding was revoked: still named lead.
	{"lead no longer assigned", survey.Actor{UserID: policyLead, ReadsFacility: true}},
	{"surveyor of another survey", survey.Actor{UserID: 22, ReadsFacility: true}},
	{"supervisor", survey.Actor{UserID: 30, ReadsFacility: true}},
	{"viewer", survey.Actor{UserID: 40, ReadsFacility: true}},
}

// policyMatrix is the policy as the README tells it: for each action, the
// states in which it is possible and who may take it ("*": anyone who may
// read the survey).
var policyMatrix = map[survey.Action]struct {
	states []string
	who    []string
}{
	survey.SelfAssess: {[]string{bukti.SurveyPlanned, bukti.SurveySelfAssessment}, []string{"quality team", "admin"}},
	survey.Submit:     {[]string{bukti.SurveySelfAssessment}, []string{"quality team", "admin"}},
	survey.Review:     {[]string{bukti.SurveyInReview, bukti.SurveyScored}, []string{"lead", "second surveyor", "lead of a final survey"}},
	survey.Resubmit:   {[]string{bukti.SurveyInReview}, []string{"quality team", "admin"}},
	survey.Score:      {[]string{bukti.SurveyInReview}, []string{"lead", "second surveyor", "lead of a final survey"}},
	survey.Reconcile:  {[]string{bukti.SurveyInReview, bukti.SurveyScored}, []string{"lead", "lead of a final survey"}},
	survey.SetFinal:   {[]string{bukti.SurveyInReview, bukti.SurveyScored}, []string{"lead", "lead of a final survey"}},
	survey.Finalize:   {[]string{bukti.SurveyScored}, []string{"lead", "lead of a final survey"}},
	survey.EditPPS:    {[]string{bukti.SurveyFinal}, []string{"quality team", "admin"}},

	survey.SeeReadiness: {[]string{bukti.SurveyPlanned, bukti.SurveySelfAssessment}, []string{"*"}},
	survey.SeeItems:     {[]string{bukti.SurveyInReview, bukti.SurveyScored, bukti.SurveyFinal}, []string{"*"}},
	// The pack exists once submitted (in review and after).
	survey.Pack: {[]string{bukti.SurveyInReview, bukti.SurveyScored, bukti.SurveyFinal},
		[]string{"quality team", "admin", "lead", "second surveyor", "lead no longer assigned", "surveyor of another survey", "supervisor", "viewer"}},
}

// policySurveyIn is survey 7 in a state, submitted from in review on.
func policySurveyIn(state string) *bukti.Survey {
	lead := int64(policyLead)
	sv := &bukti.Survey{ID: policySurvey, FacilityID: policyFacility, State: state, LeadID: &lead}
	if slices.Index(bukti.SurveyStates, state) >= slices.Index(bukti.SurveyStates, bukti.SurveyInReview) {
		sv.SubmittedAt = &now
	}
	return sv
}

// TestAllowed checks the policy over every state × actor × action: an
// action the state does not allow is a conflict, whoever asks; else one
// the actor may not take is forbidden; else it is allowed.
func TestAllowed(t *testing.T) {
	if len(policyMatrix) != len(survey.Actions) {
		t.Fatalf("the matrix has %d actions, survey.Actions %d", len(policyMatrix), len(survey.Actions))
	}
	for _, a := range survey.Actions {
		want, ok := policyMatrix[a]
		if !ok {
			t.Fatalf("action %q is not in the matrix", a)
		}
		for _, state := range bukti.SurveyStates {
			for _, actor := range policyActors {
				t.Run(string(a)+"/"+state+"/"+actor.name, func(t *testing.T) {
					err := survey.Allowed(a, policySurveyIn(state), actor.who)
					switch {
					case !slices.Contains(want.states, state):
						wantCode(t, "Allowed", err, bukti.ECONFLICT)
					case !slices.Contains(want.who, "*") && !slices.Contains(want.who, actor.name):
						wantCode(t, "Allowed", err, bukti.EFORBIDDEN)
					case err != nil:
						t.Errorf("Allowed: got %v, want nil", err)
					}
				})
			}
		}
	}
}

// TestAllowedMessages checks that the policy refuses with the messages
// the service has always refused with, and in their order.
func TestAllowedMessages(t *testing.T) {
	actor := func(name string) survey.Actor {
		for _, a := range policyActors {
			if a.name == name {
				return a.who
			}
		}
		t.Fatalf("no actor %q", name)
		return survey.Actor{}
	}
	cases := []struct {
		name   string
		action survey.Action
		sv     *bukti.Survey
		who    survey.Actor
		code   string
		id, en string // substrings of the messages
	}{
		{"a final survey refuses every change", survey.Score, policySurveyIn(bukti.SurveyFinal), actor("lead"), bukti.ECONFLICT,
			"Survei #7 sudah final", "survey 7 is final: nothing in it can change"},
		{"the state comes before who asks", survey.Finalize, policySurveyIn(bukti.SurveyInReview), actor("viewer"), bukti.ECONFLICT,
			"hanya dapat dilakukan saat survei berstatus scored", "survey 7 is in_review; this is only possible while it is scored"},
		{"the states that would do are named", survey.Review, policySurveyIn(bukti.SurveyPlanned), actor("lead"), bukti.ECONFLICT,
			"berstatus planned", "this is only possible while it is in_review / scored"},
		{"the PPS exists once final", survey.EditPPS, policySurveyIn(bukti.SurveyScored), actor("quality team"), bukti.ECONFLICT,
			"PPS dibuat saat survei #7 difinalisasi", "the PPS of survey 7 exists once it is finalized"},
		{"a surveyor who is not the lead", survey.Reconcile, policySurveyIn(bukti.SurveyScored), actor("second surveyor"), bukti.EFORBIDDEN,
			"Hanya ketua tim", "only the team lead of survey 7 may do this"},
		{"the lead no longer assigned", survey.SetFinal, policySurveyIn(bukti.SurveyInReview), actor("lead no longer assigned"), bukti.EFORBIDDEN,
			"bukan surveior yang ditugaskan pada survei #7", "user 20 is not a surveyor assigned to survey 7"},
		{"the quality team does not score", survey.Score, policySurveyIn(bukti.SurveyInReview), actor("quality team"), bukti.EFORBIDDEN,
			"bukan surveior yang ditugaskan", "user 10 is not a surveyor assigned to survey 7"},
		{"a surveyor does not self-assess", survey.SelfAssess, policySurveyIn(bukti.SurveyPlanned), actor("lead"), bukti.EFORBIDDEN,
			"Peran Anda tidak mengizinkan tindakan ini (evidence.write) di Puskesmas #3", "your role does not allow evidence.write on facility 3"},
		{"no lead named", survey.Finalize, &bukti.Survey{ID: policySurvey, FacilityID: policyFacility, State: bukti.SurveyScored}, actor("lead"), bukti.EFORBIDDEN,
			"Hanya ketua tim", "only the team lead of survey 7 may do this"},
		{"no pack before the snapshot", survey.Pack, policySurveyIn(bukti.SurveySelfAssessment), actor("quality team"), bukti.ECONFLICT,
			"Paket bukti tersedia setelah", "the evidence pack exists once the self-assessment is submitted"},
		{"no pack for a final survey's surveyors", survey.Pack, policySurveyIn(bukti.SurveyFinal), actor("lead of a final survey"), bukti.EFORBIDDEN,
			"Paket bukti berisi dokumen Puskesmas", "surveyors lose that access when the survey is final"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := survey.Allowed(tc.action, tc.sv, tc.who)
			wantCode(t, tc.name, err, tc.code)
			if id, en := bukti.ErrorMessage(err); !strings.Contains(id, tc.id) || !strings.Contains(en, tc.en) {
				t.Errorf("messages %q / %q, want them to hold %q / %q", id, en, tc.id, tc.en)
			}
		})
	}
	t.Run("unknown action", func(t *testing.T) {
		err := survey.Allowed("dance", policySurveyIn(bukti.SurveyInReview), actor("lead"))
		if err == nil || bukti.ErrorCode(err) != bukti.EINTERNAL {
			t.Errorf("got %v, want an internal error", err)
		}
	})
}

// TestProgress checks the step indicator: the states passed are done, the
// current one is current, and a final survey has done them all.
func TestProgress(t *testing.T) {
	for _, tc := range []struct {
		state         string
		done, current string // the states done and current, joined
	}{
		{bukti.SurveyPlanned, "", "planned"},
		{bukti.SurveyInReview, "planned self_assessment", "in_review"},
		{bukti.SurveyFinal, "planned self_assessment in_review scored final", "final"},
		{"unknown", "", ""},
	} {
		t.Run(tc.state, func(t *testing.T) {
			var done, current []string
			steps := survey.Progress(&bukti.Survey{State: tc.state})
			for i, st := range steps {
				if st.State != bukti.SurveyStates[i] {
					t.Errorf("step %d: state %q, want %q", i, st.State, bukti.SurveyStates[i])
				}
				if st.Done {
					done = append(done, st.State)
				}
				if st.Current {
					current = append(current, st.State)
				}
			}
			if len(steps) != len(bukti.SurveyStates) || strings.Join(done, " ") != tc.done || strings.Join(current, " ") != tc.current {
				t.Errorf("got %d steps, done %v, current %v; want %d, done %q, current %q", len(steps), done, current, len(bukti.SurveyStates), tc.done, tc.current)
			}
		})
	}
}
