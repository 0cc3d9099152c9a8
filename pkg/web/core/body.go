package core

import (
	"errors"
	"io"
	"net/http"
	"os"
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
		g := &stallGuard{body: req.Body, rc: http.NewResponseController(c.Response().Writer), idle: idle,
			minRate: rate, windowStart: time.Now()}
		req.Body = g
		err := next(c)
		if g.stalled == nil {
			_ = g.rc.SetReadDeadline(time.Time{})
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

var (
	errBodyIdle = errors.New("no data for the idle period")
	errBodySlow = errors.New("below the minimum transfer rate")
)

// stallGuard is a request body that extends the connection's read deadline
// by the idle period before each read, and checks the bytes received in
// each idle-long window against the minimum rate.
type stallGuard struct {
	body        io.ReadCloser
	rc          *http.ResponseController
	idle        time.Duration
	minRate     int64
	windowStart time.Time
	windowBytes int64
	stalled     error
}

func (g *stallGuard) Read(p []byte) (int, error) {
	if g.stalled != nil {
		return 0, g.stalled
	}
	_ = g.rc.SetReadDeadline(time.Now().Add(g.idle))
	n, err := g.body.Read(p)
	g.windowBytes += int64(n)
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
		_ = g.rc.SetReadDeadline(time.Time{})
	case errors.Is(err, os.ErrDeadlineExceeded):
		g.stalled = errBodyIdle
		return n, g.stalled
	}
	return n, err
}

func (g *stallGuard) Close() error { return g.body.Close() }
