package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/ui/locales"
)

// scopesOf lists the scope fields each role may take; a binding sets
// exactly one of them (none for admin).
var scopesOf = map[string][]string{
	bukti.RoleAdmin:       {},
	bukti.RoleSupervisor:  {"province_id", "district_id"},
	bukti.RoleSurveyor:    {"survey_id"},
	bukti.RoleQualityTeam: {"facility_id"},
	bukti.RoleViewer:      {"facility_id"},
}

// scopeNeeded names, per role, the scope a binding of it takes, as the
// message of a binding without it says.
var scopeNeeded = map[string]locales.Key{
	bukti.RoleSupervisor:  "auth.scope_needed.region",
	bukti.RoleSurveyor:    "auth.scope_needed.survey",
	bukti.RoleQualityTeam: "auth.scope_needed.facility",
	bukti.RoleViewer:      "auth.scope_needed.facility",
}

// scopeKind names what each scope field refers to.
var scopeKind = map[string]locales.Key{
	"province_id": "org.kind.province", "district_id": "org.kind.district",
	"facility_id": "org.kind.facility", "survey_id": "auth.scope_kind.survey",
}

// RoleName is the message key naming a role, e.g. "Tim Mutu" for
// quality_team.
func RoleName(role string) locales.Key { return locales.Key("role." + role) }

// checkBinding verifies that a binding names a known role with exactly one
// scope that role takes, and that the scope object exists.
func checkBinding(t *sqlstore.Tx, b bukti.RoleBinding) error {
	allowed, ok := scopesOf[b.Role]
	if !ok {
		return bukti.E(bukti.EINVALID, "err.auth.unknown_role_choose_admin_supervisor", b.Role)
	}
	fields := []struct {
		name string
		id   *int64
	}{
		{"province_id", b.ProvinceID}, {"district_id", b.DistrictID},
		{"facility_id", b.FacilityID}, {"survey_id", b.SurveyID},
	}
	given := -1
	for i, f := range fields {
		if f.id == nil {
			continue
		}
		if given >= 0 || !slices.Contains(allowed, f.name) {
			given = -2
			break
		}
		given = i
	}
	switch {
	case len(allowed) == 0 && given != -1:
		return bukti.E(bukti.EINVALID, "err.auth.admin_role_takes_no_scope")
	case len(allowed) == 0:
		return nil
	case given < 0:
		return bukti.E(bukti.EINVALID, "err.auth.role_needs_one_scope", RoleName(b.Role), scopeNeeded[b.Role])
	}
	exists, err := t.RoleScopeExists(b) // b sets exactly the one scope fields[given]
	if err != nil {
		return err
	}
	if !exists {
		return bukti.E(bukti.EINVALID, "err.auth.scope_does_not_exist", scopeKind[fields[given].name], *fields[given].id)
	}
	return teamOpen(t, b)
}

// teamOpen refuses joining the surveyor team of a final survey: its team
// is part of what was finalized. Revoking a final survey's surveyor
// binding is allowed (Revoke): it ends that surveyor's access, while the
// survey keeps its team as finalized.
func teamOpen(t *sqlstore.Tx, b bukti.RoleBinding) error {
	if b.SurveyID == nil {
		return nil
	}
	state, err := t.RoleSurveyState(*b.SurveyID)
	if err != nil {
		return err
	}
	if state == bukti.SurveyFinal {
		return bukti.E(bukti.ECONFLICT, "err.auth.survey_final_its_surveyor_team", *b.SurveyID)
	}
	return nil
}

// Grant gives a user a role within a scope. Granting a binding the user
// already holds is a conflict.
func (s *Service) Grant(ctx context.Context, userID int64, b bukti.RoleBinding, by *int64) (*bukti.RoleBinding, error) {
	err := s.Store.Run(ctx, by, func(t *sqlstore.Tx) error {
		var err error
		b, err = GrantIn(t, userID, b)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// GrantIn is Grant inside the caller's unit of work t, by t's actor at
// t's time, for changes that create their scope and its bindings together
// (a survey and its surveyors).
func GrantIn(t *sqlstore.Tx, userID int64, b bukti.RoleBinding) (bukti.RoleBinding, error) {
	b.ID, b.UserID, b.CreatedBy, b.CreatedAt = 0, userID, t.By, t.Now
	if ok, err := t.UserExists(userID); err != nil {
		return b, err
	} else if !ok {
		return b, bukti.E(bukti.ENOTFOUND, "err.auth.user_not_found_2", userID)
	}
	if err := checkBinding(t, b); err != nil {
		return b, err
	}
	held, err := t.RoleBindingHeld(b)
	if err != nil {
		return b, err
	}
	if held {
		return b, bukti.E(bukti.ECONFLICT, "err.auth.user_already_holds_this_role")
	}
	if err := t.CreateRoleBinding(&b); err != nil {
		return b, err
	}
	return b, t.Audit(audit.Entry{Action: "role.grant", ObjectType: "user",
		ObjectID: strconv.FormatInt(userID, 10), FacilityID: b.FacilityID, After: describe(b)})
}

// Revoke removes one role binding of a user, and with it the access it
// gave. The last admin binding of the deployment cannot be removed. A
// surveyor binding of a final survey can: the survey keeps its team as
// finalized, and the surveyor's scores, on its record.
func (s *Service) Revoke(ctx context.Context, userID, bindingID int64, by *int64) error {
	return s.Store.Run(ctx, by, func(t *sqlstore.Tx) error {
		b, err := t.RoleBinding(userID, bindingID)
		if errors.Is(err, sqlstore.ErrNotFound) {
			return bukti.E(bukti.ENOTFOUND, "err.auth.role_binding_not_found_for", bindingID, userID)
		}
		if err != nil {
			return err
		}
		if b.Role == bukti.RoleAdmin {
			admins, err := t.CountRoleBindings(bukti.RoleAdmin)
			if err != nil {
				return err
			}
			if admins <= 1 {
				return bukti.E(bukti.ECONFLICT, "err.auth.this_last_admin_grant_admin")
			}
		}
		if err := t.DeleteRoleBinding(b.ID); err != nil {
			return err
		}
		return t.Audit(audit.Entry{Action: "role.revoke", ObjectType: "user",
			ObjectID: strconv.FormatInt(userID, 10), FacilityID: b.FacilityID, Before: describe(*b)})
	})
}

// Bindings lists a user's role bindings.
func (s *Service) Bindings(ctx context.Context, userID int64) ([]bukti.RoleBinding, error) {
	return s.Store.RoleBindings(ctx, userID)
}

// AllBindings lists every user's role bindings, by ID.
func (s *Service) AllBindings(ctx context.Context) ([]bukti.RoleBinding, error) {
	return s.Store.AllRoleBindings(ctx)
}

// describe renders a binding for the audit log, e.g. "quality_team facility=3".
func describe(b bukti.RoleBinding) string {
	for name, v := range map[string]*int64{"province": b.ProvinceID, "district": b.DistrictID, "facility": b.FacilityID, "survey": b.SurveyID} {
		if v != nil {
			return fmt.Sprintf("%s %s=%d", b.Role, name, *v)
		}
	}
	return b.Role
}
