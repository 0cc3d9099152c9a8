package standard_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/standard"
	"github.com/bukti-id/bukti/pkg/testenv"
)

func readWorkbook(data []byte) func(catalogue.ImportOptions) (*catalogue.Catalogue, catalogue.ImportReport, error) {
	return func(opt catalogue.ImportOptions) (*catalogue.Catalogue, catalogue.ImportReport, error) {
		return catalogue.ImportWorkbook(bytes.NewReader(data), opt)
	}
}

// facility adds the province, district and facility code (once each).
func facility(t *testing.T, gdb *gorm.DB, code string) int64 {
	t.Helper()
	gdb.FirstOrCreate(&bukti.Province{Code: "32", Name: "Jawa Barat"}, bukti.Province{Code: "32"})
	gdb.FirstOrCreate(&bukti.District{Code: "3277", Name: "Kota Cimahi", ProvinceID: 1}, bukti.District{Code: "3277"})
	f := bukti.Facility{Code: code, Name: code, DistrictID: 1}
	if err := gdb.Create(&f).Error; err != nil {
		t.Fatal(err)
	}
	return f.ID
}

// evidence stores a live evidence record and returns its ID.
func evidence(t *testing.T, gdb *gorm.DB, facilityID int64, req, stage string) int64 {
	t.Helper()
	ev := bukti.Evidence{FacilityID: facilityID, RequirementID: req, Stage: stage, Title: "dokumen " + req, Review: bukti.ReviewPending, CreatedBy: 1}
	if err := gdb.Create(&ev).Error; err != nil {
		t.Fatal(err)
	}
	return ev.ID
}

func TestVersions(t *testing.T) {
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			gdb := testenv.OpenDB(t, kind)
			s := &standard.Service{Store: sqlstore.New(gdb, time.Now), Now: time.Now}
			active, err := s.Active(ctx)
			if err != nil || active.Version != criteria.MustBuiltin().Version {
				t.Fatalf("with nothing stored, Active = %v, %v; want the built-in", active, err)
			}
			// Evidence on a requirement the import lacks (2.1.2/a/D2) and on one it keeps.
			f := facility(t, gdb, "P1")
			evidence(t, gdb, f, "2.1.2/a/R1", "")
			lost := []int64{evidence(t, gdb, f, "2.1.2/a/D2", ""), evidence(t, gdb, f, "2.1.2/a/D2", "")}

			res, err := s.Import(ctx, criteria.MustBuiltin(), "2026.1", "", nil, readWorkbook(testenv.SelfAssessment(t)))
			if err != nil {
				t.Fatal(err)
			}
			if res.Counts.Elements != 3 || res.Version.Active || !strings.Contains(res.Version.Summary, "3 EP") {
				t.Errorf("import = counts %+v, version %+v", res.Counts, res.Version)
			}
			if got := res.NotCarriedOver.EvidenceIDs(); !slices.Equal(got, lost) || res.NotCarriedOver.Evidence[0].RequirementID != "2.1.2/a/D2" {
				t.Errorf("not carried over = %+v, want the records %v of 2.1.2/a/D2", res.NotCarriedOver.Evidence, lost)
			}
			// The workbook holds 3 of the built-in standard's 328 EP: 2.1.2/a
			// and b and 5.1.1/a, each worded or keyed differently.
			if c := res.Diff.Counts; res.Diff.Empty() || res.Diff.To != "pkp-2023@2026.1" || c.ElementsAdded != 0 || c.ElementsRemoved != 325 || c.ElementsChanged != 3 {
				t.Errorf("diff = %+v, want 325 EP removed and 3 changed", res.Diff.Counts)
			}
			if _, err := s.Import(ctx, criteria.MustBuiltin(), "2026.1", "", nil, readWorkbook(testenv.SelfAssessment(t))); bukti.ErrorCode(err) != bukti.ECONFLICT {
				t.Errorf("same version twice: %v, want a conflict", err)
			}
			if active, _ := s.Active(ctx); active.Version != criteria.MustBuiltin().Version {
				t.Errorf("an import changed the catalogue in use to %s", active.Version)
			}
			if _, err := s.Activate(ctx, res.Version.ID, false, nil); !errors.Is(err, standard.ErrConfirmRequired) {
				t.Fatalf("activating without confirm: %v, want ErrConfirmRequired", err)
			}
			if _, err := s.Activate(ctx, res.Version.ID, true, nil); err != nil {
				t.Fatal(err)
			}
			active, err = s.Active(ctx)
			if err != nil || active.Version != "2026.1" || active.Counts().Kriteria != 2 {
				t.Errorf("after activating, Active = %+v, %v", active, err)
			}
			if _, err := s.Activate(ctx, 999, false, nil); bukti.ErrorCode(err) != bukti.ENOTFOUND {
				t.Errorf("activating an unknown version: %v", err)
			}
			if _, err := s.PlanActivation(ctx, 999); bukti.ErrorCode(err) != bukti.ENOTFOUND {
				t.Errorf("planning an unknown version: %v", err)
			}
			vs, _ := s.List(ctx)
			if len(vs) != 1 || !vs[0].Active {
				t.Errorf("versions = %+v", vs)
			}
		})
	}
}

