package sqlite

import (
	"os"

	"golang.org/x/sys/unix"
)

const writebackSupported = true

// startWriteback starts writing the file's dirty pages to disk and
// returns without waiting for them (sync_file_range(2)).
func startWriteback(f *os.File) error {
	return unix.SyncFileRange(int(f.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WRITE)
}
