package sqlite

import (
	"slices"
	"strings"
	"sync"

	"github.com/gleaner/gleaner/aggregator"
)

// maxNameSigs bounds the entries nameSigs remembers (8 bytes each).
const maxNameSigs = 1 << 21

// nameSigs remembers the names signature (aggregator.NamesSig) of each
// entry this process saved, by id, so that the store's search, and
// memory for the entries it keeps only the keys of (farRun), rule out
// look-alikes before their rows are read. At 5,000 farm feeds a cold
// poll read a million candidates' rows, each a random page, and 98 % of
// them failed on the names. Entries saved before the process started
// are not known, and are read as before; so is an entry whose text
// changed since. The zero value is ready.
type nameSigs struct {
	mu   sync.RWMutex
	base int64    // the id of sigs[0]
	sigs []uint64 // 0: not known
}

// set records entry id's signature; 0 forgets it.
func (n *nameSigs) set(id int64, sig uint64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.sigs) == 0 {
		n.base = id
	}
	if id < n.base {
		return
	}
	if i := id - n.base; i >= maxNameSigs {
		// Forget the older ones: they fall out of merge windows first.
		if drop := i - maxNameSigs/2; drop < int64(len(n.sigs)) {
			n.sigs = append(n.sigs[:0], n.sigs[drop:]...)
			n.base += drop
		} else {
			n.sigs, n.base = n.sigs[:0], id
		}
	}
	i := int(id - n.base)
	if i >= len(n.sigs) {
		n.sigs = append(n.sigs, make([]uint64, i+1-len(n.sigs))...)
	}
	n.sigs[i] = sig
}

// mayShare drops from ids the entries whose known names cannot pass
// aggregator.SameNameKeys against keys, keeping the order of the rest.
func (n *nameSigs) mayShare(keys []uint64, ids []int64) []int64 {
	n.mu.RLock()
	defer n.mu.RUnlock()
	kept := ids[:0]
	for _, id := range ids {
		if aggregator.MayShareNames(keys, n.sigLocked(id)) {
			kept = append(kept, id)
		}
	}
	return kept
}

// namesSigOf is the signature of names as the store gives them back to
// the search (joined by newlines, split again, none when that is empty),
// given keys, their aggregator.NameKeys.
func namesSigOf(names []string, keys []uint64) uint64 {
	if slices.ContainsFunc(names, func(n string) bool { return n == "" || strings.Contains(n, "\n") }) {
		if joined := strings.Join(names, "\n"); joined == "" {
			keys = nil
		} else {
			keys = aggregator.NameKeys(strings.Split(joined, "\n"))
		}
	}
	return aggregator.NamesSig(keys)
}

// sig is entry id's signature, 0 when not known.
func (n *nameSigs) sig(id int64) uint64 {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.sigLocked(id)
}

func (n *nameSigs) sigLocked(id int64) uint64 {
	if i := id - n.base; i >= 0 && i < int64(len(n.sigs)) {
		return n.sigs[i]
	}
	return 0
}

// mayShareOne reports whether entry id's known names can pass
// aggregator.SameNameKeys against keys.
func (n *nameSigs) mayShareOne(keys []uint64, id int64) bool {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return aggregator.MayShareNames(keys, n.sigLocked(id))
}
