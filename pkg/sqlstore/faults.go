package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"
)

// Failures of the database itself, as opposed to the caller's (a missing
// row, a duplicate, a canceled request), are classified where they happen
// so that the web layer can answer honestly: test with errors.Is.
var (
	// ErrUnavailable marks a failure that should pass: the database could
	// not be reached (connection refused, reset or closed), did not answer
	// within the timeout (SetTimeout), is shutting down or starting, or
	// kept its write lock longer than the timeout.
	ErrUnavailable = errors.New("sqlstore: the database is unavailable")
	// ErrNoSpace marks a write refused because the database's disk is
	// full (SQLite SQLITE_FULL, PostgreSQL disk_full).
	ErrNoSpace = errors.New("sqlstore: the database is out of space")
)

// timeoutError is the cause of a statement or unit that ran out of time.
type timeoutError struct {
	what string
	d    time.Duration
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("sqlstore: %s did not finish within %v (BUKTI_DB_TIMEOUT)", e.what, e.d)
}

// classify wraps a failure of the database with ErrUnavailable or
// ErrNoSpace. parent is the caller's context and bounded the one the
// statement or unit ran on (parent with the timeout): when parent ended,
// the failure is the caller's and err is returned as is; when only
// bounded did, the database ran out of time.
func classify(parent, bounded context.Context, err error) error {
	switch {
	case err == nil || errors.Is(err, ErrUnavailable) || errors.Is(err, ErrNoSpace):
		return err
	case parent.Err() != nil:
		return err
	case bounded.Err() != nil:
		return fmt.Errorf("%w: %w: %w", ErrUnavailable, context.Cause(bounded), err)
	}
	return classifyDriver(err)
}

