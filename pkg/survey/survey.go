// Package survey carries an accreditation survey visit from planning to
// report: surveyor assignment, the quality team's self-assessment, the
// evidence snapshot frozen when it is submitted, the surveyors' review and
// scores, the team lead's reconciliation, finalization and the improvement
// plan (PPS).
//
// A visit moves planned → self_assessment → in_review → scored → final.
// Who may do what in which state is one table, answered by Allowed: callers
// ask it what to offer, and every change asks it inside its
// transaction on the locked survey (locked on PostgreSQL; SQLite
// transactions take the write lock at BEGIN), so a finalized survey refuses
// every change, its PPS aside, whatever the caller.
//
// Assigning a surveyor grants the surveyor role scoped to the survey, which
// is what lets them see the facility's evidence. Acting as a surveyor
// additionally requires being assigned to this very survey.
package survey

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// Types are the survey types.
var Types = []string{"initial", "reaccreditation", "upgrade"}

// Modes are the ways a visit is held.
var Modes = []string{"onsite", "hybrid"}

// MinNarrative is the minimum length, in characters, of a surveyor's facts
// and analysis and of a recommendation, as the national instrument requires.
const MinNarrative = 30

// MinJustification is the minimum length, in characters, of the reason
// the quality team gives for a proposed score.
const MinJustification = 10

// maxText bounds free-text fields.
const maxText = 4000

// Service runs survey visits against the catalogue in use.
type Service struct {
	Store     *sqlstore.DB
	Catalogue *catalogue.Catalogue
	Evidence  *evidence.Service
	Now       func() time.Time
}

// Input is what a caller gives to plan a survey. Surveyors are named by
// email (SurveyorEmails, LeadEmail), which every planner may do, or by user
// ID (Surveyors, Lead), which only admins may do; not both ways at once.
type Input struct {
	FacilityID     int64      `json:"facility_id"`
	Type           string     `json:"type"`
	Mode           string     `json:"mode"` // onsite (default) or hybrid
	StartDate      *time.Time `json:"start_date"`
	EndDate        *time.Time `json:"end_date"`
	SurveyorEmails []string   `json:"surveyor_emails"`
	LeadEmail      string     `json:"lead_email"` // one of SurveyorEmails; the first when empty
	Surveyors      []int64    `json:"surveyors"`  // user IDs, for admins
	Lead           int64      `json:"lead"`       // one of Surveyors; the first when 0
}

// ref names a surveyor as the planner gave them: by email, or by user ID.
type ref struct {
	id    int64
	email string
}

// String is the reference as the planner gave it, for messages: they
// never show more of a user than that.
func (r ref) String() string {
	if r.email != "" {
		return r.email
	}
	return "#" + strconv.FormatInt(r.id, 10)
}

// team reads the surveyors and the lead of an Input: 1–4 distinct
// references of one kind, the lead among them (the first when not given).
// Emails are compared as stored, trimmed and lower-case.
func (in Input) team() (refs []ref, lead ref, err error) {
	byEmail := len(in.SurveyorEmails) > 0 || in.LeadEmail != ""
	if byEmail && (len(in.Surveyors) > 0 || in.Lead != 0) {
		return nil, ref{}, bukti.E(bukti.EINVALID, "err.survey.name_surveyors_by_email_or")
	}
	add := func(r ref) {
		if r != (ref{}) && !slices.Contains(refs, r) {
			refs = append(refs, r)
		}
	}
	if byEmail {
		for _, e := range in.SurveyorEmails {
			add(ref{email: normalEmail(e)})
		}
		lead = ref{email: normalEmail(in.LeadEmail)}
	} else {
		for _, id := range in.Surveyors {
			add(ref{id: id})
		}
		lead = ref{id: in.Lead}
	}
	if len(refs) == 0 || len(refs) > 4 {
		return nil, ref{}, bukti.E(bukti.EINVALID, "err.survey.assign_1_4_surveyors_usually")
	}
	if lead == (ref{}) {
		lead = refs[0]
	}
	if !slices.Contains(refs, lead) {
		return nil, ref{}, bukti.E(bukti.EINVALID, "err.survey.team_lead_must_one_assigned")
	}
	return refs, lead, nil
}

