package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/readiness"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/storage"
)

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func element(t *testing.T, rep readiness.Report, id string) readiness.ElementScore {
	t.Helper()
	e, ok := rep.Element(id)
	if !ok {
		t.Fatalf("element %s not in report", id)
	}
	return e
}

func requirement(t *testing.T, e readiness.ElementScore, id string) readiness.RequirementScore {
	t.Helper()
	r, ok := e.Requirement(id)
	if !ok {
		t.Fatalf("requirement %s not in %s", id, e.ID)
	}
	return r
}

func kriteriaOf(t *testing.T, rep readiness.Report, id string) readiness.KriteriaScore {
	t.Helper()
	for _, b := range rep.Bab {
		for _, s := range b.Standar {
			for _, k := range s.Kriteria {
				if k.ID == id {
					return k
				}
			}
		}
	}
	t.Fatalf("kriteria %s not in report", id)
	return readiness.KriteriaScore{}
}

func (h *harness) readiness(facilityID int64) readiness.Report {
	h.t.Helper()
	var rep readiness.Report
	h.expect(http.StatusOK, h.call("GET", fmt.Sprintf("/api/v1/facilities/%d/readiness", facilityID), nil, ""), &rep)
	return rep
}

// TestEvidenceFlow is the foundation's acceptance flow, on SQLite with the
// filesystem store and on PostgreSQL with MinIO: create a facility, upload
// a PDF against 2.1.2/a/R1, see EP a rise, download the exact bytes, and see
// an executable named .pdf refused with nothing stored.
func TestEvidenceFlow(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			h := newHarness(t, combo.DB, combo.Store, 10<<20)
			f := h.createFacility("P3277010101")

			before := element(t, h.readiness(f.ID), "2.1.2/a")
			if before.Suggested != 0 || before.Met != 0 {
				t.Fatalf("EP a before upload: suggested %d met %d, want 0 0", before.Suggested, before.Met)
			}

			pdf := testenv.PDF("SK Kepala Puskesmas No. 440/012/PKM/2024")
			up := h.mustUpload(f.ID,
				field{name: "requirement", value: "2.1.2/a/R1"},
				field{name: "title", value: "SK Fasilitasi Pemberdayaan Masyarakat"},
				field{name: "doc_number", value: "440/012/PKM/2024"},
				field{name: "doc_revision", value: "0"},
				field{name: "issue_date", value: "2024-01-03"},
				file("sk-fasilitasi.pdf", pdf))
			if up.SHA256 != sum(pdf) || up.Size != int64(len(pdf)) || up.ContentType != "application/pdf" {
				t.Fatalf("upload = %+v, want sha %s size %d application/pdf", up, sum(pdf), len(pdf))
			}
			ev := up.Evidence[0]
			if ev.DocNumber != "440/012/PKM/2024" || ev.IssueDate == nil || ev.IssueDate.Format("2006-01-02") != "2024-01-03" || ev.Review != bukti.ReviewPending {
				t.Errorf("metadata not stored: %+v", ev)
			}

			after := element(t, h.readiness(f.ID), "2.1.2/a")
			if r1 := requirement(t, after, "2.1.2/a/R1"); !r1.Met || r1.Reason != readiness.ReasonMet {
				t.Errorf("R1 after upload = %+v, want met", r1)
			}
			if after.Met != 1 || after.Suggested != 5 || after.Fraction <= before.Fraction {
				t.Errorf("EP a after upload: met %d suggested %d fraction %v, want 1, 5, > %v", after.Met, after.Suggested, after.Fraction, before.Fraction)
			}

			got := h.call("GET", fmt.Sprintf("/api/v1/evidence/%d/content", up.ID), nil, "")
			if got.status != http.StatusOK || sum(got.body) != sum(pdf) {
				t.Fatalf("download: status %d sha %s, want 200 %s", got.status, sum(got.body), sum(pdf))
			}
			for k, want := range map[string]string{
				"Content-Type":           "application/pdf",
				"X-Content-Type-Options": "nosniff",
				"Content-Disposition":    "inline; filename*=UTF-8''sk-fasilitasi.pdf",
			} {
				if g := got.header.Get(k); g != want {
					t.Errorf("download header %s = %q, want %q", k, g, want)
				}
			}
			if csp := got.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'self'") {
				t.Errorf("PDF download CSP %q", csp)
			}
			photo := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/D2"}, file("kesepakatan.jpg", testenv.JPEG(1)))
			if csp := h.call("GET", fmt.Sprintf("/api/v1/evidence/%d/content", photo.ID), nil, "").header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox;") {
				t.Errorf("photo CSP %q does not sandbox", csp)
			}

			exe := testenv.Executable(t)
			c0 := h.counts()
			bad := h.upload(fmt.Sprintf("/api/v1/facilities/%d/evidence", f.ID),
				field{name: "requirement", value: "2.1.2/a/R2"}, file("sop.pdf", exe))
			if bad.status != http.StatusUnsupportedMediaType {
				t.Fatalf("executable as .pdf: status %d, want 415; %s", bad.status, bad.body)
			}
			if code, msg := h.apiError(bad); code != bukti.EUNSUPPORTED || !strings.Contains(msg, "tidak diizinkan") {
				t.Errorf("executable error = %s %q", code, msg)
			}
			if c1 := h.counts(); c1 != c0 {
				t.Errorf("refused upload changed state: %+v → %+v", c0, c1)
			}
			key, _ := storage.Key(sum(exe))
			if _, err := h.store.Size(context.Background(), key); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("refused executable is in the store: %v", err)
			}
		})
	}
}

