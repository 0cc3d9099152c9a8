package web_test

import (
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// The settings page's forms and their JSON API twins: every action good
// and bad. A refused form answers with the settings page again (400 for
// bad input, 409 for a conflict, 404 for what is gone): the message next
// to the field, every value typed kept, nothing written.

// formWant is what a refused form's page must show: the message (a
// substring) in the error element errID next to its field, and the typed
// values kept in the fields (by element ID; a select by its selected
// option).
type formWant struct {
	errID string
	msg   string
	kept  map[string]string
	panel string // for a message about the form as a whole: the element (opened) that shows it too
}

// inputTag finds the tag of the input or select with an ID.
func inputTag(body, id string) string {
	return regexp.MustCompile(`<(?:input|select) id="` + regexp.QuoteMeta(id) + `"[^>]*>`).FindString(body)
}

// fieldValue is what a field of a page holds: an input's value, a
// select's selected option.
func fieldValue(body, id string) (string, bool) {
	tag := inputTag(body, id)
	switch {
	case strings.HasPrefix(tag, "<input"):
		m := regexp.MustCompile(`value="([^"]*)"`).FindStringSubmatch(tag)
		if m == nil {
			return "", true
		}
		return html.UnescapeString(m[1]), true
	case strings.HasPrefix(tag, "<select"):
		i := strings.Index(body, tag)
		end := strings.Index(body[i:], "</select>")
		m := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(body[i : i+end])
		if m == nil {
			return "", true
		}
		return html.UnescapeString(m[1]), true
	}
	return "", false
}

// checkRefused checks a refused form's page against w. A message about
// the form as a whole (errID "") is checked above the page.
func checkRefused(t *testing.T, body string, w formWant) {
	t.Helper()
	m := regexp.MustCompile(`<p class="field-error"[^>]*id="` + regexp.QuoteMeta(w.errID) + `"[^>]*>([^<]*)</p>`).FindStringSubmatch(body)
	if w.errID == "" { // about the form as a whole: above the page, where a phone shows it first
		m = regexp.MustCompile(`<p class="flash error" role="status">([^<]*)</p>`).FindStringSubmatch(body)
	}
	if m == nil {
		t.Fatalf("no message %s on the page: %.2000s", w.errID, body)
	}
	if msg := html.UnescapeString(m[1]); !strings.Contains(msg, w.msg) {
		t.Errorf("message %q, want it to say %q", msg, w.msg)
	}
	for _, internal := range []string{"quality_team", "facility_id", "district_id", "province_id", "survey_id"} {
		if strings.Contains(html.UnescapeString(m[1]), internal) {
			t.Errorf("message %q shows the internal name %s", m[1], internal)
		}
	}
	if w.errID != "" {
		field := strings.TrimSuffix(w.errID, "-error")
		if tag := inputTag(body, field); tag != "" && (!strings.Contains(tag, `aria-invalid="true"`) || !strings.Contains(tag, w.errID)) {
			t.Errorf("field %s is not marked invalid and described by its message: %s", field, tag)
		}
	}
	if w.panel != "" {
		i := strings.Index(body, `id="`+w.panel+`"`)
		end := strings.Index(body[max(i, 0):], "</section>")
		if i < 0 || end < 0 {
			t.Fatalf("no element %s on the page", w.panel)
		}
		panel := body[i : i+end]
		if d := strings.Index(panel, "<details"); d >= 0 && !strings.HasPrefix(panel[d:], "<details open>") {
			t.Errorf("%s is not opened", w.panel)
		}
		if !strings.Contains(html.UnescapeString(panel), `<p class="field-error" role="alert">`+html.UnescapeString(m[1])) {
			t.Errorf("%s does not show the message %q", w.panel, m[1])
		}
	}
	for id, want := range w.kept {
		got, ok := fieldValue(body, id)
		if !ok || got != want {
			t.Errorf("field %s holds %q (found %v), want the typed %q", id, got, ok, want)
		}
	}
}

// adminStep is one form posted on the settings pages.
type adminStep struct {
	name   string
	path   string // may hold {province}, {district}, {facility}, {user}
	form   url.Values
	status int
	ok     string // 303: the confirmation key in the Location
	audit  string // 303: the audit action written once more
	want   formWant
}

func (h *harness) idOf(model any, code string) int64 {
	h.t.Helper()
	var id int64
	h.db.Model(model).Where("code = ?", code).Pluck("id", &id)
	return id
}

// TestAdminOrgForms adds, renames and deletes provinces, districts and
// Puskesmas through the settings page, each good and bad.
func TestAdminOrgForms(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	v := newVisitor(h)
	v.login(adminEmail, adminPassword)
	busy := h.createFacility("P-BUSY")
	h.mustUpload(busy.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("sk")))

	steps := []adminStep{
		{name: "add a province", path: "/admin/provinces", form: url.Values{"code": {"33"}, "name": {"Jawa Tengah"}},
			status: 303, ok: "admin.province_added", audit: "province.create"},
		{name: "province with a bad code", path: "/admin/provinces", form: url.Values{"code": {"3 3"}, "name": {"Jawa <Tengah>"}},
			status: 400, want: formWant{"p-code-error", "Kode provinsi wajib diisi", map[string]string{"p-code": "3 3", "p-name": "Jawa <Tengah>"}, ""}},
		{name: "province with a taken code", path: "/admin/provinces", form: url.Values{"code": {"33"}, "name": {"Jawa Tengah Lagi"}},
			status: 409, want: formWant{"p-code-error", `Kode provinsi "33" sudah terdaftar`, map[string]string{"p-code": "33", "p-name": "Jawa Tengah Lagi"}, ""}},
		{name: "province without a name", path: "/admin/provinces", form: url.Values{"code": {"34"}, "name": {" "}},
			status: 400, want: formWant{"p-name-error", "Nama provinsi wajib diisi", map[string]string{"p-code": "34"}, ""}},
		{name: "add a district", path: "/admin/districts", form: url.Values{"code": {"3374"}, "name": {"Kota Semarang"}, "province": {"33"}},
			status: 303, ok: "admin.district_added", audit: "district.create"},
		{name: "district in an unknown province", path: "/admin/districts", form: url.Values{"code": {"3375"}, "name": {"Kota Salatiga"}, "province": {"99"}},
			status: 400, want: formWant{"d-province-error", `Provinsi dengan kode "99" tidak ada`, map[string]string{"d-code": "3375", "d-name": "Kota Salatiga"}, ""}},
		{name: "district with a taken code", path: "/admin/districts", form: url.Values{"code": {"3374"}, "name": {"Kota Salatiga"}, "province": {"33"}},
			status: 409, want: formWant{"d-code-error", "sudah terdaftar", map[string]string{"d-code": "3374", "d-name": "Kota Salatiga", "d-province": "33"}, ""}},
		{name: "add a Puskesmas", path: "/admin/facilities", form: url.Values{"code": {"P3374"}, "name": {"Puskesmas Halmahera"}, "district": {"3374"}},
			status: 303, ok: "admin.facility_added", audit: "facility.create"},
		{name: "Puskesmas with a name taken in its district", path: "/admin/facilities", form: url.Values{"code": {"P3374B"}, "name": {"puskesmas halmahera"}, "district": {"3374"}},
			status: 409, want: formWant{"f-name-error", "sudah dipakai Puskesmas lain di Kota Semarang", map[string]string{"f-code": "P3374B", "f-name": "puskesmas halmahera", "f-district": "3374"}, ""}},
		{name: "Puskesmas with a bad code", path: "/admin/facilities", form: url.Values{"code": {"P/1"}, "name": {"Puskesmas Garis"}, "district": {"3374"}},
			status: 400, want: formWant{"f-code-error", "Kode Puskesmas wajib diisi", map[string]string{"f-code": "P/1", "f-name": "Puskesmas Garis"}, ""}},
		{name: "Puskesmas in an unknown district", path: "/admin/facilities", form: url.Values{"code": {"P9"}, "name": {"Puskesmas Entah"}, "district": {"9999"}},
			status: 400, want: formWant{"f-district-error", `kode "9999" tidak ada`, map[string]string{"f-code": "P9", "f-name": "Puskesmas Entah"}, ""}},
		{name: "rename a province", path: "/admin/provinces/{province}/rename", form: url.Values{"name": {"Jawa Tengah Baru"}},
			status: 303, ok: "admin.renamed", audit: "province.rename"},
		{name: "rename a province to nothing", path: "/admin/provinces/{province}/rename", form: url.Values{"name": {"  "}},
			status: 400, want: formWant{"province-{province}-name-error", "Nama provinsi wajib diisi", map[string]string{"province-{province}-name": "  "}, ""}},
		{name: "rename a district", path: "/admin/districts/{district}/rename", form: url.Values{"name": {"Kota Semarang (baru)"}},
			status: 303, ok: "admin.renamed", audit: "district.rename"},
		{name: "rename a Puskesmas", path: "/admin/facilities/{facility}/rename", form: url.Values{"name": {"Puskesmas Halmahera Baru"}},
			status: 303, ok: "admin.renamed", audit: "facility.rename"},
		{name: "rename a Puskesmas that is gone", path: "/admin/facilities/9999/rename", form: url.Values{"name": {"Puskesmas Hilang"}},
			status: 404, want: formWant{"", "tidak ditemukan", nil, ""}},
		{name: "delete a province that has a district", path: "/admin/provinces/{province}/delete", form: url.Values{},
			status: 409, want: formWant{"", "Tidak dapat menghapus Jawa Tengah Baru (provinsi): masih ada 1 kabupaten/kota", nil, "province-{province}"}},
		{name: "delete a district that has a Puskesmas", path: "/admin/districts/{district}/delete", form: url.Values{},
			status: 409, want: formWant{"", "masih ada 1 Puskesmas", nil, "district-{district}"}},
		{name: "delete a Puskesmas that has evidence", path: "/admin/facilities/{busy}/delete", form: url.Values{},
			status: 409, want: formWant{"", "Tidak dapat menghapus Puskesmas P-BUSY (Puskesmas): masih ada 1 bukti", nil, "facility-{busy}"}},
		{name: "delete a Puskesmas", path: "/admin/facilities/{facility}/delete", form: url.Values{}, status: 303, ok: "admin.deleted", audit: "facility.delete"},
		{name: "delete a district", path: "/admin/districts/{district}/delete", form: url.Values{}, status: 303, ok: "admin.deleted", audit: "district.delete"},
		{name: "delete a province", path: "/admin/provinces/{province}/delete", form: url.Values{}, status: 303, ok: "admin.deleted", audit: "province.delete"},
		{name: "delete it again", path: "/admin/provinces/{province}/delete", form: url.Values{}, status: 404, want: formWant{"", "tidak ditemukan", nil, ""}},
	}
	ids := map[string]int64{}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if id := h.idOf(&bukti.Province{}, "33"); id != 0 {
				ids["province"] = id
			}
			if id := h.idOf(&bukti.District{}, "3374"); id != 0 {
				ids["district"] = id
			}
			if id := h.idOf(&bukti.Facility{}, "P3374"); id != 0 {
				ids["facility"] = id
			}
			ids["busy"] = busy.ID
			fill := func(s string) string {
				for k, id := range ids {
					s = strings.ReplaceAll(s, "{"+k+"}", fmt.Sprint(id))
				}
				return s
			}
			want := st.want
			want.errID, want.panel = fill(want.errID), fill(want.panel)
			kept := map[string]string{}
			for k, v := range want.kept {
				kept[fill(k)] = v
			}
			want.kept = kept
			h.runStep(t, v, fill(st.path), st, want)
		})
	}
}

