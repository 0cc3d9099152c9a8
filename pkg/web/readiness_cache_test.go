package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"gorm.io/gorm"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/app"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/db"
	"github.com/bukti-id/bukti/pkg/demo"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/pkg/web"
	"github.com/bukti-id/bukti/pkg/web/core"
	"github.com/bukti-id/bukti/storage"
	"github.com/bukti-id/bukti/ui"
)

// cacheServer is one app server of a deployment: its own database
// handle, its own readiness cache, the shared database and blob store.
type cacheServer struct {
	name string
	app  *app.App
	db   *gorm.DB
	srv  *httptest.Server
	etag string // of the last readiness answer it gave
}

// cacheWorld is servers sharing one database and blob store, reading
// one clock that the test moves.
type cacheWorld struct {
	t     *testing.T
	url   string
	blobs storage.Store
	pages *ui.UI
	mu    sync.Mutex
	now   time.Time
	token string
	fid   int64
}

// newCacheWorld is a world on a new migrated database of kind and a
// filesystem blob store, its clock at 10 March 2026, 10:00 WIB.
func newCacheWorld(t *testing.T, kind string) *cacheWorld {
	t.Helper()
	pages, err := ui.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &cacheWorld{t: t, url: testenv.MigratedDatabaseURL(t, kind), blobs: testenv.OpenStore(t, "filesystem"), pages: pages,
		now: time.Date(2026, time.March, 10, 10, 0, 0, 0, wib)}
}

// inCacheWorlds runs test once for each kind of database, in parallel,
// each in a world of its own (newCacheWorld).
func inCacheWorlds(t *testing.T, test func(t *testing.T, w *cacheWorld)) {
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			test(t, newCacheWorld(t, kind))
		})
	}
}

func (w *cacheWorld) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *cacheWorld) setClock(t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = t
}

// server starts another app server on catalogue cat, as a process of its
// own would: another database handle, another readiness cache.
func (w *cacheWorld) server(name string, cat *catalogue.Catalogue) *cacheServer {
	w.t.Helper()
	gdb, err := db.OpenRaw(context.Background(), w.url)
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { db.Close(gdb) })
	a := app.New(sqlstore.New(gdb, nil), w.blobs, cat, app.Options{TimeZone: wib, Now: w.clock, Log: testenv.Logger(w.t), BcryptCost: 4, UI: w.pages})
	srv := httptest.NewServer(web.New(a.WebDeps()).Handler())
	w.t.Cleanup(srv.Close)
	return &cacheServer{name: name, app: a, db: gdb, srv: srv}
}

var wib = time.FixedZone("WIB", 7*3600)

func (s *cacheServer) do(t *testing.T, method, path, token string, body io.Reader, header ...string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, s.srv.URL+path, body)
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s on %s: %v", method, path, s.name, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

func (s *cacheServer) json(t *testing.T, method, path, token string, in any, want int) []byte {
	t.Helper()
	b, _ := json.Marshal(in)
	code, _, body := s.do(t, method, path, token, bytes.NewReader(b), "Content-Type", "application/json")
	if code != want {
		t.Fatalf("%s %s on %s: %d, want %d: %s", method, path, s.name, code, want, body)
	}
	return body
}

func (s *cacheServer) upload(t *testing.T, token string, fid int64, validUntil string, reqs ...string) []bukti.Evidence {
	t.Helper()
	fields := []field{{name: "title", value: "Dokumen"}}
	for _, r := range reqs {
		fields = append(fields, field{name: "requirement", value: r})
	}
	if validUntil != "" {
		fields = append(fields, field{name: "valid_until", value: validUntil})
	}
	fields = append(fields, file("dokumen.pdf", testenv.PDF(fmt.Sprint(reqs, validUntil, time.Now().UnixNano()))))
	body, ct := multipartBody(fields...)
	code, _, out := s.do(t, "POST", fmt.Sprintf("/api/v1/facilities/%d/evidence", fid), token, bytes.NewReader(body), "Content-Type", ct)
	if code != http.StatusCreated {
		t.Fatalf("upload on %s: %d %s", s.name, code, out)
	}
	var u uploaded
	if err := json.Unmarshal(out, &u); err != nil {
		t.Fatal(err)
	}
	return u.Evidence
}

