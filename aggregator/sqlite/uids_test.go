package sqlite_test

import (
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/aggregator/sqlite"
)

// uidState counts, in file, items, the uids filed in item_uids, the rows
// of uid_holders and the items' tags.
func uidState(t *testing.T, file string) (items, filed, holders, tags int) {
	t.Helper()
	err := raw(t, file).QueryRowContext(t.Context(), `SELECT (SELECT count(*) FROM items),
		(SELECT count(*) FROM item_uids u JOIN items i ON i.id = u.item_id AND i.uid = u.uid),
		(SELECT count(*) FROM uid_holders), (SELECT count(*) FROM item_tags)`).Scan(&items, &filed, &holders, &tags)
	if err != nil {
		t.Fatal(err)
	}
	return items, filed, holders, tags
}

// TestItemUIDsMigrated upgrades a store whose items' uids had a unique
// index (schema 12): the migration rebuilds items without it, keeping
// every item, entry and tag, and files every uid in item_uids.
func TestItemUIDsMigrated(t *testing.T) {
	ctx := t.Context()
	db, file := open(t)
	save(t, db, newNews(5).poll(40))
	uid := items(t, db, aggregator.ItemQuery{Limit: 1})[0].UID
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	wantItems, _, _, wantTags := uidState(t, file)
	if wantItems == 0 || wantTags == 0 {
		t.Fatalf("the first store holds %d items with %d tags, want some of each", wantItems, wantTags)
	}
	// Back to schema 12: a unique index on items' uids stands for the
	// old table's constraint, which the rebuild must drop the same way.
	if _, err := raw(t, file).ExecContext(ctx, `
		DROP TABLE item_uids; DROP TABLE uid_holders;
		CREATE UNIQUE INDEX items_uid ON items (uid);
		PRAGMA user_version = 12`); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, file)
	defer db.Close()
	gotItems, filed, holders, gotTags := uidState(t, file)
	if gotItems != wantItems || filed != wantItems || gotTags != wantTags || holders != 0 {
		t.Errorf("after the migration: %d items, %d uids filed, %d tags, %d holders; want %d, %d, %d, 0",
			gotItems, filed, gotTags, holders, wantItems, wantItems, wantTags)
	}
	var unique int
	if err := raw(t, file).QueryRowContext(ctx, `SELECT count(*) FROM pragma_index_list('items') WHERE "unique"`).Scan(&unique); err != nil || unique != 0 {
		t.Errorf("items keeps %d unique indexes (%v), want none", unique, err)
	}
	var orphans int
	if err := raw(t, file).QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&orphans); err != nil || orphans != 0 {
		t.Errorf("%d rows name a missing row (%v)", orphans, err)
	}
	if got := items(t, db, aggregator.ItemQuery{UID: uid}); len(got) != 1 || got[0].UID != uid {
		t.Errorf("Items(uid %s) = %v, want that item", uid, titles(got))
	}
}

// TestUIDsFiledByBlock: each uid is filed under its item's block of ids,
// by the writer and by migration 0017 alike, and a lookup by uid finds
// the items of every block, the oldest as the newest.
func TestUIDsFiledByBlock(t *testing.T) {
	ctx := t.Context()
	db, file := open(t)
	g := newNews(8)
	save(t, db, g.poll(40))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// An item two blocks on, which the writer does not file: the next
	// items' ids follow it.
	far := int64(2)<<sqlite.UIDBlockShift + 5
	if _, err := raw(t, file).ExecContext(ctx, `INSERT INTO items (id, uid, primary_entry, published, updated, first_seen)
		VALUES (?, 'far', 0, 0, 0, 0)`, far); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, file)
	save(t, db, g.poll(40))
	all := items(t, db, aggregator.ItemQuery{Limit: 100})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		db := reopen(t, file) // migrates, when the store is older
		defer db.Close()
		var filed, blocks int
		if err := raw(t, file).QueryRowContext(ctx, `SELECT count(*), count(DISTINCT u.block) FROM item_uids u
			JOIN items i ON i.id = u.item_id AND i.uid = u.uid AND u.block = i.id >> ?`, sqlite.UIDBlockShift).Scan(&filed, &blocks); err != nil {
			t.Fatal(err)
		}
		if n, _, _, _ := uidState(t, file); filed != n-1 || blocks != 2 { // not the raw one
			t.Errorf("%s: %d of %d items' uids filed under their block, in %d blocks; want all but one, in 2", when, filed, n, blocks)
		}
		for _, it := range all {
			if got := items(t, db, aggregator.ItemQuery{UID: it.UID}); len(got) != 1 || got[0].ID != it.ID {
				t.Fatalf("%s: uid %s of item %d gives %d items, want that one", when, it.UID, it.ID, len(got))
			}
		}
		if got := items(t, db, aggregator.ItemQuery{UID: "0123456789abcdef0123"}); len(got) != 0 {
			t.Errorf("%s: an unknown uid gives %d items, want none", when, len(got))
		}
	}
	var below, above int
	for _, it := range all {
		if it.ID < far {
			below++
		} else {
			above++
		}
	}
	if below == 0 || above == 0 {
		t.Fatalf("of the items, %d have ids below %d and %d above; want some of each", below, far, above)
	}
	check("as written")

	// Back to schema 16, whose item_uids was by uid alone.
	if _, err := raw(t, file).ExecContext(ctx, `
		CREATE TABLE old_uids (uid TEXT PRIMARY KEY, item_id INTEGER NOT NULL) STRICT, WITHOUT ROWID;
		INSERT INTO old_uids SELECT uid, item_id FROM item_uids;
		DROP TABLE item_uids; ALTER TABLE old_uids RENAME TO item_uids;
		PRAGMA user_version = 16`); err != nil {
		t.Fatal(err)
	}
	check("migrated")
}

