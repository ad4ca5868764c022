package aggregator

import (
	"slices"
	"time"
)

// MergePolicy decides when copies from different sources are one story.
// The zero value merges with the defaults.
type MergePolicy struct {
	Disabled bool
	// Window bounds how far apart in time two copies may be published
	// (0: 72 hours).
	Window time.Duration
	// MaxDistance is the largest simhash Hamming distance at which two
	// texts are near-duplicates (DefaultMergeMaxDistance is 3).
	MaxDistance int
}

// Defaults of MergePolicy.
const (
	DefaultMergeWindow      = 72 * time.Hour
	DefaultMergeMaxDistance = 3
)

// Span is the merge window.
func (p MergePolicy) Span() time.Duration {
	if p.Window <= 0 {
		return DefaultMergeWindow
	}
	return p.Window
}

// Candidate is a stored copy that might be the same story as a new
// entry: one found through the merge index.
type Candidate struct {
	ItemID    int64
	Source    string
	Simhash   uint64
	Published time.Time
	// Shingles and Names as its Fingerprint had them.
	Shingles []uint32
	Names    []string
}

// Thresholds of the text comparison. Containment is the share of the
// shorter text's shingles found in the longer one, which rewards briefs
// and rewrites of one wire story. Word pairs are far more specific than
// CJK character bigrams (two reports from one template share many
// bigrams), so CJK text needs more in common. The values sit midway
// between the closest pairs of different events and the furthest copies
// of one event in the labelled set (testdata/merge): 0.19 and 0.43 for
// English, 0.45 and 0.66 for Chinese.
const (
	minContainmentWords   = 0.32
	minContainmentBigrams = 0.55
	// minShingles: texts with fewer shingles are too short to compare by
	// content; only exact signals merge them.
	minShingles = 8
	// minSalientShared: a rewrite keeps most of the story's numbers and
	// names; two reports from one template (two ransomware attacks, two
	// county flood reports) share their wording but not these. In the
	// labelled set, copies of one event share at least 0.53 of them.
	minSalientShared = 0.4
)

// Match returns the item of the candidate that is the same story as e,
// if any: a near-duplicate by simhash, or a rewrite that shares most of
// its wording. The closest candidate wins.
func (p MergePolicy) Match(e *Entry, fp Fingerprint, candidates []Candidate) (int64, bool) {
	if p.Disabled || len(candidates) == 0 {
		return 0, false
	}
	threshold := minContainmentWords
	if fp.CJK {
		threshold = minContainmentBigrams
	}
	best, bestScore := int64(0), 0.0
	for i := range candidates {
		c := &candidates[i]
		if c.Source == e.Source || !p.inWindow(e.Published, c.Published) {
			continue
		}
		score := 0.0
		if Distance(fp.Simhash, c.Simhash) <= p.MaxDistance && len(fp.Shingles) >= minShingles {
			score = 1
		} else if score = containment(fp.Shingles, c.Shingles); score < threshold {
			continue
		}
		if !SameNames(fp.Names, c.Names) {
			continue // same wording, other numbers and names: another event
		}
		if score > bestScore {
			best, bestScore = c.ItemID, score
		}
	}
	return best, bestScore > 0
}

// SameNames reports whether two texts' salient names and numbers allow
// them to be one story: they share enough of them (or one has none), and
// when both give numbers they share at least one — two reports from one
// template ("pledges $4.7 billion", "pledges $22.8 billion") differ there
// even when their generic names (party, ministry) agree.
func SameNames(a, b []string) bool {
	return SameNameKeys(NameKeys(a), NameKeys(b))
}

// NameKeys hashes salient names for SameNameKeys: sorted, unique, with
// the lowest bit set for numbers.
func NameKeys(names []string) []uint64 {
	keys := make([]uint64, len(names))
	for i, n := range names {
		keys[i] = hashString(n) &^ 1
		if n != "" && n[0] >= '0' && n[0] <= '9' {
			keys[i] |= 1
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// SameNameKeys is SameNames on hashed names: integer comparisons, for
// the candidate filter that runs for every entry sharing sketch keys.
func SameNameKeys(a, b []uint64) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	common, commonNumbers := 0, 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			common++
			commonNumbers += int(a[i] & 1)
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	if float64(common)/float64(min(len(a), len(b))) < minSalientShared {
		return false
	}
	return commonNumbers > 0 || !hasNumber(a) || !hasNumber(b)
}

// NamesSig packs what MayShareNames needs of one text's name keys
// (NameKeys) into a word: a 55-bit Bloom filter of them, their count
// (capped at 127), whether one is a number, and a top bit that marks the
// word as known (0 is "not known").
func NamesSig(keys []uint64) uint64 {
	sig := uint64(1)<<63 | uint64(min(len(keys), 127))<<55
	for _, k := range keys {
		sig |= 1 << nameBit(k)
		if k&1 == 1 {
			sig |= 1 << 62
		}
	}
	return sig
}

func nameBit(k uint64) uint64 { return (k >> 1) % 55 }

// MayShareNames reports whether a text of name keys a may pass
// SameNameKeys against the text whose NamesSig is sig. It is false only
// where SameNameKeys is: every name the two share sets a bit of the
// filter that a's name also finds, so counting a's names found bounds
// the names shared from above, and a capped count bounds the other's
// from below. The store's search reads a candidate's row only if this
// allows it.
func MayShareNames(a []uint64, sig uint64) bool {
	count := int(sig >> 55 & 127)
	if sig>>63 == 0 || len(a) == 0 || count == 0 {
		return true
	}
	found, foundNumbers, aNumber := 0, 0, false
	for _, k := range a {
		number := k&1 == 1
		aNumber = aNumber || number
		if sig&(1<<nameBit(k)) != 0 {
			found++
			if number {
				foundNumbers++
			}
		}
	}
	if float64(found)/float64(min(len(a), count)) < minSalientShared {
		return false
	}
	return foundNumbers > 0 || !aNumber || sig>>62&1 == 0
}

func hasNumber(keys []uint64) bool {
	for _, k := range keys {
		if k&1 == 1 {
			return true
		}
	}
	return false
}

func (p MergePolicy) inWindow(a, b time.Time) bool {
	d := a.Sub(b)
	return d <= p.Span() && d >= -p.Span()
}

// containment is |a ∩ b| / min(|a|, |b|) over sorted shingle sets; 0
// when either is too small to judge.
func containment(a, b []uint32) float64 {
	if len(a) < minShingles || len(b) < minShingles {
		return 0
	}
	common := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(common) / float64(min(len(a), len(b)))
}
