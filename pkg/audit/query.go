package audit

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/csvcell"
)

// Filter selects audit rows. Zero fields do not filter.
type Filter struct {
	// All is true when the reader may see every row (an admin); otherwise
	// only rows of Facilities are visible.
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
// and surveys (Principal.ScoresWithheld). The zero value leaves out
// nothing.
type Withheld struct {
	Actions    []string
	Facilities []int64
	Except     []int64 // survey IDs
}

// apply adds the condition leaving the rows out. A survey's rows carry its
// ID as object_id, which is text.
func (w Withheld) apply(db *gorm.DB) *gorm.DB {
	if len(w.Actions) == 0 || len(w.Facilities) == 0 {
		return db
	}
	open := db.Session(&gorm.Session{NewDB: true}).Model(&bukti.Survey{}).Select("CAST(id AS TEXT)").
		Where("state <> ? AND facility_id IN ?", bukti.SurveyFinal, w.Facilities)
	if len(w.Except) > 0 {
		open = open.Where("id NOT IN ?", w.Except)
	}
	return db.Where("NOT (object_type = ? AND action IN ? AND object_id IN (?))", "survey", w.Actions, open)
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

func (f Filter) apply(db *gorm.DB) *gorm.DB {
	if !f.All {
		if len(f.Facilities) == 0 {
			return db.Where("1 = 0")
		}
		db = db.Where("facility_id IN ?", f.Facilities)
	}
	if f.FacilityID != 0 {
		db = db.Where("facility_id = ?", f.FacilityID)
	}
	if f.UserID != 0 {
		db = db.Where("user_id = ?", f.UserID)
	}
	if f.Action != "" {
		db = db.Where("action = ?", f.Action)
	}
	if f.ObjectType != "" {
		db = db.Where("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		db = db.Where("object_id = ?", f.ObjectID)
	}
	if !f.From.IsZero() {
		db = db.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		db = db.Where("at < ?", f.To.UTC())
	}
	return f.Withheld.apply(db)
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

// List returns one page of matching rows, newest first, and the total
// number of matching rows.
func List(ctx context.Context, db *gorm.DB, f Filter, p Page) ([]bukti.AuditEntry, int64, error) {
	p = p.Normalized()
	db = db.WithContext(ctx).Model(&bukti.AuditEntry{})
	var total int64
	if err := f.apply(db).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	out := []bukti.AuditEntry{}
	err := f.apply(db).Order("id DESC").Limit(p.Size).Offset((p.Number - 1) * p.Size).Find(&out).Error
	return out, total, err
}

// WriteCSV streams every matching row, oldest first, as CSV with a header
// row, reading the database in batches.
func WriteCSV(ctx context.Context, db *gorm.DB, f Filter, w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "at", "user_id", "action", "object_type", "object_id", "facility_id", "summary", "before", "after", "request_id", "client_ip"})
	var batch []bukti.AuditEntry
	err := f.apply(db.WithContext(ctx).Model(&bukti.AuditEntry{})).FindInBatches(&batch, 500, func(*gorm.DB, int) error {
		for _, e := range batch {
			cw.Write(csvcell.Row([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339), optID(e.UserID), e.Action, e.ObjectType,
				e.ObjectID, optID(e.FacilityID), e.Summary, e.Before, e.After, e.RequestID, e.ClientIP}))
		}
		cw.Flush()
		return cw.Error()
	}).Error
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
