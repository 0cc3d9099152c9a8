package audit_test

import (
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
)

// flushes records what the writer holds each time a batch is asked for.
type flushes struct {
	strings.Builder
	seen []string
}

func TestWriteCSV(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, time.March, 10, 9, 0, 0, 0, time.FixedZone("WIB", 7*3600))
	batches := [][]bukti.AuditEntry{
		{{ID: 1, At: at, UserID: audit.Ptr(7), Action: "evidence.upload", ObjectType: "evidence", ObjectID: "3", FacilityID: audit.Ptr(2), Summary: "=HYPERLINK(\"x\")"}},
		{{ID: 2, At: at, Action: "auth.login_failed", ObjectType: "user", ObjectID: "a@b.test", RequestID: "req-1", ClientIP: "192.0.2.7"}},
	}
	var w flushes
	err := audit.WriteCSV(&w, func(each func([]bukti.AuditEntry) error) error {
		for _, b := range batches {
			w.seen = append(w.seen, w.String())
			if err := each(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("WriteCSV: %v", err)
	}
	rows, err := csv.NewReader(strings.NewReader(w.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"id", "at", "user_id", "action", "object_type", "object_id", "facility_id", "summary", "before", "after", "request_id", "client_ip"},
		{"1", "2025-03-10T02:00:00Z", "7", "evidence.upload", "evidence", "3", "2", "'=HYPERLINK(\"x\")", "", "", "", ""},
		{"2", "2025-03-10T02:00:00Z", "", "auth.login_failed", "user", "a@b.test", "", "", "", "", "req-1", "192.0.2.7"},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows = %q, want %q", rows, want)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
		}
	}
	// Streamed: the first batch reached w before the second was read.
	if len(w.seen) != 2 || !strings.Contains(w.seen[1], "evidence.upload") {
		t.Errorf("before the second batch w held %q, want the first batch flushed", w.seen)
	}
}

func TestWriteCSVError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	var w strings.Builder
	err := audit.WriteCSV(&w, func(each func([]bukti.AuditEntry) error) error { return boom })
	if !errors.Is(err, boom) {
		t.Errorf("WriteCSV = %v, want the read's error", err)
	}
}

func TestPageNormalized(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want audit.Page }{
		{audit.Page{}, audit.Page{Number: 1, Size: 100}},
		{audit.Page{Number: 3, Size: 20}, audit.Page{Number: 3, Size: 20}},
		{audit.Page{Number: -1, Size: audit.MaxPageSize + 1}, audit.Page{Number: 1, Size: 100}},
		{audit.Page{Number: 2, Size: audit.MaxPageSize}, audit.Page{Number: 2, Size: audit.MaxPageSize}},
	} {
		if got := c.in.Normalized(); got != c.want {
			t.Errorf("%+v.Normalized() = %+v, want %+v", c.in, got, c.want)
		}
	}
}
