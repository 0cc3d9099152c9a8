package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// world is the fixture of the access tests: everything twice, once in
// district A (province 32) and once in district B (province 31), with one
// user per role scoped to A, and "finalsurveyor", the surveyor of a final
// survey of A (who keeps that survey's record and nothing else of A).
type world struct {
	h      *harness
	actors []actor
	a, b   side
	seq    atomic.Int64
	admin  int64 // the admin's user ID
}

// side holds the objects of one district: final is a final survey of
// its facility, set on A only.
type side struct {
	facility, evidence, survey, final int64
}

type actor struct {
	name   string
	token  string // "-" for anonymous
	userID int64
}

// newWorld runs on the catalogue of Kriteria 2.1.2 alone: who may do what
// does not depend on the catalogue, and the surveys the matrix drives to
// every state score each of its EP.
func newWorld(t *testing.T, dbKind, storeKind string) *world {
	h := newHarnessOn(t, dbKind, storeKind, 1<<20, kriteria212(t))
	w := &world{h: h}
	h.expect(http.StatusCreated, h.call("POST", "/api/v1/provinces", map[string]string{"code": "31", "name": "DKI Jakarta"}, ""), nil)
	h.expect(http.StatusCreated, h.call("POST", "/api/v1/districts", map[string]string{"code": "3171", "name": "Jakarta Selatan", "province": "31"}, ""), nil)
	fa := h.createFacilityIn("PA", districtA)
	fb := h.createFacilityIn("PB", "3171")
	w.a = side{facility: fa.ID, evidence: w.evidence(fa.ID), survey: w.survey(fa.ID)}
	w.b = side{facility: fb.ID, evidence: w.evidence(fb.ID), survey: w.survey(fb.ID)}

	var provinceA, districtAID int64
	h.db.Model(&bukti.Province{}).Where("code = ?", "32").Pluck("id", &provinceA)
	h.db.Model(&bukti.District{}).Where("code = ?", districtA).Pluck("id", &districtAID)
	add := func(name string, b bukti.RoleBinding) {
		id, tok := h.userWith(name+"@puskesmas.test", b)
		w.actors = append(w.actors, actor{name: name, token: tok, userID: id})
	}
	var adminID int64
	h.db.Model(&bukti.User{}).Where("email = ?", adminEmail).Pluck("id", &adminID)
	w.admin = adminID
	w.actors = append(w.actors, actor{name: "admin", token: h.token, userID: adminID})
	add("supervisor", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &districtAID})
	add("provincial", bukti.RoleBinding{Role: bukti.RoleSupervisor, ProvinceID: &provinceA})
	add("surveyor", bukti.RoleBinding{Role: bukti.RoleSurveyor, SurveyID: &w.a.survey})
	add("quality", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &fa.ID})
	add("viewer", bukti.RoleBinding{Role: bukti.RoleViewer, FacilityID: &fa.ID})
	add("norole", bukti.RoleBinding{})
	fsID, fsTok := h.userWith("finalsurveyor@puskesmas.test", bukti.RoleBinding{})
	w.a.final = w.surveyAt(w.a, bukti.SurveyFinal, fsID).id
	w.actors = append(w.actors, actor{name: "finalsurveyor", token: fsTok, userID: fsID})
	w.actors = append(w.actors, actor{name: "anonymous", token: "-"})
	return w
}

func (w *world) next() int64 { return w.seq.Add(1) }

// catalogueVersion imports a fresh catalogue version as the admin.
func (w *world) catalogueVersion() int64 {
	var res struct{ Version struct{ ID int64 } }
	w.h.expect(http.StatusCreated, w.h.upload("/api/v1/catalogue/import", field{name: "version", value: fmt.Sprint("uji-", w.next())},
		file("instrumen.xlsx", testenv.SelfAssessment(w.h.t))), &res)
	return res.Version.ID
}

// workbookForm is a multipart import form with the test workbook.
func workbookForm(t *testing.T, version string) ([]byte, string) {
	return multipartBody(field{name: "version", value: version}, file("instrumen.xlsx", testenv.SelfAssessment(t)))
}

