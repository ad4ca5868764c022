package sqlite

import (
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// walWriteback starts the operating system writing the WAL to disk while
// the writer fills it, so that the sync each checkpoint begins with finds
// little left to write. That sync runs on the single writer, which every
// poll waits for, with up to 64 MiB of frames still in the page cache: a
// cold 600-feed poll's syncs of more than 5 ms took 244–397 ms in all,
// and 149–240 ms with the frames written as they came (three polls each;
// what is left is mostly the disk's own flush). Over 25 interleaved pairs
// the poll took 0.978 times the wall time (95 % interval 0.963–0.993) for
// the same CPU. PostgreSQL (checkpoint_flush_after) and RocksDB
// (bytes_per_sync) start writeback early for the same reason. Where the
// system has no call that starts writeback without waiting for it, this
// does nothing (writeback_other.go).
type walWriteback struct {
	path   string
	kicks  chan struct{}
	done   chan struct{}
	stop   sync.Once
	starts atomic.Int64 // writebacks started, for tests
}

// walWritebackGap is the least time between two writebacks started: a
// call every commit would add a system call to each, for frames the last
// call already reached.
const walWritebackGap = 20 * time.Millisecond

func startWALWriteback(path string) *walWriteback {
	w := &walWriteback{path: path, kicks: make(chan struct{}, 1), done: make(chan struct{})}
	if !writebackSupported {
		close(w.done)
		return w
	}
	go w.run()
	return w
}

// kick tells the writeback that the WAL grew; it never blocks. It is
// called by write transactions, which close waits for.
func (w *walWriteback) kick() {
	if w == nil || !writebackSupported {
		return
	}
	select {
	case w.kicks <- struct{}{}:
	default:
	}
}

func (w *walWriteback) run() {
	defer close(w.done)
	var wal *os.File
	defer func() {
		if wal != nil {
			wal.Close()
		}
	}()
	for range w.kicks {
		if wal == nil {
			// The WAL appears with the first write, and the file stays
			// (journal_size_limit keeps it) until the store closes.
			f, err := os.Open(w.path)
			if err != nil {
				continue
			}
			wal = f
		}
		// Errors are harmless: the checkpoint syncs the WAL anyway.
		if startWriteback(wal) == nil {
			w.starts.Add(1)
		}
		time.Sleep(walWritebackGap)
	}
}

// close stops the writeback; the WAL is not written again by this store.
// A store may be closed twice.
func (w *walWriteback) close() {
	if w == nil {
		return
	}
	if writebackSupported {
		w.stop.Do(func() { close(w.kicks) })
	}
	<-w.done
}
