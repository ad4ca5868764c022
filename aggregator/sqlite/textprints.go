package sqlite

import (
	"sync"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/aggregator/internal/offheap"
)

// printsBlock is how many entries' prints one block holds (576 KB).
const printsBlock = 4096

// maxPrinted bounds the entries whose prints are kept: memory offers
// none older than the entries it holds and those it keeps the keys of.
const maxPrinted = recentSize + farSize

// textPrints remembers the text prints (aggregator.TextPrint) of entries
// this process saved, by id, so that the candidates memory offers are
// refused on their print before their rows are read: at 5,000 farm feeds,
// nearly 400,000 candidates from the entries memory forgot, each a random
// page of entries, and nine in ten of them refused by the comparison.
// Only entries saved once memory has begun to forget get one as they are
// saved: a store that fits in memory (a cold 600-feed poll) holds no
// prints, and most of those of a larger one are printed. The entries saved
// before that are printed when memory offers them and their rows are read
// (fill), once each. Blocks are mapped outside the Go heap (offheap), as
// far runs are, and filled as entries come. The zero value is ready; a
// nil one knows no print.
type textPrints struct {
	mu     sync.RWMutex
	first  int64 // the number of blocks[0] (id / printsBlock)
	blocks []*printBlock
	// changed holds the ids whose print was forgotten for a changed text,
	// which fill leaves alone: the text it was given may have been read
	// before the change. Those up to dropped are let go: no id up to it
	// is printed again.
	changed map[int64]bool
	dropped int64
}

type printBlock struct {
	prints []aggregator.TextPrint
	set    [printsBlock / 64]uint64 // which prints are set
	mem    []byte                   // what offheap.Slice mapped, for offheap.Free
}

// set records entry id's print.
func (t *textPrints) set(id int64, print aggregator.TextPrint) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.setLocked(id, print)
}

func (t *textPrints) setLocked(id int64, print aggregator.TextPrint) {
	n := id / printsBlock
	if id < 0 || id <= t.dropped {
		return
	}
	if len(t.blocks) == 0 || n-t.first >= 2*maxPrinted/printsBlock {
		t.releaseLocked() // the first, or far past every block held
		t.first = n
	}
	if n < t.first {
		// An older entry printed late (fill): blocks reach back to it if
		// no more than the newest maxPrinted ids' are held then.
		if t.first+int64(len(t.blocks))-n > maxPrinted/printsBlock+1 {
			return
		}
		t.blocks = append(make([]*printBlock, t.first-n), t.blocks...)
		t.first = n
	}
	for n-t.first >= int64(len(t.blocks)) {
		t.blocks = append(t.blocks, nil)
	}
	t.dropUpToLocked(id - maxPrinted) // the newest maxPrinted ids at most
	b := t.blocks[n-t.first]
	if b == nil {
		b = &printBlock{}
		b.prints, b.mem = offheap.Slice[aggregator.TextPrint](printsBlock)
		t.blocks[n-t.first] = b
	}
	i := id % printsBlock
	b.prints[i] = print
	b.set[i/64] |= 1 << (i % 64)
}

// fill prints the candidates read for a comparison that have no print,
// so that memory offers each of them again only if its print allows:
// at 5,000 farm feeds, the entries saved before memory began to forget
// (a sixth of them, unprinted) were five in six of the candidates whose
// rows were read, each offered and read five times on average.
func (t *textPrints) fill(loaded map[int64]aggregator.Candidate) {
	if t == nil || len(loaded) == 0 {
		return
	}
	t.mu.RLock()
	var todo []int64
	for id := range loaded {
		if !t.changed[id] && t.printLocked(id) == nil {
			todo = append(todo, id)
		}
	}
	t.mu.RUnlock()
	if len(todo) == 0 {
		return
	}
	prints := make([]aggregator.TextPrint, len(todo))
	for i, id := range todo {
		c := loaded[id]
		prints[i] = aggregator.NewTextPrint(&aggregator.Fingerprint{Simhash: c.Simhash, Shingles: c.Shingles})
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, id := range todo {
		if !t.changed[id] { // not changed while printed
			t.setLocked(id, prints[i])
		}
	}
}

// printLocked is entry id's print, or nil when none is held.
func (t *textPrints) printLocked(id int64) *aggregator.TextPrint {
	b := t.blockLocked(id)
	if i := id % printsBlock; b == nil || b.set[i/64]&(1<<(i%64)) == 0 {
		return nil
	}
	return &b.prints[id%printsBlock]
}

// dropUpTo gives back the blocks holding no print of an id above id.
func (t *textPrints) dropUpTo(id int64) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.dropUpToLocked(id)
}

func (t *textPrints) dropUpToLocked(id int64) {
	for len(t.blocks) > 0 && (t.first+1)*printsBlock-1 <= id {
		if b := t.blocks[0]; b != nil {
			offheap.Free(b.mem)
		}
		t.blocks[0] = nil
		t.blocks, t.first = t.blocks[1:], t.first+1
	}
	if id > t.dropped {
		// Pruned once a block, not at every print: a service whose
		// feeds edit many entries holds many changed ids.
		crossed := id/printsBlock != t.dropped/printsBlock
		t.dropped = id
		if crossed {
			for c := range t.changed {
				if c <= id {
					delete(t.changed, c)
				}
			}
		}
	}
}

// forget drops entry id's print (its text changed), and keeps fill from
// printing it again.
func (t *textPrints) forget(id int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.changed == nil {
		t.changed = map[int64]bool{}
	}
	t.changed[id] = true
	if b := t.blockLocked(id); b != nil {
		i := id % printsBlock
		b.set[i/64] &^= 1 << (i % 64)
	}
}

func (t *textPrints) blockLocked(id int64) *printBlock {
	if n := id/printsBlock - t.first; id >= 0 && n >= 0 && n < int64(len(t.blocks)) {
		return t.blocks[n]
	}
	return nil
}

// mayMatch reports whether entry id's text may pass p's comparison as a
// copy of probe's text: true unless its print is known and rules it out.
func (t *textPrints) mayMatch(p aggregator.MergePolicy, probe func() *aggregator.PrintProbe, id int64) bool {
	if t == nil {
		return true
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	stored := t.printLocked(id)
	return stored == nil || p.MayMatchProbe(probe(), stored)
}

// release gives back every block.
func (t *textPrints) release() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.releaseLocked()
	t.changed = nil
}

func (t *textPrints) releaseLocked() {
	for _, b := range t.blocks {
		if b != nil {
			offheap.Free(b.mem)
		}
	}
	t.blocks = nil
}
