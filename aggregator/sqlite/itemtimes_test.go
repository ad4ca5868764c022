package sqlite_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/aggregator/sqlite"
)

// datesState counts, in file, the items, the rows of item_times, those
// of them that agree with their item's date, and the items below the
// lowest id a holder keeps that are not filed.
func datesState(t *testing.T, file string) (items, filed, agreeing, missing int) {
	t.Helper()
	err := raw(t, file).QueryRowContext(t.Context(), `SELECT (SELECT count(*) FROM items),
		(SELECT count(*) FROM item_times),
		(SELECT count(*) FROM item_times d JOIN items i ON i.id = d.item_id AND i.published = d.published),
		(SELECT count(*) FROM items i WHERE i.id < (SELECT coalesce(min(from_id), 9223372036854775807) FROM uid_holders)
			AND NOT EXISTS (SELECT 1 FROM item_times d WHERE d.item_id = i.id))`).Scan(&items, &filed, &agreeing, &missing)
	if err != nil {
		t.Fatal(err)
	}
	return items, filed, agreeing, missing
}

// newestIDs is what Items must return, straight from items: ids newest
// first, by date then id, of the items carrying any of tags (all items
// when there are none).
func newestIDs(t *testing.T, db *sql.DB, tags []string, limit int) []int64 {
	t.Helper()
	query, args := `SELECT id FROM items`, []any{}
	if len(tags) > 0 {
		query += ` WHERE EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = items.id AND t.tag IN (SELECT value FROM json_each(?)))`
		list, err := json.Marshal(tags)
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, string(list))
	}
	rows, err := db.QueryContext(t.Context(), query+` ORDER BY published DESC, id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// scatteredPoll is a poll of n entries published at random minutes of a
// week, one in three carrying the tag cyber-security and every one the
// tag news; with copyOf, each entry is another source's copy of one of
// those links, published earlier.
func scatteredPoll(rng *rand.Rand, src aggregator.Source, n int, copyOf []string) aggregator.FetchRecord {
	rec := aggregator.FetchRecord{Source: src, Now: base.Add(8 * 24 * time.Hour)}
	for i := range n {
		link, minutes := fmt.Sprintf("https://%s/story-%d", src.Name, i), rng.IntN(7*24*60)
		if copyOf != nil {
			link, minutes = copyOf[i%len(copyOf)], -1-rng.IntN(60)
		}
		tags := []string{"news"}
		if rng.IntN(3) == 0 {
			tags = append(tags, "cyber-security")
		}
		rec.Entries = append(rec.Entries, entry(src.Name, link, fmt.Sprintf("%s story %d", src.Name, i), minutes, tags...))
	}
	return rec
}

// TestNewestItemsFiledAndHeld: Items lists the newest items in the same
// order whether their dates are filed in item_times or still held by a
// process (this one or another), and an item filed before an earlier
// copy joined it moves with its date.
func TestNewestItemsFiledAndHeld(t *testing.T) {
	defer sqlite.SetCheckpointIdle(time.Hour)() // no writing at rest here
	rng := rand.New(rand.NewPCG(6, 15))
	first, file := open(t)
	var links []string
	for _, name := range []string{"alpha", "beta"} {
		rec := scatteredPoll(rng, source(name), 30, nil)
		save(t, first, rec)
		for _, e := range rec.Entries[:5] {
			links = append(links, e.Link)
		}
	}
	if err := first.Close(); err != nil { // files every date
		t.Fatal(err)
	}
	if n, filed, _, _ := datesState(t, file); filed != n || n != 60 {
		t.Fatalf("after the first process closed: %d of %d items filed, want all 60", filed, n)
	}

	// Another process holds new items, and moves filed ones: copies of
	// ten of them, published before them, join them.
	// (Both open first: an Open files what holders left.)
	second, third := reopen(t, file), reopen(t, file)
	save(t, second, scatteredPoll(rng, source("gamma"), 30, nil))
	save(t, second, scatteredPoll(rng, source("delta"), 10, links))
	save(t, third, scatteredPoll(rng, source("epsilon"), 20, nil))

	n, filed, agreeing, missing := datesState(t, file)
	if filed != 60 || agreeing != filed || missing != 0 || n != 110 {
		t.Fatalf("with two holders: %d items, %d filed (%d agreeing with their item), %d unfiled below the holders; want 110, 60 (all), 0",
			n, filed, agreeing, missing)
	}
	db := raw(t, file)
	queries := []struct {
		name  string
		tags  []string
		limit int
	}{
		{"all", nil, 200},
		{"newest 7", nil, 7},
		{"newest 1", nil, 1},
		{"a tag every item carries, walked", []string{"news"}, 3},
		{"a tag a third carry, read from the tags", []string{"cyber-security"}, 200},
		{"a tag a third carry, newest 2, walked", []string{"cyber-security"}, 2},
		{"either tag", []string{"cyber-security", "news"}, 50},
	}
	for _, handle := range []struct {
		name string
		db   *sqlite.DB
	}{{"holder", second}, {"other holder", third}} {
		for _, q := range queries {
			t.Run(handle.name+"/"+q.name, func(t *testing.T) {
				got := items(t, handle.db, aggregator.ItemQuery{Tags: q.tags, Limit: q.limit})
				ids := make([]int64, len(got))
				for i, it := range got {
					ids[i] = it.ID
				}
				if want := newestIDs(t, db, q.tags, q.limit); !slices.Equal(ids, want) || len(want) == 0 {
					t.Errorf("Items(tags %q, limit %d) = %v, want %v", q.tags, q.limit, ids, want)
				}
			})
		}
	}

	if err := third.Close(); err != nil { // files every held date, the other's too
		t.Fatal(err)
	}
	if n, filed, agreeing, _ := datesState(t, file); filed != n || agreeing != n {
		t.Errorf("after a holder closed: %d of %d items filed, %d agreeing; want all", filed, n, agreeing)
	}
	// The first holder's range, filed by the other, is held again with
	// its next items: the items filed and those held overlap.
	save(t, second, scatteredPoll(rng, source("zeta"), 10, nil))
	if n, filed, _, _ := datesState(t, file); filed != n-10 {
		t.Fatalf("after the holder's next save: %d of %d items filed, want all but its new 10", filed, n)
	}
	got := items(t, second, aggregator.ItemQuery{Limit: 200})
	ids := make([]int64, len(got))
	for i, it := range got {
		ids[i] = it.ID
	}
	if want := newestIDs(t, db, nil, 200); !slices.Equal(ids, want) {
		t.Errorf("with filed items held again: Items = %v, want %v", ids, want)
	}
}

// TestItemDatesMigrated upgrades a store whose items were walked through
// an index on their dates (schema 14): the migration files every item's
// date, drops the index, and Items keeps its order.
func TestItemDatesMigrated(t *testing.T) {
	ctx := t.Context()
	db, file := open(t)
	rng := rand.New(rand.NewPCG(7, 15))
	save(t, db, scatteredPoll(rng, source("alpha"), 40, nil))
	want := newestIDs(t, raw(t, file), nil, 100)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := raw(t, file).ExecContext(ctx, `
		DROP TRIGGER item_times_follow; DROP TABLE item_times;
		CREATE INDEX items_published ON items (published DESC, id DESC);
		PRAGMA user_version = 14`); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, file)
	if n, filed, agreeing, _ := datesState(t, file); n != 40 || filed != n || agreeing != n {
		t.Errorf("after the migration: %d of %d items filed, %d agreeing; want all 40", filed, n, agreeing)
	}
	var indexes int
	if err := raw(t, file).QueryRowContext(ctx, `SELECT count(*) FROM pragma_index_list('items')`).Scan(&indexes); err != nil || indexes != 0 {
		t.Errorf("items keeps %d indexes (%v), want none", indexes, err)
	}
	got := items(t, db, aggregator.ItemQuery{Limit: 100})
	ids := make([]int64, len(got))
	for i, it := range got {
		ids[i] = it.ID
	}
	if !slices.Equal(ids, want) {
		t.Errorf("Items after the migration = %v, want %v", ids, want)
	}
}