// orgID looks up a province or district by code.
func (w *world) orgID(kind, code string) int64 {
	var id int64
	model := map[string]any{"province": &bukti.Province{}, "district": &bukti.District{}}[kind]
	w.h.db.Model(model).Where("code = ?", code).Pluck("id", &id)
	return id
}

// evidence uploads a fresh PDF to 2.1.2/a/R1 of a facility as the admin.
func (w *world) evidence(facilityID int64) int64 {
	return w.h.mustUpload(facilityID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF(fmt.Sprint("sk ", w.next())))).ID
}

// survey plans a survey of a facility with a fresh surveyor, as the admin.
func (w *world) survey(facilityID int64) int64 {
	uid := w.user()
	var sv bukti.Survey
	w.h.expect(http.StatusCreated, w.h.call("POST", "/api/v1/surveys", map[string]any{"facility_id": facilityID, "type": "initial", "surveyors": []int64{uid}}, ""), &sv)
	return sv.ID
}

// user creates a fresh user without roles, as the admin.
func (w *world) user() int64 { return w.newUser().ID }

// newUser creates a fresh user without roles, as the admin.
func (w *world) newUser() bukti.User {
	var u bukti.User
	w.h.expect(http.StatusCreated, w.h.call("POST", "/api/v1/users", map[string]string{"email": fmt.Sprintf("u%d@puskesmas.test", w.next()), "password": "kata-sandi-baru-123"}, ""), &u)
	return u
}

// request is one call of a route.
type request struct {
	method, path string
	body         any    // JSON body
	form         []byte // multipart body, with formType
	formType     string
}

// status sends r as actor a and returns the status.
func (w *world) status(a actor, r request) int {
	w.h.t.Helper()
	if r.form != nil {
		req, _ := http.NewRequest(r.method, w.h.srv.URL+r.path, bytes.NewReader(r.form))
		req.Header.Set("Content-Type", r.formType)
		return w.h.send(req, a.token).status
	}
	return w.h.call(r.method, r.path, r.body, a.token).status
}

func uploadForm(requirement string, n int64) ([]byte, string) {
	f := file("bukti.pdf", testenv.PDF(fmt.Sprint("matrix ", n)))
	if requirement == "" {
		return multipartBody(f)
	}
	return multipartBody(field{name: "requirement", value: requirement}, f)
}

// expectation gives the status for each actor on objects in scope (A) and
// out of scope (B).
type expectation map[string][2]int

// Profiles of the role × action table (see authz), with the success status.
// A final survey's surveyor reads nothing of its facility: read, write,
// review, manageSurvey and adminFacility say 404 for them.
func read(ok int) expectation {
	return expectation{"admin": {ok, ok}, "supervisor": {ok, 404}, "provincial": {ok, 404}, "surveyor": {ok, 404},
		"quality": {ok, 404}, "viewer": {ok, 404}, "norole": {404, 404}, "finalsurveyor": {404, 404}}
}

// surveyRead: reading a survey's record, which the surveyors of a final
// survey keep for their own survey (see surveyOf).
func surveyRead(ok int) expectation {
	e := read(ok)
	e["finalsurveyor"] = [2]int{ok, 404}
	return e
}

// surveyOf is the survey a survey route reads for an actor on a side: the
// final survey for its surveyor in their own scope, else the side's
// planned one.
func surveyOf(a actor, s side, in bool) int64 {
	if a.name == "finalsurveyor" && in {
		return s.final
	}
	return s.survey
}

func getSurvey(rest string) func(*world, actor, side, bool) request {
	return func(w *world, a actor, s side, in bool) request {
		return request{method: "GET", path: fmt.Sprintf("/api/v1/surveys/%d%s", surveyOf(a, s, in), rest)}
	}
}

func write(ok int) expectation {
	return expectation{"admin": {ok, ok}, "supervisor": {403, 404}, "provincial": {403, 404}, "surveyor": {403, 404},
		"quality": {ok, 404}, "viewer": {403, 404}, "norole": {404, 404}, "finalsurveyor": {404, 404}}
}

