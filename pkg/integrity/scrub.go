package integrity

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/storage"
)

// Scrub rates: a pass over the whole store takes DefaultScrubPeriod, read
// at no less than MinScrubRate and no more than MaxScrubRate, so a small
// store is checked often and a large one never starves uploads.
const (
	DefaultScrubPeriod = 30 * 24 * time.Hour
	MinScrubRate       = 256 << 10 // bytes per second
	MaxScrubRate       = 16 << 20
)

// ScrubRecords is what a scrubber needs of the evidence records.
type ScrubRecords interface {
	BlobRecordPage(ctx context.Context, after string, limit int) ([]sqlstore.BlobRecord, error)
}

// scrubPage is how many records a step reads at once; it holds no
// statement open while it reads blobs.
const scrubPage = 200

// ScrubProgress is where a scrub pass stands; the scrubber's caller keeps
// it between steps (and restarts).
type ScrubProgress struct {
	Cursor      string    `json:"cursor"` // last SHA-256 checked in this pass; "" at the start
	PassStarted time.Time `json:"pass_started,omitzero"`
	LastPass    time.Time `json:"last_pass,omitzero"` // when the last complete pass ended
	Checked     int64     `json:"checked"`            // files checked in this pass
	Bytes       int64     `json:"bytes"`              // bytes read in this pass
	Damaged     int64     `json:"damaged"`            // damaged files found in this pass
}

// starting reports whether the next step begins a new pass.
func (p ScrubProgress) starting() bool { return p.Cursor == "" && p.Checked == 0 }

// ScrubStep checks recorded blobs after p.Cursor, in SHA-256 order, until
// it has read budget bytes (at least one file) or reached the last one,
// and returns the progress to resume from. check is called for every blob
// checked, with the damage found (missing, wrong size, bytes not
// matching) or nil when it is healthy. At the end of the records the step
// completes the pass: it returns the pass's final tallies as done (with
// LastPass set), and progress whose next step starts over. A failing read
// of the store (an outage) or the end of ctx ends the step with the error
// and the progress before that blob.
func ScrubStep(ctx context.Context, rec ScrubRecords, st storage.Store, p ScrubProgress, budget int64, now time.Time,
	check func(r sqlstore.BlobRecord, damage *Problem)) (next ScrubProgress, done *ScrubProgress, err error) {
	if p.starting() {
		p.PassStarted, p.Bytes, p.Damaged = now, 0, 0
	}
	var read int64
	for {
		page, err := rec.BlobRecordPage(ctx, p.Cursor, scrubPage)
		if err != nil {
			return p, nil, err
		}
		for _, r := range page {
			if read >= budget && read > 0 {
				return p, nil, nil
			}
			damage, err := scrubOne(ctx, st, r)
			if err != nil {
				return p, nil, err
			}
			check(r, damage)
			if damage != nil {
				p.Damaged++
			}
			p.Cursor = r.SHA256
			p.Checked++
			p.Bytes += r.Size
			read += r.Size
		}
		if len(page) < scrubPage {
			break
		}
	}
	if err := ctx.Err(); err != nil {
		return p, nil, err
	}
	p.LastPass = now
	fin := p
	fin.Cursor = ""
	p.Cursor, p.Checked, p.Bytes, p.Damaged = "", 0, 0, 0
	return p, &fin, nil
}

// scrubOne checks one recorded blob: nil when it is there with the
// recorded bytes, the damage when it is not, an error when the store
// could not be read.
func scrubOne(ctx context.Context, st storage.Store, r sqlstore.BlobRecord) (*Problem, error) {
	key, err := storage.Key(r.SHA256)
	if err != nil {
		return nil, err
	}
	n, err := verify(ctx, st, key, r.SHA256)
	switch {
	case err == nil:
		return nil, nil
	case errors.Is(err, storage.ErrNotFound):
		return &Problem{Kind: Missing, Key: key, SHA256: r.SHA256, Recorded: r.Size}, nil
	case errors.Is(err, ErrMismatch) && n != r.Size:
		return &Problem{Kind: WrongSize, Key: key, SHA256: r.SHA256, Size: n, Recorded: r.Size}, nil
	case errors.Is(err, ErrMismatch):
		return &Problem{Kind: Corrupt, Key: key, SHA256: r.SHA256, Size: n, Recorded: r.Size, Detail: err.Error()}, nil
	}
	return nil, err
}

// ScrubRate is the read rate (bytes per second) that checks total bytes
// once per period, within [MinScrubRate, MaxScrubRate]; period 0 is
// DefaultScrubPeriod.
func ScrubRate(total int64, period time.Duration) int64 {
	if period <= 0 {
		period = DefaultScrubPeriod
	}
	return min(max(total/int64(period.Seconds()+1), MinScrubRate), MaxScrubRate)
}

// Throttle wraps st so that every blob opened through it is read at no
// more than rate bytes per second (0: no limit). A read waiting for its
// turn ends as soon as the context given to Open does.
func Throttle(st storage.Store, rate int64) storage.Store {
	if rate <= 0 {
		return st
	}
	return throttled{Store: st, rate: rate}
}

type throttled struct {
	storage.Store
	rate int64
}

func (t throttled) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	rc, err := t.Store.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	return &throttledReader{ReadCloser: rc, ctx: ctx, rate: t.rate, start: time.Now()}, nil
}

// throttledReader paces reads so that n bytes take at least n/rate
// seconds from the first read.
type throttledReader struct {
	io.ReadCloser
	ctx   context.Context
	rate  int64
	start time.Time
	n     int64
}

func (r *throttledReader) Read(p []byte) (int, error) {
	// Read at most a quarter second's worth at a time, so the pace is
	// even and a cancellation is seen soon.
	if limit := max(r.rate/4, 1); int64(len(p)) > limit {
		p = p[:limit]
	}
	n, err := r.ReadCloser.Read(p)
	r.n += int64(n)
	due := r.start.Add(time.Duration(float64(r.n) / float64(r.rate) * float64(time.Second)))
	if wait := time.Until(due); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-r.ctx.Done():
			return n, r.ctx.Err()
		case <-t.C:
		}
	}
	return n, err
}
