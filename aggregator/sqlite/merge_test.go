package sqlite_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/aggregator/sqlite"
)

const wire = `The Port Elsa water utility said on Tuesday that attackers encrypted its billing systems
and demanded a ransom, the second attack on a regional utility this month. Customers can still
pay in person, the utility said, and drinking water was not affected. Investigators from the
national cyber agency are on site and the utility has notified the state regulator.`

// story is an entry whose text is the wire copy, rewritten by outlet.
func story(src, link, title, body string, at time.Time) aggregator.Entry {
	e := aggregator.Entry{Source: src, Link: link, Title: title, Summary: body, Published: at, Updated: at}
	aggregator.Identify(&e)
	e.Fingerprint = aggregator.NewFingerprint(&e)
	return e
}

func TestMergeRules(t *testing.T) {
	reworded := strings.Replace(wire, "said on Tuesday", "confirmed on Tuesday", 1) +
		" The utility serves about 40,000 homes."
	other := `A ransomware gang has claimed an attack on the Kelby county hospital, which diverted
ambulances overnight while staff returned to paper records. The hospital said patient care
continued and that it had called in outside experts to restore its systems.`
	tests := []struct {
		name       string
		first      aggregator.Entry
		second     aggregator.Entry
		secondSrc  aggregator.Source
		policy     aggregator.MergePolicy
		wantMerged bool
	}{
		{"near-duplicate under a new headline",
			story("a", "https://a.example/1", "Utility hit by ransomware", wire, base),
			story("b", "https://b.example/9", "Port Elsa billing systems encrypted", wire, base.Add(time.Hour)),
			aggregator.Source{Name: "b"}, aggregator.MergePolicy{MaxDistance: 3}, true},
		{"rewritten copy",
			story("a", "https://a.example/1", "Utility hit by ransomware", wire, base),
			story("b", "https://b.example/9", "Water utility pays no ransom yet", reworded, base.Add(5*time.Hour)),
			aggregator.Source{Name: "b"}, aggregator.MergePolicy{MaxDistance: 3}, true},
		{"same title, other text",
			story("a", "https://a.example/1", "Port Elsa utility hit by ransomware attack", "Brief.", base),
			story("b", "https://b.example/9", "Port Elsa Utility Hit by Ransomware Attack!", "Another brief.", base.Add(time.Hour)),
			aggregator.Source{Name: "b"}, aggregator.MergePolicy{MaxDistance: 3}, true},
		{"different event on the same topic",
			story("a", "https://a.example/1", "Utility hit by ransomware", wire, base),
			story("b", "https://b.example/9", "Hospital hit by ransomware", other, base.Add(time.Hour)),
			aggregator.Source{Name: "b"}, aggregator.MergePolicy{MaxDistance: 3}, false},
		{"same template, other names and numbers",
			story("a", "https://a.example/1", "Toronto Bank hit by ransomware", strings.NewReplacer("Port Elsa", "Toronto", "water utility", "bank").Replace(wire), base),
			story("b", "https://b.example/9", "Lima Retail hit by ransomware", strings.NewReplacer("Port Elsa", "Lima", "water utility", "retailer", "Tuesday", "Friday", "second", "third").Replace(wire)+" It serves 12 stores.", base.Add(time.Hour)),
			aggregator.Source{Name: "b"}, aggregator.MergePolicy{MaxDistance: 3}, false},
		{"the same article, days later, under another headline and text",
			story("a", "https://a.example/1", "Utility hit by ransomware", wire, base),
			story("b", "https://a.example/1?utm_source=rss", "Weekly roundup", other, base.Add(120*time.Hour)),
			aggregator.Source{Name: "b"}, aggregator.MergePolicy{MaxDistance: 3}, true},
		{"outside the window",
			story("a", "https://a.example/1", "Utility hit by ransomware", wire, base),
			story("b", "https://b.example/9", "Utility hit by ransomware, again", wire, base.Add(80*time.Hour)),
			aggregator.Source{Name: "b"}, aggregator.MergePolicy{MaxDistance: 3}, false},
		{"a shorter window",
			story("a", "https://a.example/1", "Utility hit by ransomware", wire, base),
			story("b", "https://b.example/9", "Port Elsa billing systems encrypted", wire, base.Add(3*time.Hour)),
			aggregator.Source{Name: "b"}, aggregator.MergePolicy{MaxDistance: 3, Window: 2 * time.Hour}, false},
		{"merging disabled",
			story("a", "https://a.example/1", "Utility hit by ransomware", wire, base),
			story("b", "https://a.example/1?utm_source=x", "Utility hit by ransomware", wire, base.Add(time.Hour)),
			aggregator.Source{Name: "b"}, aggregator.MergePolicy{Disabled: true}, false},
		{"source opted out",
			story("a", "https://a.example/1", "Utility hit by ransomware", wire, base),
			story("b", "https://a.example/1?utm_source=x", "Utility hit by ransomware", wire, base.Add(time.Hour)),
			aggregator.Source{Name: "b", NoMerge: true}, aggregator.MergePolicy{MaxDistance: 3}, false},
	}
	for _, tt := range tests {
		// The second copy is saved by the same process, which finds the
		// first in memory, and by another one (a second handle on the
		// file), which finds it through the store's indexes.
		for _, process := range []string{"same process", "other process"} {
			t.Run(tt.name+"/"+process, func(t *testing.T) {
				db, file := open(t)
				save(t, db, aggregator.FetchRecord{Source: aggregator.Source{Name: "a"}, Entries: []aggregator.Entry{tt.first}, Now: base, Merge: tt.policy})
				second := db
				if process == "other process" {
					second = reopen(t, file)
				}
				save(t, second, aggregator.FetchRecord{Source: tt.secondSrc, Entries: []aggregator.Entry{tt.second}, Now: base, Merge: tt.policy})
				got := items(t, db, aggregator.ItemQuery{})
				if merged := len(got) == 1; merged != tt.wantMerged {
					t.Errorf("items = %q, want merged = %v", titles(got), tt.wantMerged)
				}
			})
		}
	}
}

