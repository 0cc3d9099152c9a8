package web_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// The requirement page's upload in Chromium on a 360 × 780 phone screen:
// the slot grid of EP b, several photos with their own details, and an
// existing SK used for a second requirement.

// photo is a JPEG of w × h pixels (a gradient, so it compresses as a
// photo does), carrying an EXIF DateTimeOriginal when taken is not "".
func photo(t *testing.T, w, h int, taken string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xff), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	if taken == "" {
		return b.Bytes()
	}
	// APP1 "Exif": a little-endian TIFF header, IFD0 with one entry (the
	// Exif IFD pointer), the Exif IFD with one entry (DateTimeOriginal,
	// 20 ASCII bytes stored after it).
	var tiff bytes.Buffer
	le := binary.LittleEndian
	put := func(v any) { binary.Write(&tiff, le, v) }
	tiff.WriteString("II")
	put(uint16(42))
	put(uint32(8))
	put(uint16(1)) // IFD0 at 8
	put(uint16(0x8769))
	put(uint16(4))
	put(uint32(1))
	put(uint32(26)) // Exif IFD at 8 + 2 + 12 + 4
	put(uint32(0))
	put(uint16(1)) // Exif IFD at 26
	put(uint16(0x9003))
	put(uint16(2))
	put(uint32(20))
	put(uint32(44)) // value at 26 + 2 + 12 + 4
	put(uint32(0))
	tiff.WriteString(taken + "\x00")
	app1 := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, byte((len(app1) + 2) >> 8), byte(len(app1) + 2)}
	out := append([]byte{}, b.Bytes()[:2]...)
	out = append(out, seg...)
	out = append(out, app1...)
	return append(out, b.Bytes()[2:]...)
}

// ignoreFileChooser keeps Chromium from opening a file dialog when a
// page asks for one (a tapped slot): the test sets the files itself.
func ignoreFileChooser(t *testing.T, ctx context.Context) {
	run(t, ctx, "intercept file choosers", page.SetInterceptFileChooserDialog(true))
}

// queueState reads the upload cards: state, title, slot and date of each.
const queueState = `Array.from(document.querySelectorAll("ul.queue li.queued")).map(li => [
  li.dataset.state || "", li.querySelector('input[data-field="title"]').value,
  (li.querySelector('select[data-field="slot"]') || {}).value || "", li.querySelector('input[data-field="issue_date"]').value,
  li.querySelector("img.thumb").hidden ? "" : li.querySelector("img.thumb").src.slice(0, 15)].join(" | "))`

// unbrokenWords reports the words of the elements matched by sel that the
// browser broke across lines, and the tiles lower than 44 px, wider than
// the screen or with text running out of them.
const unbrokenWords = `(function (sel) {
  var bad = [];
  document.querySelectorAll(sel).forEach(function (el) {
    var node = el.firstChild;
    if (!node || node.nodeType !== 3) return;
    var re = /\S+/g, m;
    while ((m = re.exec(node.data))) {
      var r = document.createRange();
      r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
      var tops = new Set(Array.from(r.getClientRects()).map(function (c) { return Math.round(c.top); }));
      if (tops.size > 1) bad.push(m[0]);
    }
  });
  document.querySelectorAll("a.slot").forEach(function (a) {
    var b = a.getBoundingClientRect();
    if (b.height < 44) bad.push("short tile " + a.dataset.label);
    if (b.right > window.innerWidth) bad.push("tile beyond the screen " + a.dataset.label);
    if (a.scrollWidth > a.clientWidth + 1) bad.push("text beyond its tile " + a.dataset.label);
    a.querySelectorAll("*").forEach(function (c) {
      if (c.getBoundingClientRect().right > b.right + 0.5) bad.push("text beyond its tile " + a.dataset.label);
    });
  });
  return bad;
})`

