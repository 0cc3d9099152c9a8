package web_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// submitIn runs actions that submit a form and waits for the page they
// lead to, failing unless it loads without an error status.
func submitIn(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action) {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	if resp != nil && resp.Status >= 400 {
		t.Fatalf("%s: status %d", step, resp.Status)
	}
}

// TestBrowserSurvey walks a survey visit in a real browser as the team
// lead: review the frozen evidence (reject one item with a reason, accept
// the others), score every EP with facts and recommendation, reconcile
// against the second surveyor's scores, decide the conflict, finalize, and
// print the report. The quality team's self-assessment and the second
// surveyor's scores are made through the survey service.
func TestBrowserSurvey(t *testing.T) {
	h := newHarnessOn(t, "sqlite", "filesystem", 1<<20, kriteria212(t))
	bg := context.Background()
	f := h.createFacility("P3277010101")
	h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	leadID, _ := h.userWith("ketua@kars.test", bukti.RoleBinding{})
	memberID, _ := h.userWith("anggota@kars.test", bukti.RoleBinding{})
	r1 := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk-pemberdayaan.pdf", testenv.PDF("SK")))
	h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R2"}, file("sop-pemberdayaan.pdf", testenv.PDF("SOP")))
	h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/c/D1"}, file("laporan-evaluasi.jpg", testenv.JPEG(2)))

	admin, err := h.auth.UserByEmail(bg, adminEmail)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sv, err := h.surveys.Create(bg, survey.Input{FacilityID: f.ID, Type: "reaccreditation", Surveyors: []int64{leadID, memberID}, Lead: leadID}, admin.ID)
	must(err)
	// The quality team assesses itself and submits, in its own browser.
	qt := browser(t, 1100, 900)
	h.signIn(t, qt, "mutu@puskesmas.test", "kata-sandi-pengguna-1")
	run(t, qt, "open the survey", chromedp.Navigate(fmt.Sprintf("%s/s/%d", h.srv.URL, sv.ID)), chromedp.WaitVisible("#self-form", chromedp.ByID))
	var fill []chromedp.Action
	for _, b := range h.cat.Bab {
		for _, st := range b.Standar {
			for _, k := range st.Kriteria {
				for _, e := range k.Elements {
					a := strings.NewReplacer(".", "-", "/", "-").Replace(e.ID)
					fill = append(fill, chromedp.SetValue("#self-score-"+a, "10", chromedp.ByID),
						chromedp.SetValue("#self-just-"+a, "Bukti lengkap menurut tim mutu.", chromedp.ByID))
				}
			}
		}
	}
	submitIn(t, qt, "save the self-assessment", append(fill, chromedp.Click("#self-save", chromedp.ByID))...)
	run(t, qt, "submit offered", chromedp.WaitVisible("#submit-form", chromedp.ByID))
	screenshot(t, qt, "survey-self")
	submitIn(t, qt, "submit (confirmed)", chromedp.Click(`#submit-form button[type="submit"]`, chromedp.ByQuery))
	run(t, qt, "review begins", chromedp.WaitVisible("#items", chromedp.ByID))
	if s := text(t, qt, "#survey-state"); s != "Telaah" {
		t.Fatalf("after submitting the survey is %q, want Telaah", s)
	}
	items, err := h.surveys.Items(bg, sv.ID)
	must(err)

	ctx := browser(t, 1100, 900)
	h.signIn(t, ctx, "ketua@kars.test", "kata-sandi-pengguna-1")
	page := fmt.Sprintf("%s/s/%d", h.srv.URL, sv.ID)
	run(t, ctx, "open the survey from the home page",
		chromedp.Click(fmt.Sprintf(`a[href="/s/%d"]`, sv.ID), chromedp.ByQuery), chromedp.WaitVisible("#items", chromedp.ByID))
	if s := text(t, ctx, "ol.steps li.current"); s != "3. Telaah" && s != "Telaah" {
		t.Errorf("current step = %q, want Telaah", s)
	}

	t.Run("review", func(t *testing.T) {
		var rejected, accepted int64
		for _, it := range items {
			if it.EvidenceID == r1.Evidence[0].ID {
				rejected = it.ID
			} else if accepted == 0 {
				accepted = it.ID
			}
		}
		item := func(id int64) string { return fmt.Sprintf("#item-%d", id) }
		run(t, ctx, "open the rejection form", chromedp.Click(item(rejected)+" details.reject summary", chromedp.ByQuery),
			chromedp.WaitVisible(fmt.Sprintf("#note-%d", rejected), chromedp.ByQuery))
		submitIn(t, ctx, "reject with a reason",
			chromedp.SendKeys(fmt.Sprintf("#note-%d", rejected), "SK belum ditandatangani kepala Puskesmas.", chromedp.ByQuery),
			chromedp.Click(item(rejected)+" details.reject button.danger", chromedp.ByQuery))
		run(t, ctx, "item shows rejected", chromedp.WaitVisible(item(rejected)+`[data-review="rejected"]`, chromedp.ByQuery))
		if s := text(t, ctx, "p.flash"); s != "Telaah tersimpan." {
			t.Errorf("flash after rejecting = %q", s)
		}
		submitIn(t, ctx, "accept", chromedp.Click(item(accepted)+" button.accept", chromedp.ByQuery))
		run(t, ctx, "item shows accepted", chromedp.WaitVisible(item(accepted)+`[data-review="accepted"]`, chromedp.ByQuery))
		screenshot(t, ctx, "survey-review")
		for _, it := range items {
			if it.ID != rejected && it.ID != accepted {
				submitIn(t, ctx, "accept the rest", chromedp.Click(item(it.ID)+" button.accept", chromedp.ByQuery))
			}
		}
		if s := text(t, ctx, "#items-summary"); s != "3 butir bukti · 0 menunggu telaah · 1 ditolak" {
			t.Errorf("review summary = %q", s)
		}
	})

	facts := map[string]string{
		"2.1.2/a": "SK dan SOP pemberdayaan masyarakat ada; SK belum ditandatangani.",
		"2.1.2/b": "Keterlibatan masyarakat hanya tercatat pada tahap pelaksanaan.",
		"2.1.2/c": "Evaluasi pemberdayaan dilakukan dan dilaporkan setiap semester.",
	}
	rec := "Lengkapi bukti sesuai pokok pikiran dan simpan daftar hadir serta notulen."
	t.Run("score", func(t *testing.T) {
		// Every EP of the kriteria in one save.
		scores := map[string]string{"2-1-2-a": "10", "2-1-2-b": "5", "2-1-2-c": "10"}
		var fill []chromedp.Action
		for anchor, value := range scores {
			sel := "#score-" + anchor
			ep := "2.1.2/" + anchor[len(anchor)-1:]
			fill = append(fill, chromedp.SetValue(sel+"-value", value, chromedp.ByQuery),
				chromedp.SetValue(sel+"-facts", facts[ep], chromedp.ByQuery),
				chromedp.SetValue(sel+"-rec", rec, chromedp.ByQuery))
		}
		submitIn(t, ctx, "score the kriteria", append(fill, chromedp.Click("#scores-save", chromedp.ByID))...)
		for anchor, value := range scores {
			var got string
			run(t, ctx, "read back "+anchor, chromedp.Value("#score-"+anchor+"-value", &got, chromedp.ByQuery))
			if got != value {
				t.Errorf("%s after saving shows %q, want %q", anchor, got, value)
			}
		}
		sug, err := h.surveys.Suggestions(bg, sv.ID)
		must(err)
		var flagged bool
		run(t, ctx, "differs flag", chromedp.Evaluate(`!!document.querySelector("#score-2-1-2-b [data-differs]")`, &flagged))
		if v, ok := sug["2.1.2/b"]; flagged != (ok && v != 5) {
			t.Errorf("EP b scored 5 with suggestion %d (%v): flag shown = %v", v, ok, flagged)
		}
		// The second surveyor scores b lower.
		for ep, v := range map[string]string{"2.1.2/a": "10", "2.1.2/b": "0", "2.1.2/c": "10"} {
			_, err := h.surveys.Score(bg, sv.ID, memberID, survey.ScoreInput{Element: ep, Score: v, Facts: facts[ep], Recommendation: rec})
			must(err)
		}
	})

	t.Run("reconcile and finalize", func(t *testing.T) {
		submitIn(t, ctx, "reload", chromedp.Navigate(page))
		submitIn(t, ctx, "reconcile", chromedp.Click("#reconcile-button", chromedp.ByID))
		run(t, ctx, "conflict on b", chromedp.WaitVisible(`#conflict-2-1-2-b[data-conflict="differ"]`, chromedp.ByQuery))
		if s := text(t, ctx, "#finals-count"); s != "Nilai akhir: 2 dari 3 EP." {
			t.Errorf("after reconciling: %q", s)
		}
		// Changing b's row ticks it to be saved (the page's script has run
		// once the save state shows).
		submitIn(t, ctx, "decide b",
			chromedp.WaitVisible("#finals-form [data-save-state]", chromedp.ByQuery),
			chromedp.SetValue("#final-2-1-2-b-value", "0", chromedp.ByQuery),
			chromedp.SendKeys("#final-2-1-2-b-facts", " Diputuskan ketua tim.", chromedp.ByQuery),
			chromedp.Click("#finals-save", chromedp.ByID))
		ov, err := h.surveys.Overview(bg, sv.ID)
		must(err)
		if f, ok := ov.Final("2.1.2/b"); !ok || f.Score != 0 || !strings.Contains(f.Facts, "Diputuskan ketua tim.") {
			t.Errorf("b's final score: %+v (set %v)", f, ok)
		}
		run(t, ctx, "finalize offered", chromedp.WaitVisible("#finalize-button", chromedp.ByID))
		submitIn(t, ctx, "finalize (confirmed)", chromedp.Click("#finalize-button", chromedp.ByID))
		run(t, ctx, "final notice", chromedp.WaitVisible("#final-notice", chromedp.ByID))
		if s := text(t, ctx, "#result-status"); s != "Dasar" {
			t.Errorf("recommended status = %q, want Dasar", s)
		}
		if s := text(t, ctx, `#bab-table tr[data-bab="II"] td:nth-child(3)`); s != "66.7%" {
			t.Errorf("Bab II = %q, want 66.7%%", s)
		}
		var forms int
		run(t, ctx, "no forms left", chromedp.Evaluate(`document.querySelectorAll("main form[method=post]").length`, &forms))
		if forms != 0 {
			t.Errorf("the final survey page still has %d forms for the lead", forms)
		}
		screenshot(t, ctx, "survey-result")
	})

	t.Run("phone", func(t *testing.T) {
		var fits bool
		run(t, ctx, "final survey page at 360 px", chromedp.EmulateViewport(360, 740), chromedp.Navigate(page), chromedp.WaitVisible("#result", chromedp.ByID),
			chromedp.Evaluate(`document.documentElement.scrollWidth <= document.documentElement.clientWidth`, &fits))
		if !fits {
			t.Error("the survey page scrolls sideways on a 360 px phone")
		}
	})

	t.Run("report", func(t *testing.T) {
		var hidden bool
		run(t, ctx, "printed report",
			chromedp.EmulateViewport(794, 1123),
			chromedp.Navigate(page+"/report"), chromedp.WaitVisible("#survey-report", chromedp.ByID),
			emulation.SetEmulatedMedia().WithMedia("print"),
			chromedp.Evaluate(`getComputedStyle(document.querySelector("header.top")).display === "none" && getComputedStyle(document.querySelector(".no-print")).display === "none"`, &hidden))
		if !hidden {
			t.Error("the navigation is printed with the report")
		}
		if s := text(t, ctx, "#result-status"); s != "Dasar" {
			t.Errorf("report status = %q", s)
		}
		screenshot(t, ctx, "survey-report")
		resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(page+"/report"))
		if err != nil || resp.Status != http.StatusOK {
			t.Errorf("report: %v %v", err, resp)
		}
	})
}

