package sqlite

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// TestFarRuns freezes refs in runs as rebuilds do, merges them as
// compactFar does, and checks every key's list against the refs sorted
// by brute force, and nearestAcross over the runs apart against nearest
// over the one merged list.
func TestFarRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	made := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	want := map[int64][]recentRef{} // every run's refs by key, sorted by brute force
	refs := 0
	var runs []*farRun
	id := uint32(0)
	oldest, newest := uint32(math.MaxUint32), uint32(0)
	for chunk := range 20 { // more runs than nearestAcross keeps heads for on its stack
		byKey := map[int64][]recentRef{}
		for range 50 + rng.IntN(400) {
			id++
			published := uint32(rng.IntN(5000))
			oldest, newest = min(oldest, published), max(newest, published)
			for k := range 1 + rng.IntN(4) {
				key := int64(rng.ExpFloat64()*20) + int64(k)*1000 // some keys under most entries
				if !slices.ContainsFunc(byKey[key], func(r recentRef) bool { return r.id == id }) {
					byKey[key] = append(byKey[key], recentRef{id: id, published: published, source: int32(chunk)})
				}
			}
		}
		var groups []keyRefs
		for key, l := range byKey {
			slices.SortFunc(l, compareRefs)
			groups = append(groups, keyRefs{key, l})
			want[key] = append(want[key], l...)
			refs += len(l)
		}
		slices.SortFunc(groups, func(a, b keyRefs) int { return cmp.Compare(a.key, b.key) })
		runs = append(runs, newFarRun(groups, int64(id), made))
	}
	for _, l := range want {
		slices.SortFunc(l, compareRefs)
	}

	merged := runs[0]
	for _, run := range runs[1:] {
		merged = mergeFarRuns(merged, run)
	}
	if merged.lastID != int64(id) || len(merged.keys) != len(want) || len(merged.refs) != refs {
		t.Fatalf("merged run: last id %d, %d keys, %d refs; want %d, %d, %d", merged.lastID, len(merged.keys), len(merged.refs), id, len(want), refs)
	}
	if merged.oldest != oldest || merged.newest != newest {
		t.Errorf("merged run dated %d to %d, want %d to %d", merged.oldest, merged.newest, oldest, newest)
	}
	for key, refs := range want {
		if got := merged.list(key); !slices.Equal(got, refs) {
			t.Fatalf("key %d: merged run lists %v, want %v", key, got, refs)
		}
	}
	if got := merged.list(-1); got != nil {
		t.Errorf("a key no ref has lists %v", got)
	}

	mostLists := 0
	for key := range want {
		lists := make([][]recentRef, 0, len(runs))
		for _, run := range runs {
			if l := run.list(key); len(l) > 0 {
				lists = append(lists, l)
			}
		}
		mostLists = max(mostLists, len(lists))
		pos := make([]int, 2*len(lists))
		for range 20 {
			pub, floor := uint32(rng.IntN(5200)), int64(rng.IntN(int(id)))-1
			var across, one []uint32
			nearestAcross(lists, pub, floor, func(r *recentRef) { across = append(across, r.id) }, pos)
			nearest(want[key], pub, floor, func(r *recentRef) { one = append(one, r.id) })
			if !slices.Equal(across, one) {
				t.Fatalf("key %d, pub %d, floor %d: across %d runs %v, one list %v", key, pub, floor, len(lists), across, one)
			}
		}
	}
	if mostLists <= 16 {
		t.Errorf("no key is in more than %d runs: the heads of more lists than nearestAcross's stack buffer holds went untested", mostLists)
	}
	for _, run := range append(runs, merged) {
		run.release()
	}
}

