package aggregator

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

var salientCases = []string{
	"",
	"Researchers at Example Labs said on Tuesday that LockBit breached 1,200 servers in Germany.",
	`"We saw it in March," said Jane O'Neil. The flaw, CVE-2024-21887, hit 3.5 million devices in 2024.`,
	"Mr Smith met Dr Jones. It was the UN's call: NATO and the E.U. agreed.",
	"Élodie Dupont à Paris; Ülker ve İstanbul Üniversitesi. Ωmega Σigma",
	"国家互联网应急中心 CNCERT 发布 Apache Log4j 漏洞 2021 年",
	"Numbers ٣٤ and ４２ and 1.2.3 and 10,000,000 and 7.",
	"A Very-Long-Hyphenated-Capitalised-Name-That-Runs-Past-Buffers and Supercalifragilisticexpialidocious",
	"bad \xff UTF-8 \xfeHere Name",
}

func TestSalientAgainstRunes(t *testing.T) {
	for _, s := range salientCases {
		if got, want := salient(s), salientByRunes(s); !reflect.DeepEqual(got, want) {
			t.Errorf("salient(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzSalient(f *testing.F) {
	for _, s := range salientCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := salient(s), salientByRunes(s); !reflect.DeepEqual(got, want) {
			t.Errorf("salient(%q) = %q, want %q", s, got, want)
		}
	})
}

// BenchmarkSalient reads the names and numbers of a news text, against
// the first way of reading them in the same run.
func BenchmarkSalient(b *testing.B) {
	text := strings.Repeat("Researchers at Example Labs said on Tuesday that the LockBit group had breached 1,200 "+
		"servers running Ivanti VPN appliances in Germany and the United States. \"We saw the first attacks "+
		"in March,\" said Jane O'Neil, who leads the lab's response team. The flaw, CVE-2024-21887, was patched "+
		"in January; about 3.5 million devices remain exposed, according to Shadowserver. ", 2)
	for _, bb := range []struct {
		name string
		fn   func(string) []string
	}{{"bytes", salient}, {"runes", salientByRunes}} {
		b.Run(bb.name, func(b *testing.B) {
			if len(bb.fn(text)) < 10 {
				b.Fatalf("%s found %q, want names and numbers", bb.name, bb.fn(text))
			}
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				bb.fn(text)
			}
		})
	}
}

// salientByRunes is salient as first written, decoding every rune; the
// faster one must find the same.
func salientByRunes(text string) []string {
	var out []string
	sentenceStart := true
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsDigit(r):
			j := i
			for j < len(text) {
				c := text[j]
				if c >= '0' && c <= '9' || (c == '.' || c == ',') && j+1 < len(text) && text[j+1] >= '0' && text[j+1] <= '9' {
					j++
					continue
				}
				break
			}
			if j == i { // a non-ASCII digit
				j = i + size
			}
			n := strings.Clone(strings.ReplaceAll(text[i:j], ",", "")) // not a view that keeps the whole text
			if !isYear(n) {
				out = append(out, n)
			}
			i, sentenceStart = j, false
			continue
		case unicode.IsLetter(r) && !isCJK(r):
			j := i
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if !unicode.IsLetter(r2) && r2 != '\'' && r2 != '-' || isCJK(r2) {
					break
				}
				j += s2
			}
			word := text[i:j]
			if unicode.IsUpper(r) && !sentenceStart && utf8.RuneCountInString(word) > 1 {
				if lower := strings.ToLower(word); !commonCapitalised[lower] {
					out = append(out, lower)
				}
			}
			i, sentenceStart = j, false
			continue
		case r == '.' || r == '!' || r == '?' || r == '\n' || r == '"' || r == '“' || r == ':' || r == '。' || r == '！' || r == '？':
			sentenceStart = true
		case !unicode.IsSpace(r):
			sentenceStart = false
		}
		i += size
	}
	slices.Sort(out)
	return slices.Compact(out)
}
