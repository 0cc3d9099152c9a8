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
	// discarded (a crash or kill between Stage and Commit): on S3 a data
	// object no pointer names.
	LeftoverStaged = "staged"
	// LeftoverMultipart is an incomplete S3 multipart upload (a crash or
	// kill during Stage).
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

// Blobs lists the blobs under sha256/ (see list).
func (s *s3Store) Blobs(ctx context.Context) iter.Seq2[BlobInfo, error] {
	return s.list(ctx, keyPrefix, isBlobKey, "blobs")
}

// Thumbs lists the thumbnails under thumb/ (see list).
func (s *s3Store) Thumbs(ctx context.Context) iter.Seq2[BlobInfo, error] {
	return s.list(ctx, thumbPrefix, isThumbKey, "thumbnails")
}

// list lists the data objects, then the pointers under prefix (and what
// earlier versions stored whole there), and reports each key that passes
// valid and whose data exists once, with the data's size and the later
// time of pointer and data (Commit rewrites the pointer to refresh a
// key's time). It holds the names and sizes of all data objects in memory
// (about 100 bytes each).
func (s *s3Store) list(ctx context.Context, prefix string, valid func(string) bool, what string) iter.Seq2[BlobInfo, error] {
	return func(yield func(BlobInfo, error) bool) {
		ctx, cancel := context.WithCancel(ctx) // stops the listings when the caller does
		defer cancel()
		fail := func(err error) { yield(BlobInfo{}, fmt.Errorf("storage: list %s in %s: %w", what, s.name, err)) }
		data := map[string]BlobInfo{}
		for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: dataPrefix, Recursive: true}) {
			if obj.Err != nil {
				fail(obj.Err)
				return
			}
			data[obj.Key] = BlobInfo{Size: obj.Size, Modified: obj.LastModified}
		}
		last := "" // the key last yielded: a key's names are listed together
		for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
			if obj.Err != nil {
				fail(obj.Err)
				return
			}
			var bi BlobInfo
			switch key, d, ok := parsePointer(obj.Key); {
			case valid(obj.Key): // stored whole by an earlier version
				bi = BlobInfo{Key: obj.Key, Size: obj.Size, Modified: obj.LastModified}
			case !ok || !valid(key) || key == last:
				continue
			default:
				info, found := data[d]
				if !found {
					// Committed after the data was listed, or gone.
					st, err := s.client.StatObject(ctx, s.bucket, d, minio.StatObjectOptions{})
					if isNoSuchKey(err) {
						continue
					}
					if err != nil {
						fail(err)
						return
					}
					info = BlobInfo{Size: st.Size, Modified: st.LastModified}
				}
				bi = BlobInfo{Key: key, Size: info.Size, Modified: info.Modified}
				if obj.LastModified.After(bi.Modified) {
					bi.Modified = obj.LastModified
				}
			}
			if bi.Key == last {
				continue
			}
			last = bi.Key
			if !yield(bi, nil) {
				return
			}
		}
	}
}

// Leftovers lists the data objects no pointer (of a blob or a thumbnail)
// names, the staged objects of earlier versions under tmp/, then the
// incomplete multipart uploads of the whole bucket. It holds the names of
// the pointed-to data objects in memory.
func (s *s3Store) Leftovers(ctx context.Context, before time.Time) iter.Seq2[Leftover, error] {
	return func(yield func(Leftover, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		// Pointers first: data committed while the data objects are
		// listed is newer than before, never a leftover.
		named := map[string]bool{}
		for _, prefix := range []string{keyPrefix, thumbPrefix} {
			for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
				if obj.Err != nil {
					yield(Leftover{}, fmt.Errorf("storage: list pointers in %s: %w", s.name, obj.Err))
					return
				}
				if _, d, ok := parsePointer(obj.Key); ok {
					named[d] = true
				}
			}
		}
		for _, prefix := range []string{dataPrefix, tmpPrefix} {
			for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
				if obj.Err != nil {
					yield(Leftover{}, fmt.Errorf("storage: list staged objects in %s: %w", s.name, obj.Err))
					return
				}
				if !isStagedName(obj.Key) || named[obj.Key] || !obj.LastModified.Before(before) {
					continue
				}
				if !yield(Leftover{Kind: LeftoverStaged, Name: obj.Key, Size: obj.Size, Modified: obj.LastModified}, nil) {
					return
				}
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

// isStagedName reports whether name is a data object or a staged object
// of an earlier version: "data/<32 hex>" or "tmp/<32 hex>".
func isStagedName(name string) bool {
	if rest, ok := strings.CutPrefix(name, dataPrefix); ok {
		return isLowerHex(rest, 2*tmpRandBytes)
	}
	return checkTmp(name) == nil
}

// RemoveLeftover removes an unreferenced data object or staged object, or
// aborts an incomplete upload. Aborting an upload removes its parts only.
func (s *s3Store) RemoveLeftover(ctx context.Context, l Leftover) error {
	switch l.Kind {
	case LeftoverStaged:
		if !isStagedName(l.Name) {
			return fmt.Errorf("storage: %q is not a staged object's name", l.Name)
		}
		if err := s.remove(ctx, l.Name); err != nil {
			return classifyS3(ctx, fmt.Errorf("storage: remove leftover %s in %s: %w", l.Name, s.name, err))
		}
		return nil
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
