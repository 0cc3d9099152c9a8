package bukti

import "time"

// FacilityScore caches what the gap reports need of one facility's
// readiness against one catalogue. Payload is the report package's compact
// encoding of that readiness; only that package reads or writes it.
//
// Contract: every transaction that changes a facility's readiness inputs
// (evidence, its review and validity, TDD marks, interviewees) deletes the
// facility's rows before it commits: pkg/evidence owns those writes and
// runs them in a sqlstore unit of work whose Touch invalidates at commit. Readiness
// also changes with time alone — evidence expires, or comes within 30 days
// of expiring — so a row holds until Until, the first such instant after
// it was computed (nil: no evidence of the facility has a validity date to
// cross). A row is current before its Until and recomputed from then on.
type FacilityScore struct {
	FacilityID int64      `gorm:"primaryKey;autoIncrement:false" json:"facility_id"`
	Facility   *Facility  `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	Catalogue  string     `gorm:"primaryKey;size:140" json:"catalogue"` // "<id>@<version>"
	Until      *time.Time `json:"until,omitempty"`
	Payload    string     `gorm:"type:text;not null" json:"payload"`
}
