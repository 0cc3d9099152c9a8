package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"
	"gorm.io/gorm/schema"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// The bulk load of demo data (pkg/demo). Its inserts skip the per-row
// rules of the feature services on purpose: they fill a fresh database
// with facilities nobody has scored yet, so they touch no facility. Users
// and the organisation they insert change the access version (access.go).

// Rows per INSERT of the demo bulk load, kept under SQLite's 32766 bound
// parameters per statement (and PostgreSQL's 65535).
const (
	demoBatchEvidence    = 1000 // 18 columns
	demoBatchRevision    = 3000 // 8 columns
	demoBatchInterviewee = 4000 // 7 columns
	demoBatchOther       = 1000
)

// DemoBulk runs fn with a copy of d made for loading demo data in bulk;
// its units are ordinary units of work (Run) on the same database and
// clock. Statements of the copy are not logged (the logger would render
// every batch of thousands of values as SQL text; errors are returned all
// the same). On SQLite every unit of the copy runs on one pooled
// connection, with synchronous off and a larger page cache for the load,
// both restored to their settings when fn returns, even after ctx is
// canceled; use the copy only inside fn.
func (d *DB) DemoBulk(ctx context.Context, fn func(*DB) error) error {
	quiet := &gorm.Session{NewDB: true, Logger: d.gdb.Logger.LogMode(logger.Silent)}
	gdb := d.gdb.WithContext(ctx)
	if gdb.Dialector.Name() != "sqlite" {
		return fn(&DB{gdb: gdb.Session(quiet), now: d.now, b: d.b})
	}
	return gdb.Connection(func(conn *gorm.DB) error {
		// A new session per statement (NewDB): the handle of Connection
		// would otherwise carry one statement's model into the next.
		conn = conn.Session(quiet)
		var synchronous, cache int
		if err := conn.Raw("PRAGMA synchronous").Scan(&synchronous).Error; err != nil {
			return err
		}
		if err := conn.Raw("PRAGMA cache_size").Scan(&cache).Error; err != nil {
			return err
		}
		// The connection goes back to the pool: restore it even when ctx
		// is canceled.
		restore := conn.WithContext(context.WithoutCancel(ctx))
		defer restore.Exec("PRAGMA synchronous = " + strconv.Itoa(synchronous))
		defer restore.Exec("PRAGMA cache_size = " + strconv.Itoa(cache))
		if err := conn.Exec("PRAGMA synchronous = OFF").Error; err != nil {
			return err
		}
		if err := conn.Exec("PRAGMA cache_size = -65536").Error; err != nil { // 64 MiB for the growing indexes
			return err
		}
		return fn(&DB{gdb: conn, now: d.now, b: d.b})
	})
}

// DemoOneWriter reports whether the database runs one writing unit at a
// time (SQLite), so that units started in parallel would only queue.
func (d *DB) DemoOneWriter() bool { return d.gdb.Dialector.Name() == "sqlite" }

// DemoCodesLike returns the codes matching the LIKE pattern of the
// provinces, districts or facilities: model is &bukti.Province{},
// &bukti.District{} or &bukti.Facility{}.
func (d *DB) DemoCodesLike(ctx context.Context, model any, pattern string) ([]string, error) {
	switch model.(type) {
	case *bukti.Province, *bukti.District, *bukti.Facility:
	default:
		return nil, fmt.Errorf("sqlstore: DemoCodesLike of %T", model)
	}
	var codes []string
	err := d.gdb.WithContext(ctx).Model(model).Where("code LIKE ?", pattern).Pluck("code", &codes).Error
	return codes, err
}

// DemoFacilityCount returns the number of facilities in the database.
func (d *DB) DemoFacilityCount(ctx context.Context) (int64, error) {
	var n int64
	err := d.gdb.WithContext(ctx).Model(&bukti.Facility{}).Count(&n).Error
	return n, err
}

// DemoEnsureUser inserts u unless a user with its email exists, and
// returns the ID of the user with that email.
func (t *Tx) DemoEnsureUser(u bukti.User) (int64, error) {
	t.accessChanged()
	if err := t.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "email"}}, DoNothing: true}).Create(&u).Error; err != nil {
		return 0, err
	}
	var found bukti.User
	if err := t.db.Where("email = ?", u.Email).First(&found).Error; err != nil {
		return 0, err
	}
	return found.ID, nil
}

// DemoInsertProvinces inserts rows in batches and sets their IDs.
func (t *Tx) DemoInsertProvinces(rows []bukti.Province) error {
	t.accessChanged()
	return t.db.CreateInBatches(&rows, demoBatchOther).Error
}

// DemoInsertDistricts inserts rows in batches and sets their IDs.
func (t *Tx) DemoInsertDistricts(rows []bukti.District) error {
	t.accessChanged()
	return t.db.CreateInBatches(&rows, demoBatchOther).Error
}

// DemoInsertFacilities inserts rows in batches and sets their IDs.
func (t *Tx) DemoInsertFacilities(rows []bukti.Facility) error {
	t.accessChanged()
	return t.db.CreateInBatches(&rows, demoBatchOther).Error
}

// DemoInsertNotApplicable inserts TDD marks in batches.
func (t *Tx) DemoInsertNotApplicable(rows []bukti.NotApplicable) error {
	return t.db.CreateInBatches(&rows, demoBatchOther).Error
}