// TestImportRefusedMessage: a refused workbook reaches the user with the
// importer's own message in both languages (what was expected, what was
// found), and stores nothing.
func TestImportRefusedMessage(t *testing.T) {
	ctx := context.Background()
	gdb := testenv.OpenDB(t, "sqlite")
	s := &standard.Service{Store: sqlstore.New(gdb, time.Now), Now: time.Now}
	for _, tc := range []struct {
		name           string
		data           []byte
		code           string
		target         error
		wantID, wantEN string
	}{
		{"not a workbook", []byte("Bab;Standar;Kriteria\nII;2.1;2.1.2\n"), bukti.EINVALID, catalogue.ErrNotWorkbook,
			"Spreadsheet tidak dapat diimpor. Bukan workbook .xlsx: diharapkan instrumen penilaian mandiri sebagai berkas Excel (.xlsx), ditemukan berkas teks (misalnya CSV).",
			"the workbook cannot be imported: not an .xlsx workbook: expected the self-assessment as an Excel (.xlsx) file, found a text file (such as CSV)"},
		{"other columns", testenv.Workbook(t, testenv.Sheet{Name: "Data", Rows: [][]string{{"Nama", "Alamat"}, {"A", "B"}}}), bukti.EINVALID, catalogue.ErrLayout,
			`Spreadsheet tidak dapat diimpor. Bukan format penilaian mandiri: lembar "Data": tidak ada baris judul kolom di 10 baris pertama: diharapkan kolom Bab, Standar, Kriteria, No EP, Elemen Penilaian, R, D, O, W, S`,
			`the workbook cannot be imported: not the self-assessment layout: sheet "Data": no header row in the first 10 rows: expected the columns Bab, Standar, Kriteria, No EP, Elemen Penilaian, R, D, O, W, S`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Import(ctx, criteria.MustBuiltin(), "", "", nil, readWorkbook(tc.data))
			if bukti.ErrorCode(err) != tc.code || !errors.Is(err, tc.target) {
				t.Fatalf("err = %v (code %s), want %s wrapping %v", err, bukti.ErrorCode(err), tc.code, tc.target)
			}
			id, en := bukti.ErrorMessage(err)
			if !strings.HasPrefix(id, tc.wantID) || !strings.HasPrefix(en, tc.wantEN) {
				t.Errorf("messages\n got %q\n     %q\nwant %q…\n     %q…", id, en, tc.wantID, tc.wantEN)
			}
		})
	}
	if vs, _ := s.List(ctx); len(vs) != 0 {
		t.Errorf("refused imports stored %d versions", len(vs))
	}
}

// v1 and v2 are two versions of a small standard. v2 drops stage
// "evaluasi" of 1.1.1/a/D1, role "Masyarakat" of 1.1.1/a/W1 and EP
// 1.1.1/b, and adds 1.1.1/a/R2.
const v1 = `format: bukti-catalogue/v1
id: uji
version: "1"
title: Standar Uji
scoring:
  values: [10, 5, 0]
  tdd: true
  statuses:
    - name: Lulus
      min: {I: 60}
  below: Tidak Lulus
bab:
  - id: I
    title: Bab Satu
    standar:
      - id: "1.1"
        title: Standar Satu
        kriteria:
          - id: "1.1.1"
            title: Kriteria Satu
            statement: Pernyataan.
            elements:
              - letter: a
                text: Elemen a.
                methods: [R, D, W]
                requirements:
                  - {key: R1, method: R, title: SK}
                  - {key: D1, method: D, title: Laporan, stages: [perencanaan, evaluasi]}
                  - {key: W1, method: W, title: Wawancara, topic: Isi RUK, interviewees: [Kepala Puskesmas, Masyarakat]}
              - letter: b
                text: Elemen b.
                methods: [D]
                requirements:
                  - {key: D1, method: D, title: Bukti b}
`

