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
	c := startCheckpointer(conn, func() { rests <- time.Now() }, busy.Load)
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
