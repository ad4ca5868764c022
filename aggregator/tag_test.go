package aggregator

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/gleaner/gleaner/aggregator/internal/offheap"
)

func mustTagger(t testing.TB, opts TaggerOptions) *Tagger {
	t.Helper()
	tg, err := NewTagger(opts)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func TestTagger(t *testing.T) {
	tagger := mustTagger(t, TaggerOptions{
		Rules: []TagRule{
			{Name: "cyber-security", Any: []string{"ransomware", "botnet", "zero-day", "网络攻击", "勒索软件", "APT", "hack*", "/\\bcve-\\d{4}-\\d+/"}, None: []string{"cyber monday"}},
			{Name: "china-us", All: []string{"china", "united states"}},
			{Name: "china-cyber", All: []string{"tag:china", "tag:cyber-security"}},
			{Name: "by-author", Any: []string{"jane analyst"}, Fields: []string{"author"}},
			{Name: "wire-only", Any: []string{"exclusive"}, Sources: []string{"wire"}},
			{Name: "from-link", Any: []string{"/security/"}, Fields: []string{"link"}},
		},
		Categories: map[string]string{"Security": "cyber-security"},
		Extract:    []string{ExtractCVE, ExtractIndicators},
	})
	tests := []struct {
		name  string
		entry Entry
		src   Source
		want  []string
	}{
		{"latin whole word", Entry{Title: "Ransomware hits hospital"}, Source{}, []string{"cyber-security"}},
		{"case folded", Entry{Title: "RANSOMWARE gang arrested"}, Source{}, []string{"cyber-security"}},
		{"not inside a word", Entry{Title: "Botnets of old"}, Source{}, nil},
		{"inside a longer word", Entry{Title: "The rapture of apts"}, Source{}, nil},
		{"hyphenated term", Entry{Title: "A zero-day in the browser"}, Source{}, []string{"cyber-security"}},
		{"prefix", Entry{Title: "Hackers claim the breach"}, Source{}, []string{"cyber-security"}},
		{"prefix needs a word start", Entry{Title: "Shackles and chains"}, Source{}, nil},
		{"regular expression", Entry{Summary: "Fixes CVE-2024-31337 in the kernel."}, Source{}, []string{"cve", "cyber-security"}},
		{"chinese substring", Entry{Title: "多地遭受网络攻击事件"}, Source{}, []string{"cyber-security"}},
		{"latin term next to chinese", Entry{Title: "黑客使用botnet发起攻击"}, Source{}, []string{"cyber-security"}},
		{"full-width latin", Entry{Title: "ＲＡＮＳＯＭＷＡＲＥ 来袭"}, Source{}, []string{"cyber-security"}},
		{"in summary html", Entry{Title: "News", Summary: "<p>a <b>botnet</b> was seized &amp; more</p>"}, Source{}, []string{"cyber-security"}},
		{"none vetoes", Entry{Title: "Cyber Monday deals on ransomware insurance"}, Source{}, nil},
		{"all needs every term", Entry{Title: "China and the United States meet"}, Source{}, []string{"china-us"}},
		{"all missing one", Entry{Title: "China meets its neighbours"}, Source{}, nil},
		{"source tags kept and sorted", Entry{Title: "勒索软件"}, Source{Tags: []string{"zz", "china"}}, []string{"china", "china-cyber", "cyber-security", "zz"}},
		{"tag depends on tags", Entry{Title: "Botnet"}, Source{Tags: []string{"china"}}, []string{"china", "china-cyber", "cyber-security"}},
		{"author field", Entry{Title: "Notes", Author: "Jane Analyst"}, Source{}, []string{"by-author"}},
		{"default fields skip author", Entry{Title: "Notes", Author: "Ransomware Reporter"}, Source{}, nil},
		{"rule scoped to a source", Entry{Title: "An exclusive report"}, Source{Name: "wire"}, []string{"wire-only"}},
		{"scoped rule elsewhere", Entry{Title: "An exclusive report"}, Source{Name: "blog"}, nil},
		{"link field", Entry{Title: "x", Link: "https://news.example/security/2024/x"}, Source{}, []string{"from-link"}},
		{"global category map", Entry{Title: "x", Categories: []string{"security"}}, Source{}, []string{"cyber-security"}},
		{"source category map", Entry{Title: "x", Categories: []string{"安全"}}, Source{Categories: map[string]string{"安全": "cyber-security"}}, []string{"cyber-security"}},
		{"defanged indicators", Entry{Summary: "C2 at hxxp://evil[.]example/x and 203.0.113[.]7"}, Source{}, []string{"indicators"}},
		{"nothing", Entry{Title: "Weather is fine"}, Source{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tagger.Tags(&tt.entry, tt.src)
			if !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("Tags(%q) = %v, want %v", tt.entry.Title+" "+tt.entry.Summary, got, tt.want)
			}
		})
	}
}

