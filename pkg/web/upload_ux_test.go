package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/ui"
)

// The upload where the requirement asks (issue 14), as a browser without
// JavaScript sees it: the slot grid, refused forms shown again with the
// typed input, a revision that changes the document's details, reusing an
// existing file for another requirement, and times in BUKTI_TIMEZONE.

// slotReq is the requirement with 12 slots: EP b of 2.1.2, D3, asked for
// 4 stages × daftar hadir, notulen, foto kegiatan.
const slotReq = "2.1.2/b/D3"

// tagRe finds HTML tags, for the text a reader sees.
var tagRe = regexp.MustCompile(`(?s)<[^>]*>`)

// visibleText is what a page shows, without tags and attributes, outside
// <template> (the upload card, shown only when a file is picked).
func visibleText(page string) string {
	if i := strings.Index(page, "<template"); i >= 0 {
		if j := strings.Index(page[i:], "</template>"); j >= 0 {
			page = page[:i] + page[i+j:]
		}
	}
	return html.UnescapeString(tagRe.ReplaceAllString(page, " "))
}

// uxFixture is a facility with a quality-team member signed in without
// JavaScript.
func uxFixture(t *testing.T) (*harness, bukti.Facility, *visitor) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P-UX")
	h.userWith("mutu@ux.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	v := newVisitor(h)
	v.login("mutu@ux.test", "kata-sandi-pengguna-1")
	return h, f, v
}

// TestUploadFormRefusedInline sends the page's upload form with bad
// details: each refusal shows the requirement page again with its message
// at the form and every typed value kept, and stores nothing; good forms
// store the file with its details.
func TestUploadFormRefusedInline(t *testing.T) {
	h, f, v := uxFixture(t)
	form := func(req string, extra ...field) []field {
		return append([]field{{name: "csrf_token", value: v.csrf}, {name: "requirement", value: req}}, extra...)
	}
	pdf := file("sk.pdf", testenv.PDF("SK"))
	cases := []struct {
		name     string
		fields   []field
		status   int
		message  string   // in the page, next to the form
		kept     []string // in the page again
		redirect bool
	}{
		{"year 0004", append(form("2.1.2/a/R1", field{name: "title", value: "SK Tim Pemberdayaan"}, field{name: "doc_number", value: "440/12/2024"},
			field{name: "issue_date", value: "0004-05-01"}, field{name: "notes", value: "ditandatangani kepala"}), pdf),
			400, "Tanggal terbit 01-05-0004 tidak masuk akal",
			[]string{`value="SK Tim Pemberdayaan"`, `value="440/12/2024"`, `value="0004-05-01"`, ">ditandatangani kepala</textarea>"}, false},
		{"valid until before issued", append(form("2.1.2/a/R1", field{name: "issue_date", value: "2024-01-03"}, field{name: "valid_until", value: "2023-01-03"}), pdf),
			400, "Tanggal berlaku sampai tidak boleh sebelum tanggal terbit", []string{`value="2024-01-03"`, `value="2023-01-03"`}, false},
		{"not a date", append(form("2.1.2/a/R1", field{name: "issue_date", value: "3/1/2024"}), pdf), 400, "3/1/2024", nil, false},
		{"refused file type", append(form("2.1.2/a/R1", field{name: "title", value: "SOP Pemberdayaan"}), file("sop.pdf", testenv.Executable(t))),
			415, "tidak diizinkan", []string{`value="SOP Pemberdayaan"`}, false},
		{"slot requirement without its stage", append(form(slotReq, field{name: "part", value: "foto"}, field{name: "title", value: "Foto rapat"}), pdf),
			400, "Pilih tahap untuk 2.1.2/b/D3", []string{`value="Foto rapat"`, `<option value="foto" selected>Foto kegiatan</option>`}, false},
		{"interview item", append(form("2.1.2/a/W1"), pdf), 400, "butir wawancara", nil, false},
		{"good, with its slot", append(form(slotReq, field{name: "stage", value: "evaluasi"}, field{name: "part", value: "notulen"},
			field{name: "title", value: "Notulen evaluasi"}, field{name: "issue_date", value: "2025-02-01"}), pdf), 303, "", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := h.counts()
			status, loc, body := v.do(h.multipartRequest(fmt.Sprintf("/f/%d/upload", f.ID), tc.fields...))
			if status != tc.status {
				t.Fatalf("status %d, want %d: %.400s", status, tc.status, body)
			}
			if tc.redirect {
				if !strings.Contains(loc, "ok=req.uploaded") || !strings.Contains(loc, url.QueryEscape(slotReq)) {
					t.Errorf("redirect to %q", loc)
				}
				return
			}
			if after := h.counts(); after != before {
				t.Errorf("refused upload stored something: %+v → %+v", before, after)
			}
			msg := regexp.MustCompile(`(?s)<p class="flash error" role="alert"[^>]*>(.*?)</p>`).FindStringSubmatch(body)
			if msg == nil || !strings.Contains(html.UnescapeString(msg[1]), tc.message) {
				t.Errorf("inline message %q, want one holding %q", msg, tc.message)
			}
			if strings.Contains(body, `<h1>`+h.web.UI.T("id", "error.invalid")) {
				t.Error("the error page was shown, not the form")
			}
			for _, k := range tc.kept {
				if !strings.Contains(body, k) {
					t.Errorf("the page lacks the typed %s", k)
				}
			}
		})
	}
	var ev bukti.Evidence
	h.db.Where("facility_id = ? AND requirement_id = ?", f.ID, slotReq).First(&ev)
	if ev.Title != "Notulen evaluasi" || ev.Stage != "evaluasi" || ev.Part != "notulen" || ev.IssueDate == nil {
		t.Errorf("stored %+v", ev)
	}
	t.Run("a form too broken to name its page gets the error page", func(t *testing.T) {
		status, _, body := v.do(h.multipartRequest(fmt.Sprintf("/f/%d/upload", f.ID), field{name: "csrf_token", value: v.csrf}, pdf))
		if status != http.StatusBadRequest || !strings.Contains(body, "Pilih persyaratan") {
			t.Errorf("status %d: %.300s", status, body)
		}
	})
}

