package survey

import (
	"github.com/bukti-id/bukti/pkg/auth"
	"github.com/bukti-id/bukti/pkg/authz"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// The two calls into other packages' rules that a survey unit makes:
// who a user is (authz) and granting a surveyor role (auth). They are the
// survey package's only use of the unit's handle (sqlstore.Tx.DB), until
// authz and auth take the unit itself (authz.LoadIn, auth.GrantIn on a
// *sqlstore.Tx).

// principal loads u's role bindings resolved to facilities inside the
// unit t, so that a check sees the unit's own changes.
func principal(t *sqlstore.Tx, u *bukti.User) (*authz.Principal, error) {
	return authz.Load(t.Context(), t.DB, u)
}

// grantSurveyor grants a user the surveyor role scoped to a survey inside
// the unit t, by its actor at its time (auth.GrantIn: its checks, its
// messages and its audit row).
func grantSurveyor(t *sqlstore.Tx, userID, surveyID int64) error {
	_, err := auth.GrantIn(t.DB, t.Now, userID, bukti.RoleBinding{Role: bukti.RoleSurveyor, SurveyID: &surveyID}, t.By)
	return err
}
