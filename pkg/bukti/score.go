package bukti

import "time"

// FacilityScore caches what the gap reports need of one facility's
// readiness against one catalogue, as computed for one calendar day (the
// day matters: evidence expires and falls due by date). Payload is the
// report package's compact encoding of that readiness; only that package
// reads or writes it.
//
// Contract: every transaction that changes a facility's readiness inputs
// (evidence, its review and validity, TDD marks, interviewees) deletes the
// facility's rows with evidence.Invalidate before it commits, so a row whose
// Day is today is current. A row of another day is stale and recomputed.
type FacilityScore struct {
	FacilityID int64     `gorm:"primaryKey;autoIncrement:false" json:"facility_id"`
	Facility   *Facility `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	Catalogue  string    `gorm:"primaryKey;size:140" json:"catalogue"` // "<id>@<version>"
	Day        time.Time `gorm:"type:date;not null" json:"day"`
	Payload    string    `gorm:"type:text;not null" json:"payload"`
}