// review: only a surveyor assigned to the survey (and its lead, where the
// route needs one) may act; an admin is not a surveyor.
func review(ok int) expectation {
	return expectation{"admin": {403, 403}, "supervisor": {403, 404}, "provincial": {403, 404}, "surveyor": {ok, 404},
		"quality": {403, 404}, "viewer": {403, 404}, "norole": {404, 404}, "finalsurveyor": {404, 404}}
}

func manageSurvey(ok int) expectation {
	return expectation{"admin": {ok, ok}, "supervisor": {ok, 404}, "provincial": {ok, 404}, "surveyor": {403, 404},
		"quality": {403, 404}, "viewer": {403, 404}, "norole": {404, 404}, "finalsurveyor": {404, 404}}
}

// adminFacility: only an admin may change a facility; others who see it
// are forbidden, others do not see it.
func adminFacility(ok int) expectation {
	return expectation{"admin": {ok, ok}, "supervisor": {403, 404}, "provincial": {403, 404}, "surveyor": {403, 404},
		"quality": {403, 404}, "viewer": {403, 404}, "norole": {404, 404}, "finalsurveyor": {404, 404}}
}

func adminOnly(ok int) expectation {
	e := expectation{"admin": {ok, ok}}
	for _, r := range []string{"supervisor", "provincial", "surveyor", "quality", "viewer", "norole", "finalsurveyor"} {
		e[r] = [2]int{403, 403}
	}
	return e
}

func anyUser(ok int) expectation {
	e := expectation{}
	for _, r := range []string{"admin", "supervisor", "provincial", "surveyor", "quality", "viewer", "norole", "finalsurveyor"} {
		e[r] = [2]int{ok, ok}
	}
	return e
}

func auditRead(ok int) expectation {
	return expectation{"admin": {ok, ok}, "supervisor": {ok, ok}, "provincial": {ok, ok}, "surveyor": {403, 403},
		"quality": {ok, ok}, "viewer": {403, 403}, "norole": {403, 403}, "finalsurveyor": {403, 403}}
}

// own: a user's own object (A) works, anyone else's (B) is not found.
func own(ok int) expectation {
	e := anyUser(ok)
	for r := range e {
		e[r] = [2]int{ok, 404}
	}
	return e
}

// route is one row of the permission matrix.
type route struct {
	want expectation
	// public is the status of a route that answers everyone alike,
	// signed in or not; it is checked anonymously.
	public int
	// build makes a fresh request for actor a on side s.
	build func(w *world, a actor, s side, in bool) request
}

func get(path string, args ...any) func(*world, actor, side, bool) request {
	return func(w *world, a actor, s side, in bool) request { return request{method: "GET", path: expand(path, s)} }
}

// expand fills {f}, {e}, {s} with the side's facility, evidence, survey.
func expand(path string, s side) string {
	return strings.NewReplacer("{f}", fmt.Sprint(s.facility), "{e}", fmt.Sprint(s.evidence), "{s}", fmt.Sprint(s.survey)).Replace(path)
}

// freshEvidence uploads a new evidence record on the side's facility (as
// admin), for routes that change or delete it.
func (w *world) freshEvidence(s side) side {
	s.evidence = w.evidence(s.facility)
	return s
}

