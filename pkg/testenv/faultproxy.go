package testenv

import (
	"net"
	"sync"
	"testing"
)

// FaultProxy is a TCP proxy in front of a real service (PostgreSQL, MinIO)
// that a test can break the way a network or a server breaks:
//
//   - Freeze: nothing moves any more. Connections stay open and new ones
//     are accepted, but no byte is passed on in either direction, as when
//     the server hangs (SIGSTOP, a full disk it waits on, a partition).
//   - Down: every connection is closed and new ones are refused, as when
//     the server has died.
//   - Heal: service as before (new connections; frozen ones flow again).
//
// Point the code under test at Addr instead of the service.
type FaultProxy struct {
	Addr   string // host:port of the proxy
	target string

	mu    sync.Mutex
	ln    net.Listener
	gate  chan struct{} // closed while bytes flow
	conns map[net.Conn]struct{}
	down  bool
}

// NewFaultProxy starts a proxy to target (host:port), closed when the test
// ends.
func NewFaultProxy(tb testing.TB, target string) *FaultProxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("fault proxy: %v", err)
	}
	p := &FaultProxy{Addr: ln.Addr().String(), target: target, ln: ln, gate: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	close(p.gate)
	go p.accept(ln)
	tb.Cleanup(p.close)
	return p
}

func (p *FaultProxy) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go p.serve(c)
	}
}

// track adds c to the open connections, unless the proxy is down.
func (p *FaultProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *FaultProxy) untrack(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, c)
	c.Close()
}

func (p *FaultProxy) serve(client net.Conn) {
	if !p.track(client) {
		return
	}
	defer p.untrack(client)
	p.wait() // a frozen server accepts (the kernel does) but answers nothing
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	if !p.track(server) {
		return
	}
	defer p.untrack(server)
	done := make(chan struct{}, 2)
	go func() { p.pipe(server, client); done <- struct{}{} }()
	go func() { p.pipe(client, server); done <- struct{}{} }()
	<-done
}

// pipe copies src to dst, holding each chunk while the proxy is frozen.
func (p *FaultProxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.wait()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	dst.Close()
	src.Close()
}

func (p *FaultProxy) wait() {
	p.mu.Lock()
	g := p.gate
	p.mu.Unlock()
	<-g
}

// Freeze stops every byte (see FaultProxy).
func (p *FaultProxy) Freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.gate:
		p.gate = make(chan struct{})
	default: // frozen already
	}
}

// Down closes every connection and refuses new ones (see FaultProxy).
func (p *FaultProxy) Down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return
	}
	p.down = true
	p.ln.Close()
	for c := range p.conns {
		c.Close()
	}
	select {
	case <-p.gate:
	default:
		close(p.gate) // release held chunks: their connections are gone
	}
}

// Heal restores service on the same address (see FaultProxy).
func (p *FaultProxy) Heal() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.gate:
	default:
		close(p.gate)
	}
	if !p.down {
		return nil
	}
	ln, err := net.Listen("tcp", p.Addr)
	if err != nil {
		return err
	}
	p.ln, p.down = ln, false
	go p.accept(ln)
	return nil
}

func (p *FaultProxy) close() {
	p.Down()
}