// TestRequirementSlotGrid shows EP b's 12 slots with human labels, each a
// link that chooses its slot in the upload form, and the grid's states
// after uploads.
func TestRequirementSlotGrid(t *testing.T) {
	h, f, v := uxFixture(t)
	page := fmt.Sprintf("/f/%d/req?id=%s", f.ID, slotReq)
	_, _, body := v.get(page)
	tiles := regexp.MustCompile(`<a class="slot (\w+)" href="([^"]+)"`).FindAllStringSubmatch(body, -1)
	if len(tiles) != 12 {
		t.Fatalf("slot tiles: %d, want 12", len(tiles))
	}
	text := visibleText(body)
	for _, want := range []string{"Perencanaan", "Pelaksanaan", "Perbaikan", "Evaluasi", "Daftar hadir", "Notulen", "Foto kegiatan", "0 dari 12 ada."} {
		if !strings.Contains(text, want) {
			t.Errorf("the grid lacks %q", want)
		}
	}
	for _, raw := range []string{"daftar_hadir", "perencanaan ·", "· foto "} {
		if strings.Contains(text, raw) {
			t.Errorf("the page shows the catalogue key %q", raw)
		}
	}
	// Without JavaScript the form sends one file; the script allows several.
	if !strings.Contains(body, `<input id="file" name="file" type="file" required accept=`) {
		t.Error("the plain form's file input is not a required single file")
	}
	// The form's first slot is the first missing one.
	if !strings.Contains(body, `<option value="perencanaan" selected>Perencanaan</option>`) || !strings.Contains(body, `<option value="daftar_hadir" selected>Daftar hadir</option>`) {
		t.Error("the upload form does not start at the first missing slot")
	}

	upload := func(stage, part string) {
		t.Helper()
		status, _, b := v.do(h.multipartRequest(fmt.Sprintf("/f/%d/upload", f.ID), field{name: "csrf_token", value: v.csrf},
			field{name: "requirement", value: slotReq}, field{name: "stage", value: stage}, field{name: "part", value: part},
			file(part+".jpg", testenv.JPEG(len(stage)+len(part)))))
		if status != http.StatusSeeOther {
			t.Fatalf("upload %s/%s: %d %.300s", stage, part, status, b)
		}
	}
	upload("perencanaan", "daftar_hadir")
	upload("pelaksanaan", "foto")

	cases := []struct {
		name, href string
		stage      string
		part       string
	}{
		{"tile of evaluasi · notulen", "stage=evaluasi&part=notulen", "evaluasi", "notulen"},
		{"no slot named: the first missing", "", "perencanaan", "notulen"},
		{"an unknown slot is ignored", "stage=rapat&part=video", "perencanaan", "notulen"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, body := v.get(page + "&" + tc.href)
			for _, want := range []string{fmt.Sprintf(`<option value="%s" selected>`, tc.stage), fmt.Sprintf(`<option value="%s" selected>`, tc.part)} {
				if !strings.Contains(body, want) {
					t.Errorf("form lacks %s", want)
				}
			}
		})
	}
	_, _, body = v.get(page)
	states := map[string]string{}
	for _, m := range regexp.MustCompile(`data-stage="(\w+)" data-part="(\w+)" data-label="[^"]*" data-state="(\w+)"`).FindAllStringSubmatch(body, -1) {
		states[m[1]+"/"+m[2]] = m[3]
	}
	for slot, want := range map[string]string{"perencanaan/daftar_hadir": readiness.SlotPresent, "pelaksanaan/foto": readiness.SlotPresent,
		"perencanaan/notulen": readiness.SlotMissing, "evaluasi/foto": readiness.SlotMissing} {
		if states[slot] != want {
			t.Errorf("tile %s: %q, want %q", slot, states[slot], want)
		}
	}
	if !strings.Contains(body, "2 dari 12 ada.") {
		t.Error("the grid does not count 2 of 12")
	}
	if !strings.Contains(visibleText(body), "Perencanaan · Daftar hadir") {
		t.Error("the evidence list does not name the slot in words")
	}
	_, _, kr := v.get(fmt.Sprintf("/f/%d/kriteria/2.1.2", f.ID))
	if !strings.Contains(kr, `data-slots="2/12">(2 dari 12 ada)`) {
		t.Error("the kriteria page does not count the slots in words")
	}

	t.Run("read-only users see the grid without links", func(t *testing.T) {
		h.userWith("lihat@ux.test", bukti.RoleBinding{Role: bukti.RoleViewer, FacilityID: &f.ID})
		w := newVisitor(h)
		w.login("lihat@ux.test", "kata-sandi-pengguna-1")
		_, _, body := w.get(page)
		if n := strings.Count(body, `<span class="slot `); n != 12 || strings.Contains(body, `<a class="slot`) || strings.Contains(body, `id="upload-form"`) {
			t.Errorf("viewer: %d tiles as text, links or upload form present", n)
		}
	})
}