// normalEmail is an email as users are stored: trimmed, lower-case.
func normalEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// Create plans a survey of a facility against the catalogue in use and
// assigns its surveyors. The planner (by) must be allowed to plan surveys
// of the facility (authz ManageSurvey); the surveyors are checked by
// assignable.
func (s *Service) Create(ctx context.Context, in Input, by int64) (*bukti.Survey, error) {
	if !slices.Contains(Types, in.Type) {
		return nil, bukti.E(bukti.EINVALID, "err.survey.unknown_survey_type_choose_initial", in.Type)
	}
	if in.Mode == "" {
		in.Mode = "onsite"
	}
	if !slices.Contains(Modes, in.Mode) {
		return nil, bukti.E(bukti.EINVALID, "err.survey.unknown_survey_mode_choose_onsite", in.Mode)
	}
	if in.StartDate != nil && in.EndDate != nil && in.EndDate.Before(*in.StartDate) {
		return nil, bukti.E(bukti.EINVALID, "err.survey.end_date_before_start_date")
	}
	refs, leadRef, err := in.team()
	if err != nil {
		return nil, err
	}
	sv := bukti.Survey{FacilityID: in.FacilityID, Catalogue: s.catalogueRef(), Type: in.Type, Mode: in.Mode, State: bukti.SurveyPlanned,
		StartDate: in.StartDate, EndDate: in.EndDate, CreatedBy: by}
	err = s.Store.Run(ctx, &by, func(u *sqlstore.Tx) error {
		sv.CreatedAt = u.Now
		if ok, err := u.SurveyFacilityExists(in.FacilityID); err != nil {
			return err
		} else if !ok {
			return bukti.E(bukti.ENOTFOUND, "err.authz.facility_not_found", in.FacilityID)
		}
		planner, err := authz.LoadIn(u, &bukti.User{ID: by})
		if err != nil {
			return err
		}
		if err := planner.Check(authz.ManageSurvey, in.FacilityID); err != nil {
			return err
		}
		ids, err := assignable(u, planner, in.FacilityID, refs)
		if err != nil {
			return err
		}
		lead := ids[slices.Index(refs, leadRef)]
		sv.LeadID = &lead
		if err := u.CreateSurvey(&sv); err != nil {
			return err
		}
		for _, uid := range ids {
			if _, err := auth.GrantIn(u, uid, bukti.RoleBinding{Role: bukti.RoleSurveyor, SurveyID: &sv.ID}); err != nil {
				return err
			}
		}
		return s.audit(u, &sv, "survey.create", fmt.Sprintf("%s %s, surveyors %v, lead %d", sv.Type, sv.Mode, ids, lead))
	})
	if err != nil {
		return nil, err
	}
	return &sv, nil
}

// assignable resolves the planner's references to the users they name, in
// order, checking that each may survey the facility: a user who exists, is
// not disabled, holds no role in the facility itself (its quality team or
// viewers do not assess it) and lies within what the planner may know of
// (authz MayAssign). A reference failing any of these gets one answer,
// the same as a reference naming nobody, so that planners learn nothing
// of accounts beyond their reach. User IDs are for admins only. Naming
// oneself is refused plainly: the planner cannot survey their own survey.
func assignable(t *sqlstore.Tx, planner *authz.Principal, facilityID int64, refs []ref) ([]int64, error) {
	ids := make([]int64, 0, len(refs))
	for _, r := range refs {
		if r.email == "" && !planner.Admin {
			return nil, bukti.E(bukti.EINVALID, "err.survey.name_surveyors_by_email_surveyor")
		}
		u, err := t.SurveyUser(r.id, r.email)
		if errors.Is(err, sqlstore.ErrNotFound) {
			u = &bukti.User{} // nobody: not assignable
		} else if err != nil {
			return nil, err
		}
		if u.ID != 0 && u.ID == planner.User.ID {
			return nil, bukti.E(bukti.EINVALID, "err.survey.person_planning_survey_cannot_one")
		}
		ok, err := mayAssign(t, planner, u, facilityID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, notAssignable(r)
		}
		ids = append(ids, u.ID)
	}
	return ids, nil
}

// mayAssign reports whether the planner may assign u (ID 0: nobody) to
// survey the facility; see assignable.
func mayAssign(t *sqlstore.Tx, planner *authz.Principal, u *bukti.User, facilityID int64) (bool, error) {
	if u.ID == 0 || u.Disabled {
		return false, nil
	}
	candidate, err := authz.LoadIn(t, u)
	if err != nil {
		return false, err
	}
	for _, b := range candidate.Bindings {
		if b.FacilityID != nil && *b.FacilityID == facilityID {
			return false, nil
		}
	}
	return planner.MayAssign(candidate), nil
}

// notAssignable is the one answer for a surveyor reference that names
// nobody or somebody the planner may not assign.
func notAssignable(r ref) error {
	return bukti.E(bukti.EINVALID, "err.survey.surveyor_not_found_or_not", r)
}

func (s *Service) catalogueRef() string { return s.Catalogue.ID + "@" + s.Catalogue.Version }

// Get returns one survey.
func (s *Service) Get(ctx context.Context, id int64) (*bukti.Survey, error) {
	sv, err := s.Store.Survey(ctx, id)
	if errors.Is(err, sqlstore.ErrNotFound) {
		return nil, NotFound(id)
	}
	return sv, err
}

// NotFound is the error for a survey that does not exist or lies outside
// the caller's scope.
func NotFound(id int64) error {
	return bukti.E(bukti.ENOTFOUND, "err.survey.survey_not_found", id)
}

// List returns surveys, newest first: all when all is true, else those of
// the given facilities or with the given IDs.
func (s *Service) List(ctx context.Context, all bool, facilities, ids []int64) ([]bukti.Survey, error) {
	return s.Store.Surveys(ctx, all, facilities, ids)
}