// runStep posts one form and checks its answer: a redirect with the
// confirmation and one more audit row, or the page with the refusal and
// the database as it was.
func (h *harness) runStep(t *testing.T, v *visitor, path string, st adminStep, want formWant) string {
	t.Helper()
	before := testenv.Dump(t, h.db, "sessions.last_used_at")
	audits := int64(0)
	if st.audit != "" {
		audits = h.auditCount(st.audit)
	}
	status, loc, body := v.post(path, st.form)
	if status != st.status {
		t.Fatalf("status %d, want %d: %.600s", status, st.status, body)
	}
	if status == http.StatusSeeOther {
		if !strings.Contains(loc, "ok="+st.ok) {
			t.Errorf("redirect to %s, want the confirmation %s", loc, st.ok)
		}
		if st.audit != "" && h.auditCount(st.audit) != audits+1 {
			t.Errorf("%s audit rows: %d, want %d", st.audit, h.auditCount(st.audit), audits+1)
		}
		return loc
	}
	if status != http.StatusOK {
		if after := testenv.Dump(t, h.db, "sessions.last_used_at"); after != before {
			t.Error("the refused form changed the database")
		}
		if want.errID != "" || want.msg != "" {
			checkRefused(t, body, want)
		}
	}
	return body
}

// TestAdminFacilityImport imports Puskesmas from a CSV on the settings
// page: the template, a messy good file, a file with bad rows (nothing
// imported, each bad row with its line and reason), and no file.
func TestAdminFacilityImport(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	v := newVisitor(h)
	v.login(adminEmail, adminPassword)
	send := func(name string, content []byte) (int, string, string) {
		fields := []field{{name: "csrf_token", value: v.csrf}}
		if name != "" {
			fields = append(fields, file(name, content))
		}
		return v.do(h.multipartRequest("/admin/facilities/import", fields...))
	}
	facilities := func() int64 {
		var n int64
		h.db.Model(&bukti.Facility{}).Count(&n)
		return n
	}

	t.Run("the template", func(t *testing.T) {
		status, _, body := v.get("/admin/facilities/template.csv")
		if status != 200 || !strings.HasPrefix(body, "\ufeff") {
			t.Fatalf("template: %d %q", status, body)
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil || len(rows) != 2 || strings.Join(rows[0], ",") != "code,name,district" {
			t.Fatalf("template rows %q: %v", rows, err)
		}
		if _, _, page := v.get("/admin"); !strings.Contains(page, `href="/admin/facilities/template.csv"`) {
			t.Error("the settings page does not link the template")
		}
		n := facilities()
		if status, loc, _ := send("bukti-puskesmas.csv", []byte(body)); status != 303 || !strings.Contains(loc, "admin.facilities_imported") {
			t.Fatalf("importing the template as it is: %d %s", status, loc)
		}
		if facilities() != n+1 {
			t.Error("the template's row was not added")
		}
	})
	t.Run("a messy good file", func(t *testing.T) {
		n, audits := facilities(), h.auditCount("facility.create")
		csvText := "\ufeffKode;Nama;Kabupaten/Kota;Keterangan\r\n\r\nP2;\"Puskesmas Cimahi Selatan; Baru\";3277;x\r\nP3;Puskesmas Melong;kota cimahi;\r\n;;;\r\n"
		if status, loc, body := send("daftar.csv", []byte(csvText)); status != 303 {
			t.Fatalf("import: %d %s %.500s", status, loc, body)
		}
		if facilities() != n+2 || h.auditCount("facility.create") != audits+2 {
			t.Errorf("facilities %d → %d, want two more, each audited", n, facilities())
		}
	})
	t.Run("a file with bad rows imports nothing", func(t *testing.T) {
		before := testenv.Dump(t, h.db, "sessions.last_used_at")
		csvText := "code,name,district\nP4,Puskesmas Empat,3277\nP2,Puskesmas Lain,3277\n\nP5,Puskesmas Lima,9999\n"
		status, _, body := send("salah.csv", []byte(csvText))
		if status != 400 {
			t.Fatalf("status %d, want 400", status)
		}
		checkRefused(t, body, formWant{"fi-file-error", "2 baris CSV tidak dapat diimpor", nil, ""})
		if !strings.Contains(body, "(salah.csv)") {
			t.Error("the refusal does not name the file")
		}
		rows := regexp.MustCompile(`<tr><td class="num">(\d+)</td><td>([^<]*)</td></tr>`).FindAllStringSubmatch(body, -1)
		if len(rows) != 2 || rows[0][1] != "3" || !strings.Contains(html.UnescapeString(rows[0][2]), `"P2" sudah terdaftar`) ||
			rows[1][1] != "5" || !strings.Contains(html.UnescapeString(rows[1][2]), `"9999" tidak dikenal`) {
			t.Errorf("refused rows %q, want line 3 (taken code) and line 5 (unknown district)", rows)
		}
		if after := testenv.Dump(t, h.db, "sessions.last_used_at"); after != before {
			t.Error("a refused import changed the database")
		}
	})
	t.Run("no file", func(t *testing.T) {
		status, _, body := send("", nil)
		if status != 400 {
			t.Fatalf("status %d, want 400", status)
		}
		checkRefused(t, body, formWant{"fi-file-error", "Pilih berkas .csv", nil, ""})
	})
	t.Run("a header without the columns", func(t *testing.T) {
		status, _, body := send("salah.csv", []byte("Puskesmas,Alamat\nSatu,Jl\n"))
		if status != 400 {
			t.Fatalf("status %d, want 400", status)
		}
		checkRefused(t, body, formWant{"fi-file-error", `Kolom "code" tidak ada`, nil, ""})
	})
}

// TestAdminUserForms adds users and manages them on their page: roles,
// password, disable, enable, delete, each good and bad; a disabled user's
// sessions end.
func TestAdminUserForms(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	v := newVisitor(h)
	v.login(adminEmail, adminPassword)
	f := h.createFacility("P1")
	districtID := h.idOf(&bukti.District{}, districtA)
	var adminID int64
	h.db.Model(&bukti.User{}).Where("email = ?", adminEmail).Pluck("id", &adminID)
	worker, _ := h.userWith("mutu@p1.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("sk")))
	h.db.Model(&bukti.Evidence{}).Where("1 = 1").Update("created_by", worker)

	bad := url.Values{"email": {"siti@p1.test"}, "name": {"Siti Aminah"}, "password": {"sandi-siti-12345"},
		"role": {"quality_team"}, "scope": {fmt.Sprintf("district:%d", districtID)}}
	with := func(k, val string) url.Values {
		out := url.Values{}
		for key, vs := range bad {
			out[key] = vs
		}
		out.Set(k, val)
		return out
	}
	keptAll := func(vals url.Values) map[string]string {
		return map[string]string{"u-email": vals.Get("email"), "u-name": vals.Get("name"), "u-password": vals.Get("password"),
			"u-role": vals.Get("role"), "u-scope": vals.Get("scope")}
	}
	good := with("scope", fmt.Sprintf("facility:%d", f.ID))
	for _, st := range []adminStep{
		{name: "Tim Mutu scoped to a district", path: "/admin/users", form: bad, status: 400,
			want: formWant{"u-scope-error", "Peran Tim Mutu perlu cakupan: pilih satu Puskesmas", keptAll(bad), ""}},
		{name: "a bad email", path: "/admin/users", form: with("email", "siti"), status: 400,
			want: formWant{"u-email-error", `Alamat email "siti" tidak valid`, keptAll(with("email", "siti")), ""}},
		{name: "a short password", path: "/admin/users", form: with("password", "pendek"), status: 400,
			want: formWant{"u-password-error", "minimal 10 karakter", keptAll(with("password", "pendek")), ""}},
		{name: "a taken email", path: "/admin/users", form: with("email", "MUTU@p1.test"), status: 409,
			want: formWant{"u-email-error", "sudah terdaftar", keptAll(with("email", "MUTU@p1.test")), ""}},
		{name: "a scope without a role", path: "/admin/users", form: with("role", ""), status: 400,
			want: formWant{"u-scope-error", "Pilih peran untuk cakupan ini", keptAll(with("role", "")), ""}},
		{name: "a tampered scope", path: "/admin/users", form: with("scope", "facility:abc"), status: 400,
			want: formWant{"u-scope-error", "Cakupan peran tidak valid", nil, ""}},
		{name: "a scope that is gone", path: "/admin/users", form: with("scope", "facility:9999"), status: 400,
			want: formWant{"u-scope-error", "Puskesmas #9999 yang dipilih mungkin sudah dihapus", nil, ""}},
		{name: "a good user", path: "/admin/users", form: good, status: 303, ok: "admin.user_added", audit: "user.create"},
	} {
		t.Run("add: "+st.name, func(t *testing.T) {
			if st.status != 303 {
				var n int64
				defer func() {
					var after int64
					h.db.Model(&bukti.User{}).Count(&after)
					if after != n {
						t.Errorf("a refused form left %d users behind", after-n)
					}
				}()
				h.db.Model(&bukti.User{}).Count(&n)
			}
			h.runStep(t, v, st.path, st, st.want)
		})
	}
	var siti bukti.User
	h.db.Where("email = ?", "siti@p1.test").First(&siti)
	page := fmt.Sprintf("/admin/users/%d", siti.ID)
	if _, _, body := v.get(page); !strings.Contains(body, "Tim Mutu — Puskesmas P1") {
		t.Errorf("the user page does not show the role with its scope by name: %.1500s", body)
	}
	if _, _, body := v.get("/admin"); !strings.Contains(body, "Tim Mutu — Puskesmas P1") || !strings.Contains(body, `href="`+page+`"`) {
		t.Error("the users list lacks Siti's role by name or the link to her page")
	}

	t.Run("add without a password shows a generated one once", func(t *testing.T) {
		status, _, body := v.post("/admin/users", url.Values{"email": {"budi@p1.test"}, "name": {"Budi"}, "role": {"viewer"},
			"scope": {fmt.Sprintf("facility:%d", f.ID)}})
		m := regexp.MustCompile(`<code class="secret" id="generated-password">([^<]+)</code>`).FindStringSubmatch(body)
		if status != 200 || m == nil {
			t.Fatalf("status %d, no password shown: %.800s", status, body)
		}
		h.login("budi@p1.test", m[1])
		if _, _, again := v.get("/admin"); strings.Contains(again, m[1]) {
			t.Error("the generated password is shown again")
		}
	})

	sitiToken := h.login("siti@p1.test", "sandi-siti-12345")
	sitiBrowser := newVisitor(h)
	sitiBrowser.login("siti@p1.test", "sandi-siti-12345")
	for _, st := range []adminStep{
		{name: "grant a viewer role without a scope", path: page + "/roles", form: url.Values{"role": {"viewer"}, "scope": {""}}, status: 400,
			want: formWant{"g-scope-error", "Peran Pembaca perlu cakupan", map[string]string{"g-role": "viewer", "g-scope": ""}, ""}},
		{name: "grant no role", path: page + "/roles", form: url.Values{"role": {""}, "scope": {""}}, status: 400,
			want: formWant{"g-role-error", "Pilih peran", nil, ""}},
		{name: "grant a supervisor role", path: page + "/roles", form: url.Values{"role": {"supervisor"}, "scope": {fmt.Sprintf("district:%d", districtID)}},
			status: 303, ok: "admin.role_added", audit: "role.grant"},
		{name: "grant it again", path: page + "/roles", form: url.Values{"role": {"supervisor"}, "scope": {fmt.Sprintf("district:%d", districtID)}}, status: 409,
			want: formWant{"g-role-error", "sudah memiliki peran ini", map[string]string{"g-role": "supervisor", "g-scope": fmt.Sprintf("district:%d", districtID)}, ""}},
		{name: "a short new password", path: page + "/password", form: url.Values{"password": {"pendek"}}, status: 400,
			want: formWant{"r-password-error", "minimal 10 karakter", map[string]string{"r-password": "pendek"}, ""}},
		{name: "a new password", path: page + "/password", form: url.Values{"password": {"sandi-baru-siti-1"}}, status: 303,
			ok: "admin.password_reset", audit: "user.reset_password"},
		{name: "disable", path: page + "/disable", form: url.Values{}, status: 303, ok: "admin.user_disabled", audit: "user.disable"},
		{name: "enable", path: page + "/enable", form: url.Values{}, status: 303, ok: "admin.user_enabled", audit: "user.enable"},
		{name: "disable yourself", path: fmt.Sprintf("/admin/users/%d/disable", adminID), form: url.Values{}, status: 400,
			want: formWant{"", "tidak dapat menonaktifkan akun Anda sendiri", nil, ""}},
		{name: "delete yourself", path: fmt.Sprintf("/admin/users/%d/delete", adminID), form: url.Values{}, status: 400,
			want: formWant{"", "tidak dapat menghapus akun Anda sendiri", nil, ""}},
		{name: "delete an account with work on record", path: fmt.Sprintf("/admin/users/%d/delete", worker), form: url.Values{}, status: 409,
			want: formWant{"", "masih tercatat pada 1 bukti", nil, "status"}},
		{name: "a user that is gone", path: "/admin/users/9999/disable", form: url.Values{}, status: 404},
	} {
		t.Run(st.name, func(t *testing.T) { h.runStep(t, v, st.path, st, st.want) })
	}
	t.Run("the last role of the last admin", func(t *testing.T) {
		var b bukti.RoleBinding
		h.db.Where("user_id = ? AND role = ?", adminID, bukti.RoleAdmin).First(&b)
		h.runStep(t, v, fmt.Sprintf("/admin/users/%d/roles/%d/delete", adminID, b.ID), adminStep{form: url.Values{}, status: 409},
			formWant{"", "admin terakhir", nil, "roles"})
	})
	t.Run("remove a role", func(t *testing.T) {
		var b bukti.RoleBinding
		h.db.Where("user_id = ? AND role = ?", siti.ID, bukti.RoleSupervisor).First(&b)
		path := fmt.Sprintf("%s/roles/%d/delete", page, b.ID)
		h.runStep(t, v, path, adminStep{form: url.Values{}, status: 303, ok: "admin.role_removed", audit: "role.revoke"}, formWant{})
		h.runStep(t, v, path, adminStep{form: url.Values{}, status: 404}, formWant{"", "tidak ditemukan", nil, ""})
	})
	t.Run("sessions ended by the new password and by disabling stay ended", func(t *testing.T) {
		if r := h.call("GET", "/api/v1/auth/me", nil, sitiToken); r.status != http.StatusUnauthorized {
			t.Errorf("Siti's old bearer session: status %d, want 401", r.status)
		}
		if status, loc, _ := sitiBrowser.get(fmt.Sprintf("/f/%d", f.ID)); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
			t.Errorf("Siti's old browser session: %d → %s, want the sign-in page", status, loc)
		}
	})
	t.Run("disabling ends the sessions at once", func(t *testing.T) {
		token := h.login("siti@p1.test", "sandi-baru-siti-1")
		browser := newVisitor(h)
		browser.login("siti@p1.test", "sandi-baru-siti-1")
		h.runStep(t, v, page+"/disable", adminStep{form: url.Values{}, status: 303, ok: "admin.user_disabled", audit: "user.disable"}, formWant{})
		if r := h.call("GET", "/api/v1/auth/me", nil, token); r.status != http.StatusUnauthorized {
			t.Errorf("bearer session after disabling: status %d, want 401", r.status)
		}
		if status, loc, _ := browser.get(fmt.Sprintf("/f/%d", f.ID)); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
			t.Errorf("browser session after disabling: %d → %s, want the sign-in page", status, loc)
		}
		var sessions int64
		h.db.Model(&bukti.Session{}).Where("user_id = ?", siti.ID).Count(&sessions)
		if sessions != 0 {
			t.Errorf("%d sessions left", sessions)
		}
		h.runStep(t, v, page+"/enable", adminStep{form: url.Values{}, status: 303, ok: "admin.user_enabled", audit: "user.enable"}, formWant{})
		if r := h.call("GET", "/api/v1/auth/me", nil, token); r.status != http.StatusUnauthorized {
			t.Errorf("bearer session after enabling again: status %d, want 401", r.status)
		}
	})
	t.Run("a generated password", func(t *testing.T) {
		status, _, body := v.post(page+"/password", url.Values{"password": {""}})
		m := regexp.MustCompile(`<code class="secret" id="generated-password">([^<]+)</code>`).FindStringSubmatch(body)
		if status != 200 || m == nil {
			t.Fatalf("status %d, no password shown", status)
		}
		h.login("siti@p1.test", m[1])
	})
	t.Run("delete an unused account", func(t *testing.T) {
		var budi int64
		h.db.Model(&bukti.User{}).Where("email = ?", "budi@p1.test").Pluck("id", &budi)
		loc := h.runStep(t, v, fmt.Sprintf("/admin/users/%d/delete", budi), adminStep{form: url.Values{}, status: 303, ok: "admin.user_deleted", audit: "user.delete"}, formWant{})
		if !strings.HasPrefix(loc, "/admin?") {
			t.Errorf("after deleting, sent to %s, want the settings page", loc)
		}
		if status, _, _ := v.get(fmt.Sprintf("/admin/users/%d", budi)); status != http.StatusNotFound {
			t.Errorf("the deleted user's page: %d, want 404", status)
		}
	})
}

