package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/survey"
)

type surveyRequest struct {
	FacilityID int64   `json:"facility_id"`
	Type       string  `json:"type"`
	StartDate  string  `json:"start_date"` // YYYY-MM-DD
	EndDate    string  `json:"end_date"`
	Surveyors  []int64 `json:"surveyors"`
}

func (s *Server) createSurvey(c echo.Context) error {
	var req surveyRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if err := principal(c).Check(authz.ManageSurvey, req.FacilityID); err != nil {
		return err
	}
	in := survey.Input{FacilityID: req.FacilityID, Type: req.Type, Surveyors: req.Surveyors}
	var err error
	if in.StartDate, err = parseDate(req.StartDate, "start_date"); err != nil {
		return err
	}
	if in.EndDate, err = parseDate(req.EndDate, "end_date"); err != nil {
		return err
	}
	sv, err := s.Surveys.Create(c.Request().Context(), in, *userID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, sv)
}

func (s *Server) listSurveys(c echo.Context) error {
	p := principal(c)
	all, facilities := p.Facilities(authz.ManageSurvey)
	var assigned []int64
	for _, b := range p.Bindings {
		if b.SurveyID != nil {
			assigned = append(assigned, *b.SurveyID)
		}
	}
	svs, err := s.Surveys.List(c.Request().Context(), all, facilities, assigned)
	if err != nil {
		return err
	}
	return list(c, "surveys", svs)
}

func (s *Server) getSurvey(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	sv, err := s.Surveys.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if !principal(c).Can(authz.ReadFacility, sv.FacilityID) {
		return survey.NotFound(id)
	}
	return c.JSON(http.StatusOK, sv)
}
