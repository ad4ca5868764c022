package aggregator

import "strings"

// wordSet is a set of short ASCII words (16 bytes at most) that a word
// is looked up in without hashing it as a string: it packs into two
// integers, upper-case letters folded, and those are the key. Looking
// up every word of every entry in a map of strings cost as much as
// hashing the words for the fingerprint.
type wordSet struct {
	slots  [256]packedWord // open addressing; {0, 0} marks a free slot
	maxLen int             // the longest word's length: longer ones are not looked up
}

// newWordSet makes a set of the words in a space-separated list, each in
// lower case and at most 16 bytes long (it panics otherwise: the lists
// are fixed in the code).
func newWordSet(list string) *wordSet {
	s := &wordSet{}
	words := strings.Fields(list)
	if 2*len(words) > len(s.slots) {
		panic("newWordSet: too many words")
	}
	for _, w := range words {
		k, ok := packWord(w)
		if !ok || strings.ToLower(w) != w {
			panic("newWordSet: not a short lower-case ASCII word: " + w)
		}
		i := k.home()
		for s.slots[i] != (packedWord{}) && s.slots[i] != k {
			i = (i + 1) % len(s.slots)
		}
		s.slots[i] = k
		s.maxLen = max(s.maxLen, len(w))
	}
	return s
}

type packedWord [2]uint64

// packWord packs an ASCII word of 1 to 16 bytes, upper case folded to
// lower; ok is false for any other word, which no set holds.
func packWord(w string) (k packedWord, ok bool) {
	if len(w) == 0 || len(w) > 16 {
		return k, false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c == 0 || c >= 0x80 {
			return k, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		k[i/8] |= uint64(c) << (8 * (i % 8))
	}
	return k, true
}

func (k packedWord) home() int {
	return int((k[0]*0x9e3779b97f4a7c15 ^ k[1]*0xc2b2ae3d27d4eb4f) >> 56)
}

// has reports whether w, upper case folded, is in the set.
func (s *wordSet) has(w string) bool {
	if len(w) > s.maxLen {
		return false
	}
	k, ok := packWord(w)
	return ok && s.hasPacked(k)
}

// hasPacked reports whether the set holds the word packed as k.
func (s *wordSet) hasPacked(k packedWord) bool {
	for i := k.home(); ; i = (i + 1) % len(s.slots) {
		switch s.slots[i] {
		case k:
			return true
		case packedWord{}:
			return false
		}
	}
}
