package api

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
	"github.com/bukti-id/bukti/pkg/web/core"
	"github.com/bukti-id/bukti/ui"
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

func (s *handlers) createSurvey(c echo.Context) error {
	var req surveyRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if err := core.Principal(c).Check(authz.ManageSurvey, req.FacilityID); err != nil {
		return err
	}
	in := survey.Input{FacilityID: req.FacilityID, Type: req.Type, Mode: req.Mode,
		SurveyorEmails: req.SurveyorEmails, LeadEmail: req.LeadEmail, Surveyors: req.Surveyors, Lead: req.Lead}
	var err error
	if in.StartDate, err = core.ParseDate(req.StartDate, "start_date"); err != nil {
		return err
	}
	if in.EndDate, err = core.ParseDate(req.EndDate, "end_date"); err != nil {
		return err
	}
	sv, err := s.Surveys.Create(c.Request().Context(), in, *core.UserID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, sv)
}

func (s *handlers) listSurveys(c echo.Context) error {
	svs, err := s.SurveysInScope(c)
	if err != nil {
		return err
	}
	return list(c, "surveys", svs)
}

func (s *handlers) getSurvey(c echo.Context) error {
	sv, err := s.SurveyFor(c, authz.ReadSurvey)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sv)
}

func (s *handlers) surveyOverview(c echo.Context) error {
	ov, err := s.overviewFor(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ov)
}

// overviewFor loads the overview of the :id survey for a reader of it, as
// they may see it.
func (s *handlers) overviewFor(c echo.Context) (*survey.Overview, error) {
	sv, err := s.SurveyFor(c, authz.ReadSurvey)
	if err != nil {
		return nil, err
	}
	return s.Overview(c, sv.ID)
}

func (s *handlers) selfAssess(c echo.Context) error {
	sv, err := s.SurveyFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	var req struct {
		Scores []survey.SelfScore `json:"scores"`
	}
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	rows, err := s.Surveys.SelfAssess(c.Request().Context(), sv.ID, *core.UserID(c), req.Scores)
	if err != nil {
		return err
	}
	return list(c, "self_assessment", rows)
}

func (s *handlers) submitSurvey(c echo.Context) error {
	sv, err := s.SurveyFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	n, err := s.Surveys.Submit(c.Request().Context(), sv.ID, *core.UserID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"state": bukti.SurveyInReview, "items": n})
}

func (s *handlers) resubmit(c echo.Context) error {
	sv, err := s.SurveyFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	var req struct {
		EvidenceID int64 `json:"evidence_id"`
	}
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	it, err := s.Surveys.Resubmit(c.Request().Context(), sv.ID, req.EvidenceID, *core.UserID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, it)
}

func (s *handlers) reviewItem(c echo.Context) error {
	sv, err := s.SurveyFor(c, authz.ReviewSurvey)
	if err != nil {
		return err
	}
	itemID, err := core.PathID(c, "item")
	if err != nil {
		return err
	}
	var v survey.Verdict
	if err := bindJSON(c, &v); err != nil {
		return err
	}
	it, err := s.Surveys.Review(c.Request().Context(), sv.ID, itemID, *core.UserID(c), v)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, it)
}

func (s *handlers) scoreElement(c echo.Context) error {
	return s.score(c, s.Surveys.Score)
}

func (s *handlers) setFinal(c echo.Context) error {
	return s.score(c, s.Surveys.SetFinal)
}

// score handles a surveyor's score and the team lead's final score alike.
func (s *handlers) score(c echo.Context, save func(ctx context.Context, id, by int64, in survey.ScoreInput) (*bukti.SurveyScore, error)) error {
	sv, err := s.SurveyFor(c, authz.ReviewSurvey)
	if err != nil {
		return err
	}
	var in survey.ScoreInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	row, err := save(c.Request().Context(), sv.ID, *core.UserID(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, row)
}

func (s *handlers) reconcile(c echo.Context) error {
	sv, err := s.SurveyFor(c, authz.ReviewSurvey)
	if err != nil {
		return err
	}
	conflicts, err := s.Surveys.Reconcile(c.Request().Context(), sv.ID, *core.UserID(c))
	if err != nil {
		return err
	}
	if conflicts == nil {
		conflicts = []survey.Conflict{}
	}
	return list(c, "conflicts", conflicts)
}

func (s *handlers) finalize(c echo.Context) error {
	sv, err := s.SurveyFor(c, authz.ReviewSurvey)
	if err != nil {
		return err
	}
	out, err := s.Surveys.Finalize(c.Request().Context(), sv.ID, *core.UserID(c))
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

func (s *handlers) updatePPS(c echo.Context) error {
	sv, err := s.SurveyFor(c, authz.WriteEvidence)
	if err != nil {
		return err
	}
	rowID, err := core.PathID(c, "row")
	if err != nil {
		return err
	}
	var req ppsRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	in := survey.PPSInput{Action: req.Action, Responsible: req.Responsible, Indicator: req.Indicator, Progress: req.Progress}
	if in.TargetDate, err = core.ParseDate(req.TargetDate, "target_date"); err != nil {
		return err
	}
	row, err := s.Surveys.UpdatePPS(c.Request().Context(), sv.ID, rowID, *core.UserID(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, row)
}

func (s *handlers) surveyXLSX(c echo.Context) error {
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
// only. Its manifest speaks the user's interface language. The pack
// checks every blob before its first byte, so a missing file is still an
// error response; a file found corrupt or a client gone
// mid-stream aborts the connection, so nobody is handed a truncated
// archive that looks complete.
func (s *handlers) surveyPack(c echo.Context) error {
	ov, err := s.overviewFor(c)
	if err != nil {
		return err
	}
	if err := survey.Allowed(survey.Pack, &ov.Survey, survey.ActorOf(core.Principal(c), &ov.Survey, ov.Surveyors)); err != nil {
		return err
	}
	res := c.Response()
	w := &startOnWrite{w: res, start: func() {
		res.Header().Set(echo.HeaderContentType, "application/zip")
		res.Header().Set(echo.HeaderContentDisposition, contentDisposition("attachment", surveyFileName(ov, "paket-bukti", "zip")))
		res.WriteHeader(http.StatusOK)
	}}
	in := pack.FromOverview(ov, s.Catalogue, s.Evidence.Now(), s.UI.T)
	in.Lang = packLang(c)
	err = pack.Write(c.Request().Context(), w, s.Evidence.Blobs, in)
	if err != nil && w.started {
		s.Log.Error("evidence pack aborted mid-stream", "survey", ov.Survey.ID, "err", err)
		panic(http.ErrAbortHandler)
	}
	return err
}

// packLang is the language of a pack's manifest: the interface language
// the user chose (the language cookie), Bahasa Indonesia by default.
func packLang(c echo.Context) string {
	if ck, err := c.Cookie(core.LangCookie); err == nil && ui.HasLanguage(ck.Value) {
		return ck.Value
	}
	return ui.Languages[0]
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
