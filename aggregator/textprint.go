package aggregator

// TextPrint is what Match needs to know of a stored text to refuse it
// without reading its shingles: its simhash, how many shingles it has,
// and the shingles in a Bloom filter of 1,024 bits (two bits a shingle).
// A filter answers "maybe" for every shingle it holds, so the shingles
// of a new text it finds are at least those the two texts share: an
// upper bound on their containment. At 5,000 farm feeds, nine in ten
// candidates that memory offered from the entries it forgot were refused
// on it (their rows no longer read), and no copy was lost.
type TextPrint struct {
	bloom    [printBits / 64]uint64
	simhash  uint64
	shingles uint16 // capped: a smaller count only makes the bound looser
}

const printBits = 1024

// printHashes gives the two filter bits of a shingle.
func printHashes(s uint32) (uint32, uint32) {
	h := uint64(s) * 0x9e3779b97f4a7c15
	return uint32(h>>54) % printBits, uint32(mix64(h)>>54) % printBits
}

// NewTextPrint prints a fingerprint's text.
func NewTextPrint(fp *Fingerprint) TextPrint {
	t := TextPrint{simhash: fp.Simhash, shingles: uint16(min(len(fp.Shingles), 1<<16-1))}
	for _, s := range fp.Shingles {
		a, b := printHashes(s)
		t.bloom[a/64] |= 1 << (a % 64)
		t.bloom[b/64] |= 1 << (b % 64)
	}
	return t
}

func (t *TextPrint) holds(s uint32) bool {
	a, b := printHashes(s)
	return t.bloom[a/64]&(1<<(a%64)) != 0 && t.bloom[b/64]&(1<<(b%64)) != 0
}

// MayMatch reports whether the text printed in t may pass Match as a copy
// of fp's text. It is false only where Match would refuse the stored text
// (names and dates are checked elsewhere).
func (p MergePolicy) MayMatch(fp *Fingerprint, t *TextPrint) bool {
	if Distance(fp.Simhash, t.simhash) <= p.MaxDistance && len(fp.Shingles) >= minShingles {
		return true
	}
	stored := int(t.shingles)
	if len(fp.Shingles) < minShingles || stored < minShingles {
		return false // containment is 0 then
	}
	threshold := minContainmentWords
	if fp.CJK {
		threshold = minContainmentBigrams
	}
	// The fewest shared shingles that reach the threshold, computed as
	// containment computes its share.
	shorter := min(len(fp.Shingles), stored)
	need := 0
	for need < shorter && float64(need)/float64(shorter) < threshold {
		need++
	}
	found := 0
	for i, s := range fp.Shingles {
		if t.holds(s) {
			if found++; found >= need {
				return true
			}
		}
		if found+len(fp.Shingles)-1-i < need {
			return false // too few left to reach it
		}
	}
	return found >= need
}