// Surveyors returns a survey's team, by ID: the surveyors assigned to it
// while it is open, the team as finalized once final.
func (s *Service) Surveyors(ctx context.Context, id int64) ([]bukti.User, error) {
	sv, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.Store.SurveyTeam(ctx, sv)
}

// change runs fn in a transaction on the locked survey once by may take
// action a on it now: the policy allows it (Allowed: the survey's state,
// then who by is to it) and an open survey uses the catalogue in use. A
// final survey refuses every change but its PPS.
//
// fn runs in a unit of work (package sqlstore) by by: its audit rows carry the
// request identity of ctx, and a facility it touches — through the
// evidence service, the only writer of evidence — has its cached scores
// dropped before commit.
func (s *Service) change(ctx context.Context, id int64, a Action, by int64, fn func(u *sqlstore.Tx, sv *bukti.Survey) error) error {
	return s.Store.Run(ctx, &by, func(u *sqlstore.Tx) error {
		sv, err := u.LockSurvey(id)
		if errors.Is(err, sqlstore.ErrNotFound) {
			return NotFound(id)
		} else if err != nil {
			return err
		}
		if err := s.allow(u, sv, a, by); err != nil {
			return err
		}
		return fn(u, sv)
	})
}

// allow checks, inside the unit t on the locked survey, what Allowed checks, in its
// order (the state, then who), with one check of the service's own in
// between: a survey still open is worked on against the catalogue it was
// planned with, so it changes only while the server runs that catalogue.
// A final survey keeps its result whatever the server runs.
func (s *Service) allow(t *sqlstore.Tx, sv *bukti.Survey, a Action, by int64) error {
	r, err := ruleOf(a)
	if err != nil {
		return err
	}
	if err := r.when(sv); err != nil {
		return err
	}
	if sv.State != bukti.SurveyFinal && sv.Catalogue != "" && sv.Catalogue != s.catalogueRef() {
		return bukti.E(bukti.ECONFLICT, "err.survey.survey_uses_catalogue_but_server", sv.ID, sv.Catalogue, s.catalogueRef())
	}
	who, err := actor(t, sv, by)
	if err != nil {
		return err
	}
	return r.who(sv, who)
}

// actor reads who a user is to a survey, inside the unit t: their role
// bindings and the survey's team.
func actor(t *sqlstore.Tx, sv *bukti.Survey, userID int64) (Actor, error) {
	p, err := authz.LoadIn(t, &bukti.User{ID: userID})
	if err != nil {
		return Actor{}, err
	}
	team, err := t.SurveyTeam(sv)
	if err != nil {
		return Actor{}, err
	}
	return ActorOf(p, sv, team), nil
}

// audit records a change to a survey, by the unit's actor at its time.
func (s *Service) audit(u *sqlstore.Tx, sv *bukti.Survey, action, summary string) error {
	return u.Audit(audit.Entry{Action: action, ObjectType: "survey",
		ObjectID: strconv.FormatInt(sv.ID, 10), FacilityID: &sv.FacilityID, Summary: summary})
}

// ParseScore reads a score as written by users: one of the catalogue's
// values ("10", "5", "0") or "TDD" when the catalogue allows it.
func ParseScore(c *catalogue.Catalogue, v string) (score int, tdd bool, err error) {
	v = strings.TrimSpace(v)
	if strings.EqualFold(v, "TDD") && c.Scoring.TDD {
		return 0, true, nil
	}
	n, convErr := strconv.Atoi(v)
	if convErr == nil && strconv.Itoa(n) == v && slices.Contains(c.Scoring.Values, n) {
		return n, false, nil
	}
	allowed := make([]string, 0, len(c.Scoring.Values)+1)
	for _, x := range c.Scoring.Values {
		allowed = append(allowed, strconv.Itoa(x))
	}
	if c.Scoring.TDD {
		allowed = append(allowed, "TDD")
	}
	return 0, false, bukti.E(bukti.EINVALID, "err.survey.score_not_allowed_choose", v, strings.Join(allowed, ", "))
}

// FormatScore writes a score the way ParseScore reads it.
func FormatScore(score int, tdd bool) string {
	if tdd {
		return "TDD"
	}
	return strconv.Itoa(score)
}

// element checks that an EP exists in the catalogue in use.
func (s *Service) element(id string) (*catalogue.Element, error) {
	e, ok := s.Catalogue.Element(id)
	if !ok {
		return nil, bukti.E(bukti.EINVALID, "err.evidence.unknown_element_expected_e_g", id)
	}
	return e, nil
}

// elements lists the EP IDs of the catalogue in use, in order.
func (s *Service) elements() []string {
	var out []string
	for _, b := range s.Catalogue.Bab {
		for _, st := range b.Standar {
			for _, k := range st.Kriteria {
				for _, e := range k.Elements {
					out = append(out, e.ID)
				}
			}
		}
	}
	return out
}

func textLen(v string) int { return len([]rune(v)) }