func v2(t *testing.T) string {
	t.Helper()
	doc := v1
	for _, r := range [][2]string{
		{`version: "1"`, `version: "2"`},
		{"stages: [perencanaan, evaluasi]", "stages: [perencanaan]"},
		{"interviewees: [Kepala Puskesmas, Masyarakat]", "interviewees: [Kepala Puskesmas]"},
		{"{key: R1, method: R, title: SK}", "{key: R1, method: R, title: SK}\n                  - {key: R2, method: R, title: SOP}"},
		{"              - letter: b\n                text: Elemen b.\n                methods: [D]\n                requirements:\n                  - {key: D1, method: D, title: Bukti b}\n", ""},
	} {
		if strings.Count(doc, r[0]) != 1 {
			t.Fatalf("test setup: %q", r[0])
		}
		doc = strings.Replace(doc, r[0], r[1], 1)
	}
	return doc
}

// TestActivateLeavesNothingSilently: a version that does not carry over
// evidence, interviewees or TDD marks is refused without confirm, listing
// exactly those; with confirm it is active, each facility's audit log says
// what was left, and nothing is deleted.
func TestActivateLeavesNothingSilently(t *testing.T) {
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			gdb := testenv.OpenDB(t, kind)
			s := &standard.Service{Store: sqlstore.New(gdb, time.Now), Now: time.Now}
			save := func(doc string) *bukti.CatalogueVersion {
				t.Helper()
				c, err := catalogue.Parse("uji.yaml", []byte(doc))
				if err != nil {
					t.Fatal(err)
				}
				v, err := s.Save(ctx, c, "uji", nil)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			first := save(v1)
			// Nothing is stored yet, so nothing is left behind: no confirm needed.
			if plan, err := s.Activate(ctx, first.ID, false, nil); err != nil || !plan.Activated {
				t.Fatalf("activating the first version: %+v, %v", plan, err)
			}

			f1, f2 := facility(t, gdb, "P1"), facility(t, gdb, "P2")
			evidence(t, gdb, f1, "1.1.1/a/R1", "")
			evidence(t, gdb, f1, "1.1.1/a/D1", "perencanaan")
			slot := evidence(t, gdb, f1, "1.1.1/a/D1", "evaluasi")
			gone := evidence(t, gdb, f2, "1.1.1/b/D1", "")
			deleted := evidence(t, gdb, f2, "1.1.1/b/D1", "")
			now := time.Now()
			gdb.Model(&bukti.Evidence{}).Where("id = ?", deleted).Update("deleted_at", &now)
			evidence(t, gdb, f1, "9.9.9/a/R1", "") // unreachable already: not this version's doing
			gdb.Create(&bukti.Interviewee{FacilityID: f1, RequirementID: "1.1.1/a/W1", Role: "Kepala Puskesmas", Name: "Ani", UpdatedBy: 1})
			gdb.Create(&bukti.Interviewee{FacilityID: f1, RequirementID: "1.1.1/a/W1", Role: "Masyarakat", Name: "Budi", UpdatedBy: 1})
			gdb.Create(&bukti.NotApplicable{FacilityID: f2, ElementID: "1.1.1/b", Reason: "Tidak ada layanan ini.", SetBy: 1})

			second := save(v2(t))
			wantLeft := standard.LeftBehind{
				Evidence: []standard.LeftEvidence{
					{ID: slot, FacilityID: f1, RequirementID: "1.1.1/a/D1", Stage: "evaluasi", Title: "dokumen 1.1.1/a/D1", Reason: standard.ReasonSlot},
					{ID: gone, FacilityID: f2, RequirementID: "1.1.1/b/D1", Title: "dokumen 1.1.1/b/D1", Reason: standard.ReasonRequirement},
				},
				Interviewees:  []standard.LeftInterviewee{{FacilityID: f1, RequirementID: "1.1.1/a/W1", Role: "Masyarakat", Name: "Budi", Reason: standard.ReasonRole}},
				NotApplicable: []standard.LeftNotApplicable{{FacilityID: f2, ElementID: "1.1.1/b", Reason: standard.ReasonElement}},
			}
			wantCounts := catalogue.DiffCounts{ElementsRemoved: 1, ElementsChanged: 1, RequirementsAdded: 1, RequirementsRemoved: 1, RequirementsChanged: 2}

			plan, err := s.PlanActivation(ctx, second.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(plan.NotCarriedOver, wantLeft) {
				t.Errorf("dry run: not carried over\n got %+v\nwant %+v", plan.NotCarriedOver, wantLeft)
			}
			if plan.Diff.Counts != wantCounts || plan.Diff.From != "uji@1" || plan.Diff.To != "uji@2" || plan.Activated {
				t.Errorf("dry run: diff %s → %s %+v (activated %v), want %+v", plan.Diff.From, plan.Diff.To, plan.Diff.Counts, plan.Activated, wantCounts)
			}

			plan, err = s.Activate(ctx, second.ID, false, nil)
			if !errors.Is(err, standard.ErrConfirmRequired) || bukti.ErrorCode(err) != bukti.ECONFLICT {
				t.Fatalf("without confirm: %v (code %s), want ErrConfirmRequired, conflict", err, bukti.ErrorCode(err))
			}
			if id, en := bukti.ErrorMessage(err); !strings.Contains(id, "tidak dihapus") || !strings.Contains(en, "2 evidence records, 1 interviewees and 1 TDD marks of 2 facilities") ||
				!strings.Contains(en, "unreachable until a version that has their IDs is active again") {
				t.Errorf("refusal messages %q / %q", id, en)
			}
			if plan == nil || !reflect.DeepEqual(plan.NotCarriedOver, wantLeft) || plan.NotCarriedOver.EvidenceIDs()[0] != slot || plan.Activated {
				t.Errorf("refusal's plan = %+v, want the list above", plan)
			}
			if active, _ := s.Active(ctx); active.Version != "1" {
				t.Errorf("a refused activation changed the catalogue to %s", active.Version)
			}
			var audits []bukti.AuditEntry
			gdb.Where("action LIKE ?", "catalogue.%").Order("id").Find(&audits)
			if len(audits) != 3 { // two imports, one activation
				t.Errorf("a refused activation wrote audit rows: %+v", audits)
			}

			plan, err = s.Activate(ctx, second.ID, true, nil)
			if err != nil || !plan.Activated || !plan.Version.Active || !reflect.DeepEqual(plan.NotCarriedOver, wantLeft) {
				t.Fatalf("with confirm: %+v, %v", plan, err)
			}
			if active, _ := s.Active(ctx); active.Version != "2" {
				t.Errorf("after confirming, the catalogue is %s", active.Version)
			}
			var rows []bukti.AuditEntry
			gdb.Where("action IN ?", []string{"catalogue.activate", "catalogue.not_carried_over"}).Order("id").Find(&rows)
			if len(rows) != 4 {
				t.Fatalf("audit rows %+v, want two activations and one row per facility left behind", rows)
			}
			act, left1, left2 := rows[1], rows[2], rows[3]
			if act.Action != "catalogue.activate" || act.Before != "uji@1" || act.After != "uji@2" ||
				!strings.Contains(act.Summary, "not carried over (kept, unreachable): 2 evidence records, 1 interviewees, 1 TDD marks in 2 facilities") {
				t.Errorf("activation audit %+v", act)
			}
			for _, c := range []struct {
				row  bukti.AuditEntry
				fac  int64
				want []string
			}{
				{left1, f1, []string{"evidence " + itoa(slot) + " (1.1.1/a/D1 evaluasi)", "interviewees 1.1.1/a/W1 Masyarakat"}},
				{left2, f2, []string{"evidence " + itoa(gone) + " (1.1.1/b/D1)", "TDD 1.1.1/b"}},
			} {
				if c.row.Action != "catalogue.not_carried_over" || c.row.FacilityID == nil || *c.row.FacilityID != c.fac || c.row.ObjectID != itoa(second.ID) {
					t.Errorf("left-behind audit %+v, want facility %d", c.row, c.fac)
				}
				for _, w := range c.want {
					if !strings.Contains(c.row.Summary, w) {
						t.Errorf("left-behind audit of facility %d: %q lacks %q", c.fac, c.row.Summary, w)
					}
				}
			}
			var live int64
			gdb.Model(&bukti.Evidence{}).Where("deleted_at IS NULL").Count(&live)
			var people, tdd int64
			gdb.Model(&bukti.Interviewee{}).Count(&people)
			gdb.Model(&bukti.NotApplicable{}).Count(&tdd)
			if live != 5 || people != 2 || tdd != 1 {
				t.Errorf("after activation: %d live evidence, %d interviewees, %d TDD marks; want all kept (5, 2, 1)", live, people, tdd)
			}

			// Back to the first version: it reaches everything again, and
			// the second reached nothing the first lacks.
			plan, err = s.Activate(ctx, first.ID, false, nil)
			if err != nil || !plan.NotCarriedOver.Empty() || plan.Diff.Counts.ElementsAdded != 1 {
				t.Errorf("back to the first version: %+v, %v", plan, err)
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
