package db

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// migration is one schema change. Once released, a migration is never
// edited: add a new one.
type migration struct {
	version int
	name    string
	up      func(tx *gorm.DB) error
}

// migrations run in order, each once.
var migrations = []migration{
	{1, "initial schema", func(tx *gorm.DB) error {
		return tx.Migrator().AutoMigrate(
			&bukti.Province{}, &bukti.District{}, &bukti.Facility{},
			&bukti.User{}, &bukti.RoleBinding{}, &bukti.Session{}, &bukti.Survey{},
			&bukti.Evidence{}, &bukti.Revision{},
			&bukti.NotApplicable{}, &bukti.Interviewee{}, &bukti.AuditEntry{}, &bukti.CatalogueVersion{}, &bukti.ScoreSnapshot{},
		)
	}},
	{2, "survey visits", func(tx *gorm.DB) error {
		if err := tx.Migrator().AutoMigrate(
			&bukti.Survey{}, &bukti.SelfAssessment{}, &bukti.SnapshotItem{}, &bukti.SurveyScore{}, &bukti.PPSItem{},
		); err != nil {
			return err
		}
		// Surveys planned before leads existed: the first assigned
		// surveyor leads.
		return tx.Exec(`UPDATE surveys SET lead_id = (SELECT MIN(user_id) FROM role_bindings
			WHERE role_bindings.survey_id = surveys.id AND role_bindings.role = 'surveyor') WHERE lead_id IS NULL`).Error
	}},
	{3, "facility score cache", func(tx *gorm.DB) error {
		return tx.Migrator().AutoMigrate(&bukti.FacilityScore{})
	}},
	{4, "login throttles", func(tx *gorm.DB) error {
		return tx.Migrator().AutoMigrate(&bukti.LoginThrottle{})
	}},
	{5, "final survey teams", func(tx *gorm.DB) error {
		// The team of a final survey, as finalized (pkg/survey, team.go),
		// so that revoking a surveyor's role binding ends their access but
		// not their place on the record. Surveys final before this
		// migration could not lose surveyors: their bindings are the team.
		if err := tx.Exec(`CREATE TABLE survey_teams (survey_id BIGINT NOT NULL, user_id BIGINT NOT NULL,
			PRIMARY KEY (survey_id, user_id))`).Error; err != nil {
			return err
		}
		return tx.Exec(`INSERT INTO survey_teams (survey_id, user_id)
			SELECT DISTINCT role_bindings.survey_id, role_bindings.user_id FROM role_bindings
			JOIN surveys ON surveys.id = role_bindings.survey_id
			WHERE role_bindings.role = 'surveyor' AND surveys.state = 'final'`).Error
	}},
}

type schemaMigration struct {
	Version   int `gorm:"primaryKey;autoIncrement:false"`
	Name      string
	AppliedAt time.Time
}

// migrate applies every migration not yet recorded in schema_migrations.
// On PostgreSQL an advisory lock keeps app servers starting together from
// racing each other.
func migrate(ctx context.Context, gdb *gorm.DB) error {
	gdb = gdb.WithContext(ctx)
	if gdb.Dialector.Name() == "postgres" {
		// All of migrate runs on one pooled connection so the session lock
		// and its unlock meet.
		return gdb.Connection(func(conn *gorm.DB) error {
			if err := conn.Exec("SELECT pg_advisory_lock(7402913)").Error; err != nil {
				return fmt.Errorf("database: lock for migrations: %w", err)
			}
			defer conn.Exec("SELECT pg_advisory_unlock(7402913)")
			return applyPending(conn)
		})
	}
	return applyPending(gdb)
}

func applyPending(conn *gorm.DB) error {
	// Each statement starts from a clean session: the handle from
	// gorm.Connection would otherwise carry one statement's model into the
	// next.
	gdb := func() *gorm.DB { return conn.Session(&gorm.Session{NewDB: true}) }
	if err := gdb().AutoMigrate(&schemaMigration{}); err != nil {
		return fmt.Errorf("database: create schema_migrations: %w", err)
	}
	var done []int
	if err := gdb().Model(&schemaMigration{}).Pluck("version", &done).Error; err != nil {
		return fmt.Errorf("database: read schema_migrations: %w", err)
	}
	applied := map[int]bool{}
	for _, v := range done {
		applied[v] = true
	}
	for _, m := range migrations {
		if applied[m.version] {
			continue
		}
		err := gdb().Transaction(func(tx *gorm.DB) error {
			if err := m.up(tx); err != nil {
				return err
			}
			return tx.Session(&gorm.Session{NewDB: true}).Create(&schemaMigration{Version: m.version, Name: m.name, AppliedAt: time.Now().UTC()}).Error
		})
		if err != nil {
			return fmt.Errorf("database: migration %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}
