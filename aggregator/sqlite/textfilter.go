package sqlite

import "sync/atomic"

// textFilterBits is the size of a textFilter: 512 KB, two bits a text.
// For the 400,000 links and titles of 200,000 entries, 3 % of the texts
// not in it are answered "maybe"; more only make it answer so more often.
const textFilterBits = 1 << 22

// textFilter is a Bloom filter of text hashes (textHash of canonical
// links and title keys), safe to add to and read at once: the writer adds
// what memory forgets while plans read.
type textFilter struct{ words []uint64 }

func newTextFilter() *textFilter {
	return &textFilter{words: make([]uint64, textFilterBits/64)}
}

// bits are h's two bits; textHash is a seeded hash, so its halves will do.
func (f *textFilter) bits(h uint64) (uint64, uint64) {
	return h % textFilterBits, (h >> 32) % textFilterBits
}

func (f *textFilter) add(h uint64) {
	a, b := f.bits(h)
	atomic.OrUint64(&f.words[a/64], 1<<(a%64))
	atomic.OrUint64(&f.words[b/64], 1<<(b%64))
}

// mayHold reports whether h may have been added: false only if it was
// not. A nil filter knows nothing, and answers true.
func (f *textFilter) mayHold(h uint64) bool {
	if f == nil {
		return true
	}
	a, b := f.bits(h)
	return atomic.LoadUint64(&f.words[a/64])&(1<<(a%64)) != 0 && atomic.LoadUint64(&f.words[b/64])&(1<<(b%64)) != 0
}
