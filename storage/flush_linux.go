package storage

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// flushWindow is how many bytes of a file being written the kernel is
// asked to write to disk at a time.
const flushWindow = 8 << 20

// flusher starts the disk writes of a file as it grows, one window at a
// time, and waits for the window before the last: the disk works while
// the upload still arrives, and no more than two windows of the file are
// waiting in memory to be written (sync_file_range(2)). It does not make
// anything durable; the fsync after the last write does.
type flusher struct {
	rc      syscall.RawConn
	started int64 // bytes whose writing was started
	flush   func(fd uintptr)
}

func newFlusher(f *os.File) *flusher {
	fl := &flusher{}
	rc, err := f.SyscallConn()
	if err != nil {
		return fl
	}
	fl.rc = rc
	// Made once: wrote runs it per window without allocating.
	fl.flush = func(fd uintptr) {
		// Errors are ignored: the fsync that follows reports them.
		off := fl.started
		_ = unix.SyncFileRange(int(fd), off, flushWindow, unix.SYNC_FILE_RANGE_WRITE)
		if off >= flushWindow {
			_ = unix.SyncFileRange(int(fd), off-flushWindow, flushWindow,
				unix.SYNC_FILE_RANGE_WAIT_BEFORE|unix.SYNC_FILE_RANGE_WRITE|unix.SYNC_FILE_RANGE_WAIT_AFTER)
		}
	}
	return fl
}

// wrote tells the flusher that the file now holds n bytes.
func (fl *flusher) wrote(n int64) {
	if fl.rc == nil {
		return
	}
	for fl.started+flushWindow <= n {
		_ = fl.rc.Control(fl.flush)
		fl.started += flushWindow
	}
}
