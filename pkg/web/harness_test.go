package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/app"
	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/pkg/web"
	"github.com/bukti-id/bukti/storage"
	"github.com/bukti-id/bukti/ui"
)

const (
	adminEmail    = "admin@puskesmas.test"
	adminPassword = "kata-sandi-admin-123"
)

// harness is a real server on a real database and blob store.
type harness struct {
	t        *testing.T
	srv      *httptest.Server
	web      *web.Server
	app      *app.App
	db       *gorm.DB
	store    storage.Store
	storeCfg storage.Config
	auth     *auth.Service
	surveys  *survey.Service
	cat      *catalogue.Catalogue
	token    string // the admin's
}

// newHarness is a harness on the built-in catalogue, the complete
// standard.
func newHarness(t *testing.T, dbKind, storeKind string, maxBytes int64) *harness {
	t.Helper()
	return newHarnessOn(t, dbKind, storeKind, maxBytes, criteria.MustBuiltin())
}

// kriteria212 is the catalogue of Kriteria 2.1.2 alone (pkp-2023@2023.1,
// the built-in catalogue before the complete standard). The survey and
// permission tests run on it: a survey scores every EP of its catalogue,
// and three keep a whole visit short; the survey's pages work alike on any
// catalogue (TestReadinessPages opens a survey of the built-in one, and
// pkg/survey's TestSuggestionRules carries one to the end).
func kriteria212(t *testing.T) *catalogue.Catalogue {
	t.Helper()
	c, err := criteria.File(criteria.Kriteria212File)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newHarnessOn is a harness whose server runs catalogue cat.
func newHarnessOn(t *testing.T, dbKind, storeKind string, maxBytes int64, cat *catalogue.Catalogue) *harness {
	t.Helper()
	log := testenv.Logger(t)
	gdb := testenv.OpenDB(t, dbKind)
	cfg := testenv.StoreConfig(t, storeKind)
	store, err := storage.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := ui.Load()
	if err != nil {
		t.Fatal(err)
	}
	// The clock in the local zone, as the tests compute their dates with
	// time.Now.
	a := app.New(sqlstore.New(gdb, nil), store, cat, app.Options{TimeZone: time.Local, MaxUploadBytes: maxBytes, Log: log, BcryptCost: 4, UI: pages})
	if err := a.Auth.Bootstrap(context.Background(), adminEmail, adminPassword); err != nil {
		t.Fatal(err)
	}
	w := web.New(a.WebDeps())
	srv := httptest.NewServer(w.Handler())
	t.Cleanup(srv.Close)
	h := &harness{t: t, srv: srv, web: w, app: a, db: gdb, store: store, storeCfg: cfg, auth: a.Auth, surveys: a.Surveys, cat: cat}
	h.token = h.login(adminEmail, adminPassword)
	h.expect(http.StatusCreated, h.call("POST", "/api/v1/provinces", map[string]string{"code": "32", "name": "Jawa Barat"}, ""), nil)
	for code, name := range map[string]string{districtA: "Kota Cimahi", districtB: "Kota Bandung"} {
		h.expect(http.StatusCreated, h.call("POST", "/api/v1/districts", map[string]string{"code": code, "name": name, "province": "32"}, ""), nil)
	}
	return h
}

// at is the harness's services on its database and store with a clock
// stopped at now, read in now's location: for snapshots of other days.
func (h *harness) at(now time.Time) *app.App {
	return app.New(sqlstore.New(h.db, nil), h.store, h.cat, app.Options{TimeZone: now.Location(), Now: func() time.Time { return now },
		Log: testenv.Logger(h.t), BcryptCost: 4})
}

// The harness's districts: facilities go to A unless a test says B.
const (
	districtA = "3277"
	districtB = "3273"
)

func (h *harness) login(email, password string) string {
	h.t.Helper()
	var out struct{ Token string }
	h.expect(http.StatusOK, h.call("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password}, ""), &out)
	return out.Token
}

// result is a finished request.
type result struct {
	status int
	header http.Header
	body   []byte
}

// call sends a JSON body (nil for none) with the given bearer token
// (h.token when token is "", none when token is "-").
func (h *harness) call(method, path string, body any, token string) result {
	h.t.Helper()
	var r io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			r = strings.NewReader(s)
		} else {
			b, _ := json.Marshal(body)
			r = bytes.NewReader(b)
		}
	}
	req, _ := http.NewRequest(method, h.srv.URL+path, r)
	req.Header.Set("Content-Type", "application/json")
	return h.send(req, token)
}

func (h *harness) send(req *http.Request, token string) result {
	h.t.Helper()
	switch token {
	case "":
		req.Header.Set("Authorization", "Bearer "+h.token)
	case "-":
	default:
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return result{status: resp.StatusCode, header: resp.Header, body: b}
}

// expect checks the status and decodes the body into out (if not nil).
func (h *harness) expect(status int, r result, out any) {
	h.t.Helper()
	if r.status != status {
		h.t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			h.t.Fatalf("decode %s: %v", r.body, err)
		}
	}
}

// apiError decodes an error body, failing when it is not one.
func (h *harness) apiError(r result) (code, message string) {
	h.t.Helper()
	var e struct {
		Error struct{ Code, Message, MessageEN string }
	}
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		h.t.Fatalf("not an error body (status %d): %s", r.status, r.body)
	}
	return e.Error.Code, e.Error.Message
}

