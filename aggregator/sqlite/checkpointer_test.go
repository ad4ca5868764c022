package sqlite

import (
	"database/sql"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// TestCheckpointerWaitsOutLongTransactions: a transaction longer than
// the rest (no commit for checkpointIdle) is no rest; the writer rests
// once it has ended and nothing followed it for checkpointIdle.
func TestCheckpointerWaitsOutLongTransactions(t *testing.T) {
	conn, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	var busy atomic.Bool
	rests := make(chan time.Time, 8)
	c := startCheckpointer(conn, "", func() { rests <- time.Now() }, busy.Load)
	defer c.close()

	busy.Store(true)
	c.noteWrite() // a commit, then a long transaction
	select {
	case <-rests:
		t.Fatal("rested during a transaction")
	case <-time.After(4 * c.idle):
	}
	ended := time.Now()
	busy.Store(false)
	select {
	case at := <-rests:
		if at.Before(ended) {
			t.Errorf("rested %v before the transaction ended", ended.Sub(at))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no rest after the transaction ended")
	}
}

// TestWALKeptPastCheckpoints: the writer cuts a WAL back when it starts
// over only to a size above the WAL a checkpoint starts over at, so that
// a long burst does not give the file's blocks back and take them again
// at every restart.
func TestWALKeptPastCheckpoints(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "gleaner.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var limit, frames, pageSize int64
	for pragma, v := range map[string]*int64{"journal_size_limit": &limit, "wal_autocheckpoint": &frames, "page_size": &pageSize} {
		if err := db.write.QueryRowContext(t.Context(), "PRAGMA "+pragma).Scan(v); err != nil {
			t.Fatal(err)
		}
	}
	const walHeader, frameHeader = 32, 24 // bytes (SQLite's WAL format)
	atCheckpoint := walHeader + frames*(frameHeader+pageSize)
	if frames <= 0 || limit < atCheckpoint {
		t.Errorf("journal_size_limit %d bytes, wal_autocheckpoint %d pages of %d bytes: a WAL of %d bytes at a checkpoint is cut back at every restart",
			limit, frames, pageSize, atCheckpoint)
	}
	if limit > 4*atCheckpoint {
		t.Errorf("journal_size_limit %d bytes keeps more than four checkpoints' WAL (%d bytes) on disk", limit, atCheckpoint)
	}
}
