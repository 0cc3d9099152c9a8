package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// block is the element of body with the given id, up to its end tag.
func block(t *testing.T, body, id, end string) string {
	t.Helper()
	start := strings.Index(body, `id="`+id+`"`)
	if start < 0 {
		t.Fatalf("no element #%s", id)
	}
	n := strings.Index(body[start:], end)
	if n < 0 {
		t.Fatalf("#%s does not end with %s", id, end)
	}
	return body[start : start+n]
}

// sectionVisit is a survey of Kriteria 2.1.2 in review, led by "ketua"
// with "anggota", its snapshot holding a/R1 and a/R2 (PDF) and c/D1 (a
// photo).
type sectionVisit struct {
	h             *harness
	id            int64
	lead, member  *visitor
	mutu          *visitor
	leadID        int64
	items         map[string]bukti.SnapshotItem // by requirement
	page          string
	facility      bukti.Facility
	memberID      int64
	otherSurveyID int64
}

func newSectionVisit(t *testing.T) *sectionVisit {
	h := newHarnessOn(t, "sqlite", "filesystem", 1<<20, kriteria212(t))
	ctx := context.Background()
	f := h.createFacility("P3277010101")
	h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	leadID, _ := h.userWith("ketua@kars.test", bukti.RoleBinding{})
	memberID, _ := h.userWith("anggota@kars.test", bukti.RoleBinding{})
	for _, r := range []string{"2.1.2/a/R1", "2.1.2/a/R2"} {
		h.mustUpload(f.ID, field{name: "requirement", value: r}, file(strings.ReplaceAll(r, "/", "-")+".pdf", testenv.PDF(r)))
	}
	h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/c/D1"}, file("foto-evaluasi.jpg", testenv.JPEG(3)))
	var adminID int64
	h.db.Model(&bukti.User{}).Where("email = ?", adminEmail).Pluck("id", &adminID)
	sv, err := h.surveys.Create(ctx, survey.Input{FacilityID: f.ID, Type: "initial", Surveyors: []int64{leadID, memberID}, Lead: leadID}, adminID)
	if err != nil {
		t.Fatal(err)
	}
	var self []survey.SelfScore
	for _, e := range []string{"2.1.2/a", "2.1.2/b", "2.1.2/c"} {
		self = append(self, survey.SelfScore{Element: e, Score: "10", Justification: "Bukti lengkap menurut tim mutu."})
	}
	if _, err := h.surveys.SelfAssess(ctx, sv.ID, adminID, self); err != nil {
		t.Fatal(err)
	}
	if _, err := h.surveys.Submit(ctx, sv.ID, adminID); err != nil {
		t.Fatal(err)
	}
	items, _ := h.surveys.Items(ctx, sv.ID)
	v := &sectionVisit{h: h, id: sv.ID, leadID: leadID, memberID: memberID, items: map[string]bukti.SnapshotItem{}, page: fmt.Sprintf("/s/%d", sv.ID), facility: f}
	for _, it := range items {
		v.items[it.RequirementID] = it
	}
	as := func(email string) *visitor {
		x := newVisitor(h)
		x.login(email, "kata-sandi-pengguna-1")
		return x
	}
	v.lead, v.member, v.mutu = as("ketua@kars.test"), as("anggota@kars.test"), as("mutu@puskesmas.test")
	return v
}

// scoreForm is the scoring section's form: per EP a score, facts and a
// recommendation ("" leaves the row blank).
func scoreForm(rows map[string][3]string, set ...string) url.Values {
	f := url.Values{"k": {"2.1.2"}}
	for _, e := range []string{"2.1.2/a", "2.1.2/b", "2.1.2/c"} {
		f.Add("element", e)
		r := rows[e]
		f.Set("score:"+e, r[0])
		f.Set("facts:"+e, r[1])
		f.Set("rec:"+e, r[2])
	}
	for _, e := range set {
		f.Set("set:"+e, "1")
	}
	return f
}

func (v *sectionVisit) scores(surveyor int64) map[string]bukti.SurveyScore {
	out := map[string]bukti.SurveyScore{}
	var rows []bukti.SurveyScore
	v.h.db.Where("survey_id = ? AND surveyor_id = ?", v.id, surveyor).Find(&rows)
	for _, r := range rows {
		out[r.ElementID] = r
	}
	return out
}

