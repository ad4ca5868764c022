package aggregator

import (
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fingerprint is what the merger knows of an entry's text: a 64-bit
// simhash for near-duplicates, a small sketch of its shingles for
// finding candidates through an index, and a normalised title.
type Fingerprint struct {
	Simhash uint64
	// Sketch holds the smallest shingle hashes (a bottom-k sketch): two
	// texts that share many shingles share some of these, so an index on
	// them finds rewritten copies without scanning every item.
	Sketch []uint64
	// TitleKey is the title folded and stripped of punctuation; "" when
	// the title is too short to identify a story.
	TitleKey string
	// Shingles is the text's feature set, reduced to 32 bits and sorted:
	// stored with the entry so that a later copy compares with it without
	// reading and splitting its text again.
	Shingles []uint32
	// Names are its salient numbers and names (see salient).
	Names []string
	// CJK reports text that is mostly Chinese, Japanese or Korean.
	CJK bool
}

// SketchSize is how many MinHash values a fingerprint keeps: the keys an
// entry is filed under in the merge index.
const SketchSize = 8

// Shingles returns the set of hashed features of a text: word pairs for
// scripts that separate words with spaces, character bigrams for Chinese,
// Japanese and Korean runs. Text is NFKC-normalised and case-folded, so
// full-width and half-width forms agree.
func Shingles(text string) []uint64 {
	out, _ := shingles(text)
	return out
}

// shingles also reports whether most of the text is CJK. Of the tokens
// (see tokenize), each CJK bigram is a feature; a word pairs with the
// token after it when that is a word too, and is a feature alone when
// neither neighbour is a word. One pass, no token list.
func shingles(text string) (out []uint64, mostlyCJK bool) {
	return foldedShingles(foldCase(text))
}

// foldedShingles is shingles of text already folded (foldCase). Words
// are read and hashed in one pass: each word's bytes go into two hashes
// at once, its own (for the pair it starts) and the pair it ends.
// (tokenize, in the tests, is the reference it must agree with.)
func foldedShingles(text string) (out []uint64, mostlyCJK bool) {
	out = make([]uint64, 0, len(text)/6)
	var (
		havePrev  bool   // the previous token was a word
		prevHash  uint64 // its hash
		prevStop  bool   // it is a stopword
		prevAlone bool   // and no word came before it
	)
	tokens, cjk := 0, 0
	cjkToken := func(t string) {
		tokens++
		cjk++
		out = append(out, hashString(t))
		if havePrev && prevAlone {
			out = append(out, prevHash) // a lone word
		}
		havePrev = false
	}
	cjkStart, prevCJK := -1, -1 // byte offsets in a run of CJK characters
	endCJK := func(end int) {
		if cjkStart >= 0 && prevCJK == cjkStart { // a lone character
			cjkToken(text[cjkStart:end])
		}
		cjkStart, prevCJK = -1, -1
	}
	for i := 0; i < len(text); {
		c := text[i]
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		switch {
		case c < utf8.RuneSelf && ('a' <= c && c <= 'z' || '0' <= c && c <= '9'),
			c >= utf8.RuneSelf && !isCJK(r) && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			endCJK(i)
			// A word: hashed alone and after the previous word's hash.
			own := uint64(fnvOffset)
			pair := (prevHash ^ ' ') * fnvPrime
			var packed uint64 // its first bytes, for the stopword check
			j := i
			for j < len(text) {
				c := text[j]
				if c < utf8.RuneSelf {
					if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
						break
					}
					own = (own ^ uint64(c)) * fnvPrime
					pair = (pair ^ uint64(c)) * fnvPrime
					if j-i < 8 {
						packed |= uint64(c) << (8 * (j - i))
					}
					j++
					continue
				}
				r, size := utf8.DecodeRuneInString(text[j:])
				if isCJK(r) || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
					break
				}
				packed |= 0x80 << 56 // no stopword: not ASCII
				for k := j; k < j+size; k++ {
					own = (own ^ uint64(text[k])) * fnvPrime
					pair = (pair ^ uint64(text[k])) * fnvPrime
				}
				j += size
			}
			tokens++
			// Stopwords are ASCII and short: packed as they were read.
			stop := j-i <= stopwords.maxLen && stopwords.hasPacked(packedWord{packed, 0})
			if havePrev && !(prevStop && stop) { // "of the", "said it": in every text, telling nothing
				out = append(out, pair)
			}
			prevAlone = !havePrev
			havePrev, prevHash, prevStop = true, own, stop
			i = j
			continue
		case c >= utf8.RuneSelf && isCJK(r):
			if cjkStart < 0 {
				cjkStart = i
			} else {
				cjkToken(text[prevCJK : i+size]) // a bigram
			}
			prevCJK = i
		default:
			endCJK(i)
			// White space or punctuation ends a word; the next word pairs
			// with it all the same.
		}
		i += size
	}
	endCJK(len(text))
	if havePrev && prevAlone {
		out = append(out, prevHash)
	}
	sortHashes(out)
	return slices.Compact(out), cjk*2 > tokens
}

