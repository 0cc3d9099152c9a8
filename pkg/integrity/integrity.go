// Package integrity proves that the evidence files Bukti recorded are in the
// blob store as recorded (bukti fsck, and the scrub the server runs: see
// scrub.go and service.go, which also records runs and damage), and clears
// the debris of interrupted uploads (the sweeper the server runs).
//
// Contract:
//   - Check never removes or changes a blob that a revision names. With
//     Repair it removes only leftovers (staged objects, incomplete
//     multipart uploads) and unreferenced blobs, all older than the grace
//     period; an unreferenced blob is looked up again just before it is
//     removed. Storage refreshes a blob's time whenever an upload commits
//     it (storage.Store.Commit), so a blob an upload is about to record is
//     never older than the grace period.
//   - Thumbnails (storage.ThumbKey: made from a blob, under their own
//     prefix, listed by storage.Inventory.Thumbs) are not blobs and never
//     orphan blobs. A thumbnail, or recorded failure to make one, of
//     content no revision records is an orphan thumbnail: Repair removes
//     it past the grace period, like an orphan blob.
//   - Missing, wrong-size and (with VerifyContent) corrupt blobs cannot be
//     repaired here: the report names the evidence files that must be
//     uploaded again, by facility.
//   - Sweep is safe to run from several servers at once: removing a
//     leftover that is already gone is not an error.
package integrity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/storage"
)

// DefaultGrace is how old a leftover or an unreferenced blob must be
// before it is removed: longer than any upload on a slow link takes.
const DefaultGrace = 24 * time.Hour

// Records is what Check needs of the evidence records (sqlstore.DB).
type Records interface {
	BlobRecords(ctx context.Context) iter.Seq2[sqlstore.BlobRecord, error]
	BlobReferenced(ctx context.Context, sum string) (bool, error)
	AffectedFiles(ctx context.Context, sums []string) ([]sqlstore.AffectedFile, error)
}

// Options tune a Check.
type Options struct {
	// Repair removes leftovers and unreferenced blobs older than Grace.
	Repair bool
	// VerifyContent re-hashes every recorded blob (reads every byte).
	VerifyContent bool
	// Grace is the minimum age of what Repair removes; 0 is DefaultGrace.
	Grace time.Duration
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Problem kinds.
const (
	Missing   = "missing"    // recorded, not in the store
	WrongSize = "wrong_size" // in the store with another size than recorded
	Corrupt   = "corrupt"    // in the store, but its bytes hash to another sum
	Orphan    = "orphan"     // in the store, named by no revision
	// OrphanThumb is a thumbnail (or recorded failure) of content no
	// revision records.
	OrphanThumb = "orphan_thumbnail"
	Leftover    = "leftover" // debris of an interrupted upload
)

// Problem is one finding.
type Problem struct {
	Kind     string    `json:"kind"`
	Key      string    `json:"key"` // blob key, or the leftover's name
	SHA256   string    `json:"sha256,omitempty"`
	Size     int64     `json:"size"`               // bytes in the store
	Recorded int64     `json:"recorded,omitempty"` // bytes recorded
	Modified time.Time `json:"modified,omitzero"`
	Detail   string    `json:"detail,omitempty"`
	Removed  bool      `json:"removed,omitempty"` // by Repair
}

// Report is the result of a Check.
type Report struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Repair   bool      `json:"repair"`
	Verified bool      `json:"verified"` // content was re-hashed
	// Records is the number of distinct file contents recorded, Blobs and
	// Bytes what the store holds under blob keys.
	Records int   `json:"records"`
	Blobs   int   `json:"blobs"`
	Bytes   int64 `json:"bytes"`
	// Thumbs and ThumbBytes are what the store holds under thumbnail
	// keys (thumbnails and recorded failures), apart from the blobs.
	Thumbs     int   `json:"thumbnails"`
	ThumbBytes int64 `json:"thumbnail_bytes"`
	// Problems are the findings, damage first.
	Problems []Problem `json:"problems"`
	// Affected are the evidence files whose content is damaged or missing.
	Affected []sqlstore.AffectedFile `json:"affected"`
}

// Damaged counts the missing, wrong-size and corrupt blobs.
func (r Report) Damaged() int {
	n := 0
	for _, p := range r.Problems {
		if p.Kind == Missing || p.Kind == WrongSize || p.Kind == Corrupt {
			n++
		}
	}
	return n
}

// Remaining counts the problems still there after the check (removed
// leftovers and orphans are gone).
func (r Report) Remaining() int {
	n := 0
	for _, p := range r.Problems {
		if !p.Removed {
			n++
		}
	}
	return n
}

