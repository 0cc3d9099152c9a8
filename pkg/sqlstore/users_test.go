package sqlstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// TestUserReferrers: each kind of row that records a user's work is
// counted under its own referrer name and under no other, whichever of
// its columns names the user; a user's own role bindings count only as
// surveyor assignments; DeleteUser takes the user with their bindings and
// sessions.
func TestUserReferrers(t *testing.T) {
	t.Parallel()
	referrers := []string{"evidence", "revision", "not_applicable", "interviewee", "survey", "survey_team",
		"survey_assignment", "self_assessment", "snapshot_review", "survey_score", "pps_item", "catalogue_version", "granted_role"}
	forEachDB(t, func(t *testing.T, e *env) {
		users := map[string]int64{}
		for _, name := range append([]string{"other", "own roles only"}, referrers...) {
			u := bukti.User{Email: name + "@puskesmas.test", Name: name, PasswordHash: "x", CreatedAt: now}
			if err := e.db.Create(&u).Error; err != nil {
				t.Fatal(err)
			}
			users[name] = u.ID
		}
		other := users["other"]
		ptr := func(v int64) *int64 { return &v }
		ev := bukti.Evidence{FacilityID: e.f1, RequirementID: "2.1.2/a/R1", Title: "SK", CreatedBy: other, CreatedAt: now, UpdatedAt: now}
		sv := bukti.Survey{FacilityID: e.f1, Type: "initial", State: bukti.SurveyInReview, CreatedBy: other, CreatedAt: now}
		for _, row := range []any{&ev, &sv} {
			if err := e.db.Create(row).Error; err != nil {
				t.Fatal(err)
			}
		}
		rows := map[string]func(uid int64) error{
			"evidence": func(uid int64) error {
				return e.db.Create(&bukti.Evidence{FacilityID: e.f1, RequirementID: "2.1.2/a/R2", Title: "SOP", CreatedBy: other, DeletedBy: &uid, CreatedAt: now, UpdatedAt: now}).Error
			},
			"revision": func(uid int64) error {
				return e.db.Create(&bukti.Revision{EvidenceID: ev.ID, Number: 1, SHA256: "ab", Size: 1, ContentType: "application/pdf", FileName: "sk.pdf", UploadedBy: uid, CreatedAt: now}).Error
			},
			"not_applicable": func(uid int64) error {
				return e.db.Create(&bukti.NotApplicable{FacilityID: e.f1, ElementID: "2.1.2/c", Reason: "tidak ada", SetBy: uid, CreatedAt: now}).Error
			},
			"interviewee": func(uid int64) error {
				return e.db.Create(&bukti.Interviewee{FacilityID: e.f1, RequirementID: "2.1.2/a/W1", Role: "Kepala", Name: "Bu Ani", UpdatedBy: uid, UpdatedAt: now}).Error
			},
			"survey": func(uid int64) error {
				return e.db.Create(&bukti.Survey{FacilityID: e.f1, Type: "initial", State: bukti.SurveyFinal, CreatedBy: other, FinalizedBy: &uid, CreatedAt: now}).Error
			},
			"survey_team": func(uid int64) error {
				return e.db.Table("survey_teams").Create(map[string]any{"survey_id": sv.ID, "user_id": uid}).Error
			},
			"survey_assignment": func(uid int64) error {
				return e.db.Create(&bukti.RoleBinding{UserID: uid, Role: bukti.RoleSurveyor, SurveyID: &sv.ID, CreatedAt: now}).Error
			},
			"self_assessment": func(uid int64) error {
				return e.db.Create(&bukti.SelfAssessment{SurveyID: sv.ID, ElementID: "2.1.2/a", Score: 10, UpdatedBy: uid, UpdatedAt: now}).Error
			},
			"snapshot_review": func(uid int64) error {
				return e.db.Create(&bukti.SnapshotItem{SurveyID: sv.ID, EvidenceID: ev.ID, RevisionID: 1, RevisionNumber: 1, RequirementID: "2.1.2/a/R1",
					Title: "SK", FileName: "sk.pdf", ContentType: "application/pdf", Size: 1, SHA256: "ab", ReviewedBy: &uid}).Error
			},
			"survey_score": func(uid int64) error {
				return e.db.Create(&bukti.SurveyScore{SurveyID: sv.ID, ElementID: "2.1.2/a", SurveyorID: uid, Score: 10, UpdatedBy: uid, UpdatedAt: now}).Error
			},
			"pps_item": func(uid int64) error {
				return e.db.Create(&bukti.PPSItem{SurveyID: sv.ID, ElementID: "2.1.2/b", Score: 5, Recommendation: "lengkapi", UpdatedBy: &uid}).Error
			},
			"catalogue_version": func(uid int64) error {
				return e.db.Create(&bukti.CatalogueVersion{CatalogueID: "pkp-2023", Version: "2026.1", Title: "x", Document: "{}", CreatedBy: &uid, CreatedAt: now}).Error
			},
			"granted_role": func(uid int64) error {
				return e.db.Create(&bukti.RoleBinding{UserID: other, Role: bukti.RoleViewer, FacilityID: &e.f1, CreatedBy: &uid, CreatedAt: now}).Error
			},
		}
		own := users["own roles only"]
		for _, b := range []bukti.RoleBinding{{UserID: own, Role: bukti.RoleQualityTeam, FacilityID: ptr(e.f1), CreatedBy: ptr(own)}, {UserID: own, Role: bukti.RoleAdmin}} {
			b.CreatedAt = now
			if err := e.db.Create(&b).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := e.db.Create(&bukti.Session{TokenHash: "h-own", Kind: bukti.SessionLogin, UserID: own, CreatedAt: now}).Error; err != nil {
			t.Fatal(err)
		}
		for _, ref := range referrers {
			if err := rows[ref](users[ref]); err != nil {
				t.Fatalf("%s: %v", ref, err)
			}
		}
		st := sqlstore.New(e.db, fixedNow)
		ctx := context.Background()
		for _, name := range append([]string{"own roles only"}, referrers...) {
			t.Run(name, func(t *testing.T) {
				err := st.Run(ctx, nil, func(tx *sqlstore.Tx) error {
					for _, ref := range referrers {
						n, err := tx.CountUserReferrers(users[name], ref)
						if err != nil {
							return err
						}
						if want := map[bool]int64{true: 1}[ref == name]; n != want {
							t.Errorf("CountUserReferrers(%s) = %d, want %d", ref, n, want)
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			})
		}
		if err := st.Run(ctx, nil, func(tx *sqlstore.Tx) error {
			if _, err := tx.CountUserReferrers(own, "nothing"); err == nil {
				return fmt.Errorf("an unknown referrer is no error")
			}
			return tx.DeleteUser(own)
		}); err != nil {
			t.Fatal(err)
		}
		for _, m := range []any{&bukti.User{}, &bukti.RoleBinding{}, &bukti.Session{}} {
			var n int64
			q := e.db.Model(m).Where("user_id = ?", own)
			if _, isUser := m.(*bukti.User); isUser {
				q = e.db.Model(m).Where("id = ?", own)
			}
			if q.Count(&n); n != 0 {
				t.Errorf("%T rows of the deleted user: %d", m, n)
			}
		}
	})
}
