package web_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// narrative is a facts or recommendation text long enough for the
// national instrument.
func narrative(s string) string { return s + " — dicatat saat survei akreditasi." }

// TestSurveyVisitAPI runs a whole visit through the JSON API on 2.1.2: plan
// with two surveyors, self-assess, submit (snapshot), review with one
// rejection, re-upload and re-review, score by both, reconcile the
// disagreement, finalize, edit the PPS, export the report; then checks
// that a final survey refuses every change and that bad input is refused.
func TestSurveyVisitAPI(t *testing.T) {
	for _, combo := range testenv.Combos {
		t.Run(testenv.Name(combo.DB, combo.Store), func(t *testing.T) {
			h := newHarnessOn(t, combo.DB, combo.Store, 1<<20, kriteria212(t))
			f := h.createFacility("PSV")
			qualityID, quality := h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
			s1, tok1 := h.userWith("ketua@surveior.test", bukti.RoleBinding{})
			s2, tok2 := h.userWith("anggota@surveior.test", bukti.RoleBinding{})
			s3, tok3 := h.userWith("lain@surveior.test", bukti.RoleBinding{})

			var adminID int64
			h.db.Model(&bukti.User{}).Where("email = ?", adminEmail).Pluck("id", &adminID)
			for name, team := range map[string][]int64{"the planner": {adminID}, "the facility's quality team": {s1, qualityID}} {
				r := h.call("POST", "/api/v1/surveys", map[string]any{"facility_id": f.ID, "type": "initial", "surveyors": team}, "")
				if r.status != http.StatusBadRequest {
					t.Errorf("%s as surveyor: status %d, want 400", name, r.status)
				}
			}
			var sv bukti.Survey
			h.expect(http.StatusCreated, h.call("POST", "/api/v1/surveys", map[string]any{"facility_id": f.ID, "type": "initial", "mode": "hybrid",
				"start_date": "2026-12-07", "end_date": "2026-12-08", "surveyors": []int64{s1, s2}, "lead": s1}, ""), &sv)
			var other bukti.Survey
			h.expect(http.StatusCreated, h.call("POST", "/api/v1/surveys", map[string]any{"facility_id": f.ID, "type": "upgrade", "surveyors": []int64{s3}}, ""), &other)
			if r := h.call("GET", fmt.Sprintf("/api/v1/surveys/%d/pack.zip", other.ID), nil, tok3); r.status != http.StatusConflict || r.header.Get("Content-Disposition") != "" {
				t.Errorf("pack before the snapshot: %d %q", r.status, r.header.Get("Content-Disposition"))
			}
			path := func(p string) string { return fmt.Sprintf("/api/v1/surveys/%d%s", sv.ID, p) }
			overviewAs := func(token string) survey.Overview {
				var ov survey.Overview
				h.expect(http.StatusOK, h.call("GET", path("/overview"), nil, token), &ov)
				return ov
			}
			overview := func() survey.Overview { return overviewAs(tok1) }

			sk := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("sk pemberdayaan")))
			h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R2"}, file("sop.pdf", testenv.PDF("sop")))

			self := map[string]any{"scores": []survey.SelfScore{
				{Element: "2.1.2/a", Score: "10", Justification: "SK, SOP dan KAK lengkap."},
				{Element: "2.1.2/b", Score: "5", Justification: "Baru tahap perencanaan yang lengkap."},
				{Element: "2.1.2/c", Score: "TDD", Justification: "Belum ada kegiatan yang dievaluasi."},
			}}
			h.expect(http.StatusForbidden, h.call("PUT", path("/self-assessment"), self, tok1), nil)
			h.expect(http.StatusOK, h.call("PUT", path("/self-assessment"), self, quality), nil)
			h.expect(http.StatusOK, h.call("POST", path("/submit"), nil, quality), nil)
			ov := overview()
			if ov.Survey.State != bukti.SurveyInReview || len(ov.Items) != 2 {
				t.Fatalf("after submit: state %s, %d items", ov.Survey.State, len(ov.Items))
			}

			// A new revision after the snapshot does not change it.
			h.expect(http.StatusCreated, h.upload(fmt.Sprintf("/api/v1/evidence/%d/revisions", sk.ID), file("sk-baru.pdf", testenv.PDF("sk revisi"))), nil)
			var skItem bukti.SnapshotItem
			for _, it := range overview().Items {
				if it.EvidenceID == sk.ID {
					skItem = it
				}
			}
			if skItem.RevisionNumber != 1 || skItem.FileName != "sk.pdf" {
				t.Fatalf("snapshot changed by a later upload: %+v", skItem)
			}

			review := func(it int64) string { return path(fmt.Sprintf("/items/%d/review", it)) }
			reject := survey.Verdict{Review: "rejected", Note: "SK belum ditandatangani kepala Puskesmas."}
			h.expect(http.StatusBadRequest, h.call("POST", review(skItem.ID), survey.Verdict{Review: "rejected"}, tok1), nil)
			h.expect(http.StatusForbidden, h.call("POST", review(skItem.ID), reject, tok3), nil)
			h.expect(http.StatusForbidden, h.call("POST", review(skItem.ID), reject, quality), nil)
			h.expect(http.StatusOK, h.call("POST", review(skItem.ID), reject, tok1), nil)
			for _, it := range overview().Items {
				if it.EvidenceID != sk.ID {
					h.expect(http.StatusOK, h.call("POST", review(it.ID), survey.Verdict{Review: "accepted"}, tok2), nil)
				}
			}

			// The quality team resubmits the revision it uploaded; the
			// rejected item is superseded and the new one reviewed again.
			var again bukti.SnapshotItem
			h.expect(http.StatusCreated, h.call("POST", path("/items"), map[string]int64{"evidence_id": sk.ID}, quality), &again)
			if again.RevisionNumber != 2 || again.Review != bukti.ReviewPending {
				t.Fatalf("resubmitted item: %+v", again)
			}
			h.expect(http.StatusConflict, h.call("POST", review(skItem.ID), survey.Verdict{Review: "accepted"}, tok2), nil)
			h.expect(http.StatusOK, h.call("POST", review(again.ID), survey.Verdict{Review: "accepted"}, tok2), nil)

			score := func(ep, v string) survey.ScoreInput {
				return survey.ScoreInput{Element: ep, Score: v, Facts: narrative("Fakta " + ep), Recommendation: narrative("Rekomendasi " + ep)}
			}
			bad := []struct {
				name  string
				in    survey.ScoreInput
				token string
				want  int
			}{
				{"score outside 10/5/0/TDD", score("2.1.2/a", "7"), tok1, http.StatusBadRequest},
				{"empty score", score("2.1.2/a", ""), tok1, http.StatusBadRequest},
				{"short facts", survey.ScoreInput{Element: "2.1.2/a", Score: "10", Facts: "Lengkap.", Recommendation: narrative("Pertahankan")}, tok1, http.StatusBadRequest},
				{"short recommendation", survey.ScoreInput{Element: "2.1.2/a", Score: "10", Facts: narrative("Lengkap"), Recommendation: "Pertahankan."}, tok1, http.StatusBadRequest},
				{"unknown EP", score("2.1.2/z", "10"), tok1, http.StatusBadRequest},
				{"surveyor of another survey", score("2.1.2/a", "10"), tok3, http.StatusForbidden},
				{"quality team", score("2.1.2/a", "10"), quality, http.StatusForbidden},
			}
			for _, tc := range bad {
				r := h.call("PUT", path("/scores"), tc.in, tc.token)
				if r.status != tc.want {
					t.Errorf("%s: status %d, want %d (%s)", tc.name, r.status, tc.want, r.body)
				}
				if r.status >= 400 {
					h.apiError(r)
				}
			}
			for tok, vals := range map[string][]string{tok1: {"10", "5", "TDD"}, tok2: {"10", "0", "TDD"}} {
				for i, ep := range []string{"2.1.2/a", "2.1.2/b", "2.1.2/c"} {
					h.expect(http.StatusOK, h.call("PUT", path("/scores"), score(ep, vals[i]), tok), nil)
				}
			}
			// Until the survey is final, the scores are the surveyors'.
			if ov := overviewAs(quality); len(ov.Scores) != 0 || ov.Tally.Status != "" {
				t.Errorf("the quality team reads %d scores and status %q mid-review", len(ov.Scores), ov.Tally.Status)
			}
			h.expect(http.StatusForbidden, h.call("POST", path("/reconcile"), nil, tok2), nil)
			var rec struct{ Conflicts []survey.Conflict }
			h.expect(http.StatusOK, h.call("POST", path("/reconcile"), nil, tok1), &rec)
			if len(rec.Conflicts) != 1 || rec.Conflicts[0].Element != "2.1.2/b" || rec.Conflicts[0].Reason != "differ" {
				t.Fatalf("conflicts: %+v", rec.Conflicts)
			}
			h.expect(http.StatusConflict, h.call("POST", path("/finalize"), nil, tok1), nil) // still in review
			h.expect(http.StatusOK, h.call("PUT", path("/final"), score("2.1.2/b", "5"), tok1), nil)

			// Bab II: a 10 + b 5 of 20 (c is TDD) = 75 %: Madya; Utama
			// needs 80 %, 5 points short, one EP point (16 of 20).
			ov = overview()
			if ov.Survey.State != bukti.SurveyScored || ov.Tally.Status != "Madya" || ov.Tally.Next != "Utama" {
				t.Fatalf("scored: state %s, status %q, next %q", ov.Survey.State, ov.Tally.Status, ov.Tally.Next)
			}
			if b, _ := ov.Tally.Rollup("II"); b.Percent != 75 || b.Applicable != 2 || len(ov.Tally.Gaps) != 1 || ov.Tally.Gaps[0].Short != 5 || ov.Tally.Gaps[0].Points != 1 {
				t.Fatalf("Bab II: %+v, gaps %+v", b, ov.Tally.Gaps)
			}
			h.expect(http.StatusForbidden, h.call("POST", path("/finalize"), nil, tok2), nil)
			var final bukti.Survey
			h.expect(http.StatusOK, h.call("POST", path("/finalize"), nil, tok1), &final)
			if final.State != bukti.SurveyFinal || final.Status != "Madya" {
				t.Fatalf("finalized: %+v", final)
			}
			ov = overviewAs(quality)
			if len(ov.Scores) == 0 || ov.Tally.Status != "Madya" {
				t.Errorf("the quality team reads %d scores and status %q once final", len(ov.Scores), ov.Tally.Status)
			}
			if r := h.call("POST", fmt.Sprintf("/api/v1/users/%d/roles", s3), map[string]any{"role": "surveyor", "survey_id": sv.ID}, ""); r.status != http.StatusConflict {
				t.Errorf("joining a final survey's team: status %d, want 409", r.status)
			}
			if len(ov.PPS) != 1 || ov.PPS[0].ElementID != "2.1.2/b" || ov.PPS[0].Score != 5 {
				t.Fatalf("PPS: %+v", ov.PPS)
			}

			// The PPS is the one thing that changes after finalization.
			pps := path(fmt.Sprintf("/pps/%d", ov.PPS[0].ID))
			h.expect(http.StatusBadRequest, h.call("PUT", pps, map[string]any{"action": "Rapat", "responsible": "Tim", "progress": 101}, quality), nil)
			h.expect(http.StatusBadRequest, h.call("PUT", pps, map[string]any{"progress": 30}, quality), nil)
			h.expect(http.StatusBadRequest, h.call("PUT", pps, map[string]any{"action": "Rapat", "responsible": "Tim", "target_date": "31-12-2026"}, quality), nil)
			h.expect(http.StatusForbidden, h.call("PUT", pps, map[string]any{"action": "Rapat"}, tok1), nil)
			var row bukti.PPSItem
			h.expect(http.StatusOK, h.call("PUT", pps, map[string]any{"action": "Libatkan masyarakat pada evaluasi", "responsible": "Koordinator UKM",
				"target_date": "2027-03-31", "indicator": "Notulen evaluasi bersama LPM", "progress": 100}, quality), &row)
			if row.State != bukti.PPSDone || row.TargetDate == nil {
				t.Fatalf("PPS row: %+v", row)
			}

			// A final survey refuses every change and keeps its data.
			var scoresBefore, itemsBefore int64
			h.db.Model(&bukti.SurveyScore{}).Count(&scoresBefore)
			h.db.Model(&bukti.SnapshotItem{}).Count(&itemsBefore)
			for _, c := range []struct {
				method, path, token string
				body                any
			}{
				{"PUT", path("/self-assessment"), quality, self},
				{"POST", path("/submit"), quality, nil},
				{"POST", path("/items"), quality, map[string]int64{"evidence_id": sk.ID}},
				{"POST", review(again.ID), tok2, reject},
				{"PUT", path("/scores"), tok1, score("2.1.2/a", "0")},
				{"POST", path("/reconcile"), tok1, nil},
				{"PUT", path("/final"), tok1, score("2.1.2/a", "0")},
				{"POST", path("/finalize"), tok1, nil},
			} {
				r := h.call(c.method, c.path, c.body, c.token)
				if code, msg := h.apiError(r); r.status != http.StatusConflict || code != bukti.ECONFLICT || !strings.Contains(msg, "sudah final") {
					t.Errorf("%s %s on a final survey: %d %s %q", c.method, c.path, r.status, code, msg)
				}
			}
			var scoresAfter, itemsAfter int64
			h.db.Model(&bukti.SurveyScore{}).Count(&scoresAfter)
			h.db.Model(&bukti.SnapshotItem{}).Count(&itemsAfter)
			if scoresAfter != scoresBefore || itemsAfter != itemsBefore {
				t.Errorf("a final survey changed: scores %d → %d, items %d → %d", scoresBefore, scoresAfter, itemsBefore, itemsAfter)
			}

			checkPack(t, h.call("GET", path("/pack.zip"), nil, quality), sk.ID, "Madya", "id")
			// The manifest speaks the user's language.
			req, _ := http.NewRequest("GET", h.srv.URL+path("/pack.zip"), nil)
			req.AddCookie(&http.Cookie{Name: "bukti_lang", Value: "en"})
			checkPack(t, h.send(req, quality), sk.ID, "Madya", "en")
			if r := h.call("GET", path("/pack.zip"), nil, tok2); r.status != http.StatusForbidden {
				t.Errorf("pack.zip for a surveyor of the final survey: status %d, want 403", r.status)
			}

			// The XLSX report carries the same numbers.
			r := h.call("GET", path("/report.xlsx"), nil, tok2)
			if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Disposition"), "laporan-PSV-survei-") {
				t.Fatalf("report.xlsx: %d %q", r.status, r.header.Get("Content-Disposition"))
			}
			x, err := excelize.OpenReader(bytes.NewReader(r.body))
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			cell := func(sheet, ref string) string { v, _ := x.GetCellValue(sheet, ref); return v }
			checks := []struct{ sheet, ref, want string }{
				{"Ringkasan", "B13", "Madya"},
				{"Ringkasan", "A16", "I"},
				{"Ringkasan", "C16", "tidak dinilai"},
				{"Ringkasan", "A17", "II"},
				{"Ringkasan", "C17", "75"},
				{"Ringkasan", "G17", "5"},
				{"Ringkasan", "H17", "1"},
				{"Nilai EP", "D3", "2.1.2/b"},
				{"Nilai EP", "J3", "5"},
				{"Nilai EP", "J4", "TDD"},
				{"PPS", "A2", "2.1.2/b"},
				{"PPS", "H2", "100"},
				{"PPS", "I2", "Selesai"},
			}
			for _, c := range checks {
				if got := cell(c.sheet, c.ref); got != c.want {
					t.Errorf("%s!%s = %q, want %q", c.sheet, c.ref, got, c.want)
				}
			}
		})
	}
}

