package web_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/pkg/web"
)

func (h *harness) auditCount(action string) int64 {
	h.t.Helper()
	var n int64
	h.db.Model(&bukti.AuditEntry{}).Where("action = ?", action).Count(&n)
	return n
}

// cookieCall sends a request authenticated by the session cookie only,
// with the given CSRF header value ("" for none).
func (h *harness) cookieCall(method, path, secret, csrf string, body string) result {
	h.t.Helper()
	req, _ := http.NewRequest(method, h.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: secret})
	if csrf != "" {
		req.Header.Set(web.CSRFHeader, csrf)
	}
	return h.send(req, "-")
}

func TestCSRF(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	var login struct {
		Token     string
		CSRFToken string `json:"csrf_token"`
	}
	h.expect(http.StatusOK, h.call("POST", "/api/v1/auth/login", map[string]string{"email": adminEmail, "password": adminPassword}, "-"), &login)
	body := `{"code":"P-CSRF","name":"Puskesmas CSRF","district":"` + districtA + `"}`

	cases := []struct {
		name   string
		csrf   string
		status int
	}{
		{"cookie without token", "", http.StatusForbidden},
		{"cookie with a wrong token", "bukan-token", http.StatusForbidden},
		{"cookie with another session's token", auth.CSRFToken(h.token), http.StatusForbidden},
		{"cookie with the token", login.CSRFToken, http.StatusCreated},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := h.auditCount("facility.create")
			r := h.cookieCall("POST", "/api/v1/facilities", login.Token, tc.csrf, body)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d; %s", r.status, tc.status, r.body)
			}
			if created := h.auditCount("facility.create") - before; (tc.status == http.StatusCreated) != (created == 1) {
				t.Errorf("facility.create audit rows added: %d", created)
			}
		})
	}
	t.Run("reads need no token", func(t *testing.T) {
		if r := h.cookieCall("GET", "/api/v1/facilities", login.Token, "", ""); r.status != http.StatusOK {
			t.Errorf("GET with cookie: status %d", r.status)
		}
	})
	t.Run("me gives the token to cookie sessions", func(t *testing.T) {
		var me struct {
			CSRFToken string `json:"csrf_token"`
		}
		h.expect(http.StatusOK, h.cookieCall("GET", "/api/v1/auth/me", login.Token, "", ""), &me)
		if me.CSRFToken != login.CSRFToken {
			t.Errorf("me csrf_token %q, want %q", me.CSRFToken, login.CSRFToken)
		}
	})
	t.Run("bearer requests need no token", func(t *testing.T) {
		r := h.call("POST", "/api/v1/facilities", map[string]string{"code": "P-BEARER", "name": "Puskesmas Bearer", "district": districtA}, login.Token)
		if r.status != http.StatusCreated {
			t.Errorf("bearer POST: status %d; %s", r.status, r.body)
		}
	})
}

func TestLoginThrottling(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	h.userWith("mutu@puskesmas.test", bukti.RoleBinding{})
	try := func(email, password string) int {
		return h.call("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password}, "-").status
	}
	for i := 1; i <= auth.MaxFailsPerAccount; i++ {
		if got := try("mutu@puskesmas.test", "salah-sandi-123"); got != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i, got)
		}
	}
	r := h.call("POST", "/api/v1/auth/login", map[string]string{"email": "mutu@puskesmas.test", "password": "kata-sandi-pengguna-1"}, "-")
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("right password after %d failures: status %d, want 429", auth.MaxFailsPerAccount, r.status)
	}
	if _, msg := h.apiError(r); !strings.Contains(msg, "Terlalu banyak") {
		t.Errorf("throttle message %q", msg)
	}
	if wait, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || wait < 1 {
		t.Errorf("Retry-After %q, want whole seconds", r.header.Get("Retry-After"))
	}
	if n := h.auditCount("auth.login_failed"); n != auth.MaxFailsPerAccount {
		t.Errorf("login_failed audit rows %d, want %d", n, auth.MaxFailsPerAccount)
	}
	if n := h.auditCount("auth.login_throttled"); n != 0 {
		t.Errorf("login_throttled audit rows %d, want 0 (refusals are logged, not audited)", n)
	}
	if got := try(adminEmail, adminPassword); got != http.StatusOK {
		t.Errorf("another account from the same IP: status %d, want 200", got)
	}

	t.Run("per IP", func(t *testing.T) {
		for i := 0; i < auth.MaxFailsPerIP; i++ {
			try(fmt.Sprintf("tebak%d@puskesmas.test", i), "salah-sandi-123")
		}
		if got := try(adminEmail, adminPassword); got != http.StatusTooManyRequests {
			t.Errorf("after %d failures from one IP: status %d, want 429", auth.MaxFailsPerIP, got)
		}
	})
}