// reference is the facility's readiness computed the plain way, from the
// rows read straight from the database, and what the dashboard shows
// besides.
type reference struct {
	rep      readiness.Report
	body     []byte // as the API encodes it
	evidence int
	expiring int
}

func (w *cacheWorld) reference(gdb *gorm.DB, cat *catalogue.Catalogue) reference {
	w.t.Helper()
	now := w.clock()
	var evs []bukti.Evidence
	var people []bukti.Interviewee
	var tdd []bukti.NotApplicable
	if err := gdb.Where("facility_id = ? AND deleted_at IS NULL", w.fid).Find(&evs).Error; err != nil {
		w.t.Fatal(err)
	}
	gdb.Where("facility_id = ?", w.fid).Find(&people)
	gdb.Where("facility_id = ?", w.fid).Find(&tdd)
	in := readiness.Input{Now: now, NotApplicable: map[string]string{}}
	ref := reference{evidence: len(evs)}
	for _, ev := range evs {
		in.Items = append(in.Items, readiness.Item{RequirementID: ev.RequirementID, Stage: ev.Stage, Part: ev.Part,
			Rejected: ev.Review == bukti.ReviewRejected, ValidUntil: ev.ValidUntil})
		if ev.Review != bukti.ReviewRejected && readiness.ExpiringSoon(ev.ValidUntil, now) {
			ref.expiring++
		}
	}
	for _, p := range people {
		in.Items = append(in.Items, readiness.Item{RequirementID: p.RequirementID, Part: p.Role})
	}
	for _, m := range tdd {
		in.NotApplicable[m.ElementID] = m.Reason
	}
	ref.rep = readiness.Score(cat, in)
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(ref.rep); err != nil {
		w.t.Fatal(err)
	}
	ref.body = buf.Bytes()
	return ref
}

