package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

const (
	dirPerm  = 0o750
	filePerm = 0o640
)

// fsStore keeps blobs as files under dir, at dir/<key>, and stages them
// in dir/tmp. Staging inside dir keeps Commit a same-filesystem link.
type fsStore struct {
	dir     string // absolute
	minFree int64  // Check's minimum of free bytes; 0: none
}

// newFS creates dir and its staging directory and returns the store.
func newFS(dir string, minFree int64) (Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("storage: resolve BUKTI_DATA_DIR %q: %w", dir, err)
	}
	tmp := filepath.Join(abs, filepath.FromSlash(tmpPrefix))
	if err := os.MkdirAll(tmp, dirPerm); err != nil {
		return nil, fmt.Errorf("storage: create blob directory %s: %w (check BUKTI_DATA_DIR points to a writable directory)", tmp, err)
	}
	return &fsStore{dir: abs, minFree: minFree}, nil
}

// Check stats the staging directory and compares the free space of the
// filesystem with the minimum (Config.MinFreeBytes).
func (s *fsStore) Check(context.Context) error {
	tmp := s.path(strings.TrimSuffix(tmpPrefix, "/"))
	fi, err := os.Stat(tmp)
	if err == nil && !fi.IsDir() {
		err = fmt.Errorf("%s is not a directory", tmp)
	}
	if err != nil {
		return unavailable(fmt.Errorf("storage: check %s: %w", s.dir, err))
	}
	if s.minFree <= 0 {
		return nil
	}
	free, ok, err := freeBytes(s.dir)
	if err != nil {
		return unavailable(fmt.Errorf("storage: free space of %s: %w", s.dir, err))
	}
	if ok && free < s.minFree {
		return noSpace(fmt.Errorf("storage: %s has %d bytes free, less than the minimum of %d (BUKTI_MIN_FREE_BYTES)", s.dir, free, s.minFree))
	}
	return nil
}

// Name reports the backend and its root directory.
func (s *fsStore) Name() string { return "filesystem " + s.dir }

// path maps a checked key or staging name to its file.
func (s *fsStore) path(name string) string {
	return filepath.Join(s.dir, filepath.FromSlash(name))
}

// Stage copies r into a new file in dir/tmp (writeFile), syncs and closes
// it.
func (s *fsStore) Stage(ctx context.Context, r io.Reader) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("storage: stage: %w", err)
	}
	tmp, err := newTmpName()
	if err != nil {
		return "", err
	}
	p := s.path(tmp)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return "", classifyFS(fmt.Errorf("storage: create staging file: %w (check that %s exists and is writable)", err, filepath.Dir(p)))
	}
	_, err = writeFile(f, ctxReader{ctx: ctx, r: r})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if rerr := os.Remove(p); rerr != nil {
			err = errors.Join(err, fmt.Errorf("remove partial staging file: %w", rerr))
		}
		return "", classifyFS(fmt.Errorf("storage: stage %s: %w", p, err))
	}
	return tmp, nil
}

// Commit hard-links the staged file to the key's path, then removes the
// staged name. Link fails if the path exists, so concurrent Commits of one
// key never clobber each other and exactly one reports created.
func (s *fsStore) Commit(ctx context.Context, tmp, key string) (bool, error) {
	if err := checkTmp(tmp); err != nil {
		return false, err
	}
	if err := checkKey(key); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("storage: commit %s: %w", key, err)
	}
	src, dst := s.path(tmp), s.path(key)
	if err := os.MkdirAll(filepath.Dir(dst), dirPerm); err != nil {
		return false, classifyFS(fmt.Errorf("storage: commit %s: %w", key, err))
	}
	created, err := place(src, dst)
	if err != nil {
		return false, classifyFS(fmt.Errorf("storage: commit %s to %s: %w", tmp, key, err))
	}
	if err := os.Remove(src); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("storage: commit %s: remove staging file: %w", key, err)
	}
	if created {
		if err := syncDir(filepath.Dir(dst)); err != nil {
			return false, fmt.Errorf("storage: commit %s: %w", key, err)
		}
	} else {
		now := time.Now()
		if err := os.Chtimes(dst, now, now); err != nil {
			return false, fmt.Errorf("storage: commit %s: refresh its time: %w", key, err)
		}
	}
	return created, nil
}

// place makes dst name the same file as src without ever replacing an
// existing dst. It reports whether it created dst. src is left in place
// unless the fallback rename moved it.
func place(src, dst string) (bool, error) {
	err := os.Link(src, dst)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrExist):
		return false, nil
	case errors.Is(err, fs.ErrNotExist):
		if _, serr := os.Lstat(src); errors.Is(serr, fs.ErrNotExist) {
			return false, fmt.Errorf("staged object not found (already committed or discarded?): %w", err)
		}
		return false, err
	}
	// The filesystem does not do hard links (some network and FUSE mounts):
	// fall back to rename. Two racing Commits may then both report
	// created, but content addressing makes the bytes identical.
	if _, serr := os.Lstat(dst); serr == nil {
		return false, nil
	}
	if rerr := os.Rename(src, dst); rerr != nil {
		return false, errors.Join(err, rerr)
	}
	return true, nil
}

// syncDir flushes a directory entry change to disk, so that a committed blob
// survives a power cut. Windows cannot sync directories; NTFS journals them.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// Discard removes a staged file; a missing one is not an error.
func (s *fsStore) Discard(_ context.Context, tmp string) error {
	if err := checkTmp(tmp); err != nil {
		return err
	}
	if err := os.Remove(s.path(tmp)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("storage: discard %s: %w", tmp, err)
	}
	return nil
}

// Open opens the blob's file for reading.
func (s *fsStore) Open(_ context.Context, key string) (io.ReadCloser, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	f, err := os.Open(s.path(key))
	if err != nil {
		return nil, notFound(key, err)
	}
	return f, nil
}

// Size stats the blob's file.
func (s *fsStore) Size(_ context.Context, key string) (int64, error) {
	if err := checkKey(key); err != nil {
		return 0, err
	}
	fi, err := os.Stat(s.path(key))
	if err != nil {
		return 0, notFound(key, err)
	}
	return fi.Size(), nil
}

// Delete removes the blob's file; a missing one is not an error. The
// fan-out directories are left in place for later blobs.
func (s *fsStore) Delete(_ context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := os.Remove(s.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("storage: delete %s: %w", key, err)
	}
	return nil
}

// notFound wraps a file error, adding ErrNotFound when the file is missing.
func notFound(key string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	return fmt.Errorf("storage: %s: %w", key, err)
}
