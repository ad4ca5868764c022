package sqlite

import (
	"context"
	"database/sql"
	"os"
	"sync/atomic"
	"time"
)

// checkpointIdle is how long the writer must rest before the WAL is
// copied into the database file. A variable only so that a test can
// keep the writer from resting while it builds polls under the race
// detector; it is read when a checkpointer starts.
var checkpointIdle = 200 * time.Millisecond

// checkpointer copies the WAL into the database file while the writer
// rests. Left to SQLite, the checkpoint runs inside the commit that
// crosses wal_autocheckpoint, and the single writer, which every poll
// waits for, stalls on it and its fsync: every other incremental cycle
// took 130 ms longer. A passive checkpoint on a connection of its own
// blocks neither the writer nor readers, and a WAL emptied between
// bursts stays short, which keeps page lookups in it cheap.
// wal_autocheckpoint stays as the bound for long bursts (a cold cycle).
// Before it, rested writes what waits for the writer to rest (the merge
// keys held, once enough are: see writeHeldAtRest), so that the
// checkpoint takes them too. Every commit also starts the WAL's writeback
// (writeBackWAL).
type checkpointer struct {
	conn   *sql.DB
	rested func()
	busy   func() bool   // a write transaction is under way or waiting
	idle   time.Duration // checkpointIdle when it started
	wrote  chan struct{}
	stop   context.CancelFunc
	done   chan struct{}
	// The WAL whose writeback each commit starts (writeBackWAL): its
	// path ("" for none), the file once it exists, when the last
	// writeback started, and how many have (for tests).
	wal           string
	walFile       *os.File
	lastWriteback time.Time
	writebacks    atomic.Int64
}

// startCheckpointer starts the checkpointer of the store whose WAL is at
// wal ("": start no writeback).
func startCheckpointer(conn *sql.DB, wal string, rested func(), busy func() bool) *checkpointer {
	ctx, stop := context.WithCancel(context.Background())
	c := &checkpointer{conn: conn, rested: rested, busy: busy, idle: checkpointIdle, wrote: make(chan struct{}, 1), stop: stop, done: make(chan struct{}), wal: wal}
	go c.run(ctx)
	return c
}

// walWritebackGap is the least time between two writebacks started: a
// call every commit would add a system call to each, for frames the last
// call already reached.
const walWritebackGap = 20 * time.Millisecond

// writeBackWAL starts the operating system writing the WAL to disk while
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
func (c *checkpointer) writeBackWAL() {
	if !writebackSupported || c.wal == "" || time.Since(c.lastWriteback) < walWritebackGap {
		return
	}
	if c.walFile == nil {
		// The WAL appears with the first write, and the file stays
		// (journal_size_limit keeps it) until the store closes.
		f, err := os.Open(c.wal)
		if err != nil {
			return
		}
		c.walFile = f
	}
	c.lastWriteback = time.Now()
	// Errors are harmless: the checkpoint syncs the WAL anyway.
	if startWriteback(c.walFile) == nil {
		c.writebacks.Add(1)
	}
}

// noteWrite tells the checkpointer that the writer committed; it never
// blocks. Migrations commit before there is a checkpointer.
func (c *checkpointer) noteWrite() {
	if c == nil {
		return
	}
	select {
	case c.wrote <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run(ctx context.Context) {
	defer close(c.done)
	defer func() {
		if c.walFile != nil {
			c.walFile.Close()
		}
	}()
	idle := time.NewTimer(0)
	<-idle.C
	pending := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.wrote:
			pending = true
			idle.Reset(c.idle)
			c.writeBackWAL()
		case <-idle.C:
			if pending && c.busy() {
				// A transaction longer than the rest (a batch of keys, the
				// commit that checkpoints) is no rest: taken for one, a
				// 5,000-feed cold poll wrote its held keys and uids every
				// 2.6 s in small batches.
				idle.Reset(c.idle)
				continue
			}
			if pending {
				c.rested()
				// Errors are left to the next checkpoint, or SQLite's own.
				c.conn.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
				pending = false
			}
		}
	}
}

// close stops the checkpointer, waits for a write or checkpoint under
// way, and closes its connection.
func (c *checkpointer) close() error {
	c.stop()
	<-c.done
	return c.conn.Close()
}
