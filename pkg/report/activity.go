package report

import (
	"context"
	"time"
)

// ActivityActions are the audit actions that count as a facility's
// activity: a change to its evidence (upload, revision, metadata,
// deletion, TDD, interviewee) or to its scores in a survey
// (self-assessment, submission, the surveyors' review and scores, the
// improvement plan). Planning a survey or renaming the facility does not
// count: they are done to it, not by it or on its evidence.
var ActivityActions = []string{
	"evidence.upload", "evidence.revision", "evidence.update", "evidence.delete",
	"element.tdd", "element.applicable", "interviewee.set",
	"survey.self_assess", "survey.submit", "survey.resubmit", "survey.review",
	"survey.score", "survey.reconcile", "survey.final_score", "survey.finalize", "survey.pps",
}

// LastActivity returns when each of the facilities last had activity
// (ActivityActions), in the service clock's zone; a facility with none is
// absent.
func (s *Service) LastActivity(ctx context.Context, facilityIDs []int64) (map[int64]time.Time, error) {
	got, err := s.Store.LastActivity(ctx, facilityIDs, ActivityActions)
	if err != nil {
		return nil, err
	}
	loc := s.Now().Location()
	for id, at := range got {
		got[id] = at.In(loc)
	}
	return got, nil
}