// TestAdminAuditPage reads the audit log on the settings pages: newest
// first, paged, by user and by facility, for admins only.
func TestAdminAuditPage(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	fa, fb := h.createFacility("PA"), h.createFacility("PB")
	for i := range 3 {
		h.mustUpload(fa.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF(fmt.Sprint(i))))
	}
	h.mustUpload(fb.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("b")))
	mutu, _ := h.userWith("mutu@pa.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &fa.ID})
	v := newVisitor(h)
	v.login(adminEmail, adminPassword)
	var total, ofA, ofMutu int64
	h.db.Model(&bukti.AuditEntry{}).Count(&total)
	h.db.Model(&bukti.AuditEntry{}).Where("facility_id = ?", fa.ID).Count(&ofA)
	h.db.Model(&bukti.AuditEntry{}).Where("user_id = ?", mutu).Count(&ofMutu)
	var newest bukti.AuditEntry
	h.db.Order("id DESC").First(&newest)

	rowsRe := regexp.MustCompile(`<span class="when">`)
	cases := []struct {
		name   string
		query  string
		status int
		rows   int
		count  string
	}{
		{"everything", "", 200, int(min(total, 50)), fmt.Sprintf("%d catatan · halaman 1 dari 1", total)},
		{"by facility", fmt.Sprintf("?facility=%d", fa.ID), 200, int(ofA), fmt.Sprintf("%d catatan", ofA)},
		{"by user", fmt.Sprintf("?user=%d", mutu), 200, int(ofMutu), fmt.Sprintf("%d catatan", ofMutu)},
		{"a page past the end", "?page=9", 200, 0, "halaman 9 dari 1"},
		{"a bad filter", "?user=abc", 400, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := v.get("/admin/audit" + tc.query)
			if status != tc.status {
				t.Fatalf("status %d, want %d", status, tc.status)
			}
			if status != 200 {
				return
			}
			if n := len(rowsRe.FindAllString(body, -1)); n != tc.rows || !strings.Contains(body, tc.count) {
				t.Errorf("%d rows, want %d; count line %q missing", n, tc.rows, tc.count)
			}
		})
	}
	_, _, body := v.get("/admin/audit")
	first := regexp.MustCompile(`<code class="small muted">([^<]+)</code>`).FindStringSubmatch(body)
	if first == nil || first[1] != newest.Action {
		t.Errorf("the first row shows %q, want the newest, %s", first, newest.Action)
	}
	if !strings.Contains(body, "<strong>Bukti diunggah</strong>") {
		t.Error("the upload rows do not say what happened in words")
	}
	if status, _, _ := v.get("/admin"); status != 200 || !strings.Contains(body, `href="/api/v1/audit.csv?`) {
		t.Error("the audit page does not link its CSV export")
	}
	other := newVisitor(h)
	other.login("mutu@pa.test", "kata-sandi-pengguna-1")
	if status, _, _ := other.get("/admin/audit"); status != http.StatusForbidden {
		t.Errorf("audit page for the quality team: %d, want 403", status)
	}
}

