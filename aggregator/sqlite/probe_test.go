package sqlite

import (
	"maps"
	"testing"
	"time"
)

// TestSharedKeysNearestAcrossEdge files one key under entries on both
// sides of a time bucket's edge and probes it from just after the edge:
// the half before the entry finds two in its own bucket and must take the
// two nearest of the six in the bucket before, as one read across the
// edge would.
func TestSharedKeysNearestAcrossEdge(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	const key = 42
	edge := bucketStart(keyBucket(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC).UnixMilli()) + 1)
	at := edge + time.Hour.Milliseconds()
	filed := map[int64]int64{ // entry id: published
		1: edge + 10*time.Minute.Milliseconds(), 2: edge + 20*time.Minute.Milliseconds(), // this bucket
		3: edge - 1*time.Hour.Milliseconds(), 4: edge - 2*time.Hour.Milliseconds(), // the bucket before
		5: edge - 3*time.Hour.Milliseconds(), 6: edge - 4*time.Hour.Milliseconds(),
		7: edge - 5*time.Hour.Milliseconds(), 8: edge - 6*time.Hour.Milliseconds(),
		9: at + time.Hour.Milliseconds(), // after the entry
	}
	for id, published := range filed {
		if _, err := db.write.ExecContext(ctx, `INSERT INTO merge_keys (bucket, key, published, entry_id) VALUES (?, ?, ?, ?)`,
			keyBucket(published), key, published, id); err != nil {
			t.Fatal(err)
		}
	}
	span := (72 * time.Hour).Milliseconds()
	halves := []probeHalf{
		{entry: 0, key: key, lo: at, hi: at + span},
		{entry: 0, key: key, lo: at - span, hi: at - 1, desc: true},
	}
	shared, err := sharedKeys(ctx, db.read, halves, 1, 0, 1<<62)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]int{9: 1, 2: 1, 1: 1, 3: 1, 4: 1}
	if !maps.Equal(shared[0], want) {
		t.Errorf("sharedKeys = %v, want %v: the nearest four before the entry and the one after", shared[0], want)
	}
}