// classifyDriver wraps the drivers' connection, lock and disk-full
// failures.
func classifyDriver(err error) error {
	var lite sqlite3.Error
	if errors.As(err, &lite) {
		switch lite.Code {
		case sqlite3.ErrFull:
			return fmt.Errorf("%w: %w", ErrNoSpace, err)
		case sqlite3.ErrBusy, sqlite3.ErrLocked, sqlite3.ErrCantOpen:
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return err
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case pg.Code == "53100": // disk_full
			return fmt.Errorf("%w: %w", ErrNoSpace, err)
		case strings.HasPrefix(pg.Code, "08"), // connection exception
			strings.HasPrefix(pg.Code, "53"),                           // insufficient resources (too many connections, …)
			pg.Code == "57P01", pg.Code == "57P02", pg.Code == "57P03", // shutting down, crashed, starting
			pg.Code == "40P01", pg.Code == "55P03": // deadlock, lock not available: try again
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return err
	}
	if errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("%w: %w", ErrNoSpace, err)
	}
	var connect *pgconn.ConnectError
	var nerr net.Error
	if errors.As(err, &connect) || errors.As(err, &nerr) || pgconn.Timeout(err) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// bounds is what every DB made on one gorm handle shares (a gorm plugin,
// so it lives with the handle): the timeout of statements and units, and
// on SQLite the one writer's turn.
type bounds struct {
	timeout atomic.Int64 // time.Duration; 0: none
	// write is SQLite's writer turn: a unit takes it before BEGIN, so
	// that units queue here, in order and within their timeout, instead
	// of in SQLite's busy handler, which polls and lets late comers
	// overtake. nil on PostgreSQL.
	write chan struct{}
}

const boundsPlugin = "bukti:sqlstore"

func (*bounds) Name() string { return boundsPlugin }

// Initialize registers, first and last in every callback processor, the
// callbacks that give each statement its timeout and classify its failure.
func (b *bounds) Initialize(gdb *gorm.DB) error {
	cb := gdb.Callback()
	var errs []error
	register := func(op string, first, last func(string, func(*gorm.DB)) error) {
		// A row statement hands its rows to the caller: its context must
		// outlive the callbacks, and its timeout also bounds the reading.
		keep := op == OpRow
		errs = append(errs, first("bukti:bound_start", b.start),
			last("bukti:bound_end", func(db *gorm.DB) { b.end(db, keep) }))
	}
	c, q, u, del, row, raw := cb.Create(), cb.Query(), cb.Update(), cb.Delete(), cb.Row(), cb.Raw()
	register(OpCreate, c.Before("*").Register, c.After("*").Register)
	register(OpQuery, q.Before("*").Register, q.After("*").Register)
	register(OpUpdate, u.Before("*").Register, u.After("*").Register)
	register(OpDelete, del.Before("*").Register, del.After("*").Register)
	register(OpRow, row.Before("*").Register, row.After("*").Register)
	register(OpRaw, raw.Before("*").Register, raw.After("*").Register)
	return errors.Join(errs...)
}

// boundKey holds a statement's bound in its settings.
const boundKey = "bukti:bound"

type stmtBound struct {
	parent context.Context
	ctx    context.Context
	cancel context.CancelFunc
}

func (b *bounds) start(db *gorm.DB) {
	d := time.Duration(b.timeout.Load())
	parent := db.Statement.Context
	if parent == nil {
		parent = context.Background()
	}
	sb := stmtBound{parent: parent, ctx: parent, cancel: func() {}}
	if d > 0 {
		sb.ctx, sb.cancel = context.WithTimeoutCause(parent, d, &timeoutError{what: "a database statement", d: d})
		db.Statement.Context = sb.ctx
	}
	db.Statement.Settings.Store(boundKey, sb)
}

func (b *bounds) end(db *gorm.DB, keep bool) {
	v, ok := db.Statement.Settings.Load(boundKey)
	if !ok {
		return
	}
	sb := v.(stmtBound)
	if db.Error != nil && !errors.Is(db.Error, gorm.ErrRecordNotFound) {
		db.Error = classify(sb.parent, sb.ctx, db.Error)
	}
	if !keep || db.Error != nil {
		sb.cancel()
	}
	// A kept statement's context ends at its deadline.
}

var boundsMu sync.Mutex

// boundsOf returns the bounds of gdb's handle, registering them on first
// use.
func boundsOf(gdb *gorm.DB) *bounds {
	boundsMu.Lock()
	defer boundsMu.Unlock()
	if b, ok := gdb.Config.Plugins[boundsPlugin].(*bounds); ok {
		return b
	}
	b := &bounds{}
	if gdb.Dialector.Name() == "sqlite" {
		b.write = make(chan struct{}, 1)
	}
	if err := gdb.Use(b); err != nil {
		// Only a second registration of the same names fails, which the
		// lookup above rules out.
		panic(fmt.Sprintf("sqlstore: register statement bounds: %v", err))
	}
	return b
}

// SetTimeout bounds every statement and every unit of work (Run) on d's
// database handle — every DB made from it — by timeout (BUKTI_DB_TIMEOUT);
// 0 removes the bound. A statement or unit that runs out of time, or that
// waits longer for SQLite's writer turn, fails with ErrUnavailable. The
// rows of Rows stay readable until the statement's deadline.
func (d *DB) SetTimeout(timeout time.Duration) { d.b.timeout.Store(int64(max(timeout, 0))) }

// transaction runs fn in a transaction on ctx bounded by the unit timeout,
// after taking SQLite's writer turn, and classifies its failure.
func (d *DB) transaction(ctx context.Context, fn func(uctx context.Context, tx *gorm.DB) error) error {
	uctx, cancel := ctx, context.CancelFunc(func() {})
	if t := time.Duration(d.b.timeout.Load()); t > 0 {
		uctx, cancel = context.WithTimeoutCause(ctx, t, &timeoutError{what: "a database unit of work", d: t})
	}
	defer cancel()
	if d.b.write != nil {
		select {
		case d.b.write <- struct{}{}:
			defer func() { <-d.b.write }()
		case <-uctx.Done():
			return classify(ctx, uctx, fmt.Errorf("wait for the database's write turn: %w", context.Cause(uctx)))
		}
	}
	err := d.gdb.WithContext(uctx).Transaction(func(tx *gorm.DB) error { return fn(uctx, tx) })
	return classify(ctx, uctx, err)
}
