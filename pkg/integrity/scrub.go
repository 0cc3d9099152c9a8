package integrity

import (
	"context"
	"errors"
	"iter"
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
	BlobRecordsAfter(ctx context.Context, after string) iter.Seq2[sqlstore.BlobRecord, error]
}

// ScrubProgress is where a scrub pass stands; the scrubber's caller keeps
// it between steps (and restarts).
type ScrubProgress struct {
	Cursor      string    `json:"cursor"` // last SHA-256 checked in this pass; "" at the start
	PassStarted time.Time `json:"pass_started"`
	LastPass    time.Time `json:"last_pass,omitzero"` // when the last complete pass ended
	Checked     int64     `json:"checked"`            // files checked in this pass
	Bytes       int64     `json:"bytes"`              // bytes read in this pass
}

// ScrubStep checks recorded blobs after p.Cursor, in SHA-256 order, until
// it has read budget bytes (at least one file) or reached the last one,
// and returns the progress to resume from. At the end of the records it
// completes the pass (LastPass) and the next step starts over. Every
// damaged blob (missing, wrong size, bytes not matching) is passed to
// damaged; a failing read of the store (an outage) ends the step with the
// error and the cursor before that blob.
func ScrubStep(ctx context.Context, rec ScrubRecords, st storage.Store, p ScrubProgress, budget int64, now time.Time, damaged func(Problem)) (ScrubProgress, error) {
	if p.Cursor == "" && p.Checked == 0 {
		p.PassStarted = now
	}
	var read int64
	for r, err := range rec.BlobRecordsAfter(ctx, p.Cursor) {
		if err != nil {
			return p, err
		}
		if read >= budget && read > 0 {
			return p, nil
		}
		key, err := storage.Key(r.SHA256)
		if err != nil {
			return p, err
		}
		if err := Verify(ctx, st, key, r.SHA256); err != nil {
			switch {
			case errors.Is(err, storage.ErrNotFound):
				damaged(Problem{Kind: Missing, Key: key, SHA256: r.SHA256, Recorded: r.Size})
			case errors.Is(err, ErrMismatch):
				damaged(Problem{Kind: Corrupt, Key: key, SHA256: r.SHA256, Recorded: r.Size, Detail: err.Error()})
			default:
				return p, err
			}
		}
		p.Cursor = r.SHA256
		p.Checked++
		p.Bytes += r.Size
		read += r.Size
	}
	if ctx.Err() != nil {
		return p, ctx.Err()
	}
	p.LastPass, p.Cursor, p.Checked, p.Bytes = now, "", 0, 0
	return p, nil
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
