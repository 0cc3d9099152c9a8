package audit

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/csvcell"
)

// Filter selects audit rows. Zero fields do not filter.
type Filter struct {
	// All is true when the reader may see every row (an admin); otherwise
	// only rows of Facilities are visible (none when it is empty).
	All        bool
	Facilities []int64

	FacilityID int64
	UserID     int64
	Action     string
	ObjectType string
	ObjectID   string
	From, To   time.Time // At >= From, At < To

	// Withheld leaves out rows the reader may not see yet.
	Withheld Withheld
}

// Withheld selects rows about surveys to leave out of a reader's results:
// the rows of Actions on the surveys not yet final of Facilities, except
// the surveys in Except. It keeps the surveyors' scores from those who
// see them only once a survey is final: the survey package names the
// actions that carry scores (survey.ScoreActions), authz the facilities
// and surveys (Principal.ScoresWithheld). The zero value, or one without
// Actions or Facilities, leaves out nothing. A survey's rows are those
// with object type "survey" and the survey's ID as object ID.
type Withheld struct {
	Actions    []string
	Facilities []int64
	Except     []int64 // survey IDs
}

// MaxPageSize caps Page.Size.
const MaxPageSize = 500

// MaxPageNumber caps Page.Number, so the offset it makes stays far from
// overflow.
const MaxPageNumber = 1_000_000

// Page is one page of newest-first results.
type Page struct {
	Number int // 1-based
	Size   int
}

// Normalized fills defaults: page 1, 100 rows, at most MaxPageSize.
func (p Page) Normalized() Page {
	if p.Size <= 0 || p.Size > MaxPageSize {
		p.Size = 100
	}
	if p.Number <= 0 {
		p.Number = 1
	}
	return p
}

// WriteCSV writes audit rows to w as CSV with a header row. batches is the
// read of the rows (such as sqlstore's DB.AuditBatches for a filter): it
// calls each with one batch of rows after another, in export order, and
// stops at the first error each returns. Every batch is flushed to w
// before the next is read, so an export of any size streams. Cells that a
// spreadsheet would run as a formula are neutralised (csvcell).
func WriteCSV(w io.Writer, batches func(each func([]bukti.AuditEntry) error) error) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "at", "user_id", "action", "object_type", "object_id", "facility_id", "summary", "before", "after", "request_id", "client_ip"})
	err := batches(func(batch []bukti.AuditEntry) error {
		for _, e := range batch {
			cw.Write(csvcell.Row([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339), optID(e.UserID), e.Action, e.ObjectType,
				e.ObjectID, optID(e.FacilityID), e.Summary, e.Before, e.After, e.RequestID, e.ClientIP}))
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func optID(id *int64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}
