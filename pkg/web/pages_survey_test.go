package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// Narratives long enough for survey.MinNarrative.
const (
	factsA = "SK dan SOP pemberdayaan masyarakat ada, ditandatangani dan berlaku."
	recA   = "Pertahankan dan tinjau SK pemberdayaan setiap tahun bersama LP/LS."
	factsB = "Tidak ada bukti keterlibatan masyarakat pada tahap perencanaan dan evaluasi."
	recB   = "Libatkan tokoh masyarakat dalam SMD dan MMD; simpan daftar hadir dan notulen."
)

// wants fails the test unless body holds every text.
func wants(t *testing.T, what, body string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(body, s) {
			t.Errorf("%s lacks %q", what, s)
		}
	}
}

// refused checks a refused form: the status, and the service's message on
// the page shown instead.
func refused(t *testing.T, what string, status int, body string, wantStatus int, msg string) {
	t.Helper()
	if status != wantStatus {
		t.Errorf("%s: status %d, want %d", what, status, wantStatus)
	}
	if !strings.Contains(body, msg) {
		t.Errorf("%s: the page does not say %q", what, msg)
	}
}

// redirected checks a successful form: back to the survey page with the
// confirmation key.
func redirected(t *testing.T, what string, status int, loc string, surveyID int64, okKey string) {
	t.Helper()
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, fmt.Sprintf("/s/%d?ok=%s", surveyID, okKey)) {
		t.Fatalf("%s: %d → %q, want a redirect to the survey with ok=%s", what, status, loc, okKey)
	}
}

var surveyLocRe = regexp.MustCompile(`^/s/(\d+)\?ok=survey\.ok\.planned$`)

