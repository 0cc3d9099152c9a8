package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// Accounts, sessions and role bindings: the tables of package auth. Emails
// are matched as given; normalizing them is the caller's rule.

// User returns the user with an ID, or ErrNotFound.
func (d *DB) User(ctx context.Context, id int64) (*bukti.User, error) {
	var u bukti.User
	if err := d.gdb.WithContext(ctx).First(&u, id).Error; err != nil {
		return nil, err
	}
	return &u, nil
}

// UserByEmail returns the user with an email address, or ErrNotFound.
func (d *DB) UserByEmail(ctx context.Context, email string) (*bukti.User, error) {
	var u bukti.User
	if err := d.gdb.WithContext(ctx).Where("email = ?", email).Take(&u).Error; err != nil {
		return nil, err
	}
	return &u, nil
}

// Users lists every user, by email.
func (d *DB) Users(ctx context.Context) ([]bukti.User, error) {
	out := []bukti.User{}
	return out, d.gdb.WithContext(ctx).Order("email").Find(&out).Error
}

// UserCount counts the users.
func (d *DB) UserCount(ctx context.Context) (int64, error) {
	var n int64
	return n, d.gdb.WithContext(ctx).Model(&bukti.User{}).Count(&n).Error
}

// CreateUser stores a new user, filling its ID. An email already
// registered is ErrDuplicate.
func (t *Tx) CreateUser(u *bukti.User) error {
	t.accessChanged()
	return t.db.Create(u).Error
}

// UserExists reports whether a user with an ID exists.
func (t *Tx) UserExists(id int64) (bool, error) {
	var n int64
	err := t.db.Model(&bukti.User{}).Where("id = ?", id).Count(&n).Error
	return n > 0, err
}

// SetUserDisabled sets the disabled flag of a user.
func (t *Tx) SetUserDisabled(id int64, disabled bool) error {
	t.accessChanged()
	return t.db.Model(&bukti.User{}).Where("id = ?", id).Update("disabled", disabled).Error
}

// SetUserPassword sets the password hash of a user.
func (t *Tx) SetUserPassword(id int64, hash string) error {
	t.accessChanged()
	return t.db.Model(&bukti.User{}).Where("id = ?", id).Update("password_hash", hash).Error
}

// CreateSession stores a new login session or API token, filling its ID.
// It leaves the access version as it is: no server can hold the principal
// of a secret that did not exist.
func (t *Tx) CreateSession(s *bukti.Session) error {
	return t.db.Create(s).Error
}

