package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestAuditHidesScoresUntilFinal: the audit log follows the overview's
// rule for the surveyors' scores. Before a survey is final, its score,
// reconciliation and final-score rows are not in the quality team's audit
// log (JSON or CSV, whatever the filters); its planners (supervisors) and
// admins see them. Once final, the quality team sees them too. Other rows
// of the survey stay visible throughout.
func TestAuditHidesScoresUntilFinal(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			h := newHarnessOn(t, combo.DB, combo.Store, 1<<20, kriteria212(t))
			f := h.createFacility("PAU")
			var district int64
			h.db.Model(&bukti.District{}).Where("code = ?", districtA).Pluck("id", &district)
			_, quality := h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
			_, supervisor := h.userWith("dinkes@cimahi.test", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &district})
			w := &world{h: h}
			h.db.Model(&bukti.User{}).Where("email = ?", adminEmail).Pluck("id", &w.admin)
			h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("sk audit")))
			done := w.surveyAt(side{facility: f.ID}, bukti.SurveyFinal, 0)
			open := w.surveyAt(side{facility: f.ID}, bukti.SurveyScored, 0)

			// rows lists the audit rows a reader gets, as "action survey",
			// from the JSON listing and from the CSV export.
			rows := func(token, query string) (fromJSON, fromCSV []string) {
				t.Helper()
				var page struct {
					Entries []bukti.AuditEntry
					Total   int64
				}
				h.expect(http.StatusOK, h.call("GET", fmt.Sprintf("/api/v1/audit?facility_id=%d&per_page=500%s", f.ID, query), nil, token), &page)
				if int(page.Total) != len(page.Entries) {
					t.Errorf("audit total %d, %d entries listed", page.Total, len(page.Entries))
				}
				for _, e := range page.Entries {
					fromJSON = append(fromJSON, e.Action+" "+e.ObjectID)
				}
				r := h.call("GET", fmt.Sprintf("/api/v1/audit.csv?facility_id=%d%s", f.ID, query), nil, token)
				recs, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
				if r.status != http.StatusOK || err != nil {
					t.Fatalf("audit.csv: %d %v", r.status, err)
				}
				for _, rec := range recs[1:] {
					fromCSV = append(fromCSV, rec[3]+" "+rec[5])
				}
				slices.Sort(fromJSON)
				slices.Sort(fromCSV)
				return fromJSON, fromCSV
			}
			scoreRows := func(list []string, surveyID int64) (n int) {
				for _, r := range list {
					action, id, _ := strings.Cut(r, " ")
					if slices.Contains(survey.ScoreActions, action) && id == fmt.Sprint(surveyID) {
						n++
					}
				}
				return n
			}
			has := func(list []string, row string) bool { return slices.Contains(list, row) }

			cases := []struct {
				name, token, query string
				seesOpen           bool
			}{
				{"quality team", quality, "", false},
				{"quality team asking for score rows", quality, "&action=survey.score", false},
				{"quality team asking for the open survey", quality, fmt.Sprintf("&object_type=survey&object_id=%d", open.id), false},
				{"supervisor", supervisor, "", true},
				{"admin", "", "", true},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					fromJSON, fromCSV := rows(tc.token, tc.query)
					if !slices.Equal(fromJSON, fromCSV) {
						t.Errorf("the JSON listing and the CSV export differ:\n%v\n%v", fromJSON, fromCSV)
					}
					if n := scoreRows(fromJSON, open.id); (n > 0) != tc.seesOpen {
						t.Errorf("%d score rows of the survey not yet final, want them shown: %v", n, tc.seesOpen)
					}
					if tc.query == "" && scoreRows(fromJSON, done.id) == 0 {
						t.Error("no score rows of the final survey")
					}
					if tc.query == "" && !has(fromJSON, fmt.Sprintf("survey.create %d", open.id)) {
						t.Error("the open survey's other rows are hidden too")
					}
				})
			}

			if _, err := h.surveys.Finalize(context.Background(), open.id, open.lead); err != nil {
				t.Fatal(err)
			}
			fromJSON, fromCSV := rows(quality, "")
			if scoreRows(fromJSON, open.id) == 0 || scoreRows(fromCSV, open.id) == 0 {
				t.Error("the quality team sees no score rows once the survey is final")
			}
			var ov survey.Overview
			h.expect(http.StatusOK, h.call("GET", fmt.Sprintf("/api/v1/surveys/%d/overview", open.id), nil, quality), &ov)
			if len(ov.Scores) == 0 {
				t.Error("the quality team sees no scores in the final survey's overview")
			}
		})
	}
}