// matrix is every route of the API. TestPermissionMatrix fails when a
// route is registered without a row here.
func matrix() map[string]route {
	return map[string]route{
		"GET /healthz": {public: 200, build: get("/healthz")},
		"GET /readyz":  {public: 200, build: get("/readyz")},
		"GET /":        {public: 200, build: get("/")},
		"POST /api/v1/auth/login": {public: 401, build: func(*world, actor, side, bool) request {
			return request{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": "x@y.test", "password": "salah-sandi-123"}}
		}},
		"POST /api/v1/auth/logout": {want: anyUser(204), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "POST", path: "/api/v1/auth/logout"}
		}},
		"GET /api/v1/auth/me": {want: anyUser(200), build: get("/api/v1/auth/me")},
		"GET /api/v1/tokens":  {want: anyUser(200), build: get("/api/v1/tokens")},
		"POST /api/v1/tokens": {want: anyUser(201), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "POST", path: "/api/v1/tokens", body: map[string]any{"name": "skrip", "expires_in_days": 30}}
		}},
		"DELETE /api/v1/tokens/:id": {want: own(204), build: func(w *world, a actor, s side, in bool) request {
			owner := a.token
			if !in || a.token == "-" {
				owner = w.h.token // someone else's token
				if a.name == "admin" {
					_, owner = w.h.userWith(fmt.Sprintf("t%d@puskesmas.test", w.next()), bukti.RoleBinding{})
				}
			}
			var tok struct{ ID int64 }
			w.h.expect(201, w.h.call("POST", "/api/v1/tokens", map[string]string{"name": "dicabut"}, owner), &tok)
			return request{method: "DELETE", path: fmt.Sprintf("/api/v1/tokens/%d", tok.ID)}
		}},

		"GET /api/v1/catalogue":          {want: anyUser(200), build: get("/api/v1/catalogue")},
		"GET /api/v1/catalogue/versions": {want: adminOnly(200), build: get("/api/v1/catalogue/versions")},
		"POST /api/v1/catalogue/import": {want: adminOnly(201), build: func(w *world, a actor, s side, in bool) request {
			body, ct := workbookForm(w.h.t, fmt.Sprint("uji-", w.next()))
			return request{method: "POST", path: "/api/v1/catalogue/import", form: body, formType: ct}
		}},
		"POST /api/v1/catalogue/versions/:id/activate": {want: adminOnly(200), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "POST", path: fmt.Sprintf("/api/v1/catalogue/versions/%d/activate", w.catalogueVersion()), body: map[string]bool{"confirm": true}}
		}},
		"GET /api/v1/catalogue/versions/:id/plan": {want: adminOnly(200), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "GET", path: fmt.Sprintf("/api/v1/catalogue/versions/%d/plan", w.catalogueVersion())}
		}},
		"GET /api/v1/catalogue/versions/:id/export": {want: adminOnly(200), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "GET", path: fmt.Sprintf("/api/v1/catalogue/versions/%d/export", w.catalogueVersion())}
		}},
		"GET /api/v1/criteria/:id": {want: anyUser(200), build: get("/api/v1/criteria/2.1.2")},
		"GET /api/v1/provinces":    {want: anyUser(200), build: get("/api/v1/provinces")},
		"GET /api/v1/districts":    {want: anyUser(200), build: get("/api/v1/districts")},
		"GET /api/v1/facilities":   {want: anyUser(200), build: get("/api/v1/facilities")},
		"GET /api/v1/surveys":      {want: anyUser(200), build: get("/api/v1/surveys")},
		"POST /api/v1/provinces": {want: adminOnly(201), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "POST", path: "/api/v1/provinces", body: map[string]string{"code": fmt.Sprint("9", w.next()), "name": "Provinsi Uji"}}
		}},
		"POST /api/v1/districts": {want: adminOnly(201), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "POST", path: "/api/v1/districts", body: map[string]string{"code": fmt.Sprint("99", w.next()), "name": "Kab. Uji", "province": "32"}}
		}},
		"POST /api/v1/facilities": {want: adminOnly(201), build: func(w *world, a actor, s side, in bool) request {
			n := w.next() // two Puskesmas of one district cannot share a name
			return request{method: "POST", path: "/api/v1/facilities", body: map[string]string{"code": fmt.Sprint("PX", n), "name": fmt.Sprint("Puskesmas Uji ", n), "district": districtA}}
		}},
		"POST /api/v1/facilities/import": {want: adminOnly(201), build: func(w *world, a actor, s side, in bool) request {
			n := w.next()
			csv := fmt.Sprintf("code,name,district\nPI%d,Puskesmas Impor %d,%s\n", n, n, districtA)
			return request{method: "POST", path: "/api/v1/facilities/import", form: []byte(csv), formType: "text/csv"}
		}},
		"PATCH /api/v1/provinces/:id": {want: adminOnly(204), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "PATCH", path: fmt.Sprintf("/api/v1/provinces/%d", w.orgID("province", "32")), body: map[string]string{"name": fmt.Sprint("Jawa Barat ", w.next())}}
		}},
		"DELETE /api/v1/provinces/:id": {want: adminOnly(204), build: func(w *world, a actor, s side, in bool) request {
			code := fmt.Sprint("8", w.next())
			w.h.expect(201, w.h.call("POST", "/api/v1/provinces", map[string]string{"code": code, "name": "Provinsi Hapus"}, ""), nil)
			return request{method: "DELETE", path: fmt.Sprintf("/api/v1/provinces/%d", w.orgID("province", code))}
		}},
		"PATCH /api/v1/districts/:id": {want: adminOnly(204), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "PATCH", path: fmt.Sprintf("/api/v1/districts/%d", w.orgID("district", districtA)), body: map[string]string{"name": fmt.Sprint("Kota Cimahi ", w.next())}}
		}},
		"DELETE /api/v1/districts/:id": {want: adminOnly(204), build: func(w *world, a actor, s side, in bool) request {
			code := fmt.Sprint("88", w.next())
			w.h.expect(201, w.h.call("POST", "/api/v1/districts", map[string]string{"code": code, "name": "Kab. Hapus", "province": "32"}, ""), nil)
			return request{method: "DELETE", path: fmt.Sprintf("/api/v1/districts/%d", w.orgID("district", code))}
		}},
		"DELETE /api/v1/facilities/:id": {want: adminFacility(204), build: func(w *world, a actor, s side, in bool) request {
			id := s.facility // in scope but in use: only the admin gets a fresh, empty one
			if a.name == "admin" {
				district := map[bool]string{true: districtA, false: "3171"}[in]
				id = w.h.createFacilityIn(fmt.Sprint("PH", w.next()), district).ID
			}
			return request{method: "DELETE", path: fmt.Sprintf("/api/v1/facilities/%d", id)}
		}},
		"GET /api/v1/facilities/:id": {want: read(200), build: get("/api/v1/facilities/{f}")},
		"PATCH /api/v1/facilities/:id": {want: adminFacility(200), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "PATCH", path: expand("/api/v1/facilities/{f}", s), body: map[string]string{"name": fmt.Sprint("Puskesmas Baru ", w.next())}}
		}},
		"GET /api/v1/facilities/:id/readiness":      {want: read(200), build: get("/api/v1/facilities/{f}/readiness")},
		"GET /api/v1/facilities/:id/evidence":       {want: read(200), build: get("/api/v1/facilities/{f}/evidence")},
		"GET /api/v1/facilities/:id/not-applicable": {want: read(200), build: get("/api/v1/facilities/{f}/not-applicable")},
		"GET /api/v1/facilities/:id/interviewees":   {want: read(200), build: get("/api/v1/facilities/{f}/interviewees")},
		"POST /api/v1/facilities/:id/evidence": {want: write(201), build: func(w *world, a actor, s side, in bool) request {
			body, ct := uploadForm("2.1.2/a/R2", w.next())
			return request{method: "POST", path: expand("/api/v1/facilities/{f}/evidence", s), form: body, formType: ct}
		}},
		"PUT /api/v1/facilities/:id/not-applicable": {want: write(200), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "PUT", path: expand("/api/v1/facilities/{f}/not-applicable", s), body: map[string]string{"element": "2.1.2/c", "reason": "Alasan uji matriks akses"}}
		}},
		"DELETE /api/v1/facilities/:id/not-applicable": {want: write(204), build: func(w *world, a actor, s side, in bool) request {
			w.h.expect(200, w.h.call("PUT", expand("/api/v1/facilities/{f}/not-applicable", s), map[string]string{"element": "2.1.2/b", "reason": "Alasan uji matriks akses"}, ""), nil)
			return request{method: "DELETE", path: expand("/api/v1/facilities/{f}/not-applicable?element=2.1.2/b", s)}
		}},
		"PUT /api/v1/facilities/:id/interviewees": {want: write(200), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "PUT", path: expand("/api/v1/facilities/{f}/interviewees", s), body: map[string]string{"requirement": "2.1.2/a/W1", "role": "Kepala Puskesmas", "name": "dr. Uji"}}
		}},

		"GET /api/v1/evidence/:id":         {want: read(200), build: get("/api/v1/evidence/{e}")},
		"GET /api/v1/evidence/:id/content": {want: read(200), build: get("/api/v1/evidence/{e}/content")},
		"GET /api/v1/evidence/:id/thumbnail/:sha256": {want: read(200), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "GET", path: w.thumbnail(s)} // thumbnails_test.go
		}},
		"PATCH /api/v1/evidence/:id": {want: write(200), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "PATCH", path: expand("/api/v1/evidence/{e}", s), body: map[string]string{"title": fmt.Sprint("SK ", w.next())}}
		}},
		"DELETE /api/v1/evidence/:id": {want: write(204), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "DELETE", path: expand("/api/v1/evidence/{e}", w.freshEvidence(s))}
		}},
		"POST /api/v1/evidence/:id/revisions": {want: write(201), build: func(w *world, a actor, s side, in bool) request {
			body, ct := uploadForm("", w.next())
			return request{method: "POST", path: expand("/api/v1/evidence/{e}/revisions", s), form: body, formType: ct}
		}},
		"POST /api/v1/evidence/:id/links": {want: write(201), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "POST", path: expand("/api/v1/evidence/{e}/links", w.freshEvidence(s)), body: map[string]string{"requirement": "2.1.2/a/R2"}}
		}},

		"GET /api/v1/users": {want: adminOnly(200), build: get("/api/v1/users")},
		"POST /api/v1/users": {want: adminOnly(201), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "POST", path: "/api/v1/users", body: map[string]string{"email": fmt.Sprintf("n%d@puskesmas.test", w.next()), "password": "kata-sandi-baru-123"}}
		}},
		"GET /api/v1/users/:id": {want: adminOnly(200), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "GET", path: fmt.Sprintf("/api/v1/users/%d", w.user())}
		}},
		"PATCH /api/v1/users/:id": {want: adminOnly(200), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "PATCH", path: fmt.Sprintf("/api/v1/users/%d", w.user()), body: map[string]bool{"disabled": true}}
		}},
		"DELETE /api/v1/users/:id": {want: adminOnly(204), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "DELETE", path: fmt.Sprintf("/api/v1/users/%d", w.user())}
		}},
		"POST /api/v1/users/:id/password": {want: adminOnly(204), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "POST", path: fmt.Sprintf("/api/v1/users/%d/password", w.user()), body: map[string]string{"password": "kata-sandi-lain-123"}}
		}},
		"POST /api/v1/users/:id/roles": {want: adminOnly(201), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "POST", path: fmt.Sprintf("/api/v1/users/%d/roles", w.user()), body: map[string]any{"role": "viewer", "facility_id": s.facility}}
		}},
		"DELETE /api/v1/users/:id/roles/:binding": {want: adminOnly(204), build: func(w *world, a actor, s side, in bool) request {
			uid := w.user()
			var b bukti.RoleBinding
			w.h.expect(201, w.h.call("POST", fmt.Sprintf("/api/v1/users/%d/roles", uid), map[string]any{"role": "viewer", "facility_id": s.facility}, ""), &b)
			return request{method: "DELETE", path: fmt.Sprintf("/api/v1/users/%d/roles/%d", uid, b.ID)}
		}},
		"GET /api/v1/users/:id/tokens": {want: adminOnly(200), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "GET", path: fmt.Sprintf("/api/v1/users/%d/tokens", w.user())}
		}},
		"DELETE /api/v1/users/:id/tokens/:token": {want: adminOnly(204), build: func(w *world, a actor, s side, in bool) request {
			uid := w.user()
			_, tok, err := w.h.auth.CreateToken(context.Background(), uid, "skrip", 0)
			if err != nil {
				w.h.t.Fatal(err)
			}
			return request{method: "DELETE", path: fmt.Sprintf("/api/v1/users/%d/tokens/%d", uid, tok.ID)}
		}},

		"POST /api/v1/surveys": {want: manageSurvey(201), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "POST", path: "/api/v1/surveys", body: map[string]any{"facility_id": s.facility, "type": "reaccreditation", "surveyor_emails": []string{w.newUser().Email}}}
		}},
		"GET /api/v1/surveys/:id":             {want: surveyRead(200), build: getSurvey("")},
		"GET /api/v1/surveys/:id/overview":    {want: surveyRead(200), build: getSurvey("/overview")},
		"GET /api/v1/surveys/:id/report.xlsx": {want: surveyRead(200), build: getSurvey("/report.xlsx")},
		// The pack holds the facility's documents: not for a final survey's surveyors.
		"GET /api/v1/surveys/:id/pack.zip": {want: func() expectation { e := read(200); e["finalsurveyor"] = [2]int{403, 404}; return e }(),
			build: func(w *world, a actor, s side, in bool) request {
				id := surveyOf(a, s, in)
				if id == s.survey {
					id = w.surveyAt(s, bukti.SurveyInReview, 0).id
				}
				return request{method: "GET", path: fmt.Sprintf("/api/v1/surveys/%d/pack.zip", id)}
			}},
		"PUT /api/v1/surveys/:id/self-assessment": {want: write(200), build: func(w *world, a actor, s side, in bool) request {
			sv := w.surveyAt(s, bukti.SurveyPlanned, 0)
			return request{method: "PUT", path: fmt.Sprintf("/api/v1/surveys/%d/self-assessment", sv.id),
				body: map[string]any{"scores": []survey.SelfScore{{Element: "2.1.2/a", Score: "10", Justification: "SK dan bukti lengkap."}}}}
		}},
		"POST /api/v1/surveys/:id/submit": {want: write(200), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "POST", path: fmt.Sprintf("/api/v1/surveys/%d/submit", w.surveyAt(s, bukti.SurveySelfAssessment, 0).id)}
		}},
		"POST /api/v1/surveys/:id/items": {want: write(201), build: func(w *world, a actor, s side, in bool) request {
			sv := w.surveyAt(s, bukti.SurveyInReview, 0)
			return request{method: "POST", path: fmt.Sprintf("/api/v1/surveys/%d/items", sv.id), body: map[string]int64{"evidence_id": w.evidence(s.facility)}}
		}},
		"POST /api/v1/surveys/:id/items/:item/review": {want: review(200), build: func(w *world, a actor, s side, in bool) request {
			sv := w.surveyAt(s, bukti.SurveyInReview, w.leadFor(a, in))
			return request{method: "POST", path: fmt.Sprintf("/api/v1/surveys/%d/items/%d/review", sv.id, sv.item), body: survey.Verdict{Review: "accepted"}}
		}},
		"PUT /api/v1/surveys/:id/scores": {want: review(200), build: func(w *world, a actor, s side, in bool) request {
			sv := w.surveyAt(s, bukti.SurveyInReview, w.leadFor(a, in))
			return request{method: "PUT", path: fmt.Sprintf("/api/v1/surveys/%d/scores", sv.id), body: matrixScore}
		}},
		"POST /api/v1/surveys/:id/reconcile": {want: review(200), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "POST", path: fmt.Sprintf("/api/v1/surveys/%d/reconcile", w.surveyAt(s, bukti.SurveyInReview, w.leadFor(a, in)).id)}
		}},
		"PUT /api/v1/surveys/:id/final": {want: review(200), build: func(w *world, a actor, s side, in bool) request {
			sv := w.surveyAt(s, bukti.SurveyInReview, w.leadFor(a, in))
			return request{method: "PUT", path: fmt.Sprintf("/api/v1/surveys/%d/final", sv.id), body: matrixScore}
		}},
		"POST /api/v1/surveys/:id/finalize": {want: review(200), build: func(w *world, a actor, s side, in bool) request {
			return request{method: "POST", path: fmt.Sprintf("/api/v1/surveys/%d/finalize", w.surveyAt(s, bukti.SurveyScored, w.leadFor(a, in)).id)}
		}},
		"PUT /api/v1/surveys/:id/pps/:row": {want: write(200), build: func(w *world, a actor, s side, in bool) request {
			sv := w.surveyAt(s, bukti.SurveyFinal, 0)
			return request{method: "PUT", path: fmt.Sprintf("/api/v1/surveys/%d/pps/%d", sv.id, sv.pps),
				body: map[string]any{"action": "Rapat ulang bersama masyarakat", "responsible": "Ketua Tim Mutu", "progress": 50}}
		}},

		"GET /api/v1/reports/gaps": {want: read(200), build: func(w *world, a actor, s side, in bool) request {
			district := map[bool]string{true: districtA, false: "3171"}[in]
			return request{method: "GET", path: "/api/v1/reports/gaps?format=csv&district=" + district}
		}},
		"GET /api/v1/reports/trends": {want: read(200), build: func(w *world, a actor, s side, in bool) request {
			district := map[bool]string{true: districtA, false: "3171"}[in]
			return request{method: "GET", path: "/api/v1/reports/trends?district=" + district}
		}},
		"GET /api/v1/audit":     {want: auditRead(200), build: get("/api/v1/audit")},
		"GET /api/v1/audit.csv": {want: auditRead(200), build: get("/api/v1/audit.csv")},

		"GET /api/v1/admin/integrity": {want: adminOnly(200), build: get("/api/v1/admin/integrity")},
	}
}