// DemoInsertEvidence inserts evidence records in batches (not their
// revisions) and sets their IDs.
//
// On SQLite the IDs are assigned here, after the highest one ever used:
// the unit holds the database's write lock from its start, so no other
// writer can take them.
func (t *Tx) DemoInsertEvidence(rows []bukti.Evidence) error {
	if t.db.Dialector.Name() != "sqlite" {
		return t.db.Omit(clause.Associations).CreateInBatches(&rows, demoBatchEvidence).Error
	}
	bt, err := newBulkTable(t.db, &bukti.Evidence{}, true)
	if err != nil {
		return err
	}
	id, err := nextSQLiteID(t.db, bt.table)
	if err != nil {
		return err
	}
	for i := range rows {
		rows[i].ID = id + int64(i)
	}
	return insertPrepared(t.ctx, t.db, bt, rows, demoBatchEvidence)
}

// DemoInsertRevisions inserts revisions in batches. Their IDs are not
// reported back.
func (t *Tx) DemoInsertRevisions(rows []bukti.Revision) error {
	return demoInsert(t, &bukti.Revision{}, rows, demoBatchRevision)
}

// DemoInsertInterviewees inserts interviewees in batches. Their IDs are
// not reported back.
func (t *Tx) DemoInsertInterviewees(rows []bukti.Interviewee) error {
	return demoInsert(t, &bukti.Interviewee{}, rows, demoBatchInterviewee)
}

// demoInsert writes rows of model with the database's IDs: on SQLite with
// prepared inserts, else with CreateInBatches.
func demoInsert[T any](t *Tx, model *T, rows []T, batch int) error {
	if t.db.Dialector.Name() != "sqlite" {
		return t.db.Omit(clause.Associations).CreateInBatches(&rows, batch).Error
	}
	bt, err := newBulkTable(t.db, model, false)
	if err != nil {
		return err
	}
	return insertPrepared(t.ctx, t.db, bt, rows, batch)
}

// bulkTable inserts many rows of one model into SQLite with a prepared
// multi-row INSERT, reused for every full batch.
//
// gorm's CreateInBatches sends every batch as new SQL text, and SQLite
// compiles each one afresh: for a 1000-row INSERT the compilation costs
// more than the insertion (on this project's 2-core machine, about 15 µs
// per evidence row through CreateInBatches against 5 µs prepared). The
// columns and values still come from gorm's schema of the model, so the
// rows are exactly what CreateInBatches would write.
type bulkTable struct {
	table  string
	cols   []string
	fields []*schema.Field
	quote  func(string) string
}

// newBulkTable prepares the insertion of model's rows. withID includes the
// primary key (the caller assigns the IDs); otherwise the database does.
func newBulkTable(db *gorm.DB, model any, withID bool) (*bulkTable, error) {
	stmt := &gorm.Statement{DB: db}
	if err := stmt.Parse(model); err != nil {
		return nil, err
	}
	bt := &bulkTable{table: stmt.Table, quote: func(name string) string { return stmt.Quote(name) }}
	for _, f := range stmt.Schema.Fields {
		if f.DBName == "" || !f.Creatable || (!withID && f == stmt.Schema.PrioritizedPrimaryField) {
			continue
		}
		bt.fields = append(bt.fields, f)
		bt.cols = append(bt.cols, stmt.Quote(f.DBName))
	}
	return bt, nil
}

// query is the INSERT of n rows.
func (bt *bulkTable) query(n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(bt.cols)), ",") + ")"
	var b strings.Builder
	b.WriteString("INSERT INTO " + bt.quote(bt.table) + " (" + strings.Join(bt.cols, ",") + ") VALUES ")
	b.WriteString(strings.TrimSuffix(strings.Repeat(row+",", n), ","))
	return b.String()
}

// sqlTx is the database/sql transaction under a gorm transaction.
func sqlTx(tx *gorm.DB) (*sql.Tx, error) {
	t, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return nil, errors.New("sqlstore: bulk insert outside a transaction")
	}
	return t, nil
}

// insertPrepared writes rows in batches of batch rows, with one prepared
// statement for the full batches and one for batches of 50 in the rest;
// only the last few rows go in a statement of their own.
func insertPrepared[T any](ctx context.Context, tx *gorm.DB, bt *bulkTable, rows []T, batch int) error {
	t, err := sqlTx(tx)
	if err != nil {
		return err
	}
	args := make([]any, 0, min(batch, len(rows))*len(bt.fields))
	for _, size := range []int{batch, 50, 1} {
		n := len(rows) / size * size
		if size == 1 {
			n, size = len(rows), len(rows) // the last few together
		}
		if n == 0 {
			continue
		}
		stmt, err := t.PrepareContext(ctx, bt.query(size))
		if err != nil {
			return fmt.Errorf("prepare insert into %s: %w", bt.table, err)
		}
		for lo := 0; lo < n; lo += size {
			args = args[:0]
			for i := lo; i < lo+size; i++ {
				rv := reflect.ValueOf(&rows[i]).Elem()
				for _, f := range bt.fields {
					v, _ := f.ValueOf(ctx, rv)
					args = append(args, v)
				}
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				stmt.Close()
				return fmt.Errorf("insert into %s: %w", bt.table, err)
			}
		}
		stmt.Close()
		rows = rows[n:]
	}
	return nil
}

// nextSQLiteID is the first free ID of an AUTOINCREMENT table, for rows
// inserted with their IDs in the same write transaction.
func nextSQLiteID(tx *gorm.DB, table string) (int64, error) {
	var maxID, seq sql.NullInt64
	if err := tx.Raw("SELECT MAX(id) FROM " + tx.Statement.Quote(table)).Scan(&maxID).Error; err != nil {
		return 0, err
	}
	if err := tx.Raw("SELECT seq FROM sqlite_sequence WHERE name = ?", table).Scan(&seq).Error; err != nil {
		return 0, err
	}
	return max(maxID.Int64, seq.Int64) + 1, nil
}