func TestSessionsAndTokens(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P1")
	uid, tok := h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	me := func(token string) int { return h.call("GET", "/api/v1/auth/me", nil, token).status }

	var created struct {
		ID    int64
		Token string
	}
	h.expect(http.StatusCreated, h.call("POST", "/api/v1/tokens", map[string]any{"name": "skrip laporan", "expires_in_days": 30}, tok), &created)
	if me(created.Token) != http.StatusOK {
		t.Fatal("new API token does not work")
	}
	var stored bukti.Session
	h.db.First(&stored, created.ID)
	if stored.TokenHash == created.Token || strings.Contains(stored.TokenHash, created.Token) {
		t.Error("the token secret is stored in clear")
	}

	t.Run("listing never shows secrets", func(t *testing.T) {
		r := h.call("GET", "/api/v1/tokens", nil, tok)
		if r.status != http.StatusOK || strings.Contains(string(r.body), created.Token) || !strings.Contains(string(r.body), "skrip laporan") {
			t.Errorf("token list: %d %s", r.status, r.body)
		}
	})
	t.Run("bad token requests", func(t *testing.T) {
		for _, body := range []map[string]any{{"name": ""}, {"name": "x", "expires_in_days": -1}, {"name": "x", "expires_in_days": 9999}} {
			if r := h.call("POST", "/api/v1/tokens", body, tok); r.status != http.StatusBadRequest {
				t.Errorf("token %v: status %d, want 400", body, r.status)
			}
		}
	})
	t.Run("expired token", func(t *testing.T) {
		var exp struct {
			ID    int64
			Token string
		}
		h.expect(http.StatusCreated, h.call("POST", "/api/v1/tokens", map[string]any{"name": "kedaluwarsa", "expires_in_days": 1}, tok), &exp)
		past := time.Now().Add(-time.Minute)
		h.db.Model(&bukti.Session{}).Where("id = ?", exp.ID).Update("expires_at", past)
		var before, after int64
		h.db.Model(&bukti.AuditEntry{}).Count(&before)
		if got := me(exp.Token); got != http.StatusUnauthorized {
			t.Errorf("expired token: status %d, want 401", got)
		}
		if h.db.Model(&bukti.AuditEntry{}).Count(&after); after != before {
			t.Errorf("a rejected token wrote %d audit rows; it is logged, not audited", after-before)
		}
	})
	t.Run("revoked token", func(t *testing.T) {
		h.expect(http.StatusNoContent, h.call("DELETE", fmt.Sprintf("/api/v1/tokens/%d", created.ID), nil, tok), nil)
		if got := me(created.Token); got != http.StatusUnauthorized {
			t.Errorf("revoked token: status %d, want 401", got)
		}
		if h.auditCount("token.revoke") != 1 {
			t.Error("revocation not audited")
		}
	})
	t.Run("disabled user loses access at once", func(t *testing.T) {
		tok2, _, _ := h.auth.CreateToken(t.Context(), uid, "sebelum dinonaktifkan", 0)
		h.expect(http.StatusOK, h.call("PATCH", fmt.Sprintf("/api/v1/users/%d", uid), map[string]bool{"disabled": true}, ""), nil)
		for _, tk := range []string{tok, tok2} {
			if got := me(tk); got != http.StatusUnauthorized {
				t.Errorf("disabled user's session/token: status %d, want 401", got)
			}
		}
		r := h.call("POST", "/api/v1/auth/login", map[string]string{"email": "mutu@puskesmas.test", "password": "kata-sandi-pengguna-1"}, "-")
		if _, msg := h.apiError(r); r.status != http.StatusUnauthorized || !strings.Contains(msg, "dinonaktifkan") {
			t.Errorf("disabled login: %d %q", r.status, msg)
		}
		if h.auditCount("user.disable") != 1 {
			t.Error("disable not audited")
		}
		h.expect(http.StatusOK, h.call("PATCH", fmt.Sprintf("/api/v1/users/%d", uid), map[string]bool{"disabled": false}, ""), nil)
		if got := me(tok2); got != http.StatusUnauthorized {
			t.Errorf("re-enabled user's old API token: status %d, want 401", got)
		}
	})
	t.Run("password reset ends sessions and API tokens", func(t *testing.T) {
		tok3 := h.login("mutu@puskesmas.test", "kata-sandi-pengguna-1")
		api, _, _ := h.auth.CreateToken(t.Context(), uid, "sebelum sandi diganti", 0)
		h.expect(http.StatusNoContent, h.call("POST", fmt.Sprintf("/api/v1/users/%d/password", uid), map[string]string{"password": "sandi-baru-sekali"}, ""), nil)
		for name, tk := range map[string]string{"session": tok3, "API token": api} {
			if got := me(tk); got != http.StatusUnauthorized {
				t.Errorf("%s after password reset: status %d, want 401", name, got)
			}
		}
		h.login("mutu@puskesmas.test", "sandi-baru-sekali")
		if r := h.call("POST", fmt.Sprintf("/api/v1/users/%d/password", uid), map[string]string{"password": "pendek"}, ""); r.status != http.StatusBadRequest {
			t.Errorf("short password: status %d, want 400", r.status)
		}
	})
	t.Run("logout with an API token revokes it", func(t *testing.T) {
		api, _, _ := h.auth.CreateToken(t.Context(), uid, "sekali pakai", 0)
		h.expect(http.StatusNoContent, h.call("POST", "/api/v1/auth/logout", nil, api), nil)
		if got := me(api); got != http.StatusUnauthorized {
			t.Errorf("token after logout with it: status %d, want 401", got)
		}
	})
	t.Run("admins list and revoke any user's tokens", func(t *testing.T) {
		api, tk, _ := h.auth.CreateToken(t.Context(), uid, "skrip puskesmas", 0)
		path := fmt.Sprintf("/api/v1/users/%d/tokens", uid)
		r := h.call("GET", path, nil, "")
		if r.status != http.StatusOK || !strings.Contains(string(r.body), "skrip puskesmas") || strings.Contains(string(r.body), api) {
			t.Errorf("admin's token list: %d %s", r.status, r.body)
		}
		if r := h.call("GET", path, nil, api); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
			t.Errorf("a quality team member listing tokens of users: status %d", r.status)
		}
		h.expect(http.StatusNoContent, h.call("DELETE", fmt.Sprintf("%s/%d", path, tk.ID), nil, ""), nil)
		if got := me(api); got != http.StatusUnauthorized {
			t.Errorf("token revoked by an admin: status %d, want 401", got)
		}
		if r := h.call("DELETE", fmt.Sprintf("%s/%d", path, tk.ID), nil, ""); r.status != http.StatusNotFound {
			t.Errorf("revoking it again: status %d, want 404", r.status)
		}
	})
	t.Run("wrong password is audited", func(t *testing.T) {
		before := h.auditCount("auth.login_failed")
		h.call("POST", "/api/v1/auth/login", map[string]string{"email": adminEmail, "password": "bukan-sandinya"}, "-")
		var row bukti.AuditEntry
		h.db.Where("action = ?", "auth.login_failed").Order("id DESC").First(&row)
		if h.auditCount("auth.login_failed") != before+1 || row.ObjectID != adminEmail || row.ClientIP != "127.0.0.1" || row.RequestID == "" {
			t.Errorf("login_failed row = %+v", row)
		}
	})
}