// TestOptedOutSourceIsNotFound: copies from a source that opted out are
// never candidates for others either.
func TestOptedOutSourceIsNotFound(t *testing.T) {
	db, _ := open(t)
	save(t, db, aggregator.FetchRecord{Source: aggregator.Source{Name: "a", NoMerge: true},
		Entries: []aggregator.Entry{story("a", "https://a.example/1", "Utility hit by ransomware", wire, base)}, Now: base})
	save(t, db, aggregator.FetchRecord{Source: aggregator.Source{Name: "b"},
		Entries: []aggregator.Entry{story("b", "https://a.example/1", "Utility hit by ransomware", wire, base)}, Now: base})
	if got := items(t, db, aggregator.ItemQuery{}); len(got) != 2 {
		t.Errorf("items = %q, want two: the first source opted out of merging", titles(got))
	}
}

// TestPriorityChoosesPrimary: a higher-priority outlet's copy becomes the
// primary even when it came later; the item keeps the earliest date.
func TestPriorityChoosesPrimary(t *testing.T) {
	db, _ := open(t)
	save(t, db, aggregator.FetchRecord{Source: aggregator.Source{Name: "aggregator-site"},
		Entries: []aggregator.Entry{story("aggregator-site", "https://agg.example/1", "Utility hit by ransomware", wire, base)}, Now: base})
	uid := items(t, db, aggregator.ItemQuery{})[0].UID
	save(t, db, aggregator.FetchRecord{Source: aggregator.Source{Name: "wire-service", Priority: 10},
		Entries: []aggregator.Entry{story("wire-service", "https://wire.example/1", "Port Elsa utility systems encrypted", wire, base.Add(2*time.Hour))}, Now: base})
	save(t, db, aggregator.FetchRecord{Source: aggregator.Source{Name: "early-blog"},
		Entries: []aggregator.Entry{story("early-blog", "https://blog.example/1", "Water utility ransomware", wire, base.Add(-time.Hour))}, Now: base})
	got := items(t, db, aggregator.ItemQuery{})
	if len(got) != 1 {
		t.Fatalf("items = %q, want one", titles(got))
	}
	it := got[0]
	var names []string
	for _, s := range it.Sources {
		names = append(names, s.Name)
	}
	if it.Title != "Port Elsa utility systems encrypted" || names[0] != "wire-service" || it.UID != uid {
		t.Errorf("item %q with sources %v (uid %s); want the wire service's copy as primary, uid %s", it.Title, names, it.UID, uid)
	}
	if !it.Published.Equal(base.Add(-time.Hour)) {
		t.Errorf("item published %v, want the earliest copy's %v", it.Published, base.Add(-time.Hour))
	}
	if !slices.Equal(names, []string{"wire-service", "early-blog", "aggregator-site"}) {
		t.Errorf("sources = %v, want the primary first, then by date", names)
	}
}

