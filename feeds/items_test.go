package feeds

import (
	"bytes"
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
			found, ok := itemSpans([]byte(tt.doc))
			if ok != (tt.items != nil) {
				t.Fatalf("ok = %v, want %v (spans %v)", ok, tt.items != nil, found.items)
			}
			var got []string
			for _, s := range found.items {
				got = append(got, tt.doc[s.start:s.end])
			}
			if ok && !reflect.DeepEqual(got, tt.items) {
				t.Errorf("items = %q, want %q", got, tt.items)
			}
		})
	}
}

func TestPubDateSpans(t *testing.T) {
	rss := func(items string) string {
		return `<rss version="2.0"><channel><pubDate>Tue, 05 Mar 2024 09:00:00 GMT</pubDate>` + items + `</channel></rss>`
	}
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"one per item", rss(`<item><pubDate>a</pubDate></item><item><title>t</title><pubDate> b </pubDate></item>`), []string{"a", " b "}},
		{"the channel's is not an item's", rss(`<item><title>t</title></item>`), nil},
		{"markup in a description", rss(`<item><description><![CDATA[<pubDate>x</pubDate>]]></description><pubDate>a</pubDate></item>`), []string{"a"}},
		{"nested deeper", rss(`<item><source><pubDate>x</pubDate></source></item>`), nil},
		{"CDATA, entities and comments are left to gofeed", rss(`<item><pubDate><![CDATA[x]]></pubDate></item><item><pubDate>x&#32;y</pubDate></item><item><pubDate>x<!-- c --></pubDate></item>`), nil},
		{"attributes, prefixes and other cases are left too", rss(`<item><pubDate lang="en">x</pubDate><dc:pubDate>x</dc:pubDate><pubdate>x</pubdate></item>`), nil},
		{"an Atom entry has none", `<feed xmlns="http://www.w3.org/2005/Atom"><entry><published>x</published></entry></feed>`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found, ok := itemSpans([]byte(tt.doc))
			if !ok {
				t.Fatalf("itemSpans(%s) not ok", tt.doc)
			}
			var got []string
			for _, s := range found.pubDates {
				got = append(got, tt.doc[s.start:s.end])
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("pubDates = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDatesForGofeed(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		raw  string
		loc  *time.Location
		want string // "": left as it is
	}{
		{"Tue, 05 Mar 2024 09:00:00 GMT", time.UTC, "Tue, 05 Mar 2024 09:00:00 +0000"},
		{" Tue, 5 Mar 2024 09:00:00 +0100\n", time.UTC, "Tue, 05 Mar 2024 09:00:00 +0100"},
		{"2024-03-05 17:00:00", shanghai, "Tue, 05 Mar 2024 17:00:00 +0800"},
		{"Tue, 05 Mar 2024 09:00:00 CST", shanghai, "Tue, 05 Mar 2024 09:00:00 +0800"},
		{"Tue, 05 Mar 2024 09:00:00 EST", time.UTC, "Tue, 05 Mar 2024 09:00:00 -0500"},
		{"1709629200", time.UTC, "Tue, 05 Mar 2024 09:00:00 +0000"},
		{"Tue, 05 Mar 2024 09:00:00 +0000", time.UTC, ""},
		{"Tue, 05 Mar 2024 09:00:00 -0130", time.UTC, ""},
		{"2024-03-05T09:00:00.5Z", time.UTC, ""},
		{"sometime last week", time.UTC, ""},
		{"", time.UTC, ""},
	}
	for _, tt := range tests {
		got, ok := (&dateReader{}).forGofeed([]byte(strings.ReplaceAll(tt.raw, `\n`, "\n")), tt.loc)
		if ok != (tt.want != "") || string(got) != tt.want {
			t.Errorf("forGofeed(%q, %s) = %q, %v; want %q", tt.raw, tt.loc, got, ok, tt.want)
		}
	}
}

// checkDatesForGofeed parses body as it came and with its dates rewritten
// for gofeed: every entry must read the same, and gofeed itself must read
// every date rewritten. It reports how many dates were.
func checkDatesForGofeed(t *testing.T, p *Parser, body []byte, contentType string) (rewritten int) {
	t.Helper()
	body, err := toUTF8(body, contentType)
	if err != nil || !bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")) || checkDepth(body) != nil {
		return 0
	}
	doc := bytes.TrimSpace(body)
	in := aggregator.ParseInput{URL: "https://feeds.example.org/feed.xml", Source: "s", Location: time.UTC, Now: fetchedAt}
	items := digestItems(doc, in)
	asSent, err := parseDocument(doc)
	if len(items.edits) == 0 || err != nil {
		return 0
	}
	edited, err := parseDocument(items.doc(doc))
	if err != nil {
		t.Fatalf("with dates rewritten: %v; as sent: no error", err)
	}
	if len(edited.Items) != len(asSent.Items) {
		t.Fatalf("with dates rewritten: %d items; as sent: %d", len(edited.Items), len(asSent.Items))
	}
	base := baseURL(in.URL, asSent.Link)
	readA, readB := &dateReader{}, &dateReader{}
	for i, it := range edited.Items {
		if it.Published != asSent.Items[i].Published {
			rewritten++
			if it.PublishedParsed == nil {
				t.Errorf("item %d: gofeed did not read the rewritten date %q", i, it.Published)
			}
		}
		got, want := p.entry(it, base, in, readB), p.entry(asSent.Items[i], base, in, readA)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("item %d with dates rewritten:\n%+v\nas sent:\n%+v", i, got, want)
		}
	}
	return rewritten
}

