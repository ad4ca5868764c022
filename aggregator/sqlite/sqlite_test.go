package sqlite_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/aggregator/sqlite"
)

var _ aggregator.Store = (*sqlite.DB)(nil)

// base is a fixed moment the tests count from.
var base = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// open opens a new database file in a temporary folder and closes it
// when the test ends.
func open(t *testing.T) (*sqlite.DB, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "gleaner.db")
	db, err := sqlite.Open(t.Context(), file)
	if err != nil {
		t.Fatalf("Open(%q) = %v", file, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db, file
}

// reopen opens a second handle on file, as another process would: it
// shares the file but none of the first handle's memory.
func reopen(t *testing.T, file string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), file)
	if err != nil {
		t.Fatalf("Open(%q) again = %v", file, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// raw opens file directly through the driver, to look at what the store
// wrote.
func raw(t *testing.T, file string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func source(name string) aggregator.Source {
	return aggregator.Source{Name: name, URL: "https://" + name + ".example.org/feed.xml"}
}

// entry returns an identified entry of src published at base+minutes.
func entry(src, link, title string, minutes int, tags ...string) aggregator.Entry {
	at := base.Add(time.Duration(minutes) * time.Minute)
	e := aggregator.Entry{
		Source:    src,
		Link:      link,
		Title:     title,
		Summary:   "<p>" + title + "</p>",
		Published: at,
		Updated:   at,
		Tags:      tags,
	}
	aggregator.Identify(&e)
	return e
}

func save(t *testing.T, db *sqlite.DB, rec aggregator.FetchRecord) aggregator.SaveResult {
	t.Helper()
	if rec.Now.IsZero() {
		rec.Now = base.Add(24 * time.Hour)
	}
	res, err := db.Save(t.Context(), rec)
	if err != nil {
		t.Fatalf("Save(%s) = %v", rec.Source.Name, err)
	}
	return res
}

func items(t *testing.T, db *sqlite.DB, q aggregator.ItemQuery) []aggregator.Item {
	t.Helper()
	got, err := db.Items(t.Context(), q)
	if err != nil {
		t.Fatalf("Items(%+v) = %v", q, err)
	}
	return got
}

func version(t *testing.T, db *sqlite.DB) int64 {
	t.Helper()
	v, err := db.Version(t.Context())
	if err != nil {
		t.Fatalf("Version() = %v", err)
	}
	return v
}

// TestOpenTwice opens one file again, after closing and while still
// open: the migrations must run once and keep what was stored.
func TestOpenTwice(t *testing.T) {
	ctx := t.Context()
	file := filepath.Join(t.TempDir(), "gleaner.db")
	first, err := sqlite.Open(ctx, file)
	if err != nil {
		t.Fatalf("Open(%q) = %v", file, err)
	}
	src := source("example")
	if _, err := first.Save(ctx, aggregator.FetchRecord{
		Source: src, Entries: []aggregator.Entry{entry(src.Name, "https://example.org/a", "A", 0)}, Now: base,
	}); err != nil {
		t.Fatalf("Save = %v", err)
	}

	second, err := sqlite.Open(ctx, file)
	if err != nil {
		t.Fatalf("Open(%q) while open = %v", file, err)
	}
	if got := items(t, second, aggregator.ItemQuery{}); len(got) != 1 {
		t.Errorf("second handle sees %d items, want 1", len(got))
	}
	if err := second.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	if err := first.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}

	again, err := sqlite.Open(ctx, file)
	if err != nil {
		t.Fatalf("Open(%q) after close = %v", file, err)
	}
	defer again.Close()
	if got := items(t, again, aggregator.ItemQuery{}); len(got) != 1 || got[0].Title != "A" {
		t.Errorf("after reopening, Items = %+v, want the one item A", got)
	}
	if v := version(t, again); v != 1 {
		t.Errorf("after reopening, Version = %d, want 1 (migrations must not reset it)", v)
	}

	var userVersion int
	if err := raw(t, file).QueryRowContext(ctx, "PRAGMA user_version").Scan(&userVersion); err != nil {
		t.Fatal(err)
	}
	migrations, _ := filepath.Glob("migrations/*.sql")
	if userVersion != len(migrations) || userVersion < 2 {
		t.Errorf("PRAGMA user_version = %d, want %d (one per migration)", userVersion, len(migrations))
	}
}

func TestJournalModeAndPageSize(t *testing.T) {
	_, file := open(t)
	var mode string
	var pageSize int
	if err := raw(t, file).QueryRowContext(t.Context(), "SELECT journal_mode, page_size FROM pragma_journal_mode, pragma_page_size").Scan(&mode, &pageSize); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || pageSize != 8192 {
		t.Errorf("journal_mode %q, page_size %d; want wal, 8192", mode, pageSize)
	}
}

// TestOpenNewerSchema refuses a database written by a newer gleaner.
func TestOpenNewerSchema(t *testing.T) {
	ctx := t.Context()
	db, file := open(t)
	db.Close()
	if _, err := raw(t, file).ExecContext(ctx, "PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	if db, err := sqlite.Open(ctx, file); err == nil {
		db.Close()
		t.Fatalf("Open(%q) with user_version 99 succeeded, want an error", file)
	}
}

// TestOpenOddPaths opens files whose folder names mean something in a
// URL: the database must land at exactly the path given.
func TestOpenOddPaths(t *testing.T) {
	tests := []struct {
		folder string
	}{
		{folder: "with space"},
		{folder: "naïve 新闻"},
		{folder: "hash#tag"},
		{folder: "what?"},
		{folder: "100%20"},
	}
	for _, tt := range tests {
		t.Run(tt.folder, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, tt.folder)
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "gleaner.db")
			db, err := sqlite.Open(t.Context(), file)
			if err != nil {
				t.Fatalf("Open(%q) = %v", file, err)
			}
			src := source("odd")
			save(t, db, aggregator.FetchRecord{Source: src, Entries: []aggregator.Entry{entry(src.Name, "https://example.org/", "x", 0)}})
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(file); err != nil {
				t.Errorf("database not at %q: %v", file, err)
			}
			names, err := os.ReadDir(parent)
			if err != nil {
				t.Fatal(err)
			}
			if len(names) != 1 {
				t.Errorf("%s holds %d entries, want only %q", parent, len(names), tt.folder)
			}
		})
	}
}

