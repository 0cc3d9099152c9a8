package web_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// screenshotDir is where the browser tests save the pages the README
// shows; every run regenerates them.
const screenshotDir = "../../ui/screenshots"

// browser starts a fresh headless Chromium (its own profile, so its own
// cookies) for one user. Chromium comes from scripts/test.sh.
func browser(t *testing.T, width, height int64) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed: run the suite with scripts/test.sh, which installs it")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(int(width), int(height)))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	// Accept confirm() dialogs (delete confirmation) as a user would, and
	// fail the test on any script error a page throws: a broken script
	// leaves a phone user with a page that looks fine and does nothing.
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *page.EventJavascriptDialogOpening:
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(true))
		case *cdpruntime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg = d.Exception.Description
			}
			t.Errorf("script error at %s:%d: %s", d.URL, d.LineNumber+1, msg)
		}
	})
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// run runs browser actions, failing the test with the step's name.
func run(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

func (h *harness) signIn(t *testing.T, ctx context.Context, email, password string) {
	t.Helper()
	run(t, ctx, "sign in as "+email,
		chromedp.Navigate(h.srv.URL+"/login"),
		chromedp.WaitVisible("#email", chromedp.ByID),
		chromedp.SendKeys("#email", email, chromedp.ByID),
		chromedp.SendKeys("#password", password, chromedp.ByID),
		chromedp.Click(`main button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitNotPresent("#password", chromedp.ByID),
	)
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	var png []byte
	run(t, ctx, "screenshot "+name, chromedp.FullScreenshot(&png, 100))
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	run(t, ctx, "read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
	return strings.TrimSpace(s)
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// uploadInBrowser picks files on the requirement page and submits; it
// waits until every file's progress bar is done (100%) or shows an error.
func uploadInBrowser(t *testing.T, ctx context.Context, files []string, selects map[string]string) (pcts []string) {
	t.Helper()
	actions := []chromedp.Action{chromedp.WaitVisible("#upload-form", chromedp.ByID)}
	for sel, v := range selects {
		actions = append(actions, chromedp.SetValue(sel, v, chromedp.ByQuery))
	}
	actions = append(actions,
		chromedp.SetUploadFiles("#file", files, chromedp.ByID),
		chromedp.Click(`#upload-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(fmt.Sprintf(`ul.progress li:nth-child(%d)[data-state]`, len(files)), chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("ul.progress li")).map(li => li.dataset.state + " " + li.querySelector(".pct").textContent + " " + li.querySelector("progress").value + (li.querySelector(".error") ? " " + li.querySelector(".error").textContent : ""))`, &pcts),
	)
	run(t, ctx, "upload", actions...)
	return pcts
}

// TestBrowserQualityTeam walks the quality team's flow in a real browser:
// sign in, find Kriteria 2.1.2, upload a PDF and a photo to EP a and EP b
// with the progress reaching 100%, see readiness rise and the status badge
// change, preview and delete a file, and have a refused type explained in
// Bahasa Indonesia with nothing stored.
func TestBrowserQualityTeam(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 10<<20)
	f := h.createFacility("P3277010101")
	h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	ctx := browser(t, 1100, 900)
	h.signIn(t, ctx, "mutu@puskesmas.test", "kata-sandi-pengguna-1")

	var url string
	run(t, ctx, "land on the dashboard", chromedp.Location(&url))
	if !strings.HasSuffix(url, fmt.Sprintf("/f/%d", f.ID)) {
		t.Fatalf("after sign-in at %s, want the facility dashboard", url)
	}
	before := text(t, ctx, `a[href$="/kriteria/2.1.2"] + progress + .value`)
	screenshot(t, ctx, "dashboard-empty")

	run(t, ctx, "open Kriteria 2.1.2", chromedp.Click(`a[href$="/kriteria/2.1.2"]`, chromedp.ByQuery), chromedp.WaitVisible("#ep-a", chromedp.ByID))
	screenshot(t, ctx, "kriteria")
	run(t, ctx, "open 2.1.2/a/R1", chromedp.Click(`a[data-req="2.1.2/a/R1"]`, chromedp.ByQuery), chromedp.WaitVisible("#upload-form", chromedp.ByID))
	if s := text(t, ctx, "#req-state"); s != "Belum ada" {
		t.Errorf("R1 badge before upload = %q, want Belum ada", s)
	}

	pdf := writeTemp(t, "sk-fasilitasi.pdf", testenv.PDF("SK Kepala Puskesmas"))
	scan := writeTemp(t, "sk-lampiran.png", testenv.PNG(9))
	if got := uploadInBrowser(t, ctx, []string{pdf, scan}, nil); strings.Join(got, "|") != "done 100% 100|done 100% 100" {
		t.Fatalf("two files at once: progress = %q, want both done at 100%%", got)
	}
	var articles int
	run(t, ctx, "page reloads with the evidence", chromedp.WaitVisible(`article.evidence`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("article.evidence").length`, &articles))
	if articles != 2 {
		t.Errorf("evidence listed after uploading two files: %d, want 2", articles)
	}
	if s := text(t, ctx, "#req-state"); s != "Lengkap" {
		t.Errorf("R1 badge after upload = %q, want Lengkap", s)
	}
	screenshot(t, ctx, "requirement")

	t.Run("refused type", func(t *testing.T) {
		c0 := h.counts()
		exe := writeTemp(t, "sop.pdf", testenv.Executable(t))
		got := uploadInBrowser(t, ctx, []string{exe}, nil)
		if len(got) != 1 || !strings.HasPrefix(got[0], "error") || !strings.Contains(got[0], "tidak diizinkan") {
			t.Errorf("refused upload shows %q, want an error in Bahasa Indonesia", got)
		}
		if c1 := h.counts(); c1 != c0 {
			t.Errorf("refused upload stored something: %+v → %+v", c0, c1)
		}
		screenshot(t, ctx, "upload-refused")
	})

	t.Run("photo to EP b with stage and part", func(t *testing.T) {
		photo := writeTemp(t, "rapat-perencanaan.jpg", testenv.JPEG(3))
		run(t, ctx, "open 2.1.2/b/D3", chromedp.Navigate(fmt.Sprintf("%s/f/%d/req?id=2.1.2/b/D3", h.srv.URL, f.ID)))
		got := uploadInBrowser(t, ctx, []string{photo}, map[string]string{"#stage": "perencanaan", "#part": "foto"})
		if len(got) != 1 || got[0] != "done 100% 100" {
			t.Fatalf("photo upload progress = %q", got)
		}
		var loaded bool
		run(t, ctx, "preview the photo", // the full photo loads when the preview is opened
			chromedp.Click(`details.file-preview summary`, chromedp.ByQuery),
			chromedp.WaitVisible(`img.preview`, chromedp.ByQuery),
			chromedp.ScrollIntoView(`img.preview`, chromedp.ByQuery), // it loads lazily, below the upload forms
			chromedp.Poll(`document.querySelector("img.preview").complete && document.querySelector("img.preview").naturalWidth > 0`, &loaded, chromedp.WithPollingTimeout(10*time.Second)))
		if !loaded {
			t.Error("photo preview did not load")
		}
		if s := text(t, ctx, "#req-state"); s != "Belum lengkap" {
			t.Errorf("b/D3 badge with one of 12 parts = %q, want Belum lengkap", s)
		}
	})

	t.Run("readiness rose", func(t *testing.T) {
		run(t, ctx, "dashboard", chromedp.Navigate(fmt.Sprintf("%s/f/%d", h.srv.URL, f.ID)), chromedp.WaitVisible("#status", chromedp.ByID))
		// EP a: R1 is 1 of its 5 R and D slots (20 %) → 5; EP b: one
		// photo is 1 of its 13 slots (D2 1 + D3 4 × 3; 7.7 %) → 0; EP c
		// 0. Kriteria 2.1.2: 5 of 30 = 16.7 %.
		after := text(t, ctx, `a[href$="/kriteria/2.1.2"] + progress + .value`)
		if before != "0.0%" || after != "16.7%" {
			t.Errorf("kriteria 2.1.2 readiness %s → %s, want 0.0%% → 16.7%%", before, after)
		}
		screenshot(t, ctx, "dashboard")
	})

	t.Run("delete with confirmation", func(t *testing.T) {
		run(t, ctx, "delete the photo",
			chromedp.Navigate(fmt.Sprintf("%s/f/%d/req?id=2.1.2/b/D3", h.srv.URL, f.ID)),
			chromedp.Click(`article.evidence button.danger`, chromedp.ByQuery),
			chromedp.WaitVisible(`p.flash`, chromedp.ByQuery),
			chromedp.WaitNotPresent(`article.evidence`, chromedp.ByQuery))
		var deleted int64
		h.db.Model(&bukti.Evidence{}).Where("deleted_at IS NOT NULL").Count(&deleted)
		if deleted != 1 {
			t.Errorf("soft-deleted records = %d, want 1", deleted)
		}
	})
}

// TestBrowserScope checks that a supervisor sees only their district and a
// quality team member cannot reach another Puskesmas by editing the URL.
func TestBrowserScope(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	fa, fa2, fb := h.createFacilityIn("PA1", districtA), h.createFacilityIn("PA2", districtA), h.createFacilityIn("PB1", districtB)
	var did int64
	h.db.Model(&bukti.District{}).Where("code = ?", districtA).Pluck("id", &did)
	h.userWith("dinkes@cimahi.test", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &did})
	h.userWith("mutu@pa1.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &fa.ID})

	// Two days of snapshots with progress between, for the trends chart.
	day := time.Now().AddDate(0, 0, -7)
	snapshot := func(now time.Time) {
		if _, err := h.at(now).Reports.Snapshot(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	snapshot(day)
	for _, r := range []string{"2.1.2/a/R1", "2.1.2/a/R2", "2.1.2/c/D1"} {
		h.mustUpload(fa.ID, field{name: "requirement", value: r}, file("b.pdf", testenv.PDF(r)))
	}
	h.mustUpload(fa2.ID, field{name: "requirement", value: "2.1.2/b/D2"}, file("b.pdf", testenv.PDF("b")))
	snapshot(day.AddDate(0, 0, 3))
	snapshot(time.Now())

	sup := browser(t, 1100, 900)
	h.signIn(t, sup, "dinkes@cimahi.test", "kata-sandi-pengguna-1")
	var rows []string
	run(t, sup, "district table", chromedp.WaitVisible("#district-table", chromedp.ByID),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#district-table tbody tr td:first-child .muted")).map(e => e.textContent)`, &rows))
	if strings.Join(rows, ",") != strings.Join([]string{fa.Code, fa2.Code}, ",") {
		t.Errorf("supervisor sees %v, want only %s and %s", rows, fa.Code, fa2.Code)
	}
	screenshot(t, sup, "district")
	run(t, sup, "open another district's Puskesmas", chromedp.Navigate(fmt.Sprintf("%s/f/%d", h.srv.URL, fb.ID)))
	if s := text(t, sup, "h1"); s != "Halaman tidak ditemukan" {
		t.Errorf("supervisor on another district's facility sees %q", s)
	}

	admin := browser(t, 1100, 900)
	h.signIn(t, admin, adminEmail, adminPassword)
	run(t, admin, "admin page", chromedp.WaitVisible("#u-email", chromedp.ByID))
	screenshot(t, admin, "admin")

	qt := browser(t, 1100, 900)
	h.signIn(t, qt, "mutu@pa1.test", "kata-sandi-pengguna-1")
	for _, path := range []string{fmt.Sprintf("/f/%d", fa2.ID), fmt.Sprintf("/f/%d/kriteria/2.1.2", fb.ID), fmt.Sprintf("/f/%d/req?id=2.1.2/a/R1", fb.ID), "/district", "/admin"} {
		var status int64
		resp, err := chromedp.RunResponse(qt, chromedp.Navigate(h.srv.URL+path))
		if err != nil {
			t.Fatal(err)
		}
		status = resp.Status
		if status != http.StatusNotFound && status != http.StatusForbidden {
			t.Errorf("quality team at %s: status %d, want 404 or 403", path, status)
		}
	}
}

// TestBrowserLanguageAndPhone switches the language and checks that the
// main pages fit a 360 px wide phone without horizontal scrolling.
func TestBrowserLanguageAndPhone(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P3277010101")
	h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("sk")))
	ctx := browser(t, 360, 740)
	run(t, ctx, "login page", chromedp.Navigate(h.srv.URL+"/login"), chromedp.WaitVisible("h1", chromedp.ByQuery))
	screenshot(t, ctx, "phone-login")
	h.signIn(t, ctx, "mutu@puskesmas.test", "kata-sandi-pengguna-1")

	for _, path := range []string{"/login", fmt.Sprintf("/f/%d", f.ID), fmt.Sprintf("/f/%d/kriteria/2.1.2", f.ID),
		fmt.Sprintf("/f/%d/req?id=2.1.2/a/R1", f.ID), fmt.Sprintf("/f/%d/req?id=2.1.2/b/D3", f.ID), fmt.Sprintf("/f/%d/req?id=2.1.2/a/W1", f.ID)} {
		var fits bool
		var width int64
		run(t, ctx, "open "+path, chromedp.Navigate(h.srv.URL+path), chromedp.WaitVisible("main", chromedp.ByQuery),
			chromedp.Evaluate(`document.documentElement.scrollWidth <= document.documentElement.clientWidth`, &fits),
			chromedp.Evaluate(`document.documentElement.scrollWidth`, &width))
		if !fits {
			t.Errorf("%s scrolls sideways at 360 px (content %d px wide)", path, width)
		}
	}
	run(t, ctx, "phone dashboard", chromedp.Navigate(fmt.Sprintf("%s/f/%d", h.srv.URL, f.ID)), chromedp.WaitVisible("#status", chromedp.ByID))
	screenshot(t, ctx, "phone-dashboard")

	if s := text(t, ctx, "main h2"); s != "Proyeksi status akreditasi" {
		t.Errorf("Bahasa heading = %q", s)
	}
	run(t, ctx, "switch to English", chromedp.Click(`a[hreflang="en"]`, chromedp.ByQuery), chromedp.WaitVisible("#status", chromedp.ByID))
	if s := text(t, ctx, "main h2"); s != "Projected accreditation status" {
		t.Errorf("English heading = %q", s)
	}
	var url string
	run(t, ctx, "stays on the page", chromedp.Location(&url))
	if !strings.HasSuffix(url, fmt.Sprintf("/f/%d", f.ID)) {
		t.Errorf("after switching language at %s, want the same page", url)
	}
	run(t, ctx, "switch back", chromedp.Click(`a[hreflang="id"]`, chromedp.ByQuery), chromedp.WaitVisible("#status", chromedp.ByID))
	if s := text(t, ctx, "main h2"); s != "Proyeksi status akreditasi" {
		t.Errorf("heading after switching back = %q", s)
	}
}