// TestFarCandidates: entries memory forgot are offered by their keys,
// unless their names signature rules them out, and are no longer
// offered once their run is dropped (beyond farCap entries back, or
// frozen more than a merge window ago).
func TestFarCandidates(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	clock := now
	sketch := []uint64{1 << 8, 2 << 8, 3 << 8}
	keys := fingerprintKeys(aggregator.Fingerprint{Sketch: sketch})
	names := &nameSigs{}
	r := recentIndex{names: names, farCap: 40_000, now: func() time.Time { return clock }}
	// The first 100 entries are published id seconds after noon, the
	// rest a week earlier, out of every lookup's window: memory forgets
	// the first 100 and keeps their keys.
	nameKeys := aggregator.NameKeys([]string{"Acme"})
	other := aggregator.NameKeys([]string{"Globex"})
	for id := int64(1); id <= recentSize+100; id++ {
		published := now.Add(time.Duration(id) * time.Second)
		if id > 100 {
			published = now.Add(-7 * 24 * time.Hour)
		}
		r.add(recentEntry{id: id, itemID: id, published: millis(published), source: "a", mergeable: true}, keys)
		sig := aggregator.NamesSig(nameKeys)
		if id%2 == 0 {
			sig = aggregator.NamesSig(other)
		}
		names.set(id, sig)
	}
	rec := &aggregator.FetchRecord{Source: aggregator.Source{Name: "b"}}
	e := &aggregator.Entry{Source: "b", Published: now.Add(50 * time.Second), Fingerprint: aggregator.Fingerprint{Sketch: sketch, Names: []string{"Acme"}}}
	f := fieldsOf(e)
	offered := func() []int64 {
		_, ids := r.candidates(rec, e, &f, 0)
		slices.Sort(ids)
		return ids
	}
	odd := func(from, to int64) (ids []int64) {
		for id := from; id <= to; id += 2 {
			ids = append(ids, id)
		}
		return ids
	}
	// The nearest 16 on either side are ids 34-65; of them the odd ones
	// pass the names.
	if got, want := offered(), odd(35, 65); !slices.Equal(got, want) {
		t.Fatalf("before any rebuild: offered %v, want %v", got, want)
	}
	r.mu.Lock()
	r.rebuild(false)
	r.mu.Unlock()
	if len(r.far) != 1 {
		t.Fatalf("%d runs after a rebuild, want 1", len(r.far))
	}
	if got, want := offered(), odd(35, 65); !slices.Equal(got, want) {
		t.Fatalf("from a run: offered %v, want %v", got, want)
	}

	clock = now.Add(aggregator.DefaultMergeWindow + time.Minute)
	r.mu.Lock()
	r.rebuild(false)
	r.mu.Unlock()
	if got := offered(); len(got) != 0 || len(r.far) != 0 {
		t.Fatalf("a run frozen more than a window ago: offered %v, %d runs left", got, len(r.far))
	}
	if _, keysFloor, _ := r.floor(); keysFloor != 100 {
		t.Errorf("keys floor %d after the run went, want 100", keysFloor)
	}
}

// TestFarKeysKeptWhereLookupsReach: a rebuild freezes the keys of what
// memory forgot only if a plan's window since the last rebuild reached
// back to them; otherwise they go, and the keys floor rises to what
// memory forgot, so that the store's search covers them.
func TestFarKeysKeptWhereLookupsReach(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	old := now.Add(-10 * 24 * time.Hour)
	sketch := []uint64{1 << 8, 2 << 8, 3 << 8}
	keys := fingerprintKeys(aggregator.Fingerprint{Sketch: sketch})
	tests := []struct {
		name     string
		lookupAt []time.Time
		runs     int
		keysAt   int64
	}{
		{"no window reaches the forgotten", []time.Time{now}, 0, 100},
		{"a later window reaches them", []time.Time{now, old}, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := recentIndex{}
			defer r.release()
			// Memory forgets the first 100, published ten days before
			// the rest.
			for id := int64(1); id <= recentSize+100; id++ {
				published := now
				if id <= 100 {
					published = old
				}
				r.add(recentEntry{id: id, itemID: id, published: millis(published), source: "a", mergeable: true}, keys)
			}
			rec := &aggregator.FetchRecord{Source: aggregator.Source{Name: "b"}}
			for _, at := range tt.lookupAt {
				e := &aggregator.Entry{Source: "b", Published: at, Fingerprint: aggregator.Fingerprint{Sketch: sketch}}
				f := fieldsOf(e)
				r.candidates(rec, e, &f, 0)
			}
			r.mu.Lock()
			r.rebuild(false)
			r.mu.Unlock()
			if _, keysAt, _ := r.floor(); len(r.far) != tt.runs || keysAt != tt.keysAt {
				t.Errorf("%d runs, keys floor %d; want %d, %d", len(r.far), keysAt, tt.runs, tt.keysAt)
			}
		})
	}
}

// compareRefs orders refs as lists hold them, for sorting by brute force.
func compareRefs(a, b recentRef) int { return cmp.Compare(a.order(), b.order()) }