// field is one multipart form field; a field named "file" carries content
// as a file part.
type field struct {
	name, value string
	content     []byte
}

func file(name string, content []byte) field {
	return field{name: "file", value: name, content: content}
}

// multipartBody encodes fields, in order, as multipart/form-data and
// returns the body and its content type.
func multipartBody(fields ...field) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range fields {
		if f.name == "file" {
			w, _ := mw.CreateFormFile("file", f.value)
			w.Write(f.content)
			continue
		}
		mw.WriteField(f.name, f.value)
	}
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// multipartRequest is a POST of fields as multipart/form-data.
func (h *harness) multipartRequest(path string, fields ...field) *http.Request {
	body, ct := multipartBody(fields...)
	req, _ := http.NewRequest("POST", h.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	return req
}

// upload sends a multipart form with the fields in the given order.
func (h *harness) upload(path string, fields ...field) result {
	h.t.Helper()
	return h.send(h.multipartRequest(path, fields...), "")
}

func (h *harness) createFacility(code string) bukti.Facility {
	return h.createFacilityIn(code, districtA)
}

func (h *harness) createFacilityIn(code, district string) bukti.Facility {
	h.t.Helper()
	var f bukti.Facility
	h.expect(http.StatusCreated, h.call("POST", "/api/v1/facilities", map[string]string{"code": code, "name": "Puskesmas " + code, "district": district}, ""), &f)
	return f
}

// userWith creates a user holding one role binding and returns a bearer
// token of theirs.
func (h *harness) userWith(email string, b bukti.RoleBinding) (userID int64, token string) {
	h.t.Helper()
	ctx := context.Background()
	u, err := h.auth.CreateUser(ctx, email, email, "kata-sandi-pengguna-1", nil)
	if err != nil {
		h.t.Fatal(err)
	}
	if b.Role != "" {
		if _, err := h.auth.Grant(ctx, u.ID, b, nil); err != nil {
			h.t.Fatal(err)
		}
	}
	return u.ID, h.login(email, "kata-sandi-pengguna-1")
}

type uploaded struct {
	ID          int64
	SHA256      string
	Size        int64
	ContentType string `json:"content_type"`
	Evidence    []bukti.Evidence
}

func (h *harness) mustUpload(facilityID int64, fields ...field) uploaded {
	h.t.Helper()
	var u uploaded
	h.expect(http.StatusCreated, h.upload(fmt.Sprintf("/api/v1/facilities/%d/evidence", facilityID), fields...), &u)
	return u
}

// replaceBlob puts data in the store in place of the blob of sum, as a
// damaged disk or bucket would: the database still records the old size
// and hash.
func (h *harness) replaceBlob(sum string, data []byte) {
	h.t.Helper()
	ctx := context.Background()
	key, err := storage.Key(sum)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := h.store.Delete(ctx, key); err != nil {
		h.t.Fatal(err)
	}
	tmp, err := h.store.Stage(ctx, bytes.NewReader(data))
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.store.Commit(ctx, tmp, key); err != nil {
		h.t.Fatal(err)
	}
}

// counts are what must not change when a request is refused.
type counts struct{ evidence, revisions, staged int64 }

func (h *harness) counts() counts {
	h.t.Helper()
	var c counts
	h.db.Model(&bukti.Evidence{}).Count(&c.evidence)
	h.db.Model(&bukti.Revision{}).Count(&c.revisions)
	c.staged = int64(testenv.StagedLeft(h.t, h.storeCfg))
	return c
}
