package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
)

// BlobInfo describes one committed blob.
type BlobInfo struct {
	Key      string
	Size     int64
	Modified time.Time
}

// Kinds of leftover.
const (
	// LeftoverStaged is a staged object that was never committed or
	// discarded (a crash or kill between Stage and Commit).
	LeftoverStaged = "staged"
	// LeftoverMultipart is an incomplete S3 multipart upload (a crash or
	// kill during Stage, or during the copy of a large Commit).
	LeftoverMultipart = "multipart"
)

// Leftover is something a store holds that no blob key names and no
// finished operation needs: the debris of interrupted uploads.
type Leftover struct {
	Kind     string // LeftoverStaged or LeftoverMultipart
	Name     string // staged object name or the object key of the upload
	Size     int64  // bytes held; for a multipart upload, the parts uploaded
	Modified time.Time
}

// Inventory lists what a store holds, for consistency checks (bukti fsck)
// and the sweeper that removes the debris of interrupted uploads.
//
// Contract:
//   - Blobs yields every object stored under a key Key could return, each
//     once, in no particular order; objects under other names are neither
//     blobs nor leftovers and are not reported.
//   - Thumbs yields, likewise, every object stored under a key ThumbKey
//     could return: thumbnails and recorded failures to make one. They
//     are made from blobs and are never blobs themselves.
//   - Leftovers yields staged objects and incomplete uploads last modified
//     (or started) before before. An upload in progress is never older than
//     the longest upload, so a before far enough in the past (hours) makes
//     them safe to remove while servers run.
//   - RemoveLeftover removes one leftover; one already gone is not an
//     error. It never removes a blob.
//   - An iterator that meets an error yields it (with a zero value) and
//     stops.
type Inventory interface {
	Blobs(ctx context.Context) iter.Seq2[BlobInfo, error]
	Thumbs(ctx context.Context) iter.Seq2[BlobInfo, error]
	Leftovers(ctx context.Context, before time.Time) iter.Seq2[Leftover, error]
	RemoveLeftover(ctx context.Context, l Leftover) error
}

// Blobs walks dir/sha256.
func (s *fsStore) Blobs(ctx context.Context) iter.Seq2[BlobInfo, error] {
	return s.walk(ctx, keyPrefix, isBlobKey, "blobs")
}

// Thumbs walks dir/thumb.
func (s *fsStore) Thumbs(ctx context.Context) iter.Seq2[BlobInfo, error] {
	return s.walk(ctx, thumbPrefix, isThumbKey, "thumbnails")
}

// isThumbKey reports whether key is one ThumbKey returns.
func isThumbKey(key string) bool {
	_, _, _, ok := ParseThumbKey(key)
	return ok
}

// walk yields the regular files under dir/prefix whose keys pass valid.
func (s *fsStore) walk(ctx context.Context, prefix string, valid func(string) bool, what string) iter.Seq2[BlobInfo, error] {
	return func(yield func(BlobInfo, error) bool) {
		root := filepath.Join(s.dir, filepath.FromSlash(strings.TrimSuffix(prefix, "/")))
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && p == root {
					return filepath.SkipAll // nothing stored yet
				}
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			rel, err := filepath.Rel(s.dir, p)
			if err != nil {
				return err
			}
			key := filepath.ToSlash(rel)
			if !valid(key) || !d.Type().IsRegular() {
				return nil
			}
			fi, err := d.Info()
			if errors.Is(err, fs.ErrNotExist) {
				return nil // deleted while walking
			}
			if err != nil {
				return err
			}
			if !yield(BlobInfo{Key: key, Size: fi.Size(), Modified: fi.ModTime()}, nil) {
				return filepath.SkipAll
			}
			return nil
		})
		if err != nil {
			yield(BlobInfo{}, fmt.Errorf("storage: list %s in %s: %w", what, s.dir, err))
		}
	}
}

