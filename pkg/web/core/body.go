package core

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// Request bodies must keep arriving: a pause longer than the idle period,
// or less than the minimum rate averaged over an idle period, ends the
// request with 408. The defaults let a phone on 2G (a few KiB/s) finish a
// 20 MiB photo while a client that stops sending, or sends a trickle, is
// cut after a minute.
const (
	DefaultBodyIdle    = time.Minute
	DefaultMinBodyRate = 1 << 10 // bytes per second
)

// bodyDeadline wraps every request body in a stallGuard and turns a
// stalled body into ETIMEOUT, whatever the handler made of the read error.
// A request that fails with its body unread is answered, then drained
// (answerThenDrain).
func (s *Server) bodyDeadline(next echo.HandlerFunc) echo.HandlerFunc {
	idle, rate := s.BodyIdle, s.MinBodyRate
	if idle <= 0 {
		idle = DefaultBodyIdle
	}
	if rate <= 0 {
		rate = DefaultMinBodyRate
	}
	return func(c echo.Context) error {
		req := c.Request()
		if req.Body == nil || req.Body == http.NoBody {
			return next(c)
		}
		g := &stallGuard{ctx: req.Context(), body: req.Body, rc: http.NewResponseController(c.Response().Writer), idle: idle,
			minRate: rate, windowStart: time.Now()}
		req.Body = g
		// A request canceled by the server's shutdown stops waiting for
		// its body at once.
		stop := context.AfterFunc(g.ctx, func() {
			if g.shuttingDown() {
				g.mu.Lock()
				defer g.mu.Unlock()
				_ = g.rc.SetReadDeadline(time.Now())
			}
		})
		err := next(c)
		stop()
		if g.stalled == nil {
			_ = g.rc.SetReadDeadline(time.Time{})
			if err != nil && !g.read(req.ContentLength) && !c.Response().Committed {
				s.answerThenDrain(c, g, err)
			}
			return err
		}
		// Answer without waiting for the rest of the body (net/http would
		// otherwise try to drain it) and drop the connection after.
		_ = g.rc.SetReadDeadline(time.Now())
		c.Response().Header().Set(echo.HeaderConnection, "close")
		s.log.Warn("request body stalled", "path", c.Path(), "request_id", requestID(c), "reason", g.stalled)
		return bukti.E(bukti.ETIMEOUT, "err.core.request_body_stalled_or_was", idle)
	}
}

// A request that fails before its body is read (say, an upload while the
// blob store is down) is answered first, then up to drainBytes of the
// body, for up to drainTime, are read and dropped before the connection
// closes: a client still sending gets the status instead of a broken pipe
// or a reset that can swallow it.
const (
	drainBytes = 8 << 20
	drainTime  = 5 * time.Second
)

// answerThenDrain writes err's response with "Connection: close", sends
// it, then drains the rest of the body within drainBytes and drainTime.
// The error is not answered again (answeredKey).
func (s *Server) answerThenDrain(c echo.Context, g *stallGuard, err error) {
	_ = g.rc.EnableFullDuplex() // keep reading the body after the response
	c.Response().Header().Set(echo.HeaderConnection, "close")
	s.handleError(err, c)
	c.Set(answeredKey, true)
	_ = g.rc.Flush()
	req := c.Request()
	if g.total == 0 && strings.EqualFold(req.Header.Get("Expect"), "100-continue") {
		return // the client waits for a go-ahead it never gets, and sends nothing
	}
	_ = g.rc.SetReadDeadline(time.Now().Add(drainTime))
	_, _ = io.CopyN(io.Discard, g.body, drainBytes)
	_ = g.rc.SetReadDeadline(time.Time{})
}

var (
	errBodyIdle = errors.New("no data for the idle period")
	errBodySlow = errors.New("below the minimum transfer rate")
)

// stallGuard is a request body that extends the connection's read deadline
// by the idle period before each read, and checks the bytes received in
// each idle-long window against the minimum rate.
type stallGuard struct {
	ctx         context.Context // the request's
	mu          sync.Mutex      // orders deadline changes with the shutdown's
	body        io.ReadCloser
	rc          *http.ResponseController
	idle        time.Duration
	minRate     int64
	windowStart time.Time
	windowBytes int64
	total       int64 // bytes read
	eof         bool  // the whole body was read
	stalled     error
}

func (g *stallGuard) Read(p []byte) (int, error) {
	if g.stalled != nil {
		return 0, g.stalled
	}
	g.mu.Lock()
	if g.shuttingDown() {
		g.mu.Unlock()
		return 0, g.ctx.Err()
	}
	_ = g.rc.SetReadDeadline(time.Now().Add(g.idle))
	g.mu.Unlock()
	n, err := g.body.Read(p)
	g.windowBytes += int64(n)
	g.total += int64(n)
	now := time.Now()
	if elapsed := now.Sub(g.windowStart); elapsed >= g.idle {
		if g.windowBytes < int64(elapsed.Seconds()*float64(g.minRate)) && err == nil {
			g.stalled = errBodySlow
			return n, g.stalled
		}
		g.windowStart, g.windowBytes = now, 0
	}
	switch {
	case errors.Is(err, io.EOF):
		// The whole body is in: lift the deadline before net/http's
		// background read of the idle connection can trip on it.
		g.eof = true
		_ = g.rc.SetReadDeadline(time.Time{})
	case errors.Is(err, os.ErrDeadlineExceeded):
		if g.shuttingDown() {
			return n, g.ctx.Err() // canceled, not stalled
		}
		g.stalled = errBodyIdle
		return n, g.stalled
	}
	return n, err
}

func (g *stallGuard) Close() error { return g.body.Close() }

// read reports whether the whole body was read: its end seen, or all of
// its declared length.
func (g *stallGuard) read(contentLength int64) bool {
	return g.eof || contentLength >= 0 && g.total >= contentLength
}

// shuttingDown reports whether the server canceled the request to shut
// down (ErrShuttingDown). net/http also cancels a request's context, with
// no cause, when a read of its connection fails: that is a stall or a
// client gone, not a cancellation.
func (g *stallGuard) shuttingDown() bool {
	return errors.Is(context.Cause(g.ctx), ErrShuttingDown)
}