// Check compares the records with the store (see the package contract).
// It returns an error only when it could not finish the check; what it
// found is in the Report.
func Check(ctx context.Context, rec Records, st storage.Store, opt Options) (Report, error) {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	grace := opt.Grace
	if grace <= 0 {
		grace = DefaultGrace
	}
	rep := Report{Started: now(), Repair: opt.Repair, Verified: opt.VerifyContent}
	cutoff := rep.Started.Add(-grace)

	blobs := map[string]storage.BlobInfo{}
	for bi, err := range st.Blobs(ctx) {
		if err != nil {
			return rep, err
		}
		blobs[bi.Key] = bi
		rep.Blobs++
		rep.Bytes += bi.Size
	}

	var thumbs []storage.BlobInfo
	for ti, err := range st.Thumbs(ctx) {
		if err != nil {
			return rep, err
		}
		thumbs = append(thumbs, ti)
		rep.Thumbs++
		rep.ThumbBytes += ti.Size
	}

	var damaged []string
	seen := map[string]bool{}
	recorded := map[string]bool{} // sum and size of every recorded content
	for r, err := range rec.BlobRecords(ctx) {
		if err != nil {
			return rep, fmt.Errorf("read the evidence records: %w", err)
		}
		key, err := storage.Key(r.SHA256)
		if err != nil {
			return rep, fmt.Errorf("a revision records an invalid SHA-256 %q: %w", r.SHA256, err)
		}
		if !seen[key] {
			rep.Records++
		}
		seen[key] = true
		recorded[fmt.Sprint(r.SHA256, "-", r.Size)] = true
		bi, ok := blobs[key]
		p := Problem{Key: key, SHA256: r.SHA256, Size: bi.Size, Recorded: r.Size, Modified: bi.Modified}
		switch {
		case !ok:
			p.Kind, p.Detail = Missing, fmt.Sprintf("named by %d revision(s)", r.Revisions)
		case bi.Size != r.Size:
			p.Kind = WrongSize
		case opt.VerifyContent:
			if err := Verify(ctx, st, key, r.SHA256); errors.Is(err, ErrMismatch) {
				p.Kind, p.Detail = Corrupt, err.Error()
			} else if err != nil {
				return rep, err
			}
		}
		if p.Kind != "" {
			rep.Problems = append(rep.Problems, p)
			damaged = append(damaged, r.SHA256)
		}
	}

	for _, key := range slices.Sorted(maps.Keys(blobs)) {
		bi := blobs[key]
		if seen[key] || !bi.Modified.Before(cutoff) {
			continue
		}
		p := Problem{Kind: Orphan, Key: key, Size: bi.Size, Modified: bi.Modified}
		if opt.Repair {
			removed, err := removeOrphan(ctx, rec, st, key, key[len(key)-64:])
			if err != nil {
				return rep, err
			}
			p.Removed = removed
		}
		rep.Problems = append(rep.Problems, p)
	}

	for _, ti := range thumbs {
		sum, size, _, _ := storage.ParseThumbKey(ti.Key)
		if recorded[fmt.Sprint(sum, "-", size)] || !ti.Modified.Before(cutoff) {
			continue
		}
		p := Problem{Kind: OrphanThumb, Key: ti.Key, SHA256: sum, Size: ti.Size, Modified: ti.Modified}
		if opt.Repair {
			removed, err := removeOrphan(ctx, rec, st, ti.Key, sum)
			if err != nil {
				return rep, err
			}
			p.Removed = removed
		}
		rep.Problems = append(rep.Problems, p)
	}

	for l, err := range st.Leftovers(ctx, cutoff) {
		if err != nil {
			return rep, err
		}
		p := Problem{Kind: Leftover, Key: l.Name, Size: l.Size, Modified: l.Modified, Detail: l.Kind}
		if opt.Repair {
			if err := st.RemoveLeftover(ctx, l); err != nil {
				return rep, err
			}
			p.Removed = true
		}
		rep.Problems = append(rep.Problems, p)
	}

	affected, err := rec.AffectedFiles(ctx, damaged)
	if err != nil {
		return rep, fmt.Errorf("find the evidence of damaged files: %w", err)
	}
	rep.Affected = affected
	rep.Finished = now()
	return rep, nil
}

// removeOrphan deletes key, a blob or a thumbnail of content sum that
// no revision recorded, after looking the references of sum up once
// more; it reports whether it removed it.
func removeOrphan(ctx context.Context, rec Records, st storage.Store, key, sum string) (bool, error) {
	ref, err := rec.BlobReferenced(ctx, sum)
	if err != nil || ref {
		return false, err
	}
	if err := st.Delete(ctx, key); err != nil {
		return false, err
	}
	return true, nil
}

// ErrMismatch is returned (wrapped) by Verify when a blob's bytes do not
// hash to the recorded sum.
var ErrMismatch = errors.New("content does not match its SHA-256")

// Verify streams the blob under key and checks it hashes to sum.
func Verify(ctx context.Context, st storage.Store, key, sum string) error {
	_, err := verify(ctx, st, key, sum)
	return err
}

// verify is Verify, also returning how many bytes it read.
func verify(ctx context.Context, st storage.Store, key, sum string) (int64, error) {
	rc, err := st.Open(ctx, key)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return n, fmt.Errorf("read %s: %w", key, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		return n, fmt.Errorf("%s: %w (%d bytes hashing to %s)", key, ErrMismatch, n, got)
	}
	return n, nil
}

// Sweep removes the leftovers of interrupted uploads older than before and
// reports how many and how many bytes it removed.
func Sweep(ctx context.Context, st storage.Store, before time.Time) (n int, bytes int64, err error) {
	for l, err := range st.Leftovers(ctx, before) {
		if err != nil {
			return n, bytes, err
		}
		if err := st.RemoveLeftover(ctx, l); err != nil {
			return n, bytes, err
		}
		n++
		bytes += l.Size
	}
	return n, bytes, nil
}
