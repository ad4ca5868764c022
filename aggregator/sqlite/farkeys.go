package sqlite

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/gleaner/gleaner/aggregator/internal/offheap"
)

// farRun holds the key refs of entries memory forgot, frozen: a poll
// that saves more than memory holds (the cold import of thousands of
// feeds) finds copies among them in memory rather than through the
// store's search, a random leaf of merge_keys for each key of each entry.
// Refs are grouped by key, then ordered by date and id, in arrays with no
// pointers, outside the Go heap where the system allows (farAlloc), so
// that they cost their size once and not again as the collector's
// headroom.
type farRun struct {
	keys           []int64     // distinct, ascending
	starts         []int32     // keys[i]'s refs are refs[starts[i]:starts[i+1]]
	refs           []recentRef // by key, then published and id
	lastID         int64       // the newest entry it holds refs of
	oldest, newest uint32      // the refs' published dates (refSeconds)
	made           time.Time   // when its newest part was frozen
	mem            []byte      // what farAlloc gave, for offheap.Free
}

// keyRefs are the refs of one key on their way into a run, in order
// (recentRef.order).
type keyRefs struct {
	key  int64
	refs []recentRef
}

// order is the ref's place in a list, by published date then id, as one
// number, compared inline: a comparison of the two fields (cmp.Or of two
// cmp.Compare) was too costly to inline, and a call at every step of
// nearestAcross and of keyLists.insert's search took 2.2 of a cold
// 5,000-feed poll's 355 billion instructions (cachegrind).
func (r recentRef) order() uint64 { return uint64(r.published)<<32 | uint64(r.id) }

// newFarRun freezes the refs of distinct keys, given in ascending order.
func newFarRun(groups []keyRefs, lastID int64, made time.Time) *farRun {
	n := 0
	for _, g := range groups {
		n += len(g.refs)
	}
	run := &farRun{lastID: lastID, made: made, oldest: math.MaxUint32}
	run.keys, run.starts, run.refs, run.mem = farAlloc(len(groups), n)
	n = 0
	for i, g := range groups {
		run.keys[i], run.starts[i] = g.key, int32(n)
		n += copy(run.refs[n:], g.refs)
		run.oldest, run.newest = min(run.oldest, g.refs[0].published), max(run.newest, g.refs[len(g.refs)-1].published)
	}
	run.starts[len(groups)] = int32(n)
	return run
}

// reaches reports whether any of the run's refs may be published in
// [from, to] and be of an entry above floor.
func (run *farRun) reaches(from, to uint32, floor int64) bool {
	return run.lastID > floor && run.newest >= from && run.oldest <= to
}

// list returns the refs filed under key.
func (run *farRun) list(key int64) []recentRef {
	i, ok := slices.BinarySearch(run.keys, key)
	if !ok {
		return nil
	}
	return run.refs[run.starts[i]:run.starts[i+1]]
}

// mergeFarRuns makes one run of two, a older than b.
func mergeFarRuns(a, b *farRun) *farRun {
	distinct := len(a.keys) + len(b.keys)
	for i, j := 0, 0; i < len(a.keys) && j < len(b.keys); {
		switch c := cmp.Compare(a.keys[i], b.keys[j]); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			distinct--
			i, j = i+1, j+1
		}
	}
	run := &farRun{lastID: max(a.lastID, b.lastID), made: b.made, oldest: min(a.oldest, b.oldest), newest: max(a.newest, b.newest)}
	if a.made.After(b.made) {
		run.made = a.made
	}
	run.keys, run.starts, run.refs, run.mem = farAlloc(distinct, len(a.refs)+len(b.refs))
	n, k := 0, 0
	file := func(key int64, from ...[]recentRef) {
		run.keys[k], run.starts[k] = key, int32(n)
		k++
		if len(from) == 1 {
			n += copy(run.refs[n:], from[0])
			return
		}
		x, y := from[0], from[1]
		for len(x) > 0 && len(y) > 0 {
			if x[0].order() <= y[0].order() {
				run.refs[n], x = x[0], x[1:]
			} else {
				run.refs[n], y = y[0], y[1:]
			}
			n++
		}
		n += copy(run.refs[n:], x)
		n += copy(run.refs[n:], y)
	}
	i, j := 0, 0
	for i < len(a.keys) || j < len(b.keys) {
		switch {
		case j == len(b.keys) || i < len(a.keys) && a.keys[i] < b.keys[j]:
			file(a.keys[i], a.list(a.keys[i]))
			i++
		case i == len(a.keys) || b.keys[j] < a.keys[i]:
			file(b.keys[j], b.list(b.keys[j]))
			j++
		default:
			file(a.keys[i], a.list(a.keys[i]), b.list(b.keys[j]))
			i, j = i+1, j+1
		}
	}
	run.starts[k] = int32(n)
	return run
}

// release gives the run's memory back; the run is not to be read again.
func (run *farRun) release() {
	offheap.Free(run.mem)
	*run = farRun{}
}

// nearestAcross is nearest over several lists at once: the refs of all
// of them published nearest pub, at most nearPerSide before it and as
// many after, skipping ref ids not above floor. pos is scratch, twice as
// long as lists. Each side merges the lists from pub outwards, keeping
// the order of each list's next ref in heads, so that a step compares
// numbers in one small array: reading every list's next ref at every
// step took 7.8 billion instructions in a cold 5,000-feed poll (2.2 % of
// them; 4.9 billion now, cachegrind).
func nearestAcross(lists [][]recentRef, pub uint32, floor int64, visit func(*recentRef), pos []int) {
	if len(lists) == 1 {
		nearest(lists[0], pub, floor, visit)
		return
	}
	var buf [16]uint64
	heads := buf[:0]
	if len(lists) > len(buf) {
		heads = make([]uint64, 0, len(lists))
	}
	heads = heads[:len(lists)]
	pos, ahead := pos[:len(lists)], pos[len(lists):2*len(lists)]
	// Before pub, newest first: a head of 0 is a list run out (no ref's
	// order is 0, as ids less idBase start at 1).
	before := func(l, p int) {
		list := lists[l]
		for p > 0 && int64(list[p-1].id) <= floor {
			p--
		}
		pos[l], heads[l] = p, 0
		if p > 0 {
			heads[l] = list[p-1].order()
		}
	}
	for l, list := range lists {
		ahead[l] = firstFrom(list, pub) // the after side starts where the before side does
		before(l, ahead[l])
	}
	for n := 0; n < nearPerSide; n++ {
		best, bestOrder := -1, uint64(0)
		for l, h := range heads {
			if h > bestOrder {
				best, bestOrder = l, h
			}
		}
		if best < 0 {
			break
		}
		p := pos[best] - 1
		visit(&lists[best][p])
		before(best, p)
	}
	// From pub on, oldest first: a head of MaxUint64 is a list run out
	// (a ref of the largest id dated past 2106, where refSeconds clamps,
	// would read so too, and go unvisited: a missed candidate at worst).
	after := func(l, a int) {
		list := lists[l]
		for a < len(list) && int64(list[a].id) <= floor {
			a++
		}
		ahead[l], heads[l] = a, math.MaxUint64
		if a < len(list) {
			heads[l] = list[a].order()
		}
	}
	for l := range lists {
		after(l, ahead[l])
	}
	for n := 0; n < nearPerSide; n++ {
		best, bestOrder := -1, uint64(math.MaxUint64)
		for l, h := range heads {
			if h < bestOrder {
				best, bestOrder = l, h
			}
		}
		if best < 0 {
			break
		}
		a := ahead[best]
		visit(&lists[best][a])
		after(best, a+1)
	}
}