// checkPack unzips an evidence pack and verifies every file against its
// manifest: same set of paths, same SHA-256 and size; the resubmitted
// evidence appears once, in its reviewed revision.
func checkPack(t *testing.T, r result, resubmitted int64, status, lang string) {
	t.Helper()
	// The manifest's columns, named in the pack's language.
	names := map[string]map[string]string{
		"id": {"path": "Berkas", "sha256": "SHA-256", "size": "Ukuran (byte)", "revision": "Unggahan ke"},
		"en": {"path": "File", "sha256": "SHA-256", "size": "Size (bytes)", "revision": "Upload number"},
	}[lang]
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/zip" {
		t.Fatalf("pack.zip: %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	zr, err := zip.NewReader(bytes.NewReader(r.body), int64(len(r.body)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	mf, ok := files["manifest.csv"]
	if !ok || files["index.html"] == nil {
		t.Fatalf("pack without manifest.csv or index.html: %v", slices.Collect(maps.Keys(files)))
	}
	rows := readZipCSV(t, mf)
	col := map[string]int{}
	for k, name := range names {
		i := slices.Index(rows[0], name)
		if i < 0 {
			t.Fatalf("manifest.csv (%s) has no column %q: %q", lang, name, rows[0])
		}
		col[k] = i
	}
	revisions := 0
	for _, row := range rows[1:] {
		f, ok := files[row[col["path"]]]
		if !ok {
			t.Errorf("manifest path %q is not in the pack", row[col["path"]])
			continue
		}
		delete(files, row[col["path"]])
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.New()
		n, _ := io.Copy(sum, rc)
		rc.Close()
		if hex.EncodeToString(sum.Sum(nil)) != row[col["sha256"]] || fmt.Sprint(n) != row[col["size"]] {
			t.Errorf("%s: sha256/size differ from the manifest", row[col["path"]])
		}
		if strings.HasPrefix(row[col["path"]], "Bab II/2.1/2.1.2/a/R1/") {
			revisions++
			if row[col["revision"]] != "2" {
				t.Errorf("resubmitted evidence %d packed at revision %s, want 2", resubmitted, row[col["revision"]])
			}
		}
	}
	delete(files, "manifest.csv")
	index := files["index.html"]
	delete(files, "index.html")
	if len(files) != 0 || revisions != 1 {
		t.Errorf("files outside the manifest: %v; R1 files %d, want 1", slices.Collect(maps.Keys(files)), revisions)
	}
	rc, _ := index.Open()
	html, _ := io.ReadAll(rc)
	rc.Close()
	if !strings.Contains(string(html), status) {
		t.Errorf("index.html does not show status %q", status)
	}
}

func readZipCSV(t *testing.T, f *zip.File) [][]string {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	rows, err := csv.NewReader(rc).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("manifest.csv: %v, %d rows", err, len(rows))
	}
	return rows
}