// TestAdminPagesForAdminsOnly: every settings route refuses a signed-in
// user who is not an admin, and changes nothing.
func TestAdminPagesForAdminsOnly(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P1")
	h.userWith("mutu@p1.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	v := newVisitor(h)
	v.login("mutu@p1.test", "kata-sandi-pengguna-1")
	before := testenv.Dump(t, h.db, "sessions.last_used_at")
	for _, r := range h.web.Routes() {
		method, path, _ := strings.Cut(r, " ")
		if !strings.HasPrefix(path, "/admin") {
			continue
		}
		path = strings.NewReplacer(":id", "1", ":binding", "1").Replace(path)
		var status int
		if method == http.MethodGet {
			status, _, _ = v.get(path)
		} else {
			status, _, _ = v.post(path, url.Values{"name": {"Diubah"}, "code": {"X1"}, "email": {"x@y.test"}, "password": {"sandi-sandi-12"}})
		}
		if status != http.StatusForbidden {
			t.Errorf("%s %s as the quality team: %d, want 403", method, path, status)
		}
	}
	if after := testenv.Dump(t, h.db, "sessions.last_used_at"); after != before {
		t.Error("a refused request changed the database")
	}
}

// TestAdminAPI covers what the settings page does through the JSON API:
// users created with their role, deleted, given a generated password;
// refusals as 4xx with nothing changed.
func TestAdminAPI(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P1")
	var adminID int64
	h.db.Model(&bukti.User{}).Where("email = ?", adminEmail).Pluck("id", &adminID)
	worker, _ := h.userWith("mutu@p1.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	h.db.Create(&bukti.NotApplicable{FacilityID: f.ID, ElementID: "2.1.2/c", Reason: "tidak ada layanan ini", SetBy: worker})

	var created bukti.User
	h.expect(http.StatusCreated, h.call("POST", "/api/v1/users", map[string]any{"email": "siti@p1.test", "name": "Siti",
		"password": "sandi-siti-12345", "role": map[string]any{"role": "viewer", "facility_id": f.ID}}, ""), &created)
	var withRoles struct{ Roles []bukti.RoleBinding }
	h.expect(http.StatusOK, h.call("GET", fmt.Sprintf("/api/v1/users/%d", created.ID), nil, ""), &withRoles)
	if len(withRoles.Roles) != 1 || withRoles.Roles[0].Role != bukti.RoleViewer {
		t.Errorf("roles %+v, want the viewer role", withRoles.Roles)
	}

	cases := []struct {
		name, method, path string
		body               any
		status             int
		msg                string
	}{
		{"create with a role missing its scope", "POST", "/api/v1/users", map[string]any{"email": "budi@p1.test", "name": "Budi",
			"password": "sandi-budi-12345", "role": map[string]any{"role": "quality_team"}}, 400, "Peran Tim Mutu perlu cakupan: pilih satu Puskesmas"},
		{"password and generate", "POST", fmt.Sprintf("/api/v1/users/%d/password", created.ID), map[string]any{"password": "sandi-baru-12345", "generate": true}, 400, "salah satu saja"},
		{"neither password nor generate", "POST", fmt.Sprintf("/api/v1/users/%d/password", created.ID), map[string]any{}, 400, "salah satu saja"},
		{"a short password", "POST", fmt.Sprintf("/api/v1/users/%d/password", created.ID), map[string]any{"password": "pendek"}, 400, "minimal 10"},
		{"delete yourself", "DELETE", fmt.Sprintf("/api/v1/users/%d", adminID), nil, 400, "akun Anda sendiri"},
		{"delete an account with work on record", "DELETE", fmt.Sprintf("/api/v1/users/%d", worker), nil, 409, "1 tanda TDD"},
		{"delete an account that is gone", "DELETE", "/api/v1/users/9999", nil, 404, "tidak ditemukan"},
		{"rename a facility to a name taken in its district", "PATCH", fmt.Sprintf("/api/v1/facilities/%d", f.ID), map[string]any{"name": "Puskesmas P2"}, 409, "sudah dipakai"},
		{"import a CSV with a bad row", "POST", "/api/v1/facilities/import", "code,name,district\nP3,Puskesmas Tiga,3277\nP3,Puskesmas Kembar,3277\n", 400, "1 baris CSV"},
	}
	h.createFacility("P2")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := testenv.Dump(t, h.db, "sessions.last_used_at")
			r := h.call(tc.method, tc.path, tc.body, "")
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if _, msg := h.apiError(r); !strings.Contains(msg, tc.msg) {
				t.Errorf("message %q, want %q", msg, tc.msg)
			}
			if after := testenv.Dump(t, h.db, "sessions.last_used_at"); after != before {
				t.Error("the refused request changed the database")
			}
		})
	}
	t.Run("import rows say why, in both languages", func(t *testing.T) {
		r := h.call("POST", "/api/v1/facilities/import", "code,name,district\nP3,Puskesmas Tiga,3277\nP3,Puskesmas Kembar,3277\n", "")
		var out struct {
			Rows []struct {
				Row      int
				Reason   string
				ReasonEN string `json:"reason_en"`
			}
		}
		h.expect(http.StatusBadRequest, r, &out)
		if len(out.Rows) != 1 || out.Rows[0].Row != 3 || !strings.Contains(out.Rows[0].Reason, "baris 2") || !strings.Contains(out.Rows[0].ReasonEN, "row 2") {
			t.Errorf("rows %+v", out.Rows)
		}
	})
	t.Run("a generated password, once", func(t *testing.T) {
		session := h.login("siti@p1.test", "sandi-siti-12345")
		var out struct{ Password string }
		h.expect(http.StatusOK, h.call("POST", fmt.Sprintf("/api/v1/users/%d/password", created.ID), map[string]any{"generate": true}, ""), &out)
		if len(out.Password) < 20 {
			t.Fatalf("generated password %q", out.Password)
		}
		h.login("siti@p1.test", out.Password)
		if r := h.call("GET", "/api/v1/auth/me", nil, session); r.status != http.StatusUnauthorized {
			t.Errorf("the old session after the reset: %d, want 401", r.status)
		}
	})
	t.Run("delete an unused account", func(t *testing.T) {
		h.expect(http.StatusNoContent, h.call("DELETE", fmt.Sprintf("/api/v1/users/%d", created.ID), nil, ""), nil)
		if r := h.call("GET", fmt.Sprintf("/api/v1/users/%d", created.ID), nil, ""); r.status != http.StatusNotFound {
			t.Errorf("the deleted user: %d, want 404", r.status)
		}
		if h.auditCount("user.delete") != 1 {
			t.Error("the deletion is not audited")
		}
	})
	t.Run("only admins", func(t *testing.T) {
		_, tok := h.userWith("viewer@p1.test", bukti.RoleBinding{Role: bukti.RoleViewer, FacilityID: &f.ID})
		for _, r := range []result{
			h.call("DELETE", fmt.Sprintf("/api/v1/users/%d", worker), nil, tok),
			h.call("POST", fmt.Sprintf("/api/v1/users/%d/password", worker), map[string]any{"generate": true}, tok),
		} {
			if r.status != http.StatusForbidden {
				t.Errorf("as a viewer: %d, want 403", r.status)
			}
		}
	})
}

