package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/survey"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestReadinessPages checks what the dashboard and the kriteria and
// requirement pages say of readiness, by its rules: a new Puskesmas sees
// the complete standard at 0 % and what to do first, not a verdict; each
// EP shows its documentary fraction and suggested score, W as interview
// preparation, O and S as assessed on site, an EP with no R or D item as
// not projectable; a TDD proposal shows the status with and without it.
func TestReadinessPages(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	f := h.createFacility("P3277010101")
	h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	v := newVisitor(h)
	v.login("mutu@puskesmas.test", "kata-sandi-pengguna-1")
	dash := fmt.Sprintf("/f/%d", f.ID)

	t.Run("new Puskesmas", func(t *testing.T) {
		_, _, body := v.get(dash)
		wants(t, "new dashboard", body, `id="status" data-status="" data-started="0"`, "Belum ada bukti",
			"Status diproyeksikan setelah bukti pertama diunggah.", "Capaian 0.0% dari 328 EP",
			"5 EP tidak dapat diproyeksikan", `id="first-steps"`, "Mulai dari sini", "Standar lengkap berisi 328 EP",
			"Tandai EP yang tidak berlaku", "Unggah regulasi (R) lebih dulu", "Sebutkan petugas yang akan diwawancarai")
		// The first regulations and documents, in catalogue order.
		var firsts []string
		for _, part := range strings.Split(body, `data-first="`)[1:] {
			firsts = append(firsts, part[:strings.Index(part, `"`)])
		}
		want := "1.1.1/a/R1 1.1.1/b/R1 1.1.1/c/R1 1.1.1/d/R1 1.1.1/d/R2 1.1.1/b/D1 1.1.1/c/D1 1.1.1/d/D1 1.1.1/d/D2 1.1.1/d/D3"
		if got := strings.Join(firsts, " "); got != want {
			t.Errorf("first steps %s, want %s", got, want)
		}
		for _, verdict := range []string{"Tidak Terakreditasi", `class="badge missing"`, `id="missing"`} {
			if strings.Contains(body, verdict) {
				t.Errorf("a new Puskesmas's dashboard shows %q", verdict)
			}
		}
	})

	t.Run("first evidence", func(t *testing.T) {
		h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("SK")))
		// 2.1.2/a: 1 of 5 R and D slots (20 %) → 5, of 323 projected EP:
		// 5 / 3230 = 0.15 %. The status is projected, and it is the
		// lowest. Of the 762 R and D items 761 are missing: 20 are
		// listed, 741 more counted.
		_, _, body := v.get(dash)
		wants(t, "dashboard with evidence", body, `class="badge missing" id="status" data-status="Tidak Terakreditasi"`,
			"Capaian 0.2% dari 328 EP", `id="missing"`, "Dan 741 lainnya")
		if strings.Contains(body, `id="first-steps"`) || strings.Contains(body, "without-tdd") {
			t.Error("the dashboard still shows the first steps, or a projection without TDD with none proposed")
		}
	})

	for i, role := range []string{"Kepala Puskesmas", "Masyarakat"} {
		h.expect(http.StatusOK, h.call("PUT", fmt.Sprintf("/api/v1/facilities/%d/interviewees", f.ID),
			map[string]string{"requirement": "2.1.2/a/W1", "role": role, "name": fmt.Sprint("Petugas ", i)}, ""), nil)
	}
	h.expect(http.StatusOK, h.call("PUT", fmt.Sprintf("/api/v1/facilities/%d/not-applicable", f.ID),
		map[string]string{"element": "2.1.2/c", "reason": "Belum ada kegiatan pemberdayaan yang dievaluasi"}, ""), nil)

	t.Run("kriteria page", func(t *testing.T) {
		_, _, body := v.get(fmt.Sprintf("/f/%d/kriteria/2.1.2", f.ID))
		// a: 1 of 5 documentary slots → 5; two of its five roles named,
		// which changes nothing.
		wants(t, "EP a", body, `data-suggested="5"`, "Skor usulan 5", `data-documents="1/5"`, "Dokumen (R, D): 1 dari 5 ada (20.0%)",
			`data-interview="2/5"`, "Persiapan wawancara: 2 dari 5 peran disebut", "(tidak mengubah skor)",
			`data-state="interview"`, "(2/5 peran disebut)")
		// b: nothing of 13 slots (D2 1, D3 4 stages × 3 parts).
		wants(t, "EP b", body, `data-suggested="0"`, `data-documents="0/13"`, "Persiapan wawancara: 0 dari 5 peran disebut")
		// c proposed TDD: no suggestion, but what its documents earn
		// should the surveyors refuse it.
		wants(t, "EP c", body, "TDD diusulkan", `data-documents="0/2"`, "skor usulan bila TDD ditolak: 0", `data-state="tdd"`)

		_, _, body = v.get(fmt.Sprintf("/f/%d/kriteria/1.4.7", f.ID))
		wants(t, "EP with only an observation", body, `id="ep-c"`, "Tidak dapat diproyeksikan",
			"Tidak ada butir R atau D: EP ini dinilai surveior di lokasi", `data-state="on_site"`, "Dinilai di lokasi")
	})

	t.Run("requirement pages", func(t *testing.T) {
		_, _, body := v.get(fmt.Sprintf("/f/%d/req?id=2.1.2/a/W1", f.ID))
		wants(t, "W item", body, `data-state="interview"`, "Persiapan wawancara: 2 dari 5 peran disebut")
		_, _, body = v.get(fmt.Sprintf("/f/%d/req?id=1.4.7/c/O1", f.ID))
		wants(t, "O item", body, `data-state="on_site"`, "Dinilai di lokasi", `id="on-site"`, "diperiksa surveior di lokasi")
	})

	t.Run("TDD proposed", func(t *testing.T) {
		_, _, body := v.get(dash)
		wants(t, "dashboard with a TDD proposal", body, `data-status="Tidak Terakreditasi"`, `id="without-tdd"`,
			"Jika 1 usulan TDD ditolak surveior:", "Status di atas menganggap usulan TDD diterima",
			// The 258 W items of the standard name 665 roles.
			"Persiapan wawancara: 2 dari 665 peran disebut")
	})

	t.Run("survey self-assessment", func(t *testing.T) {
		ctx := context.Background()
		admin, err := h.auth.UserByEmail(ctx, adminEmail)
		if err != nil {
			t.Fatal(err)
		}
		lead, _ := h.userWith("ketua@kars.test", bukti.RoleBinding{})
		sv, err := h.surveys.Create(ctx, survey.Input{FacilityID: f.ID, Type: "initial", Surveyors: []int64{lead}, Lead: lead}, admin.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Every EP of the standard when all are asked for (the page opens
		// on one kriteria), each with the readiness suggestion or why
		// there is none.
		_, _, body := v.get(fmt.Sprintf("/s/%d", sv.ID))
		if n := strings.Count(body, `class="ep-row"`); n != 7 {
			t.Errorf("the self-assessment opens on %d EP, want the 7 of kriteria 1.1.1", n)
		}
		_, _, body = v.get(fmt.Sprintf("/s/%d?k=all", sv.ID))
		if n := strings.Count(body, `class="ep-row"`); n != 328 {
			t.Errorf("self-assessment form lists %d EP, want 328", n)
		}
		for anchor, want := range map[string]string{
			"2-1-2-a": `data-ready="5"`,
			"2-1-2-c": `data-ready="TDD">TDD diusulkan (tanpa saran)`,
			"1-4-7-c": `data-ready="">Tidak dapat diproyeksikan`,
		} {
			start := strings.Index(body, `id="self-`+anchor+`"`)
			if start < 0 || !strings.Contains(body[start:start+min(2000, len(body)-start)], want) {
				t.Errorf("self-assessment row of %s lacks %q", anchor, want)
			}
		}
	})

	t.Run("English", func(t *testing.T) {
		v.get("/lang/en?next=/")
		defer v.get("/lang/id?next=/")
		_, _, body := v.get(fmt.Sprintf("/f/%d/kriteria/2.1.2", f.ID))
		wants(t, "English kriteria page", body, "Interview preparation: 2 of 5 roles named", "Documents (R, D): 1 of 5 present (20.0%)", "TDD proposed")
		_, _, body = v.get(dash)
		wants(t, "English dashboard", body, "0.2% achieved of 328 EP", "5 EP cannot be projected", "Should the surveyors refuse the 1 TDD proposals:")
	})
}

// TestPartialCataloguePages runs a server on a catalogue holding one
// kriteria (2.1.2, Bab II): no status can be projected, so the dashboard
// and the district page show the Bab percentages and "status belum dapat
// diproyeksikan", never a verdict.
func TestPartialCataloguePages(t *testing.T) {
	h := newHarnessOn(t, "sqlite", "filesystem", 1<<20, kriteria212(t))
	f := h.createFacility("P3277010101")
	h.userWith("mutu@puskesmas.test", bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID})
	var did int64
	h.db.Model(&bukti.District{}).Where("code = ?", districtA).Pluck("id", &did)
	h.userWith("dinkes@cimahi.test", bukti.RoleBinding{Role: bukti.RoleSupervisor, DistrictID: &did})
	h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("SK")))

	// Bab II: 2.1.2/a 1 of 5 slots → 5; b, c 0: 5 of 30 = 16.7 %.
	v := newVisitor(h)
	v.login("mutu@puskesmas.test", "kata-sandi-pengguna-1")
	_, _, body := v.get(fmt.Sprintf("/f/%d", f.ID))
	wants(t, "partial dashboard", body, `id="status" data-status="" data-partial="1"`, "Status belum dapat diproyeksikan",
		"Ada Bab tanpa EP yang dapat diproyeksikan", "16.7%", "Capaian 16.7% dari 3 EP", "Belum ada EP yang dapat diproyeksikan di Bab ini.")
	if strings.Contains(body, "Tidak Terakreditasi") || strings.Contains(body, `class="badge missing" id="status"`) {
		t.Error("the dashboard of a partial catalogue shows a verdict")
	}
	v.get("/lang/en?next=/")
	_, _, body = v.get(fmt.Sprintf("/f/%d", f.ID))
	wants(t, "partial dashboard in English", body, "Status cannot be projected yet")

	sup := newVisitor(h)
	sup.login("dinkes@cimahi.test", "kata-sandi-pengguna-1")
	_, _, body = sup.get("/district")
	wants(t, "district page", body, `data-partial="1"`, "Status belum dapat diproyeksikan", "16.7%")
	if strings.Contains(body, `data-status="Tidak Terakreditasi"`) {
		t.Error("the district page shows a verdict for a partial catalogue")
	}
	var g struct {
		Facilities []struct {
			Status     string `json:"status"`
			Partial    bool   `json:"partial"`
			NextStatus string `json:"next_status"`
		}
		StatusCounts map[string]int `json:"status_counts"`
		Partial      int            `json:"partial"`
	}
	h.expect(http.StatusOK, h.call("GET", "/api/v1/reports/gaps?district="+districtA, nil, ""), &g)
	if len(g.Facilities) != 1 || g.Facilities[0].Status != "" || !g.Facilities[0].Partial || g.Facilities[0].NextStatus != "" ||
		len(g.StatusCounts) != 0 || g.Partial != 1 {
		t.Errorf("gap report of a partial catalogue: %+v, want no status, partial, no next status", g)
	}
}
