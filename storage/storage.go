// Package storage keeps evidence file bytes ("blobs") under
// content-addressed keys, on the local filesystem or in an S3-compatible
// object store (MinIO, AWS S3, ...).
//
// The contract, shared by every backend:
//
//   - A blob's key is derived from the SHA-256 of its bytes by [Key], so the
//     same key always means the same bytes. Keys that [Key] did not produce
//     are rejected by every method; no caller-supplied string ever becomes a
//     path or object name unchecked.
//   - Bytes are written in two steps. [Store.Stage] streams a reader into a
//     temporary object; the caller hashes the bytes as they pass (for example
//     with io.TeeReader into sha256.New), then [Store.Commit] makes the staged
//     object the blob Key(sum). A crash between the two steps leaves at most a
//     staged object, never a half-written blob under a real key.
//   - Every byte is written once: the filesystem links the staged file to
//     its key; S3, which cannot rename, keeps the staged object and writes
//     an empty pointer to it under the key (the layout is in s3layout.go).
//   - Everything streams: no backend reads a whole blob into memory or
//     spools it to a temporary file. Memory does not grow with a blob's
//     size: the filesystem copies through one 256 KiB buffer per Stage; S3
//     sends 32 MiB parts, of which the process holds one in memory at a
//     time (s3PartBuffers); a part that finds that buffer taken waits in
//     an unlinked temporary file instead, so memory does not grow with the
//     number of uploads either.
//   - A missing blob is reported as an error satisfying
//     errors.Is(err, [ErrNotFound]); deleting or discarding something that is
//     already gone is not an error.
//   - Stores are safe for concurrent use by multiple goroutines.
//   - Every operation but the streaming of a blob's bytes ends within
//     [Config.Timeout] (see [DefaultTimeout]); a failure of the store
//     itself says what it is: errors.Is(err, [ErrUnavailable]) when the
//     store is down or too slow (try again later), errors.Is(err,
//     [ErrNoSpace]) when it is full. A caller's canceled context, a bad key
//     or a reader that broke off are neither. [Check] asks cheaply whether
//     the store can serve now.
//
// [New] opens the backend chosen by [Config]; [Config.Validate] explains
// configuration mistakes in terms of the BUKTI_* environment variables.
package storage

import (
	"context"
	"errors"
	"io"
)

// ErrNotFound is returned (possibly wrapped; test with errors.Is) by
// [Store.Open] and [Store.Size] when no blob exists under the key.
var ErrNotFound = errors.New("storage: blob not found")

// Store is the blob store. Keys are produced by [Key]. Implementations are
// safe for concurrent use.
type Store interface {
	// Stage streams r into a new temporary object and returns its temporary
	// name, to be passed to Commit or Discard on the same Store. It reads r until io.EOF and
	// stops early if ctx is canceled. Any other error of r fails Stage with
	// an error wrapping it; io.ErrUnexpectedEOF (a cut-off upload) is such
	// an error, never a short end. On error nothing is left behind.
	Stage(ctx context.Context, r io.Reader) (tmp string, err error)

	// Commit makes the staged object tmp the blob key. If key already
	// exists, created is false (content-addressed: same key = same bytes;
	// both backends keep the existing blob and drop the staged bytes);
	// otherwise created is true. tmp is gone
	// afterwards in every case where err == nil. When err != nil, created is
	// false, key may or may not exist, and the caller should Discard tmp.
	//
	// Commit does not hash the staged bytes: the caller must pass the key of
	// the SHA-256 it computed while staging.
	//
	// After Commit, key's modification time is no older than the Commit,
	// also when it existed: a check that removes unreferenced blobs older
	// than a grace period (bukti fsck --repair) never removes one that an
	// upload committed a moment ago and is about to record.
	//
	// On the filesystem, of several concurrent Commits of the same key
	// exactly one reports created. On S3, which has no conditional write,
	// racing Commits of the same key may each report created, and each
	// keeps its bytes (two pointers under one key, either of which serves);
	// the bytes are the same either way.
	Commit(ctx context.Context, tmp, key string) (created bool, err error)

	// Discard removes a staged object; missing is not an error.
	Discard(ctx context.Context, tmp string) error

	// Open streams the blob under key. The caller must Close the reader.
	// It returns an error satisfying errors.Is(err, ErrNotFound) when the
	// blob is missing; that is checked before Open returns, not on the first
	// Read. On S3 the reader is bound to ctx: canceling ctx ends the stream.
	Open(ctx context.Context, key string) (io.ReadCloser, error)

	// Size returns the size in bytes of the blob under key; an error
	// satisfying errors.Is(err, ErrNotFound) when it is missing.
	Size(ctx context.Context, key string) (int64, error)

	// Delete removes the blob under key; missing is not an error.
	Delete(ctx context.Context, key string) error

	// Inventory lists blobs and the debris of interrupted uploads.
	Inventory

	// Name is a short description for logs, e.g. "filesystem /var/lib/bukti"
	// or "s3 http://127.0.0.1:9000/bukti". It never contains credentials.
	Name() string
}
