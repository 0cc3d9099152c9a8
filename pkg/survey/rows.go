package survey

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// The survey page saves a whole section in one form: every EP of a
// kriteria (or a Bab) scored at once, several snapshot items accepted at
// once, every row of the improvement plan. Each such save is one unit of
// work: nothing is saved unless every row given is valid, rows left blank
// are skipped, rows equal to what is stored are left as they are (an
// unchanged score keeps its final score), and every row saved is audited
// on its own, as the one-row actions audit it.

// RowsError refuses a save of several rows when some are invalid: nothing
// is saved. Summary is the message for the whole form (how many rows are
// wrong, and which; the row's own error when only one is); Rows holds each wrong row's own error by its key (the
// EP ID for scores, the row ID for the improvement plan), so that the
// page can show it next to the row; Keys lists those keys in form order.
type RowsError struct {
	Summary *bukti.Error
	Rows    map[string]error
	Keys    []string
}

func (e *RowsError) Error() string { return e.Summary.Error() }

// Unwrap gives the summary, so that the error is a *bukti.Error to
// errors.As and maps to its status.
func (e *RowsError) Unwrap() error { return e.Summary }

// rowsError collects the row errors of a form; nil when there is none.
// names gives each key the name a user knows the row by (the EP ID).
type rowsError struct {
	errs  map[string]error
	keys  []string
	names []string
}

func (r *rowsError) add(key, name string, err error) {
	if r.errs == nil {
		r.errs = map[string]error{}
	}
	if _, dup := r.errs[key]; dup {
		return
	}
	r.errs[key] = err
	r.keys = append(r.keys, key)
	r.names = append(r.names, name)
}

func (r *rowsError) err() error {
	if len(r.errs) == 0 {
		return nil
	}
	var one *bukti.Error
	if len(r.keys) == 1 && errors.As(r.errs[r.keys[0]], &one) {
		// One wrong row: its own message says it all.
		return &RowsError{Summary: one, Rows: r.errs, Keys: r.keys}
	}
	return &RowsError{Summary: bukti.E(bukti.EINVALID, "err.survey.rows_invalid", len(r.keys), preview(r.names)),
		Rows: r.errs, Keys: r.keys}
}

// blank reports whether a score row of a form was left empty.
func (in ScoreInput) blank() bool {
	return strings.TrimSpace(in.Score) == "" && strings.TrimSpace(in.Facts) == "" && strings.TrimSpace(in.Recommendation) == ""
}

// scoreRows validates the rows of a scoring form for surveyor (Final for
// the team lead's final scores) and makes them score rows with the
// system's suggestion. Blank rows are skipped; none left is an error.
func (s *Service) scoreRows(ctx context.Context, id, surveyor, by int64, ins []ScoreInput) ([]bukti.SurveyScore, error) {
	var filled []ScoreInput
	for _, in := range ins {
		if !in.blank() {
			filled = append(filled, in)
		}
	}
	if len(filled) == 0 {
		return nil, bukti.E(bukti.EINVALID, "err.survey.send_at_least_one_ep")
	}
	sug, err := s.Suggestions(ctx, id)
	if err != nil {
		return nil, err
	}
	var bad rowsError
	seen := map[string]bool{}
	rows := make([]bukti.SurveyScore, 0, len(filled))
	for _, in := range filled {
		if seen[in.Element] {
			bad.add(in.Element, in.Element, bukti.E(bukti.EINVALID, "err.survey.ep_scored_twice_in_one", in.Element))
			continue
		}
		seen[in.Element] = true
		row, err := s.row(id, surveyor, by, in, suggestionOf(sug, in.Element))
		if err != nil {
			bad.add(in.Element, in.Element, err)
			continue
		}
		rows = append(rows, row)
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	return rows, nil
}

// sameScore reports whether a stored score says what a new row says.
func sameScore(a, b bukti.SurveyScore) bool {
	return a.TDD == b.TDD && (a.TDD || a.Score == b.Score) && a.Facts == b.Facts && a.Recommendation == b.Recommendation
}

// storedBy indexes a surveyor's stored scores by EP.
func storedBy(u *sqlstore.Tx, id, surveyor int64) (map[string]bukti.SurveyScore, error) {
	rows, err := u.SurveyScoresBy(id, surveyor)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bukti.SurveyScore, len(rows))
	for _, r := range rows {
		out[r.ElementID] = r
	}
	return out, nil
}

