package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

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
		return nil, errors.New("demo: bulk insert outside a transaction")
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
