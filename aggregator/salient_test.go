package aggregator

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
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

func TestSalient(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Researchers at Example Labs said on Tuesday that LockBit breached 1,200 servers in Germany.",
			[]string{"1200", "example", "germany", "labs", "lockbit"}}, // not a sentence's first word, a weekday or a year
		{`"Patched in 2024," said Jane O'Neil of Ivanti. Up-To-Date Lists.`, []string{"ivanti", "jane", "lists", "o'neil"}}, // a hyphenated word starting a sentence is not a name
		{"Élodie Dupont à Paris, version 3.5 and 10,000,000.", []string{"10000000", "3.5", "dupont", "paris"}},
		{"网络安全 CNCERT 发布 42 项", []string{"42", "cncert"}},
		// An ideograph ends no sentence; "。" does, and "！" and "？".
		{"微软发布补丁。Microsoft 称 Windows 受影响！Azure 未受影响？Office 安全", []string{"windows"}},
		{"据报道Microsoft称", []string{"microsoft"}},
	}
	for _, tt := range tests {
		if got := salient(tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("salient(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
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

// BenchmarkSalient reads the names and numbers of a news text.
func BenchmarkSalient(b *testing.B) {
	text := strings.Repeat("Researchers at Example Labs said on Tuesday that the LockBit group had breached 1,200 "+
		"servers running Ivanti VPN appliances in Germany and the United States. \"We saw the first attacks "+
		"in March,\" said Jane O'Neil, who leads the lab's response team. The flaw, CVE-2024-21887, was patched "+
		"in January; about 3.5 million devices remain exposed, according to Shadowserver. ", 2)
	if len(salient(text)) < 10 {
		b.Fatalf("salient found %q, want names and numbers", salient(text))
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		salient(text)
	}
}

// salientByRunes is salient's rules read plainly, on the text's runes:
// the faster salient must find the same.
func salientByRunes(text string) []string {
	rs := []rune(text)
	digit := func(j int) bool { return j < len(rs) && '0' <= rs[j] && rs[j] <= '9' }
	var out []string
	sentenceStart := true
	for i := 0; i < len(rs); {
		r, j := rs[i], i+1
		switch {
		case unicode.IsDigit(r):
			for j = i; digit(j) || j < len(rs) && (rs[j] == '.' || rs[j] == ',') && digit(j+1); j++ {
			}
			j = max(j, i+1) // a digit other than 0-9 stands alone
			if n := strings.ReplaceAll(string(rs[i:j]), ",", ""); !isYear(n) {
				out = append(out, n)
			}
			sentenceStart = false
		case unicode.IsLetter(r) && !isCJK(r):
			for j < len(rs) && (unicode.IsLetter(rs[j]) || rs[j] == '\'' || rs[j] == '-') && !isCJK(rs[j]) {
				j++
			}
			if word := strings.ToLower(string(rs[i:j])); unicode.IsUpper(r) && !sentenceStart && j-i > 1 && !commonCapitalised.has(word) {
				out = append(out, word)
			}
			sentenceStart = false
		case strings.ContainsRune(".!?\n\"“:。！？", r):
			sentenceStart = true
		case !unicode.IsSpace(r):
			sentenceStart = false
		}
		i = j
	}
	slices.Sort(out)
	return slices.Compact(out)
}
