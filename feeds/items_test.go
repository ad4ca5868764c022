package feeds

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

func TestItemSpans(t *testing.T) {
	rss := func(items string) string {
		return `<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>` + items + `</channel></rss>`
	}
	tests := []struct {
		name  string
		doc   string
		items []string // nil: not ok
	}{
		{"rss", rss(`<item><title>a</title></item> <item><title>b</title></item>`),
			[]string{`<item><title>a</title></item>`, `<item><title>b</title></item>`}},
		{"atom", `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><id>1</id></entry><entry xml:lang="en"><id>2</id></entry></feed>`,
			[]string{`<entry><id>1</id></entry>`, `<entry xml:lang="en"><id>2</id></entry>`}},
		{"rdf, prefixed", `<rdf:RDF xmlns:rdf="r" xmlns:rss="s"><rss:channel/><rss:item rdf:about="u"><rss:title>x</rss:title></rss:item></rdf:RDF>`,
			[]string{`<rss:item rdf:about="u"><rss:title>x</rss:title></rss:item>`}},
		{"markup in CDATA, comments and quotes", rss(`<item><description><![CDATA[</item><item>]]></description></item><!-- <item> --><item><link a="x>y"/></item>`),
			[]string{`<item><description><![CDATA[</item><item>]]></description></item>`, `<item><link a="x>y"/></item>`}},
		{"self-closing item", rss(`<item/><item><title>b</title></item>`), []string{`<item/>`, `<item><title>b</title></item>`}},
		{"item-named element inside an item", rss(`<item><media:group><entry>x</entry></media:group></item>`),
			[]string{`<item><media:group><entry>x</entry></media:group></item>`}},
		{"no items", rss(``), nil},
		{"two channels", `<rss><channel><item>a</item></channel><channel><item>b</item></channel></rss>`, nil},
		{"an item deeper than the first", rss(`<item>a</item><image><item>b</item></image>`), nil},
		{"items too deep", `<a><b><c><item>x</item></c></b></a>`, nil},
		{"truncated", rss(`<item><title>a</title></item><item><title>b`), nil},
		{"ends inside a tag", `<rss><channel><item>a</item><item`, nil},
		{"root is the item", `<entry xmlns="http://www.w3.org/2005/Atom"><id>1</id></entry>`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, spans, ok := itemSpans([]byte(tt.doc))
			if ok != (tt.items != nil) {
				t.Fatalf("ok = %v, want %v (spans %v)", ok, tt.items != nil, spans)
			}
			var got []string
			for _, s := range spans {
				got = append(got, tt.doc[s.start:s.end])
			}
			if ok && !reflect.DeepEqual(got, tt.items) {
				t.Errorf("items = %q, want %q", got, tt.items)
			}
		})
	}
}

