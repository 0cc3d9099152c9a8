package bukti

import "time"

// Province is a provinsi; its Dinas Kesehatan may supervise every district in it.
type Province struct {
	ID        int64     `gorm:"primaryKey" json:"id"`
	Code      string    `gorm:"uniqueIndex;size:32;not null" json:"code"` // e.g. BPS code "32"
	Name      string    `gorm:"size:200;not null" json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// District is a kabupaten/kota; its Dinas Kesehatan supervises its Puskesmas.
type District struct {
	ID         int64     `gorm:"primaryKey" json:"id"`
	Code       string    `gorm:"uniqueIndex;size:32;not null" json:"code"` // e.g. BPS code "3277"
	Name       string    `gorm:"size:200;not null" json:"name"`
	ProvinceID int64     `gorm:"not null;index" json:"province_id"`
	Province   *Province `gorm:"constraint:OnDelete:RESTRICT" json:"province,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// RoleBinding grants a role to a user within one scope. Exactly the scope
// field the role needs is set: none for admin, ProvinceID or DistrictID for
// a supervisor, SurveyID for a surveyor, FacilityID for a quality team
// member or a viewer.
type RoleBinding struct {
	ID         int64     `gorm:"primaryKey" json:"id"`
	UserID     int64     `gorm:"not null;index" json:"user_id"`
	User       *User     `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	Role       string    `gorm:"size:32;not null" json:"role"`
	ProvinceID *int64    `gorm:"index" json:"province_id,omitempty"`
	DistrictID *int64    `gorm:"index" json:"district_id,omitempty"`
	FacilityID *int64    `gorm:"index" json:"facility_id,omitempty"`
	SurveyID   *int64    `gorm:"index" json:"survey_id,omitempty"`
	CreatedBy  *int64    `json:"created_by,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}