// SessionWithUser returns the session or token whose secret has a hash,
// with its User loaded (nil if the user is gone), or ErrNotFound.
func (d *DB) SessionWithUser(ctx context.Context, tokenHash string) (*bukti.Session, error) {
	// One statement (a join) scanned by hand: every request reads it, and
	// gorm's reflection over the joined columns cost more than the query.
	row := d.gdb.WithContext(ctx).Raw(`SELECT s.id, s.token_hash, s.kind, s.name, s.user_id, s.expires_at, s.last_used_at, s.created_at,
		u.id, u.email, u.name, u.password_hash, u.disabled, u.created_at
		FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, tokenHash).Row()
	var (
		s                     bukti.Session
		created, userCreated  sql.NullTime
		userID                sql.NullInt64
		email, name, password sql.NullString
		disabled              sql.NullBool
	)
	err := row.Scan(&s.ID, &s.TokenHash, &s.Kind, &s.Name, &s.UserID, &s.ExpiresAt, &s.LastUsedAt, &created,
		&userID, &email, &name, &password, &disabled, &userCreated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		// A Row defers its statement's failure to Scan, after gorm's
		// callbacks have classified nothing: a database that is down
		// must still read as unavailable (503), not as an internal error.
		return nil, classifyDriver(err)
	}
	s.CreatedAt = created.Time
	if userID.Valid {
		s.User = &bukti.User{ID: userID.Int64, Email: email.String, Name: name.String, PasswordHash: password.String,
			Disabled: disabled.Bool, CreatedAt: userCreated.Time}
	}
	return &s, nil
}

// SessionByTokenHash returns the session or token whose secret has a
// hash, without its User, or ErrNotFound.
func (t *Tx) SessionByTokenHash(tokenHash string) (*bukti.Session, error) {
	var s bukti.Session
	if err := t.db.Where("token_hash = ?", tokenHash).Take(&s).Error; err != nil {
		return nil, err
	}
	return &s, nil
}

// SessionUsed records that a session or token was used at a time
// (bookkeeping: the access version stays).
func (t *Tx) SessionUsed(id int64, at time.Time) error {
	return t.db.Model(&bukti.Session{}).Where("id = ?", id).Update("last_used_at", at).Error
}

// DeleteSession deletes a session or token by ID and reports whether it
// was still there.
func (t *Tx) DeleteSession(id int64) (bool, error) {
	res := t.db.Delete(&bukti.Session{}, id)
	if res.RowsAffected > 0 {
		t.accessChanged()
	}
	return res.RowsAffected > 0, res.Error
}

// DeleteUserSessions deletes every login session and API token of a user.
func (t *Tx) DeleteUserSessions(userID int64) error {
	t.accessChanged()
	return t.db.Where("user_id = ?", userID).Delete(&bukti.Session{}).Error
}

// DeleteExpiredSessions deletes the sessions and tokens that expired at or
// before now, and returns how many it deleted.
func (t *Tx) DeleteExpiredSessions(now time.Time) (int64, error) {
	res := t.db.Where("expires_at IS NOT NULL AND expires_at <= ?", now).Delete(&bukti.Session{})
	if res.RowsAffected > 0 {
		t.accessChanged()
	}
	return res.RowsAffected, res.Error
}

// APITokens lists a user's personal API tokens, by ID.
func (d *DB) APITokens(ctx context.Context, userID int64) ([]bukti.Session, error) {
	out := []bukti.Session{}
	return out, d.gdb.WithContext(ctx).Where("user_id = ? AND kind = ?", userID, bukti.SessionToken).Order("id").Find(&out).Error
}

// APIToken returns the personal API token tokenID of a user, or
// ErrNotFound (also when that ID is another user's, or a login session).
func (t *Tx) APIToken(userID, tokenID int64) (*bukti.Session, error) {
	var s bukti.Session
	if err := t.db.Where("id = ? AND user_id = ? AND kind = ?", tokenID, userID, bukti.SessionToken).Take(&s).Error; err != nil {
		return nil, err
	}
	return &s, nil
}

// RoleBindings lists a user's role bindings, by ID.
func (d *DB) RoleBindings(ctx context.Context, userID int64) ([]bukti.RoleBinding, error) {
	return roleBindings(d.gdb.WithContext(ctx), userID)
}

// AllRoleBindings lists every user's role bindings, by ID.
func (d *DB) AllRoleBindings(ctx context.Context) ([]bukti.RoleBinding, error) {
	out := []bukti.RoleBinding{}
	return out, d.gdb.WithContext(ctx).Order("id").Find(&out).Error
}

// roleBindings lists a user's role bindings, by ID, on db.
func roleBindings(db *gorm.DB, userID int64) ([]bukti.RoleBinding, error) {
	out := []bukti.RoleBinding{}
	return out, db.Where("user_id = ?", userID).Order("id").Find(&out).Error
}

// RoleBinding returns the role binding bindingID of a user, or
// ErrNotFound (also when that ID is another user's).
func (t *Tx) RoleBinding(userID, bindingID int64) (*bukti.RoleBinding, error) {
	var b bukti.RoleBinding
	if err := t.db.Where("id = ? AND user_id = ?", bindingID, userID).First(&b).Error; err != nil {
		return nil, err
	}
	return &b, nil
}

// RoleBindingHeld reports whether b's user already holds a binding of
// b's role with b's scope (IDs and creation fields aside).
func (t *Tx) RoleBindingHeld(b bukti.RoleBinding) (bool, error) {
	var n int64
	err := t.db.Model(&bukti.RoleBinding{}).Where(&bukti.RoleBinding{UserID: b.UserID, Role: b.Role, ProvinceID: b.ProvinceID,
		DistrictID: b.DistrictID, FacilityID: b.FacilityID, SurveyID: b.SurveyID}).Count(&n).Error
	return n > 0, err
}

// RoleScopeExists reports whether the scope object b names exists: its
// province, district, facility or survey, checked in that order, the
// first one set. A binding with no scope is false.
func (t *Tx) RoleScopeExists(b bukti.RoleBinding) (bool, error) {
	var model any
	var id int64
	switch {
	case b.ProvinceID != nil:
		model, id = &bukti.Province{}, *b.ProvinceID
	case b.DistrictID != nil:
		model, id = &bukti.District{}, *b.DistrictID
	case b.FacilityID != nil:
		model, id = &bukti.Facility{}, *b.FacilityID
	case b.SurveyID != nil:
		model, id = &bukti.Survey{}, *b.SurveyID
	default:
		return false, nil
	}
	var n int64
	err := t.db.Model(model).Where("id = ?", id).Count(&n).Error
	return n > 0, err
}

// RoleSurveyState returns the state of a survey a binding may name; ""
// when there is no such survey.
func (t *Tx) RoleSurveyState(surveyID int64) (string, error) {
	var state string
	return state, t.db.Model(&bukti.Survey{}).Where("id = ?", surveyID).Pluck("state", &state).Error
}

// CountRoleBindings counts the bindings of a role across every user.
func (t *Tx) CountRoleBindings(role string) (int64, error) {
	var n int64
	return n, t.db.Model(&bukti.RoleBinding{}).Where("role = ?", role).Count(&n).Error
}

// CreateRoleBinding stores a new role binding, filling its ID.
func (t *Tx) CreateRoleBinding(b *bukti.RoleBinding) error {
	t.accessChanged()
	return t.db.Create(b).Error
}

// DeleteRoleBinding deletes a role binding by ID.
func (t *Tx) DeleteRoleBinding(id int64) error {
	t.accessChanged()
	return t.db.Delete(&bukti.RoleBinding{}, id).Error
}

// userReferrers are the rows that record a user's part in the work, by
// referrer name (see CountUserReferrers): the table and the columns that
// name the user, and for role bindings the extra condition that keeps the
// user's own bindings out (those go with the user, see DeleteUser) except
// surveyor assignments, which a survey refers to.
var userReferrers = map[string]struct {
	table   string
	columns []string
	extra   string
}{
	"evidence":          {"evidences", []string{"created_by", "deleted_by"}, ""},
	"revision":          {"revisions", []string{"uploaded_by"}, ""},
	"not_applicable":    {"not_applicables", []string{"set_by"}, ""},
	"interviewee":       {"interviewees", []string{"updated_by"}, ""},
	"survey":            {"surveys", []string{"created_by", "lead_id", "finalized_by"}, ""},
	"survey_team":       {"survey_teams", []string{"user_id"}, ""},
	"survey_assignment": {"role_bindings", []string{"user_id"}, "survey_id IS NOT NULL"},
	"self_assessment":   {"self_assessments", []string{"updated_by"}, ""},
	"snapshot_review":   {"snapshot_items", []string{"reviewed_by"}, ""},
	"survey_score":      {"survey_scores", []string{"surveyor_id", "updated_by"}, ""},
	"pps_item":          {"pps_items", []string{"updated_by"}, ""},
	"catalogue_version": {"catalogue_versions", []string{"created_by"}, ""},
	"granted_role":      {"role_bindings", []string{"created_by"}, "user_id <> created_by"},
}

// CountUserReferrers returns how many rows of referrer name user userID:
// referrer is one of "evidence", "revision", "not_applicable",
// "interviewee", "survey", "survey_team", "survey_assignment",
// "self_assessment", "snapshot_review", "survey_score", "pps_item",
// "catalogue_version" and "granted_role" (bindings the user gave others).
func (t *Tx) CountUserReferrers(userID int64, referrer string) (int64, error) {
	r, ok := userReferrers[referrer]
	if !ok {
		return 0, fmt.Errorf("sqlstore: unknown user referrer %q", referrer)
	}
	cond, args := "", []any{}
	for i, c := range r.columns {
		if i > 0 {
			cond += " OR "
		}
		cond += c + " = ?"
		args = append(args, userID)
	}
	q := t.db.Table(r.table).Where(cond, args...)
	if r.extra != "" {
		q = q.Where(r.extra)
	}
	var n int64
	return n, q.Count(&n).Error
}

// UserRoleBindings lists a user's role bindings, by ID, inside the unit.
func (t *Tx) UserRoleBindings(userID int64) ([]bukti.RoleBinding, error) {
	return roleBindings(t.db, userID)
}

// DeleteUser deletes a user with their role bindings, login sessions and
// API tokens. A missing user is no error.
func (t *Tx) DeleteUser(id int64) error {
	t.accessChanged()
	if err := t.db.Where("user_id = ?", id).Delete(&bukti.RoleBinding{}).Error; err != nil {
		return err
	}
	if err := t.DeleteUserSessions(id); err != nil {
		return err
	}
	return t.db.Delete(&bukti.User{}, id).Error
}