// TestLanguageLinksOfARefusedForm: a refused form is shown again as the
// answer to its POST; its language links must lead to a page that can be
// opened (the one the form was sent from), never to the POST-only address.
func TestLanguageLinksOfARefusedForm(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	v := newVisitor(h)
	v.login(adminEmail, adminPassword)
	for _, tc := range []struct {
		name, referer, want string
	}{
		{"sent from the settings page", h.srv.URL + "/admin?tab=org", `href="/lang/en?next=%2fadmin%3ftab%3dorg"`},
		{"no referer", "", `href="/lang/en?next=%2f"`},
		{"a referer on another site", "https://elsewhere.example/admin", `href="/lang/en?next=%2f"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"code": {"3 3"}, "name": {"Jawa Tengah"}, "csrf_token": {v.csrf}}
			req, _ := http.NewRequest("POST", h.srv.URL+"/admin/provinces", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.referer != "" {
				req.Header.Set("Referer", tc.referer)
			}
			status, _, body := v.do(req)
			if status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400 (the form shown again)", status)
			}
			if !strings.Contains(body, tc.want) {
				i := strings.Index(body, "/lang/en")
				t.Errorf("language link %q, want %s", body[max(0, i-10):min(len(body), i+60)], tc.want)
			}
		})
	}
}
