package sqlite

import (
	mathbits "math/bits"
	"sync/atomic"
)

// Sizes of a textFilter. Its first part is 512 KB, ten bits a text. A
// filter of one fixed size answered "maybe" the more often the more it
// held: 43 % at the two million texts of a million forgotten entries,
// each "maybe" a probe of the store's links (at a million stored, 36 more
// page reads a poll of 40 entries than at 10,000). So once a part holds
// its share, a part four times as large takes the new texts. Each text
// sets five bits in one block of a part: of the texts not in it, a part
// at its share answers "maybe" for 0.9 % (4.2 % with two bits anywhere,
// one of which, taken from the hash's lowest bit, could only be odd), and
// a million forgotten entries take two parts (2.5 MB) and 1.9 % (8.4 %).
const (
	textFilterBits = 1 << 22 // of the first part
	bitsPerText    = 10
	partGrowth     = 4
	blockWords     = 8 // 512 bits a block
	// Bits a text sets, each from 9 bits of its hash: bits 1–45, which
	// lie below those choosing its block in parts of up to 2^26 bits (in
	// the fourth part, of 2^28, the two share bit 45).
	probes = 5
)

// textFilter is a Bloom filter of text hashes (textHash of canonical
// links and title keys), in parts that grow as it fills, safe to add to
// and read at once: the writer adds what memory forgets (under
// recentIndex.mu, so one adder at a time) while plans read.
type textFilter struct {
	parts atomic.Pointer[[]*filterPart] // oldest first; the last takes new texts
	held  int                           // texts in the last part; the adder's alone
}

// filterPart is one fixed Bloom filter of bits (a power of two) bits,
// blocked: a text's bits all fall in one block of 512 (a cache line), so
// an answer reads one line of memory however many bits it checks.
type filterPart struct {
	words []uint64
	bits  uint64
	shift uint // h >> shift is h's block
}

func newTextFilter() *textFilter { return newTextFilterSized(textFilterBits) }

func newTextFilterSized(bits uint64) *textFilter {
	f := &textFilter{}
	f.parts.Store(&[]*filterPart{newFilterPart(bits)})
	return f
}

func newFilterPart(bits uint64) *filterPart {
	bits = max(bits, 64*blockWords) // a block at least
	blocks := bits / (64 * blockWords)
	return &filterPart{words: make([]uint64, bits/64), bits: bits, shift: uint(64 - mathbits.TrailingZeros64(blocks))}
}

// blockOf returns h's block in p, chosen by h's top bits, and the bits h
// sets in it, from its low bits: textHash is a seeded hash, so the two
// are independent. Its lowest bit is always set, so it is left out.
func (p *filterPart) blockOf(h uint64) ([]uint64, [blockWords]uint64) {
	b := h >> p.shift
	var set [blockWords]uint64
	x := h >> 1
	for range probes {
		at := x & (64*blockWords - 1)
		set[at/64] |= 1 << (at % 64)
		x >>= 9 // log2(64 * blockWords)
	}
	return p.words[b*blockWords : (b+1)*blockWords : (b+1)*blockWords], set
}

func (p *filterPart) add(h uint64) {
	block, set := p.blockOf(h)
	for i, bits := range set {
		if bits != 0 {
			atomic.OrUint64(&block[i], bits)
		}
	}
}

func (p *filterPart) mayHold(h uint64) bool {
	block, set := p.blockOf(h)
	for i, bits := range set {
		if atomic.LoadUint64(&block[i])&bits != bits {
			return false
		}
	}
	return true
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
