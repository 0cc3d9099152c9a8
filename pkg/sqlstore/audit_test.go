package sqlstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// TestAuditReads: AuditList pages newest first within the filter and
// counts every match; AuditBatches hands every match over, oldest first,
// in bounded batches, and stops at its callback's error.
func TestAuditReads(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		st := sqlstore.New(e.db, fixedNow)
		ctx := context.Background()
		const n = 1203
		by := user
		err := st.Run(ctx, &by, func(tx *sqlstore.Tx) error {
			for i := range n {
				f := e.f1
				if i%3 == 0 {
					f = e.f2
				}
				if err := tx.Audit(audit.Entry{Action: "test.read", ObjectType: "thing", ObjectID: "x", FacilityID: &f}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("seed: %v", err)
		}

		page, total, err := st.AuditList(ctx, audit.Filter{Facilities: []int64{e.f1}, Action: "test.read"}, audit.Page{Number: 2, Size: 10})
		if err != nil {
			t.Fatalf("AuditList: %v", err)
		}
		if total != n-(n+2)/3 || len(page) != 10 {
			t.Fatalf("AuditList: %d rows of %d, want 10 of %d", len(page), total, n-(n+2)/3)
		}
		for i, r := range page {
			if *r.FacilityID != e.f1 || i > 0 && r.ID >= page[i-1].ID {
				t.Fatalf("AuditList row %d: %+v, want facility %d, newest first", i, r, e.f1)
			}
		}
		if rows, total, err := st.AuditList(ctx, audit.Filter{Action: "test.read"}, audit.Page{}); err != nil || total != 0 || len(rows) != 0 {
			t.Errorf("AuditList for a reader of no facility = %d rows of %d, %v; want none", len(rows), total, err)
		}

		var seen int
		var last int64
		err = st.AuditBatches(ctx, audit.Filter{All: true, Action: "test.read"}, func(b []bukti.AuditEntry) error {
			if len(b) == 0 || len(b) > 500 {
				t.Errorf("batch of %d rows", len(b))
			}
			for _, r := range b {
				if r.ID <= last {
					t.Fatalf("row %d after %d: want oldest first", r.ID, last)
				}
				last = r.ID
			}
			seen += len(b)
			return nil
		})
		if err != nil || seen != n {
			t.Errorf("AuditBatches: %d rows, %v; want %d", seen, err, n)
		}
		boom := errors.New("boom")
		calls := 0
		err = st.AuditBatches(ctx, audit.Filter{All: true}, func([]bukti.AuditEntry) error { calls++; return boom })
		if !errors.Is(err, boom) || calls != 1 {
			t.Errorf("AuditBatches after an error: %v in %d calls, want boom after 1", err, calls)
		}
	})
}

// TestRecordAudit: the exported write of Tx.Audit takes the request from
// its handle's context and clips texts to their columns.
func TestRecordAudit(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := audit.WithRequest(context.Background(), audit.Request{ID: "req-9", ClientIP: "192.0.2.9"})
		long := strings.Repeat("é", 2500)
		if err := sqlstore.RecordAudit(e.db.WithContext(ctx), audit.Entry{At: now, Action: "test.record", ObjectType: "thing", Summary: long}); err != nil {
			t.Fatalf("RecordAudit: %v", err)
		}
		var r bukti.AuditEntry
		if err := e.db.Where("action = ?", "test.record").Take(&r).Error; err != nil {
			t.Fatal(err)
		}
		if r.RequestID != "req-9" || r.ClientIP != "192.0.2.9" || !r.At.Equal(now) {
			t.Errorf("row %+v, want request req-9 192.0.2.9 at %v", r, now)
		}
		if utf8.RuneCountInString(r.Summary) != 2000 || !strings.HasSuffix(r.Summary, "…") {
			t.Errorf("summary of %d runes, want 2000 ending in …", utf8.RuneCountInString(r.Summary))
		}
	})
}