// TestEvidenceLifecycle covers revisions, linking one file to two
// requirements, metadata edits, soft delete, TDD and interviewees.
func TestEvidenceLifecycle(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			h := newHarness(t, combo.DB, combo.Store, 10<<20)
			f := h.createFacility("P3277010102")
			base := fmt.Sprintf("/api/v1/facilities/%d", f.ID)

			t.Run("one file linked to two requirements", func(t *testing.T) {
				rpk := testenv.PDF("RPK 2024")
				up := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/D1"}, field{name: "requirement", value: "2.1.2/b/D2"},
					field{name: "title", value: "RPK UKM 2024"}, file("rpk.pdf", rpk))
				if len(up.Evidence) != 2 || up.Evidence[0].RequirementID != "2.1.2/a/D1" || up.Evidence[1].RequirementID != "2.1.2/b/D2" {
					t.Fatalf("linked upload made %+v", up.Evidence)
				}
				if up.Evidence[0].Revisions[0].SHA256 != up.Evidence[1].Revisions[0].SHA256 {
					t.Error("linked records do not share the blob")
				}
				rep := h.readiness(f.ID)
				if !requirement(t, element(t, rep, "2.1.2/a"), "2.1.2/a/D1").Met || !requirement(t, element(t, rep, "2.1.2/b"), "2.1.2/b/D2").Met {
					t.Error("linked file does not satisfy both requirements")
				}
			})

			t.Run("revisions keep every version", func(t *testing.T) {
				v1, v2 := testenv.PDF("SOP rev 0"), testenv.PDF("SOP rev 1")
				up := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R2"}, file("sop.pdf", v1))
				var ev bukti.Evidence
				h.expect(http.StatusCreated, h.upload(fmt.Sprintf("/api/v1/evidence/%d/revisions", up.ID), file("sop-rev1.pdf", v2)), &ev)
				if len(ev.Revisions) != 2 || ev.Revisions[1].Number != 2 || ev.Revisions[1].SHA256 != sum(v2) {
					t.Fatalf("revisions = %+v", ev.Revisions)
				}
				for rev, want := range map[string][]byte{"": v2, "?revision=1": v1, "?revision=2": v2} {
					got := h.call("GET", fmt.Sprintf("/api/v1/evidence/%d/content%s", up.ID, rev), nil, "")
					if got.status != http.StatusOK || sum(got.body) != sum(want) {
						t.Errorf("content%s: status %d, wrong bytes", rev, got.status)
					}
				}
				r := h.call("GET", fmt.Sprintf("/api/v1/evidence/%d/content?revision=3", up.ID), nil, "")
				if r.status != http.StatusNotFound {
					t.Errorf("missing revision: status %d, want 404", r.status)
				}
			})

			t.Run("metadata edit", func(t *testing.T) {
				up := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R3"}, file("kak.pdf", testenv.PDF("KAK")))
				var ev bukti.Evidence
				h.expect(http.StatusOK, h.call("PATCH", fmt.Sprintf("/api/v1/evidence/%d", up.ID), map[string]string{
					"title": "KAK Fasilitasi Pemberdayaan", "doc_number": "KAK/01/2024", "issue_date": "2024-02-01", "valid_until": "2029-02-01"}, ""), &ev)
				if ev.Title != "KAK Fasilitasi Pemberdayaan" || ev.ValidUntil == nil {
					t.Errorf("patched evidence = %+v", ev)
				}
				r := h.call("PATCH", fmt.Sprintf("/api/v1/evidence/%d", up.ID), map[string]string{"title": "x", "issue_date": "2024-02-01", "valid_until": "2023-01-01"}, "")
				if r.status != http.StatusBadRequest {
					t.Errorf("valid_until before issue_date: status %d, want 400", r.status)
				}
				h.expect(http.StatusOK, h.call("GET", fmt.Sprintf("/api/v1/evidence/%d", up.ID), nil, ""), &ev)
				if ev.Title != "KAK Fasilitasi Pemberdayaan" {
					t.Errorf("refused edit changed the title to %q", ev.Title)
				}
			})

			t.Run("soft delete keeps the bytes", func(t *testing.T) {
				data := testenv.PNG(7)
				up := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/c/D1"}, file("evaluasi.png", data))
				h.expect(http.StatusNoContent, h.call("DELETE", fmt.Sprintf("/api/v1/evidence/%d", up.ID), nil, ""), nil)
				for _, path := range []string{"", "/content"} {
					if r := h.call("GET", fmt.Sprintf("/api/v1/evidence/%d%s", up.ID, path), nil, ""); r.status != http.StatusNotFound {
						t.Errorf("GET deleted%s: status %d, want 404", path, r.status)
					}
				}
				if r := h.call("DELETE", fmt.Sprintf("/api/v1/evidence/%d", up.ID), nil, ""); r.status != http.StatusNotFound {
					t.Errorf("second delete: status %d, want 404", r.status)
				}
				var list struct{ Evidence []bukti.Evidence }
				h.expect(http.StatusOK, h.call("GET", base+"/evidence?requirement=2.1.2/c/D1", nil, ""), &list)
				if len(list.Evidence) != 0 {
					t.Errorf("deleted evidence still listed: %+v", list.Evidence)
				}
				if requirement(t, element(t, h.readiness(f.ID), "2.1.2/c"), "2.1.2/c/D1").Met {
					t.Error("deleted evidence still counts")
				}
				key, _ := storage.Key(sum(data))
				if _, err := h.store.Size(context.Background(), key); err != nil {
					t.Errorf("blob of soft-deleted evidence is gone: %v", err)
				}
				var row bukti.Evidence
				if err := h.db.First(&row, up.ID).Error; err != nil || row.DeletedAt == nil || row.DeletedBy == nil {
					t.Errorf("soft-deleted row = %+v, %v", row, err)
				}
				var audits int64
				h.db.Model(&bukti.AuditEntry{}).Where("action = ? AND object_id = ?", "evidence.delete", fmt.Sprint(up.ID)).Count(&audits)
				if audits != 1 {
					t.Errorf("delete audit rows = %d, want 1", audits)
				}
			})

			t.Run("TDD leaves the score", func(t *testing.T) {
				h.expect(http.StatusOK, h.call("PUT", base+"/not-applicable", map[string]string{"element": "2.1.2/c", "reason": "Belum ada kegiatan pemberdayaan yang dievaluasi tahun ini"}, ""), nil)
				rep := h.readiness(f.ID)
				if c := element(t, rep, "2.1.2/c"); !c.TDD {
					t.Errorf("EP c not TDD: %+v", c)
				}
				if k := kriteriaOf(t, rep, "2.1.2"); k.Applicable != 2 || k.Max != 20 {
					t.Errorf("kriteria with one TDD: applicable %d max %d, want 2 20", k.Applicable, k.Max)
				}
				// The TDD mark is a proposal: the report also projects the
				// status should the surveyors refuse it.
				if rep.TDDProposed != 1 || rep.WithoutTDD == nil || rep.WithoutTDD.Status == "" {
					t.Errorf("TDD proposals %d, projection without them %+v; want 1 and a status", rep.TDDProposed, rep.WithoutTDD)
				}
				for _, bad := range []map[string]string{
					{"element": "2.1.2/z", "reason": "alasan yang cukup panjang"},
					{"element": "2.1.2/b", "reason": "pendek"},
				} {
					if r := h.call("PUT", base+"/not-applicable", bad, ""); r.status != http.StatusBadRequest {
						t.Errorf("TDD %v: status %d, want 400", bad, r.status)
					}
				}
				h.expect(http.StatusNoContent, h.call("DELETE", base+"/not-applicable?element=2.1.2/c", nil, ""), nil)
				if r := h.call("DELETE", base+"/not-applicable?element=2.1.2/c", nil, ""); r.status != http.StatusNotFound {
					t.Errorf("clearing TDD twice: status %d, want 404", r.status)
				}
			})

			t.Run("interviewees satisfy W items", func(t *testing.T) {
				before := element(t, h.readiness(f.ID), "2.1.2/a")
				roles := []string{"Kepala Puskesmas", "Penanggung jawab UKM", "Koordinator Pelayanan UKM", "Pelaksana pelayanan UKM", "Masyarakat"}
				for i, role := range roles {
					h.expect(http.StatusOK, h.call("PUT", base+"/interviewees", map[string]string{"requirement": "2.1.2/a/W1", "role": role, "name": fmt.Sprintf("Petugas %d", i)}, ""), nil)
				}
				after := element(t, h.readiness(f.ID), "2.1.2/a")
				if w := requirement(t, after, "2.1.2/a/W1"); !w.Met || w.Counted || w.Reason != readiness.ReasonInterview {
					t.Errorf("W1 with every role named = %+v, want met as interview preparation, not counted", w)
				}
				// Interview preparation is its own check: no score changes.
				if after.Interview != (readiness.Interview{Named: 5, Roles: 5}) || after.Suggested != before.Suggested || after.Met != before.Met {
					t.Errorf("EP a after naming every interviewee: interview %+v, suggested %d, met %d; want 5 of 5 named, %d, %d as before",
						after.Interview, after.Suggested, after.Met, before.Suggested, before.Met)
				}
				for _, bad := range []map[string]string{
					{"requirement": "2.1.2/a/W1", "role": "Bupati", "name": "X"},
					{"requirement": "2.1.2/a/R1", "role": "Kepala Puskesmas", "name": "X"},
					{"requirement": "2.1.2/a/W1", "role": "Kepala Puskesmas", "name": "  "},
				} {
					if r := h.call("PUT", base+"/interviewees", bad, ""); r.status != http.StatusBadRequest {
						t.Errorf("interviewee %v: status %d, want 400", bad, r.status)
					}
				}
			})
		})
	}
}

