package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/app"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/pkg/web"
	"github.com/bukti-id/bukti/storage"
	"github.com/bukti-id/bukti/ui"
)

// integrityStatus is the JSON of GET /api/v1/admin/integrity.
type integrityStatus struct {
	Fsck  *sqlstore.IntegrityRun `json:"fsck"`
	Scrub struct {
		Enabled    bool                   `json:"enabled"`
		TotalFiles int64                  `json:"total_files"`
		LastRun    *sqlstore.IntegrityRun `json:"last_run"`
	} `json:"scrub"`
	Damaged    []sqlstore.DamagedBlob `json:"damaged"`
	Facilities []struct {
		FacilityID   int64                   `json:"facility_id"`
		FacilityName string                  `json:"facility_name"`
		Files        []sqlstore.AffectedFile `json:"files"`
	} `json:"facilities"`
}

// TestIntegrityAdminOnly: the integrity endpoint and page answer admins
// only (403 for the others), and say every file is intact when nothing
// was found; the settings page links the page.
func TestIntegrityAdminOnly(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P1")
	var did int64
	h.db.Model(&bukti.District{}).Where("code = ?", districtA).Pluck("id", &did)
	_, mutu := h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	_, dinkes := h.userWith("dinkes@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &did})

	var st integrityStatus
	h.expect(http.StatusOK, h.call("GET", "/api/v1/admin/integrity", nil, ""), &st)
	if st.Fsck != nil || len(st.Damaged) != 0 || len(st.Facilities) != 0 || st.Scrub.Enabled {
		t.Errorf("status of a fresh deployment: %+v", st)
	}
	for name, tok := range map[string]string{"quality team": mutu, "supervisor": dinkes} {
		r := h.call("GET", "/api/v1/admin/integrity", nil, tok)
		if code, _ := h.apiError(r); r.status != http.StatusForbidden || code != bukti.EFORBIDDEN {
			t.Errorf("%s: status %d %s, want 403", name, r.status, code)
		}
	}
	if r := h.call("GET", "/api/v1/admin/integrity", nil, "-"); r.status != http.StatusUnauthorized {
		t.Errorf("anonymous: status %d, want 401", r.status)
	}

	v := newVisitor(h)
	v.login(adminEmail, adminPassword)
	if status, _, body := v.get("/admin/integrity"); status != http.StatusOK || !strings.Contains(body, "Semua berkas utuh") ||
		!strings.Contains(body, "bukti fsck belum pernah dijalankan") {
		t.Errorf("integrity page: %d\n%s", status, body)
	}
	if _, _, body := v.get("/admin"); !strings.Contains(body, `href="/admin/integrity"`) {
		t.Error("the settings page does not link the integrity page")
	}
	m := newVisitor(h)
	m.login("mutu@puskesmas.test", "kata-sandi-pengguna-1")
	if status, _, _ := m.get("/admin/integrity"); status != http.StatusForbidden {
		t.Errorf("integrity page as the quality team: %d, want 403", status)
	}
}

// TestIntegrityCorruptBlob follows a damaged file end to end: a byte of a
// stored file changes; one scrub step, driven directly, records it;
// fsck -verify-content reports it too; the admin endpoint and page list it
// under its facility; the facility's dashboard lists it to upload again
// for its Tim Mutu and supervisor (not its viewer); a new revision takes
// it off that list, and the next scrub pass still finds the old copy
// damaged while the dashboard stays clear.
func TestIntegrityCorruptBlob(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			ctx := context.Background()
			h := newHarness(t, combo.DB, combo.Store, 10<<20)
			f := h.createFacility("P3277010101")
			var did int64
			h.db.Model(&bukti.District{}).Where("code = ?", districtA).Pluck("id", &did)
			h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
			h.userWith("dinkes@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &did})
			h.userWith("baca@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleViewer, FacilityID: &f.ID})
			pdf := testenv.PDF("SK Kepala Puskesmas tentang Tim Mutu")
			sk := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, field{name: "title", value: "SK Tim Mutu"}, file("sk.pdf", pdf))
			h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, field{name: "title", value: "SOP Rapat"}, file("sop.pdf", testenv.PDF("SOP")))

			damaged := bytes.Clone(pdf)
			damaged[len(damaged)/2] ^= 1
			h.replaceBlob(sk.SHA256, damaged)

			res, err := h.app.Integrity.ScrubStep(ctx, "test-server", 1<<30, 0)
			if err != nil || res.Completed == nil || res.Completed.Files != 2 || res.Completed.Damaged != 1 || res.Completed.Outcome != integrity.OutcomeProblems {
				t.Fatalf("scrub step: %+v, %v; want the pass complete, 1 of 2 files damaged", res, err)
			}
			rep, err := integrity.Check(ctx, h.app.DB, h.store, integrity.Options{VerifyContent: true})
			if err != nil || rep.Damaged() != 1 || rep.Problems[0].Kind != integrity.Corrupt || rep.Problems[0].SHA256 != sk.SHA256 ||
				len(rep.Affected) != 1 || rep.Affected[0].EvidenceID != sk.ID {
				t.Fatalf("fsck -verify-content: %+v, %v; want the SK corrupt", rep, err)
			}
			if _, err := h.app.Integrity.RecordCheck(ctx, rep, nil); err != nil {
				t.Fatal(err)
			}

			var st integrityStatus
			h.expect(http.StatusOK, h.call("GET", "/api/v1/admin/integrity", nil, ""), &st)
			if len(st.Damaged) != 1 || st.Damaged[0].SHA256 != sk.SHA256 || st.Damaged[0].Kind != integrity.Corrupt ||
				st.Damaged[0].Source != integrity.SourceScrub || st.Damaged[0].LastSource != integrity.SourceFsck {
				t.Errorf("damaged %+v, want the SK corrupt, found by the scrub, last seen by fsck", st.Damaged)
			}
			if len(st.Facilities) != 1 || st.Facilities[0].FacilityID != f.ID || st.Facilities[0].FacilityName != f.Name ||
				len(st.Facilities[0].Files) != 1 || st.Facilities[0].Files[0].EvidenceID != sk.ID || !st.Facilities[0].Files[0].Current {
				t.Errorf("facilities %+v, want the SK of %s", st.Facilities, f.Name)
			}
			if st.Fsck == nil || st.Fsck.Outcome != integrity.OutcomeProblems || st.Fsck.Damaged != 1 ||
				st.Scrub.LastRun == nil || st.Scrub.LastRun.Damaged != 1 || st.Scrub.TotalFiles != 2 {
				t.Errorf("runs: fsck %+v, scrub %+v", st.Fsck, st.Scrub)
			}

			admin := newVisitor(h)
			admin.login(adminEmail, adminPassword)
			_, _, page := admin.get("/admin/integrity")
			for _, want := range []string{f.Name, "SK Tim Mutu", "sk.pdf", "2.1.2/a/R1", "isi rusak", fmt.Sprintf(`data-evidence="%d"`, sk.ID)} {
				if !strings.Contains(page, want) {
					t.Errorf("the integrity page lacks %q", want)
				}
			}
			if strings.Contains(page, "Semua berkas utuh") || strings.Contains(page, "SOP Rapat") {
				t.Error("the integrity page says all is intact, or lists the intact SOP")
			}

			dashboard := fmt.Sprintf("/f/%d", f.ID)
			reqLink := fmt.Sprintf(`href="/f/%d/req?id=2.1.2/a/R1"`, f.ID)
			for _, who := range []struct {
				email string
				sees  bool
			}{{"mutu@puskesmas.test", true}, {"dinkes@puskesmas.test", true}, {adminEmail, true}, {"baca@puskesmas.test", false}} {
				v := newVisitor(h)
				password := "kata-sandi-pengguna-1"
				if who.email == adminEmail {
					password = adminPassword
				}
				v.login(who.email, password)
				status, _, body := v.get(dashboard)
				section := reuploadSection(body)
				if status != http.StatusOK || (section != "") != who.sees {
					t.Errorf("dashboard as %s: status %d, list of files to upload again shown %v, want %v", who.email, status, section != "", who.sees)
					continue
				}
				if who.sees && (!strings.Contains(section, "Berkas yang perlu diunggah ulang") || !strings.Contains(section, "SK Tim Mutu") ||
					!strings.Contains(section, reqLink) || strings.Contains(section, "SOP Rapat")) {
					t.Errorf("dashboard as %s: the list is\n%s", who.email, section)
				}
			}
			m := newVisitor(h)
			m.login("mutu@puskesmas.test", "kata-sandi-pengguna-1")
			m.get("/lang/en?next=/")
			if _, _, body := m.get(dashboard); !strings.Contains(reuploadSection(body), "Files to upload again") {
				t.Error("the list of files to upload again is not in English for an English reader")
			}

			// A new revision of the SK: off the list.
			up := h.upload(fmt.Sprintf("/api/v1/evidence/%d/revisions", sk.ID), file("sk-ulang.pdf", testenv.PDF("SK Kepala Puskesmas, diunggah ulang")))
			if up.status != http.StatusCreated {
				t.Fatalf("new revision: %d %s", up.status, up.body)
			}
			if _, _, body := m.get(dashboard); reuploadSection(body) != "" {
				t.Errorf("after a new revision the dashboard still lists\n%s", reuploadSection(body))
			}
			h.expect(http.StatusOK, h.call("GET", "/api/v1/admin/integrity", nil, ""), &st)
			if len(st.Facilities) != 1 || len(st.Facilities[0].Files) != 1 || st.Facilities[0].Files[0].Current {
				t.Errorf("after a new revision: %+v; want the old revision listed, not current", st.Facilities)
			}
		})
	}
}