func TestRoleManagement(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P1")
	var u bukti.User
	h.expect(http.StatusCreated, h.call("POST", "/api/v1/users", map[string]string{"email": "Baru@Puskesmas.test", "name": "Petugas Baru", "password": "kata-sandi-baru-123"}, ""), &u)
	if u.Email != "baru@puskesmas.test" {
		t.Errorf("email not normalised: %q", u.Email)
	}
	path := fmt.Sprintf("/api/v1/users/%d/roles", u.ID)
	var did int64
	h.db.Model(&bukti.District{}).Where("code = ?", districtA).Pluck("id", &did)
	bad := []struct {
		name string
		body map[string]any
		want int
	}{
		{"unknown role", map[string]any{"role": "kepala"}, 400},
		{"quality team without facility", map[string]any{"role": "quality_team"}, 400},
		{"quality team scoped to a district", map[string]any{"role": "quality_team", "district_id": did}, 400},
		{"supervisor with two scopes", map[string]any{"role": "supervisor", "district_id": did, "facility_id": f.ID}, 400},
		{"admin with a scope", map[string]any{"role": "admin", "facility_id": f.ID}, 400},
		{"scope that does not exist", map[string]any{"role": "viewer", "facility_id": 9999}, 400},
		{"unknown field", map[string]any{"role": "viewer", "puskesmas": f.ID}, 400},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if r := h.call("POST", path, tc.body, ""); r.status != tc.want {
				t.Errorf("status %d, want %d; %s", r.status, tc.want, r.body)
			}
		})
	}
	var b bukti.RoleBinding
	h.expect(http.StatusCreated, h.call("POST", path, map[string]any{"role": "quality_team", "facility_id": f.ID}, ""), &b)
	if r := h.call("POST", path, map[string]any{"role": "quality_team", "facility_id": f.ID}, ""); r.status != http.StatusConflict {
		t.Errorf("duplicate binding: status %d, want 409", r.status)
	}
	var row bukti.AuditEntry
	h.db.Where("action = ?", "role.grant").Order("id DESC").First(&row)
	if !strings.Contains(row.After, "quality_team facility=") {
		t.Errorf("role.grant audit after = %q", row.After)
	}
	h.expect(http.StatusNoContent, h.call("DELETE", fmt.Sprintf("%s/%d", path, b.ID), nil, ""), nil)
	if r := h.call("DELETE", fmt.Sprintf("%s/%d", path, b.ID), nil, ""); r.status != http.StatusNotFound {
		t.Errorf("revoking twice: status %d, want 404", r.status)
	}
	t.Run("last admin stays", func(t *testing.T) {
		var admin struct {
			ID    int64
			Roles []bukti.RoleBinding
		}
		var adminID int64
		h.db.Model(&bukti.User{}).Where("email = ?", adminEmail).Pluck("id", &adminID)
		h.expect(http.StatusOK, h.call("GET", fmt.Sprintf("/api/v1/users/%d", adminID), nil, ""), &admin)
		r := h.call("DELETE", fmt.Sprintf("/api/v1/users/%d/roles/%d", adminID, admin.Roles[0].ID), nil, "")
		if r.status != http.StatusConflict {
			t.Errorf("revoking the last admin: status %d, want 409", r.status)
		}
		if r := h.call("PATCH", fmt.Sprintf("/api/v1/users/%d", adminID), map[string]bool{"disabled": true}, ""); r.status != http.StatusBadRequest {
			t.Errorf("disabling yourself: status %d, want 400", r.status)
		}
	})
}

