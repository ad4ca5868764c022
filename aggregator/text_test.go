package aggregator

import (
	"html"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
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

// BenchmarkFold folds a summary's text as the tagger reads it: lines
// and runs of spaces to collapse.
func BenchmarkFold(b *testing.B) {
	text := strings.Repeat("Researchers said the  ransomware gang\n exploited CVE-2024-1234 in\tVPN appliances. ", 10)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		fold(text)
	}
}

// TestEntryText checks the text an entry's tagging, extractors and
// fingerprint share against each part made alone, as each made its own
// before they shared it.
func TestEntryText(t *testing.T) {
	for _, e := range []Entry{
		{},
		{Title: "Plain title", Summary: "plain summary"},
		{Title: "Ransomware hits port", Summary: "<p>The <b>port</b> of Rotterdam &amp; Antwerp</p>", Content: "<div>Systems were <i>down</i> for 3 days.</div>"},
		{Title: "勒索软件攻击港口", Content: "<p>鹿特丹港&nbsp;系统瘫痪三天。</p>"},
		{Summary: "no title, &lt;escaped&gt; markup"},
		{Title: "only a title"},
	} {
		text := textOf(&e)
		summary, content := htmlText(e.Summary), htmlText(e.Content)
		if want := e.Title + "\n" + summary + "\n" + content; text.full != want {
			t.Errorf("full = %q, want %q", text.full, want)
		}
		if text.summary != summary || text.content != content || text.body != summary+"\n"+content {
			t.Errorf("%q: summary %q, content %q, body %q; want %q, %q", e.Title, text.summary, text.content, text.body, summary, content)
		}
		if lazy := (lazyText{entry: &e}); *lazy.get() != text {
			t.Errorf("%q: lazy text %+v, want %+v", e.Title, *lazy.get(), text)
		}
		checkFoldParts(t, &text)
	}
}

// FuzzEntryText checks an entry's text, its fragments decoded a span at
// a time, against the reference that decodes each whole.
func FuzzEntryText(f *testing.F) {
	for _, s := range []string{
		"<p>The <b>port</b> of Rotterdam &amp; Antwerp</p>", "<p>鹿特丹港&nbsp;系统瘫痪三天。</p>",
		"&amp", "a<b", "&no<x>tit;", "&#12<p>3;", "x &notit; y", "&lt;b&gt;<i>&", "<<>>&&;;", "text<",
	} {
		f.Add("title", s, s+"<br>"+s)
	}
	f.Fuzz(func(t *testing.T, title, summary, content string) {
		text := textOf(&Entry{Title: title, Summary: summary, Content: content})
		want := title + "\n" + htmlText(summary) + "\n" + htmlText(content)
		if text.full != want || text.summary != htmlText(summary) || text.content != htmlText(content) {
			t.Errorf("textOf(%q, %q, %q) = %q (%q, %q), want %q", title, summary, content, text.full, text.summary, text.content, want)
		}
	})
}

// htmlText is appendHTMLText's reference: the whole fragment stripped of
// tags, then decoded at once.
func htmlText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	if strings.IndexByte(s, '<') >= 0 {
		var b strings.Builder
		for {
			open := strings.IndexByte(s, '<')
			if open < 0 {
				b.WriteString(s)
				break
			}
			b.WriteString(s[:open])
			end := strings.IndexByte(s[open:], '>')
			if end < 0 {
				break
			}
			b.WriteByte(' ')
			s = s[open+end+1:]
		}
		s = b.String()
	}
	return html.UnescapeString(s)
}

