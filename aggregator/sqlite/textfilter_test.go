package sqlite

import (
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// TestTextFilter: every hash added is held, also while it is read; of
// those never added, few are answered "maybe", at the load a part is
// sized for and far past it, where a filter of one size answered "maybe"
// for nearly every text; a nil filter holds all.
func TestTextFilter(t *testing.T) {
	tests := []struct {
		name      string
		firstBits uint64
		texts     int
		maxMaybe  float64 // of the texts never added
	}{
		{"the first part's load", textFilterBits, 400_000, 0.015},
		{"24 times the first part's load", 1 << 14, 40_000, 0.04},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			f := newTextFilterSized(tt.firstBits)
			added := make([]uint64, tt.texts)
			for i := range added {
				added[i] = textHash(fmt.Sprint("https://example.com/", rng.Uint64()))
			}
			// A reader checks what was added as the filter grows.
			done := make(chan int)
			var published atomic.Int64
			go func() {
				missed := 0
				for n := 0; n < len(added); n = int(published.Load()) {
					for _, h := range added[:n] {
						if !f.mayHold(h) {
							missed++
						}
					}
				}
				done <- missed
			}()
			for i, h := range added {
				f.add(h)
				if i%1024 == 0 || i == len(added)-1 {
					published.Store(int64(i + 1))
				}
			}
			if missed := <-done; missed > 0 {
				t.Errorf("a reader found %d added hashes not held", missed)
			}
			for _, h := range added {
				if !f.mayHold(h) {
					t.Fatalf("%x added, not held", h)
				}
			}
			maybe := 0
			const others = 100_000
			for range others {
				if f.mayHold(textHash(fmt.Sprint("https://example.org/", rng.Uint64()))) {
					maybe++
				}
			}
			if got := float64(maybe) / others; got > tt.maxMaybe {
				t.Errorf("%.1f %% of texts never added answered maybe, want at most %.1f %%", 100*got, 100*tt.maxMaybe)
			}
		})
	}
	var none *textFilter
	if !none.mayHold(1) {
		t.Error("a nil filter answered no")
	}
}

// TestForgottenTexts: memory files the link and title of each entry it
// forgets, and the new ones of an updated entry, and offers the filter
// only where it speaks for every entry up to the floor.
func TestForgottenTexts(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	link, title := func(id int64) uint64 { return textHash(fmt.Sprint("link ", id)) }, func(id int64) uint64 { return textHash(fmt.Sprint("title ", id)) }
	fill := func(r *recentIndex, from, n int64) {
		for id := from; id < from+n; id++ {
			r.add(recentEntry{id: id, itemID: id, published: millis(now), source: "a", mergeable: true, link: link(id), title: title(id)}, nil)
		}
	}
	var r recentIndex
	fill(&r, 1, recentSize)
	if r.forgotten != nil || r.forgottenTexts(0) != nil {
		t.Fatal("a filter before memory forgot anything")
	}
	fill(&r, recentSize+1, 10) // forgets 1-10
	f := r.forgottenTexts(10)
	if f == nil {
		t.Fatal("no filter after memory forgot 10 entries")
	}
	for id := int64(1); id <= 10; id++ {
		if !f.mayHold(link(id)) || !f.mayHold(title(id)) {
			t.Errorf("entry %d forgotten, its link or title not held", id)
		}
	}
	held := 0
	for id := int64(11); id <= 1000; id++ {
		if f.mayHold(link(id)) || f.mayHold(title(id)) {
			held++
		}
	}
	if held > 5 {
		t.Errorf("%d of 990 entries still in memory held in the filter", held)
	}
	if r.noteTexts(link(5000000), title(5000000)); !f.mayHold(link(5000000)) || !f.mayHold(title(5000000)) {
		t.Error("an updated entry's new texts not held")
	}
	if r.forgottenTexts(11) != nil {
		t.Error("a filter offered for a floor past what memory forgot")
	}
	opened := recentIndex{openedAt: 7}
	fill(&opened, 8, recentSize+10)
	if opened.forgottenTexts(17) != nil {
		t.Error("a filter offered though the store held entries before the process opened it")
	}
	if opened.forgotten != nil {
		t.Error("a filter kept that could never be offered")
	}

	// An update before memory forgets anything makes the filter, so that
	// the entry's new texts are held when its old ones come at eviction.
	var early recentIndex
	fill(&early, 1, 3)
	early.noteTexts(link(99), title(99))
	fill(&early, 4, recentSize)
	if f := early.forgottenTexts(3); f == nil || !f.mayHold(link(99)) || !f.mayHold(link(1)) {
		t.Error("an update before any eviction: new texts or forgotten ones not held")
	}
}

// TestStoreSearchSkipsTextsNotForgotten: the store's search, given the
// filter, still finds a copy of a forgotten entry by its link and by its
// title: the filter is keyed as the search looks them up.
func TestStoreSearchSkipsTextsNotForgotten(t *testing.T) {
	db := openTest(t)
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	policy := aggregator.MergePolicy{MaxDistance: aggregator.DefaultMergeMaxDistance}
	entryOf := func(src, link, title, text string) aggregator.Entry {
		e := aggregator.Entry{Source: src, GUID: link, Link: link, Title: title, Summary: text, Published: at, Updated: at}
		aggregator.Identify(&e)
		e.Fingerprint = aggregator.NewFingerprint(&e)
		return e
	}
	first := entryOf("a", "https://a.example/harbour?utm_source=x", "Council approves the new harbour budget after debate",
		"The council approved the harbour budget on Tuesday.")
	rec := aggregator.FetchRecord{Source: aggregator.Source{Name: "a", URL: "https://a.example/feed"}, Entries: []aggregator.Entry{first}, Now: at, Merge: policy}
	saved, err := db.Save(t.Context(), rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.writeHeldKeys(); err != nil { // the search reads the index
		t.Fatal(err)
	}
	db.recent.mu.Lock()
	db.recent.evictOldest()
	db.recent.mu.Unlock()
	floor, _, _ := db.recent.floor()
	filter := db.recent.forgottenTexts(floor)
	if filter == nil {
		t.Fatal("no filter after the only entry was forgotten")
	}
	tests := []struct {
		name  string
		entry aggregator.Entry
		found bool
	}{
		{"the same link", entryOf("b", "https://A.example/harbour?utm_medium=y", "Another headline entirely for this one", "Other words."), true},
		{"the same title", entryOf("b", "https://b.example/1", "Council approves the new harbour budget after debate", "Other words."), true},
		{"neither", entryOf("b", "https://b.example/2", "A late goal wins the league match at home", "Other words."), false},
	}
	for _, tt := range tests {
		rec := aggregator.FetchRecord{Source: aggregator.Source{Name: "b"}, Merge: policy}
		f := fieldsOf(&tt.entry)
		items, err := findStories(t.Context(), db.reader, &db.names, filter, &rec, []storySought{sought(&tt.entry, &f)}, 0, floor, 0, 1<<62) // links and titles only
		if err != nil {
			t.Fatal(err)
		}
		if got := items[0] != 0; got != tt.found {
			t.Errorf("%s: found %v (item %d), want %v; saved %+v", tt.name, got, items[0], tt.found, saved)
		}
	}
}
