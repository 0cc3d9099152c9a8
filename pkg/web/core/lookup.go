package core

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/survey"
)

// The lookups below run behind RequireUser or RequirePage. Each parses the
// object of a route, loads it and checks the principal's action on its
// facility (authz Check): an object outside the principal's scope is not
// found, exactly like one that does not exist; one the principal sees but
// may not act on is forbidden. The caller must check the error before
// using what is returned.

// PathID parses a numeric ID from the path.
func PathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, bukti.E(bukti.EINVALID, "err.core.invalid_id_must_positive_integer", c.Param(name))
	}
	return id, nil
}

// FacilityFor parses the :id of a facility route and checks the action on
// it; out-of-scope facilities are not found.
func (s *Server) FacilityFor(c echo.Context, a authz.Action) (int64, error) {
	id, err := PathID(c, "id")
	if err != nil {
		return 0, err
	}
	noteFacility(c, id)
	return id, Principal(c).Check(a, id)
}

// EvidenceFor loads the evidence of an /evidence/:id route and checks the
// action on its facility. Evidence outside the principal's scope is not
// found, exactly like evidence that does not exist.
func (s *Server) EvidenceFor(c echo.Context, a authz.Action) (*bukti.Evidence, error) {
	return s.EvidenceByParam(c, "id", a)
}

// EvidenceByParam is EvidenceFor with the ID in the named path parameter.
func (s *Server) EvidenceByParam(c echo.Context, param string, a authz.Action) (*bukti.Evidence, error) {
	id, err := PathID(c, param)
	if err != nil {
		return nil, err
	}
	ev, err := s.Evidence.Get(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	p := Principal(c)
	if !p.Can(authz.ReadFacility, ev.FacilityID) {
		return nil, evidence.NotFound(id)
	}
	noteFacility(c, ev.FacilityID)
	return ev, p.Check(a, ev.FacilityID)
}

// SurveysInScope lists the surveys the principal may see, newest first:
// those of the facilities they read (which include those they plan
// surveys for) and those they are assigned to, final ones included.
func (s *Server) SurveysInScope(c echo.Context) ([]bukti.Survey, error) {
	p := Principal(c)
	all, read := p.Facilities(authz.ReadFacility)
	return s.Surveys.List(c.Request().Context(), all, read, p.AssignedSurveys())
}

// SurveyFor loads the survey of the :id route and checks the action on its
// facility, as the principal acts within this survey (authz InSurvey),
// which becomes the request's principal: the surveyors of a final survey
// keep reading it, and nothing else of its facility. A survey the
// principal may not read is not found, exactly like one that does not
// exist. What may be done to the survey in its state, and whether a
// surveyor is assigned to this very survey or is its team lead, is the
// survey policy's (survey.Allowed), which the service checks.
func (s *Server) SurveyFor(c echo.Context, a authz.Action) (*bukti.Survey, error) {
	id, err := PathID(c, "id")
	if err != nil {
		return nil, err
	}
	sv, err := s.Surveys.Get(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	p := Principal(c).InSurvey(sv.ID)
	c.Set(principalKey, p)
	if !p.Can(authz.ReadSurvey, sv.FacilityID) {
		return nil, survey.NotFound(id)
	}
	return sv, p.Check(a, sv.FacilityID)
}

// Overview loads a survey's overview as the principal may see it: the
// surveyors' scores and the result only when ScoresVisible.
func (s *Server) Overview(c echo.Context, id int64) (*survey.Overview, error) {
	ov, err := s.Surveys.Overview(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	if !ScoresVisible(Principal(c), ov) {
		ov.WithoutScores()
	}
	return ov, nil
}

// ScoresVisible says whether p reads the surveyors' scores and the result
// of the survey ov shows: authz SeesScores, the rule the audit log
// follows too.
func ScoresVisible(p *authz.Principal, ov *survey.Overview) bool {
	return p.SeesScores(ov.Survey.ID, ov.Survey.FacilityID, ov.Survey.State == bukti.SurveyFinal)
}
