package testenv

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"
)

// Dump returns every row of every table of the database as text, tables by
// name and rows in primary-key order, for tests that check a refused
// request changed nothing. Columns named in skip ("table.column") are left
// out, e.g. "sessions.last_used_at", which every authenticated request may
// touch.
func Dump(tb testing.TB, gdb *gorm.DB, skip ...string) string {
	tb.Helper()
	tables, err := gdb.Migrator().GetTables()
	if err != nil {
		tb.Fatalf("dump: list tables: %v", err)
	}
	slices.Sort(tables)
	var b strings.Builder
	for _, table := range tables {
		rows, err := gdb.Table(table).Order("1").Rows()
		if err != nil {
			tb.Fatalf("dump %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				tb.Fatalf("dump %s: %v", table, err)
			}
			fmt.Fprintf(&b, "%s:", table)
			for i, col := range cols {
				if slices.Contains(skip, table+"."+col) {
					continue
				}
				v := vals[i]
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, " %s=%v", col, v)
			}
			b.WriteByte('\n')
		}
		if err := rows.Err(); err != nil {
			tb.Fatalf("dump %s: %v", table, err)
		}
		rows.Close()
	}
	return b.String()
}
