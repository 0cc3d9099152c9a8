package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/pack"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/surveyreport"
)

// surveyRequest plans a survey. Surveyors are named by email; admins may
// name them by user ID instead (surveyors, lead), as before.
type surveyRequest struct {
	FacilityID     int64    `json:"facility_id"`
	Type           string   `json:"type"`
	Mode           string   `json:"mode"`
	StartDate      string   `json:"start_date"` // YYYY-MM-DD
	EndDate        string   `json:"end_date"`
	SurveyorEmails []string `json:"surveyor_emails"`
	LeadEmail      string   `json:"lead_email"`
	Surveyors      []int64  `json:"surveyors"` // user IDs: admins only
	Lead           int64    `json:"lead"`
}

func (s *Server) createSurvey(c echo.Context) error {
	var req surveyRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if err := principal(c).Check(authz.ManageSurvey, req.FacilityID); err != nil {
		return err
	}
	in := survey.Input{FacilityID: req.FacilityID, Type: req.Type, Mode: req.Mode,
		SurveyorEmails: req.SurveyorEmails, LeadEmail: req.LeadEmail, Surveyors: req.Surveyors, Lead: req.Lead}
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
	svs, err := s.surveysInScope(c)
	if err != nil {
		return err
	}
	return list(c, "surveys", svs)
}

// surveysInScope lists the surveys the principal may see, newest first:
// those of the facilities they read (which include those they plan
// surveys for) and those they are assigned to, final ones included.
func (s *Server) surveysInScope(c echo.Context) ([]bukti.Survey, error) {
	p := principal(c)
	all, read := p.Facilities(authz.ReadFacility)
	return s.Surveys.List(c.Request().Context(), all, read, p.AssignedSurveys())
}

// surveyFor loads the survey of the :id route and checks the action on its
// facility, as the principal acts within this survey (authz InSurvey),
// which becomes the request's principal: the surveyors of a final survey
// keep reading it, and nothing else of its facility. A survey the
// principal may not read is not found, exactly like one that does not
// exist. What may be done to the survey in its state, and whether a
// surveyor is assigned to this very survey or is its team lead, is the
// survey policy's (survey.Allowed), which the service checks.
func (s *Server) surveyFor(c echo.Context, a authz.Action) (*bukti.Survey, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	sv, err := s.Surveys.Get(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	p := principal(c).InSurvey(sv.ID)
	c.Set(principalKey, p)
	if !p.Can(authz.ReadSurvey, sv.FacilityID) {
		return nil, survey.NotFound(id)
	}
	return sv, p.Check(a, sv.FacilityID)
}

func (s *Server) getSurvey(c echo.Context) error {
	sv, err := s.surveyFor(c, authz.ReadSurvey)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sv)
}

func (s *Server) surveyOverview(c echo.Context) error {
	ov, err := s.overviewFor(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ov)
}

// overviewFor loads the overview of the :id survey for a reader of it, as
// they may see it.
func (s *Server) overviewFor(c echo.Context) (*survey.Overview, error) {
	sv, err := s.surveyFor(c, authz.ReadSurvey)
	if err != nil {
		return nil, err
	}
	return s.overview(c, sv.ID)
}

// overview loads a survey's overview as the principal may see it: the
// surveyors' scores and the result only when scoresVisible.
func (s *Server) overview(c echo.Context, id int64) (*survey.Overview, error) {
	ov, err := s.Surveys.Overview(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	if !scoresVisible(principal(c), ov) {
		ov.WithoutScores()
	}
	return ov, nil
}

// scoresVisible says whether p reads the surveyors' scores and the result
// of the survey ov shows: authz SeesScores, the rule the audit log
// follows too.
func scoresVisible(p *authz.Principal, ov *survey.Overview) bool {
	return p.SeesScores(ov.Survey.ID, ov.Survey.FacilityID, ov.Survey.State == bukti.SurveyFinal)
}

func (s *Server) selfAssess(c echo.Context) error {
	sv, err := s.surveyFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	var req struct {
		Scores []survey.SelfScore `json:"scores"`
	}
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	rows, err := s.Surveys.SelfAssess(c.Request().Context(), sv.ID, *userID(c), req.Scores)
	if err != nil {
		return err
	}
	return list(c, "self_assessment", rows)
}

func (s *Server) submitSurvey(c echo.Context) error {
	sv, err := s.surveyFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	n, err := s.Surveys.Submit(c.Request().Context(), sv.ID, *userID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"state": bukti.SurveyInReview, "items": n})
}

func (s *Server) resubmit(c echo.Context) error {
	sv, err := s.surveyFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	var req struct {
		EvidenceID int64 `json:"evidence_id"`
	}
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	it, err := s.Surveys.Resubmit(c.Request().Context(), sv.ID, req.EvidenceID, *userID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, it)
}