// TestSurveyScoreSection scores a kriteria in one save from the page: a
// save with one invalid EP keeps every EP's typed text, says which EP is
// wrong next to it, and saves nothing; a valid save keeps them all.
func TestSurveyScoreSection(t *testing.T) {
	v := newSectionVisit(t)
	path := v.page + "/scores"
	short := "Terlalu singkat."
	cases := []struct {
		name   string
		who    *visitor
		rows   map[string][3]string
		status int
		msg    string            // the page's message
		errs   map[string]string // EP anchor → its inline error; every other EP has none
		kept   []string          // typed text the refused page holds
		saved  map[string]string // EP → score stored after the case
	}{
		{"nothing filled", v.lead, nil, http.StatusBadRequest, "Kirim minimal satu nilai EP.", nil, nil, map[string]string{}},
		{"one short, all kept", v.lead, map[string][3]string{
			"2.1.2/a": {"10", factsA, recA}, "2.1.2/b": {"5", short, recB}, "2.1.2/c": {"10", factsB, recB}},
			http.StatusBadRequest, "Fakta dan analisis untuk 2.1.2/b harus 30–4000 karakter (sekarang 16)",
			map[string]string{"2-1-2-b": "Fakta dan analisis untuk 2.1.2/b harus 30–4000 karakter (sekarang 16)"},
			[]string{factsA, recA, short, recB, factsB}, map[string]string{}},
		{"two wrong", v.lead, map[string][3]string{
			"2.1.2/a": {"7", factsA, recA}, "2.1.2/b": {"5", factsB, recB}, "2.1.2/c": {"10", factsB, "x"}},
			http.StatusBadRequest, "2 isian belum benar (2.1.2/a, 2.1.2/c)",
			map[string]string{"2-1-2-a": "Nilai &#34;7&#34; tidak sah", "2-1-2-c": "Rekomendasi untuk 2.1.2/c harus 30–4000 karakter (sekarang 1)"},
			[]string{factsA, factsB}, map[string]string{}},
		{"the quality team", v.mutu, map[string][3]string{"2.1.2/a": {"10", factsA, recA}}, http.StatusForbidden, "Peran Anda tidak mengizinkan", nil, nil, map[string]string{}},
		{"a blank row is skipped", v.lead, map[string][3]string{"2.1.2/a": {"10", factsA, recA}}, http.StatusSeeOther, "", nil, nil, map[string]string{"2.1.2/a": "10"}},
		{"all three in one save", v.lead, map[string][3]string{
			"2.1.2/a": {"10", factsA, recA}, "2.1.2/b": {"5", factsB, recB}, "2.1.2/c": {"TDD", factsB, recB}},
			http.StatusSeeOther, "", nil, nil, map[string]string{"2.1.2/a": "10", "2.1.2/b": "5", "2.1.2/c": "TDD"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, loc, body := tc.who.post(path, scoreForm(tc.rows))
			if tc.status == http.StatusSeeOther {
				if status != http.StatusSeeOther || loc != fmt.Sprintf("/s/%d?ok=survey.ok.scored&k=2.1.2#scores", v.id) {
					t.Fatalf("save: %d → %q", status, loc)
				}
			} else {
				refused(t, tc.name, status, body, tc.status, tc.msg)
			}
			for anchor, msg := range tc.errs {
				if a := scoreArticle(t, body, anchor); !strings.Contains(a, `class="field-error"`) || !strings.Contains(a, msg) {
					t.Errorf("EP %s does not say %q next to it:\n%s", anchor, msg, a)
				}
			}
			if tc.errs != nil {
				for _, anchor := range []string{"2-1-2-a", "2-1-2-b", "2-1-2-c"} {
					if _, wrong := tc.errs[anchor]; !wrong && strings.Contains(scoreArticle(t, body, anchor), "field-error") {
						t.Errorf("EP %s is marked wrong", anchor)
					}
				}
				if tc.name == "one short, all kept" && !strings.Contains(scoreArticle(t, body, "2-1-2-b"), `<small class="count short" id="score-2-1-2-b-facts-count" data-count><span class="n">16</span>`) {
					t.Error("the short facts do not show their count of 16")
				}
				if !strings.Contains(body, `id="scores-form" data-guard data-draft`) {
					t.Error("the refused form is not marked unsaved")
				}
			}
			for _, s := range tc.kept {
				if !strings.Contains(body, html.EscapeString(s)) {
					t.Errorf("the refused page lost %q", s)
				}
			}
			got := map[string]string{}
			for e, r := range v.scores(v.leadID) {
				got[e] = survey.FormatScore(r.Score, r.TDD)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.saved) {
				t.Errorf("stored scores %v, want %v", got, tc.saved)
			}
		})
	}
	// The page shows the counts and the suggestion beside each EP.
	_, _, body := v.lead.get(v.page)
	a := scoreArticle(t, body, "2-1-2-a")
	wants(t, "EP a after saving", a, fmt.Sprintf(`<span class="n">%d</span> karakter (minimal 30)`, len([]rune(factsA))), `class="suggest`, `name="facts:2.1.2/a"`)
	if strings.Count(body, `action="`+path+`"`) != 1 {
		t.Errorf("the scoring section has %d forms, want one", strings.Count(body, `action="`+path+`"`))
	}
}

