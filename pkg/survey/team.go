package survey

import (
	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// teamMember is one surveyor of a final survey's team as finalized. An
// open survey's team is its surveyor role bindings, which are also what
// gives its surveyors access; finalization copies the team here, so that it
// stays on the survey's record (its page, reports, each surveyor's scores)
// when an admin later revokes a surveyor's binding, and with it their
// access. The table comes from migration 5.
type teamMember struct {
	SurveyID int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID   int64 `gorm:"primaryKey;autoIncrement:false"`
}

func (teamMember) TableName() string { return "survey_teams" }

// surveyors returns the team of a survey, by ID: the users holding a
// surveyor binding on it while it is open, the team as finalized once it is
// final.
func surveyors(db *gorm.DB, sv *bukti.Survey) ([]bukti.User, error) {
	members := db.Model(&bukti.RoleBinding{}).Select("user_id").Where("survey_id = ? AND role = ?", sv.ID, bukti.RoleSurveyor)
	if sv.State == bukti.SurveyFinal {
		members = db.Model(&teamMember{}).Select("user_id").Where("survey_id = ?", sv.ID)
	}
	out := []bukti.User{}
	return out, db.Where("id IN (?)", members).Order("id").Find(&out).Error
}

// freezeTeam records the team of a survey being finalized, inside the
// finalizing transaction tx.
func freezeTeam(tx *gorm.DB, sv *bukti.Survey) error {
	team, err := surveyors(tx, sv)
	if err != nil || len(team) == 0 {
		return err
	}
	rows := make([]teamMember, 0, len(team))
	for _, u := range team {
		rows = append(rows, teamMember{SurveyID: sv.ID, UserID: u.ID})
	}
	return tx.Create(&rows).Error
}
