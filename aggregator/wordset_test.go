package aggregator

import (
	"strings"
	"testing"
)

func TestWordSet(t *testing.T) {
	list := `a an the of monday wednesday september mr i it`
	set := newWordSet(list)
	members := map[string]bool{}
	for _, w := range strings.Fields(list) {
		members[w] = true
	}
	tests := []struct {
		word string
		want bool
	}{
		{"the", true},
		{"The", true}, // upper case folds
		{"THE", true},
		{"Wednesday", true},
		{"september", true},
		{"i", true},
		{"it", true},
		{"its", false},
		{"th", false},
		{"them", false},
		{"", false},
		{"sept", false},
		{"septembers", false},
		{"wednesdayy", false},
		{"mrs", false},
		{"théé", false},
		{"\u212Ait", false}, // the Kelvin sign is not k: only ASCII folds
		{"the\x00", false},
		{"a very long word past sixteen", false},
	}
	for _, tt := range tests {
		if got := set.has(tt.word); got != tt.want {
			t.Errorf("has(%q) = %v, want %v", tt.word, got, tt.want)
		}
	}
	// Every shipped list: each word is in its set, and no other word of
	// the lists is unless it is in both.
	for _, w := range strings.Fields(list) {
		for _, v := range []string{w, strings.ToUpper(w), w + "s", w[:len(w)-1]} {
			if got := set.has(v); got != members[strings.ToLower(v)] {
				t.Errorf("has(%q) = %v, want %v", v, got, members[strings.ToLower(v)])
			}
		}
	}
}

func TestNewWordSetRefuses(t *testing.T) {
	for _, list := range []string{"Upper", "seventeen-letters", "naïve", strings.Repeat("w ", 200)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("newWordSet(%.20q) did not panic", list)
				}
			}()
			newWordSet(list)
		}()
	}
}