// TestStoreFindsNearestCopy: for each sketch key the store's search reads
// the entries published nearest the new copy, not the newest in its
// window. Texts on the same template (at scale, any phrase in common use)
// share the copy's keys; when a dozen of them were published later, they
// filled every key's newest slots, and the copy joined them instead of
// its own story.
func TestStoreFindsNearestCopy(t *testing.T) {
	policy := aggregator.MergePolicy{MaxDistance: 3}
	db, file := open(t)
	save(t, db, aggregator.FetchRecord{Source: aggregator.Source{Name: "a"}, Merge: policy, Now: base,
		Entries: []aggregator.Entry{story("a", "https://a.example/1", "Utility hit by ransomware", wire, base)}})
	towns := []string{"Ardmore", "Bexley", "Carrow", "Dunmore", "Elgin", "Fenwick", "Glenary", "Harlow",
		"Inverary", "Jarrow", "Kelso", "Lanark", "Morley", "Newry", "Oban", "Penrith"}
	for i, town := range towns {
		src := fmt.Sprintf("n%02d", i)
		text := strings.ReplaceAll(wire, "Port Elsa", "Port "+town)
		at := base.Add(time.Duration(73+i) * time.Hour) // outside the first copy's window, inside the last's
		save(t, db, aggregator.FetchRecord{Source: aggregator.Source{Name: src}, Merge: policy, Now: base,
			Entries: []aggregator.Entry{story(src, "https://"+src+".example/1", town+" utility hit by ransomware", text, at)}})
	}
	other := reopen(t, file) // another process: memory has none of them
	reworded := strings.Replace(wire, "said on Tuesday", "confirmed on Tuesday", 1)
	save(t, other, aggregator.FetchRecord{Source: aggregator.Source{Name: "b"}, Merge: policy, Now: base,
		Entries: []aggregator.Entry{story("b", "https://b.example/9", "Water utility confirms attack", reworded, base.Add(36*time.Hour))}})
	for _, it := range items(t, db, aggregator.ItemQuery{}) {
		var names []string
		for _, s := range it.Sources {
			names = append(names, s.Name)
		}
		if slices.Contains(names, "b") && !slices.Equal(names, []string{"a", "b"}) {
			t.Errorf("the copy from b is in an item with sources %v, want [a b]", names)
		}
	}
}

// TestStoreFindsCopyAcrossBuckets saves a copy just after the edge of a
// time bucket of merge_keys, in a process that remembers nothing, of a
// story saved just before it: the store's search reads on into the
// earlier bucket, by sketch keys and by title.
func TestStoreFindsCopyAcrossBuckets(t *testing.T) {
	edge := time.UnixMilli((base.UnixMilli()>>31 + 1) << 31) // the first millisecond of the next bucket
	own := `Billing at the Port Elsa utility is down after a criminal group locked its servers, a
spokeswoman told reporters, adding that tap water was safe and that payments could be made at the
front desk while the national agency helps recover the machines.`
	reworded := strings.Replace(wire, "said on Tuesday", "confirmed on Tuesday", 1)
	tests := []struct {
		name          string
		title, body   string
		first, second time.Time
	}{
		{"sketch keys, the copy after the edge", "Water utility confirms attack", reworded, edge.Add(-2 * time.Hour), edge.Add(2 * time.Hour)},
		{"sketch keys, the copy before the edge", "Water utility confirms attack", reworded, edge.Add(2 * time.Hour), edge.Add(-2 * time.Hour)},
		{"title, the copy after the edge", "Utility hit by ransomware", own, edge.Add(-2 * time.Hour), edge.Add(time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			policy := aggregator.MergePolicy{MaxDistance: 3}
			db, file := open(t)
			save(t, db, aggregator.FetchRecord{Source: aggregator.Source{Name: "a"}, Merge: policy, Now: base,
				Entries: []aggregator.Entry{story("a", "https://a.example/1", "Utility hit by ransomware", wire, tt.first)}})
			if err := db.Close(); err != nil { // its keys written
				t.Fatal(err)
			}
			other := reopen(t, file) // another process: memory has none of them
			save(t, other, aggregator.FetchRecord{Source: aggregator.Source{Name: "b"}, Merge: policy, Now: base,
				Entries: []aggregator.Entry{story("b", "https://b.example/9", tt.title, tt.body, tt.second)}})
			if got := items(t, other, aggregator.ItemQuery{}); len(got) != 1 || len(got[0].Sources) != 2 {
				t.Errorf("%d items (%v), want 1 of both sources", len(got), titles(got))
			}
		})
	}
}

