package auth

import (
	"context"
	"strings"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/testenv"
)

// TestUserDelete: an account that holds no part of the work is deleted
// with its roles, sessions and tokens, and audited; one that does, your
// own and the last admin are refused with a message saying why, and
// nothing changes.
func TestUserDelete(t *testing.T) {
	t.Parallel()
	for _, kind := range testenv.DatabaseKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			ctx := context.Background()
			now := e.clock.Now()
			admin := e.user("admin@dinkes.test")
			if _, err := e.svc.Grant(ctx, admin.ID, bukti.RoleBinding{Role: bukti.RoleAdmin}, nil); err != nil {
				t.Fatal(err)
			}
			p := bukti.Province{Code: "32", Name: "Jawa Barat", CreatedAt: now}
			e.db.Create(&p)
			d := bukti.District{Code: "3277", Name: "Kota Cimahi", ProvinceID: p.ID, CreatedAt: now}
			e.db.Create(&d)
			f := bukti.Facility{Code: "P1", Name: "Puskesmas Satu", DistrictID: d.ID, CreatedAt: now}
			e.db.Create(&f)

			unused := e.user("salah.ketik@puskesmas.test")
			if _, err := e.svc.Grant(ctx, unused.ID, bukti.RoleBinding{Role: bukti.RoleQualityTeam, FacilityID: &f.ID}, &admin.ID); err != nil {
				t.Fatal(err)
			}
			session := e.login(unused.Email)
			token, _ := e.token(unused.ID, 0)

			uploader := e.user("mutu@puskesmas.test")
			e.db.Create(&bukti.Evidence{FacilityID: f.ID, RequirementID: "2.1.2/a/R1", Title: "SK", CreatedBy: uploader.ID, CreatedAt: now, UpdatedAt: now})
			granter := e.user("kedua@dinkes.test")
			if _, err := e.svc.Grant(ctx, granter.ID, bukti.RoleBinding{Role: bukti.RoleAdmin}, &admin.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Grant(ctx, uploader.ID, bukti.RoleBinding{Role: bukti.RoleViewer, FacilityID: &f.ID}, &granter.ID); err != nil {
				t.Fatal(err)
			}
			surveyor := e.user("surveior@kars.test")
			sv := bukti.Survey{FacilityID: f.ID, Type: "initial", State: bukti.SurveySelfAssessment, CreatedBy: admin.ID, CreatedAt: now}
			e.db.Create(&sv)
			e.db.Create(&bukti.RoleBinding{UserID: surveyor.ID, Role: bukti.RoleSurveyor, SurveyID: &sv.ID, CreatedAt: now})

			refused := []struct {
				name     string
				id       int64
				by       *int64
				code     string
				id_, en_ string // in the messages
			}{
				{"your own account", admin.ID, &admin.ID, bukti.EINVALID, "akun Anda sendiri", "your own account"},
				{"an account that uploaded evidence", uploader.ID, &admin.ID, bukti.ECONFLICT, "masih tercatat pada 1 bukti", "1 evidence records"},
				{"an account that granted a role", granter.ID, &admin.ID, bukti.ECONFLICT, "1 peran yang diberikannya", "roles it granted"},
				{"a surveyor assigned to a visit", surveyor.ID, &admin.ID, bukti.ECONFLICT, "1 penugasan surveior", "surveyor assignments"},
				{"an account that is gone", 9999, &admin.ID, bukti.ENOTFOUND, "tidak ditemukan", "not found"},
			}
			for _, tc := range refused {
				t.Run(tc.name, func(t *testing.T) {
					before := e.auditCount("")
					err := e.svc.DeleteUser(ctx, tc.id, tc.by)
					id, en := bukti.ErrorMessage(err)
					if code(err) != tc.code || !strings.Contains(id, tc.id_) || !strings.Contains(en, tc.en_) {
						t.Errorf("DeleteUser = %v (%q), want %s saying %q", err, id, tc.code, tc.id_)
					}
					if e.auditCount("") != before {
						t.Error("a refused deletion wrote an audit row")
					}
				})
			}
			t.Run("the last admin", func(t *testing.T) {
				var bindings []bukti.RoleBinding
				e.db.Where("user_id = ? AND role = ?", granter.ID, bukti.RoleAdmin).Find(&bindings)
				if err := e.svc.Revoke(ctx, granter.ID, bindings[0].ID, nil); err != nil {
					t.Fatal(err)
				}
				err := e.svc.DeleteUser(ctx, admin.ID, nil)
				if id, _ := bukti.ErrorMessage(err); code(err) != bukti.ECONFLICT || !strings.Contains(id, "admin terakhir") {
					t.Errorf("deleting the last admin from the command line = %v, want a conflict", err)
				}
			})

			t.Run("an unused account", func(t *testing.T) {
				if err := e.svc.DeleteUser(ctx, unused.ID, &admin.ID); err != nil {
					t.Fatal(err)
				}
				var users, bindings, sessions int64
				e.db.Model(&bukti.User{}).Where("id = ?", unused.ID).Count(&users)
				e.db.Model(&bukti.RoleBinding{}).Where("user_id = ?", unused.ID).Count(&bindings)
				e.db.Model(&bukti.Session{}).Where("user_id = ?", unused.ID).Count(&sessions)
				if users+bindings+sessions != 0 {
					t.Errorf("left %d users, %d role bindings, %d sessions", users, bindings, sessions)
				}
				if e.authenticates(session) || e.authenticates(token) {
					t.Error("a session or token of the deleted account still works")
				}
				var row bukti.AuditEntry
				e.db.Where("action = ?", "user.delete").First(&row)
				if row.UserID == nil || *row.UserID != admin.ID || row.Summary != unused.Email ||
					!strings.Contains(row.Before, "quality_team facility=") {
					t.Errorf("audit row %+v", row)
				}
			})
		})
	}
}

// TestUserNewPassword: generated passwords are long, distinct and
// accepted.
func TestUserNewPassword(t *testing.T) {
	a, b := NewPassword(), NewPassword()
	if a == b || len(a) < 20 {
		t.Fatalf("NewPassword gave %q and %q", a, b)
	}
	s := &Service{Cost: 4}
	if _, err := s.HashPassword(a); err != nil {
		t.Errorf("a generated password is refused: %v", err)
	}
}
