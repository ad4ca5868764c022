package sqlite

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// TestNamesFilterFindsTheSame stores the labelled copies of
// testdata/merge/events.json, then looks each one up in the store, as
// the search for copies older than memory does, with the names filter
// and without: the stories found must be the same. The filter must also
// have something to do: it refuses pairs of the set, and only pairs
// whose names the full check refuses.
func TestNamesFilterFindsTheSame(t *testing.T) {
	raw, err := os.ReadFile("../testdata/merge/events.json")
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Items []struct {
			ID, Source, Link, Title, Summary, Content string
			Published                                 time.Time
		}
	}
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	slices.SortStableFunc(set.Items, func(a, b struct {
		ID, Source, Link, Title, Summary, Content string
		Published                                 time.Time
	}) int {
		return a.Published.Compare(b.Published)
	})
	db := openTest(t)
	policy := aggregator.MergePolicy{MaxDistance: aggregator.DefaultMergeMaxDistance}
	var recs []aggregator.FetchRecord
	for _, it := range set.Items {
		e := aggregator.Entry{Source: it.Source, GUID: it.ID, Link: it.Link, Title: it.Title,
			Summary: it.Summary, Content: it.Content, Published: it.Published, Updated: it.Published}
		aggregator.Identify(&e)
		e.Fingerprint = aggregator.NewFingerprint(&e)
		rec := aggregator.FetchRecord{Source: aggregator.Source{Name: it.Source, URL: "https://" + it.Source + ".example/feed"},
			Entries: []aggregator.Entry{e}, Now: it.Published, Merge: policy}
		if _, err := db.Save(t.Context(), rec); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}

	if err := db.writeHeldKeys(); err != nil { // the search reads the index
		t.Fatal(err)
	}
	found := 0
	for _, rec := range recs {
		es := []*aggregator.Entry{&rec.Entries[0]}
		// Links and titles would find most copies first: the copies'
		// texts are what the filter is for.
		e := *es[0]
		e.Link, e.Fingerprint.TitleKey = "", ""
		es[0] = &e
		f := fieldsOf(es[0])
		search := []storySought{sought(es[0], &f)}
		without, err := findStories(t.Context(), db.reader, nil, nil, &rec, search, 0, 1<<62, 1<<62, math.MaxInt64)
		if err != nil {
			t.Fatal(err)
		}
		with, err := findStories(t.Context(), db.reader, &db.names, nil, &rec, search, 0, 1<<62, 1<<62, math.MaxInt64)
		if err != nil {
			t.Fatal(err)
		}
		if with[0] != without[0] {
			t.Errorf("%s %s: story %d with the names filter, %d without", rec.Source.Name, e.GUID, with[0], without[0])
		}
		if with[0] != 0 {
			found++
		}
	}
	if found == 0 {
		t.Fatal("the store's search found no story for any copy: the comparison above tested nothing")
	}

	// Entry ids are given in the order saved, from 1.
	refused := 0
	for i, a := range recs {
		keys := aggregator.NameKeys(a.Entries[0].Fingerprint.Names)
		for j, b := range recs {
			if a.Source.Name == b.Source.Name || aggregator.MayShareNames(keys, db.names.sig(int64(j+1))) {
				continue
			}
			refused++
			if aggregator.SameNames(a.Entries[0].Fingerprint.Names, b.Entries[0].Fingerprint.Names) {
				t.Errorf("copies %d and %d: the filter refuses names the full check allows", i, j)
			}
		}
	}
	t.Logf("%d copies found in the store; the filter refuses %d pairs of %d", found, refused, len(recs)*len(recs))
	if refused == 0 {
		t.Error("the filter refuses no pair of the set")
	}
}

// TestNameSigsWindow checks the bound on what nameSigs remembers: past
// maxNameSigs ids it forgets the oldest, never a newer one, and never
// answers for an id with another's word.
func TestNameSigsWindow(t *testing.T) {
	var n nameSigs
	word := func(id int64) uint64 { return 1<<63 | uint64(id) }
	for id := int64(100); id < 100+maxNameSigs; id++ {
		n.set(id, word(id))
	}
	if got := n.sig(100); got != word(100) {
		t.Fatalf("sig(100) = %x, want %x", got, word(100))
	}
	last := int64(100 + maxNameSigs)
	n.set(last, word(last)) // one past the bound: the older half goes
	for _, id := range []int64{100, 100 + maxNameSigs/2 - 1} {
		if got := n.sig(id); got != 0 {
			t.Errorf("sig(%d) = %x after the window moved, want 0", id, got)
		}
	}
	for _, id := range []int64{100 + maxNameSigs/2, last - 1, last} {
		if got := n.sig(id); got != word(id) {
			t.Errorf("sig(%d) = %x, want %x", id, got, word(id))
		}
	}
	far := last + 10*maxNameSigs // a jump past everything starts afresh
	n.set(far, word(far))
	if got, old := n.sig(far), n.sig(last); got != word(far) || old != 0 {
		t.Errorf("after a jump: sig(%d) = %x, sig(%d) = %x; want %x and 0", far, got, last, old, word(far))
	}
	if n.set(far-1, word(far-1)); n.sig(far-1) != 0 {
		t.Error("an id below the window was remembered")
	}
	if len(n.sigs) > maxNameSigs {
		t.Errorf("%d words held, bound %d", len(n.sigs), maxNameSigs)
	}
}