// reuploadSection is the dashboard's list of files to upload again, or ""
// when the page has none.
func reuploadSection(page string) string {
	i := strings.Index(page, `id="reupload"`)
	if i < 0 {
		return ""
	}
	end := strings.Index(page[i:], "</section>")
	if end < 0 {
		return page[i:]
	}
	return page[i : i+end]
}

// TestUploadRefusedBelowMinFree: on the filesystem store, an upload while
// less space is free than BUKTI_MIN_FREE_BYTES is refused before its body
// is read: 507 with the full-store message, read by the client, by the
// API and the pages alike, nothing staged or recorded.
func TestUploadRefusedBelowMinFree(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 10<<20)
	f := h.createFacility("P1")
	ev := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("SK")))

	// The same database and blob directory, served with a minimum no
	// disk meets.
	cfg := h.storeCfg
	cfg.MinFreeBytes = 1 << 62
	full, err := storage.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := ui.Load()
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(sqlstore.New(h.db, nil), full, h.cat, app.Options{MaxUploadBytes: 10 << 20, Log: testenv.Logger(t), BcryptCost: 4, UI: pages})
	srv := httptest.NewServer(web.New(a.WebDeps()).Handler())
	t.Cleanup(srv.Close)
	h.srv = srv

	big := bytes.Repeat([]byte("x"), 6<<20) // more than a socket buffer: the client is still sending when answered
	pdf := append(testenv.PDF("SK baru"), big...)
	for _, tc := range []struct {
		name string
		path string
	}{
		{"NewEvidence", fmt.Sprintf("/api/v1/facilities/%d/evidence", f.ID)},
		{"NewRevision", fmt.Sprintf("/api/v1/evidence/%d/revisions", ev.ID)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := h.counts()
			r := h.upload(tc.path, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", pdf))
			var e struct {
				Error struct{ Code, Message, MessageEN string }
			}
			if err := json.Unmarshal(r.body, &e); err != nil || r.status != http.StatusInsufficientStorage ||
				e.Error.Code != bukti.ENOSPACE || !strings.Contains(e.Error.Message, "penuh") {
				t.Errorf("upload below the minimum free space: %d %s, want 507 insufficient_storage", r.status, r.body)
			}
			if after := h.counts(); after != before {
				t.Errorf("counts %+v after the refused upload, %+v before", after, before)
			}
		})
	}
	t.Run("Page", func(t *testing.T) {
		v := newVisitor(h)
		v.login(adminEmail, adminPassword)
		before := h.counts()
		status, _, body := v.do(h.multipartRequest(fmt.Sprintf("/f/%d/upload", f.ID),
			field{name: "csrf_token", value: v.csrf}, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", pdf)))
		if status != http.StatusInsufficientStorage || !strings.Contains(body, "Penyimpanan penuh") {
			t.Errorf("page upload below the minimum free space: %d", status)
		}
		if after := h.counts(); after != before {
			t.Errorf("counts %+v after the refused upload, %+v before", after, before)
		}
	})
}

// TestReuploadListIsCapped: when many files are lost (a store restored
// from an old backup), the dashboard lists the first 20 to upload again,
// says how many more there are, and lists them all when asked.
func TestReuploadListIsCapped(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, "sqlite", "filesystem", 10<<20)
	f := h.createFacility("P3277010101")
	h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	const files = 23
	for i := range files {
		up := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, field{name: "title", value: fmt.Sprintf("Dokumen %d", i+1)},
			file(fmt.Sprintf("dokumen-%d.pdf", i+1), testenv.PDF(fmt.Sprintf("Dokumen nomor %d", i+1))))
		key, _ := storage.Key(up.SHA256)
		if err := h.store.Delete(ctx, key); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := h.app.Integrity.ScrubStep(ctx, "test-server", 1<<30, 0); err != nil || res.Completed == nil || res.Completed.Damaged != files {
		t.Fatalf("scrub step: %+v, %v; want the pass complete with %d files missing", res, err, files)
	}
	v := newVisitor(h)
	v.login("mutu@puskesmas.test", "kata-sandi-pengguna-1")
	for _, tc := range []struct {
		name, query string
		listed      int
		more        string
	}{
		{"the first 20", "", 20, "3 berkas lain juga perlu diunggah ulang."},
		{"all when asked", "?reupload=all", files, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := v.get(fmt.Sprintf("/f/%d%s", f.ID, tc.query))
			section := reuploadSection(body)
			if status != http.StatusOK || strings.Count(section, "data-evidence=") != tc.listed {
				t.Fatalf("status %d, %d files listed, want %d", status, strings.Count(section, "data-evidence="), tc.listed)
			}
			if got := strings.Contains(section, `id="reupload-more"`); got != (tc.more != "") || !strings.Contains(section, tc.more) {
				t.Errorf("the note of files not listed: shown %v, want %q in\n%s", got, tc.more, section)
			}
		})
	}
}
