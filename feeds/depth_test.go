package feeds

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gleaner/gleaner/aggregator"
)

// nest returns n nested <name> elements around inner.
func nest(n int, name, inner string) string {
	return strings.Repeat("<"+name+">", n) + inner + strings.Repeat("</"+name+">", n)
}

func TestCheckDepth(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		tooDeep bool
	}{
		{name: "empty", doc: ""},
		{name: "text only", doc: "no markup at all"},
		{name: "lone <", doc: "<"},
		{name: "unterminated start tag", doc: "<a"},
		{name: "unterminated comment", doc: "<!-- <a><a><a>"},
		{name: "depth 100", doc: nest(100, "a", "x")},
		{name: "depth 101", doc: nest(101, "a", "x"), tooDeep: true},
		{name: "depth 100 with XML declaration", doc: `<?xml version="1.0" encoding="UTF-8"?>` + nest(100, "a", "")},
		{name: "depth 100 with namespaced names", doc: nest(100, "x:ext", "")},
		{name: "siblings do not add up", doc: nest(60, "a", "") + nest(60, "b", "")},
		{name: "closing then reopening", doc: "<r>" + strings.Repeat(nest(99, "a", ""), 50) + "</r>"},

		{name: "self-closing at depth 100", doc: nest(99, "a", "<b/>")},
		{name: "self-closing with space and attributes", doc: nest(99, "a", strings.Repeat(`<b c="1" d='2' />`, 500))},
		{name: "many self-closing siblings", doc: nest(100, "a", strings.Repeat("<br/>", 10000))},
		{name: "slash inside a quoted value is not self-closing", doc: nest(100, "a", `<b href="http://x/">`), tooDeep: true},

		{name: "comment with markup", doc: nest(100, "a", "<!-- <b><c><d> -->")},
		{name: "comment with > before markup", doc: nest(100, "a", "<!-- a > b <c><d><e> -->")},
		{name: "comment with close tags does not lower depth", doc: nest(100, "a", "<!-- </a></a></a> --><b>"), tooDeep: true},
		{name: "CDATA with markup", doc: nest(100, "a", "<![CDATA[<b><c>]]>")},
		{name: "CDATA with 10,000 nested elements", doc: nest(100, "a", "<![CDATA["+strings.Repeat("<b>", 10000)+"]]>")},
		{name: "CDATA with ]] and > inside", doc: nest(100, "a", "<![CDATA[ a]]b > <c> ]]>")},
		{name: "CDATA with close tags does not lower depth", doc: nest(100, "a", "<![CDATA[</a></a></a>]]><b>"), tooDeep: true},
		{name: "processing instruction with markup", doc: nest(100, "a", "<?pi <b> ?>")},
		{name: "xml-stylesheet instruction", doc: `<?xml-stylesheet type="text/xsl" href="/rss.xsl"?>` + nest(100, "a", "")},
		{
			name: "processing instruction with > before markup",
			doc:  nest(100, "a", "<?pi a > b <c><d> ?>"),
		},
		{
			name:    "processing instruction with close tags does not lower depth",
			doc:     "<r><?pi > " + strings.Repeat("</a>", 1000) + " ?>" + nest(150, "a", "") + "</r>",
			tooDeep: true,
		},
		{
			name:    "close tags inside processing instructions, never below zero",
			doc:     "<r>" + strings.Repeat(strings.Repeat("<a>", 90)+"<?p >"+strings.Repeat("</>", 90)+"?>", 5),
			tooDeep: true,
		},
		{name: "DOCTYPE with internal subset", doc: `<!DOCTYPE rss [<!ENTITY e "x"> <!ELEMENT a ANY>]>` + nest(100, "a", "")},
		{
			name:    "DOCTYPE with close tags does not lower depth",
			doc:     "<!DOCTYPE r [ " + strings.Repeat("</a>", 1000) + " ]>" + nest(150, "a", ""),
			tooDeep: true,
		},

		{name: "> inside double-quoted attribute", doc: nest(100, `a title="x>y"`, "")},
		{name: "> inside single-quoted attribute", doc: strings.Repeat(`<a title='x>y'>`, 100)},
		{name: "> inside attribute, one level too deep", doc: strings.Repeat(`<a title="x>y">`, 101), tooDeep: true},
		{name: "close tag inside attribute does not lower depth", doc: `<a t="</a></a></a>">` + strings.Repeat("<b>", 100), tooDeep: true},
		{name: "/> inside attribute is not self-closing", doc: strings.Repeat(`<a t="/>">`, 101), tooDeep: true},

		{name: "10,000 nested elements", doc: nest(10000, "x:a", ""), tooDeep: true},
		{name: "10,000 unclosed elements", doc: strings.Repeat("<a>", 10000), tooDeep: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkDepth([]byte(tt.doc))
			if tt.tooDeep && !errors.Is(err, ErrTooDeep) {
				t.Errorf("checkDepth(%s) = %v, want ErrTooDeep", abbrev(tt.doc), err)
			}
			if !tt.tooDeep && err != nil {
				t.Errorf("checkDepth(%s) = %v, want nil", abbrev(tt.doc), err)
			}
		})
	}
}

