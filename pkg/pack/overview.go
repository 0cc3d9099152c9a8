package pack

import (
	"time"

	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/survey"
)

// FromOverview makes the input of a survey's pack: its current snapshot
// items, final scores and tally, scored against c, the facility's named
// interviewees, its text given by t (see Input.T; Write refuses a nil
// one). Its manifest speaks Bahasa Indonesia; set Lang for another.
func FromOverview(ov *survey.Overview, c *catalogue.Catalogue, now time.Time, t Translator) Input {
	names := make([]string, 0, len(ov.Surveyors))
	for _, u := range ov.Surveyors {
		name := u.DisplayName()
		if ov.Survey.LeadID != nil && *ov.Survey.LeadID == u.ID && t != nil {
			name = t("id", "pack.lead", name)
		}
		names = append(names, name)
	}
	return Input{Survey: ov.Survey, Facility: ov.Facility, Surveyors: names, Catalogue: c,
		Items: survey.Current(ov.Items), Scores: ov.FinalScores(), Tally: ov.Tally, Now: now, T: t,
		Interviewees: ov.Interviewees}
}