func TestOpenMissingFolder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "no", "such", "folder", "gleaner.db")
	if db, err := sqlite.Open(t.Context(), file); err == nil {
		db.Close()
		t.Fatalf("Open(%q) succeeded, want an error", file)
	}
}

// TestTimesRoundTrip stores times as unix milliseconds: what comes back
// equals what went in, cut to the millisecond, whatever its zone.
func TestTimesRoundTrip(t *testing.T) {
	db, _ := open(t)
	ctx := t.Context()
	shanghai := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name string
		at   time.Time
	}{
		{"utc", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
		{"nanoseconds", time.Date(2024, 1, 2, 3, 4, 5, 123456789, time.UTC)},
		{"zone", time.Date(2024, 1, 2, 15, 4, 5, 999999999, shanghai)},
		{"monotonic", time.Now()},
		{"before 1970", time.Date(1969, 7, 20, 20, 17, 40, 500_000_000, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := source("times")
			e := entry(src.Name, "https://example.org/times/"+tt.name, tt.name, 0)
			e.Published, e.Updated = tt.at, tt.at.Add(time.Second)
			h := aggregator.Health{LastAttempt: tt.at, LastSuccess: tt.at, NextAttempt: tt.at.Add(time.Hour)}
			save(t, db, aggregator.FetchRecord{Source: src, Entries: []aggregator.Entry{e}, State: aggregator.SourceState{URL: src.URL, Health: h}, Now: tt.at})

			want := tt.at.Truncate(time.Millisecond)
			got := items(t, db, aggregator.ItemQuery{Limit: 100})
			var it *aggregator.Item
			for j := range got {
				if got[j].Title == tt.name {
					it = &got[j]
				}
			}
			if it == nil {
				t.Fatalf("item %q not found among %d", tt.name, len(got))
			}
			if !it.Published.Equal(want) {
				t.Errorf("Published = %v, want %v", it.Published, want)
			}
			if w := want.Add(time.Second); !it.Updated.Equal(w) {
				t.Errorf("Updated = %v, want %v", it.Updated, w)
			}
			if it.Published.Location() != time.UTC {
				t.Errorf("Published in %v, want UTC", it.Published.Location())
			}
			st, err := db.SourceState(ctx, src.Name)
			if err != nil {
				t.Fatal(err)
			}
			if !st.LastAttempt.Equal(want) || !st.LastSuccess.Equal(want) || !st.NextAttempt.Equal(want.Add(time.Hour)) {
				t.Errorf("SourceState times = %v, %v, %v; want %v, %v, %v", st.LastAttempt, st.LastSuccess,
					st.NextAttempt, want, want, want.Add(time.Hour))
			}
		})
	}
}

// TestZeroTimes keeps the zero time zero.
func TestZeroTimes(t *testing.T) {
	db, _ := open(t)
	src := source("zero")
	e := entry(src.Name, "https://example.org/zero", "zero", 0)
	e.Published, e.Updated = time.Time{}, time.Time{}
	save(t, db, aggregator.FetchRecord{Source: src, Entries: []aggregator.Entry{e}})
	got := items(t, db, aggregator.ItemQuery{})
	if len(got) != 1 || !got[0].Published.IsZero() || !got[0].Updated.IsZero() {
		t.Errorf("Items = %+v, want one item with zero times", got)
	}
	st, err := db.SourceState(t.Context(), src.Name)
	if err != nil {
		t.Fatal(err)
	}
	if !st.LastAttempt.IsZero() || !st.LastSuccess.IsZero() || !st.NextAttempt.IsZero() {
		t.Errorf("SourceState = %+v, want zero times", st)
	}
}

// TestNewestPublishedKept: the store keeps the newest published date of
// its entries through saves in any order of dates, and the migration that
// brought it reads it from the entries of a store that had none.
func TestNewestPublishedKept(t *testing.T) {
	ctx := t.Context()
	db, file := open(t)
	newest := func() int64 {
		t.Helper()
		var ms int64
		if err := raw(t, file).QueryRowContext(ctx, `SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'entries_published_max'`).Scan(&ms); err != nil {
			t.Fatal(err)
		}
		return ms
	}
	if got := newest(); got != 0 {
		t.Errorf("an empty store's newest date = %d, want 0", got)
	}
	for _, minutes := range []int{60, 180, 120} { // the newest saved second
		save(t, db, aggregator.FetchRecord{Source: source("a"), Now: base,
			Entries: []aggregator.Entry{entry("a", fmt.Sprintf("https://a.example.org/%d", minutes), fmt.Sprintf("Story %d", minutes), minutes)}})
	}
	want := base.Add(180 * time.Minute).UnixMilli()
	if got := newest(); got != want {
		t.Errorf("after three saves the newest date = %d, want %d", got, want)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := raw(t, file).ExecContext(ctx, `DELETE FROM settings WHERE key = 'entries_published_max'; PRAGMA user_version = 9`); err != nil {
		t.Fatal(err)
	}
	if err := reopen(t, file).Close(); err != nil {
		t.Fatal(err)
	}
	if got := newest(); got != want {
		t.Errorf("after the migration the newest date = %d, want %d", got, want)
	}
}