// TestSurveyorAccessEndsWhenFinal: a surveyor reads the surveyed facility
// while the survey is open. Once it is final they keep its record — the
// survey, its overview, the XLSX report, its page and printed report — and
// lose the facility: dashboard, evidence, readiness, its other surveys and
// the evidence pack. When an admin revokes their binding, the record goes
// too; the survey keeps them on its team, with their scores.
func TestSurveyorAccessEndsWhenFinal(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			t.Parallel() // each combination its own server and database
			h := newHarness(t, combo.DB, combo.Store, 1<<20)
			f := h.createFacility("PFA")
			lead, tok := h.userWith("ketua@kars.test", bukti.RoleBinding{})
			_, quality := h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
			w := &world{h: h}
			h.db.Model(&bukti.User{}).Where("email = ?", adminEmail).Pluck("id", &w.admin)
			ev := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("sk akses")))
			sv := w.surveyAt(side{facility: f.ID}, bukti.SurveyScored, lead)
			other := w.surveyAt(side{facility: f.ID}, bukti.SurveyPlanned, 0)
			v := newVisitor(h)
			v.login("ketua@kars.test", "kata-sandi-pengguna-1")

			facilityRoutes := []string{
				fmt.Sprintf("/api/v1/facilities/%d", f.ID),
				fmt.Sprintf("/api/v1/facilities/%d/evidence", f.ID),
				fmt.Sprintf("/api/v1/facilities/%d/readiness", f.ID),
				fmt.Sprintf("/api/v1/evidence/%d", ev.ID),
				fmt.Sprintf("/api/v1/evidence/%d/content", ev.ID),
				fmt.Sprintf("/api/v1/surveys/%d", other.id),
			}
			recordRoutes := []string{
				fmt.Sprintf("/api/v1/surveys/%d", sv.id),
				fmt.Sprintf("/api/v1/surveys/%d/overview", sv.id),
				fmt.Sprintf("/api/v1/surveys/%d/report.xlsx", sv.id),
			}
			pages := []string{fmt.Sprintf("/f/%d", f.ID), fmt.Sprintf("/f/%d/surveys", f.ID)}
			recordPages := []string{fmt.Sprintf("/s/%d", sv.id), fmt.Sprintf("/s/%d/report", sv.id)}
			pack := fmt.Sprintf("/api/v1/surveys/%d/pack.zip", sv.id)
			expect := func(stage string, routes []string, want int) {
				t.Helper()
				for _, p := range routes {
					if r := h.call("GET", p, nil, tok); r.status != want {
						t.Errorf("%s: GET %s: status %d, want %d", stage, p, r.status, want)
					}
				}
			}
			expectPages := func(stage string, paths []string, want int) {
				t.Helper()
				for _, p := range paths {
					if status, _, _ := v.get(p); status != want {
						t.Errorf("%s: page %s: status %d, want %d", stage, p, status, want)
					}
				}
			}
			listed := func() bool {
				var out struct{ Surveys []bukti.Survey }
				h.expect(http.StatusOK, h.call("GET", "/api/v1/surveys", nil, tok), &out)
				return slices.ContainsFunc(out.Surveys, func(s bukti.Survey) bool { return s.ID == sv.id })
			}

			t.Run("open survey", func(t *testing.T) {
				expect("open", append(facilityRoutes, recordRoutes...), http.StatusOK)
				expectPages("open", append(pages, recordPages...), http.StatusOK)
				if r := h.call("GET", pack, nil, tok); r.status != http.StatusOK {
					t.Errorf("pack.zip while open: status %d", r.status)
				}
			})

			if _, err := h.surveys.Finalize(context.Background(), sv.id, lead); err != nil {
				t.Fatal(err)
			}
			t.Run("final survey", func(t *testing.T) {
				expect("final", facilityRoutes, http.StatusNotFound)
				expectPages("final", pages, http.StatusNotFound)
				expect("final", recordRoutes, http.StatusOK)
				expectPages("final", recordPages, http.StatusOK)
				if _, _, body := v.get(recordPages[0]); strings.Contains(body, "pack.zip") || strings.Contains(body, "/content?") ||
					strings.Contains(body, fmt.Sprintf(`href="/f/%d`, f.ID)) {
					t.Error("the final survey's page links its surveyor to the facility, its files or the pack, which they may no longer open")
				}
				if r := h.call("GET", pack, nil, tok); r.status != http.StatusForbidden {
					t.Errorf("pack.zip once final: status %d, want 403", r.status)
				}
				var ov survey.Overview
				h.expect(http.StatusOK, h.call("GET", recordRoutes[1], nil, tok), &ov)
				if len(ov.Scores) == 0 || ov.Tally.Status == "" {
					t.Errorf("the surveyor's own final survey shows %d scores, status %q", len(ov.Scores), ov.Tally.Status)
				}
				if _, ok := ov.ScoreBy("2.1.2/a", lead); !ok {
					t.Error("the overview lacks the surveyor's own score")
				}
				r := h.call("PUT", fmt.Sprintf("/api/v1/surveys/%d/scores", sv.id), matrixScore, tok)
				if code, msg := h.apiError(r); r.status != http.StatusConflict || code != bukti.ECONFLICT || !strings.Contains(msg, "sudah final") {
					t.Errorf("scoring the final survey: %d %s %q", r.status, code, msg)
				}
				if status, _, body := v.post(fmt.Sprintf("/s/%d/score", sv.id), url.Values{"element": {"2.1.2/a"}, "score": {"10"},
					"facts": {matrixScore.Facts}, "recommendation": {matrixScore.Recommendation}}); status != http.StatusConflict || !strings.Contains(body, "sudah final") {
					t.Errorf("scoring the final survey from its page: status %d", status)
				}
				if !listed() {
					t.Error("the final survey left the surveyor's list")
				}
				var team int64
				h.db.Model(&bukti.RoleBinding{}).Where("survey_id = ?", sv.id).Count(&team)
				if team != 1 {
					t.Errorf("the final survey has %d bindings, want 1", team)
				}
			})

			t.Run("revoked", func(t *testing.T) {
				var scoresBefore int64
				h.db.Model(&bukti.SurveyScore{}).Where("survey_id = ?", sv.id).Count(&scoresBefore)
				var b bukti.RoleBinding
				h.db.Where("user_id = ? AND survey_id = ?", lead, sv.id).First(&b)
				h.expect(http.StatusNoContent, h.call("DELETE", fmt.Sprintf("/api/v1/users/%d/roles/%d", lead, b.ID), nil, ""), nil)
				expect("revoked", append(facilityRoutes, recordRoutes...), http.StatusNotFound)
				expectPages("revoked", append(pages, recordPages...), http.StatusNotFound)
				if r := h.call("GET", pack, nil, tok); r.status != http.StatusNotFound {
					t.Errorf("pack.zip once revoked: status %d, want 404", r.status)
				}
				if listed() {
					t.Error("the revoked surveyor still lists the survey")
				}
				var scoresAfter int64
				h.db.Model(&bukti.SurveyScore{}).Where("survey_id = ?", sv.id).Count(&scoresAfter)
				if scoresAfter != scoresBefore || scoresAfter == 0 {
					t.Errorf("scores of the final survey: %d before revoking, %d after", scoresBefore, scoresAfter)
				}
				var ov survey.Overview
				h.expect(http.StatusOK, h.call("GET", recordRoutes[1], nil, quality), &ov)
				if len(ov.Surveyors) != 1 || ov.Surveyors[0].ID != lead {
					t.Errorf("the final survey's team after revoking: %+v", ov.Surveyors)
				}
				if _, ok := ov.ScoreBy("2.1.2/a", lead); !ok {
					t.Error("the revoked surveyor's score is gone from the overview")
				}
				qv := newVisitor(h)
				qv.login("mutu@puskesmas.test", "kata-sandi-pengguna-1")
				_, _, body := qv.get(fmt.Sprintf("/s/%d/report", sv.id))
				wants(t, "printed report after revoking", body, "ketua@kars.test (ketua tim)", matrixScore.Facts)
				r := h.call("POST", fmt.Sprintf("/api/v1/users/%d/roles", lead), map[string]any{"role": "surveyor", "survey_id": sv.id}, "")
				if r.status != http.StatusConflict {
					t.Errorf("granting the binding back on the final survey: status %d, want 409", r.status)
				}
			})
		})
	}
}