// TestParseRejectsDepthGuardBypass is the end-to-end form of a bypass:
// close tags hidden in a processing instruction lower the guard's count,
// and gofeed then recurses once per real level. About 2.6 million levels
// (a 15 MB body, under the fetcher's 16 MiB cap) overflow the stack and kill
// the process; 1,000 levels here only show that the guard lets them by.
func TestParseRejectsDepthGuardBypass(t *testing.T) {
	const levels = 1000
	doc := `<rss version="2.0" xmlns:x="http://example.org/x"><channel><item><title>t</title>` +
		"<?p " + strings.Repeat("</>", levels) + "?><x:a>" + strings.Repeat("<a>", levels) +
		strings.Repeat("</a>", levels) + "</x:a></item></channel></rss>"
	_, err := parse(t, aggregator.ParseInput{Body: []byte(doc)})
	if !errors.Is(err, ErrTooDeep) {
		t.Errorf("Parse(%d levels behind a processing instruction) error = %v, want ErrTooDeep", levels, err)
	}
}

// abbrev keeps failure messages short.
func abbrev(s string) string {
	if len(s) <= 80 {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q…(%d bytes)", s[:80], len(s))
}

// realisticRSS returns an RSS document of at least size bytes, shaped like
// a news feed: extension namespaces, HTML in CDATA and in escaped text.
func realisticRSS(size int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="/rss.xsl"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
<title>Example News — World</title>
<link>https://news.example.org/</link>
<description>Latest stories &amp; analysis</description>
<!-- generated by example-cms 4.2 -->
`)
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `<item>
<title>Story %d: ministers meet over &quot;critical&quot; cyber-security rules</title>
<link>https://news.example.org/2024/06/01/story-%d?utm_source=rss&amp;utm_medium=feed</link>
<guid isPermaLink="false">urn:example:story:%d</guid>
<pubDate>Sat, 01 Jun 2024 10:%02d:00 +0000</pubDate>
<dc:creator><![CDATA[Jane Doe]]></dc:creator>
<category domain="https://news.example.org/tags">security</category>
<category>politics</category>
<media:content url="https://cdn.example.org/img/%d.jpg" medium="image" width="800" height="450"><media:title type="plain">Photo: a > b</media:title></media:content>
<description>&lt;p&gt;Officials said the &lt;a href="https://news.example.org/x"&gt;rules&lt;/a&gt; would apply from next year.&lt;/p&gt;</description>
<content:encoded><![CDATA[<div class="story"><p>Officials said on <b>Saturday</b> that the rules, first proposed in 2022, would apply to <a href="https://news.example.org/ops">operators</a> of critical networks.</p><figure><img src="https://cdn.example.org/img/%d.jpg" alt="A &quot;quoted&quot; caption"/><figcaption>Photo &copy; Example</figcaption></figure><p>网络安全 — more at <a href='https://news.example.org/more'>the site</a>.</p></div>]]></content:encoded>
</item>
`, i, i, i, i%60, i, i)
	}
	b.WriteString("</channel>\n</rss>\n")
	return []byte(b.String())
}

func BenchmarkCheckDepth(b *testing.B) {
	doc := realisticRSS(1 << 20)
	if err := checkDepth(doc); err != nil {
		b.Fatalf("checkDepth(realistic RSS) = %v, want nil", err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if err := checkDepth(doc); err != nil {
			b.Fatal(err)
		}
	}
}
