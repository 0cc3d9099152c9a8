package sqlstore

// The access version (table access_version, migration 9): one random
// number naming the state of everything that decides who a session secret
// signs in and what they may see. Every unit of work that writes any of it
// stores a new number before it commits (Tx.accessChanged, called by this
// package's writes themselves), so a server that keeps signed-in
// principals in memory checks them with one read (DB.Versions), and a
// change made through any server sharing the database holds at the next
// request on every other.
//
// What changes the access version, by table: sessions ended (logout, token
// revoked, every session of a user ended, expired ones deleted); users
// created, disabled or enabled, given another password, deleted; role
// bindings granted or revoked; provinces, districts and facilities
// created, renamed, moved or deleted; surveys created or changing state.
// Opening a session does not: nobody can hold a principal of a secret that
// did not exist. Nor does recording when a session was last used.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gorm.io/gorm"
)

// AccessVersion identifies one state of the sessions, users, role
// bindings, organisation and surveys, as far as they decide who a secret
// signs in and what they may see. A random number: equal versions read at
// two times mean none of that changed in between (0 on a database where
// nothing changed it since migration 9).
type AccessVersion int64

// Versions are the versions a request reads before it uses what a server
// computed earlier: the access version and, when asked for one facility,
// the version of that facility's readiness inputs.
type Versions struct {
	Access AccessVersion
	// Readiness is the facility's readiness version (ReadinessVersionOf),
	// when Facility is true: the facility asked for exists.
	Readiness ReadinessVersion
	Facility  bool
	// Damage is whether any stored file content is known damaged and not
	// resolved (integrity.go's damaged_blobs): without any, no facility
	// has files to upload again (DamagedCurrentFiles) and the dashboard
	// need not ask.
	Damage bool
}

// accessChanged says that the unit wrote something the access version
// covers: a new access version is stored before the unit commits.
func (t *Tx) accessChanged() { t.access = true }

// bumpAccess stores a new access version, inside tx (a unit of work).
func bumpAccess(tx *gorm.DB) error {
	token := rand.Int64N(math.MaxInt64) + 1 // never 0
	res := tx.Exec("UPDATE access_version SET version = ? WHERE id = 1", token)
	if res.Error != nil {
		return fmt.Errorf("new access version: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return errors.New("new access version: table access_version has no row (migration 9)")
	}
	return nil
}

// versionsQuery reads the access version, one facility's readiness
// version (both primary-key reads) and whether any damage is unresolved
// (the small damaged_blobs table, empty but for rare damage), joined so
// that they are one statement.
const versionsQuery = `SELECT a.version, f.id, f.created_at, COALESCE(v.version, 0),
	EXISTS (SELECT 1 FROM damaged_blobs WHERE resolved_at IS NULL) FROM access_version a
	LEFT JOIN facilities f ON f.id = ? LEFT JOIN readiness_versions v ON v.facility_id = f.id WHERE a.id = 1`

// Versions reads, in one statement, the access version, for a facilityID
// above 0 the readiness version of that facility (Facility is false when
// there is no such facility), and whether any damage is unresolved. It is
// made to be asked before every use of a principal or a readiness kept in
// memory.
func (d *DB) Versions(ctx context.Context, facilityID int64) (Versions, error) {
	db := d.prepared
	if db == nil {
		db = d.gdb
	}
	// Prepared once per connection: on SQLite, preparing it took a third
	// of its time.
	row := db.WithContext(ctx).Raw(versionsQuery, facilityID).Row()
	var (
		out     Versions
		id      sql.NullInt64
		created sql.NullTime
	)
	err := row.Scan(&out.Access, &id, &created, &out.Readiness.Token, &out.Damage)
	if errors.Is(err, sql.ErrNoRows) {
		return Versions{}, errors.New("read versions: table access_version has no row (migration 9)")
	}
	if err != nil {
		// As SessionWithUser: a database that is down reads as unavailable.
		return Versions{}, classifyDriver(err)
	}
	if out.Facility = id.Valid; !out.Facility {
		out.Readiness = ReadinessVersion{}
	} else if created.Valid {
		out.Readiness.Created = created.Time.UnixMicro()
	}
	return out, nil
}
