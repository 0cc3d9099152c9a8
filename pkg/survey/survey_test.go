package survey_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/scoring"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestSurveyFlow carries one survey of the catalogue of Kriteria 2.1.2
// (EP a, b, c; kriteria212) from planning to its improvement plan, then
// checks that the final survey refuses every change.
//
// Evidence before the survey: a/R1, a/R2 (two revisions), a/D1, c/D1, c/D2,
// the four interviewees of c/W1; a/D2 uploaded and deleted; a/R1 of another
// facility. The readiness scorer suggests from the R and D slots alone
// (at least 80 % → 10, at least 20 % → 5): a 5 (3 of its 5 slots, 60 %),
// b 0 (none of 13), c 10 (2 of 2); the interviewees change nothing.
func TestSurveyFlow(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			e := newEnv(t, combo.DB, combo.Store)
			ctx := e.ctx

			// Evidence.
			r1 := e.upload(0, "2.1.2/a/R1", "SK Kepala Puskesmas pemberdayaan", evidence.Meta{DocNumber: "440/012/SK/2025", DocRevision: "0"})
			r2 := e.upload(0, "2.1.2/a/R2", "SOP fasilitasi pemberdayaan", evidence.Meta{})
			e.revise(r2.ID, "SOP fasilitasi pemberdayaan revisi 1")
			d1 := e.upload(0, "2.1.2/a/D1", "RUK dan RPK 2025", evidence.Meta{IssueDate: &now})
			cd1 := e.upload(0, "2.1.2/c/D1", "Laporan evaluasi pemberdayaan", evidence.Meta{})
			cd2 := e.upload(0, "2.1.2/c/D2", "Tindak lanjut evaluasi", evidence.Meta{})
			gone := e.upload(0, "2.1.2/a/D2", "Kesepakatan (salah unggah)", evidence.Meta{})
			if err := e.ev.Delete(ctx, gone.ID, e.team); err != nil {
				t.Fatalf("delete evidence: %v", err)
			}
			e.upload(e.otherFacility, "2.1.2/a/R1", "SK Puskesmas lain", evidence.Meta{})
			for _, role := range []string{"Kepala Puskesmas", "Penanggung jawab UKM", "Koordinator Pelayanan UKM", "Pelaksana pelayanan UKM"} {
				if _, err := e.ev.SetInterviewee(ctx, bukti.Interviewee{FacilityID: e.facility, RequirementID: "2.1.2/c/W1", Role: role, Name: "Petugas " + role, UpdatedBy: e.team}); err != nil {
					t.Fatalf("name interviewee %s: %v", role, err)
				}
			}

			// Planning: two surveyors, the first created is the lead.
			sv := e.newSurvey(e.lead, e.second, e.lead)
			if sv.State != bukti.SurveyPlanned || sv.LeadID == nil || *sv.LeadID != e.lead || sv.Catalogue != "pkp-2023@2023.1" || sv.FacilityID != e.facility {
				t.Fatalf("Create: got %+v, want a planned survey of facility %d, lead %d, catalogue pkp-2023@2023.1", sv, e.facility, e.lead)
			}
			team, err := e.svc.Surveyors(ctx, sv.ID)
			if err != nil || len(team) != 2 || team[0].ID != e.lead || team[1].ID != e.second {
				t.Fatalf("Surveyors: got %+v, %v; want users %d and %d", team, err, e.lead, e.second)
			}

			// Self-assessment: the first call moves the survey into
			// self-assessment; each row keeps the scorer's suggestion.
			e.selfAssess(sv.ID, "10", "0", "")
			if got := e.survey(sv.ID).State; got != bukti.SurveySelfAssessment {
				t.Errorf("state after the first self-assessment: got %q, want %q", got, bukti.SurveySelfAssessment)
			}
			e.selfAssess(sv.ID, "5", "", " tdd ") // a changes, c is new
			// c changes again, with another justification.
			const justC = "Laporan evaluasi dan tindak lanjut lengkap."
			if _, err := e.svc.SelfAssess(ctx, sv.ID, e.team, []survey.SelfScore{{Element: epC, Score: "10", Justification: "  " + justC + " "}}); err != nil {
				t.Fatalf("SelfAssess c: %v", err)
			}
			self, err := e.svc.SelfAssessments(ctx, sv.ID)
			if err != nil {
				t.Fatal(err)
			}
			type selfRow struct {
				ep        string
				score     int
				suggested string
				tdd       bool
			}
			var gotSelf []selfRow
			for _, r := range self {
				gotSelf = append(gotSelf, selfRow{r.ElementID, r.Score, suggestion(r.Suggested), r.TDD})
				want := justification
				if r.ElementID == epC {
					want = justC
				}
				if r.Justification != want || r.UpdatedBy != e.team || !r.UpdatedAt.Equal(now) {
					t.Errorf("self-assessment %s: got %+v, want the justification, by %d at %v", r.ElementID, r, e.team, now)
				}
			}
			if want := []selfRow{{epA, 5, "5", false}, {epB, 0, "0", false}, {epC, 10, "10", false}}; !slices.Equal(gotSelf, want) {
				t.Errorf("self-assessment: got %+v, want %+v", gotSelf, want)
			}

			// Submit freezes the latest revision of every live record of
			// the facility: five records (not the deleted one, not the
			// other facility's).
			n, err := e.svc.Submit(ctx, sv.ID, e.team)
			if err != nil || n != 5 {
				t.Fatalf("Submit: got %d, %v; want 5 items", n, err)
			}
			if got := e.survey(sv.ID); got.State != bukti.SurveyInReview || got.SubmittedAt == nil || !got.SubmittedAt.Equal(now) {
				t.Errorf("after Submit: got state %q, submitted %v; want %q at %v", got.State, got.SubmittedAt, bukti.SurveyInReview, now)
			}
			live, err := e.ev.List(ctx, e.facility, evidence.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			frozen, err := e.svc.Items(ctx, sv.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(frozen) != len(live) {
				t.Fatalf("snapshot: got %d items, want %d (the live records)", len(frozen), len(live))
			}
			for i, ev := range live {
				it, rev := frozen[i], ev.Latest()
				want := bukti.SnapshotItem{ID: it.ID, SurveyID: sv.ID, EvidenceID: ev.ID, RevisionID: rev.ID, RevisionNumber: rev.Number,
					RequirementID: ev.RequirementID, Stage: ev.Stage, Part: ev.Part, Title: ev.Title, DocNumber: ev.DocNumber,
					DocRevision: ev.DocRevision, IssueDate: it.IssueDate, FileName: rev.FileName, ContentType: rev.ContentType,
					Size: rev.Size, SHA256: rev.SHA256, UploadedAt: it.UploadedAt, Review: bukti.ReviewPending, AddedAt: it.AddedAt}
				if !equalJSON(it, want) || !it.UploadedAt.Equal(rev.CreatedAt) || !it.AddedAt.Equal(now) ||
					(ev.IssueDate == nil) != (it.IssueDate == nil) || (ev.IssueDate != nil && !it.IssueDate.Equal(*ev.IssueDate)) {
					t.Errorf("snapshot item %d: got %+v, want %+v (uploaded %v, issued %v)", i, it, want, rev.CreatedAt, ev.IssueDate)
				}
			}
			if it := e.items(sv.ID)[r2.ID]; it.RevisionNumber != 2 {
				t.Errorf("a/R2 in the snapshot: got revision %d, want 2 (the latest)", it.RevisionNumber)
			}

			// A revision uploaded after submitting does not change the
			// snapshot.
			before := e.dumpItems(sv.ID)
			e.revise(r1.ID, "SK Kepala Puskesmas pemberdayaan revisi 1")
			if after := e.dumpItems(sv.ID); after != before {
				t.Errorf("snapshot changed after a new upload:\nbefore %s\nafter  %s", before, after)
			}

			// Nothing reviewed yet: no document counts, and the four
			// interviewees named for c/W1 are interview preparation, no
			// score: a 0, b 0, c 0.
			if got, want := e.suggestions(sv.ID), map[string]int{epA: 0, epB: 0, epC: 0}; !maps.Equal(got, want) {
				t.Errorf("suggestions before review: got %v, want %v", got, want)
			}

			// Review by both surveyors.
			items := e.items(sv.ID)
			_, err = e.svc.Review(ctx, sv.ID, items[cd2.ID].ID, e.second, survey.Verdict{Review: bukti.ReviewRejected})
			wantCode(t, "rejection without a reason", err, bukti.EINVALID)
			for _, r := range []struct {
				ev   int64
				by   int64
				note string
			}{{r1.ID, e.lead, ""}, {r2.ID, e.lead, "SOP sesuai"}, {d1.ID, e.lead, ""}, {cd1.ID, e.second, ""}} {
				it := e.review(sv.ID, items[r.ev].ID, r.by, bukti.ReviewAccepted, r.note)
				if it.Review != bukti.ReviewAccepted || it.ReviewNote != r.note || it.ReviewedBy == nil || *it.ReviewedBy != r.by || it.ReviewedAt == nil || !it.ReviewedAt.Equal(now) {
					t.Errorf("accept item of evidence %d: got %+v, want accepted by %d at %v", r.ev, it, r.by, now)
				}
			}
			const reason = "  Tindak lanjut belum ditandatangani kepala Puskesmas.  "
			rejected := e.review(sv.ID, items[cd2.ID].ID, e.second, bukti.ReviewRejected, reason)
			if rejected.Review != bukti.ReviewRejected || rejected.ReviewNote != strings.TrimSpace(reason) {
				t.Errorf("reject: got %+v, want rejected with the trimmed reason", rejected)
			}
			// The verdict shows on the evidence record when the item is
			// its latest revision: c/D2 rejected, a/R2 accepted; a/R1's
			// item is revision 1 of 2, so the record stays pending.
			for _, c := range []struct {
				id           int64
				review, note string
			}{
				{cd2.ID, bukti.ReviewRejected, strings.TrimSpace(reason)},
				{r2.ID, bukti.ReviewAccepted, "SOP sesuai"},
				{r1.ID, bukti.ReviewPending, ""},
			} {
				if got := e.evidence(c.id); got.Review != c.review || got.ReviewNote != c.note {
					t.Errorf("evidence %d (%s): got review %q, note %q; want %q, %q", c.id, got.RequirementID, got.Review, got.ReviewNote, c.review, c.note)
				}
			}
			// a: R1, R2, D1 accepted (3 of 5 slots, 60 %) → 5; c: D1
			// accepted, D2 rejected (1 of 2, 50 %) → 5.
			if got, want := e.suggestions(sv.ID), map[string]int{epA: 5, epB: 0, epC: 5}; !maps.Equal(got, want) {
				t.Errorf("suggestions after review: got %v, want %v", got, want)
			}

			// Resubmission: not before a new revision; not an accepted
			// item; then the rejected item is superseded.
			_, err = e.svc.Resubmit(ctx, sv.ID, cd2.ID, e.team)
			wantCode(t, "resubmit a rejected item without a new revision", err, bukti.ECONFLICT)
			_, err = e.svc.Resubmit(ctx, sv.ID, r1.ID, e.team)
			wantCode(t, "resubmit an accepted item", err, bukti.ECONFLICT)
			if got := e.revise(cd2.ID, "Tindak lanjut evaluasi bertanda tangan"); got.Review != bukti.ReviewPending {
				t.Errorf("evidence after a new revision: got review %q, want pending", got.Review)
			}
			old := items[cd2.ID]
			fresh, err := e.svc.Resubmit(ctx, sv.ID, cd2.ID, e.team)
			if err != nil {
				t.Fatalf("Resubmit: %v", err)
			}
			if fresh.EvidenceID != cd2.ID || fresh.RevisionNumber != 2 || fresh.Review != bukti.ReviewPending || fresh.SupersededBy != nil || fresh.ID == old.ID {
				t.Errorf("Resubmit: got %+v, want a new pending item of revision 2", fresh)
			}
			all, err := e.svc.Items(ctx, sv.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range all {
				if it.ID == old.ID && (it.SupersededBy == nil || *it.SupersededBy != fresh.ID || it.Review != bukti.ReviewRejected) {
					t.Errorf("old item: got %+v, want rejected and superseded by %d", it, fresh.ID)
				}
			}
			if cur := survey.Current(all); len(all) != 6 || len(cur) != 5 || slices.ContainsFunc(cur, func(it bukti.SnapshotItem) bool { return it.ID == old.ID }) {
				t.Errorf("items: got %d, current %d; want 6 and 5 without item %d", len(all), len(cur), old.ID)
			}
			_, err = e.svc.Review(ctx, sv.ID, old.ID, e.second, survey.Verdict{Review: bukti.ReviewAccepted})
			wantCode(t, "review a superseded item", err, bukti.ECONFLICT)
			// Evidence the snapshot did not hold can be added too.
			r3 := e.upload(0, "2.1.2/a/R3", "KAK fasilitasi pemberdayaan", evidence.Meta{})
			added, err := e.svc.Resubmit(ctx, sv.ID, r3.ID, e.team)
			if err != nil || added.EvidenceID != r3.ID || added.RevisionNumber != 1 || added.Review != bukti.ReviewPending {
				t.Fatalf("Resubmit of new evidence: got %+v, %v; want a pending item of revision 1", added, err)
			}
			e.review(sv.ID, fresh.ID, e.second, bukti.ReviewAccepted, "")
			e.review(sv.ID, added.ID, e.lead, bukti.ReviewAccepted, "")
			if got := e.evidence(cd2.ID); got.Review != bukti.ReviewAccepted {
				t.Errorf("evidence c/D2 after re-review: got %q, want accepted", got.Review)
			}
			// a: R1, R2, R3, D1 (4 of 5 slots, 80 %) → 10; c: D1, D2 (2 of
			// 2) → 10.
			sug := e.suggestions(sv.ID)
			if want := map[string]int{epA: 10, epB: 0, epC: 10}; !maps.Equal(sug, want) {
				t.Errorf("suggestions after re-review: got %v, want %v", sug, want)
			}

			// Scores. The lead scores everything; the second surveyor
			// scores a (agreeing) and b (differing) but not c yet.
			e.score(sv.ID, e.lead, epA, "10", leadFacts, leadRec)
			e.score(sv.ID, e.lead, epB, "5", leadFacts, leadRec)
			e.score(sv.ID, e.lead, epC, "TDD", leadFacts, leadRec)
			e.score(sv.ID, e.second, epA, "10", narrative(survey.MinNarrative), narrative(survey.MinNarrative))
			e.score(sv.ID, e.second, epB, "10", leadFacts, leadRec)
			e.score(sv.ID, e.second, epB, "0", secondFacts, secondRec) // changes the score above

			_, err = e.svc.Reconcile(ctx, sv.ID, e.second)
			wantCode(t, "Reconcile by a surveyor who is not the lead", err, bukti.EFORBIDDEN)
			conflicts, err := e.svc.Reconcile(ctx, sv.ID, e.lead)
			if err != nil {
				t.Fatalf("Reconcile: %v", err)
			}
			if got, want := describeConflicts(conflicts), "2.1.2/b differ [5 0]; 2.1.2/c missing [TDD]"; got != want {
				t.Errorf("first Reconcile: got %s, want %s", got, want)
			}
			if got := e.survey(sv.ID).State; got != bukti.SurveyInReview {
				t.Errorf("state with EP to decide: got %q, want %q", got, bukti.SurveyInReview)
			}
			e.score(sv.ID, e.second, epC, " tdd ", secondFacts, secondRec)
			conflicts, err = e.svc.Reconcile(ctx, sv.ID, e.lead)
			if err != nil {
				t.Fatalf("Reconcile: %v", err)
			}
			if got, want := describeConflicts(conflicts), "2.1.2/b differ [5 0]"; got != want {
				t.Errorf("second Reconcile: got %s, want %s", got, want)
			}
			_, err = e.svc.SetFinal(ctx, sv.ID, e.second, survey.ScoreInput{Element: epB, Score: "5", Facts: decidedFacts, Recommendation: decidedRec})
			wantCode(t, "SetFinal by a surveyor who is not the lead", err, bukti.EFORBIDDEN)
			if _, err := e.svc.SetFinal(ctx, sv.ID, e.lead, survey.ScoreInput{Element: epB, Score: "0", Facts: secondFacts, Recommendation: secondRec}); err != nil {
				t.Fatalf("SetFinal: %v", err)
			}
			if got := e.survey(sv.ID).State; got != bukti.SurveyScored {
				t.Errorf("state once every EP has a final score: got %q, want %q", got, bukti.SurveyScored)
			}
			// The lead may still change a final score until finalizing.
			if _, err := e.svc.SetFinal(ctx, sv.ID, e.lead, survey.ScoreInput{Element: epB, Score: "5", Facts: decidedFacts, Recommendation: decidedRec}); err != nil {
				t.Fatalf("SetFinal: %v", err)
			}
			if got := e.survey(sv.ID).State; got != bukti.SurveyScored {
				t.Errorf("state once every EP has a final score: got %q, want %q", got, bukti.SurveyScored)
			}
			if conflicts, err := e.svc.Reconcile(ctx, sv.ID, e.lead); err != nil || len(conflicts) != 0 {
				t.Errorf("Reconcile when scored: got %v, %v; want nothing to decide", conflicts, err)
			}

			// Every score row: final (surveyor 0) from the lead's score on
			// agreement, the lead's decision on b; each with the
			// suggestion of the reviewed snapshot (a 10, b 0, c 10: the
			// self-assessment proposed c 10, not TDD, so c has one).
			rows, err := e.svc.Scores(ctx, sv.ID)
			if err != nil {
				t.Fatal(err)
			}
			type scoreRow struct {
				ep             string
				surveyor       int64
				score          int
				tdd            bool
				facts, rec     string
				suggested      string
				by             int64
				updatedAtIsNow bool
			}
			var gotRows []scoreRow
			for _, r := range rows {
				gotRows = append(gotRows, scoreRow{r.ElementID, r.SurveyorID, r.Score, r.TDD, r.Facts, r.Recommendation, suggestion(r.Suggested), r.UpdatedBy, r.UpdatedAt.Equal(now)})
			}
			n30 := narrative(survey.MinNarrative)
			wantRows := []scoreRow{
				{epA, survey.Final, 10, false, leadFacts, leadRec, "10", e.lead, true},
				{epA, e.lead, 10, false, leadFacts, leadRec, "10", e.lead, true},
				{epA, e.second, 10, false, n30, n30, "10", e.second, true},
				{epB, survey.Final, 5, false, decidedFacts, decidedRec, "0", e.lead, true},
				{epB, e.lead, 5, false, leadFacts, leadRec, "0", e.lead, true},
				{epB, e.second, 0, false, secondFacts, secondRec, "0", e.second, true},
				{epC, survey.Final, 0, true, leadFacts, leadRec, "10", e.lead, true},
				{epC, e.lead, 0, true, leadFacts, leadRec, "10", e.lead, true},
				{epC, e.second, 0, true, secondFacts, secondRec, "10", e.second, true},
			}
			if !slices.Equal(gotRows, wantRows) {
				t.Errorf("scores:\ngot  %+v\nwant %+v", gotRows, wantRows)
			}

			// Tally of the final scores a 10, b 5, c TDD: Bab II = 15/20 =
			// 75 % on two applicable EP. Paripurna and Utama ask II ≥ 80,
			// Madya II ≥ 75: Madya. Bab I, III, IV, V hold no EP in the
			// catalogue of Kriteria 2.1.2: partial. Next Utama: 5 points of
			// percentage short, (15+p)/20 ≥ 0.8 → p = 1.
			ov, err := e.svc.Overview(ctx, sv.ID)
			if err != nil {
				t.Fatal(err)
			}
			tally := ov.Tally
			for _, id := range []string{"2.1.2", "2.1", "II"} {
				r, ok := tally.Rollup(id)
				if !ok || r.Score != 15 || r.Max != 20 || r.Applicable != 2 || r.Percent != 75 || !r.Assessed {
					t.Errorf("tally %s: got %+v, %v; want 15/20 = 75 %% on 2 EP", id, r, ok)
				}
			}
			for _, id := range []string{"I", "III", "IV", "V"} {
				if r, ok := tally.Rollup(id); !ok || r.Assessed || r.Max != 0 {
					t.Errorf("tally %s: got %+v, %v; want not assessed", id, r, ok)
				}
			}
			wantGaps := []scoring.BabGap{{Bab: "II", Percent: 75, Assessed: true, Min: 80, Short: 5, Points: 1}}
			if tally.Status != "Madya" || !tally.Partial || tally.Next != "Utama" || !slices.Equal(tally.Gaps, wantGaps) || len(tally.Unscored) != 0 {
				t.Errorf("tally: got status %q, partial %v, next %q, gaps %+v, unscored %v; want Madya, true, Utama, %+v, none",
					tally.Status, tally.Partial, tally.Next, tally.Gaps, tally.Unscored, wantGaps)
			}

			// Finalization.
			_, err = e.svc.Finalize(ctx, sv.ID, e.second)
			wantCode(t, "Finalize by a surveyor who is not the lead", err, bukti.EFORBIDDEN)
			fin, err := e.svc.Finalize(ctx, sv.ID, e.lead)
			if err != nil {
				t.Fatalf("Finalize: %v", err)
			}
			stored := e.survey(sv.ID)
			for _, got := range []bukti.Survey{*fin, stored} {
				if got.State != bukti.SurveyFinal || got.Status != "Madya" || got.FinalizedBy == nil || *got.FinalizedBy != e.lead || got.FinalizedAt == nil || !got.FinalizedAt.Equal(now) {
					t.Errorf("finalized survey: got %+v, want final, Madya, by %d at %v", got, e.lead, now)
				}
			}
			// One PPS row: b (5). a has the maximum, c is TDD.
			pps, err := e.svc.PPS(ctx, sv.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(pps) != 1 || pps[0].ElementID != epB || pps[0].Score != 5 || pps[0].Recommendation != decidedRec ||
				pps[0].State != bukti.PPSOpen || pps[0].Progress != 0 || pps[0].SurveyID != sv.ID {
				t.Fatalf("PPS: got %+v, want one open row for %s (score 5, the decided recommendation)", pps, epB)
			}

			// The improvement plan still changes after finalization; its
			// state follows the progress.
			target := time.Date(2025, time.June, 30, 0, 0, 0, 0, time.UTC)
			for _, c := range []struct {
				progress int
				state    string
			}{{40, bukti.PPSInProgress}, {100, bukti.PPSDone}, {0, bukti.PPSOpen}} {
				row, err := e.svc.UpdatePPS(ctx, sv.ID, pps[0].ID, e.team, survey.PPSInput{Action: " Lengkapi notulen dan foto tiap tahap ",
					Responsible: "Koordinator UKM", TargetDate: &target, Indicator: "Bukti empat tahap lengkap", Progress: c.progress})
				if err != nil {
					t.Fatalf("UpdatePPS %d%%: %v", c.progress, err)
				}
				if row.State != c.state || row.Progress != c.progress || row.Action != "Lengkapi notulen dan foto tiap tahap" || row.UpdatedBy == nil || *row.UpdatedBy != e.team {
					t.Errorf("UpdatePPS %d%%: got %+v, want state %q", c.progress, row, c.state)
				}
				if got, _ := e.svc.PPS(ctx, sv.ID); len(got) != 1 || got[0].State != c.state || got[0].Progress != c.progress || got[0].TargetDate == nil || !got[0].TargetDate.Equal(target) {
					t.Errorf("stored PPS after %d%%: got %+v, want state %q", c.progress, got, c.state)
				}
			}
			for _, c := range []struct {
				name string
				row  int64
				in   survey.PPSInput
				code string
			}{
				{"progress over 100", pps[0].ID, survey.PPSInput{Action: "a", Responsible: "b", Progress: 101}, bukti.EINVALID},
				{"negative progress", pps[0].ID, survey.PPSInput{Action: "a", Responsible: "b", Progress: -1}, bukti.EINVALID},
				{"progress without an action", pps[0].ID, survey.PPSInput{Responsible: "b", Progress: 10}, bukti.EINVALID},
				{"progress without someone responsible", pps[0].ID, survey.PPSInput{Action: "a", Responsible: "  ", Progress: 10}, bukti.EINVALID},
				{"unknown row", pps[0].ID + 100, survey.PPSInput{}, bukti.ENOTFOUND},
			} {
				before := e.dump()
				_, err := e.svc.UpdatePPS(ctx, sv.ID, c.row, e.team, c.in)
				wantCode(t, "UpdatePPS: "+c.name, err, c.code)
				sameDump(t, "UpdatePPS: "+c.name, before, e.dump())
			}

			// The PPS is the quality team's: a surveyor may not edit it.
			unedited := e.dump()
			_, err = e.svc.UpdatePPS(ctx, sv.ID, pps[0].ID, e.lead, survey.PPSInput{Action: "a", Responsible: "b", Progress: 10})
			wantCode(t, "UpdatePPS by the team lead", err, bukti.EFORBIDDEN)
			sameDump(t, "UpdatePPS by the team lead", unedited, e.dump())

			// A final survey refuses every change, whoever asks, and
			// leaves the database as it was. Each call would succeed on a
			// survey in the right state: a/D2 is new evidence the snapshot
			// lacks, item c/D1 could be rejected, and so on.
			lateEv := e.upload(0, "2.1.2/a/D2", "Kesepakatan bersama masyarakat", evidence.Meta{})
			cur := e.items(sv.ID)
			good := survey.ScoreInput{Element: epA, Score: "5", Facts: leadFacts, Recommendation: leadRec}
			refusals := []struct {
				name string
				call func() error
			}{
				{"SelfAssess", func() error {
					_, err := e.svc.SelfAssess(ctx, sv.ID, e.team, []survey.SelfScore{{Element: epA, Score: "10", Justification: justification}})
					return err
				}},
				{"Submit", func() error { _, err := e.svc.Submit(ctx, sv.ID, e.team); return err }},
				{"Review", func() error {
					_, err := e.svc.Review(ctx, sv.ID, cur[cd1.ID].ID, e.second, survey.Verdict{Review: bukti.ReviewRejected, Note: "Laporan tidak lengkap sama sekali."})
					return err
				}},
				{"Resubmit", func() error { _, err := e.svc.Resubmit(ctx, sv.ID, lateEv.ID, e.team); return err }},
				{"Score", func() error { _, err := e.svc.Score(ctx, sv.ID, e.second, good); return err }},
				{"Reconcile", func() error { _, err := e.svc.Reconcile(ctx, sv.ID, e.lead); return err }},
				{"SetFinal", func() error { _, err := e.svc.SetFinal(ctx, sv.ID, e.lead, good); return err }},
				{"Finalize", func() error { _, err := e.svc.Finalize(ctx, sv.ID, e.lead); return err }},
			}
			for _, r := range refusals {
				before := e.dump()
				err := r.call()
				wantCode(t, r.name+" on a final survey", err, bukti.ECONFLICT)
				if id, en := bukti.ErrorMessage(err); !strings.Contains(id, "sudah final") || !strings.Contains(en, "is final") {
					t.Errorf("%s on a final survey: messages %q / %q do not say the survey is final", r.name, id, en)
				}
				sameDump(t, r.name+" on a final survey", before, e.dump())
			}

			// The audit log tells the story.
			var actions []string
			if err := e.db.Model(&bukti.AuditEntry{}).Where("object_type = ? AND object_id = ?", "survey", strconv.FormatInt(sv.ID, 10)).Distinct("action").Order("action").Pluck("action", &actions).Error; err != nil {
				t.Fatal(err)
			}
			wantActions := []string{"survey.create", "survey.final_score", "survey.finalize", "survey.pps", "survey.reconcile", "survey.resubmit", "survey.review", "survey.score", "survey.self_assess", "survey.submit"}
			if !slices.Equal(actions, wantActions) {
				t.Errorf("audit actions: got %v, want %v", actions, wantActions)
			}
		})
	}
}

// dumpItems is a survey's snapshot as JSON.
func (e *env) dumpItems(id int64) string {
	e.t.Helper()
	items, err := e.svc.Items(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	b, _ := json.Marshal(items)
	return string(b)
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// describeConflicts writes conflicts as "EP reason [scores]; …", scores in
// surveyor order.
func describeConflicts(cs []survey.Conflict) string {
	var parts []string
	for _, c := range cs {
		var s []string
		for _, r := range c.Scores {
			s = append(s, survey.FormatScore(r.Score, r.TDD))
		}
		parts = append(parts, c.Element+" "+c.Reason+" ["+strings.Join(s, " ")+"]")
	}
	return strings.Join(parts, "; ")
}
