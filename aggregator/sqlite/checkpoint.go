package sqlite

import (
	"context"
	"database/sql"
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
// checkpoint takes them too.
type checkpointer struct {
	conn   *sql.DB
	rested func()
	busy   func() bool   // a write transaction is under way or waiting
	idle   time.Duration // checkpointIdle when it started
	wrote  chan struct{}
	stop   context.CancelFunc
	done   chan struct{}
}

func startCheckpointer(conn *sql.DB, rested func(), busy func() bool) *checkpointer {
	ctx, stop := context.WithCancel(context.Background())
	c := &checkpointer{conn: conn, rested: rested, busy: busy, idle: checkpointIdle, wrote: make(chan struct{}, 1), stop: stop, done: make(chan struct{})}
	go c.run(ctx)
	return c
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
