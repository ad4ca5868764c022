package sqlite

import (
	"iter"
	"math/bits"

	"github.com/gleaner/gleaner/aggregator/internal/offheap"
)

// keyLists holds memory's lists by fingerprint key (recentIndex.byTime):
// for each key, the refs of the entries filed under it, by published date
// then id. Table and lists are mapped outside the Go heap (offheap). As a
// map of slices they were almost half the live heap at the end of a cold
// 600-feed poll (9,563 keys, 192,000 refs), which the collector lets grow
// to twice what is live; mapped, they take 3.5 MB, and the poll's peak
// RSS fell by 4.8 MiB.
//
// The table is open addressing by key. Each list sits in a block of the
// refs array whose size is the power of two its length rounds up to, so
// the slot needs no capacity; a list that fills its block moves to one
// twice as large, and the block it leaves is kept for another list (a
// free list per size, linked through the blocks themselves). Lists only
// grow: memory drops refs by making new lists (filtered), all at once.
// The zero value is ready.
type keyLists struct {
	slots   []keySlot // a power of two long; n 0 marks a free slot
	used    int       // keys held
	refs    []recentRef
	top     uint32     // refs[:top] are blocks, in use or free
	free    [33]uint32 // by size class: the first free block's offset+1, 0 for none
	slotMem []byte     // what offheap.Slice mapped, for offheap.Free
	refMem  []byte
}

type keySlot struct {
	key int64
	at  uint32 // where its list starts in refs
	n   uint32 // its length; 0: the slot is free
}

// blockSize is the size of the block of a list of n refs (n > 0).
func blockSize(n uint32) uint32 { return 1 << bits.Len32(n-1) }

// get returns key's list, nil when none. It is a view of the table's
// memory, valid until the next change.
func (t *keyLists) get(key int64) []recentRef {
	if t.used == 0 {
		return nil
	}
	for i := t.home(key); ; i = (i + 1) & (len(t.slots) - 1) {
		s := &t.slots[i]
		if s.n == 0 {
			return nil
		}
		if s.key == key {
			return t.refs[s.at : s.at+s.n : s.at+s.n]
		}
	}
}

// insert files ref in key's list, by published date then id.
func (t *keyLists) insert(key int64, ref recentRef) {
	s := t.slot(key)
	if s.n == 0 {
		s.key, s.at, s.n = key, t.alloc(1), 1
		t.refs[s.at] = ref
		t.used++
		return
	}
	if size := blockSize(s.n); s.n == size { // full: a block twice the size
		at := t.alloc(2 * size)
		copy(t.refs[at:at+s.n], t.refs[s.at:s.at+s.n])
		t.freeBlock(s.at, size)
		s.at = at
	}
	l := t.refs[s.at : s.at+s.n+1]
	i := firstOrderFrom(l[:s.n], ref.order())
	copy(l[i+1:], l[i:s.n])
	l[i] = ref
	s.n++
}

// put files a new key's list, already in order.
func (t *keyLists) put(key int64, l []recentRef) {
	if len(l) == 0 {
		return
	}
	s := t.slot(key)
	if s.n != 0 {
		panic("keyLists.put: key already held")
	}
	n := uint32(len(l))
	s.key, s.at, s.n = key, t.alloc(blockSize(n)), n
	copy(t.refs[s.at:s.at+n], l)
	t.used++
}

// all yields every key and its list.
func (t *keyLists) all() iter.Seq2[int64, []recentRef] {
	return func(yield func(int64, []recentRef) bool) {
		for i := range t.slots {
			if s := t.slots[i]; s.n != 0 && !yield(s.key, t.refs[s.at:s.at+s.n:s.at+s.n]) {
				return
			}
		}
	}
}

// release gives back the table's memory; the table is empty after.
func (t *keyLists) release() {
	offheap.Free(t.slotMem)
	offheap.Free(t.refMem)
	*t = keyLists{}
}

// reserve makes room, in an empty table, for keys lists whose blocks
// take refs in all, so that filing them moves nothing: a table grown
// list by list was mapped afresh at every doubling, and its pages
// faulted in again.
func (t *keyLists) reserve(keys, refs int) {
	if t.used != 0 || t.top != 0 {
		return
	}
	n := 1024
	for 4*(keys+1) > 3*n {
		n *= 2
	}
	t.slots, t.slotMem = offheap.Slice[keySlot](n)
	t.refs, t.refMem = offheap.Slice[recentRef](max(4096, refs))
}

// slot returns key's slot, or the free slot where it goes (n 0). The
// table grows first if a new key would fill more than 3/4 of it.
func (t *keyLists) slot(key int64) *keySlot {
	if 4*(t.used+1) > 3*len(t.slots) {
		t.grow()
	}
	for i := t.home(key); ; i = (i + 1) & (len(t.slots) - 1) {
		if s := &t.slots[i]; s.n == 0 || s.key == key {
			return s
		}
	}
}

// grow doubles the table and files its slots again; lists stay put.
func (t *keyLists) grow() {
	old, oldMem := t.slots, t.slotMem
	t.slots, t.slotMem = offheap.Slice[keySlot](max(1024, 2*len(old)))
	for _, s := range old {
		if s.n == 0 {
			continue
		}
		i := t.home(s.key)
		for t.slots[i].n != 0 {
			i = (i + 1) & (len(t.slots) - 1)
		}
		t.slots[i] = s
	}
	offheap.Free(oldMem)
}

// home is the slot where the search for key begins: Fibonacci hashing,
// as hitCounts does. A key is one of an entry's smallest sketch values,
// so its own high bits are mostly 0; the product's middle bits are not.
func (t *keyLists) home(key int64) int {
	return int(uint64(key)*0x9e3779b97f4a7c15>>32) & (len(t.slots) - 1)
}

// alloc returns the offset of a block of size refs (a power of two):
// a free one of that size, else one past those made, the refs array
// growing (and moving) when full.
func (t *keyLists) alloc(size uint32) uint32 {
	class := bits.TrailingZeros32(size)
	if head := t.free[class]; head != 0 {
		at := head - 1
		t.free[class] = t.refs[at].id // the link to the next free block
		return at
	}
	if int(t.top)+int(size) > len(t.refs) {
		grown, mem := offheap.Slice[recentRef](max(4096, 2*len(t.refs), int(t.top)+int(size)))
		copy(grown, t.refs[:t.top])
		offheap.Free(t.refMem)
		t.refs, t.refMem = grown, mem
	}
	at := t.top
	t.top += size
	return at
}

// freeBlock files the block at `at` among the free ones of its size.
func (t *keyLists) freeBlock(at, size uint32) {
	class := bits.TrailingZeros32(size)
	t.refs[at].id = t.free[class]
	t.free[class] = at + 1
}
