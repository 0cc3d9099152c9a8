package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// TestAccessWritesChangeTheVersion runs every write of what decides who a
// secret signs in and what they may see, each in a unit of its own, and
// checks that each one — and only those — stores a new access version,
// and that the readiness version read in the same statement is the one
// ReadinessVersionOf reads.
func TestAccessWritesChangeTheVersion(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		st := sqlstore.New(e.db, fixedNow)
		by := user
		district, err := st.Facility(ctx, e.f1)
		if err != nil {
			t.Fatal(err)
		}
		did := district.DistrictID
		u := bukti.User{Email: "sari@example.id", Name: "Sari", PasswordHash: "x"}
		exp := fixedNow().Add(time.Hour)
		sess := bukti.Session{TokenHash: "h1", Kind: bukti.SessionLogin, ExpiresAt: &exp}
		sess2 := bukti.Session{TokenHash: "h2", Kind: bukti.SessionToken}
		old := fixedNow().Add(-time.Hour)
		expired := bukti.Session{TokenHash: "h3", Kind: bukti.SessionLogin, ExpiresAt: &old}
		var binding bukti.RoleBinding
		sv := bukti.Survey{FacilityID: e.f1, Type: "initial", State: bukti.SurveyPlanned, CreatedBy: user}
		prov := bukti.Province{Code: "33", Name: "Jawa Tengah"}
		dist := bukti.District{Code: "3301", Name: "Cilacap"}
		fac := bukti.Facility{Code: "P3301", Name: "Puskesmas Baru", DistrictID: did}
		writes := []struct {
			name    string
			write   func(tx *sqlstore.Tx) error
			changes bool
		}{
			{"create user", func(tx *sqlstore.Tx) error { return tx.CreateUser(&u) }, true},
			{"open a session", func(tx *sqlstore.Tx) error {
				for _, s := range []*bukti.Session{&sess, &sess2, &expired} {
					s.UserID = u.ID
					if err := tx.CreateSession(s); err != nil {
						return err
					}
				}
				return nil
			}, false},
			{"session used", func(tx *sqlstore.Tx) error { return tx.SessionUsed(sess.ID, fixedNow()) }, false},
			{"reads", func(tx *sqlstore.Tx) error {
				_, err := tx.AuthzScope(u.ID)
				return err
			}, false},
			{"grant a role", func(tx *sqlstore.Tx) error {
				binding = bukti.RoleBinding{UserID: u.ID, Role: bukti.RoleSupervisor, DistrictID: &did}
				return tx.CreateRoleBinding(&binding)
			}, true},
			{"revoke a role", func(tx *sqlstore.Tx) error { return tx.DeleteRoleBinding(binding.ID) }, true},
			{"disable user", func(tx *sqlstore.Tx) error { return tx.SetUserDisabled(u.ID, true) }, true},
			{"new password", func(tx *sqlstore.Tx) error { return tx.SetUserPassword(u.ID, "y") }, true},
			{"delete expired sessions", func(tx *sqlstore.Tx) error { _, err := tx.DeleteExpiredSessions(fixedNow()); return err }, true},
			{"delete expired sessions, none left", func(tx *sqlstore.Tx) error { _, err := tx.DeleteExpiredSessions(fixedNow()); return err }, false},
			{"logout", func(tx *sqlstore.Tx) error { _, err := tx.DeleteSession(sess.ID); return err }, true},
			{"logout of a session gone", func(tx *sqlstore.Tx) error { _, err := tx.DeleteSession(sess.ID); return err }, false},
			{"end every session of a user", func(tx *sqlstore.Tx) error { return tx.DeleteUserSessions(u.ID) }, true},
			{"create province", func(tx *sqlstore.Tx) error { return tx.CreateProvince(&prov) }, true},
			{"create district", func(tx *sqlstore.Tx) error { dist.ProvinceID = prov.ID; return tx.CreateDistrict(&dist) }, true},
			{"create facility", func(tx *sqlstore.Tx) error { return tx.CreateFacility(&fac) }, true},
			{"move facility", func(tx *sqlstore.Tx) error { return tx.UpdateFacility(fac.ID, fac.Code, fac.Name, dist.ID) }, true},
			{"rename district", func(tx *sqlstore.Tx) error { return tx.RenameOrg("district", dist.ID, "Kabupaten Cilacap") }, true},
			{"delete facility", func(tx *sqlstore.Tx) error { return tx.DeleteOrg("facility", fac.ID) }, true},
			{"create survey", func(tx *sqlstore.Tx) error { return tx.CreateSurvey(&sv) }, true},
			{"survey state", func(tx *sqlstore.Tx) error { return tx.SetSurveyState(&sv, bukti.SurveySelfAssessment) }, true},
			{"survey submitted", func(tx *sqlstore.Tx) error { return tx.SetSurveySubmitted(&sv, bukti.SurveyInReview, fixedNow()) }, true},
			{"survey final", func(tx *sqlstore.Tx) error {
				at := fixedNow()
				sv.State, sv.FinalizedAt, sv.FinalizedBy = bukti.SurveyFinal, &at, &u.ID
				return tx.SetSurveyFinal(&sv)
			}, true},
			{"readiness input", func(tx *sqlstore.Tx) error { return mark(tx, e.f1) }, false},
			{"delete user", func(tx *sqlstore.Tx) error { return tx.DeleteUser(u.ID) }, true},
			{"failed unit", func(tx *sqlstore.Tx) error {
				if err := tx.SetUserDisabled(u.ID, false); err != nil {
					return err
				}
				return errors.New("refused")
			}, false},
		}
		seen := map[sqlstore.AccessVersion]bool{}
		for _, w := range writes {
			before, err := st.AccessVersionOf(ctx)
			if err != nil {
				t.Fatal(err)
			}
			seen[before] = true
			err = e.ev.Run(ctx, &by, w.write)
			if err != nil && w.name != "failed unit" {
				t.Fatalf("%s: %v", w.name, err)
			}
			after, err := st.Versions(ctx, e.f1)
			if err != nil {
				t.Fatal(err)
			}
			if changed := after.Access != before; changed != w.changes {
				t.Errorf("%s: access version changed %v, want %v", w.name, changed, w.changes)
			}
			if w.changes && seen[after.Access] {
				t.Errorf("%s: new access version %d seen before", w.name, after.Access)
			}
			want, err := st.ReadinessVersionOf(ctx, e.f1)
			if err != nil {
				t.Fatal(err)
			}
			if !after.Facility || after.Readiness != want {
				t.Errorf("%s: Versions read facility %v readiness %+v, ReadinessVersionOf %+v", w.name, after.Facility, after.Readiness, want)
			}
		}
		for _, d := range []struct {
			name   string
			write  func(tx *sqlstore.Tx) error
			damage bool
		}{
			{"damage recorded", func(tx *sqlstore.Tx) error { return tx.RecordDamage("ab", "missing", "fsck", "") }, true},
			{"damage resolved", func(tx *sqlstore.Tx) error {
				_, err := tx.ResolveDamage([]string{"ab"}, fixedNow().Add(time.Hour), "healthy")
				return err
			}, false},
		} {
			if err := e.ev.Run(ctx, &by, d.write); err != nil {
				t.Fatalf("%s: %v", d.name, err)
			}
			if vs, err := st.Versions(ctx, e.f1); err != nil || vs.Damage != d.damage {
				t.Errorf("%s: Versions read damage %v (%v), want %v", d.name, vs.Damage, err, d.damage)
			}
		}
		if vs, err := st.Versions(ctx, 1<<40); err != nil || vs.Facility || vs.Readiness != (sqlstore.ReadinessVersion{}) {
			t.Errorf("Versions of a facility that does not exist: %+v, %v", vs, err)
		}
		if vs, err := st.Versions(ctx, 0); err != nil || vs.Facility {
			t.Errorf("Versions of no facility: %+v, %v", vs, err)
		}
	})
}
