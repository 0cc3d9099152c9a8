// Package audit describes the audit log: what a change says about itself
// (Entry), which request it came from (Request, carried by the context),
// which rows a reader selects (Filter, Page, Withheld) and the CSV export
// of rows. It holds no storage: package sqlstore appends the rows, in the
// same transaction as the change they record, so a change and its audit
// row commit or roll back together, and reads them back. Nothing in Bukti
// updates or deletes them.
package audit

import (
	"context"
	"time"
)

// Request identifies the HTTP request (or command) a change came from.
type Request struct {
	ID       string
	ClientIP string
}

type requestKey struct{}

// WithRequest returns a context carrying the request's identity; every
// audit row written with that context (a sqlstore unit of work run on it)
// records it.
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

// Ptr returns a pointer to v, for Entry's optional IDs.
func Ptr(v int64) *int64 { return &v }
