package sqlite

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// modelEntry is what the brute-force model keeps of an entry.
type modelEntry struct {
	id, published int64 // published in whole seconds' worth of milliseconds
	source        string
	keys          []int64
}

// modelCandidates is candidates' contract, computed by brute force over
// the entries whose keys memory holds: for a plan (after 0), under each
// key the nearestPerSide entries above floor on either side of pub in
// (published, id) order; since a plan, every entry above after.
// Then those sharing two keys, from other sources, in the window, the
// maxCandidates sharing most, nearest in time, newest.
func modelCandidates(keyed []modelEntry, floor int64, e modelEntry, after int64, span int64) []int64 {
	shared := map[int64]int{}
	for _, k := range e.keys {
		var under []modelEntry
		for _, x := range keyed {
			if slices.Contains(x.keys, k) && x.id > max(after, floor) {
				under = append(under, x)
			}
		}
		if after == 0 {
			slices.SortFunc(under, func(a, b modelEntry) int {
				return cmp.Or(cmp.Compare(a.published/1000, b.published/1000), cmp.Compare(a.id, b.id))
			})
			i, _ := slices.BinarySearchFunc(under, e.published/1000, func(x modelEntry, pub int64) int { return cmp.Compare(x.published/1000, pub) })
			under = under[max(0, i-nearPerSide):min(len(under), i+nearPerSide)]
		}
		for _, x := range under {
			if x.source != e.source && x.published >= e.published-span && x.published <= e.published+span {
				shared[x.id]++
			}
		}
	}
	type cand struct {
		id, dist int64
		n        int
	}
	var found []cand
	for _, x := range keyed {
		if n := shared[x.id]; n >= 2 {
			found = append(found, cand{x.id, max(x.published-e.published, e.published-x.published), n})
		}
	}
	slices.SortFunc(found, func(a, b cand) int { return cmp.Or(b.n-a.n, cmp.Compare(a.dist, b.dist), cmp.Compare(b.id, a.id)) })
	var ids []int64
	for _, c := range found[:min(len(found), maxCandidates)] {
		ids = append(ids, c.id)
	}
	slices.Sort(ids)
	return ids
}

// TestRecentCandidatesAgainstModel drives memory through adds past its
// size (evictions, rebuilds, runs of forgotten entries' keys made, merged
// and dropped, tail trims) and rolled-back transactions, and checks each
// lookup against the brute-force model.
func TestRecentCandidatesAgainstModel(t *testing.T) {
	if testing.Short() {
		t.Skip("fills memory past its size")
	}
	rng := rand.New(rand.NewPCG(6, 1))
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	const days = 20
	// Keys drawn with a skew, so that some are filed under thousands of
	// entries (phrases) and the nearest-in-time cut matters.
	drawKeys := func() []int64 {
		var keys []int64
		for len(keys) < aggregator.SketchSize {
			k := int64(rng.ExpFloat64() * 60)
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		return keys
	}
	draw := func(id int64) modelEntry {
		return modelEntry{id: id, published: millis(base) + rng.Int64N(days*86400)*1000,
			source: string(rune('a' + rng.IntN(20))), keys: drawKeys()}
	}
	const farCap = 3000
	r := recentIndex{farCap: farCap}
	var live, all []modelEntry // in id order: what memory holds, what was saved
	floor, next := int64(0), int64(1)
	rec := &aggregator.FetchRecord{}
	span := rec.Merge.Span().Milliseconds()
	add := func(x modelEntry) {
		r.add(recentEntry{id: x.id, itemID: x.id, published: x.published, source: x.source, mergeable: true}, x.keys)
		live, all = append(live, x), append(all, x)
		if len(live) > recentSize {
			floor = max(floor, live[0].id)
			live = live[1:]
		}
	}
	check := func(step int, after int64) {
		t.Helper()
		e := draw(0)
		var sketch []uint64
		for _, k := range e.keys {
			sketch = append(sketch, uint64(k)<<8)
		}
		entry := &aggregator.Entry{Source: e.source, Published: time.UnixMilli(e.published).UTC(), Fingerprint: aggregator.Fingerprint{Sketch: sketch}}
		f := fieldsOf(entry)
		_, got := r.candidates(rec, entry, &f, after)
		slices.Sort(got)
		if want := modelCandidates(all, max(0, floor-farCap), e, after, span); !slices.Equal(got, want) {
			t.Fatalf("step %d, after %d: candidates %v, model %v", step, after, got, want)
		}
	}
	lookups := 0
	for step := 0; step < recentSize+4*farCap; step++ {
		add(draw(next))
		next++
		switch {
		case step%4001 == 4000: // a transaction rolled back: its ids come again
			n := 1 + rng.IntN(40)
			var gone []int64
			for _, x := range live[len(live)-n:] {
				gone = append(gone, x.id)
			}
			r.forget(gone)
			live, all = live[:len(live)-n], all[:len(all)-n]
			next = gone[0]
		case step%97 == 0:
			check(step, 0) // a plan
			// Since a plan: a few polls' worth ago.
			check(step, live[max(0, len(live)-1-rng.IntN(300))].id)
			lookups += 2
		}
	}
	if r.tailFrom <= 1 || floor == 0 || r.farDropped == 0 || len(r.far) == 0 {
		t.Fatalf("the run never trimmed the tail (from %d), evicted (floor %d), or dropped a run of forgotten keys (%d) and kept one (%d)",
			r.tailFrom, floor, r.farDropped, len(r.far))
	}
	t.Logf("%d lookups matched the model; %d entries live, eviction floor %d", lookups, len(live), floor)
}
