package bukti

import "time"

// Facility is a Puskesmas.
type Facility struct {
	ID         int64     `gorm:"primaryKey" json:"id"`
	Code       string    `gorm:"uniqueIndex;size:32;not null" json:"code"` // e.g. the national Puskesmas code
	Name       string    `gorm:"size:200;not null" json:"name"`
	DistrictID int64     `gorm:"not null;index" json:"district_id"`
	District   *District `gorm:"constraint:OnDelete:RESTRICT" json:"district,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// Review states of an evidence record. Only a surveyor's rejection makes
// evidence stop counting; pending and accepted both count.
const (
	ReviewPending  = "pending"
	ReviewAccepted = "accepted"
	ReviewRejected = "rejected"
)

// Evidence is one document a facility holds against one requirement (and,
// where the requirement asks for them, one stage and one part). Its bytes
// live in immutable Revisions; metadata may be edited. Evidence is never
// hard-deleted: DeletedAt marks a soft delete.
type Evidence struct {
	ID            int64      `gorm:"primaryKey" json:"id"`
	FacilityID    int64      `gorm:"not null;index:idx_evidence_facility_req;index:idx_evidence_readiness,priority:1,where:deleted_at IS NULL" json:"facility_id"`
	Facility      *Facility  `gorm:"constraint:OnDelete:RESTRICT" json:"-"`
	RequirementID string     `gorm:"size:64;not null;index:idx_evidence_facility_req;index:idx_evidence_readiness,priority:2" json:"requirement"` // e.g. "2.1.2/a/R1"
	Stage         string     `gorm:"size:64;not null;default:'';index:idx_evidence_readiness,priority:3" json:"stage,omitempty"`
	Part          string     `gorm:"size:64;not null;default:'';index:idx_evidence_readiness,priority:4" json:"part,omitempty"`
	Title         string     `gorm:"size:300;not null" json:"title"`
	DocNumber     string     `gorm:"size:200;not null;default:''" json:"doc_number,omitempty"`
	DocRevision   string     `gorm:"size:50;not null;default:''" json:"doc_revision,omitempty"`
	IssueDate     *time.Time `json:"issue_date,omitempty"`
	ValidUntil    *time.Time `gorm:"index:idx_evidence_readiness,priority:6" json:"valid_until,omitempty"`
	Notes         string     `gorm:"size:2000;not null;default:''" json:"notes,omitempty"`
	Review        string     `gorm:"size:16;not null;default:'pending';index:idx_evidence_readiness,priority:5" json:"review"`
	ReviewNote    string     `gorm:"size:2000;not null;default:''" json:"review_note,omitempty"`
	CreatedBy     int64      `gorm:"not null" json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	DeletedAt     *time.Time `gorm:"index:idx_evidence_readiness,priority:7" json:"deleted_at,omitempty"` // no index of its own: nearly every row is NULL, and SQLite would pick it over the facility index
	DeletedBy     *int64     `json:"deleted_by,omitempty"`
	Revisions     []Revision `gorm:"constraint:OnDelete:RESTRICT" json:"revisions,omitempty"`
}

// Latest returns the newest loaded revision, or nil when none is loaded.
func (e *Evidence) Latest() *Revision {
	if len(e.Revisions) == 0 {
		return nil
	}
	latest := &e.Revisions[0]
	for i := range e.Revisions {
		if e.Revisions[i].Number > latest.Number {
			latest = &e.Revisions[i]
		}
	}
	return latest
}

