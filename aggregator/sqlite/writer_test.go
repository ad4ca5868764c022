package sqlite

import (
	"context"
	"database/sql"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// column reads the first column of every row a query returns.
func column[T any](t *testing.T, q querier, query string, args ...any) []T {
	t.Helper()
	var out []T
	if err := eachRow(t.Context(), q, query, args, func(rows *sql.Rows) error {
		var v T
		err := rows.Scan(&v)
		out = append(out, v)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// commitNothing runs a write transaction that does nothing of its own:
// what is due as a transaction ends is written.
func commitNothing(t *testing.T, db *DB) {
	t.Helper()
	if err := db.inTx(t.Context(), func(*wtx) error { return nil }); err != nil {
		t.Fatal(err)
	}
}

// openTest opens a new store in a temporary folder, closed when the test
// ends.
func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "gleaner.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestWriterKeepsStatements checks that a write statement is prepared on
// the writer's connection once a transaction has asked for it, and that
// later transactions run it from there.
func TestWriterKeepsStatements(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	const query = `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`
	kept := func() bool {
		db.prepared.mu.Lock()
		defer db.prepared.mu.Unlock()
		return db.prepared.kept[query] != nil
	}
	for i := range 3 {
		if err := db.inTx(ctx, func(tx *wtx) error {
			// The first transaction asks for it; the next ones find it.
			if got := kept(); got != (i > 0) {
				t.Errorf("transaction %d: statement kept: %v, want %v", i, got, i > 0)
			}
			_, err := tx.ExecContext(ctx, query, "k", "v")
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	var v string
	if err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'k'`).Scan(&v); err != nil || v != "v" {
		t.Fatalf("setting: %q, %v", v, err)
	}
}

// TestMergeKeysWrittenAtCommit: merge keys filed in a transaction are
// written as it ends, and an entry re-indexed within it keeps only its
// new keys.
func TestMergeKeysWrittenAtCommit(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	old := aggregator.Entry{Summary: "The harbour authority closed the northern pier after a crane collapsed on Monday.", Published: time.Unix(1000, 0)}
	edited := aggregator.Entry{Summary: "Rail services between the two cities resume on Friday after a week of repairs.", Published: time.Unix(1000, 0)}
	old.Fingerprint, edited.Fingerprint = aggregator.NewFingerprint(&old), aggregator.NewFingerprint(&edited)
	stored := func(q querier) []int64 {
		return column[int64](t, q, `SELECT key FROM merge_keys WHERE entry_id = 7 ORDER BY key`)
	}
	rec := &aggregator.FetchRecord{}
	err := db.inTx(ctx, func(tx *wtx) error {
		for _, k := range fingerprintKeys(old.Fingerprint) {
			tx.fileMergeKey(k, 1000_000, 7)
		}
		if got := stored(tx); len(got) != 0 {
			t.Errorf("keys in the store before the transaction ends: %x", got)
		}
		if err := unindexEntry(ctx, tx, 7); err != nil {
			return err
		}
		indexEntry(rec, tx, 7, &edited)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(fingerprintKeys(edited.Fingerprint)))
	if got := stored(db.reader); !slices.Equal(got, want) {
		t.Errorf("keys after commit: %x, want the edited text's %x", got, want)
	}
}

// TestKeysBatchGrowsWithTheStore: held merge keys are written in batches
// of smallKeysBatch entries' keys while the store is no larger than
// memory, then of what memory holds; held uids in batches of 2,048
// items', then of maxUIDsBatch.
func TestKeysBatchGrowsWithTheStore(t *testing.T) {
	per := aggregator.SketchSize + 1
	tests := []struct {
		entries int64
		keysOf  int   // entries' worth of keys
		uidsOf  int64 // items' uids
	}{
		{0, 8192, 2048},
		{recentSize, 8192, 2048},
		{recentSize + 1, recentSize, maxUIDsBatch},
		{160000, recentSize, maxUIDsBatch},
		{10_000_000, recentSize, maxUIDsBatch},
	}
	for _, tt := range tests {
		if got := keysBatch(tt.entries); got != tt.keysOf*per {
			t.Errorf("keysBatch(%d) = %d keys, want %d entries' (%d)", tt.entries, got, tt.keysOf, tt.keysOf*per)
		}
		if got := uidsBatch(tt.entries); got != tt.uidsOf {
			t.Errorf("uidsBatch(%d) = %d, want %d", tt.entries, got, tt.uidsOf)
		}
	}
}

// TestHeldKeysWrittenBeforeMemoryForgets: keys held short of a batch are
// written by the first transaction that ends once memory is about to
// forget their entry (within its next recentSize/8), and not before:
// lookups in this process would miss an entry neither memory nor the
// store holds the keys of.
func TestHeldKeysWrittenBeforeMemoryForgets(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	remember := func(from, to int64) {
		for id := from; id <= to; id++ {
			db.recent.add(recentEntry{id: id, itemID: id, published: 1000_000, source: "a"}, nil)
		}
	}
	const held = 30000
	written := func(id int64) int {
		return column[int](t, db.read, `SELECT count(*) FROM merge_keys WHERE entry_id = ?`, id)[0]
	}
	// As when another process moved the mark of keys written past this
	// one's held keys: the oldest held key alone says they are due.
	db.keysMark = math.MaxInt64
	remember(1, recentSize)
	if err := db.inTx(ctx, func(tx *wtx) error {
		for k := range int64(aggregator.SketchSize + 1) {
			tx.fileMergeKey(k+1, 1000_000, held)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// Holding 25,905 to 58,672, memory has 30,000 as the 4,096th oldest,
	// among the next recentSize/8 it forgets; one entry fewer, not yet.
	for _, step := range []struct {
		through int64
		want    int
	}{
		{recentSize, 0},
		{held + recentSize - recentSize/8 - 1, 0},
		{held + recentSize - recentSize/8, aggregator.SketchSize + 1},
	} {
		remember(db.recent.entries.at(db.recent.entries.len()-1).id+1, step.through)
		commitNothing(t, db)
		if got := written(held); got != step.want {
			t.Errorf("with memory holding entries up to %d: %d keys of entry %d written, want %d", step.through, got, held, step.want)
		}
	}
	// None held, and a transaction files keys of an entry memory is
	// about to forget (as one saving more entries than recentSize/8 may):
	// they are written as it ends.
	soon := db.recent.forgetsSoon() - 1
	if err := db.inTx(ctx, func(tx *wtx) error {
		tx.fileMergeKey(1, 1000_000, soon)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n := written(soon); n != 1 {
		t.Errorf("keys of entry %d, among the next memory forgets, written in its own transaction: %d, want 1", soon, n)
	}
}

// TestKeyBucketAgreesWithSQL holds keyBucket to SQLite's >>, which
// migration 0014 files the stored keys with: both must shift the same
// way, dates before 1970 included.
func TestKeyBucketAgreesWithSQL(t *testing.T) {
	db := openTest(t)
	edge := int64(1) << bucketShift
	for _, ms := range []int64{0, 1, edge - 1, edge, edge + 1, -1, -edge, -edge - 1, 1714564800000, -86400000 * 365 * 30} {
		var sqlBucket int64
		if err := db.read.QueryRowContext(t.Context(), `SELECT ? >> 31`, ms).Scan(&sqlBucket); err != nil {
			t.Fatal(err)
		}
		if got := keyBucket(ms); got != sqlBucket {
			t.Errorf("keyBucket(%d) = %d, SQLite's %d >> 31 = %d", ms, got, ms, sqlBucket)
		}
		if b := keyBucket(ms); ms < bucketStart(b) || ms >= bucketStart(b+1) {
			t.Errorf("%d is not in its bucket %d: [%d, %d)", ms, b, bucketStart(b), bucketStart(b+1))
		}
	}
}

// TestHeldKeysSurviveAFailedWrite: a transaction that sorts the keys held
// in place to write them and then fails to commit leaves the keys held
// as they were, without its own, and a later write files exactly those.
func TestHeldKeysSurviveAFailedWrite(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	var want []mergeKey
	if err := db.inTx(ctx, func(tx *wtx) error {
		for range 3 {
			id, err := tx.nextEntryID(ctx)
			if err != nil {
				return err
			}
			for k := range int64(2) {
				tx.fileMergeKey(100+10*id+k, 1000_000, id)
				want = append(want, mergeKey{100 + 10*id + k, 1000_000, id})
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(db.heldKeys, want) {
		t.Fatalf("held %v, want %v", db.heldKeys, want)
	}
	// Its own key sorts first, and a trigger (gone with the transaction)
	// fails the write of the sorted keys.
	err := db.inTx(ctx, func(tx *wtx) error {
		tx.fileMergeKey(1, 1000_000, 4) // the next entry (none is stored)
		tx.flushHeld = true
		_, err := tx.ExecContext(ctx, `CREATE TRIGGER doomed BEFORE INSERT ON merge_keys WHEN NEW.key = 1 BEGIN SELECT RAISE(ABORT, 'doomed'); END`)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "doomed") {
		t.Fatalf("the write of held keys failed with %v, want the trigger's abort", err)
	}
	if !slices.Equal(db.heldKeys, want) {
		t.Errorf("held after the failed write %v, want %v", db.heldKeys, want)
	}
	if err := db.writeHeldKeys(); err != nil {
		t.Fatal(err)
	}
	var stored []mergeKey
	if err := eachRow(ctx, db.reader, `SELECT key, published, entry_id FROM merge_keys ORDER BY entry_id, key`, nil, func(rows *sql.Rows) error {
		var k mergeKey
		err := rows.Scan(&k.key, &k.published, &k.entryID)
		stored = append(stored, k)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(stored, want) {
		t.Errorf("merge_keys %v, want %v", stored, want)
	}
}

// TestLinksFiledBeforeMemoryForgets: an entry past the mark of keys
// written has its link filed in entry_links by the first transaction that
// ends once memory is about to forget it, though no keys are held.
func TestLinksFiledBeforeMemoryForgets(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	e := aggregator.Entry{Source: "a", Link: "https://a.example/story?utm_source=rss", Title: "Utility hit by ransomware",
		Summary: "The Port Elsa water utility said its billing systems were encrypted.", Published: time.Unix(1000, 0)}
	aggregator.Identify(&e)
	e.Fingerprint = aggregator.NewFingerprint(&e)
	if _, err := db.Save(ctx, aggregator.FetchRecord{Source: aggregator.Source{Name: "a"}, Entries: []aggregator.Entry{e}, Now: time.Unix(1000, 0)}); err != nil {
		t.Fatal(err)
	}
	// Entry 1 is past the mark, and nothing is held (as for an entry
	// with no keys saved while another's were held).
	db.heldKeys = db.heldBuf[:0]
	linked := func() int {
		return column[int](t, db.read, `SELECT count(*) FROM entry_links WHERE entry_id = 1 AND link = ?`, aggregator.CanonicalURL(e.Link))[0]
	}
	if got := linked(); got != 0 {
		t.Fatalf("the link is filed before the mark passes its entry (%d)", got)
	}
	for id := int64(2); id < recentSize-recentSize/8+1; id++ {
		db.recent.add(recentEntry{id: id, itemID: id, published: 1000_000, source: "b"}, nil)
	}
	commitNothing(t, db)
	if got := linked(); got != 0 {
		t.Errorf("the link is filed while memory forgets its entry later than its next %d (%d)", recentSize/8, got)
	}
	db.recent.add(recentEntry{id: recentSize - recentSize/8 + 1, itemID: 1, published: 1000_000, source: "b"}, nil)
	commitNothing(t, db)
	if got := linked(); got != 1 {
		t.Errorf("the link of an entry memory is about to forget: %d rows in entry_links, want 1", got)
	}
}

// TestLinkFollowsAnEdit: an edited entry's new link replaces its old one
// in entry_links.
func TestLinkFollowsAnEdit(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	e := aggregator.Entry{Source: "a", Key: "k", Link: "https://a.example/old", Title: "Utility hit by ransomware",
		Summary: "The Port Elsa water utility said its billing systems were encrypted.", Published: time.Unix(1000, 0)}
	save := func(e aggregator.Entry) {
		e.Fingerprint = aggregator.NewFingerprint(&e)
		if _, err := db.Save(ctx, aggregator.FetchRecord{Source: aggregator.Source{Name: "a"}, Entries: []aggregator.Entry{e}, Now: time.Unix(1000, 0)}); err != nil {
			t.Fatal(err)
		}
		if err := db.writeHeldKeys(); err != nil {
			t.Fatal(err)
		}
	}
	save(e)
	e.Link, e.Summary = "https://a.example/new", e.Summary+" Updated."
	save(e)
	links := column[string](t, db.reader, `SELECT link FROM entry_links ORDER BY link`)
	if want := []string{"https://a.example/new"}; !slices.Equal(links, want) {
		t.Errorf("entry_links after the edit: %q, want %q", links, want)
	}
}
