package sqlite

import "github.com/gleaner/gleaner/aggregator/internal/offheap"

// idTable files entry ids by text hash (textHash, never 0) for memory's
// lookups by link and title: open addressing in slots mapped outside the
// Go heap (offheap). As a map it was a seventh of the live heap at the
// end of a cold 600-feed poll, and the collector lets the heap grow to
// twice what is live. The zero value is ready.
type idTable struct {
	slots []idSlot // a power of two long; hash 0 marks a free slot
	used  int
	mem   []byte // what offheap.Slice mapped, for offheap.Free
}

type idSlot struct {
	hash uint64
	id   int64
}

// put files id under hash, in place of what was filed there.
func (t *idTable) put(hash uint64, id int64) {
	if 2*(t.used+1) > len(t.slots) {
		t.grow()
	}
	for i := t.home(hash); ; i = (i + 1) & (len(t.slots) - 1) {
		switch s := &t.slots[i]; s.hash {
		case hash:
			s.id = id
			return
		case 0:
			*s = idSlot{hash, id}
			t.used++
			return
		}
	}
}

// get returns the id filed under hash, or 0.
func (t *idTable) get(hash uint64) int64 {
	if t.used == 0 || hash == 0 {
		return 0
	}
	for i := t.home(hash); ; i = (i + 1) & (len(t.slots) - 1) {
		switch s := &t.slots[i]; s.hash {
		case hash:
			return s.id
		case 0:
			return 0
		}
	}
}

// grow doubles the table and files what it holds again.
func (t *idTable) grow() {
	old, oldMem := t.slots, t.mem
	t.slots, t.mem = offheap.Slice[idSlot](max(1024, 2*len(old)))
	t.used = 0
	for _, s := range old {
		if s.hash != 0 {
			t.put(s.hash, s.id)
		}
	}
	offheap.Free(oldMem)
}

// home is the slot where the search for hash begins. Hashes are random
// but for their lowest bit, which textHash sets.
func (t *idTable) home(hash uint64) int {
	return int(hash>>1) & (len(t.slots) - 1)
}

// reset empties the table, keeping its slots.
func (t *idTable) reset() {
	if t.used > 0 {
		clear(t.slots)
		t.used = 0
	}
}

// release gives the slots back; the table is empty and ready again.
func (t *idTable) release() {
	offheap.Free(t.mem)
	*t = idTable{}
}
