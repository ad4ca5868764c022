package aggregator

import (
	"math/bits"
	"slices"
	"strings"
	"unicode"

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
	// shingles and cjk are kept from fingerprinting for the comparison
	// with candidates; they are not stored.
	shingles []uint64
	cjk      bool
}

const sketchSize = 12

// Shingles returns the set of hashed features of a text: word pairs for
// scripts that separate words with spaces, character bigrams for Chinese,
// Japanese and Korean runs. Text is NFKC-normalised and case-folded, so
// full-width and half-width forms agree.
func Shingles(text string) []uint64 {
	out, _ := shingles(text)
	return out
}

// shingles also reports whether most of the text is CJK.
func shingles(text string) (out []uint64, mostlyCJK bool) {
	words := tokens(text)
	cjk := 0
	set := make(map[uint64]struct{}, len(words))
	for i := range words {
		w := words[i]
		if w.cjk {
			cjk++
			set[hashString(w.text)] = struct{}{}
			continue
		}
		if i+1 < len(words) && !words[i+1].cjk {
			if stopwords[w.text] && stopwords[words[i+1].text] {
				continue // "of the", "said it": in every text, telling nothing
			}
			set[hashString(w.text+" "+words[i+1].text)] = struct{}{}
		} else if i == 0 || words[i-1].cjk {
			set[hashString(w.text)] = struct{}{} // a lone word
		}
	}
	out = make([]uint64, 0, len(set))
	for h := range set {
		out = append(out, h)
	}
	slices.Sort(out)
	return out, cjk*2 > len(words)
}

// stopwords are English function words; a pair of them is no evidence
// that two texts tell one story.
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the and or but of in on at to for from by with as is are was were be been
		it its this that these those he she they we you i his her their our has have had will would
		said says say not no than then there which who whom what when where also after before over
		into about up out more most can could may might do does did so if all one two new`) {
		stopwords[w] = true
	}
}

type token struct {
	text string
	cjk  bool
}

// tokens splits folded text into words and CJK character bigrams.
func tokens(text string) []token {
	text = strings.ToLower(norm.NFKC.String(text))
	var out []token
	var word strings.Builder
	var cjkRun []rune
	flushWord := func() {
		if word.Len() > 0 {
			out = append(out, token{text: word.String()})
			word.Reset()
		}
	}
	flushCJK := func() {
		switch len(cjkRun) {
		case 0:
		case 1:
			out = append(out, token{text: string(cjkRun), cjk: true})
		default:
			for i := 0; i+1 < len(cjkRun); i++ {
				out = append(out, token{text: string(cjkRun[i : i+2]), cjk: true})
			}
		}
		cjkRun = cjkRun[:0]
	}
	for _, r := range text {
		switch {
		case isCJK(r):
			flushWord()
			cjkRun = append(cjkRun, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flushCJK()
			word.WriteRune(r)
		default:
			flushWord()
			flushCJK()
		}
	}
	flushWord()
	flushCJK()
	return out
}

// Simhash is Charikar's similarity hash of a set of features: texts that
// share most features differ in few bits.
func Simhash(features []uint64) uint64 {
	var votes [64]int
	for _, f := range features {
		h := mix64(f)
		for b := range 64 {
			if h&(1<<b) != 0 {
				votes[b]++
			} else {
				votes[b]--
			}
		}
	}
	var out uint64
	for b, v := range votes {
		if v > 0 {
			out |= 1 << b
		}
	}
	return out
}

// Distance is the Hamming distance between two simhashes.
func Distance(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// sketch returns the k smallest re-hashed features.
func sketch(features []uint64, k int) []uint64 {
	hs := make([]uint64, len(features))
	for i, f := range features {
		hs[i] = mix64(f ^ 0x9e3779b97f4a7c15)
	}
	slices.Sort(hs)
	return hs[:min(k, len(hs))]
}

// NewFingerprint fingerprints an entry's title and text.
func NewFingerprint(e *Entry) Fingerprint {
	features, cjk := shingles(entryText(e))
	return Fingerprint{Simhash: Simhash(features), Sketch: sketch(features, sketchSize), TitleKey: TitleKey(e.Title),
		shingles: features, cjk: cjk}
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
	h := uint64(14695981039346656037)
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