// TestHeldMergeKeys follows new entries' merge keys: held after a save,
// still held while the writer rests with fewer than half a batch of
// them, written when the store closes, and, when a process ended without
// writing them, filed again by the next Open from the entries' stored
// text, the same keys.
func TestHeldMergeKeys(t *testing.T) {
	ctx := t.Context()
	file := filepath.Join(t.TempDir(), "gleaner.db")
	keysOf := func() []string { return mergeKeyRows(t, file) }
	db, err := sqlite.Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"cisa", "nvd", "krebs"} {
		var es []aggregator.Entry
		for j := range 3 {
			e := entry(name, fmt.Sprintf("https://%s.example.org/%d", name, j),
				fmt.Sprintf("Advisory %d of %s on a flaw in routers of vendor %d", j, name, i*10+j), i*60+j)
			e.Summary = fmt.Sprintf("<p>Attackers exploit flaw %d in the firmware of %s routers; patch %d is out.</p>", j, name, i)
			e.Fingerprint = aggregator.NewFingerprint(&e)
			es = append(es, e)
		}
		save(t, db, aggregator.FetchRecord{Source: source(name), Entries: es})
		if i == 0 {
			if held := keysOf(); len(held) != 0 {
				t.Errorf("merge_keys just after a save holds %d rows, want none yet", len(held))
			}
		}
	}
	time.Sleep(5 * sqlite.CheckpointIdle) // the writer rests
	if held := keysOf(); len(held) != 0 {
		t.Errorf("merge_keys after the writer rested with 9 entries' keys held holds %d rows, want none yet", len(held))
	}
	want := 9 * (aggregator.SketchSize + 1) // 9 entries' sketch and title keys
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	written := keysOf()
	if len(written) != want {
		t.Fatalf("after Close merge_keys holds %d rows, want %d", len(written), want)
	}

	if got := keysThrough(t, file); got != 9 {
		t.Errorf("after Close the store marks keys written through entry %d, want 9", got)
	}
	// As if the process had ended before the last entries' keys were
	// written: their keys missing, the mark where the last write left it.
	// Open files them again.
	if _, err := raw(t, file).ExecContext(ctx, `DELETE FROM merge_keys WHERE entry_id > 4;
		UPDATE settings SET value = '4' WHERE key = 'merge_keys_through'`); err != nil {
		t.Fatal(err)
	}
	again := reopen(t, file)
	if got := keysOf(); !slices.Equal(got, written) {
		t.Errorf("after Open, merge_keys =\n%v\nwant the keys written before\n%v", got, written)
	}
	if err := again.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestMergeKeysWrittenInBatches saves polls back to back, so that the