// TestSurveyFinalSection sets the team lead's final scores in one save:
// only the rows ticked; one invalid ticked row keeps every row's text and
// saves nothing.
func TestSurveyFinalSection(t *testing.T) {
	v := newSectionVisit(t)
	ctx := context.Background()
	for _, s := range []struct {
		who     int64
		a, b, c string
	}{{v.leadID, "10", "5", "10"}, {v.memberID, "10", "0", "10"}} {
		for e, sc := range map[string]string{"2.1.2/a": s.a, "2.1.2/b": s.b, "2.1.2/c": s.c} {
			if _, err := v.h.surveys.Score(ctx, v.id, s.who, survey.ScoreInput{Element: e, Score: sc, Facts: factsA, Recommendation: recA}); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, _, body := v.lead.get(v.page)
	wants(t, "reconciliation", body, `action="`+v.page+`/finals"`, `name="set:2.1.2/b"`, "Simpan nilai akhir yang dicentang")
	path := v.page + "/finals"
	decided := "Keputusan ketua: keterlibatan masyarakat terbukti pada sebagian tahap saja."
	cases := []struct {
		name   string
		who    *visitor
		form   url.Values
		status int
		msg    string
		kept   []string
		finals string
	}{
		{"nothing ticked", v.lead, scoreForm(map[string][3]string{"2.1.2/b": {"0", decided, recB}}), http.StatusBadRequest, "Centang minimal satu EP", []string{decided}, "map[]"},
		{"a ticked row too short", v.lead, scoreForm(map[string][3]string{"2.1.2/a": {"10", factsA, recA}, "2.1.2/b": {"0", decided, "pendek"}}, "2.1.2/a", "2.1.2/b"),
			http.StatusBadRequest, "Rekomendasi untuk 2.1.2/b harus 30–4000 karakter", []string{decided, ">pendek</textarea>", factsA}, "map[]"},
		{"a member", v.member, scoreForm(map[string][3]string{"2.1.2/b": {"0", decided, recB}}, "2.1.2/b"), http.StatusForbidden, "Hanya ketua tim", nil, "map[]"},
		{"b ticked, a left as typed", v.lead, scoreForm(map[string][3]string{"2.1.2/a": {"5", factsA, recA}, "2.1.2/b": {"0", decided, recB}}, "2.1.2/b"),
			http.StatusSeeOther, "", nil, "map[2.1.2/b:0]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, loc, body := tc.who.post(path, tc.form)
			if tc.status == http.StatusSeeOther {
				redirected(t, tc.name, status, loc, v.id, "survey.ok.final_set")
			} else {
				refused(t, tc.name, status, body, tc.status, tc.msg)
			}
			for _, s := range tc.kept {
				if !strings.Contains(body, s) {
					t.Errorf("the refused page lost %q", s)
				}
			}
			got := map[string]string{}
			for e, r := range v.scores(survey.Final) {
				got[e] = survey.FormatScore(r.Score, r.TDD)
			}
			if fmt.Sprint(got) != tc.finals {
				t.Errorf("final scores %v, want %s", got, tc.finals)
			}
		})
	}
}

// TestSurveyReviewSection: the review lists requirements without evidence,
// filters what is not reviewed yet, and accepts several items in one save,
// each audited; a refused set changes nothing and keeps the ticks.
func TestSurveyReviewSection(t *testing.T) {
	v := newSectionVisit(t)
	a1, a2, c1 := v.items["2.1.2/a/R1"].ID, v.items["2.1.2/a/R2"].ID, v.items["2.1.2/c/D1"].ID
	path := v.page + "/items/review"
	audits := func() int64 {
		var n int64
		v.h.db.Model(&bukti.AuditEntry{}).Where("action = ?", "survey.review").Count(&n)
		return n
	}
	reviewed := func() string {
		var rows []bukti.SnapshotItem
		v.h.db.Where("survey_id = ?", v.id).Order("id").Find(&rows)
		var out []string
		for _, r := range rows {
			out = append(out, r.Review)
		}
		return strings.Join(out, " ")
	}
	cases := []struct {
		name    string
		who     *visitor
		form    url.Values
		status  int
		msg     string
		checked []int64 // ticks the refused page keeps
		audits  int64
		after   string
	}{
		{"none ticked", v.lead, url.Values{"k": {"all"}}, http.StatusBadRequest, "Centang minimal satu butir bukti", nil, 0, "pending pending pending"},
		{"not a number", v.lead, url.Values{"item": {fmt.Sprint(a1), "satu"}}, http.StatusBadRequest, "Centang minimal satu butir bukti", []int64{a1}, 0, "pending pending pending"},
		{"no such item", v.lead, url.Values{"item": {fmt.Sprint(a1), "99999"}}, http.StatusNotFound, "Butir snapshot #99999 tidak ditemukan", []int64{a1}, 0, "pending pending pending"},
		{"the quality team", v.mutu, url.Values{"item": {fmt.Sprint(a1)}}, http.StatusForbidden, "Peran Anda tidak mengizinkan", nil, 0, "pending pending pending"},
		{"two at once", v.lead, url.Values{"item": {fmt.Sprint(a1), fmt.Sprint(c1)}, "show": {"pending"}, "k": {"2.1.2"}}, http.StatusSeeOther, "", nil, 2, "accepted pending accepted"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := audits()
			status, loc, body := tc.who.post(path, tc.form)
			if tc.status == http.StatusSeeOther {
				if status != http.StatusSeeOther || loc != fmt.Sprintf("/s/%d?ok=survey.ok.reviewed_many&k=2.1.2&show=pending#items", v.id) {
					t.Fatalf("accept: %d → %q", status, loc)
				}
			} else {
				refused(t, tc.name, status, body, tc.status, tc.msg)
			}
			for _, id := range tc.checked {
				if !regexp.MustCompile(fmt.Sprintf(`id="pick-%d"[^>]* checked>`, id)).MatchString(body) {
					t.Errorf("the refused page lost the tick on item %d", id)
				}
			}
			if got := audits() - before; got != tc.audits {
				t.Errorf("%d audit rows, want %d", got, tc.audits)
			}
			if got := reviewed(); got != tc.after {
				t.Errorf("reviews %q, want %q", got, tc.after)
			}
		})
	}

	// Filters and scopes.
	pages := []struct {
		name   string
		query  string
		status int
		has    []string
		hasNot []string
	}{
		{"not yet reviewed", "?show=pending", http.StatusOK, []string{fmt.Sprintf(`id="item-%d"`, a2), `<option value="pending" selected>Belum ditelaah</option>`},
			[]string{fmt.Sprintf(`id="item-%d"`, a1), fmt.Sprintf(`id="item-%d"`, c1), `data-missing=`}},
		{"accepted", "?show=accepted", http.StatusOK, []string{fmt.Sprintf(`id="item-%d"`, a1), fmt.Sprintf(`id="item-%d"`, c1)}, []string{fmt.Sprintf(`id="item-%d"`, a2)}},
		{"rejected: none", "?show=rejected", http.StatusOK, []string{`id="items-none"`}, []string{`class="item review-`}},
		{"everything", "?k=all", http.StatusOK, []string{fmt.Sprintf(`id="item-%d"`, a1), fmt.Sprintf(`id="item-%d"`, a2), `data-missing="2.1.2/b/D1"`}, nil},
		{"a Bab", "?k=II", http.StatusOK, []string{fmt.Sprintf(`id="item-%d"`, a2)}, nil},
		{"an unknown filter", "?show=semua", http.StatusBadRequest, []string{"Saringan telaah &#34;semua&#34; tidak dikenal"}, nil},
		{"an unknown kriteria", "?k=9.9.9", http.StatusNotFound, []string{"Kriteria atau Bab &#34;9.9.9&#34; tidak ada"}, nil},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			status, _, body := v.lead.get(v.page + p.query)
			if status != p.status {
				t.Fatalf("status %d, want %d", status, p.status)
			}
			wants(t, p.name, body, p.has...)
			for _, s := range p.hasNot {
				if strings.Contains(body, s) {
					t.Errorf("%s shows %q", p.name, s)
				}
			}
		})
	}
	// Accepted items are not offered for accepting again.
	_, _, body := v.lead.get(v.page)
	if strings.Contains(block(t, body, fmt.Sprintf("item-%d", a1), "</li>"), `class="secondary accept"`) {
		t.Error("an accepted item is offered to be accepted again")
	}
}

