package aggregator

import (
	"strings"
	"testing"
)

var foldCases = []string{
	"",
	" ",
	"plain words here",
	"Mixed CASE Words",
	"  leading and trailing  ",
	"tabs\tand\nnew\r\nlines",
	"double  space",
	"ＦＵＬＬ　ＷＩＤＴＨ",                  // NFKC: full-width letters and space
	"no\u00a0break\u2003em space", // Unicode white space
	"网络 攻击\u3000勒索软件",
	"bad \xff utf8 \xfe here",
	"\u0085next line",
}

// TestFold checks fold against its definition: case folded, words
// joined by single spaces.
func TestFold(t *testing.T) {
	for _, s := range foldCases {
		if got, want := fold(s), strings.Join(strings.Fields(foldCase(s)), " "); got != want {
			t.Errorf("fold(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range foldCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := fold(s), strings.Join(strings.Fields(foldCase(s)), " "); got != want {
			t.Errorf("fold(%q) = %q, want %q", s, got, want)
		}
	})
}
