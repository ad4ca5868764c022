package sqlite_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// TestSourceStateRoundTrip writes every field of a source's state, with
// Save (alongside entries) and with RecordState, and reads it back.
func TestSourceStateRoundTrip(t *testing.T) {
	db, _ := open(t)
	ctx := t.Context()
	src := source("cisa")

	st, err := db.SourceState(ctx, src.Name)
	if err != nil {
		t.Fatalf("SourceState of an unknown source = %v", err)
	}
	if !reflect.DeepEqual(st, aggregator.SourceState{Name: src.Name}) {
		t.Errorf("SourceState of an unknown source = %+v, want only its name", st)
	}

	saved := aggregator.SourceState{
		Name: src.Name, URL: src.URL, FetchURL: "https://moved.example.org/feed", ETag: `W/"abc"`,
		LastModified: "Wed, 01 May 2024 12:00:00 GMT",
		ItemDigests:  []uint64{1, 0xfedcba9876543210, 1 << 63},
		Hints:        aggregator.Hints{TTL: 90 * time.Minute, SkipHours: []int{0, 1, 23}, SkipDays: []time.Weekday{time.Saturday, time.Sunday}},
		Health: aggregator.Health{LastAttempt: base, LastSuccess: base, LastStatus: 200,
			NextAttempt: base.Add(15 * time.Minute), LastEntries: 1},
	}
	save(t, db, aggregator.FetchRecord{Source: src, State: saved, Now: base,
		Entries: []aggregator.Entry{entry(src.Name, "https://cisa.example.org/aa24-1", "Advisory", 0)}})
	want := saved
	want.LastNewItems = 1 // counted by Save
	if st, _ = db.SourceState(ctx, src.Name); !reflect.DeepEqual(st, want) {
		t.Errorf("SourceState after Save =\n%+v\nwant\n%+v", st, want)
	}

	gone := want
	gone.Gone = true
	gone.LastStatus, gone.LastError, gone.Failures = 410, "upstream answered HTTP 410", 1
	gone.NextAttempt = time.Time{}
	gone.SkipHours, gone.SkipDays = nil, nil
	gone.ItemDigests = nil
	if err := db.RecordState(ctx, gone); err != nil {
		t.Fatalf("RecordState = %v", err)
	}
	if st, _ = db.SourceState(ctx, src.Name); !reflect.DeepEqual(st, gone) {
		t.Errorf("SourceState after RecordState =\n%+v\nwant\n%+v", st, gone)
	}
	if v := version(t, db); v != 1 {
		t.Errorf("Version = %d, want 1: only the Save changed items", v)
	}
}

func TestSourceStates(t *testing.T) {
	db, _ := open(t)
	ctx := t.Context()
	states, err := db.SourceStates(ctx)
	if err != nil || len(states) != 0 {
		t.Errorf("SourceStates of an empty database = %+v, %v; want none", states, err)
	}
	for _, name := range []string{"zeta", "alpha", "mid"} {
		st := aggregator.SourceState{Name: name, URL: source(name).URL, Health: aggregator.Health{LastAttempt: base, Failures: 1}}
		if err := db.RecordState(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	save(t, db, aggregator.FetchRecord{Source: source("beta"), State: aggregator.SourceState{URL: source("beta").URL, ETag: "e"}})
	states, err = db.SourceStates(ctx)
	if err != nil {
		t.Fatalf("SourceStates = %v", err)
	}
	var names []string
	for _, st := range states {
		names = append(names, st.Name)
		if st.URL != source(st.Name).URL {
			t.Errorf("source %s URL = %q", st.Name, st.URL)
		}
	}
	if want := []string{"alpha", "beta", "mid", "zeta"}; !slices.Equal(names, want) {
		t.Errorf("SourceStates names = %q, want %q", names, want)
	}
	if states[1].ETag != "e" || states[0].Failures != 1 || !states[0].LastAttempt.Equal(base) {
		t.Errorf("SourceStates = %+v", states)
	}
}

// TestPrefetchStates serves a prefetched state once, and never one that a
// write made stale.
func TestPrefetchStates(t *testing.T) {
	db, file := open(t)
	ctx := t.Context()
	record := func(name, etag string) {
		t.Helper()
		if err := db.RecordState(ctx, aggregator.SourceState{Name: name, URL: "https://" + name + ".example/feed", ETag: etag}); err != nil {
			t.Fatal(err)
		}
	}
	etag := func(name string) string {
		t.Helper()
		st, err := db.SourceState(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return st.ETag
	}
	record("a", `"a1"`)
	record("b", `"b1"`)
	if err := db.PrefetchStates(ctx); err != nil {
		t.Fatal(err)
	}
	record("a", `"a2"`) // this process's write: the prefetched "a1" is stale
	if got := etag("a"); got != `"a2"` {
		t.Errorf("after a write, state of a = %s, want the written \"a2\"", got)
	}
	// Another process writes b: the prefetched state is served once, as it
	// was read, then the store's.
	if _, err := raw(t, file).ExecContext(ctx, `UPDATE sources SET etag = '"b2"' WHERE name = 'b'`); err != nil {
		t.Fatal(err)
	}
	if got := etag("b"); got != `"b1"` {
		t.Errorf("first read of b = %s, want the prefetched \"b1\"", got)
	}
	if got := etag("b"); got != `"b2"` {
		t.Errorf("second read of b = %s, want the store's \"b2\"", got)
	}
	if got := etag("never-polled"); got != "" {
		t.Errorf("unknown source's ETag = %s, want none", got)
	}
}