// TestRevisionUpdatesMetadata sends a new revision with a new title,
// number and date, by the page and by the API: all are stored with the
// file; bad details refuse the revision inline, before the file is
// stored.
func TestRevisionUpdatesMetadata(t *testing.T) {
	h, f, v := uxFixture(t)
	ev := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, field{name: "title", value: "SK 2023"},
		field{name: "doc_number", value: "440/1/2023"}, field{name: "issue_date", value: "2023-01-02"}, file("sk-2023.pdf", testenv.PDF("SK 2023"))).Evidence[0]
	pagePath := fmt.Sprintf("/f/%d/evidence/%d/revision", f.ID, ev.ID)
	apiPath := fmt.Sprintf("/api/v1/evidence/%d/revisions", ev.ID)
	cases := []struct {
		name       string
		api        bool
		fields     []field
		status     int
		wantTitle  string
		wantNumber string
		wantDate   string
		wantRevs   int64
		kept       []string
	}{
		{"page: new title, number and date", false, []field{{name: "title", value: "SK 2025"}, {name: "doc_number", value: "440/7/2025"},
			{name: "issue_date", value: "2025-01-06"}, file("sk-2025.pdf", testenv.PDF("SK 2025"))}, 303, "SK 2025", "440/7/2025", "2025-01-06", 2, nil},
		{"page: year 0004 refuses the revision", false, []field{{name: "title", value: "SK 0004"}, {name: "issue_date", value: "0004-01-06"},
			file("sk-x.pdf", testenv.PDF("SK x"))}, 400, "SK 2025", "440/7/2025", "2025-01-06", 2, []string{`value="SK 0004"`, `value="0004-01-06"`, "<details open>"}},
		{"page: file only keeps the details", false, []field{file("sk-2025b.pdf", testenv.PDF("SK 2025 b"))}, 303, "SK 2025", "440/7/2025", "2025-01-06", 3, nil},
		{"api: new number", true, []field{{name: "doc_number", value: "440/9/2025"}, file("sk-c.pdf", testenv.PDF("SK c"))}, 201, "SK 2025", "440/9/2025", "2025-01-06", 4, nil},
		{"api: details after the file count too", true, []field{file("sk-d.pdf", testenv.PDF("SK d")), {name: "title", value: "SK 2025 perubahan"}}, 201, "SK 2025 perubahan", "440/9/2025", "2025-01-06", 5, nil},
		{"api: valid until 3025", true, []field{{name: "valid_until", value: "3025-01-01"}, file("sk-e.pdf", testenv.PDF("SK e"))}, 400, "SK 2025 perubahan", "440/9/2025", "2025-01-06", 5, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := h.counts()
			var status int
			var body string
			if tc.api {
				r := h.upload(apiPath, tc.fields...)
				status, body = r.status, string(r.body)
			} else {
				status, _, body = v.do(h.multipartRequest(pagePath, append([]field{{name: "csrf_token", value: v.csrf}}, tc.fields...)...))
			}
			if status != tc.status {
				t.Fatalf("status %d, want %d: %.300s", status, tc.status, body)
			}
			if status >= 400 {
				if after := h.counts(); after != before {
					t.Errorf("refused revision stored something: %+v → %+v", before, after)
				}
			}
			var got bukti.Evidence
			h.db.Preload("Revisions").First(&got, ev.ID)
			if got.Title != tc.wantTitle || got.DocNumber != tc.wantNumber || got.IssueDate == nil || got.IssueDate.Format(time.DateOnly) != tc.wantDate || int64(len(got.Revisions)) != tc.wantRevs {
				t.Errorf("stored %q %q %v with %d revisions, want %q %q %s with %d", got.Title, got.DocNumber, got.IssueDate, len(got.Revisions), tc.wantTitle, tc.wantNumber, tc.wantDate, tc.wantRevs)
			}
			for _, k := range tc.kept {
				if !strings.Contains(body, k) {
					t.Errorf("the page lacks %s", k)
				}
			}
			if len(tc.kept) > 0 && !strings.Contains(body, fmt.Sprintf(`id="revision-error-%d"`, ev.ID)) {
				t.Error("no message at the revision form")
			}
		})
	}
}

