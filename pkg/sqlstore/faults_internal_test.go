package sqlstore

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"
)

// TestClassifyDriver checks which driver failures are outages, which are
// a full disk and which are neither.
func TestClassifyDriver(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"sqlite full", sqlite3.Error{Code: sqlite3.ErrFull}, ErrNoSpace},
		{"sqlite locked", sqlite3.Error{Code: sqlite3.ErrBusy}, ErrUnavailable},
		{"sqlite constraint", sqlite3.Error{Code: sqlite3.ErrConstraint}, nil},
		{"postgres disk full", &pgconn.PgError{Code: "53100"}, ErrNoSpace},
		{"postgres connection failure", &pgconn.PgError{Code: "08006"}, ErrUnavailable},
		{"postgres shutting down", &pgconn.PgError{Code: "57P01"}, ErrUnavailable},
		{"postgres unique violation", &pgconn.PgError{Code: "23505"}, nil},
		{"refused", &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}, ErrUnavailable},
		{"no row", gorm.ErrRecordNotFound, nil},
	}
	for _, tc := range cases {
		err := classifyDriver(fmt.Errorf("statement: %w", tc.err))
		switch {
		case tc.want == nil && (errors.Is(err, ErrUnavailable) || errors.Is(err, ErrNoSpace)):
			t.Errorf("%s: classified: %v", tc.name, err)
		case tc.want != nil && !errors.Is(err, tc.want):
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		case !errors.Is(err, tc.err):
			t.Errorf("%s: the cause is lost: %v", tc.name, err)
		}
	}
}