func (s *Server) reviewItem(c echo.Context) error {
	sv, err := s.surveyFor(c, authz.ReviewSurvey)
	if err != nil {
		return err
	}
	itemID, err := pathID(c, "item")
	if err != nil {
		return err
	}
	var v survey.Verdict
	if err := bindJSON(c, &v); err != nil {
		return err
	}
	it, err := s.Surveys.Review(c.Request().Context(), sv.ID, itemID, *userID(c), v)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, it)
}

func (s *Server) scoreElement(c echo.Context) error {
	return s.score(c, s.Surveys.Score)
}

func (s *Server) setFinal(c echo.Context) error {
	return s.score(c, s.Surveys.SetFinal)
}

// score handles a surveyor's score and the team lead's final score alike.
func (s *Server) score(c echo.Context, save func(ctx context.Context, id, by int64, in survey.ScoreInput) (*bukti.SurveyScore, error)) error {
	sv, err := s.surveyFor(c, authz.ReviewSurvey)
	if err != nil {
		return err
	}
	var in survey.ScoreInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	row, err := save(c.Request().Context(), sv.ID, *userID(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, row)
}

func (s *Server) reconcile(c echo.Context) error {
	sv, err := s.surveyFor(c, authz.ReviewSurvey)
	if err != nil {
		return err
	}
	conflicts, err := s.Surveys.Reconcile(c.Request().Context(), sv.ID, *userID(c))
	if err != nil {
		return err
	}
	if conflicts == nil {
		conflicts = []survey.Conflict{}
	}
	return list(c, "conflicts", conflicts)
}

func (s *Server) finalize(c echo.Context) error {
	sv, err := s.surveyFor(c, authz.ReviewSurvey)
	if err != nil {
		return err
	}
	out, err := s.Surveys.Finalize(c.Request().Context(), sv.ID, *userID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

type ppsRequest struct {
	Action      string `json:"action"`
	Responsible string `json:"responsible"`
	TargetDate  string `json:"target_date"` // YYYY-MM-DD
	Indicator   string `json:"indicator"`
	Progress    int    `json:"progress"`
}

func (s *Server) updatePPS(c echo.Context) error {
	sv, err := s.surveyFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	rowID, err := pathID(c, "row")
	if err != nil {
		return err
	}
	var req ppsRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	in := survey.PPSInput{Action: req.Action, Responsible: req.Responsible, Indicator: req.Indicator, Progress: req.Progress}
	if in.TargetDate, err = parseDate(req.TargetDate, "target_date"); err != nil {
		return err
	}
	row, err := s.Surveys.UpdatePPS(c.Request().Context(), sv.ID, rowID, *userID(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, row)
}

func (s *Server) surveyXLSX(c echo.Context) error {
	ov, err := s.overviewFor(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := surveyreport.WriteXLSX(&buf, ov, s.Catalogue); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, contentDisposition("attachment", surveyFileName(ov, "laporan", "xlsx")))
	return c.Blob(http.StatusOK, surveyreport.ContentType, buf.Bytes())
}

// surveyFileName names a survey's download, e.g. "laporan-P3277-survei-4.xlsx".
func surveyFileName(ov *survey.Overview, kind, ext string) string {
	return fmt.Sprintf("%s-%s-survei-%d.%s", kind, ov.Facility.Code, ov.Survey.ID, ext)
}

// surveyPack streams the survey's evidence pack when the survey policy
// allows it (survey.Pack): once the snapshot is taken, and for those who
// read the facility (ReadFacility), since it holds the facility's
// documents; not for the surveyors of a final survey, who keep its record
// only. The pack checks every blob before its first byte, so a missing
// file is still an error response; a file found corrupt or a client gone
// mid-stream aborts the connection, so nobody is handed a truncated
// archive that looks complete.
func (s *Server) surveyPack(c echo.Context) error {
	ov, err := s.overviewFor(c)
	if err != nil {
		return err
	}
	if err := survey.Allowed(survey.Pack, &ov.Survey, survey.ActorOf(principal(c), &ov.Survey, ov.Surveyors)); err != nil {
		return err
	}
	res := c.Response()
	w := &startOnWrite{w: res, start: func() {
		res.Header().Set(echo.HeaderContentType, "application/zip")
		res.Header().Set(echo.HeaderContentDisposition, contentDisposition("attachment", surveyFileName(ov, "paket-bukti", "zip")))
		res.WriteHeader(http.StatusOK)
	}}
	err = pack.Write(c.Request().Context(), w, s.Evidence.Blobs, pack.FromOverview(ov, s.Catalogue, s.Evidence.Now(), s.UI.T))
	if err != nil && w.started {
		s.log.Error("evidence pack aborted mid-stream", "survey", ov.Survey.ID, "err", err)
		panic(http.ErrAbortHandler)
	}
	return err
}

// startOnWrite calls start before the first byte is written.
type startOnWrite struct {
	w       io.Writer
	start   func()
	started bool
}

func (s *startOnWrite) Write(p []byte) (int, error) {
	if !s.started {
		s.started = true
		s.start()
	}
	return s.w.Write(p)
}
