package sqlite

import (
	"slices"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

func TestRefListRing(t *testing.T) {
	for _, pushed := range []int{1, recentPerKey - 1, recentPerKey, recentPerKey + 1, 3*recentPerKey + 5} {
		var l refList
		for id := 1; id <= pushed; id++ {
			l.push(recentRef{id: int64(id)})
		}
		if want := min(pushed, recentPerKey); len(l.refs) != want {
			t.Fatalf("%d pushed: holds %d refs, want %d", pushed, len(l.refs), want)
		}
		for j := range l.refs {
			if got, want := l.at(j).id, int64(pushed-j); got != want {
				t.Errorf("%d pushed: %d-th newest is %d, want %d", pushed, j, got, want)
			}
		}
	}
}

// TestRecentCandidates covers the key lists through what candidate
// search returns: the newest entries sharing two keys, none forgotten.
func TestRecentCandidates(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	sketch := []uint64{1 << 8, 2 << 8, 3 << 8}
	keys := fingerprintKeys(aggregator.Fingerprint{Sketch: sketch})
	var r recentIndex
	const stored = recentPerKey + 8
	for id := int64(1); id <= stored; id++ {
		r.add(recentEntry{id: id, itemID: 1000 + id, published: millis(now), source: "a", mergeable: true}, keys)
	}
	r.add(recentEntry{id: stored + 1, itemID: 2000, published: millis(now), source: "b", mergeable: true}, keys) // same source as the lookup
	r.add(recentEntry{id: stored + 2, itemID: 2001, published: millis(now), source: "a", mergeable: false}, keys)
	rec := &aggregator.FetchRecord{Source: aggregator.Source{Name: "b"}}
	e := &aggregator.Entry{Source: "b", Published: now, Fingerprint: aggregator.Fingerprint{Sketch: sketch}}

	newest := func(from int64, n int) []int64 {
		var ids []int64
		for id := from; len(ids) < n; id-- {
			ids = append(ids, id)
		}
		return ids
	}
	tests := []struct {
		name   string
		forget []int64
		after  int64
		want   []int64
	}{
		{"newest first, at most maxCandidates", nil, 0, newest(stored, maxCandidates)},
		{"only above after", nil, stored - 3, newest(stored, 3)},
		{"forgotten entries are gone", newest(stored, 5), 0, newest(stored-5, maxCandidates)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.forget(tt.forget)
			item, ids := r.candidates(rec, e, "", tt.after)
			if item != 0 {
				t.Fatalf("item %d offered, want candidates", item)
			}
			slices.Sort(ids)
			slices.Sort(tt.want)
			if !slices.Equal(ids, tt.want) {
				t.Errorf("candidates %v, want %v", ids, tt.want)
			}
		})
	}
	if r.covers(0, stored) {
		t.Error("memory claims to cover entries it forgot")
	}
	if !r.covers(stored-10, stored-5) {
		t.Error("memory does not cover entries it holds")
	}
}