// TestSurveyPages drives a whole visit through the page routes with plain
// form posts, as each role in turn: the admin plans it, the quality team
// assesses itself and submits, two surveyors review and score, the team
// lead reconciles, decides the conflict and finalizes, the quality team
// fills in the PPS, and a supervisor reads the printable report. Every
// refusal is checked to show the service's message and change nothing.
func TestSurveyPages(t *testing.T) {
	h := newHarnessOn(t, "sqlite", "filesystem", 1<<20, kriteria212(t))
	ctx := context.Background()
	f := h.createFacility("P3277010101")
	other := h.createFacilityIn("P3273020202", districtB)
	var did int64
	h.db.Model(&bukti.District{}).Where("code = ?", districtA).Pluck("id", &did)
	h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	h.userWith("mutu@lain.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &other.ID})
	h.userWith("dinkes@cimahi.test", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &did})
	leadID, _ := h.userWith("ketua@kars.test", bukti.RoleBinding{})
	h.userWith("anggota@kars.test", bukti.RoleBinding{})
	r1 := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk-pemberdayaan.pdf", testenv.PDF("SK")))
	h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R2"}, file("sop.pdf", testenv.PDF("SOP")))
	h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/c/D1"}, file("evaluasi.pdf", testenv.PDF("evaluasi")))

	const password = "kata-sandi-pengguna-1"
	as := func(email string) *visitor {
		v := newVisitor(h)
		if email == adminEmail {
			v.login(adminEmail, adminPassword)
		} else {
			v.login(email, password)
		}
		return v
	}
	admin, mutu, lead, member := as(adminEmail), as("mutu@puskesmas.test"), as("ketua@kars.test"), as("anggota@kars.test")

	// Plan the visit from the survey list page.
	var id int64
	t.Run("plan", func(t *testing.T) {
		_, _, body := admin.get("/surveys")
		wants(t, "survey list for the admin", body, "Rencanakan survei", `action="/surveys"`, f.Name)
		status, _, body := admin.post("/surveys", url.Values{"facility": {fmt.Sprint(f.ID)}, "type": {"initial"}, "surveyors": {""}})
		refused(t, "plan without surveyors", status, body, http.StatusBadRequest, "Tugaskan 1–4 surveior")
		status, _, body = admin.post("/surveys", url.Values{"facility": {fmt.Sprint(f.ID)}, "type": {"initial"}, "surveyors": {"tidak-ada@kars.test"}})
		refused(t, "plan with an unknown surveyor", status, body, http.StatusBadRequest, "Surveior tidak-ada@kars.test tidak ditemukan atau tidak dapat ditugaskan.")
		var n int64
		h.db.Model(&bukti.Survey{}).Count(&n)
		if n != 0 {
			t.Fatalf("refused plans left %d surveys", n)
		}
		status, loc, _ := admin.post("/surveys", url.Values{"facility": {fmt.Sprint(f.ID)}, "type": {"initial"}, "mode": {"onsite"},
			"start_date": {"2026-03-02"}, "end_date": {"2026-03-04"}, "surveyors": {"ketua@kars.test, anggota@kars.test"}, "lead": {"ketua@kars.test"}})
		m := surveyLocRe.FindStringSubmatch(loc)
		if status != http.StatusSeeOther || m == nil {
			t.Fatalf("plan: %d → %q", status, loc)
		}
		fmt.Sscan(m[1], &id)
		_, _, body = admin.get(loc)
		wants(t, "new survey page", body, "Survei direncanakan dan surveior ditugaskan", "Akreditasi awal", "02-03-2026",
			"ketua@kars.test", "anggota@kars.test", `class="badge lead"`, `aria-current="step" data-state="planned"`)
	})
	if id == 0 {
		t.FailNow()
	}
	page := fmt.Sprintf("/s/%d", id)
	path := func(rest string) string { return page + rest }
	var sv bukti.Survey
	state := func() string {
		h.db.First(&sv, id)
		return sv.State
	}

	t.Run("lists", func(t *testing.T) {
		if _, _, body := mutu.get(fmt.Sprintf("/f/%d", f.ID)); !strings.Contains(body, fmt.Sprintf(`href="/f/%d/surveys"`, f.ID)) {
			t.Error("facility dashboard lacks the link to its surveys")
		}
		_, _, body := mutu.get(fmt.Sprintf("/f/%d/surveys", f.ID))
		wants(t, "facility survey list", body, fmt.Sprintf(`href="/s/%d"`, id), "Direncanakan")
		if strings.Contains(body, `action="/surveys"`) {
			t.Error("the quality team sees the form to plan surveys")
		}
		_, _, body = lead.get("/")
		wants(t, "surveyor home page", body, fmt.Sprintf(`href="/s/%d"`, id))
		if status, _, _ := as("mutu@lain.test").get(page); status != http.StatusNotFound {
			t.Errorf("another facility's quality team on the survey: status %d, want 404", status)
		}
	})

	elements := []string{"2.1.2/a", "2.1.2/b", "2.1.2/c"}
	t.Run("self-assessment", func(t *testing.T) {
		_, _, body := mutu.get(page)
		wants(t, "survey page for the quality team", body, "Penilaian mandiri", "Saran dari kesiapan bukti", `action="/s/`+fmt.Sprint(id)+`/self-assessment"`)
		if strings.Contains(body, `/submit"`) {
			t.Error("submit offered before any self-assessment")
		}
		self := func(scores, justs []string) url.Values {
			return url.Values{"element": elements, "score": scores, "justification": justs}
		}
		just := "Bukti sudah diunggah lengkap sesuai daftar."
		status, _, body := mutu.post(path("/self-assessment"), self([]string{"10", "", "5"}, []string{just, "", "pendek"}))
		refused(t, "short justification", status, body, http.StatusBadRequest, "Tuliskan alasan penilaian mandiri untuk 2.1.2/c")
		if !strings.Contains(body, ">pendek</textarea>") {
			t.Error("the refused self-assessment does not keep what was typed")
		}
		if state() != bukti.SurveyPlanned {
			t.Errorf("refused self-assessment moved the survey to %s", sv.State)
		}
		status, loc, _ := mutu.post(path("/self-assessment"), self([]string{"10", "", "5"}, []string{just, "", just}))
		redirected(t, "partial self-assessment", status, loc, id, "survey.ok.self_saved")
		// The page says what is missing before anyone confirms: no form
		// to submit, a disabled button, the EP left.
		_, _, body = mutu.get(page)
		wants(t, "page with an EP missing", body, "1 EP belum dinilai mandiri", `data-unassessed="2.1.2/b"`,
			`href="/s/`+fmt.Sprint(id)+`?k=2.1.2#self-2-1-2-b"`, `<button type="button" disabled`)
		if strings.Contains(body, `action="/s/`+fmt.Sprint(id)+`/submit"`) || strings.Contains(body, "data-confirm=\"Ajukan penilaian mandiri?") {
			t.Error("the page offers to submit (and to confirm) an incomplete self-assessment")
		}
		status, _, body = mutu.post(path("/submit"), url.Values{})
		refused(t, "submit with an EP missing", status, body, http.StatusBadRequest, "Penilaian mandiri belum lengkap: 1 EP belum dinilai (2.1.2/b)")
		// c is proposed TDD: the system will suggest nothing for it.
		status, loc, _ = mutu.post(path("/self-assessment"), self([]string{"10", "0", "TDD"}, []string{just, "Belum ada keterlibatan masyarakat tercatat.", just}))
		redirected(t, "full self-assessment", status, loc, id, "survey.ok.self_saved")
		_, _, body = mutu.get(loc)
		wants(t, "page after saving", body, "Penilaian mandiri tersimpan.", "Ajukan penilaian mandiri", "dibekukan", `<option value="0" selected>`,
			"Semua EP sudah dinilai mandiri.", `action="/s/`+fmt.Sprint(id)+`/submit" data-confirm="Ajukan penilaian mandiri?`)
		if strings.Contains(body, `id="unassessed"`) {
			t.Error("a complete self-assessment still lists EP to assess")
		}
		status, loc, _ = mutu.post(path("/submit"), url.Values{})
		redirected(t, "submit", status, loc, id, "survey.ok.submitted")
		if state() != bukti.SurveyInReview {
			t.Fatalf("after submit the survey is %s", sv.State)
		}
	})

	items, _ := h.surveys.Items(ctx, id)
	var r1Item bukti.SnapshotItem
	for _, it := range items {
		if it.EvidenceID == r1.Evidence[0].ID {
			r1Item = it
		}
	}
	review := func(v *visitor, item int64, verdict, note string) (int, string, string) {
		return v.post(path(fmt.Sprintf("/items/%d/review", item)), url.Values{"review": {verdict}, "note": {note}})
	}
	t.Run("review", func(t *testing.T) {
		if len(items) != 3 {
			t.Fatalf("snapshot has %d items, want 3", len(items))
		}
		_, _, body := mutu.get(page)
		wants(t, "quality team in review", body, "Telaah bukti", "3 butir bukti · 3 menunggu telaah · 0 ditolak")
		if strings.Contains(body, "/review\"") || strings.Contains(body, `action="/s/`+fmt.Sprint(id)+`/score"`) {
			t.Error("the quality team sees review or score forms")
		}
		_, _, body = lead.get(page)
		wants(t, "surveyor in review", body, "sk-pemberdayaan.pdf", fmt.Sprintf("/api/v1/evidence/%d/content?revision=1", r1Item.EvidenceID),
			fmt.Sprintf(`action="/s/%d/items/%d/review"`, id, r1Item.ID), "Terima", "Alasan penolakan",
			// Requirements asking for a file with none at all are listed
			// as missing; a W item is not.
			`data-missing="2.1.2/a/D1"`, `data-missing="2.1.2/b/D1"`, "Belum ada bukti", "persyaratan dokumen (R dan D) belum memiliki bukti sama sekali",
			// Inline preview, loaded only when opened; no forced download.
			fmt.Sprintf(`data-src="/api/v1/evidence/%d/content?revision=1"`, r1Item.EvidenceID), `data-preview="pdf"`,
			// Several at once.
			fmt.Sprintf(`action="/s/%d/items/review"`, id), fmt.Sprintf(`name="item" value="%d" form="bulk-review"`, r1Item.ID))
		for _, bad := range []string{`data-missing="2.1.2/a/R1"`, `data-missing="2.1.2/a/W1"`, `<iframe`, fmt.Sprintf(`download="sk-pemberdayaan.pdf">sk-pemberdayaan.pdf`)} {
			if strings.Contains(body, bad) {
				t.Errorf("the review shows %q", bad)
			}
		}

		status, _, body := review(lead, r1Item.ID, "rejected", "")
		refused(t, "rejection without a reason", status, body, http.StatusBadRequest, "Tuliskan alasan penolakan (minimal 10 karakter)")
		var it bukti.SnapshotItem
		h.db.First(&it, r1Item.ID)
		if it.Review != bukti.ReviewPending {
			t.Errorf("a refused rejection changed the item to %s", it.Review)
		}
		status, _, body = review(mutu, r1Item.ID, "accepted", "")
		refused(t, "quality team reviewing", status, body, http.StatusForbidden, "Peran Anda tidak mengizinkan tindakan ini")
		status, loc, _ := review(lead, r1Item.ID, "rejected", "SK belum ditandatangani kepala Puskesmas.")
		redirected(t, "reject", status, loc, id, "survey.ok.reviewed")
		for _, x := range items[1:] {
			if x.ID == r1Item.ID {
				continue
			}
			status, loc, _ := review(member, x.ID, "accepted", "")
			redirected(t, "accept", status, loc, id, "survey.ok.reviewed")
		}
		if x := items[0]; x.ID != r1Item.ID {
			status, loc, _ := review(member, x.ID, "accepted", "")
			redirected(t, "accept", status, loc, id, "survey.ok.reviewed")
		}
	})

	t.Run("resubmit", func(t *testing.T) {
		_, _, body := mutu.get(page)
		wants(t, "quality team after a rejection", body, "Perlu diperbaiki", "SK belum ditandatangani kepala Puskesmas.", "Belum ada berkas pengganti untuk diajukan ulang.",
			fmt.Sprintf(`href="/f/%d/req?id=2.1.2%%2fa%%2fR1"`, f.ID))
		status, _, body := mutu.post(path("/resubmit"), url.Values{"evidence": {fmt.Sprint(r1Item.EvidenceID)}})
		refused(t, "resubmit without a new revision", status, body, http.StatusConflict, "unggah revisi baru terlebih dahulu")
		h.expect(http.StatusCreated, h.upload(fmt.Sprintf("/api/v1/evidence/%d/revisions", r1Item.EvidenceID), file("sk-ttd.pdf", testenv.PDF("SK bertanda tangan"))), nil)
		_, _, body = mutu.get(page)
		wants(t, "quality team after uploading a revision", body, "Ajukan ulang unggahan ke-2")
		status, loc, _ := mutu.post(path("/resubmit"), url.Values{"evidence": {fmt.Sprint(r1Item.EvidenceID)}})
		redirected(t, "resubmit", status, loc, id, "survey.ok.resubmitted")
		cur := survey.Current(must(h.surveys.Items(ctx, id)))
		var fresh bukti.SnapshotItem
		for _, x := range cur {
			if x.EvidenceID == r1Item.EvidenceID {
				fresh = x
			}
		}
		if fresh.RevisionNumber != 2 || fresh.Review != bukti.ReviewPending {
			t.Fatalf("resubmitted item: revision %d, %s", fresh.RevisionNumber, fresh.Review)
		}
		status, loc, _ = review(lead, fresh.ID, "accepted", "")
		redirected(t, "accept the revision", status, loc, id, "survey.ok.reviewed")
		_, _, body = lead.get(page)
		wants(t, "surveyor after the resubmission", body, "3 butir bukti · 0 menunggu telaah · 0 ditolak", "sk-ttd.pdf")
	})

	score := func(v *visitor, route, element, value, facts, rec string) (int, string, string) {
		return v.post(path(route), url.Values{"element": {element}, "score": {value}, "facts": {facts}, "recommendation": {rec}})
	}
	countScores := func() int64 {
		var n int64
		h.db.Model(&bukti.SurveyScore{}).Where("survey_id = ?", id).Count(&n)
		return n
	}
	t.Run("score", func(t *testing.T) {
		status, _, body := score(mutu, "/score", "2.1.2/a", "10", factsA, recA)
		refused(t, "quality team scoring", status, body, http.StatusForbidden, "Peran Anda tidak mengizinkan tindakan ini")
		status, _, body = score(lead, "/score", "2.1.2/a", "10", "Terlalu pendek.", recA)
		refused(t, "short facts", status, body, http.StatusBadRequest, "Fakta dan analisis untuk 2.1.2/a harus 30–4000 karakter (sekarang 15)")
		if !strings.Contains(body, ">Terlalu pendek.</textarea>") {
			t.Error("the refused score does not keep what was typed")
		}
		req := h.multipartRequest(path("/score"), field{name: "element", value: "2.1.2/a"}, field{name: "score", value: "10"},
			field{name: "facts", value: factsA}, field{name: "recommendation", value: recA})
		if status, _, _ := lead.do(req); status != http.StatusForbidden {
			t.Errorf("multipart score without the CSRF token: status %d, want 403", status)
		}
		status, _, body = score(lead, "/score", "2.1.2/a", "7", factsA, recA)
		refused(t, "score 7", status, body, http.StatusBadRequest, `Nilai &#34;7&#34; tidak sah; pilih 10, 5, 0, TDD.`)
		if n := countScores(); n != 0 {
			t.Fatalf("refused scores saved %d rows", n)
		}
		for _, s := range []struct {
			v                    *visitor
			ep, value, facts, rc string
		}{
			{lead, "2.1.2/a", "10", factsA, recA}, {lead, "2.1.2/b", "5", factsB, recB}, {lead, "2.1.2/c", "10", factsA, recA},
			{member, "2.1.2/a", "10", factsA, recA}, {member, "2.1.2/b", "0", factsB, recB}, {member, "2.1.2/c", "10", factsA, recA},
		} {
			status, loc, _ := score(s.v, "/score", s.ep, s.value, s.facts, s.rc)
			redirected(t, "score "+s.ep, status, loc, id, "survey.ok.scored")
		}
		sug, _ := h.surveys.Suggestions(ctx, id)
		_, _, body = lead.get(page)
		if _, _, qt := mutu.get(page); strings.Contains(qt, factsB) || strings.Contains(qt, `id="result"`) {
			t.Error("the quality team sees the surveyors' scores while they review")
		}
		wants(t, "lead's scoring section", body, "Penilaian surveior", fmt.Sprintf("Saran sistem %d", sug["2.1.2/b"]), "anggota@kars.test", factsB)
		if sug["2.1.2/b"] != 5 {
			wants(t, "lead's score of b", body, fmt.Sprintf("Nilai ini berbeda dari saran sistem (%d).", sug["2.1.2/b"]))
		}
		// c, proposed TDD in the self-assessment, has no suggestion: both
		// surveyors' 10 differ from nothing.
		if _, ok := sug["2.1.2/c"]; ok {
			t.Errorf("suggestions %v hold one for 2.1.2/c, proposed TDD", sug)
		}
		c := scoreArticle(t, body, "2-1-2-c")
		wants(t, "score of c, proposed TDD", c, `data-suggested=""`, "Tanpa saran sistem")
		if strings.Contains(c, "data-differs") || strings.Contains(c, "berbeda dari saran sistem") {
			t.Errorf("the score of 2.1.2/c, proposed TDD, is flagged as differing from a suggestion:\n%s", c)
		}
		if status, _, body := lead.post(path("/finalize"), url.Values{}); status != http.StatusConflict || !strings.Contains(body, "hanya dapat dilakukan saat survei berstatus scored") {
			t.Errorf("finalize in review: status %d", status)
		}
	})

	t.Run("reconcile", func(t *testing.T) {
		status, _, body := member.post(path("/reconcile"), url.Values{})
		refused(t, "reconcile by a member", status, body, http.StatusForbidden, "Hanya ketua tim surveior")
		_, _, body = member.get(page)
		if strings.Contains(body, `id="reconcile"`) {
			t.Error("a team member sees the reconciliation section")
		}
		status, loc, _ := lead.post(path("/reconcile"), url.Values{})
		redirected(t, "reconcile", status, loc, id, "survey.ok.reconciled")
		_, _, body = lead.get(page)
		wants(t, "reconciliation", body, "Rekonsiliasi", "Nilai akhir: 2 dari 3 EP.", `id="conflict-2-1-2-b" data-conflict="differ"`, "Nilai surveior berbeda")
		status, _, body = score(lead, "/final", "2.1.2/b", "0", factsB, "pendek")
		refused(t, "final score with a short recommendation", status, body, http.StatusBadRequest, "Rekomendasi untuk 2.1.2/b harus 30–4000 karakter")
		if state() != bukti.SurveyInReview {
			t.Errorf("refused final score moved the survey to %s", sv.State)
		}
		status, loc, _ = score(lead, "/final", "2.1.2/b", "0", factsB, recB)
		redirected(t, "final score", status, loc, id, "survey.ok.final_set")
		if state() != bukti.SurveyScored {
			t.Fatalf("after the last final score the survey is %s", sv.State)
		}
	})

	t.Run("result", func(t *testing.T) {
		_, _, body := lead.get(page)
		// Bab II: 10 + 0 + 10 of 30 = 66.7% → Dasar; Madya needs 75%:
		// 8.3 points short, 3 score points (23/30 = 76.7%).
		wants(t, "result", body, "Hasil", "20/30", "66.7%", `data-status="Dasar"`, "Menuju Madya",
			"minimal 75%: kurang 8.3 poin persen (3 poin nilai)", "Capaian per kriteria", "Finalisasi", "tidak dinilai")
		_, _, body = mutu.get(page)
		// The scores are the surveyors' until the survey is final.
		for _, hidden := range []string{"66.7%", "Penilaian surveior"} {
			if strings.Contains(body, hidden) {
				t.Errorf("the quality team sees %q before the survey is final", hidden)
			}
		}
		if strings.Contains(body, `/finalize"`) || strings.Contains(body, `id="reconcile"`) {
			t.Error("the quality team sees the reconciliation or the finalize button")
		}
	})

	t.Run("finalize", func(t *testing.T) {
		status, loc, _ := lead.post(path("/finalize"), url.Values{})
		redirected(t, "finalize", status, loc, id, "survey.ok.finalized")
		before := countScores()
		for _, v := range []*visitor{lead, member} {
			_, _, body := v.get(page)
			wants(t, "final survey page", body, "Survei sudah final.", `id="final-status" data-status="Dasar"`, "66.7%")
			if c := scoreArticle(t, body, "2-1-2-c"); strings.Contains(c, "berbeda dari saran sistem") || !strings.Contains(c, "Tanpa saran sistem") {
				t.Errorf("the final survey flags 2.1.2/c, proposed TDD, as differing from a suggestion:\n%s", c)
			}
			if strings.Contains(body, fmt.Sprintf(`action="/s/%d/`, id)) {
				t.Error("a surveyor still sees forms on the final survey")
			}
		}
		status, _, body := score(lead, "/score", "2.1.2/a", "5", factsA, recA)
		refused(t, "score after finalizing", status, body, http.StatusConflict, "sudah final; isinya tidak dapat diubah lagi")
		status, _, body = score(lead, "/final", "2.1.2/a", "5", factsA, recA)
		refused(t, "final score after finalizing", status, body, http.StatusConflict, "sudah final")
		status, _, _ = review(lead, items[1].ID, "rejected", "Terlambat ditolak setelah final.")
		if status != http.StatusConflict {
			t.Errorf("review after finalizing: status %d, want 409", status)
		}
		if status, _, _ := lead.post(path("/reconcile"), url.Values{}); status != http.StatusConflict {
			t.Errorf("reconcile after finalizing: status %d, want 409", status)
		}
		if after := countScores(); after != before {
			t.Errorf("refused posts changed the scores: %d → %d", before, after)
		}
	})

	t.Run("PPS", func(t *testing.T) {
		pps, _ := h.surveys.PPS(ctx, id)
		if len(pps) != 1 || pps[0].ElementID != "2.1.2/b" {
			t.Fatalf("PPS rows: %+v, want one for 2.1.2/b", pps)
		}
		key := fmt.Sprint(pps[0].ID)
		row := func(fields map[string]string) url.Values {
			f := url.Values{"row": {key}}
			for k, v := range fields {
				f.Set(k+":"+key, v)
			}
			return f
		}
		_, _, body := mutu.get(page)
		wants(t, "quality team on the final survey", body, "Perencanaan perbaikan strategis (PPS)", recB, `action="`+path("/pps")+`"`, "66.7%", "Penilaian surveior")
		status, _, body := mutu.post(path("/pps"), row(map[string]string{"progress": "50", "indicator": "Notulen MMD tersedia."}))
		refused(t, "progress without an action", status, body, http.StatusBadRequest, "Isi rencana tindakan dan penanggung jawab")
		wants(t, "the refused PPS", body, ">Notulen MMD tersedia.</textarea>", `value="50"`, `class="field-error"`)
		status, loc, _ := mutu.post(path("/pps"), row(map[string]string{"action": "Adakan SMD dan MMD bersama kader.", "responsible": "Koordinator UKM",
			"target_date": "2026-06-30", "indicator": "Notulen dan daftar hadir MMD tersedia.", "progress": "50"}))
		redirected(t, "PPS", status, loc, id, "survey.ok.pps_saved")
		_, _, body = mutu.get(page)
		wants(t, "PPS after saving", body, "Adakan SMD dan MMD bersama kader.", "30-06-2026", `data-progress="50"`, "Berjalan")
		_, _, body = lead.get(page)
		wants(t, "PPS for the lead", body, "Adakan SMD dan MMD bersama kader.")
		if strings.Contains(body, `action="`+path("/pps")+`"`) {
			t.Error("the lead sees the PPS form")
		}
		if status, _, _ := lead.post(path("/pps"), row(map[string]string{"action": "x", "responsible": "y"})); status != http.StatusForbidden {
			t.Errorf("PPS by a surveyor: status %d, want 403", status)
		}
		// The one-row route still works.
		status, loc, _ = mutu.post(path("/pps/"+key), url.Values{"action": {"Adakan SMD dan MMD bersama kader."}, "responsible": {"Koordinator UKM"},
			"target_date": {"2026-06-30"}, "indicator": {"Notulen dan daftar hadir MMD tersedia."}, "progress": {"100"}})
		redirected(t, "PPS row", status, loc, id, "survey.ok.pps_saved")
		if got, _ := h.surveys.PPS(ctx, id); got[0].Progress != 100 {
			t.Errorf("PPS by its row's route: progress %d", got[0].Progress)
		}
	})

	t.Run("report", func(t *testing.T) {
		sup := as("dinkes@cimahi.test")
		status, _, body := sup.get(path("/report"))
		if status != http.StatusOK {
			t.Fatalf("report for the supervisor: status %d", status)
		}
		wants(t, "report", body, "Laporan hasil survei akreditasi", f.Name, f.Code, "ketua@kars.test (ketua tim)", "anggota@kars.test",
			"66.7%", `id="result-status" data-status="Dasar"`, "minimal 75%: kurang 8.3 poin persen (3 poin nilai)",
			factsA, recB, "Adakan SMD dan MMD bersama kader.", "Koordinator UKM", "100%")
		_, _, body = sup.get("/district")
		wants(t, "district page", body, `href="/surveys"`)
		_, _, body = sup.get("/surveys")
		wants(t, "supervisor's survey list", body, fmt.Sprintf(`href="/s/%d"`, id), "Final", "Rencanakan survei")
		if status, _, _ := as("mutu@lain.test").get(path("/report")); status != http.StatusNotFound {
			t.Errorf("report for another facility's quality team: status %d, want 404", status)
		}
	})

	t.Run("English", func(t *testing.T) {
		lead.get("/lang/en?next=/")
		_, _, body := lead.get(page)
		wants(t, "English survey page", body, "This survey is final.", "Recommended status", "Strategic improvement plan (PPS)")
	})
	_ = leadID
}

// scoreArticle is the scoring article of one EP (its anchor) on a survey
// page.
func scoreArticle(t *testing.T, body, anchor string) string {
	t.Helper()
	start := strings.Index(body, `id="score-`+anchor+`"`)
	if start < 0 {
		t.Fatalf("no scoring article for %s", anchor)
	}
	end := strings.Index(body[start:], "</article>")
	if end < 0 {
		t.Fatalf("scoring article of %s does not end", anchor)
	}
	return body[start : start+end]
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