// TestRequirementMetaEditRefusedInline edits a record's details with a
// bad date: the page shows the edit form open with the message and the
// typed values.
func TestRequirementMetaEditRefusedInline(t *testing.T) {
	h, f, v := uxFixture(t)
	ev := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R2"}, field{name: "title", value: "SOP"}, file("sop.pdf", testenv.PDF("SOP"))).Evidence[0]
	path := fmt.Sprintf("/f/%d/evidence/%d/meta", f.ID, ev.ID)
	cases := []struct {
		name   string
		form   url.Values
		status int
		want   []string
	}{
		{"year 0004", url.Values{"title": {"SOP Pemberdayaan"}, "issue_date": {"0004-02-03"}}, 400,
			[]string{"Tanggal terbit 03-02-0004 tidak masuk akal", `value="SOP Pemberdayaan"`, `value="0004-02-03"`, "<details open>", fmt.Sprintf(`id="meta-error-%d"`, ev.ID)}},
		{"not a date", url.Values{"title": {"SOP"}, "valid_until": {"besok"}}, 400, []string{`value="besok"`, "<details open>"}},
		{"good", url.Values{"title": {"SOP Pemberdayaan"}, "issue_date": {"2024-02-03"}}, 303, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := v.post(path, tc.form)
			if status != tc.status {
				t.Fatalf("status %d, want %d", status, tc.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(html.UnescapeString(body), w) && !strings.Contains(body, w) {
					t.Errorf("the page lacks %s", w)
				}
			}
		})
	}
}