// TestItemDigestContext: an item's digest changes with what shapes how it
// reads, and with nothing else.
func TestItemDigestContext(t *testing.T) {
	const item = `<item><title>a</title><dc:creator>x</dc:creator><pubDate>2024-03-05 08:00</pubDate><link>/a</link></item>`
	doc := func(root, channel string) []byte {
		return []byte(`<?xml version="1.0"?>` + root + `<channel><title>T</title>` + channel + item + `</channel></rss>`)
	}
	const root = `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">`
	in := aggregator.ParseInput{URL: "https://a.example/feed", Location: time.UTC}
	digest := func(d []byte, in aggregator.ParseInput) uint64 {
		t.Helper()
		items := digestItems(d, in)
		if len(items.all) != 1 {
			t.Fatalf("%s: %d items found, want 1", d, len(items.all))
		}
		return items.all[0].digest
	}
	base := digest(doc(root, ""), in)
	if got := digest(doc(root, `<lastBuildDate>Tue, 05 Mar 2024 09:00:00 GMT</lastBuildDate>`), in); got != base {
		t.Error("a new lastBuildDate changed the item's digest")
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	for name, d := range map[string]uint64{
		"another namespace for dc:": digest(doc(`<rss version="2.0" xmlns:dc="urn:other">`, ""), in),
		"another document URL":      digest(doc(root, ""), aggregator.ParseInput{URL: "https://b.example/feed", Location: time.UTC}),
		"another source location":   digest(doc(root, ""), aggregator.ParseInput{URL: in.URL, Location: shanghai}),
		"an entity declared":        digest(append([]byte(`<!DOCTYPE rss [<!ENTITY x "y">]>`), doc(root, "")...), in),
	} {
		if d == base {
			t.Errorf("%s left the item's digest as it was", name)
		}
	}
}

// checkUnreadItems parses body whole, then again with every other item
// known: the known items come back unread, with their digests, and every
// other entry exactly as the whole parse gave it. It reports how many
// items went unread, of how many entries.
func checkUnreadItems(t *testing.T, p *Parser, body []byte, contentType string) (unread, entries int) {
	t.Helper()
	in := aggregator.ParseInput{Body: body, ContentType: contentType, URL: "https://feeds.example.org/feed.xml",
		Source: "s", Location: time.UTC, Now: fetchedAt}
	whole, err := p.Parse(context.Background(), in)
	if err != nil {
		return 0, 0
	}
	known := map[uint64]bool{}
	for i, e := range whole.Entries {
		if e.Unread {
			t.Fatalf("entry %d unread with no item known", i)
		}
		if i%2 == 1 && e.ItemDigest != 0 {
			known[e.ItemDigest] = true
		}
	}
	in.KnownItem = func(d uint64) bool { return known[d] }
	part, err := p.Parse(context.Background(), in)
	if err != nil {
		t.Fatalf("with items known: %v; whole: no error", err)
	}
	if len(part.Entries) != len(whole.Entries) {
		t.Fatalf("with items known: %d entries, whole: %d", len(part.Entries), len(whole.Entries))
	}
	for i, e := range part.Entries {
		if e.Unread {
			unread++
			if !known[e.ItemDigest] || e.ItemDigest != whole.Entries[i].ItemDigest {
				t.Errorf("entry %d unread with digest %x; whole parse: %x", i, e.ItemDigest, whole.Entries[i].ItemDigest)
			}
			continue
		}
		if !reflect.DeepEqual(e, whole.Entries[i]) {
			t.Errorf("entry %d with items known:\n%+v\nwhole:\n%+v", i, e, whole.Entries[i])
		}
	}
	if !reflect.DeepEqual(part.TTL, whole.TTL) || !reflect.DeepEqual(part.SkipHours, whole.SkipHours) || !reflect.DeepEqual(part.SkipDays, whole.SkipDays) {
		t.Errorf("hints with items known %v %v %v, whole %v %v %v", part.TTL, part.SkipHours, part.SkipDays, whole.TTL, whole.SkipHours, whole.SkipDays)
	}
	return unread, len(whole.Entries)
}

// TestUnreadItemsCorpus runs checkUnreadItems over the shared corpus's
// real-world feeds, and checks that items do go unread in nearly every
// XML feed with more than one (in all of them when this was written).
func TestUnreadItemsCorpus(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(corpusDir, "realworld", "*"))
	if err != nil || len(paths) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared corpus not found at %s/realworld", corpusDir)
		}
		t.Skipf("shared corpus not found at %s/realworld", corpusDir)
	}
	p := NewParser()
	xmlFeeds, cut := 0, 0
	for _, path := range paths {
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(path)
		var unread, entries int
		t.Run(name, func(t *testing.T) { unread, entries = checkUnreadItems(t, p, body, corpusContentType(name)) })
		if !strings.HasSuffix(name, ".json") && entries > 1 {
			xmlFeeds++
			if unread > 0 {
				cut++
			}
		}
	}
	t.Logf("items went unread in %d of %d XML feeds with more than one", cut, xmlFeeds)
	if cut < xmlFeeds*95/100 {
		t.Errorf("items went unread in %d of %d XML feeds with more than one, want at least 95 %%", cut, xmlFeeds)
	}
}

// FuzzUnreadItems checks checkUnreadItems on any document.
func FuzzUnreadItems(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s.body, s.contentType)
	}
	p := NewParser()
	f.Fuzz(func(t *testing.T, body []byte, contentType string) { checkUnreadItems(t, p, body, contentType) })
}