// Revision is one immutable upload of an evidence file. The bytes are stored
// once per content (SHA256) in the blob store.
type Revision struct {
	ID          int64     `gorm:"primaryKey" json:"id"`
	EvidenceID  int64     `gorm:"not null;uniqueIndex:idx_revision_number" json:"evidence_id"`
	Number      int       `gorm:"not null;uniqueIndex:idx_revision_number" json:"number"` // 1, 2, 3 … within the evidence
	SHA256      string    `gorm:"column:sha256;size:64;not null;index" json:"sha256"`
	Size        int64     `gorm:"not null" json:"size"`
	ContentType string    `gorm:"size:128;not null" json:"content_type"` // sniffed, never the client's
	FileName    string    `gorm:"size:255;not null" json:"file_name"`    // as uploaded, for download names only
	UploadedBy  int64     `gorm:"not null" json:"uploaded_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// NotApplicable marks an EP "tidak dapat diterapkan" (TDD) for a facility.
type NotApplicable struct {
	FacilityID int64     `gorm:"primaryKey" json:"facility_id"`
	ElementID  string    `gorm:"primaryKey;size:64" json:"element"` // e.g. "2.1.2/b"
	Reason     string    `gorm:"size:2000;not null" json:"reason"`
	SetBy      int64     `gorm:"not null" json:"set_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// Interviewee names the person a facility puts forward for one role of a W
// (wawancara) requirement.
type Interviewee struct {
	FacilityID    int64     `gorm:"primaryKey" json:"facility_id"`
	RequirementID string    `gorm:"primaryKey;size:64" json:"requirement"`
	Role          string    `gorm:"primaryKey;size:200" json:"role"`
	Name          string    `gorm:"size:200;not null" json:"name"`
	Position      string    `gorm:"size:200;not null;default:''" json:"position,omitempty"`
	UpdatedBy     int64     `gorm:"not null" json:"updated_by"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Roles a user may hold, each through a RoleBinding with its scope.
const (
	RoleAdmin       = "admin"
	RoleSupervisor  = "supervisor"
	RoleSurveyor    = "surveyor"
	RoleQualityTeam = "quality_team"
	RoleViewer      = "viewer"
)

// User is a person who signs in to Bukti.
type User struct {
	ID           int64     `gorm:"primaryKey" json:"id"`
	Email        string    `gorm:"uniqueIndex;size:254;not null" json:"email"` // stored lower-case
	Name         string    `gorm:"size:200;not null" json:"name"`
	PasswordHash string    `gorm:"size:100;not null" json:"-"`
	Disabled     bool      `gorm:"not null;default:false" json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
}

// DisplayName is the user's name, or their email when they have none.
func (u User) DisplayName() string {
	if u.Name != "" {
		return u.Name
	}
	return u.Email
}

// Kinds of Session.
const (
	SessionLogin = "login" // from a password login: cookie or bearer, fixed lifetime
	SessionToken = "token" // a personal API token for scripts: named, optional expiry
)

// Session is a signed-in session or a personal API token. Only the SHA-256
// of the secret is stored, so a database leak does not leak usable tokens.
type Session struct {
	ID         int64      `gorm:"primaryKey" json:"id"`
	TokenHash  string     `gorm:"uniqueIndex;size:64;not null" json:"-"`
	Kind       string     `gorm:"size:16;not null" json:"kind"`
	Name       string     `gorm:"size:100;not null;default:''" json:"name,omitempty"`
	UserID     int64      `gorm:"not null;index" json:"user_id"`
	User       *User      `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"` // nil: a token that never expires
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
}

// AuditEntry is one row of the append-only audit log, written in the same
// transaction as the change it records.
type AuditEntry struct {
	ID         int64     `gorm:"primaryKey" json:"id"`
	At         time.Time `gorm:"not null;index:idx_audit_action_at,priority:2" json:"at"`
	UserID     *int64    `gorm:"index" json:"user_id,omitempty"`
	Action     string    `gorm:"size:64;not null;index:idx_audit_action_at,priority:1" json:"action"` // e.g. "evidence.upload"
	ObjectType string    `gorm:"size:32;not null" json:"object_type"`
	ObjectID   string    `gorm:"size:254;not null" json:"object_id"`
	FacilityID *int64    `gorm:"index" json:"facility_id,omitempty"`
	Summary    string    `gorm:"size:2000;not null;default:''" json:"summary"`
	Before     string    `gorm:"size:2000;not null;default:''" json:"before,omitempty"`
	After      string    `gorm:"size:2000;not null;default:''" json:"after,omitempty"`
	RequestID  string    `gorm:"size:64;not null;default:''" json:"request_id,omitempty"`
	ClientIP   string    `gorm:"size:64;not null;default:'';index" json:"client_ip,omitempty"`
}

// CatalogueVersion is a stored version of a standard's catalogue (a
// bukti-catalogue/v1 document), for example one imported from the national
// self-assessment spreadsheet. Versions are never changed once stored; at
// most one is active, and the server uses it from its next start (the
// built-in catalogue when none is).
type CatalogueVersion struct {
	ID          int64     `gorm:"primaryKey" json:"id"`
	CatalogueID string    `gorm:"size:64;not null;uniqueIndex:idx_catalogue_version" json:"catalogue"`
	Version     string    `gorm:"size:64;not null;uniqueIndex:idx_catalogue_version" json:"version"`
	Title       string    `gorm:"size:300;not null" json:"title"`
	Document    string    `gorm:"type:text;not null" json:"-"`
	Summary     string    `gorm:"size:2000;not null;default:''" json:"summary"`
	Active      bool      `gorm:"not null;default:false" json:"active"`
	CreatedBy   *int64    `json:"created_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// ScoreSnapshot is one facility's achievement in one Bab on one day, kept
// for trend reports. Snapshots are taken once a day; taking one again on the
// same day replaces it.
type ScoreSnapshot struct {
	Day        time.Time `gorm:"primaryKey;type:date" json:"day"`
	FacilityID int64     `gorm:"primaryKey;index" json:"facility_id"`
	BabID      string    `gorm:"primaryKey;size:8" json:"bab"`
	Percent    float64   `gorm:"not null" json:"percent"`
	Assessed   bool      `gorm:"not null" json:"assessed"`
	Status     string    `gorm:"size:64;not null" json:"status"`
}