// TestHeldUIDsFound: the uids of new items are held, not written, yet
// another process finds each item by its uid; they are written when the
// holder closes the store, and a holder that never did has them filed
// by the next Open.
func TestHeldUIDsFound(t *testing.T) {
	defer sqlite.SetCheckpointIdle(time.Hour)() // no writing at rest here
	db, file := open(t)
	other := reopen(t, file)
	save(t, db, newNews(6).poll(40))
	all := items(t, db, aggregator.ItemQuery{Limit: 100})
	n, filed, holders, _ := uidState(t, file)
	if n != len(all) || filed != 0 || holders != 1 {
		t.Fatalf("after a save: %d items, %d uids filed, %d holders; want %d, none yet, 1", n, filed, holders, len(all))
	}
	for _, it := range all {
		if got := items(t, other, aggregator.ItemQuery{UID: it.UID}); len(got) != 1 || got[0].ID != it.ID {
			t.Fatalf("another process looks up uid %s: %d items, want item %d", it.UID, len(got), it.ID)
		}
	}
	if got := items(t, other, aggregator.ItemQuery{UID: "0123456789abcdef0123"}); len(got) != 0 {
		t.Errorf("an unknown uid gives %d items, want none", len(got))
	}

	// A holder that ended without writing: its row stays, the uids are
	// not filed; the next Open files them.
	if _, err := raw(t, file).ExecContext(t.Context(), `DELETE FROM item_uids`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil { // writes its uids and clears the holders
		t.Fatal(err)
	}
	if _, filed, holders, _ := uidState(t, file); filed != n || holders != 0 {
		t.Fatalf("after the holder closed: %d uids filed, %d holders; want %d, 0", filed, holders, n)
	}
	if _, err := raw(t, file).ExecContext(t.Context(), `DELETE FROM item_uids WHERE item_id > 10;
		INSERT INTO uid_holders (holder, from_id) VALUES (42, 11)`); err != nil {
		t.Fatal(err)
	}
	reopen(t, file)
	if _, filed, holders, _ := uidState(t, file); filed != n || holders != 0 {
		t.Errorf("after Open's repair: %d uids filed, %d holders; want %d, 0", filed, holders, n)
	}
}

// TestUIDsWrittenInBatches: once a batch of items' uids is held, the
// transaction that completes it writes them and their dates, and gives
// up its row.
func TestUIDsWrittenInBatches(t *testing.T) {
	defer sqlite.SetCheckpointIdle(time.Hour)()
	db, file := open(t)
	save(t, db, newNews(7).poll(int(sqlite.UIDsBatch)+10))
	n, filed, holders, _ := uidState(t, file)
	if int64(n) < sqlite.UIDsBatch || filed != n || holders != 0 {
		t.Errorf("after a save of %d items: %d uids filed, %d holders; want all, 0", n, filed, holders)
	}
	if _, dated, agreeing, _ := datesState(t, file); dated != n || agreeing != n {
		t.Errorf("after a save of %d items: %d dates filed, %d agreeing with their item; want all", n, dated, agreeing)
	}
}