// Leftovers lists dir/tmp.
func (s *fsStore) Leftovers(ctx context.Context, before time.Time) iter.Seq2[Leftover, error] {
	return func(yield func(Leftover, error) bool) {
		dir := s.path(strings.TrimSuffix(tmpPrefix, "/"))
		entries, err := os.ReadDir(dir)
		if err != nil {
			yield(Leftover{}, fmt.Errorf("storage: list staged files in %s: %w", dir, err))
			return
		}
		for _, e := range entries {
			if err := ctx.Err(); err != nil {
				yield(Leftover{}, err)
				return
			}
			name := tmpPrefix + e.Name()
			if checkTmp(name) != nil || !e.Type().IsRegular() {
				continue
			}
			fi, err := e.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue // committed or discarded meanwhile
			}
			if err != nil {
				yield(Leftover{}, fmt.Errorf("storage: stat %s: %w", name, err))
				return
			}
			if !fi.ModTime().Before(before) {
				continue
			}
			if !yield(Leftover{Kind: LeftoverStaged, Name: name, Size: fi.Size(), Modified: fi.ModTime()}, nil) {
				return
			}
		}
	}
}

// RemoveLeftover removes a staged file.
func (s *fsStore) RemoveLeftover(ctx context.Context, l Leftover) error {
	if l.Kind != LeftoverStaged {
		return fmt.Errorf("storage: the filesystem store has no %q leftovers", l.Kind)
	}
	return s.Discard(ctx, l.Name)
}

// Blobs lists the objects under sha256/.
func (s *s3Store) Blobs(ctx context.Context) iter.Seq2[BlobInfo, error] {
	return s.list(ctx, keyPrefix, isBlobKey, "blobs")
}

// Thumbs lists the objects under thumb/.
func (s *s3Store) Thumbs(ctx context.Context) iter.Seq2[BlobInfo, error] {
	return s.list(ctx, thumbPrefix, isThumbKey, "thumbnails")
}

// list yields the objects under prefix whose keys pass valid.
func (s *s3Store) list(ctx context.Context, prefix string, valid func(string) bool, what string) iter.Seq2[BlobInfo, error] {
	return func(yield func(BlobInfo, error) bool) {
		ctx, cancel := context.WithCancel(ctx) // stops the listing when the caller does
		defer cancel()
		for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
			if obj.Err != nil {
				yield(BlobInfo{}, fmt.Errorf("storage: list %s in %s: %w", what, s.name, obj.Err))
				return
			}
			if !valid(obj.Key) {
				continue
			}
			if !yield(BlobInfo{Key: obj.Key, Size: obj.Size, Modified: obj.LastModified}, nil) {
				return
			}
		}
	}
}

// Leftovers lists the objects under tmp/, then the incomplete multipart
// uploads of the whole bucket.
func (s *s3Store) Leftovers(ctx context.Context, before time.Time) iter.Seq2[Leftover, error] {
	return func(yield func(Leftover, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: tmpPrefix, Recursive: true}) {
			if obj.Err != nil {
				yield(Leftover{}, fmt.Errorf("storage: list staged objects in %s: %w", s.name, obj.Err))
				return
			}
			if checkTmp(obj.Key) != nil || !obj.LastModified.Before(before) {
				continue
			}
			if !yield(Leftover{Kind: LeftoverStaged, Name: obj.Key, Size: obj.Size, Modified: obj.LastModified}, nil) {
				return
			}
		}
		for up := range s.client.ListIncompleteUploads(ctx, s.bucket, "", true) {
			if up.Err != nil {
				yield(Leftover{}, fmt.Errorf("storage: list incomplete uploads in %s: %w", s.name, up.Err))
				return
			}
			if !up.Initiated.Before(before) {
				continue
			}
			l := Leftover{Kind: LeftoverMultipart, Name: up.Key, Size: up.Size, Modified: up.Initiated}
			if !yield(l, nil) {
				return
			}
		}
	}
}

// RemoveLeftover removes a staged object or aborts an incomplete upload.
// Aborting an upload removes its parts only; the object it would have
// created (a blob, for a Commit's copy) is untouched.
func (s *s3Store) RemoveLeftover(ctx context.Context, l Leftover) error {
	switch l.Kind {
	case LeftoverStaged:
		return s.Discard(ctx, l.Name)
	case LeftoverMultipart:
		if err := s.client.RemoveIncompleteUpload(ctx, s.bucket, l.Name); err != nil && !isNoSuchKey(err) && s3Code(err) != "NoSuchUpload" {
			return fmt.Errorf("storage: abort incomplete upload of %s in %s: %w", l.Name, s.name, err)
		}
		return nil
	}
	return fmt.Errorf("storage: unknown leftover kind %q", l.Kind)
}

var (
	_ Inventory = (*fsStore)(nil)
	_ Inventory = (*s3Store)(nil)
)