// TestScopedLists checks that lists and the audit log show only what is in
// scope, between two facilities in different districts.
func TestScopedLists(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			h := newHarness(t, combo.DB, combo.Store, 1<<20)
			fa, fb := h.createFacilityIn("PA", districtA), h.createFacilityIn("PB", districtB)
			for _, f := range []bukti.Facility{fa, fb} {
				h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF(f.Code)))
			}
			var did int64
			h.db.Model(&bukti.District{}).Where("code = ?", districtA).Pluck("id", &did)
			_, sup := h.userWith("dinkes@cimahi.test", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &did})
			_, qt := h.userWith("mutu@pa.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &fa.ID})
			for name, tok := range map[string]string{"supervisor": sup, "quality team": qt} {
				var fl struct{ Facilities []bukti.Facility }
				h.expect(http.StatusOK, h.call("GET", "/api/v1/facilities", nil, tok), &fl)
				if len(fl.Facilities) != 1 || fl.Facilities[0].ID != fa.ID {
					t.Errorf("%s sees facilities %+v, want only PA", name, fl.Facilities)
				}
				var al struct {
					Entries []bukti.AuditEntry
					Total   int64
				}
				h.expect(http.StatusOK, h.call("GET", "/api/v1/audit?per_page=500", nil, tok), &al)
				if al.Total == 0 {
					t.Errorf("%s sees no audit rows", name)
				}
				for _, e := range al.Entries {
					if e.FacilityID == nil || *e.FacilityID != fa.ID {
						t.Errorf("%s sees audit row %+v outside PA", name, e)
					}
				}
				h.expect(http.StatusOK, h.call("GET", fmt.Sprintf("/api/v1/audit?facility_id=%d", fb.ID), nil, tok), &al)
				if al.Total != 0 {
					t.Errorf("%s filtering on PB sees %d rows, want 0", name, al.Total)
				}
			}
		})
	}
}

