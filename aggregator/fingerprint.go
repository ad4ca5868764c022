package aggregator

import (
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
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

// foldedShingles is shingles of text already folded (foldCase).
func foldedShingles(text string) (out []uint64, mostlyCJK bool) {
	out = make([]uint64, 0, len(text)/6)
	var prev string    // the previous token, when it was a word
	prevAlone := false // and no word came before it
	tokens, cjk := 0, 0
	tokenize(text, func(t string, isCJK bool) {
		tokens++
		if isCJK {
			cjk++
			out = append(out, hashString(t))
			if prev != "" && prevAlone {
				out = append(out, hashString(prev)) // a lone word
			}
			prev = ""
			return
		}
		if prev != "" && !(stopword(prev) && stopword(t)) { // "of the", "said it": in every text, telling nothing
			out = append(out, hashPair(prev, t))
		}
		prevAlone = prev == ""
		prev = t
	})
	if prev != "" && prevAlone {
		out = append(out, hashString(prev))
	}
	slices.Sort(out)
	return slices.Compact(out), cjk*2 > tokens
}

// stopwords are English function words; a pair of them is no evidence
// that two texts tell one story.
var stopwords = map[string]bool{}

// maxStopword is the longest stopword's length: longer words need no lookup.
var maxStopword int

func init() {
	for _, w := range strings.Fields(`a an the and or but of in on at to for from by with as is are was were be been
		it its this that these those he she they we you i his her their our has have had will would
		said says say not no than then there which who whom what when where also after before over
		into about up out more most can could may might do does did so if all one two new`) {
		stopwords[w] = true
		maxStopword = max(maxStopword, len(w))
	}
}

func stopword(w string) bool { return len(w) <= maxStopword && stopwords[w] }

// tokenize calls emit with each word and each CJK character bigram (a
// lone CJK character stands for itself) of folded text (foldCase), in
// order. The tokens are slices of the text: no copies.
func tokenize(text string, emit func(token string, cjk bool)) {
	wordStart, cjkStart, prevCJK := -1, -1, -1 // byte offsets
	flushWord := func(end int) {
		if wordStart >= 0 {
			emit(text[wordStart:end], false)
			wordStart = -1
		}
	}
	flushCJK := func(end int) {
		if cjkStart >= 0 && prevCJK == cjkStart { // a lone character
			emit(text[cjkStart:end], true)
		}
		cjkStart, prevCJK = -1, -1
	}
	for i, r := range text {
		var inWord bool
		switch {
		case r < utf8.RuneSelf: // folded ASCII, the common case: no upper case left
			inWord = 'a' <= r && r <= 'z' || '0' <= r && r <= '9'
		case isCJK(r):
			flushWord(i)
			if cjkStart < 0 {
				cjkStart = i
			} else {
				emit(text[prevCJK:i+utf8.RuneLen(r)], true)
			}
			prevCJK = i
			continue
		default:
			inWord = unicode.IsLetter(r) || unicode.IsDigit(r)
		}
		if inWord {
			flushCJK(i)
			if wordStart < 0 {
				wordStart = i
			}
		} else {
			flushWord(i)
			flushCJK(i)
		}
	}
	flushWord(len(text))
	flushCJK(len(text))
}

// foldCase is NFKC and lower case; ASCII text, the common case, needs
// no normalisation.
func foldCase(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.ToLower(norm.NFKC.String(s))
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
	for _, r := range strings.ToLower(norm.NFKC.String(title)) {
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
	return hashMore(14695981039346656037, s)
}

// hashPair hashes "a b" without building it.
func hashPair(a, b string) uint64 {
	h := hashMore(14695981039346656037, a)
	h = (h ^ ' ') * 1099511628211
	return hashMore(h, b)
}

func hashMore(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
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