var flashRe = regexp.MustCompile(`<p class="flash[^"]*" role="status">([^<]*)</p>`)

// TestPlanSurveyByEmail: planners name surveyors by email. A supervisor
// naming a user of another district, a disabled account or an email that
// names nobody gets byte-identical answers (but for the email they typed),
// through the API and the survey list's form alike, and no answer names
// anybody; user IDs are for admins, whose old requests keep working.
func TestPlanSurveyByEmail(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("PPL")
	far := h.createFacilityIn("PJAUH", districtB)
	var district int64
	h.db.Model(&bukti.District{}).Where("code = ?", districtA).Pluck("id", &district)
	_, supervisor := h.userWith("dinkes@cimahi.test", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &district})
	ctx := context.Background()
	farUser, err := h.auth.CreateUserWithRole(ctx, "mutu@bandung.test", "Rahasia Bandung", "kata-sandi-pengguna-1", &bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &far.ID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	disabled, err := h.auth.CreateUser(ctx, "nonaktif@kars.test", "Rahasia Nonaktif", "kata-sandi-pengguna-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.auth.SetDisabled(ctx, disabled.ID, true, nil); err != nil {
		t.Fatal(err)
	}
	external, err := h.auth.CreateUser(ctx, "surveior@kars.test", "Surveior Luar", "kata-sandi-pengguna-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{farUser.Name, disabled.Name, external.Name}
	noSecrets := func(t *testing.T, what, body string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("%s names %q", what, s)
			}
		}
	}
	plan := func(token string, team map[string]any) result {
		body := map[string]any{"facility_id": f.ID, "type": "initial"}
		for k, v := range team {
			body[k] = v
		}
		return h.call("POST", "/api/v1/surveys", body, token)
	}
	var surveys int64
	countSurveys := func() int64 {
		var n int64
		h.db.Model(&bukti.Survey{}).Count(&n)
		return n
	}

	t.Run("API", func(t *testing.T) {
		unknown := plan(supervisor, map[string]any{"surveyor_emails": []string{"tidak-ada@kars.test"}})
		want := strings.ReplaceAll(string(unknown.body), "tidak-ada@kars.test", "<email>")
		if unknown.status != http.StatusBadRequest || !strings.Contains(want, "Surveior <email> tidak ditemukan atau tidak dapat ditugaskan.") {
			t.Fatalf("unknown email: %d %s", unknown.status, unknown.body)
		}
		for name, email := range map[string]string{"a user of another district": farUser.Email, "a disabled account": disabled.Email} {
			r := plan(supervisor, map[string]any{"surveyor_emails": []string{email}})
			if r.status != unknown.status || strings.ReplaceAll(string(r.body), email, "<email>") != want {
				t.Errorf("%s: %d %s, want the unknown email's %d %s", name, r.status, r.body, unknown.status, want)
			}
			noSecrets(t, name, string(r.body))
		}
		for name, team := range map[string]map[string]any{
			"user IDs":  {"surveyors": []int64{farUser.ID}},
			"a lead ID": {"surveyor_emails": []string{external.Email}, "lead": farUser.ID},
		} {
			r := plan(supervisor, team)
			if r.status != http.StatusBadRequest || strings.Contains(string(r.body), farUser.Email) {
				t.Errorf("a supervisor naming %s: %d %s", name, r.status, r.body)
			}
			noSecrets(t, "a supervisor naming "+name, string(r.body))
		}
		if n := countSurveys(); n != 0 {
			t.Fatalf("refused plans made %d surveys", n)
		}
		var sv bukti.Survey
		h.expect(http.StatusCreated, plan(supervisor, map[string]any{"surveyor_emails": []string{" Surveior@KARS.test "}, "lead_email": "surveior@kars.test"}), &sv)
		if sv.LeadID == nil || *sv.LeadID != external.ID {
			t.Errorf("planned by email: lead %v, want %d", sv.LeadID, external.ID)
		}
		h.expect(http.StatusCreated, plan("", map[string]any{"surveyors": []int64{farUser.ID, external.ID}, "lead": external.ID}), &sv)
		h.expect(http.StatusCreated, plan("", map[string]any{"surveyor_emails": []string{farUser.Email}}), &sv)
		surveys = countSurveys()
	})

	t.Run("page", func(t *testing.T) {
		v := newVisitor(h)
		v.login("dinkes@cimahi.test", "kata-sandi-pengguna-1")
		_, _, list := v.get("/surveys")
		wants(t, "survey list", list, "Email surveior lain (pisahkan dengan koma)", "Ketua tim", `name="surveyor"`)
		post := func(surveyors, lead string) (int, string) {
			status, _, body := v.post("/surveys", url.Values{"facility": {fmt.Sprint(f.ID)}, "type": {"initial"}, "surveyors": {surveyors}, "lead": {lead}})
			m := flashRe.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no message on the refused plan (status %d)", status)
			}
			noSecrets(t, "the survey list's message", m[1])
			// The page lists the external surveyor, whom the supervisor may
			// assign, and nobody beyond their reach.
			wants(t, "the refused plan's list", body, external.Name)
			for _, s := range []string{farUser.Name, disabled.Name} {
				if strings.Contains(body, s) {
					t.Errorf("the refused plan's page names %q", s)
				}
			}
			return status, m[1]
		}
		status, msg := post("tidak-ada@kars.test", "")
		want := strings.ReplaceAll(msg, "tidak-ada@kars.test", "<email>")
		if status != http.StatusBadRequest || !strings.Contains(want, "Surveior <email> tidak ditemukan atau tidak dapat ditugaskan.") {
			t.Fatalf("unknown email: %d %q", status, msg)
		}
		for name, email := range map[string]string{"a user of another district": farUser.Email, "a disabled account": disabled.Email,
			"a user ID": fmt.Sprint(farUser.ID)} {
			s, m := post(email, "")
			if s != status || strings.ReplaceAll(m, email, "<email>") != want {
				t.Errorf("%s: %d %q, want %d %q", name, s, m, status, want)
			}
		}
		if n := countSurveys(); n != surveys {
			t.Fatalf("refused plans made %d surveys", n-surveys)
		}
		s, loc, _ := v.post("/surveys", url.Values{"facility": {fmt.Sprint(f.ID)}, "type": {"initial"}, "surveyors": {"surveior@kars.test"}, "lead": {"surveior@kars.test"}})
		if s != http.StatusSeeOther || !surveyLocRe.MatchString(loc) {
			t.Fatalf("plan by email: %d → %q", s, loc)
		}
	})
}
