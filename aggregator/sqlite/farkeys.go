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

// keyRefs are the refs of one key on their way into a run, ordered by
// compareRefs.
type keyRefs struct {
	key  int64
	refs []recentRef
}

func compareRefs(a, b recentRef) int {
	return cmp.Or(cmp.Compare(a.published, b.published), cmp.Compare(a.id, b.id))
}

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
			if compareRefs(x[0], y[0]) <= 0 {
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
// long as lists.
func nearestAcross(lists [][]recentRef, pub uint32, floor int64, visit func(*recentRef), pos []int) {
	if len(lists) == 1 {
		nearest(lists[0], pub, floor, visit)
		return
	}
	pos, ahead := pos[:len(lists)], pos[len(lists):2*len(lists)]
	for l, list := range lists {
		pos[l] = firstFrom(list, pub)
		ahead[l] = pos[l] // the after side starts where the before side does
	}
	for n := 0; n < nearPerSide; n++ {
		best := -1
		for l, list := range lists {
			for pos[l] > 0 && int64(list[pos[l]-1].id) <= floor {
				pos[l]--
			}
			if pos[l] > 0 && (best < 0 || compareRefs(list[pos[l]-1], lists[best][pos[best]-1]) > 0) {
				best = l
			}
		}
		if best < 0 {
			break
		}
		pos[best]--
		visit(&lists[best][pos[best]])
	}
	for n := 0; n < nearPerSide; n++ {
		best := -1
		for l, list := range lists {
			for ahead[l] < len(list) && int64(list[ahead[l]].id) <= floor {
				ahead[l]++
			}
			if ahead[l] < len(list) && (best < 0 || compareRefs(list[ahead[l]], lists[best][ahead[best]]) < 0) {
				best = l
			}
		}
		if best < 0 {
			break
		}
		visit(&lists[best][ahead[best]])
		ahead[best]++
	}
}
