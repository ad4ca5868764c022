package sqlite

import "sync/atomic"

// Sizes of a textFilter. Its first part is 512 KB, ten bits a text: for
// the 400,000 links and titles of 200,000 entries, 3 % of the texts not
// in it are answered "maybe". A filter of one fixed size answered so more
// often the more it held: 43 % at the two million texts of a million
// forgotten entries, each "maybe" a probe of the store's links (at a
// million stored, 36 more page reads a poll of 40 entries than at 10,000).
// So once a part holds its share, a part four times as large takes the
// new texts: each answers "maybe" for about 3 % of the texts not in it,
// and a million forgotten entries take two parts (2.5 MB) and about 8 %.
const (
	textFilterBits = 1 << 22 // of the first part
	bitsPerText    = 10
	partGrowth     = 4
)

// textFilter is a Bloom filter of text hashes (textHash of canonical
// links and title keys), in parts that grow as it fills, safe to add to
// and read at once: the writer adds what memory forgets (under
// recentIndex.mu, so one adder at a time) while plans read.
type textFilter struct {
	parts atomic.Pointer[[]*filterPart] // oldest first; the last takes new texts
	held  int                           // texts in the last part; the adder's alone
}

// filterPart is one fixed Bloom filter of bits (a power of two) bits.
type filterPart struct {
	words []uint64
	bits  uint64
}

func newTextFilter() *textFilter { return newTextFilterSized(textFilterBits) }

func newTextFilterSized(bits uint64) *textFilter {
	f := &textFilter{}
	f.parts.Store(&[]*filterPart{newFilterPart(bits)})
	return f
}

func newFilterPart(bits uint64) *filterPart {
	return &filterPart{words: make([]uint64, bits/64), bits: bits}
}

// bitsOf are h's two bits in p; textHash is a seeded hash, so its halves
// will do.
func (p *filterPart) bitsOf(h uint64) (uint64, uint64) {
	return h & (p.bits - 1), (h >> 32) & (p.bits - 1)
}

func (p *filterPart) add(h uint64) {
	a, b := p.bitsOf(h)
	atomic.OrUint64(&p.words[a/64], 1<<(a%64))
	atomic.OrUint64(&p.words[b/64], 1<<(b%64))
}

func (p *filterPart) mayHold(h uint64) bool {
	a, b := p.bitsOf(h)
	return atomic.LoadUint64(&p.words[a/64])&(1<<(a%64)) != 0 && atomic.LoadUint64(&p.words[b/64])&(1<<(b%64)) != 0
}

func (f *textFilter) add(h uint64) {
	parts := *f.parts.Load()
	last := parts[len(parts)-1]
	if f.held >= int(last.bits/bitsPerText) {
		// A new slice, so that readers holding the old one read on.
		last = newFilterPart(partGrowth * last.bits)
		grown := append(parts[:len(parts):len(parts)], last)
		f.parts.Store(&grown)
		f.held = 0
	}
	last.add(h)
	f.held++
}

// mayHold reports whether h may have been added: false only if it was
// not. A nil filter knows nothing, and answers true.
func (f *textFilter) mayHold(h uint64) bool {
	if f == nil {
		return true
	}
	for _, p := range *f.parts.Load() {
		if p.mayHold(h) {
			return true
		}
	}
	return false
}
