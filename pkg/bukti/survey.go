package bukti

import "time"

// Survey states, in the order a visit goes through them.
const (
	SurveyPlanned        = "planned"         // created, surveyors assigned
	SurveySelfAssessment = "self_assessment" // the quality team is scoring itself
	SurveyInReview       = "in_review"       // snapshot frozen; surveyors review and score
	SurveyScored         = "scored"          // the team lead has reconciled every EP
	SurveyFinal          = "final"           // finalized: nothing in it changes any more
)

// SurveyStates lists the states in order.
var SurveyStates = []string{SurveyPlanned, SurveySelfAssessment, SurveyInReview, SurveyScored, SurveyFinal}

// Survey is an accreditation survey visit of a facility against one
// catalogue version. Surveyors are assigned to it by role bindings with its
// SurveyID; LeadID is the team lead among them.
type Survey struct {
	ID          int64      `gorm:"primaryKey" json:"id"`
	FacilityID  int64      `gorm:"not null;index" json:"facility_id"`
	Facility    *Facility  `gorm:"constraint:OnDelete:RESTRICT" json:"-"`
	Catalogue   string     `gorm:"size:130;not null;default:''" json:"catalogue"` // "<id>@<version>"
	Type        string     `gorm:"size:32;not null" json:"type"`                  // initial, reaccreditation, upgrade
	Mode        string     `gorm:"size:16;not null;default:'onsite'" json:"mode"` // onsite, hybrid
	State       string     `gorm:"size:32;not null" json:"state"`
	StartDate   *time.Time `json:"start_date,omitempty"`
	EndDate     *time.Time `json:"end_date,omitempty"`
	LeadID      *int64     `json:"lead_id,omitempty"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"` // self-assessment submitted, snapshot taken
	FinalizedAt *time.Time `json:"finalized_at,omitempty"`
	FinalizedBy *int64     `json:"finalized_by,omitempty"`
	// Status is the recommended accreditation status, set at finalization.
	Status string `gorm:"size:64;not null;default:''" json:"status,omitempty"`
	// Result is the tally of the final scores as finalized (JSON), so a
	// final survey's percentages never change, even under a later
	// catalogue version.
	Result    string    `gorm:"type:text;not null;default:''" json:"-"`
	CreatedBy int64     `gorm:"not null" json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// SelfAssessment is the quality team's proposed score for one EP.
type SelfAssessment struct {
	SurveyID      int64  `gorm:"primaryKey" json:"survey_id"`
	ElementID     string `gorm:"primaryKey;size:64" json:"element"`
	Score         int    `gorm:"not null" json:"score"` // meaningless when TDD
	TDD           bool   `gorm:"not null" json:"tdd"`
	Justification string `gorm:"size:2000;not null;default:''" json:"justification"`
	// Suggested is the readiness scorer's suggestion when saved; nil when
	// it suggests none (the EP is proposed TDD, or has no R or D item).
	Suggested *int      `json:"suggested"`
	UpdatedBy int64     `gorm:"not null" json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SnapshotItem is one evidence revision frozen into a survey when its
// self-assessment was submitted (or resubmitted during review after a
// rejection), with the metadata it had then, and the surveyors' verdict.
type SnapshotItem struct {
	ID             int64      `gorm:"primaryKey" json:"id"`
	SurveyID       int64      `gorm:"not null;index" json:"survey_id"`
	EvidenceID     int64      `gorm:"not null;index" json:"evidence_id"`
	RevisionID     int64      `gorm:"not null" json:"revision_id"`
	RevisionNumber int        `gorm:"not null" json:"revision"`
	RequirementID  string     `gorm:"size:64;not null" json:"requirement"`
	Stage          string     `gorm:"size:64;not null;default:''" json:"stage,omitempty"`
	Part           string     `gorm:"size:64;not null;default:''" json:"part,omitempty"`
	Title          string     `gorm:"size:300;not null" json:"title"`
	DocNumber      string     `gorm:"size:200;not null;default:''" json:"doc_number,omitempty"`
	DocRevision    string     `gorm:"size:50;not null;default:''" json:"doc_revision,omitempty"`
	IssueDate      *time.Time `json:"issue_date,omitempty"`
	ValidUntil     *time.Time `json:"valid_until,omitempty"`
	FileName       string     `gorm:"size:255;not null" json:"file_name"`
	ContentType    string     `gorm:"size:128;not null" json:"content_type"`
	Size           int64      `gorm:"not null" json:"size"`
	SHA256         string     `gorm:"column:sha256;size:64;not null" json:"sha256"`
	UploadedAt     time.Time  `json:"uploaded_at"`
	// SupersededBy is the item that replaced this one after a rejection.
	SupersededBy *int64     `json:"superseded_by,omitempty"`
	Review       string     `gorm:"size:16;not null;default:'pending'" json:"review"` // pending, accepted, rejected
	ReviewNote   string     `gorm:"size:2000;not null;default:''" json:"review_note,omitempty"`
	ReviewedBy   *int64     `json:"reviewed_by,omitempty"`
	ReviewedAt   *time.Time `json:"reviewed_at,omitempty"`
	AddedAt      time.Time  `json:"added_at"`
}

// SurveyScore is one surveyor's score of one EP. SurveyorID 0 holds the
// final, reconciled score set by the team lead.
type SurveyScore struct {
	SurveyID       int64  `gorm:"primaryKey" json:"survey_id"`
	ElementID      string `gorm:"primaryKey;size:64" json:"element"`
	SurveyorID     int64  `gorm:"primaryKey;autoIncrement:false" json:"surveyor_id"`
	Score          int    `gorm:"not null" json:"score"` // meaningless when TDD
	TDD            bool   `gorm:"not null" json:"tdd"`
	Facts          string `gorm:"size:4000;not null" json:"facts"` // fakta dan analisis
	Recommendation string `gorm:"size:4000;not null" json:"recommendation"`
	// Suggested is the system's suggestion when saved; nil when it
	// suggests none (the EP is proposed TDD, or has no R or D item).
	Suggested *int      `json:"suggested"`
	UpdatedBy int64     `gorm:"not null" json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PPS states.
const (
	PPSOpen       = "open"
	PPSInProgress = "in_progress"
	PPSDone       = "done"
)

// PPSItem is one row of the improvement plan (perencanaan perbaikan
// strategis) made at finalization for every EP scored below the maximum.
type PPSItem struct {
	ID             int64      `gorm:"primaryKey" json:"id"`
	SurveyID       int64      `gorm:"not null;uniqueIndex:idx_pps_element" json:"survey_id"`
	ElementID      string     `gorm:"size:64;not null;uniqueIndex:idx_pps_element" json:"element"`
	Score          int        `gorm:"not null" json:"score"`
	Recommendation string     `gorm:"size:4000;not null" json:"recommendation"`
	Action         string     `gorm:"size:2000;not null;default:''" json:"action"`
	Responsible    string     `gorm:"size:200;not null;default:''" json:"responsible"`
	TargetDate     *time.Time `json:"target_date,omitempty"`
	Indicator      string     `gorm:"size:2000;not null;default:''" json:"indicator"`
	Progress       int        `gorm:"not null;default:0" json:"progress"` // percent, 0..100
	State          string     `gorm:"size:16;not null;default:'open'" json:"state"`
	UpdatedBy      *int64     `json:"updated_by,omitempty"`
	UpdatedAt      time.Time  `json:"updated_at"`
}
