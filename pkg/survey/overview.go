package survey

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/scoring"
)

// Overview is everything known about one survey, for its page, its
// report and its evidence pack.
type Overview struct {
	Survey         bukti.Survey           `json:"survey"`
	Facility       bukti.Facility         `json:"facility"`
	Surveyors      []bukti.User           `json:"surveyors"`
	SelfAssessment []bukti.SelfAssessment `json:"self_assessment"`
	Items          []bukti.SnapshotItem   `json:"items"`  // every snapshot item, superseded ones included
	Scores         []bukti.SurveyScore    `json:"scores"` // each surveyor's and the final ones (surveyor_id 0)
	Suggestions    map[string]int         `json:"suggestions"`
	Tally          scoring.Tally          `json:"tally"` // from the final scores; as finalized once final
	PPS            []bukti.PPSItem        `json:"pps"`
}

// Overview loads a survey with everything it holds.
func (s *Service) Overview(ctx context.Context, id int64) (*Overview, error) {
	sv, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	ov := &Overview{Survey: *sv}
	db := s.DB.WithContext(ctx)
	if err := db.Preload("District").First(&ov.Facility, sv.FacilityID).Error; err != nil {
		return nil, err
	}
	steps := []func() error{
		func() (err error) { ov.Surveyors, err = s.Surveyors(ctx, id); return },
		func() (err error) { ov.SelfAssessment, err = s.SelfAssessments(ctx, id); return },
		func() (err error) { ov.Items, err = s.Items(ctx, id); return },
		func() (err error) { ov.Scores, err = s.Scores(ctx, id); return },
		func() (err error) { ov.Suggestions, err = s.Suggestions(ctx, id); return },
		func() (err error) { ov.PPS, err = s.PPS(ctx, id); return },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	ov.Tally = scoring.Compute(s.Catalogue, finalScores(ov.Scores))
	if sv.State == bukti.SurveyFinal && sv.Result != "" {
		// As finalized, whatever catalogue is in use now.
		if err := json.Unmarshal([]byte(sv.Result), &ov.Tally); err != nil {
			return nil, fmt.Errorf("survey %d: stored result: %w", id, err)
		}
	}
	return ov, nil
}

// Final returns the final score of an EP, if set.
func (ov *Overview) Final(elementID string) (bukti.SurveyScore, bool) {
	return ov.score(elementID, Final)
}

// ScoreBy returns one surveyor's score of an EP, if set.
func (ov *Overview) ScoreBy(elementID string, surveyorID int64) (bukti.SurveyScore, bool) {
	return ov.score(elementID, surveyorID)
}

func (ov *Overview) score(elementID string, surveyorID int64) (bukti.SurveyScore, bool) {
	for _, r := range ov.Scores {
		if r.ElementID == elementID && r.SurveyorID == surveyorID {
			return r, true
		}
	}
	return bukti.SurveyScore{}, false
}

// Self returns the self-assessment of an EP, if set.
func (ov *Overview) Self(elementID string) (bukti.SelfAssessment, bool) {
	for _, a := range ov.SelfAssessment {
		if a.ElementID == elementID {
			return a, true
		}
	}
	return bukti.SelfAssessment{}, false
}

// FinalScores returns the final score of every EP that has one.
func (ov *Overview) FinalScores() map[string]bukti.SurveyScore {
	out := map[string]bukti.SurveyScore{}
	for _, r := range ov.Scores {
		if r.SurveyorID == Final {
			out[r.ElementID] = r
		}
	}
	return out
}