// TestBrowserSurveyNoLostWork types into every EP of the scoring section
// as a surveyor would, with one too short: the refused save keeps every
// typed text and marks the short one; fixed, one save keeps them all. The
// counter follows the typing, a closed preview loads nothing until it is
// opened, and leaving the page with unsaved text asks first.
func TestBrowserSurveyNoLostWork(t *testing.T) {
	v := newSectionVisit(t)
	h := v.h
	ctx := browser(t, 1100, 900)
	var mu sync.Mutex
	var dialogs []page.DialogType
	chromedp.ListenTarget(ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			mu.Lock()
			dialogs = append(dialogs, d.Type)
			mu.Unlock()
		}
	})
	asked := func() []page.DialogType {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(dialogs)
	}
	h.signIn(t, ctx, "ketua@kars.test", "kata-sandi-pengguna-1")
	url := h.srv.URL + v.page
	// The page's script has run once the save state shows.
	ready := chromedp.WaitVisible("#scores-form [data-save-state]", chromedp.ByQuery)
	run(t, ctx, "open the survey", chromedp.Navigate(url), ready)

	t.Run("a closed preview loads nothing", func(t *testing.T) {
		loads := `performance.getEntriesByType("resource").filter(e => e.name.includes("/content")).length`
		var n int
		run(t, ctx, "count loads", chromedp.Evaluate(loads, &n))
		if n != 0 {
			t.Fatalf("%d evidence files loaded with every preview closed", n)
		}
		photo := fmt.Sprintf("#item-%d details.file-preview", v.items["2.1.2/c/D1"].ID)
		var ok bool
		run(t, ctx, "open the photo's preview", chromedp.Click(photo+" summary", chromedp.ByQuery),
			chromedp.WaitVisible(photo+" img.preview", chromedp.ByQuery),
			chromedp.Poll(`(() => { const i = document.querySelector("`+photo+` img.preview"); return i.complete && i.naturalWidth > 0; })()`, &ok))
		run(t, ctx, "count loads", chromedp.Evaluate(loads, &n))
		if n != 1 {
			t.Errorf("after opening one preview %d files loaded, want 1", n)
		}
	})

	typed := map[string][2]string{
		"2-1-2-a": {"Fakta a: SK pemberdayaan ada dan ditandatangani kepala Puskesmas.", "Rekomendasi a: tinjau SK setiap tahun bersama LP/LS."},
		"2-1-2-b": {"Fakta b: pendek.", "Rekomendasi b: libatkan tokoh masyarakat dalam SMD dan MMD."},
		"2-1-2-c": {"Fakta c: evaluasi dilaporkan setiap semester dengan foto.", "Rekomendasi c: simpan notulen evaluasi bersama daftar hadir."},
	}
	values := func(t *testing.T) map[string][2]string {
		out := map[string][2]string{}
		for anchor := range typed {
			var f, r string
			run(t, ctx, "read "+anchor, chromedp.Value("#score-"+anchor+"-facts", &f, chromedp.ByQuery), chromedp.Value("#score-"+anchor+"-rec", &r, chromedp.ByQuery))
			out[anchor] = [2]string{f, r}
		}
		return out
	}
	t.Run("typing", func(t *testing.T) {
		var acts []chromedp.Action
		for anchor, s := range typed {
			sel := "#score-" + anchor
			acts = append(acts, chromedp.SetValue(sel+"-value", "5", chromedp.ByQuery),
				chromedp.SendKeys(sel+"-facts", s[0], chromedp.ByQuery), chromedp.SendKeys(sel+"-rec", s[1], chromedp.ByQuery))
		}
		run(t, ctx, "type every EP", acts...)
		if got := text(t, ctx, "#score-2-1-2-a-facts-count .n"); got != fmt.Sprint(len([]rune(typed["2-1-2-a"][0]))) {
			t.Errorf("the live count of a's facts shows %s, want %d", got, len([]rune(typed["2-1-2-a"][0])))
		}
		var short bool
		run(t, ctx, "b is short", chromedp.Evaluate(`document.querySelector("#score-2-1-2-b-facts-count").classList.contains("short")`, &short))
		if !short {
			t.Error("b's 16 characters are not marked short")
		}
		if s := text(t, ctx, "#scores-form [data-save-state]"); s != "Ada isian yang belum disimpan." {
			t.Errorf("save state while typing: %q", s)
		}
	})

	t.Run("leaving asks first", func(t *testing.T) {
		before := len(asked())
		// Accepting an item is another form: the typed scores would be
		// lost, so the browser asks (the harness then accepts).
		submitIn(t, ctx, "accept an item", chromedp.Click(fmt.Sprintf("#item-%d button.accept", v.items["2.1.2/a/R1"].ID), chromedp.ByQuery))
		got := asked()[before:]
		if !slices.Contains(got, page.DialogTypeBeforeunload) {
			t.Errorf("leaving with unsaved text opened dialogs %v, want a beforeunload warning", got)
		}
		// Saving the form itself does not ask.
		run(t, ctx, "reload", chromedp.Navigate(url), ready)
	})

	t.Run("one save keeps everything", func(t *testing.T) {
		var acts []chromedp.Action
		for anchor, s := range typed {
			sel := "#score-" + anchor
			acts = append(acts, chromedp.SetValue(sel+"-value", "5", chromedp.ByQuery),
				chromedp.SendKeys(sel+"-facts", s[0], chromedp.ByQuery), chromedp.SendKeys(sel+"-rec", s[1], chromedp.ByQuery))
		}
		before := len(asked())
		resp, err := chromedp.RunResponse(ctx, append(acts, chromedp.Click("#scores-save", chromedp.ByID))...)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Status != http.StatusBadRequest {
			t.Fatalf("save with b too short: status %d, want 400", resp.Status)
		}
		if got := asked()[before:]; len(got) != 0 {
			t.Errorf("saving the form opened dialogs %v", got)
		}
		if got := values(t); fmt.Sprint(got) != fmt.Sprint(typed) {
			t.Errorf("the refused save kept %q, want every typed text %q", got, typed)
		}
		if s := text(t, ctx, "#score-2-1-2-b .field-error"); !strings.Contains(s, "Fakta dan analisis untuk 2.1.2/b harus 30–4000 karakter (sekarang 16)") {
			t.Errorf("b's error: %q", s)
		}
		var marked int
		run(t, ctx, "errors", chromedp.Evaluate(`document.querySelectorAll("#scores-form .field-error").length`, &marked))
		if marked != 1 {
			t.Errorf("%d EP marked wrong, want 1", marked)
		}
		if s := text(t, ctx, "#scores-form [data-save-state]"); s != "Ada isian yang belum disimpan." {
			t.Errorf("save state of the refused form: %q", s)
		}
		if n := len(v.scores(v.leadID)); n != 0 {
			t.Fatalf("the refused save stored %d scores", n)
		}
		fixed := typed["2-1-2-b"]
		fixed[0] = "Fakta b: keterlibatan masyarakat hanya tercatat pada pelaksanaan."
		typed["2-1-2-b"] = fixed
		submitIn(t, ctx, "save again", chromedp.Clear("#score-2-1-2-b-facts", chromedp.ByQuery),
			chromedp.SendKeys("#score-2-1-2-b-facts", fixed[0], chromedp.ByQuery), chromedp.Click("#scores-save", chromedp.ByID))
		if got := values(t); fmt.Sprint(got) != fmt.Sprint(typed) {
			t.Errorf("after saving the page shows %q, want %q", got, typed)
		}
		stored := v.scores(v.leadID)
		for anchor, s := range typed {
			ep := "2.1.2/" + anchor[len(anchor)-1:]
			if r := stored[ep]; r.Facts != s[0] || r.Recommendation != s[1] || r.Score != 5 {
				t.Errorf("%s stored %+v", ep, r)
			}
		}
		if s := text(t, ctx, "p.flash"); s != "Nilai tersimpan." {
			t.Errorf("flash after saving: %q", s)
		}
		if s := text(t, ctx, "#scores-form [data-save-state]"); s != "Semua isian tersimpan." {
			t.Errorf("save state after saving: %q", s)
		}
		// Nothing unsaved: leaving does not ask.
		before = len(asked())
		run(t, ctx, "leave", chromedp.Navigate(h.srv.URL+"/"), chromedp.WaitVisible("main", chromedp.ByQuery))
		if got := asked()[before:]; len(got) != 0 {
			t.Errorf("leaving a saved page opened dialogs %v", got)
		}
	})
}