// stopwords are English function words; a pair of them is no evidence
// that two texts tell one story.
var stopwords = newWordSet(`a an the and or but of in on at to for from by with as is are was were be been
	it its this that these those he she they we you i his her their our has have had will would
	said says say not no than then there which who whom what when where also after before over
	into about up out more most can could may might do does did so if all one two new`)

// foldCase is NFKC and lower case; ASCII text, the common case, needs
// no normalisation.
func foldCase(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			var b strings.Builder
			b.Grow(len(s))
			appendFoldCase(&b, s)
			return b.String()
		}
	}
	return strings.ToLower(s)
}

// Simhash is Charikar's similarity hash of a set of features: texts that
// share most features differ in few bits.
func Simhash(features []uint64) uint64 {
	// Bits are counted eight at a time: acc[j] holds, in byte lane i, how
	// many features had bit 8i+j set, and is emptied into ones before a
	// lane can overflow.
	var ones [64]int
	var acc [8]uint64
	flush := func() {
		for j := range acc {
			for i := range 8 {
				ones[8*i+j] += int(acc[j] >> (8 * i) & 0xff)
			}
			acc[j] = 0
		}
	}
	for n, f := range features {
		h := mix64(f)
		for j := range acc {
			acc[j] += h >> j & 0x0101010101010101
		}
		if n%255 == 254 {
			flush()
		}
	}
	flush()
	var out uint64
	for b, n := range ones {
		if 2*n > len(features) {
			out |= 1 << b
		}
	}
	return out
}

// Distance is the Hamming distance between two simhashes.
func Distance(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// sketch returns the k smallest re-hashed features, ascending. They are
// picked in one pass: sorting every feature to keep eight cost more than
// the rest of the fingerprint.
func sketch(features []uint64, k int) []uint64 {
	out := make([]uint64, 0, k)
	for _, f := range features {
		h := mix64(f ^ 0x9e3779b97f4a7c15)
		if len(out) == k {
			if h >= out[k-1] {
				continue
			}
			out = out[:k-1]
		}
		i, _ := slices.BinarySearch(out, h)
		out = slices.Insert(out, i, h)
	}
	return out
}

// NewFingerprint fingerprints an entry's title and text.
func NewFingerprint(e *Entry) Fingerprint {
	text := textOf(e)
	return fingerprintOf(e, &text)
}

func fingerprintOf(e *Entry, text *entryText) Fingerprint {
	features, cjk := foldedShingles(text.foldParts().full)
	return Fingerprint{Simhash: Simhash(features), Sketch: sketch(features, SketchSize), TitleKey: TitleKey(e.Title),
		Shingles: shingles32(features), Names: salient(text.body), CJK: cjk}
}

// shingles32 keeps the high 32 bits of each feature, sorted and unique.
// The features are sorted, so their high halves are too.
func shingles32(features []uint64) []uint32 {
	out := make([]uint32, len(features))
	for i, f := range features {
		out[i] = uint32(f >> 32)
	}
	return slices.Compact(out)
}

// TitleKey folds a title for exact comparison: NFKC, lower case, letters
// and digits only. Titles too short to identify a story (under four
// words and under eight CJK characters) give "".
func TitleKey(title string) string {
	var b strings.Builder
	words, cjk := 0, 0
	inWord := false
	for _, r := range foldCase(title) {
		switch {
		case isCJK(r):
			cjk++
			inWord = false
			b.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !inWord {
				words++
				if b.Len() > 0 {
					b.WriteByte(' ')
				}
			}
			inWord = true
			b.WriteRune(r)
		default:
			inWord = false
		}
	}
	if words < 4 && cjk < 8 {
		return ""
	}
	return b.String()
}

// hashString is FNV-1a, 64 bits: stable across processes and versions,
// which stored fingerprints need.
func hashString(s string) uint64 {
	return hashMore(fnvOffset, s)
}

// FNV-1a's 64-bit constants.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// hashPair hashes "a b" without building it.
func hashPair(a, b string) uint64 {
	h := hashMore(fnvOffset, a)
	h = (h ^ ' ') * fnvPrime
	return hashMore(h, b)
}

func hashMore(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// mix64 is SplitMix64's finaliser: it spreads FNV's weak low bits.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