// TestUploadRejections sends every kind of bad upload and checks the status,
// the error code, and that nothing was stored.
func TestUploadRejections(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			const limit = 256 << 10
			h := newHarness(t, combo.DB, combo.Store, limit)
			f := h.createFacility("P3277010103")
			path := fmt.Sprintf("/api/v1/facilities/%d/evidence", f.ID)
			req := func(id string) field { return field{name: "requirement", value: id} }
			big := append(testenv.PDF("besar"), make([]byte, limit)...)

			cases := []struct {
				name   string
				path   string
				fields []field
				status int
				code   string
			}{
				{"executable named .pdf", path, []field{req("2.1.2/a/R1"), file("sk.pdf", testenv.Executable(t))}, 415, bukti.EUNSUPPORTED},
				{"html", path, []field{req("2.1.2/a/R1"), file("sk.pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"))}, 415, bukti.EUNSUPPORTED},
				{"svg", path, []field{req("2.1.2/a/R1"), file("foto.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))}, 415, bukti.EUNSUPPORTED},
				{"zip archive", path, []field{req("2.1.2/a/R1"), file("arsip.docx", testenv.ZIP())}, 415, bukti.EUNSUPPORTED},
				{"shell script", path, []field{req("2.1.2/a/R1"), file("sop.doc", []byte("#!/bin/sh\nrm -rf /\n"))}, 415, bukti.EUNSUPPORTED},
				{"plain text", path, []field{req("2.1.2/a/R1"), file("sop.pdf", []byte("hanya teks"))}, 415, bukti.EUNSUPPORTED},
				{"empty file", path, []field{req("2.1.2/a/R1"), file("kosong.pdf", nil)}, 400, bukti.EINVALID},
				{"over the limit", path, []field{req("2.1.2/a/R1"), file("besar.pdf", big)}, 413, bukti.ETOOLARGE},
				{"no file", path, []field{req("2.1.2/a/R1")}, 400, bukti.EINVALID},
				{"two files", path, []field{req("2.1.2/a/R1"), file("a.pdf", testenv.PDF("a")), file("b.pdf", testenv.PDF("b"))}, 400, bukti.EINVALID},
				{"no requirement", path, []field{file("sk.pdf", testenv.PDF("x"))}, 400, bukti.EINVALID},
				{"unknown requirement", path, []field{req("9.9.9/a/R1"), file("sk.pdf", testenv.PDF("x"))}, 400, bukti.EINVALID},
				{"unknown requirement after the file", path, []field{file("sk.pdf", testenv.PDF("late")), req("2.1.2/a/R9")}, 400, bukti.EINVALID},
				{"interview item takes no file", path, []field{req("2.1.2/a/W1"), file("sk.pdf", testenv.PDF("x"))}, 400, bukti.EINVALID},
				{"stage on a requirement without stages", path, []field{req("2.1.2/a/R1"), {name: "stage", value: "perencanaan"}, file("sk.pdf", testenv.PDF("x"))}, 400, bukti.EINVALID},
				{"missing stage and part", path, []field{req("2.1.2/b/D3"), file("notulen.pdf", testenv.PDF("x"))}, 400, bukti.EINVALID},
				{"unknown part", path, []field{req("2.1.2/b/D3"), {name: "stage", value: "perencanaan"}, {name: "part", value: "video"}, file("n.pdf", testenv.PDF("x"))}, 400, bukti.EINVALID},
				{"bad date", path, []field{req("2.1.2/a/R1"), {name: "issue_date", value: "03/01/2024"}, file("sk.pdf", testenv.PDF("x"))}, 400, bukti.EINVALID},
				{"valid_until before issue_date", path, []field{req("2.1.2/a/R1"), {name: "issue_date", value: "2024-01-03"}, {name: "valid_until", value: "2023-01-03"}, file("sk.pdf", testenv.PDF("x"))}, 400, bukti.EINVALID},
				{"title too long", path, []field{req("2.1.2/a/R1"), {name: "title", value: strings.Repeat("j", 301)}, file("sk.pdf", testenv.PDF("x"))}, 400, bukti.EINVALID},
				{"unknown facility", "/api/v1/facilities/9999/evidence", []field{req("2.1.2/a/R1"), file("sk.pdf", testenv.PDF("x"))}, 404, bukti.ENOTFOUND},
				{"facility id not a number", "/api/v1/facilities/abc/evidence", []field{req("2.1.2/a/R1"), file("sk.pdf", testenv.PDF("x"))}, 400, bukti.EINVALID},
				{"revision of unknown evidence", "/api/v1/evidence/9999/revisions", []field{file("sk.pdf", testenv.PDF("x"))}, 404, bukti.ENOTFOUND},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					before := h.counts()
					r := h.upload(tc.path, tc.fields...)
					if r.status != tc.status {
						t.Fatalf("status %d, want %d; %s", r.status, tc.status, r.body)
					}
					if code, _ := h.apiError(r); code != tc.code {
						t.Errorf("code %q, want %q", code, tc.code)
					}
					if after := h.counts(); after != before {
						t.Errorf("refused upload changed state: %+v → %+v", before, after)
					}
				})
			}

			t.Run("not multipart", func(t *testing.T) {
				r := h.call("POST", path, `{"requirement":"2.1.2/a/R1"}`, "")
				if r.status != http.StatusBadRequest {
					t.Errorf("status %d, want 400", r.status)
				}
			})
			t.Run("refused blobs are not stored", func(t *testing.T) {
				for _, data := range [][]byte{testenv.PDF("late"), testenv.PDF("x"), big} {
					key, _ := storage.Key(sum(data))
					if _, err := h.store.Size(context.Background(), key); !errors.Is(err, storage.ErrNotFound) {
						t.Errorf("blob of a refused upload exists (%v)", err)
					}
				}
			})
		})
	}
}

