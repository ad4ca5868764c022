package aggregator

import (
	"slices"
	"testing"
	"unicode"
	"unicode/utf8"
)

// tokenize calls emit with each word and each CJK character bigram (a
// lone CJK character stands for itself) of folded text, in order: the
// tokens as the scheme defines them, one at a time, for the reference
// below.
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
		case r < utf8.RuneSelf:
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

// referenceShingles is foldedShingles by its definition: of the tokens,
// each CJK bigram is a feature; a word pairs with the token after it
// when that is a word too (unless both are stopwords), and is a feature
// alone when neither neighbour is a word.
func referenceShingles(text string) ([]uint64, bool) {
	var out []uint64
	var prev string
	prevAlone := false
	tokens, cjk := 0, 0
	tokenize(text, func(t string, isCJK bool) {
		tokens++
		if isCJK {
			cjk++
			out = append(out, hashString(t))
			if prev != "" && prevAlone {
				out = append(out, hashString(prev))
			}
			prev = ""
			return
		}
		if prev != "" && !(stopwords.has(prev) && stopwords.has(t)) {
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

var shinglesCases = []string{
	"",
	"word",
	"of the",
	"the quick brown fox, of the year: said it",
	"café naïve résumé über 2024 x1",
	"网络安全公司发现漏洞",
	"中",
	"a 中 b",
	"ransomware 勒索软件 attack 漏洞 cve 2024",
	"日本語とカタカナ 한국어 텍스트",
	"mixed中text and 字 alone",
	"bad \xff utf-8 \xe4\xb8 end",
	"x\u200by zero width, em—dash “quoted” ½ ①",
	"123,456.78 numbers 3.14 and 1e10",
	"aé the of ié a", // an ASCII stopword inside a longer word is not one
}

func TestShinglesMatchReference(t *testing.T) {
	for _, text := range shinglesCases {
		folded := foldCase(text)
		got, gotCJK := foldedShingles(folded)
		want, wantCJK := referenceShingles(folded)
		if !slices.Equal(got, want) || gotCJK != wantCJK {
			t.Errorf("foldedShingles(%q) = %x, %v; the reference gives %x, %v", folded, got, gotCJK, want, wantCJK)
		}
	}
}

func FuzzShingles(f *testing.F) {
	for _, text := range shinglesCases {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, s := range []string{text, foldCase(text)} {
			got, gotCJK := foldedShingles(s)
			want, wantCJK := referenceShingles(s)
			if !slices.Equal(got, want) || gotCJK != wantCJK {
				t.Fatalf("foldedShingles(%q) = %x, %v; the reference gives %x, %v", s, got, gotCJK, want, wantCJK)
			}
		}
	})
}

func BenchmarkShingles(b *testing.B) {
	for _, lang := range []string{"en", "zh"} {
		entries, _ := benchEntries(lang == "zh")
		texts := make([]string, len(entries))
		for i := range entries {
			text := textOf(&entries[i])
			texts[i] = text.foldParts().full
		}
		b.Run(lang, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				foldedShingles(texts[i%len(texts)])
			}
		})
		b.Run(lang+"/reference", func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				referenceShingles(texts[i%len(texts)])
			}
		})
	}
}
