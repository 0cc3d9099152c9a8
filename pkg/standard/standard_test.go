package standard_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/criteria"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/standard"
	"github.com/bukti-id/bukti/pkg/stdimport"
	"github.com/bukti-id/bukti/pkg/testenv"
)

func readWorkbook(data []byte) func(stdimport.Options) (*catalogue.Catalogue, stdimport.Report, error) {
	return func(opt stdimport.Options) (*catalogue.Catalogue, stdimport.Report, error) {
		return stdimport.Import(bytes.NewReader(data), opt)
	}
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
			gdb.Create(&bukti.Province{Code: "32", Name: "Jawa Barat"})
			gdb.Create(&bukti.District{Code: "3277", Name: "Kota Cimahi", ProvinceID: 1})
			gdb.Create(&bukti.Facility{Code: "P1", Name: "P1", DistrictID: 1})
			for _, req := range []string{"2.1.2/a/R1", "2.1.2/a/D2", "2.1.2/a/D2"} {
				gdb.Create(&bukti.Evidence{FacilityID: 1, RequirementID: req, Title: "x", Review: bukti.ReviewPending, CreatedBy: 1})
			}

			res, err := s.Import(ctx, criteria.MustBuiltin(), "2026.1", "", nil, readWorkbook(testenv.SelfAssessment(t)))
			if err != nil {
				t.Fatal(err)
			}
			if res.Counts.Elements != 3 || res.Version.Active || !strings.Contains(res.Version.Summary, "3 EP") {
				t.Errorf("import = counts %+v, version %+v", res.Counts, res.Version)
			}
			if len(res.Orphans) != 1 || res.Orphans[0].RequirementID != "2.1.2/a/D2" || res.Orphans[0].Count != 2 {
				t.Errorf("orphans = %+v, want 2 records of 2.1.2/a/D2", res.Orphans)
			}
			if _, err := s.Import(ctx, criteria.MustBuiltin(), "2026.1", "", nil, readWorkbook(testenv.SelfAssessment(t))); bukti.ErrorCode(err) != bukti.ECONFLICT {
				t.Errorf("same version twice: %v, want a conflict", err)
			}
			if _, err := s.Import(ctx, criteria.MustBuiltin(), "2026.2", "", nil, readWorkbook([]byte("bukan xlsx"))); bukti.ErrorCode(err) != bukti.EINVALID {
				t.Errorf("not a workbook: %v, want invalid", err)
			}
			if active, _ := s.Active(ctx); active.Version != criteria.MustBuiltin().Version {
				t.Errorf("an import changed the catalogue in use to %s", active.Version)
			}
			if _, err := s.Activate(ctx, res.Version.ID, nil); err != nil {
				t.Fatal(err)
			}
			active, err = s.Active(ctx)
			if err != nil || active.Version != "2026.1" || active.Counts().Kriteria != 2 {
				t.Errorf("after activating, Active = %+v, %v", active, err)
			}
			if _, err := s.Activate(ctx, 999, nil); bukti.ErrorCode(err) != bukti.ENOTFOUND {
				t.Errorf("activating an unknown version: %v", err)
			}
			vs, _ := s.List(ctx)
			if len(vs) != 1 || !vs[0].Active {
				t.Errorf("versions = %+v", vs)
			}
		})
	}
}
