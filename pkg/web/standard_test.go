package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/standard"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// dataLeftBehind gives a new facility data the test workbook's catalogue
// does not carry over — evidence on 2.1.2/a/D2, the interviewee
// "Masyarakat" of 2.1.2/a/W1, a TDD mark on 2.1.2/c — and evidence on
// 2.1.2/a/R1, which it does. It returns the facility and the ID of the
// evidence left behind.
func dataLeftBehind(h *harness) (bukti.Facility, int64) {
	h.t.Helper()
	f := h.createFacility("PL1")
	h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("sk tetap")))
	lost := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/D2"}, file("kesepakatan.pdf", testenv.PDF("kesepakatan"))).ID
	base := fmt.Sprintf("/api/v1/facilities/%d", f.ID)
	h.expect(http.StatusOK, h.call("PUT", base+"/interviewees", map[string]string{"requirement": "2.1.2/a/W1", "role": "Masyarakat", "name": "Pak RT"}, ""), nil)
	h.expect(http.StatusOK, h.call("PUT", base+"/not-applicable", map[string]string{"element": "2.1.2/c", "reason": "Belum ada kegiatan yang dievaluasi tahun ini"}, ""), nil)
	return f, lost
}

// planBody is the JSON of a plan (a dry run, a refusal or an activation).
type planBody struct {
	Error *struct {
		Code, Key, Message string
		MessageEN          string `json:"message_en"`
	}
	Version   bukti.CatalogueVersion
	Activated bool
	Diff      struct {
		From, To string
		Elements []struct{ ID, Change string }
		Counts   map[string]int
	}
	NotCarriedOver struct {
		Evidence []struct {
			ID                  int64
			FacilityID          int64 `json:"facility_id"`
			Requirement, Reason string
		}
		Interviewees  []struct{ Requirement, Role, Reason string }
		NotApplicable []struct{ Element, Reason string } `json:"not_applicable"`
	} `json:"not_carried_over"`
}

func (p planBody) evidenceIDs() []int64 {
	var out []int64
	for _, e := range p.NotCarriedOver.Evidence {
		out = append(out, e.ID)
	}
	return out
}

// TestCatalogueActivationAPI: an import shows its difference from the
// catalogue in use and what would not carry over; activation without
// confirm is refused with that list, with {"confirm": true} it activates
// and audits what was left behind.
func TestCatalogueActivationAPI(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f, lost := dataLeftBehind(h)

	var imported planBody
	h.expect(http.StatusCreated, h.upload("/api/v1/catalogue/import", field{name: "version", value: "2026.1"}, file("instrumen.xlsx", testenv.SelfAssessment(t))), &imported)
	if imported.Diff.To != "pkp-2023@2026.1" || imported.Diff.Counts["elements_removed"] != 325 || imported.Diff.Counts["elements_changed"] != 3 || len(imported.Diff.Elements) == 0 {
		t.Errorf("import diff = %+v", imported.Diff)
	}
	if got := imported.evidenceIDs(); !slices.Equal(got, []int64{lost}) {
		t.Errorf("import: not carried over %v, want exactly [%d]", got, lost)
	}
	id := imported.Version.ID
	activate := fmt.Sprintf("/api/v1/catalogue/versions/%d/activate", id)

	var dry planBody
	h.expect(http.StatusOK, h.call("GET", fmt.Sprintf("/api/v1/catalogue/versions/%d/plan", id), nil, ""), &dry)
	if dry.Activated || !slices.Equal(dry.evidenceIDs(), []int64{lost}) || dry.NotCarriedOver.Evidence[0].FacilityID != f.ID ||
		dry.NotCarriedOver.Evidence[0].Requirement != "2.1.2/a/D2" || dry.NotCarriedOver.Evidence[0].Reason != standard.ReasonRequirement {
		t.Errorf("dry run = %+v", dry.NotCarriedOver)
	}
	if len(dry.NotCarriedOver.Interviewees) != 1 || dry.NotCarriedOver.Interviewees[0].Role != "Masyarakat" ||
		len(dry.NotCarriedOver.NotApplicable) != 1 || dry.NotCarriedOver.NotApplicable[0].Element != "2.1.2/c" {
		t.Errorf("dry run: interviewees %+v, TDD %+v", dry.NotCarriedOver.Interviewees, dry.NotCarriedOver.NotApplicable)
	}

	for _, body := range []any{nil, map[string]bool{"confirm": false}} {
		r := h.call("POST", activate, body, "")
		var refused planBody
		if err := json.Unmarshal(r.body, &refused); err != nil || r.status != http.StatusConflict || refused.Error == nil {
			t.Fatalf("activate with %v: %d %s", body, r.status, r.body)
		}
		if refused.Error.Code != bukti.ECONFLICT || refused.Error.Key != standard.ConfirmKey ||
			!strings.Contains(refused.Error.Message, "tidak dihapus") || !strings.Contains(refused.Error.MessageEN, "unreachable until a version that has their IDs is active again") {
			t.Errorf("refusal error %+v", refused.Error)
		}
		if refused.Activated || !slices.Equal(refused.evidenceIDs(), []int64{lost}) || refused.Diff.Counts["elements_removed"] != 325 {
			t.Errorf("refusal plan: activated %v, evidence %v, diff %+v", refused.Activated, refused.evidenceIDs(), refused.Diff.Counts)
		}
	}
	if r := h.call("POST", activate, `{"confirm": "ya"}`, ""); r.status != http.StatusBadRequest {
		t.Errorf("activate with a non-boolean confirm: %d %s", r.status, r.body)
	}
	if h.auditCount("catalogue.activate") != 0 {
		t.Fatal("a refused activation was audited as one")
	}

	var done planBody
	h.expect(http.StatusOK, h.call("POST", activate, map[string]bool{"confirm": true}, ""), &done)
	if !done.Activated || !done.Version.Active || done.Error != nil || !slices.Equal(done.evidenceIDs(), []int64{lost}) {
		t.Errorf("confirmed activation = %+v", done)
	}
	if h.auditCount("catalogue.activate") != 1 || h.auditCount("catalogue.not_carried_over") != 1 {
		t.Errorf("audit: %d activations, %d left-behind rows; want 1 and 1 (one facility)",
			h.auditCount("catalogue.activate"), h.auditCount("catalogue.not_carried_over"))
	}
	var row bukti.AuditEntry
	h.db.Where("action = ?", "catalogue.not_carried_over").First(&row)
	if row.FacilityID == nil || *row.FacilityID != f.ID || !strings.Contains(row.Summary, fmt.Sprintf("evidence %d (2.1.2/a/D2)", lost)) {
		t.Errorf("left-behind audit row %+v", row)
	}
	var kept int64
	h.db.Model(&bukti.Evidence{}).Where("id = ? AND deleted_at IS NULL", lost).Count(&kept)
	if kept != 1 {
		t.Error("the evidence left behind was deleted")
	}
}

