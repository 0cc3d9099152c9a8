package survey

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

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
	// Suggestions holds the system's suggestion per EP; an EP without one
	// (proposed TDD, or no R or D item) is absent.
	Suggestions map[string]int  `json:"suggestions"`
	Tally       scoring.Tally   `json:"tally"` // from the final scores; as finalized once final
	PPS         []bukti.PPSItem `json:"pps"`   // in catalogue order
	// Interviewees are the people the facility names, now, for the roles
	// of its W items: for the evidence pack, not part of the survey's
	// record (nor of its JSON).
	Interviewees []bukti.Interviewee `json:"-"`
}

// Overview loads a survey with everything it holds.
func (s *Service) Overview(ctx context.Context, id int64) (*Overview, error) {
	sv, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	ov := &Overview{Survey: *sv}
	f, err := s.Store.SurveyFacility(ctx, sv.FacilityID)
	if err != nil {
		return nil, err
	}
	ov.Facility = *f
	steps := []func() error{
		func() (err error) { ov.Surveyors, err = s.Store.SurveyTeam(ctx, sv); return },
		func() (err error) { ov.SelfAssessment, err = s.SelfAssessments(ctx, id); return },
		func() (err error) { ov.Items, err = s.Items(ctx, id); return },
		func() (err error) { ov.Scores, err = s.Scores(ctx, id); return },
		func() (err error) { ov.PPS, err = s.PPS(ctx, id); return },
		func() (err error) { ov.Interviewees, err = s.Store.IntervieweesOf(ctx, sv.FacilityID); return },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	ov.Tally = scoring.Compute(s.Catalogue, finalScores(ov.Scores))
	if sv.State != bukti.SurveyFinal {
		if ov.Suggestions, err = s.suggest(ctx, sv, ov.Items, ov.SelfAssessment); err != nil {
			return nil, err
		}
	} else {
		// As finalized, whatever the catalogue, the evidence and the date
		// are now.
		ov.Suggestions = map[string]int{}
		for _, r := range ov.Scores {
			if r.SurveyorID == Final && r.Suggested != nil {
				ov.Suggestions[r.ElementID] = *r.Suggested
			}
		}
		if sv.Result != "" {
			if err := json.Unmarshal([]byte(sv.Result), &ov.Tally); err != nil {
				return nil, fmt.Errorf("survey %d: stored result: %w", id, err)
			}
		}
	}
	order := map[string]int{}
	for i, e := range s.elements() {
		order[e] = i
	}
	slices.SortStableFunc(ov.PPS, func(a, b bukti.PPSItem) int { return cmp.Compare(order[a.ElementID], order[b.ElementID]) })
	return ov, nil
}

// WithoutScores drops the surveyors' scores, facts and recommendations and
// the result, for readers who may not see them before the survey is final.
func (ov *Overview) WithoutScores() {
	ov.Scores, ov.Tally = []bukti.SurveyScore{}, scoring.Tally{}
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
