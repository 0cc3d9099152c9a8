package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// TestPrincipalCacheStaysTrue signs users in on server A, which keeps
// their principals in memory, changes through server B (another database
// handle, another cache, the same database) what decides who they are and
// what they may see, and checks that A's very next request answers as of
// the change. Each step first shows that A answers from memory (no
// principal read) while nothing changed, so a cache that ignored the
// access version would answer the old way and fail the step.
func TestPrincipalCacheStaysTrue(t *testing.T) {
	inCacheWorlds(t, func(t *testing.T, w *cacheWorld) {
		ctx := context.Background()
		cat := criteria.MustBuiltin()
		a, b := w.server("server A", cat), w.server("server B", cat)
		if err := b.app.Auth.Bootstrap(ctx, adminEmail, adminPassword); err != nil {
			t.Fatal(err)
		}
		admin, err := b.app.Auth.UserByEmail(ctx, adminEmail)
		if err != nil {
			t.Fatal(err)
		}
		by := &admin.ID
		o := b.app.Org
		if _, err := o.CreateProvince(ctx, "32", "Jawa Barat", by); err != nil {
			t.Fatal(err)
		}
		for _, d := range []struct{ code, name string }{{districtA, "Kota Cimahi"}, {"3273", "Kota Bandung"}} {
			if _, err := o.CreateDistrict(ctx, d.code, d.name, "32", by); err != nil {
				t.Fatal(err)
			}
		}
		facility := func(code, district string) int64 {
			t.Helper()
			f, err := o.CreateFacility(ctx, org.FacilityInput{Code: code, Name: "Puskesmas " + code, DistrictCode: district}, by)
			if err != nil {
				t.Fatal(err)
			}
			return f.ID
		}
		f1 := facility("P1", districtA)
		ids := map[string]int64{}
		// user makes a user with one role and signs them in on A.
		user := func(email string, b0 bukti.RoleBinding) (int64, string) {
			t.Helper()
			u, err := b.app.Auth.CreateUserWithRole(ctx, email, email, "kata-sandi-uji-1", &b0, by)
			if err != nil {
				t.Fatal(err)
			}
			var login struct{ Token string }
			json.Unmarshal(a.json(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": "kata-sandi-uji-1"}, http.StatusOK), &login)
			return u.ID, login.Token
		}
		district, err := a.app.Org.Facility(ctx, f1)
		if err != nil {
			t.Fatal(err)
		}
		did := district.DistrictID
		supervisorID, supervisor := user("dinkes@example.id", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &did})
		viewerID, viewer := user("viewer@example.id", bukti.RoleBinding{Role: bukti.RoleViewer, FacilityID: &f1})
		_, disabled := user("disabled@example.id", bukti.RoleBinding{Role: bukti.RoleViewer, FacilityID: &f1})
		resetID, reset := user("reset@example.id", bukti.RoleBinding{Role: bukti.RoleViewer, FacilityID: &f1})
		var logout string
		apiToken, tok, err := b.app.Auth.CreateToken(ctx, viewerID, "skrip", 30)
		if err != nil {
			t.Fatal(err)
		}
		sv := bukti.Survey{FacilityID: f1, Type: "initial", State: bukti.SurveyPlanned, CreatedBy: admin.ID}
		if err := b.app.Evidence.Run(ctx, by, func(tx *sqlstore.Tx) error { return tx.CreateSurvey(&sv) }); err != nil {
			t.Fatal(err)
		}
		_, surveyor := user("surveyor@example.id", bukti.RoleBinding{Role: bukti.RoleSurveyor, SurveyID: &sv.ID})
		{
			var login struct{ Token string }
			json.Unmarshal(a.json(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": "viewer@example.id", "password": "kata-sandi-uji-1"}, http.StatusOK), &login)
			logout = login.Token
		}

		// status is A's answer to GET of a facility (0: the ID of key).
		status := func(token string, fid int64) int {
			code, _, _ := a.do(t, "GET", fmt.Sprintf("/api/v1/facilities/%d", fid), token, nil)
			return code
		}
		steps := []struct {
			name   string
			token  string
			fid    func() int64
			before int // A's answer before the change
			change func()
			after  int // A's answer at the next request
		}{
			{"a new facility in the supervisor's district", supervisor, func() int64 { return f1 }, http.StatusOK, func() {
				ids["P2"] = facility("P2", districtA)
			}, http.StatusOK},
			{"the new facility is visible", supervisor, func() int64 { return ids["P2"] }, http.StatusOK, func() {
				if _, err := o.UpdateFacility(ctx, ids["P2"], org.FacilityInput{Code: "P2", Name: "Puskesmas P2", DistrictCode: "3273"}, by); err != nil {
					t.Fatal(err)
				}
			}, http.StatusNotFound},
			{"a facility moved into the district", supervisor, func() int64 { return f1 }, http.StatusOK, func() {
				if _, err := o.UpdateFacility(ctx, ids["P2"], org.FacilityInput{Code: "P2", Name: "Puskesmas P2", DistrictCode: districtA}, by); err != nil {
					t.Fatal(err)
				}
			}, http.StatusOK},
			{"the facility moved in is visible, then deleted", supervisor, func() int64 { return ids["P2"] }, http.StatusOK, func() {
				if err := o.Delete(ctx, "facility", ids["P2"], by); err != nil {
					t.Fatal(err)
				}
			}, http.StatusNotFound},
			{"a survey goes final: its surveyor no longer reads the facility", surveyor, func() int64 { return f1 }, http.StatusOK, func() {
				if err := b.app.Evidence.Run(ctx, by, func(tx *sqlstore.Tx) error { return tx.SetSurveyState(&sv, bukti.SurveyFinal) }); err != nil {
					t.Fatal(err)
				}
			}, http.StatusNotFound},
			{"the supervisor's role is revoked", supervisor, func() int64 { return f1 }, http.StatusOK, func() {
				bs, err := b.app.Auth.Bindings(ctx, supervisorID)
				if err != nil || len(bs) != 1 {
					t.Fatalf("bindings %v, %v", bs, err)
				}
				if err := b.app.Auth.Revoke(ctx, supervisorID, bs[0].ID, by); err != nil {
					t.Fatal(err)
				}
			}, http.StatusNotFound},
			{"a user is disabled", disabled, func() int64 { return f1 }, http.StatusOK, func() {
				u, err := b.app.Auth.UserByEmail(ctx, "disabled@example.id")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := b.app.Auth.SetDisabled(ctx, u.ID, true, by); err != nil {
					t.Fatal(err)
				}
			}, http.StatusUnauthorized},
			{"logout", logout, func() int64 { return f1 }, http.StatusOK, func() {
				if err := b.app.Auth.Logout(ctx, logout); err != nil {
					t.Fatal(err)
				}
			}, http.StatusUnauthorized},
			{"the other session of the user holds", viewer, func() int64 { return f1 }, http.StatusOK, func() {}, http.StatusOK},
			{"an API token is revoked", apiToken, func() int64 { return f1 }, http.StatusOK, func() {
				if err := b.app.Auth.RevokeToken(ctx, viewerID, tok.ID); err != nil {
					t.Fatal(err)
				}
			}, http.StatusUnauthorized},
			{"a password reset ends the sessions", reset, func() int64 { return f1 }, http.StatusOK, func() {
				if err := b.app.Auth.ResetPassword(ctx, resetID, "kata-sandi-baru-1", by); err != nil {
					t.Fatal(err)
				}
			}, http.StatusUnauthorized},
			{"a session expires while kept", viewer, func() int64 { return f1 }, http.StatusOK, func() {
				w.setClock(w.clock().Add(auth.SessionTTL + time.Second))
			}, http.StatusUnauthorized},
		}
		for _, s := range steps {
			if got := status(s.token, s.fid()); got != s.before {
				t.Errorf("%s: before the change A answered %d, want %d", s.name, got, s.before)
				continue
			}
			loads := a.app.Auth.PrincipalLoads()
			if got := status(s.token, s.fid()); got != s.before || a.app.Auth.PrincipalLoads() != loads {
				t.Errorf("%s: unchanged, A answered %d (want %d) and read the principal %d more times (want 0: kept)",
					s.name, got, s.before, a.app.Auth.PrincipalLoads()-loads)
			}
			s.change()
			if got := status(s.token, s.fid()); got != s.after {
				t.Errorf("%s: at the next request A answered %d, want %d", s.name, got, s.after)
			}
		}
	})
}

// TestWarmRequestsReadOneRow counts the statements a warm request runs:
// the dashboard and the readiness JSON of a facility, for an admin and a
// district supervisor, each read one row (the versions statement) once
// the principal, the facility and its readiness are kept.
func TestWarmRequestsReadOneRow(t *testing.T) {
	inCacheWorlds(t, func(t *testing.T, w *cacheWorld) {
		ctx := context.Background()
		s := w.server("server", criteria.MustBuiltin())
		var statements atomic.Int64
		if err := sqlstore.Observe(sqlstore.New(s.db, nil), func(string, time.Duration, error) { statements.Add(1) }); err != nil {
			t.Fatal(err)
		}
		if err := s.app.Auth.Bootstrap(ctx, adminEmail, adminPassword); err != nil {
			t.Fatal(err)
		}
		admin, err := s.app.Auth.UserByEmail(ctx, adminEmail)
		if err != nil {
			t.Fatal(err)
		}
		o := s.app.Org
		if _, err := o.CreateProvince(ctx, "32", "Jawa Barat", &admin.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := o.CreateDistrict(ctx, districtA, "Kota Cimahi", "32", &admin.ID); err != nil {
			t.Fatal(err)
		}
		f, err := o.CreateFacility(ctx, org.FacilityInput{Code: "P1", Name: "Puskesmas P1", DistrictCode: districtA}, &admin.ID)
		if err != nil {
			t.Fatal(err)
		}
		did := f.DistrictID
		if _, err := s.app.Auth.CreateUserWithRole(ctx, "dinkes@example.id", "Dinkes", "kata-sandi-uji-1", &bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &did}, &admin.ID); err != nil {
			t.Fatal(err)
		}
		for _, who := range []struct{ email, password string }{{adminEmail, adminPassword}, {"dinkes@example.id", "kata-sandi-uji-1"}} {
			var login struct{ Token string }
			json.Unmarshal(s.json(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": who.email, "password": who.password}, http.StatusOK), &login)
			for _, path := range []string{fmt.Sprintf("/f/%d", f.ID), fmt.Sprintf("/api/v1/facilities/%d/readiness", f.ID)} {
				header := []string{}
				if path[1] == 'f' {
					header = []string{"Cookie", "bukti_session=" + login.Token}
				}
				s.do(t, "GET", path, login.Token, nil, header...) // warms the principal, facility and readiness
				before := statements.Load()
				code, _, body := s.do(t, "GET", path, login.Token, nil, header...)
				if code != http.StatusOK {
					t.Fatalf("%s GET %s: %d %s", who.email, path, code, body)
				}
				if n := statements.Load() - before; n != 1 {
					t.Errorf("%s GET %s warm: %d statements, want 1", who.email, path, n)
				}
			}
		}
	})
}