// TestSurveyScope: on the complete standard the page shows one kriteria
// at a time, where the viewer's work is, with a chooser that counts it.
func TestSurveyScope(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	ctx := context.Background()
	f := h.createFacility("P3277010101")
	h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	leadID, _ := h.userWith("ketua@kars.test", bukti.RoleBinding{})
	var adminID int64
	h.db.Model(&bukti.User{}).Where("email = ?", adminEmail).Pluck("id", &adminID)
	sv, err := h.surveys.Create(ctx, survey.Input{FacilityID: f.ID, Type: "initial", Surveyors: []int64{leadID}}, adminID)
	if err != nil {
		t.Fatal(err)
	}
	mutu := newVisitor(h)
	mutu.login("mutu@puskesmas.test", "kata-sandi-pengguna-1")
	page := fmt.Sprintf("/s/%d", sv.ID)
	count := func(body string) int { return strings.Count(body, `<div class="ep-row`) }
	k111, _, _ := h.cat.Kriteria("1.1.1")

	_, _, body := mutu.get(page)
	wants(t, "the first page", body, `id="scope-k"`, `<option value="1.1.1" selected>`, `<option value="2.1.2">– 2.1.2`, "(0/", `id="self-1-1-1-a"`)
	if n := count(body); n != len(k111.Elements) {
		t.Errorf("the first page shows %d EP, want the %d of 1.1.1", n, len(k111.Elements))
	}
	if n := len(body); n > 300<<10 {
		t.Errorf("the survey page weighs %d bytes, over 300 KB", n)
	}
	// Assessing 1.1.1 moves the default on.
	var self []survey.SelfScore
	for _, e := range k111.Elements {
		self = append(self, survey.SelfScore{Element: e.ID, Score: "10", Justification: "Bukti lengkap menurut tim mutu."})
	}
	if _, err := h.surveys.SelfAssess(ctx, sv.ID, adminID, self); err != nil {
		t.Fatal(err)
	}
	_, _, body = mutu.get(page)
	if !strings.Contains(body, `<option value="1.1.1">– 1.1.1`) || strings.Contains(body, `<option value="1.1.1" selected>`) {
		t.Error("the page still opens on 1.1.1, fully assessed")
	}
	wants(t, "progress", body, fmt.Sprintf("(%d/%d)", len(k111.Elements), len(k111.Elements)), `rel="prev"`)
	_, _, body = mutu.get(page + "?k=2.1.2")
	if n := count(body); n != 3 {
		t.Errorf("?k=2.1.2 shows %d EP, want 3", n)
	}
	wants(t, "2.1.2", body, `id="self-2-1-2-b"`, `<input type="hidden" name="k" value="2.1.2">`)
	_, _, body = mutu.get(page + "?k=II")
	if n := count(body); n <= 3 {
		t.Errorf("Bab II shows %d EP", n)
	}
}