// TestLinkExistingEvidence searches the facility's evidence from a second
// requirement and uses the SK there: both requirements count it, the
// search marks it used here, and bad links are refused inline or not
// found.
func TestLinkExistingEvidence(t *testing.T) {
	h, f, v := uxFixture(t)
	other := h.createFacilityIn("P-LAIN", districtA)
	sk := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, field{name: "title", value: "SK Tim Pemberdayaan Masyarakat"},
		field{name: "doc_number", value: "440/12/2024"}, file("sk.pdf", testenv.PDF("SK pemberdayaan"))).Evidence[0]
	h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R2"}, field{name: "title", value: "SOP Rapat"}, file("sop.pdf", testenv.PDF("SOP")))
	foreign := h.mustUpload(other.ID, field{name: "requirement", value: "2.1.2/a/R1"}, field{name: "title", value: "SK Pemberdayaan lain"}, file("lain.pdf", testenv.PDF("lain"))).Evidence[0]
	r3 := fmt.Sprintf("/f/%d/req?id=2.1.2/a/R3", f.ID)

	searches := []struct {
		query     string
		want      []string
		wantNot   []string
		candidate bool
	}{
		{"440/12", []string{"SK Tim Pemberdayaan Masyarakat", "Dipakai untuk: 2.1.2/a/R1"}, []string{"SOP Rapat", "SK Pemberdayaan lain"}, true},
		{"pemberdayaan", []string{"SK Tim Pemberdayaan Masyarakat"}, []string{"SK Pemberdayaan lain"}, true},
		{"", []string{"SK Tim Pemberdayaan Masyarakat", "SOP Rapat"}, nil, true},
		{"tidak ada", []string{"Tidak ada bukti yang cocok."}, nil, false},
	}
	for _, tc := range searches {
		t.Run(fmt.Sprintf("search %q", tc.query), func(t *testing.T) {
			_, _, body := v.get(r3 + "&q=" + url.QueryEscape(tc.query))
			text := visibleText(body)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("results lack %q", w)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(text, w) {
					t.Errorf("results show %q", w)
				}
			}
			if got := strings.Contains(body, fmt.Sprintf(`data-link="%d"`, sk.ID)); got != tc.candidate {
				t.Errorf("a button to use the SK: %v, want %v", got, tc.candidate)
			}
		})
	}

	link := func(fid int64, form url.Values) (int, string, string) {
		return v.post(fmt.Sprintf("/f/%d/link", fid), form)
	}
	status, loc, _ := link(f.ID, url.Values{"evidence": {fmt.Sprint(sk.ID)}, "requirement": {"2.1.2/a/R3"}, "q": {"440"}})
	if status != http.StatusSeeOther || !strings.Contains(loc, "ok=req.linked") {
		t.Fatalf("link: %d → %s", status, loc)
	}
	ep := element(t, h.readiness(f.ID), "2.1.2/a")
	for _, id := range []string{"2.1.2/a/R1", "2.1.2/a/R3"} {
		if rs, _ := ep.Requirement(id); rs.Reason != readiness.ReasonMet {
			t.Errorf("%s after the link: %s, want met (both count the SK)", id, rs.Reason)
		}
	}
	_, _, body := v.get(loc)
	if !strings.Contains(body, "Bukti yang sudah ada dipakai untuk persyaratan ini.") || !strings.Contains(body, "SK Tim Pemberdayaan Masyarakat") {
		t.Error("R3's page lacks the confirmation or the SK")
	}
	_, _, body = v.get(r3 + "&q=440")
	if !strings.Contains(visibleText(body), "Sudah dipakai di sini") || !strings.Contains(visibleText(body), "2.1.2/a/R1, 2.1.2/a/R3") {
		t.Error("the search does not show the SK as used here and for R1")
	}

	before := h.counts()
	refusals := []struct {
		name     string
		facility int64
		form     url.Values
		status   int
		message  string
	}{
		{"the same SK again", f.ID, url.Values{"evidence": {fmt.Sprint(sk.ID)}, "requirement": {"2.1.2/a/R3"}, "q": {"440"}}, 409, "sudah menjadi bukti 2.1.2/a/R3"},
		{"a slot requirement without its slot", f.ID, url.Values{"evidence": {fmt.Sprint(sk.ID)}, "requirement": {slotReq}, "q": {"sk"}}, 400, "Pilih tahap untuk"},
		{"an interview item", f.ID, url.Values{"evidence": {fmt.Sprint(sk.ID)}, "requirement": {"2.1.2/a/W1"}}, 400, "butir wawancara"},
		{"another facility's evidence", f.ID, url.Values{"evidence": {fmt.Sprint(foreign.ID)}, "requirement": {"2.1.2/a/R3"}}, 404, "tidak ditemukan"},
		{"no evidence named", f.ID, url.Values{"evidence": {"x"}, "requirement": {"2.1.2/a/R3"}}, 404, "tidak ditemukan"},
		{"a facility out of scope", other.ID, url.Values{"evidence": {fmt.Sprint(foreign.ID)}, "requirement": {"2.1.2/a/R3"}}, 404, "tidak ditemukan"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := link(tc.facility, tc.form)
			if status != tc.status || !strings.Contains(html.UnescapeString(body), tc.message) {
				t.Errorf("status %d, want %d with %q: %.300s", status, tc.status, tc.message, visibleText(body))
			}
			if status < 404 && tc.form.Get("requirement") != "2.1.2/a/W1" && (!strings.Contains(body, `id="link-error"`) || !strings.Contains(body, `id="link-results"`)) {
				t.Error("the refusal is not shown at the search with its results")
			}
		})
	}
	if after := h.counts(); after != before {
		t.Errorf("refused links stored something: %+v → %+v", before, after)
	}

	t.Run("API", func(t *testing.T) {
		var linked bukti.Evidence
		h.expect(http.StatusCreated, h.call("POST", fmt.Sprintf("/api/v1/evidence/%d/links", sk.ID),
			map[string]string{"requirement": slotReq, "stage": "evaluasi", "part": "notulen"}, ""), &linked)
		if linked.RequirementID != slotReq || linked.Stage != "evaluasi" || linked.Latest() == nil || linked.Latest().SHA256 != sk.Latest().SHA256 {
			t.Errorf("API link: %+v", linked)
		}
		r := h.call("POST", fmt.Sprintf("/api/v1/evidence/%d/links", sk.ID), map[string]string{"requirement": slotReq, "stage": "evaluasi", "part": "notulen"}, "")
		if code, _ := h.apiError(r); r.status != http.StatusConflict || code != bukti.ECONFLICT {
			t.Errorf("second API link: %d %s", r.status, r.body)
		}
		r = h.call("POST", fmt.Sprintf("/api/v1/evidence/%d/links", sk.ID), `{"requirement": 5}`, "")
		if r.status != http.StatusBadRequest {
			t.Errorf("bad JSON: %d", r.status)
		}
	})
}