func TestAuditLog(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P1")
	for i := 0; i < 5; i++ {
		h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF(fmt.Sprint(i))))
	}

	t.Run("filters and pagination", func(t *testing.T) {
		var p struct {
			Entries []bukti.AuditEntry
			Total   int64
			Page    int
			PerPage int `json:"per_page"`
		}
		h.expect(http.StatusOK, h.call("GET", fmt.Sprintf("/api/v1/audit?action=evidence.upload&facility_id=%d&per_page=2&page=2", f.ID), nil, ""), &p)
		if p.Total != 5 || len(p.Entries) != 2 || p.Page != 2 || p.PerPage != 2 || p.Entries[0].ID <= p.Entries[1].ID {
			t.Fatalf("page = %+v", p)
		}
		// to= is exclusive: no row before the day of the first upload, all
		// five before the day after the last. The days come from the rows,
		// not from the clock, which may have passed midnight since.
		h.expect(http.StatusOK, h.call("GET", "/api/v1/audit?action=evidence.upload&per_page=500", nil, ""), &p)
		if p.Total != 5 || len(p.Entries) != 5 {
			t.Fatalf("upload rows = %+v, want 5", p)
		}
		first, last := p.Entries[0].At, p.Entries[0].At
		for _, e := range p.Entries {
			if e.At.Before(first) {
				first = e.At
			}
			if e.At.After(last) {
				last = e.At
			}
		}
		firstDay, dayAfter := first.UTC().Format(time.DateOnly), last.UTC().AddDate(0, 0, 1).Format(time.DateOnly)
		h.expect(http.StatusOK, h.call("GET", "/api/v1/audit?action=evidence.upload&to="+firstDay, nil, ""), &p)
		if p.Total != 0 {
			t.Errorf("rows before %s, the day of the first upload: %d, want 0", firstDay, p.Total)
		}
		h.expect(http.StatusOK, h.call("GET", "/api/v1/audit?action=evidence.upload&to="+dayAfter, nil, ""), &p)
		if p.Total != 5 {
			t.Errorf("rows before %s, the day after the last upload: %d, want 5", dayAfter, p.Total)
		}
		for _, q := range []string{"page=x", "per_page=501", "from=24-11-2026", "facility_id=-1",
			"page=9223372036854775807", "page=1000001", "per_page=500&page=18446744073709551615"} {
			if r := h.call("GET", "/api/v1/audit?"+q, nil, ""); r.status != http.StatusBadRequest {
				t.Errorf("audit?%s: status %d, want 400", q, r.status)
			}
		}
	})
	t.Run("csv export", func(t *testing.T) {
		r := h.call("GET", "/api/v1/audit.csv?action=evidence.upload", nil, "")
		rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
		if err != nil || r.status != http.StatusOK || len(rows) != 6 || rows[0][3] != "action" || rows[1][3] != "evidence.upload" {
			t.Fatalf("csv: %d %v rows %d", r.status, err, len(rows))
		}
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("content type %q", ct)
		}
	})
	t.Run("csv cells are never formulas", func(t *testing.T) {
		// Every text column of a row, as hostile as a client could make it.
		h.db.Create(&bukti.AuditEntry{At: time.Now(), Action: "=act()", ObjectType: "+ot", ObjectID: "-1+1", Summary: "@SUM(A1)",
			Before: "\t=1", After: "=HYPERLINK(\"http://contoh.test\")", RequestID: "=req", ClientIP: "+ip"})
		r := h.call("GET", "/api/v1/audit.csv", nil, "")
		rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil || r.status != http.StatusOK {
			t.Fatalf("csv: %d %v", r.status, err)
		}
		for i, row := range rows {
			for j, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("row %d column %s is a formula: %q", i, rows[0][j], cell)
				}
			}
		}
	})
	t.Run("only reads", func(t *testing.T) {
		for _, rt := range h.web.Routes() {
			if strings.Contains(rt, "/audit") && !strings.HasPrefix(rt, "GET ") {
				t.Errorf("route %s changes the audit log", rt)
			}
		}
	})
	t.Run("a failed change writes no audit row", func(t *testing.T) {
		before := h.auditCount("facility.create")
		if r := h.call("POST", "/api/v1/facilities", map[string]string{"code": "P1", "name": "Duplikat", "district": districtA}, ""); r.status != http.StatusConflict {
			t.Fatalf("duplicate: status %d", r.status)
		}
		if h.auditCount("facility.create") != before {
			t.Error("a refused create left an audit row")
		}
	})
	t.Run("a failed audit write undoes the change", func(t *testing.T) {
		boom := errors.New("audit storage failure")
		h.db.Callback().Create().Before("gorm:create").Register("test:fail_audit", func(tx *gorm.DB) {
			if tx.Statement.Table == "audit_entries" {
				tx.AddError(boom)
			}
		})
		defer h.db.Callback().Create().Remove("test:fail_audit")
		before := h.counts()
		r := h.upload(fmt.Sprintf("/api/v1/facilities/%d/evidence", f.ID), field{name: "requirement", value: "2.1.2/a/R2"}, file("sop.pdf", testenv.PDF("sop")))
		if r.status != http.StatusInternalServerError {
			t.Fatalf("status %d, want 500", r.status)
		}
		if after := h.counts(); after != before {
			t.Errorf("change kept without its audit row: %+v → %+v", before, after)
		}
		var facilities int64
		h.db.Model(&bukti.Facility{}).Count(&facilities)
		h.call("POST", "/api/v1/facilities", map[string]string{"code": "P-NOAUDIT", "name": "Tanpa Audit", "district": districtA}, "")
		var after int64
		h.db.Model(&bukti.Facility{}).Count(&after)
		if after != facilities {
			t.Error("facility created without its audit row")
		}
	})
}

