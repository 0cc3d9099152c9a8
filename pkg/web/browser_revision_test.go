package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestBrowserRevisionUpload sends a new revision of a record from its
// form on the requirement page, through the script (progress bar, the
// API), with a new title; then a file the server refuses, whose message
// is shown on its progress row while the record stays as it was.
func TestBrowserRevisionUpload(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 10<<20)
	f := h.createFacility("P-REVISI")
	h.userWith("mutu@revisi.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	up := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, field{name: "title", value: "SK lama"},
		file("sk.pdf", testenv.PDF("SK 2023")))
	id := up.Evidence[0].ID
	ctx := browser(t, 360, 780)
	h.signIn(t, ctx, "mutu@revisi.test", "kata-sandi-pengguna-1")
	form := fmt.Sprintf(`form[data-upload="/api/v1/evidence/%d/revisions"]`, id)
	open := func(step string) {
		t.Helper()
		run(t, ctx, step, chromedp.Navigate(fmt.Sprintf("%s/f/%d/req?id=2.1.2/a/R1", h.srv.URL, f.ID)),
			chromedp.WaitVisible(`#evidence-`+fmt.Sprint(id), chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector('`+form+`').closest("details").open = true`, nil))
	}
	revisions := func() (int, string) {
		var ev bukti.Evidence
		if err := h.db.Preload("Revisions").First(&ev, id).Error; err != nil {
			t.Fatal(err)
		}
		return len(ev.Revisions), ev.Title
	}
	for _, tc := range []struct {
		name, file  string
		content     []byte
		typed       string // the title typed in the form
		state       string
		revs        int
		title, want string // the record's title afterwards; what the progress row says
	}{
		{"a new revision with a new title", "sk-2024.pdf", testenv.PDF("SK 2024"), "SK 2024", "done", 2, "SK 2024", "100%"},
		{"a file the server refuses", "catatan.exe", []byte("MZ\x90\x00 not a document"), "SK yang ditolak", "error", 2, "SK 2024", "tidak diizinkan"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			open("open the requirement")
			var row string
			run(t, ctx, "send",
				chromedp.SetValue(fmt.Sprintf("#rev-title-%d", id), tc.typed, chromedp.ByQuery),
				chromedp.SetUploadFiles(fmt.Sprintf("#rev-file-%d", id), []string{writeTemp(t, tc.file, tc.content)}, chromedp.ByQuery),
				chromedp.Click(form+` button[type="submit"]`, chromedp.ByQuery),
				chromedp.WaitVisible(form+` [data-progress] li[data-state="`+tc.state+`"]`, chromedp.ByQuery),
				chromedp.Text(form+` [data-progress] li`, &row, chromedp.ByQuery))
			if !strings.Contains(row, tc.want) {
				t.Errorf("progress row %q, want it to say %q", row, tc.want)
			}
			deadline := time.Now().Add(10 * time.Second) // against a hang, not a timing assertion
			for n, title := revisions(); (n != tc.revs || title != tc.title) && time.Now().Before(deadline); n, title = revisions() {
				time.Sleep(50 * time.Millisecond)
			}
			if n, title := revisions(); n != tc.revs || title != tc.title {
				t.Errorf("record has %d revisions titled %q, want %d titled %q", n, title, tc.revs, tc.title)
			}
		})
	}
}