// ScoreMany records an assigned surveyor's scores of several EP at once,
// as the survey page's scoring form sends a kriteria or a Bab: each row
// saved as Score saves one (its final score dropped, to be reconciled
// again), blank rows skipped, rows equal to the surveyor's stored score
// left as they are. Nothing is saved unless every row given is valid; a
// *RowsError names each wrong one. It returns how many scores changed.
func (s *Service) ScoreMany(ctx context.Context, id, by int64, ins []ScoreInput) (int, error) {
	return s.saveRows(ctx, id, by, by, Score, ActionScore, ins,
		func(u *sqlstore.Tx, row *bukti.SurveyScore) error {
			return u.DeleteSurveyScore(id, row.ElementID, Final)
		},
		func(*sqlstore.Tx, *bukti.Survey) error { return nil })
}

// SetFinalMany, for the team lead, sets the final scores of several EP at
// once, each as SetFinal sets one; rows equal to the stored final score
// are left as they are. Nothing is saved unless every row given is
// valid; a *RowsError names each wrong one. It returns how many final
// scores changed.
func (s *Service) SetFinalMany(ctx context.Context, id, by int64, ins []ScoreInput) (int, error) {
	return s.saveRows(ctx, id, Final, by, SetFinal, ActionFinalScore, ins,
		func(*sqlstore.Tx, *bukti.SurveyScore) error { return nil }, s.markScored)
}

