package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/bukti-id/bukti/pkg/integrity"
	"github.com/bukti-id/bukti/pkg/metrics"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// scrubStopBound is how long serve waits, once its requests are done, for
// the scrub to record its last step and release its lease.
const scrubStopBound = 20 * time.Second

// observeScrub feeds a scrub step's result to the metrics: every blob it
// checked in bukti_scrub_blobs_total (ok or failed), and the step in
// bukti_job_runs_total (job "scrub").
func observeScrub(res integrity.ScrubResult, err error) {
	for i := range res.Checked {
		metrics.ScrubChecked(i >= res.Damaged)
	}
	metrics.JobRun("scrub", err)
}

// publishFsck publishes the problems the last recorded bukti fsck run
// found, by kind, in bukti_fsck_problems: fsck runs as a command of its
// own, so the server reads its record.
func publishFsck(db *sqlstore.DB, log *slog.Logger) func(context.Context) {
	return func(ctx context.Context) {
		run, err := db.LastIntegrityRun(ctx, integrity.KindFsck, true)
		if ctx.Err() != nil {
			return
		}
		metrics.JobRun("publish_fsck", err)
		if err != nil {
			log.Warn("read the last fsck run", "err", err)
			return
		}
		if run != nil {
			metrics.FsckResult(run.ProblemKinds)
		}
	}
}