// TestOrgChanges renames and deletes provinces, districts and facilities,
// refusing deletions of what is still in use.
func TestOrgChanges(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P1")
	h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("sk")))
	empty := h.createFacility("P2")
	var provinceID, districtID int64
	h.db.Model(&bukti.Province{}).Where("code = ?", "32").Pluck("id", &provinceID)
	h.db.Model(&bukti.District{}).Where("code = ?", districtA).Pluck("id", &districtID)

	cases := []struct {
		name, method, path string
		body               any
		status             int
		message            string
	}{
		{"rename a district", "PATCH", fmt.Sprintf("/api/v1/districts/%d", districtID), map[string]string{"name": "Kota Cimahi (baru)"}, 204, ""},
		{"rename with an empty name", "PATCH", fmt.Sprintf("/api/v1/provinces/%d", provinceID), map[string]string{"name": " "}, 400, "wajib diisi"},
		{"rename an unknown province", "PATCH", "/api/v1/provinces/999", map[string]string{"name": "X"}, 404, "tidak ditemukan"},
		{"delete a province with districts", "DELETE", fmt.Sprintf("/api/v1/provinces/%d", provinceID), nil, 409, "masih ada 2 kabupaten/kota"},
		{"delete a district with facilities", "DELETE", fmt.Sprintf("/api/v1/districts/%d", districtID), nil, 409, "masih ada 2 Puskesmas"},
		{"delete a facility with evidence", "DELETE", fmt.Sprintf("/api/v1/facilities/%d", f.ID), nil, 409, "masih ada 1 bukti"},
		{"delete an empty facility", "DELETE", fmt.Sprintf("/api/v1/facilities/%d", empty.ID), nil, 204, ""},
		{"delete it again", "DELETE", fmt.Sprintf("/api/v1/facilities/%d", empty.ID), nil, 404, "tidak ditemukan"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.call(tc.method, tc.path, tc.body, "")
			if r.status != tc.status {
				t.Fatalf("status %d, want %d; %s", r.status, tc.status, r.body)
			}
			if tc.message != "" {
				if _, msg := h.apiError(r); !strings.Contains(msg, tc.message) {
					t.Errorf("message %q lacks %q", msg, tc.message)
				}
			}
		})
	}
	var d bukti.District
	h.db.First(&d, districtID)
	if d.Name != "Kota Cimahi (baru)" || h.auditCount("district.rename") != 1 || h.auditCount("facility.delete") != 1 {
		t.Errorf("district %+v; rename audits %d, delete audits %d", d, h.auditCount("district.rename"), h.auditCount("facility.delete"))
	}
}