// TestBrowserSlotGridUpload fills four of EP b's twelve slots on a phone:
// two by tapping their tiles, two picked together and assigned on their
// cards (one a 3000 × 2000 camera photo, downscaled in the browser, whose
// EXIF date becomes the document date); the grid then shows the four
// present.
func TestBrowserSlotGridUpload(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 10<<20)
	f := h.createFacility("P-SLOT")
	h.userWith("mutu@slot.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	ctx := browser(t, 360, 780)
	h.signIn(t, ctx, "mutu@slot.test", "kata-sandi-pengguna-1")
	ignoreFileChooser(t, ctx)
	run(t, ctx, "open 2.1.2/b/D3", chromedp.Navigate(fmt.Sprintf("%s/f/%d/req?id=%s", h.srv.URL, f.ID, slotReq)),
		chromedp.WaitVisible("#slots", chromedp.ByID))

	var broken []string
	run(t, ctx, "labels", chromedp.Evaluate(unbrokenWords+`(".slot .slot-name, .slot-group h3")`, &broken))
	if len(broken) > 0 {
		t.Errorf("slot labels broken or tiles too small at 360 px: %q", broken)
	}

	big := photo(t, 3000, 2000, "2024:11:06 09:30:00")
	files := map[string]string{
		"hadir":  writeTemp(t, "IMG_20241105_101500.jpg", photo(t, 640, 480, "2024:11:05 10:15:00")),
		"notula": writeTemp(t, "notulen-rapat-perencanaan.pdf", testenv.PDF("notulen")),
		"big":    writeTemp(t, "DSC_0001.jpg", big),
		"png":    writeTemp(t, "IMG-20241107-WA0003.png", testenv.PNG(12)),
	}
	tap := func(stage, part, file string) {
		t.Helper()
		run(t, ctx, "tap "+stage+"/"+part,
			chromedp.Click(fmt.Sprintf(`a.slot[data-stage="%s"][data-part="%s"]`, stage, part), chromedp.ByQuery),
			chromedp.SetUploadFiles(`input[data-slot-picker]`, []string{file}, chromedp.ByQuery))
	}
	tap("perencanaan", "daftar_hadir", files["hadir"])
	tap("perencanaan", "notulen", files["notula"])
	run(t, ctx, "pick two together", chromedp.SetUploadFiles("#file", []string{files["big"], files["png"]}, chromedp.ByID),
		chromedp.WaitVisible(`ul.queue li.queued:nth-child(4)`, chromedp.ByQuery))
	var cards []string
	var ready bool
	run(t, ctx, "cards", chromedp.Poll(`(function () {
		var l = document.querySelectorAll("ul.queue li.queued"), date = i => l[i].querySelector('input[data-field="issue_date"]').value;
		return l.length === 4 && !!l[2].dataset.scaled && date(0) !== "" && date(2) !== "" && date(3) !== "" &&
			Array.from(l).filter(li => !li.querySelector("img.thumb").hidden).length === 3;
	})()`, &ready,
		chromedp.WithPollingTimeout(20*time.Second)), chromedp.Evaluate(queueState, &cards))
	want := []string{
		" | Perencanaan · Daftar hadir | perencanaan|daftar_hadir | 2024-11-05 | data:image/jpeg",
		" | notulen-rapat-perencanaan | perencanaan|notulen |  | ",
		" | Perencanaan · Foto kegiatan | perencanaan|foto | 2024-11-06 | data:image/jpeg",
		" | Pelaksanaan · Daftar hadir | pelaksanaan|daftar_hadir | " + time.Now().Format(time.DateOnly) + " | data:image/jpeg",
	}
	// The PNG's date is its file's, today on the test machine's clock; a
	// run across midnight may see yesterday's.
	if len(cards) == 4 && cards[3] != want[3] {
		want[3] = strings.Replace(want[3], time.Now().Format(time.DateOnly), time.Now().AddDate(0, 0, -1).Format(time.DateOnly), 1)
	}
	if !slices.Equal(cards, want) {
		t.Errorf("cards:\n%s\nwant:\n%s", strings.Join(cards, "\n"), strings.Join(want, "\n"))
	}
	screenshot(t, ctx, "phone-upload-queue")
	// Assign the PNG to another slot on its card; give the big photo a title.
	run(t, ctx, "assign",
		chromedp.SetValue(`ul.queue li.queued:nth-child(4) select[data-field="slot"]`, "pelaksanaan|foto", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('ul.queue li.queued:nth-child(4) select[data-field="slot"]').dispatchEvent(new Event("change"))`, nil),
		chromedp.SetValue(`ul.queue li.queued:nth-child(3) input[data-field="title"]`, "Foto rapat perencanaan", chromedp.ByQuery),
		chromedp.Click(`#upload-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`ul.queue li.queued:nth-child(4)[data-state]`, chromedp.ByQuery),
		chromedp.Evaluate(queueState, &cards))
	for _, c := range cards {
		if !strings.HasPrefix(c, "done") {
			t.Fatalf("after sending: %q", cards)
		}
	}
	if !strings.Contains(cards[3], "Pelaksanaan · Foto kegiatan | pelaksanaan|foto") {
		t.Errorf("the reassigned card's title did not follow its slot: %q", cards[3])
	}
	var states []string
	run(t, ctx, "the grid after the upload", chromedp.WaitVisible(`p.flash`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("a.slot")).map(a => a.dataset.stage + "/" + a.dataset.part + "=" + a.dataset.state)`, &states))
	present := 0
	for _, s := range states {
		if strings.HasSuffix(s, "="+readiness.SlotPresent) {
			present++
			if !slices.Contains([]string{"perencanaan/daftar_hadir", "perencanaan/notulen", "perencanaan/foto", "pelaksanaan/foto"}, strings.TrimSuffix(s, "="+readiness.SlotPresent)) {
				t.Errorf("unexpected present slot %s", s)
			}
		}
	}
	if present != 4 || text(t, ctx, "#slot-count") != "4 dari 12 ada. Ketuk kotak untuk mengisinya." || text(t, ctx, "#req-state") != "Belum lengkap" {
		t.Errorf("grid after the upload: %d present, count %q, state %q", present, text(t, ctx, "#slot-count"), text(t, ctx, "#req-state"))
	}
	screenshot(t, ctx, "phone-slots")

	var evs []bukti.Evidence
	h.db.Preload("Revisions").Where("facility_id = ? AND requirement_id = ?", f.ID, slotReq).Order("id").Find(&evs)
	if len(evs) != 4 {
		t.Fatalf("records: %d, want 4", len(evs))
	}
	scaled := evs[2]
	if scaled.Title != "Foto rapat perencanaan" || scaled.IssueDate == nil || scaled.IssueDate.Format(time.DateOnly) != "2024-11-06" {
		t.Errorf("the big photo's record: %q issued %v", scaled.Title, scaled.IssueDate)
	}
	rev := scaled.Revisions[0]
	r := h.call("GET", fmt.Sprintf("/api/v1/evidence/%d/content", scaled.ID), nil, "")
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(r.body))
	if err != nil || cfg.Width != 2048 || cfg.Height != 1365 || rev.Size >= int64(len(big)) || rev.ContentType != "image/jpeg" || rev.FileName != "DSC_0001.jpg" {
		t.Errorf("stored photo: %d × %d (%v), %d bytes of %d, %s %s; want 2048 × 1365, smaller", cfg.Width, cfg.Height, err, rev.Size, len(big), rev.ContentType, rev.FileName)
	}
	if evs[0].IssueDate == nil || evs[0].IssueDate.Format(time.DateOnly) != "2024-11-05" || evs[0].Revisions[0].Size != int64(len(photo(t, 640, 480, "2024:11:05 10:15:00"))) {
		t.Errorf("the small photo: issued %v, %d bytes (sent as it was)", evs[0].IssueDate, evs[0].Revisions[0].Size)
	}
}

// TestBrowserMultiPhotoUpload picks three photos for one requirement,
// sees each as a thumbnail, gives each its own title and number, drops
// one, and sends the others.
func TestBrowserMultiPhotoUpload(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 10<<20)
	f := h.createFacility("P-FOTO")
	h.userWith("mutu@foto.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	ctx := browser(t, 360, 780)
	h.signIn(t, ctx, "mutu@foto.test", "kata-sandi-pengguna-1")
	const req = "2.1.2/c/D1"
	run(t, ctx, "open "+req, chromedp.Navigate(fmt.Sprintf("%s/f/%d/req?id=%s", h.srv.URL, f.ID, req)), chromedp.WaitVisible("#upload-form", chromedp.ByID))
	var visible []bool
	run(t, ctx, "phone controls", chromedp.Evaluate(`["[data-camera-button]", "#downscale", "fieldset[data-single]"].map(s => !document.querySelector(s).closest("[hidden]"))`, &visible))
	if !slices.Equal(visible, []bool{true, true, true}) {
		t.Errorf("camera button, downscale setting, single-file fields shown: %v, want all before a pick", visible)
	}
	paths := []string{
		writeTemp(t, "IMG_0001.jpg", photo(t, 320, 240, "2025:01:10 08:00:00")),
		writeTemp(t, "IMG_0002.jpg", photo(t, 240, 320, "2025:01:11 08:00:00")),
		writeTemp(t, "IMG_0003.jpg", photo(t, 300, 300, "")),
	}
	var cards []string
	var ready bool
	run(t, ctx, "pick three photos", chromedp.SetUploadFiles("#file", paths, chromedp.ByID),
		chromedp.Poll(`Array.from(document.querySelectorAll("ul.queue img.thumb")).filter(i => !i.hidden && i.src.startsWith("data:image/")).length === 3 && document.querySelectorAll('ul.queue input[data-field="issue_date"]')[1].value !== ""`, &ready,
			chromedp.WithPollingTimeout(15*time.Second)),
		chromedp.Evaluate(queueState, &cards))
	title, _, _ := h.cat.Requirement(req)
	short := title.Title
	if len([]rune(short)) > 80 {
		t.Fatalf("the test expects a short requirement title, %q is longer", short)
	}
	if len(cards) != 3 || !strings.HasPrefix(cards[0], " | "+short+" |  | 2025-01-10 | data:image/jpeg") ||
		!strings.HasPrefix(cards[1], " | "+short+" (2) |  | 2025-01-11 |") || !strings.HasPrefix(cards[2], " | "+short+" (3) |  | ") {
		t.Errorf("cards: %q", cards)
	}
	var single bool
	run(t, ctx, "the single-file fields give way to the cards", chromedp.Evaluate(`document.querySelector("fieldset[data-single]").hidden`, &single))
	if !single {
		t.Error("the one-file title, number and date stay shown beside the cards")
	}
	run(t, ctx, "details per photo",
		chromedp.SetValue(`ul.queue li.queued:nth-child(1) input[data-field="title"]`, "Foto penyuluhan posyandu", chromedp.ByQuery),
		chromedp.SetValue(`ul.queue li.queued:nth-child(1) input[data-field="doc_number"]`, "DOK/01", chromedp.ByQuery),
		chromedp.SetValue(`ul.queue li.queued:nth-child(3) input[data-field="title"]`, "Foto evaluasi", chromedp.ByQuery),
		chromedp.SetValue(`ul.queue li.queued:nth-child(3) input[data-field="doc_number"]`, "DOK/03", chromedp.ByQuery),
		chromedp.Click(`ul.queue li.queued:nth-child(2) button[data-remove]`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`ul.queue li.queued:nth-child(3)`, chromedp.ByQuery),
		chromedp.Click(`#upload-form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`ul.queue li.queued:nth-child(2)[data-state]`, chromedp.ByQuery),
		chromedp.Evaluate(queueState, &cards))
	if len(cards) != 2 || !strings.HasPrefix(cards[0], "done | Foto penyuluhan posyandu") || !strings.HasPrefix(cards[1], "done | Foto evaluasi") {
		t.Errorf("sent: %q", cards)
	}
	run(t, ctx, "the page shows them", chromedp.WaitVisible(`article.evidence`, chromedp.ByQuery))
	var evs []bukti.Evidence
	h.db.Where("facility_id = ?", f.ID).Order("id").Find(&evs)
	var got []string
	for _, ev := range evs {
		got = append(got, ev.Title+" "+ev.DocNumber)
	}
	if !slices.Equal(got, []string{"Foto penyuluhan posyandu DOK/01", "Foto evaluasi DOK/03"}) {
		t.Errorf("stored %q", got)
	}
	if evs[0].IssueDate == nil || evs[0].IssueDate.Format(time.DateOnly) != "2025-01-10" {
		t.Errorf("first photo's date %v, want its EXIF date 2025-01-10", evs[0].IssueDate)
	}

	t.Run("a refused file stays on its card with the message", func(t *testing.T) {
		exe := writeTemp(t, "IMG_0004.jpg", testenv.Executable(t))
		before := h.counts()
		var msg string
		run(t, ctx, "send an executable", chromedp.Navigate(fmt.Sprintf("%s/f/%d/req?id=%s", h.srv.URL, f.ID, req)),
			chromedp.SetUploadFiles("#file", []string{exe}, chromedp.ByID),
			chromedp.WaitVisible(`ul.queue li.queued`, chromedp.ByQuery),
			chromedp.SetValue(`ul.queue li.queued input[data-field="title"]`, "Judul yang diketik", chromedp.ByQuery),
			chromedp.Click(`#upload-form button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`ul.queue li.queued[data-state="error"] .error`, chromedp.ByQuery),
			chromedp.Text(`ul.queue li.queued .error`, &msg, chromedp.ByQuery),
			chromedp.Evaluate(queueState, &cards))
		if !strings.Contains(msg, "tidak diizinkan") || len(cards) != 1 || !strings.HasPrefix(cards[0], "error | Judul yang diketik") {
			t.Errorf("refused: %q, cards %q", msg, cards)
		}
		if after := h.counts(); after != before {
			t.Errorf("refused upload stored something: %+v → %+v", before, after)
		}
	})
}

// TestBrowserLinkExistingSK uses an SK uploaded for 2.1.2/a/R1 for
// 2.1.2/a/R3 too, found by its number: both requirements count it.
func TestBrowserLinkExistingSK(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P-LINK")
	h.userWith("mutu@link.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	sk := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, field{name: "title", value: "SK Tim Pemberdayaan Masyarakat"},
		field{name: "doc_number", value: "440/12/2024"}, file("sk.pdf", testenv.PDF("SK"))).Evidence[0]
	ctx := browser(t, 360, 780)
	h.signIn(t, ctx, "mutu@link.test", "kata-sandi-pengguna-1")
	run(t, ctx, "open R3", chromedp.Navigate(fmt.Sprintf("%s/f/%d/req?id=2.1.2/a/R3", h.srv.URL, f.ID)), chromedp.WaitVisible("#link-q", chromedp.ByID))
	if s := text(t, ctx, "#req-state"); s != "Belum ada" {
		t.Fatalf("R3 before: %q", s)
	}
	run(t, ctx, "search by number and use it",
		chromedp.SendKeys("#link-q", "440/12", chromedp.ByID),
		chromedp.Submit("#link-q", chromedp.ByID),
		chromedp.WaitVisible(fmt.Sprintf(`button[data-link="%d"]`, sk.ID), chromedp.ByQuery))
	screenshot(t, ctx, "phone-link")
	run(t, ctx, "use it", chromedp.Click(fmt.Sprintf(`button[data-link="%d"]`, sk.ID), chromedp.ByQuery), chromedp.WaitVisible(`p.flash`, chromedp.ByQuery))
	if s := text(t, ctx, "#req-state"); s != "Lengkap" {
		t.Errorf("R3 after the link: %q, want Lengkap", s)
	}
	if s := text(t, ctx, "article.evidence h3"); !strings.HasPrefix(s, "SK Tim Pemberdayaan Masyarakat") {
		t.Errorf("R3 lists %q", s)
	}
	ep := element(t, h.readiness(f.ID), "2.1.2/a")
	for _, id := range []string{"2.1.2/a/R1", "2.1.2/a/R3"} {
		if rs, _ := ep.Requirement(id); rs.Reason != readiness.ReasonMet {
			t.Errorf("%s: %s, want met", id, rs.Reason)
		}
	}
	var n int64
	h.db.Model(&bukti.Evidence{}).Where("facility_id = ?", f.ID).Count(&n)
	if n != 2 || testenv.StoredBlobs(h.t, h.storeCfg) != 1 {
		t.Errorf("records %d, blobs %d: want 2 records on 1 blob", n, testenv.StoredBlobs(h.t, h.storeCfg))
	}
}