// saveRows checks the rows ins as owner's scores (a surveyor's, or
// Final) and saves them in one change a of the survey by by: a row equal
// to the stored score is left as it is; each other is saved, then each
// runs for it, and it is audited as action; finish runs last in the same
// unit. Nothing is saved unless every row is valid. It returns how many
// scores changed.
func (s *Service) saveRows(ctx context.Context, id, owner, by int64, a Action, action string, ins []ScoreInput,
	each func(*sqlstore.Tx, *bukti.SurveyScore) error, finish func(*sqlstore.Tx, *bukti.Survey) error) (int, error) {
	rows, err := s.scoreRows(ctx, id, owner, by, ins)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.change(ctx, id, a, by, func(u *sqlstore.Tx, sv *bukti.Survey) error {
		stored, err := storedBy(u, id, owner)
		if err != nil {
			return err
		}
		for i := range rows {
			row := &rows[i]
			if old, ok := stored[row.ElementID]; ok && sameScore(old, *row) {
				continue
			}
			if err := u.SaveSurveyScore(row); err != nil {
				return err
			}
			if err := each(u, row); err != nil {
				return err
			}
			if err := s.audit(u, sv, action, fmt.Sprintf("%s: %s", row.ElementID, FormatScore(row.Score, row.TDD))); err != nil {
				return err
			}
			n++
		}
		return finish(u, sv)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// checkVerdict validates a review verdict, trimming its note.
func checkVerdict(v *Verdict) error {
	v.Note = strings.TrimSpace(v.Note)
	switch {
	case v.Review != bukti.ReviewAccepted && v.Review != bukti.ReviewRejected:
		return bukti.E(bukti.EINVALID, "err.survey.review_not_allowed_choose_accepted", v.Review)
	case v.Review == bukti.ReviewRejected && textLen(v.Note) < 10:
		return bukti.E(bukti.EINVALID, "err.survey.rejection_needs_reason_at_least")
	case textLen(v.Note) > 2000:
		return bukti.E(bukti.EINVALID, "err.survey.review_note_longer_than_2000")
	}
	return nil
}

// reviewIn records a verdict on one current snapshot item, inside the
// unit u on the locked survey: the verdict reflected on the evidence
// record and audited. changed is false, and nothing is written, when the
// item already holds this very verdict.
func (s *Service) reviewIn(u *sqlstore.Tx, sv *bukti.Survey, itemID, by int64, v Verdict, skipSame bool) (it bukti.SnapshotItem, changed bool, err error) {
	got, err := u.SurveyItem(sv.ID, itemID)
	if errors.Is(err, sqlstore.ErrNotFound) {
		return it, false, itemNotFound(itemID)
	} else if err != nil {
		return it, false, err
	}
	it = *got
	if it.SupersededBy != nil {
		return it, false, bukti.E(bukti.ECONFLICT, "err.survey.item_was_superseded_by_item", it.ID, *it.SupersededBy)
	}
	if skipSame && it.Review == v.Review && it.ReviewNote == v.Note {
		return it, false, nil
	}
	now := u.Now
	it.Review, it.ReviewNote, it.ReviewedBy, it.ReviewedAt = v.Review, v.Note, &by, &now
	if err := u.SetSurveyItemReview(&it); err != nil {
		return it, false, err
	}
	if err := s.reflect(u, sv, &it); err != nil {
		return it, false, err
	}
	err = s.audit(u, sv, "survey.review", fmt.Sprintf("item %d (%s r%d): %s %s", it.ID, it.RequirementID, it.RevisionNumber, it.Review, it.ReviewNote))
	return it, err == nil, err
}

// ReviewMany records one verdict on several snapshot items at once (the
// survey page's "accept the chosen ones"), each as Review records one and
// audited on its own. Items already holding the verdict are left as they
// are. Nothing is saved unless every item can take it: an item that is
// not the survey's, or that was superseded, refuses the whole set. It
// returns how many items changed.
func (s *Service) ReviewMany(ctx context.Context, id int64, itemIDs []int64, by int64, v Verdict) (int, error) {
	if err := checkVerdict(&v); err != nil {
		return 0, err
	}
	ids := slices.Clone(itemIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return 0, bukti.E(bukti.EINVALID, "err.survey.choose_items_to_review")
	}
	n := 0
	err := s.change(ctx, id, Review, by, func(u *sqlstore.Tx, sv *bukti.Survey) error {
		for _, itemID := range ids {
			_, changed, err := s.reviewIn(u, sv, itemID, by, v, true)
			if err != nil {
				return err
			}
			if changed {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// checkPPS validates and trims one row of the improvement plan.
func checkPPS(in *PPSInput) error {
	in.Action, in.Responsible, in.Indicator = strings.TrimSpace(in.Action), strings.TrimSpace(in.Responsible), strings.TrimSpace(in.Indicator)
	switch {
	case in.Progress < 0 || in.Progress > 100:
		return bukti.E(bukti.EINVALID, "err.survey.progress_must_0_100_percent")
	case textLen(in.Action) > 2000 || textLen(in.Indicator) > 2000 || textLen(in.Responsible) > 200:
		return bukti.E(bukti.EINVALID, "err.survey.action_and_indicator_at_most")
	case in.Progress > 0 && (in.Action == "" || in.Responsible == ""):
		return bukti.E(bukti.EINVALID, "err.survey.fill_in_action_and_person")
	}
	return nil
}

// PPSRow is one row of the improvement plan as a form sends it: the row's
// ID and its plan. Err, when set, is what the form could not read of it
// (a progress that is no number, a date that is no date), reported with
// the row like any other invalid row.
type PPSRow struct {
	ID  int64
	In  PPSInput
	Err error
}

// samePPS reports whether a stored row already holds a plan.
func samePPS(row *bukti.PPSItem, in PPSInput) bool {
	sameDate := (row.TargetDate == nil) == (in.TargetDate == nil) &&
		(row.TargetDate == nil || row.TargetDate.Format(time.DateOnly) == in.TargetDate.Format(time.DateOnly))
	return row.Action == in.Action && row.Responsible == in.Responsible && row.Indicator == in.Indicator &&
		row.Progress == in.Progress && sameDate
}

// UpdatePPSMany saves several rows of a final survey's improvement plan at
// once, each as UpdatePPS saves one; rows whose plan is unchanged are
// left as they are. Nothing is saved unless every row is valid: a
// *RowsError names each wrong row by its EP, keyed by the row's ID. It
// returns how many rows changed.
func (s *Service) UpdatePPSMany(ctx context.Context, id, by int64, rows []PPSRow) (int, error) {
	if len(rows) == 0 {
		return 0, bukti.E(bukti.EINVALID, "err.survey.send_at_least_one_pps_row")
	}
	stored, err := s.PPS(ctx, id)
	if err != nil {
		return 0, err
	}
	element := map[int64]string{}
	for _, r := range stored {
		element[r.ID] = r.ElementID
	}
	var bad rowsError
	for i := range rows {
		key := strconv.FormatInt(rows[i].ID, 10)
		name := element[rows[i].ID]
		if name == "" {
			name = "#" + key
		}
		if rows[i].Err != nil {
			bad.add(key, name, rows[i].Err)
		} else if err := checkPPS(&rows[i].In); err != nil {
			bad.add(key, name, err)
		}
	}
	if err := bad.err(); err != nil {
		return 0, err
	}
	n := 0
	err = s.change(ctx, id, EditPPS, by, func(u *sqlstore.Tx, sv *bukti.Survey) error {
		for _, r := range rows {
			got, err := u.SurveyPPSRow(id, r.ID)
			if errors.Is(err, sqlstore.ErrNotFound) {
				return bukti.E(bukti.ENOTFOUND, "err.survey.pps_row_not_found_in", r.ID)
			} else if err != nil {
				return err
			}
			if samePPS(got, r.In) {
				continue
			}
			if err := s.savePPS(u, sv, got, by, r.In); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// savePPS stores a checked plan on a row inside the unit u, and audits it.
func (s *Service) savePPS(u *sqlstore.Tx, sv *bukti.Survey, row *bukti.PPSItem, by int64, in PPSInput) error {
	row.Action, row.Responsible, row.TargetDate, row.Indicator, row.Progress = in.Action, in.Responsible, in.TargetDate, in.Indicator, in.Progress
	row.State, row.UpdatedBy, row.UpdatedAt = ppsState(in.Progress), &by, s.Now().UTC()
	if err := u.SaveSurveyPPSRow(row); err != nil {
		return err
	}
	return s.audit(u, sv, "survey.pps", fmt.Sprintf("%s: %d%%", row.ElementID, row.Progress))
}

// Unassessed lists, in catalogue order, the EP of the catalogue in use that
// a self-assessment does not score yet: what Submit would refuse, so the
// page can say it before anyone confirms.
func (s *Service) Unassessed(self []bukti.SelfAssessment) []string {
	have := make(map[string]bool, len(self))
	for _, a := range self {
		have[a.ElementID] = true
	}
	var out []string
	for _, e := range s.elements() {
		if !have[e] {
			out = append(out, e)
		}
	}
	return out
}

// Candidate is a user a planner may choose as a surveyor.
type Candidate struct {
	bukti.User
	// Surveyed: holds the surveyor role, that is, has been assigned to a
	// survey before; else an account without any role yet.
	Surveyed bool
}

// Candidates lists, by name, the users a planner may choose as surveyors
// on the form that plans a survey: active accounts that hold the surveyor
// role (a binding to an earlier survey) or no role at all (a surveyor's
// account not assigned yet), the planner aside, among those the planner
// may know of (authz MayAssign). Whether one may survey a particular
// facility (no role in it) is checked when the survey is planned.
func (s *Service) Candidates(ctx context.Context, planner *authz.Principal) ([]Candidate, error) {
	users, surveyed, err := s.Store.SurveyCandidates(ctx)
	if err != nil {
		return nil, err
	}
	out := []Candidate{}
	for i := range users {
		u := &users[i]
		if u.ID == planner.User.ID {
			continue
		}
		p, err := authz.Load(ctx, s.Store, u)
		if err != nil {
			return nil, err
		}
		if planner.MayAssign(p) {
			out = append(out, Candidate{User: *u, Surveyed: surveyed[u.ID]})
		}
	}
	return out, nil
}