// writer never rests: once the store's KeysBatch of keys are held, the
// transaction that gathers them writes them. Under the race detector
// building a poll of 300 entries can take longer than the writer's rest
// (checkpointIdle), which then writes the keys held so far; the rest is
// made an hour long here.
func TestMergeKeysWrittenInBatches(t *testing.T) {
	defer sqlite.SetCheckpointIdle(time.Hour)()
	db, file := open(t)
	g := newNews(5)
	entries := 0
	for entries*(aggregator.SketchSize+1) < sqlite.KeysBatch+1000 { // sketch and title keys
		save(t, db, g.poll(300))
		entries += 300
	}
	var rows int
	if err := raw(t, file).QueryRowContext(t.Context(), `SELECT count(*) FROM merge_keys`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows < sqlite.KeysBatch {
		t.Errorf("after %d entries saved back to back, merge_keys holds %d rows, want at least %d written", entries, rows, sqlite.KeysBatch)
	}
}

// TestHeldMergeKeysWrittenAtRest: the writer's rest leaves the keys and
// uids held while fewer than half a batch of either are, and writes them,
// without a Close, once a poll brings either to half a batch. A small
// store's batch of uids is the smaller, so the uids set the pace here;
// each entry is at most one new item.
func TestHeldMergeKeysWrittenAtRest(t *testing.T) {
	db, file := open(t)
	g := newNews(6)
	count := func() (rows int) {
		if err := raw(t, file).QueryRowContext(t.Context(), `SELECT count(*) FROM merge_keys`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		return rows
	}
	const poll = 300
	perEntry := aggregator.SketchSize + 1 // sketch and title keys
	half := min(sqlite.KeysBatch/perEntry, int(sqlite.UIDsBatch)) / 2
	entries := 0
	for entries+poll < half {
		save(t, db, g.poll(poll))
		entries += poll
	}
	time.Sleep(5 * sqlite.CheckpointIdle)
	if n := count(); n != 0 {
		t.Errorf("merge_keys after the writer rested with %d entries' keys held (under half a batch) holds %d rows, want none", entries, n)
	}
	save(t, db, g.poll(poll))
	entries += poll
	for deadline := time.Now().Add(10 * time.Second); count() < entries*perEntry; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("merge_keys 10 s after %d entries were saved holds %d rows, want their %d keys", entries, count(), entries*perEntry)
		}
	}
	if got := keysThrough(t, file); got != int64(entries) {
		t.Errorf("after the rest the store marks keys written through entry %d, want %d", got, entries)
	}
}

// keysThrough reads the store's mark of how far merge keys are written.
func keysThrough(t *testing.T, file string) int64 {
	t.Helper()
	var id int64
	err := raw(t, file).QueryRowContext(t.Context(), `SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'merge_keys_through'`).Scan(&id)
	if err != nil {
		t.Fatalf("mark of merge keys written: %v", err)
	}
	return id
}

// TestMergeKeysMarkWithoutMerging saves entries with merging turned off:
// none has keys, and the store's mark still moves past them, so that
// Open does not read them all again looking for keys to file.
func TestMergeKeysMarkWithoutMerging(t *testing.T) {
	db, file := open(t)
	g := newNews(9)
	for range 3 {
		rec := g.poll(40)
		rec.Merge.Disabled = true
		save(t, db, rec)
	}
	var keys int
	if err := raw(t, file).QueryRowContext(t.Context(), `SELECT count(*) FROM merge_keys`).Scan(&keys); err != nil {
		t.Fatal(err)
	}
	if keys != 0 {
		t.Errorf("merge_keys holds %d rows with merging off, want none", keys)
	}
	if got := keysThrough(t, file); got != 120 {
		t.Errorf("with merging off the store marks keys written through entry %d, want 120 (every entry saved)", got)
	}
}

// TestHeldMergeKeysOfAnEditedEntry edits an entry whose keys are still
// held: the held keys of its first text must not reach the store, only
// those of its new one, the same as a store that only saw the edit holds.
// So too when the first text's keys were written before the edit (the
// store closed between the two polls).
func TestHeldMergeKeysOfAnEditedEntry(t *testing.T) {
	ctx := t.Context()
	src := source("cisa")
	first := entry(src.Name, "https://cisa.example.org/aa24-1", "Advisory on router flaw", 0)
	first.Summary = "<p>Attackers exploit a flaw in the firmware of Zyxel routers; a patch is out.</p>"
	edited := first
	edited.Summary = "<p>The ministry of water says a second pumping station was hit by ransomware overnight.</p>"
	edited.Updated = edited.Updated.Add(time.Hour)
	keysIn := func(file string, recs ...aggregator.FetchRecord) []string {
		t.Helper()
		db, err := sqlite.Open(ctx, file)
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			save(t, db, rec)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		return mergeKeyRows(t, file)
	}
	poll := func(e aggregator.Entry) aggregator.FetchRecord {
		e.Fingerprint = aggregator.NewFingerprint(&e)
		return aggregator.FetchRecord{Source: src, Entries: []aggregator.Entry{e}}
	}
	got := keysIn(filepath.Join(t.TempDir(), "a.db"), poll(first), poll(edited))
	want := keysIn(filepath.Join(t.TempDir(), "b.db"), poll(edited))
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("keys after an edit of an entry whose keys were held =\n%v\nwant those of the edited text alone\n%v", got, want)
	}
	file := filepath.Join(t.TempDir(), "c.db")
	if first := keysIn(file, poll(first)); len(first) == 0 || slices.Equal(first, want) {
		t.Fatalf("keys of the first text = %v, want some, not the edited text's", first)
	}
	if got := keysIn(file, poll(edited)); !slices.Equal(got, want) {
		t.Errorf("keys after an edit of an entry whose keys were written =\n%v\nwant those of the edited text alone\n%v", got, want)
	}
}

