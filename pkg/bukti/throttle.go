package bukti

import "time"

// LoginThrottle counts recent sign-in attempts of one kind for one subject:
// a client IP, an account from one client IP, or an account from anywhere.
// A sign-in reserves its attempt here before its password is checked; a
// successful one gives it back. A row whose ExpiresAt has passed counts for
// nothing and may be deleted, so deleting rows only ever lifts throttling.
type LoginThrottle struct {
	Kind      string    `gorm:"primaryKey;size:16" json:"kind"`     // "ip", "account_ip" or "account"
	Subject   string    `gorm:"primaryKey;size:320" json:"subject"` // the IP; "IP email"; the email
	Attempts  int       `gorm:"not null;default:0" json:"attempts"`
	LastAt    time.Time `gorm:"not null" json:"last_at"`          // the latest counted attempt
	ExpiresAt time.Time `gorm:"not null;index" json:"expires_at"` // when the count lapses
}