// TestCatalogueActivationPage: after an import the admin sees the
// difference and what will not carry over; activating needs the
// confirmation step's checkbox, and a refused workbook says what layout was
// expected and what was found.
func TestCatalogueActivationPage(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	_, lost := dataLeftBehind(h)
	v := newVisitor(h)
	v.login(adminEmail, adminPassword)
	importForm := func(data []byte) (int, string, string) {
		return v.do(h.multipartRequest("/admin/catalogue/import",
			field{name: "csrf_token", value: v.csrf}, field{name: "version", value: "2026.1"}, file("instrumen.xlsx", data)))
	}

	// A refused workbook: the settings page again (400), with the importer's message.
	csv := []byte("Bab,Standar,Kriteria\nII,2.1,2.1.2\n")
	status, _, body := importForm(csv)
	if status != http.StatusBadRequest || !strings.Contains(body, "diharapkan instrumen penilaian mandiri sebagai berkas Excel (.xlsx), ditemukan berkas teks (misalnya CSV)") ||
		!strings.Contains(body, `id="c-file"`) {
		t.Errorf("refused import: status %d, body lacks the message or the form:\n%s", status, body)
	}
	v.get("/lang/en?next=/admin")
	if status, _, body := importForm(csv); status != http.StatusBadRequest || !strings.Contains(body, "expected the self-assessment as an Excel (.xlsx) file, found a text file (such as CSV)") {
		t.Errorf("refused import in English: status %d:\n%s", status, body)
	}
	v.get("/lang/id?next=/admin")

	status, loc, _ := importForm(testenv.SelfAssessment(t))
	m := regexp.MustCompile(`^/admin/catalogue/(\d+)\?ok=admin.imported$`).FindStringSubmatch(loc)
	if status != http.StatusSeeOther || m == nil {
		t.Fatalf("import: %d → %q, want the version's page", status, loc)
	}
	page := "/admin/catalogue/" + m[1]
	status, _, body = v.get(page + "?ok=admin.imported")
	for _, want := range []string{
		`id="catalogue-diff"`, "Dari pkp-2023@", "ke pkp-2023@2026.1",
		`<code>5.1.1/a</code>`, `change-added`, `<code>2.1.2/c</code>`, "dihapus",
		`id="not-carried-over"`, fmt.Sprintf("<td>%d</td><td><code>2.1.2/a/D2</code>", lost), "persyaratan tidak ada di versi ini",
		"Masyarakat: Pak RT", "peran tidak ada di versi ini", "EP tidak ada di versi ini",
		`name="confirm"`, "Saya mengerti bahwa 3 data di atas tidak ikut pindah",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("version page lacks %q", want)
		}
	}
	if status != http.StatusOK || t.Failed() {
		t.Fatalf("version page: status %d\n%s", status, body)
	}

	activate := page + "/activate"
	status, _, body = v.post(activate, url.Values{})
	if status != http.StatusConflict || !strings.Contains(body, "Centang konfirmasi") || !strings.Contains(body, `name="confirm"`) {
		t.Errorf("activate without the checkbox: status %d\n%s", status, body)
	}
	var active bool
	h.db.Model(&bukti.CatalogueVersion{}).Where("id = ?", m[1]).Pluck("active", &active)
	if active || h.auditCount("catalogue.activate") != 0 {
		t.Fatal("activated without confirmation")
	}
	if status, loc, _ := v.post(activate, url.Values{"confirm": {"1"}}); status != http.StatusSeeOther || !strings.Contains(loc, "admin.activated") {
		t.Errorf("activate with the checkbox: %d → %s", status, loc)
	}
	h.db.Model(&bukti.CatalogueVersion{}).Where("id = ?", m[1]).Pluck("active", &active)
	if !active || h.auditCount("catalogue.not_carried_over") != 1 {
		t.Errorf("after confirming: active %v, left-behind audit rows %d", active, h.auditCount("catalogue.not_carried_over"))
	}
	if _, _, body := v.get(page); !strings.Contains(body, "badge met") || strings.Contains(body, `id="activate-form"`) {
		t.Error("the active version's page still offers activation")
	}
	if status, _, _ := v.get("/admin/catalogue/999"); status != http.StatusNotFound {
		t.Errorf("unknown version page: %d", status)
	}
}
