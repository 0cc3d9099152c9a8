package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// visitor is a browser without JavaScript: a cookie jar that does not
// follow redirects, so each response can be checked.
type visitor struct {
	h    *harness
	c    *http.Client
	csrf string
}

func newVisitor(h *harness) *visitor {
	jar, _ := cookiejar.New(nil)
	return &visitor{h: h, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// csrfRe finds the anti-CSRF token of a page (its meta tag) or of the
// sign-in form.
var csrfRe = regexp.MustCompile(`name="csrf-token" content="([^"]+)"|name="csrf_token" value="([^"]+)"`)

func (v *visitor) do(req *http.Request) (int, string, string) {
	v.h.t.Helper()
	resp, err := v.c.Do(req)
	if err != nil {
		v.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfRe.FindSubmatch(b); m != nil {
		v.csrf = string(m[1]) + string(m[2])
	}
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func (v *visitor) get(path string) (int, string, string) {
	req, _ := http.NewRequest("GET", v.h.srv.URL+path, nil)
	return v.do(req)
}

// post submits an urlencoded form; the CSRF token is added unless the
// form sets csrf_token itself (the sign-in form's is fetched first).
func (v *visitor) post(path string, form url.Values) (int, string, string) {
	if _, ok := form["csrf_token"]; !ok {
		if path == "/login" {
			v.get("/login")
		}
		form.Set("csrf_token", v.csrf)
	}
	req, _ := http.NewRequest("POST", v.h.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return v.do(req)
}

func (v *visitor) login(email, password string) {
	v.h.t.Helper()
	if status, loc, body := v.post("/login", url.Values{"email": {email}, "password": {password}, "next": {"/"}}); status != http.StatusSeeOther {
		v.h.t.Fatalf("login: %d %s %s", status, loc, body)
	}
	// Follow the redirects to a page, which carries the CSRF token.
	for path, i := "/", 0; path != "" && i < 3; i++ {
		_, path, _ = v.get(path)
	}
	if v.csrf == "" {
		v.h.t.Fatal("no CSRF token on the page after login")
	}
}

// TestPagesWithoutJavaScript drives the forms as a browser without
// JavaScript would, good and bad cases alike.
func TestPagesWithoutJavaScript(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P1")
	other := h.createFacilityIn("P2", districtB)
	h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	v := newVisitor(h)

	t.Run("wrong password", func(t *testing.T) {
		status, _, body := v.post("/login", url.Values{"email": {"mutu@puskesmas.test"}, "password": {"salah-sandi-123"}})
		if status != http.StatusUnauthorized || !strings.Contains(body, "Email atau kata sandi salah") {
			t.Errorf("wrong password: %d, body lacks the message", status)
		}
	})
	t.Run("pages need a session", func(t *testing.T) {
		if status, loc, _ := v.get(fmt.Sprintf("/f/%d", f.ID)); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
			t.Errorf("anonymous dashboard: %d → %s", status, loc)
		}
	})
	t.Run("no open redirect after login", func(t *testing.T) {
		w := newVisitor(h)
		_, loc, _ := w.post("/login", url.Values{"email": {"mutu@puskesmas.test"}, "password": {"kata-sandi-pengguna-1"}, "next": {"//evil.example/"}})
		if loc != "/" {
			t.Errorf("next=//evil.example/ redirected to %q", loc)
		}
	})
	v.login("mutu@puskesmas.test", "kata-sandi-pengguna-1")
	reqPage := fmt.Sprintf("/f/%d/req?id=2.1.2/a/R1", f.ID)

	upload := func(csrf string, data []byte) (int, string) {
		status, loc, _ := v.do(h.multipartRequest(fmt.Sprintf("/f/%d/upload", f.ID),
			field{name: "csrf_token", value: csrf}, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", data)))
		return status, loc
	}
	t.Run("upload form", func(t *testing.T) {
		before := h.counts()
		if status, _ := upload("bukan-token", testenv.PDF("tanpa token")); status != http.StatusForbidden {
			t.Errorf("upload without the CSRF token: status %d, want 403", status)
		}
		if status, _ := upload(v.csrf, testenv.Executable(t)); status != http.StatusUnsupportedMediaType {
			t.Errorf("executable: status %d, want 415", status)
		}
		if after := h.counts(); after != before {
			t.Errorf("refused uploads stored something: %+v → %+v", before, after)
		}
		status, loc := upload(v.csrf, testenv.PDF("SK"))
		if status != http.StatusSeeOther || !strings.Contains(loc, "ok=req.uploaded") {
			t.Fatalf("upload: %d → %s", status, loc)
		}
		_, _, body := v.get(loc)
		if !strings.Contains(body, "Berkas berhasil diunggah") || !strings.Contains(body, "sk.pdf") {
			t.Error("requirement page after upload lacks the confirmation or the file")
		}
	})
	t.Run("edit details and add a revision", func(t *testing.T) {
		var ev bukti.Evidence
		h.db.Where("facility_id = ? AND deleted_at IS NULL", f.ID).First(&ev)
		meta := fmt.Sprintf("/f/%d/evidence/%d/meta", f.ID, ev.ID)
		if status, _, _ := v.post(meta, url.Values{"title": {"SK Fasilitasi"}, "issue_date": {"03-01-2024"}}); status != http.StatusBadRequest {
			t.Errorf("date in the wrong format: status %d, want 400", status)
		}
		if status, loc, _ := v.post(meta, url.Values{"title": {"SK Fasilitasi"}, "doc_number": {"440/12"}, "issue_date": {"2024-01-03"}}); status != http.StatusSeeOther || !strings.Contains(loc, "req.saved") {
			t.Errorf("edit: %d → %s", status, loc)
		}
		if _, _, body := v.get(reqPage); !strings.Contains(body, `value="2024-01-03"`) || !strings.Contains(body, "SK Fasilitasi") {
			t.Error("requirement page does not show the edited details")
		}
		req := h.multipartRequest(fmt.Sprintf("/f/%d/evidence/%d/revision", f.ID, ev.ID),
			field{name: "csrf_token", value: v.csrf}, file("sk-rev1.pdf", testenv.PDF("SK revisi 1")))
		if status, _, _ := v.do(req); status != http.StatusSeeOther {
			t.Fatalf("revision: status %d", status)
		}
		var revs int64
		h.db.Model(&bukti.Revision{}).Where("evidence_id = ?", ev.ID).Count(&revs)
		if revs != 2 {
			t.Errorf("revisions after the new one: %d, want 2", revs)
		}
	})
	t.Run("delete", func(t *testing.T) {
		var ev bukti.Evidence
		h.db.Where("facility_id = ? AND deleted_at IS NULL", f.ID).First(&ev)
		path := fmt.Sprintf("/f/%d/evidence/%d/delete", f.ID, ev.ID)
		if status, _, _ := v.post(path, url.Values{"csrf_token": {""}}); status != http.StatusForbidden {
			t.Errorf("delete without the CSRF token: status %d, want 403", status)
		}
		if status, loc, _ := v.post(path, url.Values{}); status != http.StatusSeeOther || !strings.Contains(loc, "req.deleted") {
			t.Errorf("delete: %d → %s", status, loc)
		}
	})
	t.Run("TDD", func(t *testing.T) {
		back := fmt.Sprintf("/f/%d/kriteria/2.1.2", f.ID)
		if status, _, body := v.post(fmt.Sprintf("/f/%d/tdd", f.ID), url.Values{"element": {"2.1.2/c"}, "reason": {"pendek"}, "back": {back}}); status != http.StatusBadRequest || !strings.Contains(body, "alasan TDD") {
			t.Errorf("short TDD reason: %d", status)
		}
		if status, loc, _ := v.post(fmt.Sprintf("/f/%d/tdd", f.ID), url.Values{"element": {"2.1.2/c"}, "reason": {"Tidak ada kegiatan yang dievaluasi"}, "back": {back}}); status != http.StatusSeeOther || !strings.HasPrefix(loc, back) {
			t.Errorf("TDD: %d → %s", status, loc)
		}
		if _, _, body := v.get(back); !strings.Contains(body, "Tidak ada kegiatan yang dievaluasi") {
			t.Error("kriteria page does not show the TDD reason")
		}
	})
	t.Run("interviewees", func(t *testing.T) {
		status, _, _ := v.post(fmt.Sprintf("/f/%d/interviewees", f.ID), url.Values{"requirement": {"2.1.2/a/W1"}, "role": {"Kepala Puskesmas"}, "name": {"dr. Ratna"}})
		if status != http.StatusSeeOther {
			t.Fatalf("interviewee: status %d", status)
		}
		if _, _, body := v.get(fmt.Sprintf("/f/%d/req?id=2.1.2/a/W1", f.ID)); !strings.Contains(body, `value="dr. Ratna"`) {
			t.Error("W1 page does not show the named interviewee")
		}
		if status, _, _ := v.post(fmt.Sprintf("/f/%d/interviewees", f.ID), url.Values{"requirement": {"2.1.2/a/W1"}, "role": {"Bupati"}, "name": {"X"}}); status != http.StatusBadRequest {
			t.Errorf("unknown role: status %d, want 400", status)
		}
	})
	t.Run("interviewees in one form", func(t *testing.T) {
		path := fmt.Sprintf("/f/%d/interviewees", f.ID)
		page := fmt.Sprintf("/f/%d/req?id=2.1.2/c/W1", f.ID)
		form := func(names ...string) url.Values {
			v := url.Values{"requirement": {"2.1.2/c/W1"}}
			for i, role := range []string{"Kepala Puskesmas", "Penanggung jawab UKM", "Pelaksana pelayanan UKM"}[:len(names)] {
				v.Add("role", role)
				v.Add("name", names[i])
			}
			return v
		}
		saved := func() []bukti.Interviewee {
			var rows []bukti.Interviewee
			h.db.Where("facility_id = ? AND requirement_id = ?", f.ID, "2.1.2/c/W1").Order("role").Find(&rows)
			return rows
		}
		if status, _, _ := v.post(path, form("dr. Ratna", "", "Bu Sari, kader")); status != http.StatusSeeOther {
			t.Fatalf("two rows named, one empty: status %d", status)
		}
		if got := saved(); len(got) != 2 || got[0].Name != "dr. Ratna" || got[1].Name != "Bu Sari, kader" {
			t.Fatalf("saved %+v, want the two named rows", got)
		}
		for _, tc := range []struct {
			name string
			form url.Values
			kept []string // typed values the page shows again
		}{
			{"a name too long", form("dr. Budi", strings.Repeat("x", 201), "Pak RT"), []string{`value="dr. Budi"`, `value="Pak RT"`}},
			{"no name at all", form("", "", ""), nil},
			{"an unknown role", url.Values{"requirement": {"2.1.2/c/W1"}, "role": {"Kepala Puskesmas", "Bupati"}, "name": {"dr. Budi", "X"}}, []string{`value="dr. Budi"`}},
			{"names without roles", url.Values{"requirement": {"2.1.2/c/W1"}, "role": {"Kepala Puskesmas"}, "name": {"dr. Budi", "X"}}, []string{`value="dr. Budi"`}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, _, body := v.post(path, tc.form)
				if status != http.StatusBadRequest {
					t.Fatalf("status %d, want 400", status)
				}
				wants(t, tc.name, body, append(tc.kept, `id="interviewees-form"`, "data-draft", `role="alert"`)...)
				if got := saved(); len(got) != 2 || got[0].Name != "dr. Ratna" || got[1].Name != "Bu Sari, kader" {
					t.Errorf("a refused save changed the names: %+v", got)
				}
			})
		}
		if _, _, body := v.get(page); !strings.Contains(body, `value="dr. Ratna"`) || strings.Contains(body, "data-draft") {
			t.Error("the page does not show the saved names as saved")
		}
	})
	t.Run("other facility and admin pages", func(t *testing.T) {
		for _, path := range []string{fmt.Sprintf("/f/%d", other.ID), fmt.Sprintf("/f/%d/req?id=2.1.2/a/R1", other.ID)} {
			if status, _, body := v.get(path); status != http.StatusNotFound || !strings.Contains(body, "tidak ditemukan") {
				t.Errorf("%s: status %d", path, status)
			}
		}
		if status, _, _ := v.post(fmt.Sprintf("/f/%d/tdd", other.ID), url.Values{"element": {"2.1.2/c"}, "reason": {"Alasan yang cukup panjang"}}); status != http.StatusNotFound {
			t.Errorf("TDD on another facility: status %d, want 404", status)
		}
		if status, _, _ := v.get("/admin"); status != http.StatusForbidden {
			t.Errorf("admin page as quality team: status %d, want 403", status)
		}
		if status, _, _ := v.get(reqPage + "x"); status != http.StatusNotFound {
			t.Errorf("unknown requirement: status %d, want 404", status)
		}
	})
	t.Run("static assets and language", func(t *testing.T) {
		_, _, body := v.get("/login")
		css := regexp.MustCompile(`/static/app\.[0-9a-f]{12}\.css`).FindString(body)
		req, _ := http.NewRequest("GET", h.srv.URL+css, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("fingerprinted css %q: %v %v", css, err, resp)
		}
		if status, _, _ := v.get("/static/app.css"); status != http.StatusNotFound {
			t.Errorf("unfingerprinted asset: status %d, want 404", status)
		}
		if status, _, _ := v.get("/lang/fr?next=/"); status != http.StatusNotFound {
			t.Errorf("unknown language: status %d, want 404", status)
		}
	})
}

// TestAdminPages adds a province, district, facility and user through the
// admin forms.
func TestAdminPages(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	v := newVisitor(h)
	v.login(adminEmail, adminPassword)
	steps := []struct {
		name, path string
		form       url.Values
		status     int
	}{
		{"province", "/admin/provinces", url.Values{"code": {"33"}, "name": {"Jawa Tengah"}}, 303},
		{"duplicate province", "/admin/provinces", url.Values{"code": {"33"}, "name": {"Jawa Tengah"}}, 409},
		{"district", "/admin/districts", url.Values{"code": {"3374"}, "name": {"Kota Semarang"}, "province": {"33"}}, 303},
		{"district in an unknown province", "/admin/districts", url.Values{"code": {"3375"}, "name": {"X"}, "province": {"99"}}, 400},
		{"facility", "/admin/facilities", url.Values{"code": {"P3374"}, "name": {"Puskesmas Halmahera"}, "district": {"3374"}}, 303},
		{"user with a bad scope", "/admin/users", url.Values{"email": {"qt@halmahera.test"}, "name": {"QT"}, "password": {"kata-sandi-123"}, "role": {"quality_team"}, "scope": {"district:1"}}, 400},
		{"user", "/admin/users", url.Values{"email": {"qt@halmahera.test"}, "name": {"QT"}, "password": {"kata-sandi-123"}, "role": {"viewer"}, "scope": {"district:1"}}, 400},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if status, _, body := v.post(st.path, st.form); status != st.status {
				t.Errorf("status %d, want %d: %.300s", status, st.status, body)
			}
		})
	}
	var fid int64
	h.db.Model(&bukti.Facility{}).Where("code = ?", "P3374").Pluck("id", &fid)
	if status, _, _ := v.post("/admin/users", url.Values{"email": {"qt@halmahera.test"}, "name": {"QT"}, "password": {"kata-sandi-123"}, "role": {"quality_team"}, "scope": {fmt.Sprintf("facility:%d", fid)}}); status != http.StatusSeeOther {
		t.Fatalf("add user: status %d", status)
	}
	var users int64
	h.db.Model(&bukti.User{}).Where("email = ?", "qt@halmahera.test").Count(&users)
	if users != 1 {
		t.Errorf("users named qt@halmahera.test: %d (a refused role must not leave a user behind)", users)
	}
	if _, _, body := v.get("/admin"); !strings.Contains(body, "Puskesmas Halmahera") || !strings.Contains(body, "qt@halmahera.test") {
		t.Error("admin page lacks the new facility or user")
	}
}

// TestSurveyorPages checks the surveyor's view: assigned visits on the
// home page, the facility read-only.
func TestSurveyorPages(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P1")
	uid, _ := h.userWith("surveior@kars.test", bukti.RoleBinding{})
	var sv bukti.Survey
	h.expect(http.StatusCreated, h.call("POST", "/api/v1/surveys", map[string]any{"facility_id": f.ID, "type": "initial", "surveyors": []int64{uid}}, ""), &sv)
	v := newVisitor(h)
	v.login("surveior@kars.test", "kata-sandi-pengguna-1")
	if _, _, body := v.get("/"); !strings.Contains(body, fmt.Sprintf("Kunjungan #%d", sv.ID)) || !strings.Contains(body, "Akreditasi awal") {
		t.Error("home page does not list the assigned visit")
	}
	status, _, body := v.get(fmt.Sprintf("/f/%d/req?id=2.1.2/a/R1", f.ID))
	if status != http.StatusOK || strings.Contains(body, `id="upload-form"`) {
		t.Errorf("surveyor requirement page: status %d, upload form shown: %v", status, strings.Contains(body, `id="upload-form"`))
	}
	if status, _, _ := v.post(fmt.Sprintf("/f/%d/tdd", f.ID), url.Values{"element": {"2.1.2/c"}, "reason": {"Alasan yang cukup panjang"}}); status != http.StatusForbidden {
		t.Errorf("surveyor marking TDD: status %d, want 403", status)
	}
}

// TestAdminCatalogueImportPage imports a workbook and activates it through
// the admin page's forms.
func TestAdminCatalogueImportPage(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	v := newVisitor(h)
	v.login(adminEmail, adminPassword)
	send := func(csrf string, data []byte) int {
		status, _, _ := v.do(h.multipartRequest("/admin/catalogue/import",
			field{name: "csrf_token", value: csrf}, field{name: "version", value: "2026.1"}, file("instrumen.xlsx", data)))
		return status
	}
	if status := send("salah", testenv.SelfAssessment(t)); status != http.StatusForbidden {
		t.Errorf("import without the CSRF token: status %d, want 403", status)
	}
	if status := send(v.csrf, []byte("bukan xlsx")); status != http.StatusBadRequest {
		t.Errorf("import of a non-workbook: status %d, want 400", status)
	}
	if status := send(v.csrf, testenv.SelfAssessment(t)); status != http.StatusSeeOther {
		t.Fatalf("import: status %d", status)
	}
	_, _, body := v.get("/admin")
	if !strings.Contains(body, "pkp-2023@2026.1") || !strings.Contains(body, "3 EP") {
		t.Error("admin page does not list the imported version")
	}
	var id int64
	h.db.Model(&bukti.CatalogueVersion{}).Pluck("id", &id)
	if status, loc, _ := v.post(fmt.Sprintf("/admin/catalogue/%d/activate", id), url.Values{}); status != http.StatusSeeOther || !strings.Contains(loc, "admin.activated") {
		t.Errorf("activate: %d → %s", status, loc)
	}
	var active bool
	h.db.Model(&bukti.CatalogueVersion{}).Where("id = ?", id).Pluck("active", &active)
	if !active {
		t.Error("version not active after the form")
	}
}
