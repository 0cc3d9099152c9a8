package org_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/org"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
)

var now = time.Date(2025, time.March, 10, 2, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return now }

const admin int64 = 7

// newOrg is an org service on a fresh database with province 32 and
// district 3277.
func newOrg(t *testing.T, kind string) (*org.Service, *gorm.DB) {
	t.Helper()
	gdb := testenv.OpenDB(t, kind)
	o := &org.Service{Store: sqlstore.New(gdb, fixedNow), Now: fixedNow}
	by := admin
	if _, err := o.CreateProvince(context.Background(), "32", "Jawa Barat", &by); err != nil {
		t.Fatalf("create province: %v", err)
	}
	if _, err := o.CreateDistrict(context.Background(), "3277", "Kota Cimahi", "32", &by); err != nil {
		t.Fatalf("create district: %v", err)
	}
	return o, gdb
}

func forEachDB(t *testing.T, fn func(t *testing.T, kind string)) {
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			fn(t, kind)
		})
	}
}

func code(err error) string {
	var e *bukti.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func auditRows(t *testing.T, gdb *gorm.DB, action string) []bukti.AuditEntry {
	t.Helper()
	var rows []bukti.AuditEntry
	if err := gdb.Where("action = ?", action).Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestLifecycle: create, read, update, rename and delete a facility, each
// change with its audit row carrying the unit's clock, actor and request.
func TestLifecycle(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, kind string) {
		o, gdb := newOrg(t, kind)
		ctx := audit.WithRequest(context.Background(), audit.Request{ID: "req-1", ClientIP: "192.0.2.7"})
		by := admin
		f, err := o.CreateFacility(ctx, org.FacilityInput{Code: " P1 ", Name: "Puskesmas Satu", DistrictCode: "3277"}, &by)
		if err != nil {
			t.Fatalf("CreateFacility: %v", err)
		}
		if _, err := o.CreateFacility(ctx, org.FacilityInput{Code: "P1", Name: "Lagi", DistrictCode: "3277"}, &by); code(err) != bukti.ECONFLICT {
			t.Errorf("duplicate code: %v, want a conflict", err)
		}
		got, err := o.FacilityByCode(ctx, " P1")
		if err != nil || got.ID != f.ID || got.District == nil || got.District.Province == nil || got.District.Province.Code != "32" {
			t.Fatalf("FacilityByCode = %+v, %v", got, err)
		}
		// Facility reads the district and province with the facility
		// (one statement with joins).
		if got, err := o.Facility(ctx, f.ID); err != nil || got.ID != f.ID || got.Name != "Puskesmas Satu" || got.District == nil ||
			got.District.Code != "3277" || got.District.Province == nil || got.District.Province.Code != "32" || got.District.Province.ID == 0 {
			t.Fatalf("Facility = %+v, %v", got, err)
		}
		if _, err := o.Facility(ctx, f.ID+100); code(err) != bukti.ENOTFOUND {
			t.Errorf("Facility(missing) = %v, want not found", err)
		}
		if _, err := o.CreateDistrict(ctx, "3273", "Kota Bandung", "32", &by); err != nil {
			t.Fatal(err)
		}
		up, err := o.UpdateFacility(ctx, f.ID, org.FacilityInput{Name: "Puskesmas Satu Baru", DistrictCode: "3273"}, &by)
		if err != nil || up.Name != "Puskesmas Satu Baru" || up.District.Code != "3273" || up.Code != "P1" {
			t.Fatalf("UpdateFacility = %+v, %v", up, err)
		}
		if err := o.Rename(ctx, "facility", f.ID, "Puskesmas Satu", &by); err != nil {
			t.Fatalf("Rename: %v", err)
		}
		if err := o.Rename(ctx, "district", 9999, "X", &by); code(err) != bukti.ENOTFOUND {
			t.Errorf("Rename(missing) = %v, want not found", err)
		}
		if err := o.Rename(ctx, "planet", 1, "X", &by); err == nil {
			t.Error("Rename of an unknown kind succeeded")
		}
		all, err := o.Facilities(ctx, true, nil)
		if err != nil || len(all) != 1 || all[0].Name != "Puskesmas Satu" {
			t.Errorf("Facilities(all) = %+v, %v", all, err)
		}
		if none, err := o.Facilities(ctx, false, nil); err != nil || len(none) != 0 {
			t.Errorf("Facilities(none) = %+v, %v", none, err)
		}
		if err := o.Delete(ctx, "facility", f.ID, &by); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := o.Facility(ctx, f.ID); code(err) != bukti.ENOTFOUND {
			t.Errorf("deleted facility: %v", err)
		}

		for _, c := range []struct{ action, before, after string }{
			{"facility.create", "", ""},
			{"facility.update", "P1 Puskesmas Satu (3277)", "P1 Puskesmas Satu Baru (3273)"},
			{"facility.rename", "Puskesmas Satu Baru", "Puskesmas Satu"},
			{"facility.delete", "P1 Puskesmas Satu", ""},
		} {
			rows := auditRows(t, gdb, c.action)
			if len(rows) != 1 {
				t.Errorf("%s: %d audit rows, want 1", c.action, len(rows))
				continue
			}
			r := rows[0]
			if r.Before != c.before || r.After != c.after || r.ObjectID == "" || r.ObjectType != "facility" {
				t.Errorf("%s: %+v, want before %q after %q", c.action, r, c.before, c.after)
			}
			if r.UserID == nil || *r.UserID != admin || !r.At.Equal(now) || r.RequestID != "req-1" || r.ClientIP != "192.0.2.7" {
				t.Errorf("%s: user %v at %v request %q ip %q", c.action, r.UserID, r.At, r.RequestID, r.ClientIP)
			}
			if c.action != "facility.delete" && (r.FacilityID == nil || *r.FacilityID != f.ID) {
				t.Errorf("%s: facility %v, want %d", c.action, r.FacilityID, f.ID)
			}
		}
	})
}

