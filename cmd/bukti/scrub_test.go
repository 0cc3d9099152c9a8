package main

import (
	"context"
	"net/http"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// TestServeStopsTheScrub: a real `bukti serve` whose scrub is reading a
// large file (paced at 256 KiB/s, a pass of about 30 s) stops at once on
// SIGTERM, exits 0, and releases the scrub's lease; the pass stays
// unfinished, to be resumed.
func TestServeStopsTheScrub(t *testing.T) {
	dir := t.TempDir()
	env := []string{"BUKTI_DATA_DIR=" + dir, "BUKTI_SCRUB_PERIOD=1s"}
	// A first server stores the file; its scrub completes a pass of the
	// empty store at start.
	p := startBukti(t, env...)
	a := newAPI(p.addr, "")
	facility := a.setup(t)
	content, sum := doc(8 << 20)
	an := a.upload(facility, content)
	if an.err != nil || an.status != http.StatusCreated {
		t.Fatalf("upload: %d %v %s", an.status, an.err, an.body)
	}
	acknowledged(t, an, sum)
	if code := p.stop(syscall.SIGTERM, hangBound); code != 0 {
		t.Fatalf("first server: exit %d\n%s", code, p.logs)
	}

	records := sqlstore.New(openDB(t, filepath.Join(dir, "bukti.db")), nil)
	ctx := context.Background()
	p = startBukti(t, env...)
	deadline := time.Now().Add(hangBound)
	for {
		st, err := records.ScrubState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.LeaseOwner != "" {
			break // the second server's scrub is in its first step
		}
		if time.Now().After(deadline) {
			t.Fatalf("the scrub of the second server did not start\n%s", p.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code := p.stop(syscall.SIGTERM, hangBound); code != 0 {
		t.Errorf("exit code %d after SIGTERM during a scrub, want 0\n%s", code, p.logs)
	}
	st, err := records.ScrubState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.LeaseOwner != "" {
		t.Errorf("the scrub lease is still held by %q after the server stopped", st.LeaseOwner)
	}
	last, err := records.LastIntegrityRun(ctx, integrity.KindScrub, true)
	if err != nil || last == nil || last.Files != 0 {
		t.Errorf("last complete pass: %+v, %v; want the first server's pass of the empty store (the second did not finish one)", last, err)
	}
}