// checkFoldParts checks an entry's text folded a part at a time: each
// part as fold folds it alone, as the tagger reads it, a line each; the
// same shingles as the parts case folded (foldCase) with their white
// space as it was, as the fingerprint took them before; and, for valid
// UTF-8, the parts case folded alone as the whole text folded at once.
// (Before a byte that is not UTF-8, NFKC may leave alone what it would
// decompose elsewhere: "\xf4ǆ" keeps its ǆ, "\xf4ǆ\n0" does not.)
func checkFoldParts(t *testing.T, text *entryText) {
	t.Helper()
	folded := text.foldParts()
	title := text.full[:len(text.full)-len(text.body)-1]
	if folded.title != fold(title) || folded.summary != fold(text.summary) || folded.content != fold(text.content) {
		t.Errorf("folded parts %q, %q, %q; want %q, %q, %q", folded.title, folded.summary, folded.content,
			fold(title), fold(text.summary), fold(text.content))
	}
	if want := folded.title + "\n" + folded.summary + "\n" + folded.content; folded.full != want {
		t.Errorf("folded %q = %q, want %q", text.full, folded.full, want)
	}
	caseFolded := foldCase(title) + "\n" + foldCase(text.summary) + "\n" + foldCase(text.content)
	got, gotCJK := foldedShingles(folded.full)
	want, wantCJK := foldedShingles(caseFolded)
	if !slices.Equal(got, want) || gotCJK != wantCJK {
		t.Errorf("shingles of %q: %x (CJK %t), want %x (CJK %t)", text.full, got, gotCJK, want, wantCJK)
	}
	if whole := foldCase(text.full); utf8.ValidString(text.full) && caseFolded != whole {
		t.Errorf("parts of %q case folded alone %q, want %q", text.full, caseFolded, whole)
	}
}

// FuzzFoldParts folds entries made of any three texts, foldCases among
// them: combining marks after a line break, full-width forms, invalid
// UTF-8.
func FuzzFoldParts(f *testing.F) {
	for i, s := range foldCases {
		f.Add(s, foldCases[(i+1)%len(foldCases)], foldCases[(i+5)%len(foldCases)])
	}
	f.Add("İstanbul Ｔitle", "\u0301accent first", "ß and ǅ and Σ")
	f.Add("가\u1161", "\u1161ᄀ", "e\u0301")
	f.Fuzz(func(t *testing.T, title, summary, content string) {
		text := textOf(&Entry{Title: title, Summary: summary, Content: content})
		checkFoldParts(t, &text)
	})
}

// TestUnifiedIdeographsAreHan checks isCJK's quick range against the
// Unicode tables it stands in for.
func TestUnifiedIdeographsAreHan(t *testing.T) {
	for r := rune(0x4E00); r <= 0x9FFF; r++ {
		if !unicode.Is(unicode.Han, r) {
			t.Fatalf("%U is in isCJK's quick range but not Han", r)
		}
	}
}

// TestAppendLower checks appendLower against strings.ToLower on every
// rune of the first three planes, on bytes that are not UTF-8, and on
// mixed text.
func TestAppendLower(t *testing.T) {
	check := func(s string) {
		t.Helper()
		var b strings.Builder
		appendLower(&b, s)
		if got, want := b.String(), strings.ToLower(s); got != want {
			t.Fatalf("appendLower(%+q) = %+q, strings.ToLower gives %+q", s, got, want)
		}
	}
	var all strings.Builder
	for r := rune(0); r < 0x30000; r++ {
		all.WriteRune(r)
		if r%4096 == 4095 {
			check(all.String())
			all.Reset()
		}
	}
	for _, s := range []string{
		"", "ABC", "Ünïcödé ΣΑΣ İstanbul", "网络安全公司ABC发现漏洞",
		"\xff", "a\xe4\xb8", "\xe4\xb8\xad\xff中", "\uFFFD\xfe", "К\u212A\u2126",
	} {
		check(s)
	}
}

func FuzzAppendLower(f *testing.F) {
	f.Add("Ünïcödé 网络 \xff ABC")
	f.Fuzz(func(t *testing.T, s string) {
		var b strings.Builder
		appendLower(&b, s)
		if got, want := b.String(), strings.ToLower(s); got != want {
			t.Fatalf("appendLower(%+q) = %+q, strings.ToLower gives %+q", s, got, want)
		}
	})
}
