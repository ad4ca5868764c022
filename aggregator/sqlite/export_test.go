package sqlite

import "time"

// SetCheckpointIdle sets how long the writer must rest before a
// checkpointer started afterwards writes the held merge keys and
// checkpoints; the returned function puts the old rest back.
func SetCheckpointIdle(d time.Duration) (restore func()) {
	old := checkpointIdle
	checkpointIdle = d
	return func() { checkpointIdle = old }
}

// WriteHeldKeys writes the merge keys and uids held, as the store does
// when it closes.
func (db *DB) WriteHeldKeys() error { return db.writeHeldKeys() }

// CheckpointIdle is how long the writer rests before a checkpoint.
var CheckpointIdle = checkpointIdle

// KeysBatch is how many held merge keys make a transaction write them
// on a store of up to 32,768 entries.
var KeysBatch = keysBatch(32768)

// UIDsBatch is how many items' uids, held, make a transaction write them
// on a small store.
var UIDsBatch = uidsBatch(0)

// UIDBlockShift is the shift of an item id that gives its block in
// item_uids.
const UIDBlockShift = uidBlockShift