// TestDatesForGofeedCorpus runs checkDatesForGofeed over the shared
// corpus's real-world feeds.
func TestDatesForGofeedCorpus(t *testing.T) {
	p := NewParser()
	all, feeds, rewritten := 0, 0, 0
	forEachRealWorldFeed(t, func(t *testing.T, name string, body []byte) {
		all++
		if n := checkDatesForGofeed(t, p, body, corpusContentType(name)); n > 0 {
			feeds++
			rewritten += n
		}
	})
	t.Logf("%d dates rewritten for gofeed in %d of %d feeds", rewritten, feeds, all)
	if feeds == 0 {
		t.Error("no date was rewritten in any feed of the corpus")
	}
}

// FuzzDatesForGofeed checks checkDatesForGofeed on any document.
func FuzzDatesForGofeed(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s.body, s.contentType)
	}
	p := NewParser()
	f.Fuzz(func(t *testing.T, body []byte, contentType string) { checkDatesForGofeed(t, p, body, contentType) })
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

// forEachRealWorldFeed runs check on every real-world feed of the shared
// corpus, each in a subtest of its own. Without the corpus the test is
// skipped, or fails under CI.
func forEachRealWorldFeed(t *testing.T, check func(t *testing.T, name string, body []byte)) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(corpusDir, "realworld", "*"))
	if err != nil || len(paths) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared corpus not found at %s/realworld", corpusDir)
		}
		t.Skipf("shared corpus not found at %s/realworld", corpusDir)
	}
	for _, path := range paths {
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) { check(t, name, body) })
	}
}

// TestUnreadItemsCorpus runs checkUnreadItems over the shared corpus's
// real-world feeds, and checks that items do go unread in nearly every
// XML feed with more than one (in all of them when this was written).
func TestUnreadItemsCorpus(t *testing.T) {
	p := NewParser()
	xmlFeeds, cut := 0, 0
	forEachRealWorldFeed(t, func(t *testing.T, name string, body []byte) {
		unread, entries := checkUnreadItems(t, p, body, corpusContentType(name))
		if !strings.HasSuffix(name, ".json") && entries > 1 {
			xmlFeeds++
			if unread > 0 {
				cut++
			}
		}
	})
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