// check reads the readiness and the dashboard from s and fails unless
// they are the reference's. changed says whether the readiness changed
// since s's last answer: the ETag of that answer then no longer matches.
func (w *cacheWorld) check(t *testing.T, s *cacheServer, ref reference, changed bool) {
	t.Helper()
	path := fmt.Sprintf("/api/v1/facilities/%d/readiness", w.fid)
	old := s.etag
	code, h, body := s.do(t, "GET", path, w.token, nil, "If-None-Match", old)
	switch {
	case old == "":
	case changed && code != http.StatusOK:
		t.Fatalf("%s: readiness changed but If-None-Match of the earlier ETag answered %d", s.name, code)
	case !changed && code != http.StatusNotModified:
		t.Fatalf("%s: readiness unchanged but If-None-Match of its ETag answered %d", s.name, code)
	}
	if code == http.StatusNotModified {
		if len(body) != 0 || h.Get("ETag") != old {
			t.Fatalf("%s: 304 with %d bytes, ETag %s (was %s)", s.name, len(body), h.Get("ETag"), old)
		}
		code, h, body = s.do(t, "GET", path, w.token, nil)
	}
	if code != http.StatusOK || h.Get("Content-Type") != "application/json" {
		t.Fatalf("%s: readiness %d %s", s.name, code, h.Get("Content-Type"))
	}
	if !bytes.Equal(body, ref.body) {
		var got readiness.Report
		json.Unmarshal(body, &got)
		t.Fatalf("%s serves a readiness that is not the facility's now: status %q overall %+v, want %q %+v",
			s.name, got.Status, got.Bab, ref.rep.Status, ref.rep.Bab)
	}
	etag := h.Get("ETag")
	if etag == "" || (changed && etag == old) || (!changed && old != "" && etag != old) {
		t.Fatalf("%s: ETag %s after %s, changed %v", s.name, etag, old, changed)
	}
	s.etag = etag
	if code, _, _ := s.do(t, "GET", path, w.token, nil, "If-None-Match", `"x", `+etag); code != http.StatusNotModified {
		t.Fatalf("%s: If-None-Match of the current ETag answered %d", s.name, code)
	}
	// Compressed (once per state), the same readiness; its weak ETag
	// answers If-None-Match too. (The answers above were compressed too:
	// Go's client asks for gzip and decodes it.)
	for _, enc := range []string{"br", "gzip", "identity"} {
		code, h, zipped := s.do(t, "GET", path, w.token, nil, "Accept-Encoding", enc)
		if enc == "identity" {
			if code != http.StatusOK || h.Get("Content-Encoding") != "" || h.Get("ETag") != strings.TrimPrefix(etag, "W/") ||
				h.Get("Content-Length") != strconv.Itoa(len(ref.body)) || !bytes.Equal(zipped, ref.body) {
				t.Fatalf("%s: readiness uncompressed: %d, Content-Encoding %q, ETag %s (compressed %s), Content-Length %s, or another body",
					s.name, code, h.Get("Content-Encoding"), h.Get("ETag"), etag, h.Get("Content-Length"))
			}
			continue
		}
		if code != http.StatusOK || h.Get("Content-Encoding") != enc || h.Get("ETag") != "W/"+strings.TrimPrefix(etag, "W/") ||
			h.Get("Content-Length") != strconv.Itoa(len(zipped)) {
			t.Fatalf("%s: readiness in %s: %d, Content-Encoding %q, ETag %s (identity %s), Content-Length %s of %d bytes",
				s.name, enc, code, h.Get("Content-Encoding"), h.Get("ETag"), etag, h.Get("Content-Length"), len(zipped))
		}
		var r io.Reader = brotli.NewReader(bytes.NewReader(zipped))
		if enc == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(zipped))
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		}
		if plain, err := io.ReadAll(r); err != nil || !bytes.Equal(plain, ref.body) {
			t.Fatalf("%s: readiness in %s decodes to another body (%v)", s.name, enc, err)
		}
		if code, _, _ := s.do(t, "GET", path, w.token, nil, "Accept-Encoding", enc, "If-None-Match", h.Get("ETag")); code != http.StatusNotModified {
			t.Fatalf("%s: If-None-Match of the %s ETag answered %d", s.name, enc, code)
		}
	}

	// The dashboard, from the same scored readiness.
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/f/%d", s.srv.URL, w.fid), nil)
	req.AddCookie(&http.Cookie{Name: core.SessionCookie, Value: w.token})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: dashboard %d", s.name, resp.StatusCode)
	}
	var want []string
	rep := ref.rep
	if ref.evidence == 0 && rep.TDDProposed == 0 {
		want = append(want, `data-started="0"`)
	} else {
		want = append(want, fmt.Sprintf(`data-status="%s"`, rep.Status))
		// The unmet requirements, most urgent first, the first 20 shown.
		count := map[string]int{"expiring": ref.expiring}
		total := ref.expiring
		for e := range rep.Elements() {
			for _, r := range e.Requirements {
				if p := r.Problem(); p != "" {
					count[p]++
					total++
				}
			}
		}
		left := 20
		for _, kind := range []string{"rejected", "expired", "expiring", "incomplete", "missing"} {
			shown := min(count[kind], left)
			left -= shown
			if n := strings.Count(string(page), `<li><span class="badge `+kind+`">`); n != shown {
				t.Errorf("%s: dashboard lists %d %s, want %d", s.name, n, kind, shown)
			}
		}
		if total > 20 {
			want = append(want, fmt.Sprintf("Dan %d lainnya", total-20))
		}
	}
	var score, maxScore int
	for _, b := range rep.Bab {
		if b.Assessed {
			score, maxScore = score+b.Score, maxScore+b.Max
		}
	}
	overall := 0.0
	if maxScore > 0 {
		overall = float64(score) / float64(maxScore) * 100
	}
	want = append(want, fmt.Sprintf("Capaian %.1f%% dari %d EP", overall, len(slicesOf(rep))))
	wants(t, s.name+" dashboard", string(page), want...)
}

