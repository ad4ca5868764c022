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

// TestRecentCandidates covers the key lists through what candidate
// search returns: for a plan, the entries published nearest; since a
// plan, the newest; none forgotten.
func TestRecentCandidates(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	sketch := []uint64{1 << 8, 2 << 8, 3 << 8}
	keys := fingerprintKeys(aggregator.Fingerprint{Sketch: sketch})
	var r recentIndex
	// Entry i is published i minutes after now, saved in id order.
	const stored = 72
	at := func(minute int64) time.Time { return now.Add(time.Duration(minute) * time.Minute) }
	for id := int64(1); id <= stored; id++ {
		r.add(recentEntry{id: id, itemID: 1000 + id, published: millis(at(id)), source: "a", mergeable: true}, keys)
	}
	r.add(recentEntry{id: stored + 1, itemID: 2000, published: millis(at(30)), source: "b", mergeable: true}, keys) // same source as the lookup
	r.add(recentEntry{id: stored + 2, itemID: 2001, published: millis(at(30)), source: "a", mergeable: false}, keys)
	rec := &aggregator.FetchRecord{Source: aggregator.Source{Name: "b"}}
	e := &aggregator.Entry{Source: "b", Published: at(30), Fingerprint: aggregator.Fingerprint{Sketch: sketch}}
	f := fieldsOf(e)

	span := func(from, to int64) []int64 {
		var ids []int64
		for id := from; id <= to; id++ {
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
		// 30 itself, then 29 and 31, ... 23 and 37 at seven minutes; of
		// the two at eight minutes, the newer.
		{"a plan: nearest in time, at most maxCandidates", nil, 0, span(23, 38)},
		{"since a plan: the newest above after", nil, stored - 3, span(stored-2, stored)},
		{"forgotten entries are gone", span(28, 32), 0, append(span(20, 27), span(33, 40)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.forget(tt.forget)
			item, ids := r.candidates(rec, e, &f, tt.after)
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
	if r.covers(stored+2, stored+3) { // stored+2 is held, stored+3 not
		t.Error("memory claims to cover an entry past the newest it holds")
	}
}

// TestRecentTail covers lookups since a plan once the tail was trimmed:
// from an id it holds, every entry since; from an older one, the
// nearest in time among those saved since.
func TestRecentTail(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	sketch := []uint64{1 << 8, 2 << 8, 3 << 8}
	keys := fingerprintKeys(aggregator.Fingerprint{Sketch: sketch})
	var r recentIndex
	const stored = 3 * tailSize
	at := func(minute int64) time.Time { return now.Add(time.Duration(minute) * time.Minute) }
	for id := int64(1); id <= stored; id++ {
		r.add(recentEntry{id: id, itemID: 1000 + id, published: millis(at(id)), source: "a", mergeable: true}, keys)
	}
	if held := len(r.tail[keys[0]]); r.tailFrom <= 1 || held > 2*tailSize {
		t.Fatalf("tail not trimmed: from id %d, %d refs a key", r.tailFrom, held)
	}
	rec := &aggregator.FetchRecord{Source: aggregator.Source{Name: "b"}}
	lookup := func(minute, after int64) []int64 {
		e := &aggregator.Entry{Source: "b", Published: at(minute), Fingerprint: aggregator.Fingerprint{Sketch: sketch}}
		f := fieldsOf(e)
		_, ids := r.candidates(rec, e, &f, after)
		slices.Sort(ids)
		return ids
	}
	// Since a plan the tail still holds: the five saved since, not the
	// nearest in time.
	if got, want := lookup(stored-100, stored-5), []int64{stored - 4, stored - 3, stored - 2, stored - 1, stored}; !slices.Equal(got, want) {
		t.Errorf("since id %d: %v, want %v", stored-5, got, want)
	}
	// Since a plan older than the tail: nearest in time, above after.
	got := lookup(100, 95)
	if len(got) != maxCandidates || got[0] <= 95 || got[len(got)-1] > 100+nearPerSide {
		t.Errorf("since id 95, published at minute 100: %v", got)
	}
}

// TestHitCounts checks the hit table against a map through growth and
// reuse: every id counted as often as it was added, listed once, in the
// order first hit, and nothing left over for the next lookup.
func TestHitCounts(t *testing.T) {
	var h hitCounts
	rng := rand.New(rand.NewPCG(3, 1))
	for _, hits := range []int{1, 300, 5000, 40, 0, 2000} {
		want := map[int64]int32{}
		var order []int64
		for range hits {
			id := 1 + rng.Int64N(int64(max(1, hits/2)))*7919
			if want[id] == 0 {
				order = append(order, id)
			}
			want[id]++
			h.add(id, 0)
		}
		var got []int64
		for _, i := range h.used {
			s := h.slots[i]
			if s.n != want[s.id] {
				t.Errorf("%d hits: id %d counted %d times, want %d", hits, s.id, s.n, want[s.id])
			}
			got = append(got, s.id)
		}
		if !slices.Equal(got, order) {
			t.Errorf("%d hits: ids %v, want %v in order first hit", hits, got, order)
		}
		h.reset()
		for i, s := range h.slots {
			if s != (hitSlot{}) {
				t.Fatalf("after %d hits, reset left slot %d = %+v", hits, i, s)
			}
		}
	}
}

// TestFloorKnowsForgottenDates: what memory forgets keeps counting
// towards the newest date the store's search can reach, and a gap in the
// ids it forgets (another process's entries, whose dates it never saw)
// makes that date unknown.
func TestFloorKnowsForgottenDates(t *testing.T) {
	const openedAt, atOpen = 100, int64(5_000)
	late := int64(9_000_000) // one early entry published far later than the rest
	tests := []struct {
		name       string
		saved      int64 // entries this process saves
		skip       int64 // an id another process took (0: none)
		wantFloor  int64
		wantKeys   int64 // the floor of the keys memory holds
		wantLatest int64
	}{
		{"nothing forgotten", recentSize, 0, openedAt, openedAt, atOpen},
		{"forgotten, every id its own", recentSize + 10, 0, openedAt + 10, openedAt, late},
		{"another process's entry between its own", recentSize + 10, openedAt + 3, openedAt + 11, openedAt + 11, math.MaxInt64},
		{"another process's entry first", recentSize + 10, openedAt + 1, openedAt + 11, openedAt + 11, math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := recentIndex{openedAt: openedAt, publishedAtOpen: atOpen}
			id := int64(openedAt)
			for n := int64(0); n < tt.saved; n++ {
				if id++; id == tt.skip {
					id++
				}
				published := 10_000 + id
				if n == 4 {
					published = late
				}
				r.add(recentEntry{id: id, itemID: id, published: published, source: "a", mergeable: true}, []int64{id % 97})
			}
			floor, keys, latest := r.floor()
			if floor != tt.wantFloor || keys != tt.wantKeys || latest != tt.wantLatest {
				t.Errorf("floor = %d, %d, %d; want %d, %d, %d", floor, keys, latest, tt.wantFloor, tt.wantKeys, tt.wantLatest)
			}
		})
	}
}

// TestEntryRing fills memory's ring four times over, with ids in runs
// and gaps and names of varying number (so that the names array both
// grows and moves its names to its start), then drops some entries:
// every entry held is found by its id with its own names, and no other
// id is found.
func TestEntryRing(t *testing.T) {
	namesOf := func(id int64) []uint64 {
		out := make([]uint64, id%5)
		for i := range out {
			out[i] = uint64(id*10 + int64(i))
		}
		return out
	}
	var q entryRing
	defer q.release()
	var ids []int64
	for id := int64(1); len(ids) < 4*recentSize; id++ {
		if id%1000 < 3 {
			continue // another process's entries
		}
		if q.len() == recentSize {
			if got := q.pop(); got.id != ids[len(ids)-recentSize] {
				t.Fatalf("pop = entry %d, want %d", got.id, ids[len(ids)-recentSize])
			}
		}
		q.push(recentEntry{id: id, itemID: -id, names: namesOf(id)}, int32(id%7))
		ids = append(ids, id)
	}
	check := func(held []int64) {
		t.Helper()
		for _, id := range held {
			e := q.find(id)
			if e == nil || e.itemID != -id || e.sourceNo != int32(id%7) || !slices.Equal(q.names(e), namesOf(id)) ||
				e.namesSig != aggregator.NamesSig(namesOf(id)) {
				t.Fatalf("find(%d) = %+v, want the entry with names %v and their signature", id, e, namesOf(id))
			}
		}
		gap := (held[0]/1000 + 1) * 1000 // skipped, among those held
		for _, id := range []int64{0, held[0] - 1, gap, gap + 2, held[len(held)-1] + 1} {
			if e := q.find(id); e != nil {
				t.Errorf("find(%d) = %+v, want none", id, e)
			}
		}
		if q.len() != len(held) {
			t.Errorf("ring holds %d entries, want %d", q.len(), len(held))
		}
	}
	held := ids[len(ids)-recentSize:]
	check(held)
	dropped := []int64{held[10], held[len(held)-1]}
	q.remove(dropped)
	held = slices.DeleteFunc(slices.Clone(held), func(id int64) bool { return slices.Contains(dropped, id) })
	check(held)
}

// TestRecentRefsRebase gives memory an id four billion past the first it
// holds (another process's entries between): refs keep 32 bits of an
// id, so their base moves on; the newest entries are offered, in a plan
// and since one, and no ref names an entry it does not hold.
func TestRecentRefsRebase(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	sketch := []uint64{1 << 8, 2 << 8, 3 << 8}
	keys := fingerprintKeys(aggregator.Fingerprint{Sketch: sketch})
	var r recentIndex
	for id := int64(1); id <= 5; id++ {
		r.add(recentEntry{id: id, itemID: id, published: millis(now), source: "a", mergeable: true}, keys)
	}
	far := int64(1)<<32 + 100
	for id := far; id < far+3; id++ {
		r.add(recentEntry{id: id, itemID: id, published: millis(now), source: "a", mergeable: true}, keys)
	}
	rec := &aggregator.FetchRecord{Source: aggregator.Source{Name: "b"}}
	e := &aggregator.Entry{Source: "b", Published: now, Fingerprint: aggregator.Fingerprint{Sketch: sketch}}
	f := fieldsOf(e)
	want := []int64{far, far + 1, far + 2}
	for _, after := range []int64{0, far - 1} {
		_, ids := r.candidates(rec, e, &f, after)
		slices.Sort(ids)
		if !slices.Equal(ids, want) {
			t.Errorf("candidates after %d = %v, want %v", after, ids, want)
		}
	}
	for k, l := range r.byTime.all() {
		for _, ref := range l {
			if id := r.idBase + int64(ref.id); r.entries.find(id) == nil {
				t.Errorf("key %d: a ref names entry %d, which memory does not hold", k, id)
			}
		}
	}
}

// TestFirstFrom checks the search for a date against slices'
// BinarySearchFunc on lists of every length to 40 with runs of equal
// dates, for every date from before the first to after the last.
func TestFirstFrom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for n := 0; n <= 40; n++ {
		l := make([]recentRef, n)
		pub := uint32(10)
		for i := range l {
			pub += uint32(rng.IntN(3)) // equal dates in runs
			l[i] = recentRef{id: uint32(i + 1), published: pub}
		}
		for q := uint32(0); q <= pub+2; q++ {
			want, _ := slices.BinarySearchFunc(l, q, func(x recentRef, q uint32) int { return cmp.Compare(x.published, q) })
			if got := firstFrom(l, q); got != want {
				t.Fatalf("firstFrom(%d refs, %d) = %d, want %d", n, q, got, want)
			}
		}
	}
}