// TestDeleteReferenced: what still refers to a row blocks its deletion,
// with a message naming it, and nothing is deleted or audited.
func TestDeleteReferenced(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, kind string) {
		o, gdb := newOrg(t, kind)
		ctx := context.Background()
		d, err := o.DistrictByCode(ctx, "3277")
		if err != nil {
			t.Fatal(err)
		}
		err = o.Delete(ctx, "province", d.ProvinceID, nil)
		if code(err) != bukti.ECONFLICT || !strings.Contains(err.Error(), "kabupaten/kota") && !strings.Contains(err.Error(), "districts") {
			t.Errorf("Delete(province with a district) = %v, want a conflict naming districts", err)
		}
		u := bukti.User{Email: "x@dinkes.test", Name: "X", PasswordHash: "x", CreatedAt: now}
		if err := gdb.Create(&u).Error; err != nil {
			t.Fatal(err)
		}
		if err := gdb.Create(&bukti.RoleBinding{UserID: u.ID, Role: bukti.RoleAdmin, DistrictID: &d.ID, CreatedAt: now}).Error; err != nil {
			t.Fatal(err)
		}
		err = o.Delete(ctx, "district", d.ID, nil)
		if id, en := bukti.ErrorMessage(err); code(err) != bukti.ECONFLICT || !strings.Contains(id, "1 peran pengguna") || !strings.Contains(en, "1 role bindings") {
			t.Errorf("Delete(district with a role binding) = %v, want a conflict naming 1 role binding", err)
		}
		if _, err := o.DistrictByCode(ctx, "3277"); err != nil {
			t.Errorf("district gone after a refused delete: %v", err)
		}
		if rows := auditRows(t, gdb, "district.delete"); len(rows) != 0 {
			t.Errorf("refused delete audited: %+v", rows)
		}
		if err := o.Delete(ctx, "district", 9999, nil); code(err) != bukti.ENOTFOUND {
			t.Errorf("Delete(missing) = %v, want not found", err)
		}
	})
}

// TestImport: a file with a row whose code is taken in the database
// imports nothing and names the row; a good file imports every row, each
// audited.
func TestImport(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, kind string) {
		o, gdb := newOrg(t, kind)
		ctx := context.Background()
		by := admin
		if _, err := o.CreateFacility(ctx, org.FacilityInput{Code: "P9", Name: "Sembilan", DistrictCode: "3277"}, &by); err != nil {
			t.Fatal(err)
		}
		res, err := o.ImportFacilities(ctx, strings.NewReader("code;name;district\nP1;Satu;3277\nP9;Lagi;3277\n"), &by)
		if err != nil || len(res.Errors) != 1 || res.Errors[0].Row != 3 || !strings.Contains(res.Errors[0].Reason, "sudah terdaftar") {
			t.Errorf("import of a taken code = %+v, %v, want row 3 refused", res, err)
		}
		if _, err := o.FacilityByCode(ctx, "P1"); code(err) != bukti.EINVALID {
			t.Errorf("a refused import added P1: %v", err)
		}
		res, err = o.ImportFacilities(ctx, strings.NewReader("code,name,district\nP1,Satu,3277\nP2,Dua,3277\n"), &by)
		if err != nil || res.Created != 2 || len(res.Errors) != 0 {
			t.Fatalf("import = %+v, %v", res, err)
		}
		rows := auditRows(t, gdb, "facility.create")
		if len(rows) != 3 || !strings.HasSuffix(rows[2].Summary, "(import)") || rows[2].UserID == nil || *rows[2].UserID != admin {
			t.Errorf("audit rows = %+v, want 3, the imported ones marked (import)", rows)
		}
	})
}
