package auth

import (
	"context"
	"sync"
	"time"

	"github.com/bukti-id/bukti/pkg/audit"
)

// logEvery is the shortest interval between two WARN lines of one reason
// about requests refused before anyone signed in (a rejected token, a
// throttled sign-in): clients that are not signed in must not be able to
// flood the log, nor write to the database at all. The lines in between
// are counted and the count ("suppressed") goes with the next line.
const logEvery = time.Second

// logLimiter lets through at most one line per reason per logEvery. Its
// zero value is ready; the reasons are a small fixed set, so its maps stay
// small.
type logLimiter struct {
	mu         sync.Mutex
	last       map[string]time.Time
	suppressed map[string]int
}

// allow reports whether a line of reason may be written at now and, if so,
// how many lines of that reason were held back since the last one written.
func (l *logLimiter) allow(reason string, now time.Time) (ok bool, suppressed int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last == nil {
		l.last, l.suppressed = map[string]time.Time{}, map[string]int{}
	}
	if last, seen := l.last[reason]; seen && now.Sub(last) < logEvery {
		l.suppressed[reason]++
		return false, 0
	}
	suppressed = l.suppressed[reason]
	l.last[reason], l.suppressed[reason] = now, 0
	return true, suppressed
}

// warnLimited logs msg (English) at WARN with the request's id and client
// IP, unless a line of the same reason went out less than logEvery ago.
func (s *Service) warnLimited(ctx context.Context, reason, msg string, args ...any) {
	ok, suppressed := s.logs.allow(reason, s.Now())
	if !ok {
		return
	}
	req := audit.RequestFrom(ctx)
	args = append(args, "reason", reason, "client_ip", req.ClientIP, "request_id", req.ID, "suppressed", suppressed)
	s.logger().WarnContext(ctx, msg, args...)
}