// apiRoutes keeps the JSON API's routes (and /healthz, /readyz); pages have their
// own access test.
func apiRoutes(all []string) []string {
	var out []string
	for _, r := range all {
		if strings.Contains(r, " /api/") || strings.HasSuffix(r, " /healthz") || strings.HasSuffix(r, " /readyz") {
			out = append(out, r)
		}
	}
	return out
}

// TestPermissionMatrix sends every API route as every role, on objects in the
// role's scope and outside it, and checks the status. A route missing from
// the matrix fails the test.
func TestPermissionMatrix(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			t.Parallel() // each combination its own world
			w := newWorld(t, combo.DB, combo.Store)
			m := matrix()
			for _, r := range apiRoutes(w.h.web.Routes()) {
				if _, ok := m[r]; !ok {
					t.Errorf("route %q has no row in the permission matrix: add one to matrix() in access_test.go", r)
				}
			}
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
				if !slices.Contains(w.h.web.Routes(), k) {
					t.Errorf("matrix row %q matches no registered route", k)
				}
			}
			slices.Sort(keys)
			for _, key := range keys {
				rt := m[key]
				t.Run(key, func(t *testing.T) {
					for _, a := range w.actors {
						if rt.public != 0 && a.token != "-" {
							continue // public routes answer everyone alike: ask once, anonymously
						}
						for i, s := range []side{w.a, w.b} {
							in := i == 0
							want := rt.public
							if rt.public == 0 {
								if a.token == "-" {
									want = http.StatusUnauthorized
								} else {
									want = rt.want[a.name][i]
								}
							}
							actorTok := a
							switch {
							case key != "POST /api/v1/auth/logout" || a.token == "-":
							case a.name == "admin": // log out a second session, not the one the matrix uses
								actorTok.token = w.h.login(adminEmail, adminPassword)
							default:
								actorTok.token = w.h.login(a.name+"@puskesmas.test", "kata-sandi-pengguna-1")
							}
							if got := w.status(actorTok, rt.build(w, a, s, in)); got != want {
								t.Errorf("%s as %s on %s: status %d, want %d", key, a.name, map[bool]string{true: "own scope", false: "other scope"}[in], got, want)
							}
						}
					}
				})
			}
		})
	}
}