// TestMergeKeysMarkMigrated upgrades a store from before the mark of
// merge keys written, with its index of keys by entry: the migration
// marks the newest entry with keys and drops the index.
func TestMergeKeysMarkMigrated(t *testing.T) {
	db, file := open(t)
	save(t, db, newNews(3).poll(40))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := raw(t, file).ExecContext(t.Context(), `DELETE FROM settings WHERE key = 'merge_keys_through';
		CREATE INDEX merge_keys_entry ON merge_keys (entry_id);
		DELETE FROM merge_keys WHERE entry_id > 30 -- the last ten entries' keys were never written
			OR entry_id = 3; -- and entry 3 shows where Open's repair began
		PRAGMA user_version = 11`); err != nil {
		t.Fatal(err)
	}
	if err := reopen(t, file).Close(); err != nil {
		t.Fatal(err)
	}
	var indexes, keyed int
	if err := raw(t, file).QueryRowContext(t.Context(), `SELECT
			(SELECT count(*) FROM sqlite_schema WHERE name = 'merge_keys_entry'),
			(SELECT count(DISTINCT entry_id) FROM merge_keys)`).Scan(&indexes, &keyed); err != nil {
		t.Fatal(err)
	}
	if indexes != 0 {
		t.Errorf("the index of merge keys by entry is still there")
	}
	// Open's repair read on from entry 30, the newest with keys, and
	// filed the keys of the ten after it, not of entry 3.
	if keyed != 39 {
		t.Errorf("after the migration %d entries have merge keys, want 39 (all but entry 3)", keyed)
	}
	if got := keysThrough(t, file); got != 40 {
		t.Errorf("after the migration the mark of keys written is %d, want 40", got)
	}
}