func TestExtractors(t *testing.T) {
	e := Entry{Title: "Patch for cve-2024-1234 and CVE-2023-99999", Summary: "Also CVE-2024-1234. IOCs: hxxps://bad[.]example/a, evil(.)example, 198.51.100[.]23"}
	tagger := mustTagger(t, TaggerOptions{Extract: []string{ExtractCVE, ExtractIndicators}})
	tagger.Tags(&e, Source{})
	if want := []string{"CVE-2023-99999", "CVE-2024-1234"}; !slices.Equal(e.CVEs, want) {
		t.Errorf("CVEs = %v, want %v", e.CVEs, want)
	}
	if want := []string{"198.51.100.23", "evil.example", "https://bad.example/a"}; !slices.Equal(e.Indicators, want) {
		t.Errorf("Indicators = %v, want %v", e.Indicators, want)
	}
}

func TestTaggerErrors(t *testing.T) {
	tests := []struct {
		name string
		opts TaggerOptions
		want string
	}{
		{"cycle", TaggerOptions{Rules: []TagRule{
			{Name: "a", Any: []string{"tag:b"}}, {Name: "b", Any: []string{"tag:c"}}, {Name: "c", All: []string{"x", "tag:a"}}}},
			"cycle: a → b → c → a"},
		{"self", TaggerOptions{Rules: []TagRule{{Name: "a", Any: []string{"x"}, None: []string{"tag:a"}}}}, "cycle: a → a"},
		{"bad regexp", TaggerOptions{Rules: []TagRule{{Name: "a", Any: []string{"/(unclosed/"}}}}, "bad regular expression"},
		{"empty term", TaggerOptions{Rules: []TagRule{{Name: "a", Any: []string{" "}}}}, "empty term"},
		{"unknown field", TaggerOptions{Rules: []TagRule{{Name: "a", Any: []string{"x"}, Fields: []string{"body"}}}}, "unknown field"},
		{"unknown extractor", TaggerOptions{Extract: []string{"phone"}}, "unknown extractor"},
	}
	for _, tt := range tests {
		_, err := NewTagger(tt.opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: NewTagger error = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestExplain(t *testing.T) {
	tagger := mustTagger(t, TaggerOptions{Rules: []TagRule{
		{Name: "cyber-security", Any: []string{"botnet", "勒索软件"}},
		{Name: "china-cyber", All: []string{"tag:china", "tag:cyber-security"}},
	}})
	e := Entry{Title: "警方破获勒索软件团伙", Summary: "The botnet was seized."}
	got := tagger.Explain(&e, Source{Name: "xinhua", Tags: []string{"china"}})
	want := []Reason{
		{Tag: "china", Term: "every item of source xinhua", Field: "source"},
		{Tag: "cyber-security", Term: "botnet", Field: "summary", Pos: 4, Context: "the botnet was seized."},
		{Tag: "cyber-security", Term: "勒索软件", Field: "title", Pos: 4, Context: "警方破获勒索软件团伙"},
		{Tag: "china-cyber", Term: "tag:china", Field: "tags"},
		{Tag: "china-cyber", Term: "tag:cyber-security", Field: "tags"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Explain =\n%+v\nwant\n%+v", got, want)
	}
}

// TestMatcherTableUnmapped builds matchers with tables of megabytes and
// drops them: once the collector finds them unreachable, their tables,
// mapped outside the heap, are given back (a configuration reloaded many
// times leaks none). It looks for each table's own addresses among the
// process's mappings: the process's mapped size also counts what the Go
// heap reserves as it grows, which under a loaded machine's collector
// timing once passed the bound by itself.
func TestMatcherTableUnmapped(t *testing.T) {
	if mem := offheap.Map(1); mem == nil {
		t.Skip("nothing is mapped outside the heap here")
	} else {
		offheap.Free(mem)
	}
	type span struct{ from, to uintptr }
	mappings := func() []span {
		raw, err := os.ReadFile("/proc/self/maps")
		if err != nil {
			t.Skip("no /proc/self/maps here")
		}
		var out []span
		for _, line := range strings.Split(string(raw), "\n") {
			addrs, _, _ := strings.Cut(line, " ")
			lo, hi, ok := strings.Cut(addrs, "-")
			from, err1 := strconv.ParseUint(lo, 16, 64)
			to, err2 := strconv.ParseUint(hi, 16, 64)
			if ok && err1 == nil && err2 == nil {
				out = append(out, span{uintptr(from), uintptr(to)})
			}
		}
		return out // in address order, as the kernel lists them
	}
	covered := func(s span, maps []span) bool {
		at := s.from
		for _, m := range maps {
			if m.from <= at && at < m.to {
				at = m.to
			}
		}
		return at >= s.to
	}
	// 5,000 patterns over 200 byte values: about 5,000 nodes of 200 classes.
	var patterns []string
	for i := range 5000 {
		patterns = append(patterns, string([]byte{byte(40 + i%200), byte(40 + i/200%200), 'x'}))
	}
	tableOf := func(m *matcher) span {
		from := uintptr(unsafe.Pointer(unsafe.SliceData(m.next)))
		return span{from, from + uintptr(len(m.next)*4)}
	}
	live := newMatcher(patterns)
	if s := tableOf(live); s.to-s.from < 3<<20 {
		t.Fatalf("a table of %d bytes, want about 4 MB", s.to-s.from)
	} else if !covered(s, mappings()) {
		t.Fatal("a live matcher's table is not among the mappings: the check would see nothing")
	}
	runtime.KeepAlive(live)
	const built = 50
	var tables []span // addresses only: they keep no matcher reachable
	for range built {
		tables = append(tables, tableOf(newMatcher(patterns)))
	}
	// Freed ranges may be mapped again for something else, but not each
	// whole table: count those still mapped end to end.
	held := func() (n int) {
		maps := mappings()
		for _, s := range tables {
			if covered(s, maps) {
				n++
			}
		}
		return n
	}
	n := held()
	for deadline := time.Now().Add(10 * time.Second); n > built/2 && time.Now().Before(deadline); n = held() {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	if n > built/2 {
		t.Errorf("%d of %d dropped matchers' tables are still mapped: their tables are not given back", n, built)
	}
}

// TestMatcherAgainstNaive compares the automaton with strings.Index on
// overlapping and nested patterns.
func TestMatcherAgainstNaive(t *testing.T) {
	patterns := []string{"he", "she", "his", "hers", "网络", "网络攻击", "攻击", "a", "aa", "aaa"}
	m := newMatcher(patterns)
	for _, text := range []string{"ushers", "ahishers", "网络攻击网络", "aaaa", "", "no match here"} {
		var got []string
		m.scan(text, func(p, start int) { got = append(got, fmt.Sprintf("%s@%d", patterns[p], start)) })
		var want []string
		for pi, p := range patterns {
			for i := 0; i+len(p) <= len(text); i++ {
				if text[i:i+len(p)] == p {
					want = append(want, fmt.Sprintf("%s@%d", patterns[pi], i))
				}
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("scan(%q) = %v, want %v", text, got, want)
		}
	}
}
