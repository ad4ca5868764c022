package sqlite_test

import (
	"slices"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// TestValidators saves ETag and Last-Modified with the entries they
// describe, and keeps them through polls that store nothing.
func TestValidators(t *testing.T) {
	db, _ := open(t)
	ctx := t.Context()
	src := source("cisa")

	st, err := db.SourceState(ctx, src.Name)
	if err != nil {
		t.Fatalf("SourceState of an unknown source = %v", err)
	}
	if st != (aggregator.SourceState{Name: src.Name}) {
		t.Errorf("SourceState of an unknown source = %+v, want only its name", st)
	}

	ok := aggregator.Health{LastAttempt: base, LastSuccess: base, LastStatus: 200, NextAttempt: base.Add(15 * time.Minute)}
	save(t, db, aggregator.FetchRecord{
		Source: src, ETag: `W/"abc"`, LastModified: "Wed, 01 May 2024 12:00:00 GMT", Health: ok, Now: base,
		Entries: []aggregator.Entry{entry(src.Name, "https://cisa.example.org/aa24-1", "Advisory", 0)},
	})
	st, err = db.SourceState(ctx, src.Name)
	if err != nil {
		t.Fatal(err)
	}
	want := aggregator.SourceState{
		Name: src.Name, URL: src.URL, ETag: `W/"abc"`, LastModified: "Wed, 01 May 2024 12:00:00 GMT", Health: ok,
	}
	want.LastNewItems = 1
	if st != want {
		t.Errorf("SourceState after Save =\n%+v\nwant\n%+v", st, want)
	}

	// A failed poll records the failure and keeps the validators.
	failed := ok
	failed.LastAttempt = base.Add(15 * time.Minute)
	failed.LastStatus = 503
	failed.LastError = "upstream answered HTTP 503"
	failed.Failures = 2
	failed.NextAttempt = base.Add(time.Hour)
	if err := db.RecordHealth(ctx, src, failed); err != nil {
		t.Fatalf("RecordHealth = %v", err)
	}
	st, err = db.SourceState(ctx, src.Name)
	if err != nil {
		t.Fatal(err)
	}
	want.Health = failed
	if st != want {
		t.Errorf("SourceState after RecordHealth =\n%+v\nwant\n%+v", st, want)
	}

	// A successful poll with new validators and no new entries replaces
	// them.
	save(t, db, aggregator.FetchRecord{Source: src, ETag: `"def"`, Health: ok, Now: base.Add(2 * time.Hour)})
	st, err = db.SourceState(ctx, src.Name)
	if err != nil {
		t.Fatal(err)
	}
	if st.ETag != `"def"` || st.LastModified != "" || st.Failures != 0 || st.LastError != "" {
		t.Errorf("SourceState after a second Save = %+v, want ETag \"def\", no Last-Modified, no failures", st)
	}

	// RecordHealth of a source never saved creates it without validators.
	fresh := source("fresh")
	if err := db.RecordHealth(ctx, fresh, failed); err != nil {
		t.Fatalf("RecordHealth(new source) = %v", err)
	}
	st, err = db.SourceState(ctx, fresh.Name)
	if err != nil {
		t.Fatal(err)
	}
	if st.ETag != "" || st.LastModified != "" || st.Failures != 2 || st.URL != fresh.URL {
		t.Errorf("SourceState of a source only RecordHealth saw = %+v", st)
	}
	if v := version(t, db); v != 1 {
		t.Errorf("Version = %d, want 1: only the first Save changed items", v)
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
		if err := db.RecordHealth(ctx, source(name), aggregator.Health{LastAttempt: base, Failures: 1}); err != nil {
			t.Fatal(err)
		}
	}
	save(t, db, aggregator.FetchRecord{Source: source("beta"), ETag: "e"})
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
