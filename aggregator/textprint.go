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

// PrintProbe is a new text made ready to be tested against many prints:
// its shingles' filter bits are found once, not once a print (at 5,000
// farm feeds an entry is tested against a few prints, and finding the
// bits was most of a test).
type PrintProbe struct {
	simhash  uint64
	shingles int
	cjk      bool
	bits     []uint32 // a shingle's two bits, the second in the high half
}

// NewPrintProbe readies fp's text for MayMatchProbe.
func NewPrintProbe(fp *Fingerprint) *PrintProbe {
	probe := &PrintProbe{}
	probe.Set(fp)
	return probe
}

// Set readies fp's text, reusing the probe's memory.
func (pr *PrintProbe) Set(fp *Fingerprint) {
	pr.simhash, pr.shingles, pr.cjk = fp.Simhash, len(fp.Shingles), fp.CJK
	pr.bits = pr.bits[:0]
	for _, s := range fp.Shingles {
		a, b := printHashes(s)
		pr.bits = append(pr.bits, a|b<<16)
	}
}

// MayMatch reports whether the text printed in t may pass Match as a copy
// of fp's text. It is false only where Match would refuse the stored text
// (names and dates are checked elsewhere).
func (p MergePolicy) MayMatch(fp *Fingerprint, t *TextPrint) bool {
	return p.MayMatchProbe(NewPrintProbe(fp), t)
}

// MayMatchProbe is MayMatch for a probe's text.
func (p MergePolicy) MayMatchProbe(pr *PrintProbe, t *TextPrint) bool {
	if Distance(pr.simhash, t.simhash) <= p.MaxDistance && pr.shingles >= minShingles {
		return true
	}
	stored := int(t.shingles)
	if pr.shingles < minShingles || stored < minShingles {
		return false // containment is 0 then
	}
	threshold := minContainmentWords
	if pr.cjk {
		threshold = minContainmentBigrams
	}
	need := sharedNeeded(threshold, min(pr.shingles, stored))
	found := 0
	for i, ab := range pr.bits {
		a, b := ab&0xffff, ab>>16
		if t.bloom[a/64]&(1<<(a%64)) != 0 && t.bloom[b/64]&(1<<(b%64)) != 0 {
			if found++; found >= need {
				return true
			}
		}
		if found+len(pr.bits)-1-i < need {
			return false // too few left to reach it
		}
	}
	return found >= need
}

// sharedNeeded is the fewest shared shingles that reach threshold for a
// shorter text of shorter shingles, computed as containment computes its
// share: from just below the product, as the share only grows with the
// count.
func sharedNeeded(threshold float64, shorter int) int {
	need := max(int(threshold*float64(shorter))-1, 0)
	for need < shorter && float64(need)/float64(shorter) < threshold {
		need++
	}
	return need
}