// mergeKeyRows lists every row of merge_keys in file, as entry/key/published.
func mergeKeyRows(t *testing.T, file string) []string {
	t.Helper()
	var out []string
	rows, err := raw(t, file).QueryContext(t.Context(), `SELECT key, published, entry_id FROM merge_keys ORDER BY entry_id, key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, p, id int64
		if err := rows.Scan(&k, &p, &id); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(id, "/", k, "/", p))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTitleKeysMigrated upgrades a store from before titles were filed
// in merge_keys (schema 10, with an index on entries' title keys): the
// migration files every stored title, drops the index, and a process
// that opens the store afterwards finds a copy by its title alone.
func TestTitleKeysMigrated(t *testing.T) {
	ctx := t.Context()
	db, file := open(t)
	const title = "Port Elsa water utility hit by ransomware"
	save(t, db, aggregator.FetchRecord{Source: source("cisa"),
		Entries: []aggregator.Entry{story("cisa", "https://cisa.example.org/a", title, wire, base)}})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	state := func() (titleKeys, indexes int) {
		t.Helper()
		err := raw(t, file).QueryRowContext(ctx, `SELECT (SELECT count(*) FROM merge_keys WHERE key < 0),
			(SELECT count(*) FROM sqlite_schema WHERE name = 'entries_title_key')`).Scan(&titleKeys, &indexes)
		if err != nil {
			t.Fatal(err)
		}
		return titleKeys, indexes
	}
	if keys, indexes := state(); keys != 1 || indexes != 0 {
		t.Fatalf("a new store holds %d title keys and %d title indexes, want 1 and 0", keys, indexes)
	}
	var keysBefore int
	if err := raw(t, file).QueryRowContext(ctx, `SELECT count(*) FROM merge_keys WHERE key >= 0`).Scan(&keysBefore); err != nil {
		t.Fatal(err)
	}
	// merge_keys as schema 10 had it: by key, with no time bucket.
	if _, err := raw(t, file).ExecContext(ctx, `DELETE FROM merge_keys WHERE key < 0;
		CREATE TABLE merge_keys_by_key (key INTEGER NOT NULL, published INTEGER NOT NULL, entry_id INTEGER NOT NULL,
			PRIMARY KEY (key, published, entry_id)) STRICT, WITHOUT ROWID;
		INSERT INTO merge_keys_by_key SELECT key, published, entry_id FROM merge_keys;
		DROP TABLE merge_keys;
		ALTER TABLE merge_keys_by_key RENAME TO merge_keys;
		CREATE INDEX entries_title_key ON entries (title_key, published) WHERE title_key <> '';
		PRAGMA user_version = 10`); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, file)
	defer db.Close()
	if keys, indexes := state(); keys != 1 || indexes != 0 {
		t.Errorf("after the migration: %d title keys and %d title indexes, want 1 and 0", keys, indexes)
	}
	var keysAfter int
	if err := raw(t, file).QueryRowContext(ctx, `SELECT count(*) FROM merge_keys WHERE key >= 0`).Scan(&keysAfter); err != nil {
		t.Fatal(err)
	}
	if keysAfter != keysBefore || keysBefore == 0 {
		t.Errorf("after the migrations merge_keys holds %d sketch keys, want the %d before", keysAfter, keysBefore)
	}
	// Another outlet's report under the same headline, in words of its own.
	const own = `Billing at the Port Elsa utility is down after a criminal group locked its servers, a
spokeswoman told reporters, adding that tap water was safe and that payments could be made at the
front desk while the national agency helps recover the machines.`
	save(t, db, aggregator.FetchRecord{Source: source("nvd"),
		Entries: []aggregator.Entry{story("nvd", "https://nvd.example.org/b", title, own, base.Add(time.Hour))}})
	got := items(t, db, aggregator.ItemQuery{})
	if len(got) != 1 || len(got[0].Sources) != 2 {
		t.Fatalf("after a copy under the same title: %d items (%v), want 1 of both sources", len(got), titles(got))
	}
}

// TestEntryLinksMigrated upgrades a store from before links were filed in
// entry_links (schema 15, with an index on entries' canonical links): the
// migration files every stored link and drops the index, and a process
// that opens the store afterwards finds the same article by its link.
func TestEntryLinksMigrated(t *testing.T) {
	db, file := open(t)
	first := story("a", "https://a.example/1", "Utility hit by ransomware", wire, base)
	save(t, db, newNews(3).poll(40))
	save(t, db, aggregator.FetchRecord{Source: aggregator.Source{Name: "a"}, Entries: []aggregator.Entry{first}, Now: base})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := raw(t, file).ExecContext(t.Context(), `DROP TRIGGER entry_links_follow; DROP TABLE entry_links;
		CREATE INDEX entries_canonical_link ON entries (canonical_link) WHERE canonical_link <> '';
		PRAGMA user_version = 15`); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, file)
	var indexes, links, want int
	if err := raw(t, file).QueryRowContext(t.Context(), `SELECT
			(SELECT count(*) FROM sqlite_schema WHERE name = 'entries_canonical_link'),
			(SELECT count(*) FROM entry_links l JOIN entries e ON e.id = l.entry_id AND e.canonical_link = l.link),
			(SELECT count(*) FROM entries WHERE canonical_link <> '')`).Scan(&indexes, &links, &want); err != nil {
		t.Fatal(err)
	}
	if indexes != 0 {
		t.Errorf("the index of entries by canonical link is still there")
	}
	if links != want || want != 41 {
		t.Errorf("after the migration entry_links holds %d of the %d stored links, want all 41", links, want)
	}
	// Days later, past every window: only the link can find it.
	later := story("b", "https://a.example/1?utm_source=rss", "Weekly roundup", "Other text entirely, about the week.", base.Add(120*time.Hour))
	save(t, db, aggregator.FetchRecord{Source: aggregator.Source{Name: "b"}, Entries: []aggregator.Entry{later}, Now: base})
	var sources []aggregator.ItemSource
	for _, it := range items(t, db, aggregator.ItemQuery{Limit: 100}) {
		if it.Title == "Weekly roundup" {
			t.Fatalf("the article under another source is an item of its own")
		}
		if it.Title == "Utility hit by ransomware" {
			sources = it.Sources
		}
	}
	if len(sources) != 2 {
		t.Errorf("the article's item has sources %+v, want both", sources)
	}
}