// TestCatalogueImport loads the national self-assessment layout through the
// API, refuses what is not that layout, and activates and exports.
func TestCatalogueImport(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	send := func(version string, data []byte) result {
		return h.upload("/api/v1/catalogue/import", field{name: "version", value: version}, file("instrumen.xlsx", data))
	}
	var res struct {
		Version bukti.CatalogueVersion
		Counts  struct{ Kriteria, Elements, Requirements int }
		Report  struct{ Skipped []any }
	}
	h.expect(http.StatusCreated, send("2026.1", testenv.SelfAssessment(t)), &res)
	if res.Counts.Kriteria != 2 || res.Counts.Elements != 3 || res.Version.Active {
		t.Errorf("import = %+v", res)
	}
	bad := []struct {
		name    string
		version string
		data    []byte
		status  int
		message string
	}{
		{"same version again", "2026.1", testenv.SelfAssessment(t), 409, "sudah ada"},
		{"not a workbook", "2026.2", []byte("bukan spreadsheet"), 400, "tidak dapat diimpor"},
		{"other columns", "2026.3", testenv.Workbook(t, testenv.Sheet{Name: "Data", Rows: [][]string{{"Nama", "Alamat"}, {"A", "B"}}}), 400, "tidak dapat diimpor"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			r := send(tc.version, tc.data)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if _, msg := h.apiError(r); !strings.Contains(msg, tc.message) {
				t.Errorf("message %q lacks %q", msg, tc.message)
			}
		})
	}
	var versions struct{ Versions []bukti.CatalogueVersion }
	h.expect(http.StatusOK, h.call("GET", "/api/v1/catalogue/versions", nil, ""), &versions)
	if len(versions.Versions) != 1 {
		t.Errorf("stored versions = %d, want 1 (refused imports store nothing)", len(versions.Versions))
	}
	h.expect(http.StatusOK, h.call("POST", fmt.Sprintf("/api/v1/catalogue/versions/%d/activate", res.Version.ID), nil, ""), nil)
	r := h.call("GET", fmt.Sprintf("/api/v1/catalogue/versions/%d/export", res.Version.ID), nil, "")
	if _, err := catalogue.Parse("export", r.body); r.status != http.StatusOK || err != nil {
		t.Errorf("export: %d, parse: %v", r.status, err)
	}
}
