//go:build linux || darwin || freebsd

package storage

import "syscall"

// freeBytes is the space available to this process on the filesystem
// holding dir.
func freeBytes(dir string) (free int64, known bool, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false, err
	}
	return int64(st.Bavail) * int64(st.Bsize), true, nil //nolint:unconvert // field types differ by OS
}