// TestSurveyPlanFromList: surveyors are chosen from a list of those the
// planner may assign; a choice from outside it is refused like an unknown
// email; a planner with nobody to choose is told so.
func TestSurveyPlanFromList(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	ctx := context.Background()
	f := h.createFacility("PPL")
	far := h.createFacilityIn("PJAUH", districtB)
	var district int64
	h.db.Model(&bukti.District{}).Where("code = ?", districtA).Pluck("id", &district)
	h.userWith("dinkes@cimahi.test", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &district})
	farUser, _ := h.userWith("mutu@bandung.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &far.ID})
	a, _ := h.userWith("surveior.a@kars.test", bukti.RoleBinding{})
	b, _ := h.userWith("surveior.b@kars.test", bukti.RoleBinding{})
	disabled, _ := h.userWith("nonaktif@kars.test", bukti.RoleBinding{})
	if _, err := h.auth.SetDisabled(ctx, disabled, true, nil); err != nil {
		t.Fatal(err)
	}
	sup := newVisitor(h)
	sup.login("dinkes@cimahi.test", "kata-sandi-pengguna-1")
	admin := newVisitor(h)
	admin.login(adminEmail, adminPassword)

	_, _, list := sup.get("/surveys")
	wants(t, "the supervisor's form", list, fmt.Sprintf(`name="surveyor" value="%d"`, a), fmt.Sprintf(`name="surveyor" value="%d"`, b),
		fmt.Sprintf(`<option value="%d">surveior.b@kars.test</option>`, b), "belum pernah bertugas")
	for _, hidden := range []string{"mutu@bandung.test", "nonaktif@kars.test", "dinkes@cimahi.test", adminEmail} {
		if strings.Contains(list, hidden) {
			t.Errorf("the supervisor's list offers %s", hidden)
		}
	}
	countSurveys := func() int64 {
		var n int64
		h.db.Model(&bukti.Survey{}).Count(&n)
		return n
	}
	plan := func(extra url.Values) url.Values {
		f := url.Values{"facility": {fmt.Sprint(f.ID)}, "type": {"upgrade"}, "mode": {"hybrid"}}
		for k, v := range extra {
			f[k] = v
		}
		return f
	}
	cases := []struct {
		name   string
		who    *visitor
		form   url.Values
		status int
		msg    string
		kept   []string
	}{
		{"nobody chosen", sup, plan(nil), http.StatusBadRequest, "Tugaskan 1–4 surveior", []string{`<option value="upgrade" selected>`, `<option value="hybrid" selected>`}},
		{"a user outside the list", sup, plan(url.Values{"surveyor": {fmt.Sprint(a), fmt.Sprint(farUser)}}), http.StatusBadRequest,
			fmt.Sprintf("Surveior #%d tidak ditemukan atau tidak dapat ditugaskan.", farUser), []string{fmt.Sprintf(`name="surveyor" value="%d" checked>`, a)}},
		{"a disabled user", sup, plan(url.Values{"surveyor": {fmt.Sprint(disabled)}}), http.StatusBadRequest, fmt.Sprintf("Surveior #%d tidak ditemukan", disabled), nil},
		{"a lead not chosen", sup, plan(url.Values{"surveyor": {fmt.Sprint(a)}, "lead": {fmt.Sprint(b)}}), http.StatusBadRequest, "Ketua tim harus salah satu surveior yang ditugaskan.",
			[]string{fmt.Sprintf(`<option value="%d" selected>`, b)}},
		{"two chosen, b leads", sup, plan(url.Values{"surveyor": {fmt.Sprint(a), fmt.Sprint(b)}, "lead": {fmt.Sprint(b)}}), http.StatusSeeOther, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := countSurveys()
			status, loc, body := tc.who.post("/surveys", tc.form)
			if tc.status == http.StatusSeeOther {
				m := surveyLocRe.FindStringSubmatch(loc)
				if status != http.StatusSeeOther || m == nil {
					t.Fatalf("plan: %d → %q", status, loc)
				}
				var sv bukti.Survey
				h.db.Last(&sv)
				team, _ := h.surveys.Surveyors(ctx, sv.ID)
				if len(team) != 2 || sv.LeadID == nil || *sv.LeadID != b || sv.Type != "upgrade" {
					t.Errorf("planned: %+v, team %v", sv, team)
				}
				return
			}
			refused(t, tc.name, status, body, tc.status, tc.msg)
			wants(t, tc.name, body, tc.kept...)
			if countSurveys() != before {
				t.Error("a refused plan made a survey")
			}
		})
	}

	// Nobody left to choose: the form and the refusal say so.
	for _, id := range []int64{a, b} {
		if _, err := h.auth.SetDisabled(ctx, id, true, nil); err != nil {
			t.Fatal(err)
		}
	}
	// The surveyors of the planned survey hold the surveyor role: disable
	// them too, and nobody is left.
	_, _, list = sup.get("/surveys")
	wants(t, "an empty list", list, `id="no-candidates"`, "Belum ada akun surveior yang dapat Anda tugaskan")
	status, _, body := sup.post("/surveys", plan(nil))
	refused(t, "nobody to choose", status, body, http.StatusBadRequest, "Belum ada akun surveior yang dapat Anda tugaskan. Minta admin membuat akun")
	_ = admin
}