// TestSurveyPackCorruptBlob: a stored file whose bytes no longer match its
// SHA-256 (same size, so the pre-flight check passes) aborts the download
// mid-stream; the client never receives an archive that opens.
func TestSurveyPackCorruptBlob(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("PCB")
	w := &world{h: h}
	h.db.Model(&bukti.User{}).Where("email = ?", adminEmail).Pluck("id", &w.admin)
	up := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("sk yang akan rusak")))
	sv := w.surveyAt(side{facility: f.ID}, bukti.SurveyInReview, 0)

	var blob string
	filepath.WalkDir(h.storeCfg.Dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(p, up.SHA256) {
			blob = p
		}
		return nil
	})
	if blob == "" {
		t.Fatalf("blob %s not found under %s", up.SHA256, h.storeCfg.Dir)
	}
	content, err := os.ReadFile(blob)
	if err != nil {
		t.Fatal(err)
	}
	content[len(content)/2] ^= 0xff
	if err := os.WriteFile(blob, content, 0o644); err != nil {
		t.Fatal(err)
	}

	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/surveys/%d/pack.zip", h.srv.URL, sv.id), nil)
	req.Header.Set("Authorization", "Bearer "+h.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return // aborted before the headers: nothing was handed out
	}
	defer resp.Body.Close()
	body, readErr := io.ReadAll(resp.Body)
	if readErr == nil {
		if _, err := zip.NewReader(bytes.NewReader(body), int64(len(body))); err == nil {
			t.Fatalf("a pack with a corrupt file was delivered whole (status %d, %d bytes)", resp.StatusCode, len(body))
		}
	}
}