// TestAPIErrors covers authentication and the JSON error shape.
func TestAPIErrors(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	cases := []struct {
		name, method, path string
		body               any
		token              string
		status             int
		code               string
	}{
		{"no token", "GET", "/api/v1/catalogue", nil, "-", 401, bukti.EUNAUTHORIZED},
		{"bad token", "GET", "/api/v1/facilities", nil, "bukan-token", 401, bukti.EUNAUTHORIZED},
		{"wrong password", "POST", "/api/v1/auth/login", map[string]string{"email": adminEmail, "password": "salah-sandi-12345"}, "-", 401, bukti.EUNAUTHORIZED},
		{"unknown user", "POST", "/api/v1/auth/login", map[string]string{"email": "siapa@puskesmas.test", "password": "salah-sandi-12345"}, "-", 401, bukti.EUNAUTHORIZED},
		{"login not JSON", "POST", "/api/v1/auth/login", "email=a", "-", 400, bukti.EINVALID},
		{"login unknown field", "POST", "/api/v1/auth/login", map[string]string{"mail": adminEmail, "password": adminPassword}, "-", 400, bukti.EINVALID},
		{"unknown route", "GET", "/api/v1/tidak-ada", nil, "", 404, bukti.ENOTFOUND},
		{"unknown kriteria", "GET", "/api/v1/criteria/9.9.9", nil, "", 404, bukti.ENOTFOUND},
		{"unknown facility", "GET", "/api/v1/facilities/4242", nil, "", 404, bukti.ENOTFOUND},
		{"facility without code", "POST", "/api/v1/facilities", map[string]string{"name": "Puskesmas A", "district": districtA}, "", 400, bukti.EINVALID},
		{"facility code with spaces", "POST", "/api/v1/facilities", map[string]string{"code": "P 1", "name": "Puskesmas A", "district": districtA}, "", 400, bukti.EINVALID},
		{"facility without district", "POST", "/api/v1/facilities", map[string]string{"code": "P1", "name": "Puskesmas A"}, "", 400, bukti.EINVALID},
		{"facility in unknown district", "POST", "/api/v1/facilities", map[string]string{"code": "P1", "name": "Puskesmas A", "district": "9999"}, "", 400, bukti.EINVALID},
		{"evidence id not a number", "GET", "/api/v1/evidence/x", nil, "", 400, bukti.EINVALID},
		{"bad revision number", "GET", "/api/v1/evidence/1/content?revision=-1", nil, "", 400, bukti.EINVALID},
		{"patch unknown evidence", "PATCH", "/api/v1/evidence/777", map[string]string{"title": "x"}, "", 404, bukti.ENOTFOUND},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.call(tc.method, tc.path, tc.body, tc.token)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d; %s", r.status, tc.status, r.body)
			}
			if code, _ := h.apiError(r); code != tc.code {
				t.Errorf("code %q, want %q", code, tc.code)
			}
		})
	}

	t.Run("duplicate facility code", func(t *testing.T) {
		h.createFacility("P1")
		r := h.call("POST", "/api/v1/facilities", map[string]string{"code": "P1", "name": "Lain", "district": districtB}, "")
		if r.status != http.StatusConflict {
			t.Fatalf("status %d, want 409", r.status)
		}
	})
	t.Run("healthz is open", func(t *testing.T) {
		if r := h.call("GET", "/healthz", nil, "-"); r.status != http.StatusOK {
			t.Errorf("status %d", r.status)
		}
	})
	t.Run("logout ends the session", func(t *testing.T) {
		tok := h.login(adminEmail, adminPassword)
		h.expect(http.StatusOK, h.call("GET", "/api/v1/auth/me", nil, tok), nil)
		h.expect(http.StatusNoContent, h.call("POST", "/api/v1/auth/logout", nil, tok), nil)
		if r := h.call("GET", "/api/v1/auth/me", nil, tok); r.status != http.StatusUnauthorized {
			t.Errorf("after logout: status %d, want 401", r.status)
		}
	})
	t.Run("catalogue and kriteria", func(t *testing.T) {
		var k struct {
			ID       string
			Bab      string
			Elements []struct{ ID string }
		}
		h.expect(http.StatusOK, h.call("GET", "/api/v1/criteria/2.1.2", nil, ""), &k)
		var ids []string
		for _, e := range k.Elements {
			ids = append(ids, e.ID)
		}
		if k.ID != "2.1.2" || k.Bab != "II" || !slices.Equal(ids, []string{"2.1.2/a", "2.1.2/b", "2.1.2/c"}) {
			t.Errorf("kriteria = %+v", k)
		}
		var c struct {
			Counts struct{ Elements, Requirements int }
		}
		h.expect(http.StatusOK, h.call("GET", "/api/v1/catalogue", nil, ""), &c)
		if c.Counts.Elements != 328 || c.Counts.Requirements != 1096 {
			t.Errorf("catalogue counts = %+v", c.Counts)
		}
	})
}