// TestTimesShownInZone shows a revision's time in the deployment's zone
// with its label, as the page's UI is set (BUKTI_TIMEZONE).
func TestTimesShownInZone(t *testing.T) {
	h, f, v := uxFixture(t)
	ev := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("SK"))).Evidence[0]
	var rev bukti.Revision
	h.db.Where("evidence_id = ?", ev.ID).First(&rev)
	for _, zone := range []string{"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Asia/Kolkata"} {
		t.Run(zone, func(t *testing.T) {
			loc, err := time.LoadLocation(zone)
			if err != nil {
				t.Fatal(err)
			}
			h.web.UI.SetTimeZone(loc)
			want := ui.DateTime(rev.CreatedAt, loc)
			label := map[string]string{"Asia/Jakarta": " WIB", "Asia/Makassar": " WITA", "Asia/Jayapura": " WIT", "Asia/Kolkata": " UTC+05:30"}[zone]
			if !strings.HasSuffix(want, label) {
				t.Fatalf("DateTime = %q, want the label %q", want, label)
			}
			_, _, body := v.get(fmt.Sprintf("/f/%d/req?id=2.1.2/a/R1", f.ID))
			if !strings.Contains(html.UnescapeString(body), want) {
				t.Errorf("the page does not show the revision's time as %q", want)
			}
		})
	}
}
