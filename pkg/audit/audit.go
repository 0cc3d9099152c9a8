// Package audit appends to and reads the audit log. Rows are only ever
// inserted, in the same transaction as the change they record, so a change
// and its audit row commit or roll back together. Nothing in Bukti updates
// or deletes them.
package audit

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// Request identifies the HTTP request (or command) a change came from.
type Request struct {
	ID       string
	ClientIP string
}

type requestKey struct{}

// WithRequest returns a context carrying the request's identity; Record
// copies it into every row written with that context.
func WithRequest(ctx context.Context, r Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns the request identity carried by ctx.
func RequestFrom(ctx context.Context) Request {
	r, _ := ctx.Value(requestKey{}).(Request)
	return r
}

// Entry is what a caller says about a change.
type Entry struct {
	At         time.Time
	By         *int64 // acting user; nil for anonymous actions such as a failed login
	Action     string // e.g. "evidence.upload"
	ObjectType string
	ObjectID   string
	FacilityID *int64 // nil when the object belongs to no facility
	Summary    string
	Before     string // state before a change, when it has one
	After      string // state after a change
}

// Record inserts one audit row inside tx, with the request identity of tx's
// context. A tx begun without the request's context (no WithContext)
// records no request identity: feature services run their writes as a
// unit of work (package sqlstore), whose transaction always carries the
// context and whose Tx.Audit reads the identity from it.
func Record(tx *gorm.DB, e Entry) error {
	req := RequestFrom(tx.Statement.Context)
	row := bukti.AuditEntry{At: e.At.UTC(), UserID: e.By, Action: e.Action, ObjectType: e.ObjectType,
		ObjectID: e.ObjectID, FacilityID: e.FacilityID, Summary: clip(e.Summary), Before: clip(e.Before), After: clip(e.After),
		RequestID: req.ID, ClientIP: req.ClientIP}
	if err := tx.Create(&row).Error; err != nil {
		return fmt.Errorf("write audit entry %s: %w", e.Action, err)
	}
	return nil
}

// clip keeps a text within its column.
func clip(s string) string {
	if r := []rune(s); len(r) > 2000 {
		return string(r[:1999]) + "…"
	}
	return s
}

// Ptr returns a pointer to v, for Entry's optional IDs.
func Ptr(v int64) *int64 { return &v }