func slicesOf(rep readiness.Report) []string {
	var out []string
	for e := range rep.Elements() {
		out = append(out, e.ID)
	}
	return out
}

// TestReadinessCacheStaysTrue changes every kind of readiness input, one
// at a time, through one of two app servers sharing a database (each with
// its own in-memory readiness cache), and after each change reads the
// readiness (JSON, ETag, If-None-Match) and the dashboard from both: each
// must show the facility as it is now, computed the plain way from the
// rows. Time alone changes readiness too (evidence expires, comes within
// 30 days of expiring), and a catalogue activated is used by a server
// started after it, with what is stored.
func TestReadinessCacheStaysTrue(t *testing.T) {
	inCacheWorlds(t, func(t *testing.T, w *cacheWorld) {
		ctx := context.Background()
		cat := criteria.MustBuiltin()
		a, b := w.server("server A", cat), w.server("server B", cat)
		if err := a.app.Auth.Bootstrap(ctx, adminEmail, adminPassword); err != nil {
			t.Fatal(err)
		}
		// Signs in again: a session ends when the clock moves on.
		signIn := func() {
			var login struct{ Token string }
			json.Unmarshal(a.json(t, "POST", "/api/v1/auth/login", "", map[string]string{"email": adminEmail, "password": adminPassword}, http.StatusOK), &login)
			w.token = login.Token
		}
		signIn()
		a.json(t, "POST", "/api/v1/provinces", w.token, map[string]string{"code": "32", "name": "Jawa Barat"}, http.StatusCreated)
		a.json(t, "POST", "/api/v1/districts", w.token, map[string]string{"code": districtA, "name": "Kota Cimahi", "province": "32"}, http.StatusCreated)
		var f bukti.Facility
		json.Unmarshal(b.json(t, "POST", "/api/v1/facilities", w.token, map[string]string{"code": "P3277010101", "name": "Puskesmas Uji", "district": districtA}, http.StatusCreated), &f)
		w.fid = f.ID
		servers := []*cacheServer{a, b}

		var (
			today   = "2026-03-10" // expires tomorrow
			soon    = "2026-03-20" // expiring soon
			later   = "2026-04-24" // comes within 30 days on 25 March
			target  []bukti.Evidence
			linked  []bukti.Evidence
			element = "2.1.2/a"
		)
		steps := []struct {
			name   string
			change func(via *cacheServer)
			same   bool // readiness unchanged
		}{
			{"nothing yet", func(*cacheServer) {}, true},
			{"upload", func(via *cacheServer) {
				via.upload(t, w.token, w.fid, today, "2.1.2/a/R1")
				target = via.upload(t, w.token, w.fid, soon, "2.1.2/a/R2")
				via.upload(t, w.token, w.fid, later, "2.1.2/a/R3")
			}, false},
			{"read again", func(*cacheServer) {}, true},
			{"link: one file to two requirements", func(via *cacheServer) {
				linked = via.upload(t, w.token, w.fid, "", "2.1.2/a/D1", "2.1.2/c/D1")
			}, false},
			{"surveyor's review rejects", func(via *cacheServer) {
				ev := via.app.Evidence
				err := ev.Run(ctx, nil, func(tx *sqlstore.Tx) error {
					_, err := ev.SetVerdict(tx, w.fid, target[0].ID, 1, evidence.Verdict{Review: bukti.ReviewRejected, Note: "Tidak sah"})
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}, false},
			{"new revision of the rejected evidence", func(via *cacheServer) {
				body, ct := multipartBody(file("revisi.pdf", testenv.PDF("revisi")))
				if code, _, out := via.do(t, "POST", fmt.Sprintf("/api/v1/evidence/%d/revisions", target[0].ID), w.token, bytes.NewReader(body), "Content-Type", ct); code != http.StatusCreated {
					t.Fatalf("revision: %d %s", code, out)
				}
			}, false},
			{"valid-until moved into the past", func(via *cacheServer) {
				via.json(t, "PATCH", fmt.Sprintf("/api/v1/evidence/%d", linked[1].ID), w.token, map[string]string{"title": "Dokumen", "valid_until": "2026-03-01"}, http.StatusOK)
			}, false},
			{"delete", func(via *cacheServer) {
				if code, _, out := via.do(t, "DELETE", fmt.Sprintf("/api/v1/evidence/%d", linked[0].ID), w.token, nil); code != http.StatusNoContent {
					t.Fatalf("delete: %d %s", code, out)
				}
			}, false},
			{"TDD", func(via *cacheServer) {
				via.json(t, "PUT", fmt.Sprintf("/api/v1/facilities/%d/not-applicable", w.fid), w.token, map[string]string{"element": element, "reason": "Tidak ada kegiatan ini di wilayah kerja."}, http.StatusOK)
			}, false},
			{"TDD reason reworded", func(via *cacheServer) {
				via.json(t, "PUT", fmt.Sprintf("/api/v1/facilities/%d/not-applicable", w.fid), w.token, map[string]string{"element": element, "reason": "Kegiatan ini tidak ada di wilayah kerja kami."}, http.StatusOK)
			}, false},
			{"TDD cleared", func(via *cacheServer) {
				if code, _, out := via.do(t, "DELETE", fmt.Sprintf("/api/v1/facilities/%d/not-applicable?element=%s", w.fid, element), w.token, nil); code != http.StatusNoContent {
					t.Fatalf("clear TDD: %d %s", code, out)
				}
			}, false},
			{"interviewee named", func(via *cacheServer) {
				via.json(t, "PUT", fmt.Sprintf("/api/v1/facilities/%d/interviewees", w.fid), w.token, map[string]string{"requirement": "2.1.2/a/W1", "role": "Kepala Puskesmas", "name": "Ibu Sari"}, http.StatusOK)
			}, false},
			{"an hour later", func(*cacheServer) { w.setClock(w.clock().Add(time.Hour)) }, true},
			{"next day: evidence valid until yesterday expired", func(*cacheServer) {
				w.setClock(time.Date(2026, time.March, 11, 0, 0, 1, 0, wib))
				signIn()
			}, false},
			{"25 March: other evidence within 30 days of its date", func(*cacheServer) {
				w.setClock(time.Date(2026, time.March, 25, 0, 0, 1, 0, wib))
				signIn()
			}, false},
		}
		for i, st := range steps {
			via := servers[i%2]
			t.Logf("step %q through %s", st.name, via.name)
			st.change(via)
			ref := w.reference(a.db, cat)
			for _, s := range servers {
				w.check(t, s, ref, !st.same)
			}
			if t.Failed() {
				t.Fatalf("after %q (through %s)", st.name, via.name)
			}
		}

		// A catalogue version activated is used from the next start:
		// a server started after it scores the stored evidence on it,
		// while those started before keep theirs.
		full, err := demo.FullStandard()
		if err != nil {
			t.Fatal(err)
		}
		v, err := a.app.Standard.Save(ctx, full, "uji", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.app.Standard.Activate(ctx, v.ID, true, nil); err != nil {
			t.Fatal(err)
		}
		active, err := app.ActiveCatalogue(ctx, sqlstore.New(a.db, nil))
		if err != nil || active.Version != demo.FullStandardVersion {
			t.Fatalf("active catalogue %v, %v", active, err)
		}
		c := w.server("server C, started after the activation", active)
		for _, s := range servers {
			w.check(t, s, w.reference(a.db, cat), false)
		}
		w.check(t, c, w.reference(a.db, active), true)
		if !strings.HasSuffix(w.reference(a.db, active).rep.Catalogue, demo.FullStandardVersion) {
			t.Fatal("the reference does not score on the activated catalogue")
		}
		c.upload(t, w.token, w.fid, "", "2.1.2/a/R1")
		for _, s := range servers {
			w.check(t, s, w.reference(a.db, cat), true)
		}
		w.check(t, c, w.reference(a.db, active), true)
	})
}
