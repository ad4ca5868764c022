package feeds

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gleaner/gleaner/aggregator"
	"golang.org/x/text/encoding/charmap"
)

var _ aggregator.Parser = (*Parser)(nil)

// fetchedAt is the fetch time the parse tests pretend: later than every
// fixture date.
var fetchedAt = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

func parse(t *testing.T, in aggregator.ParseInput) ([]aggregator.Entry, error) {
	t.Helper()
	if in.Now.IsZero() {
		in.Now = fetchedAt
	}
	if in.Source == "" {
		in.Source = "test-source"
	}
	feed, err := NewParser().Parse(context.Background(), in)
	if err != nil {
		return nil, err
	}
	return feed.Entries, nil
}

// wantEntry is what one parsed entry must hold. Empty strings and nil
// slices are checked too: they mean the field must be empty.
type wantEntry struct {
	GUID       string
	Link       string
	Title      string
	Author     string
	Categories []string
	Published  time.Time
	Updated    time.Time
	// Summary and Content must contain every string of SummaryHas and
	// ContentHas and none of unsafeMarkup.
	SummaryHas []string
	ContentHas []string
}

// unsafe is markup that must never survive sanitising.
var unsafeMarkup = []string{"<script", "onclick", "javascript:", "<iframe", "track()", "steal()"}

type fixture struct {
	url      string
	location string
	entries  []wantEntry
}

// fixtures holds the expectations for every file in testdata/parse.
func fixtures(t *testing.T) map[string]fixture {
	shanghai := mustLoadLocation(t, "Asia/Shanghai")
	return map[string]fixture{
		"wordpress-shape.rss.xml": {
			url: "https://blog.example.org/feed/",
			entries: []wantEntry{{
				GUID:       "https://blog.example.org/?p=123",
				Link:       "https://blog.example.org/2024/03/05/botnet-takedown/",
				Title:      "Botnet takedown: what we learned – part 1",
				Author:     "Alice Example",
				Categories: []string{"Incident Response", "botnet"},
				Published:  time.Date(2024, 3, 5, 10, 20, 30, 0, time.UTC),
				Updated:    time.Date(2024, 3, 5, 10, 20, 30, 0, time.UTC),
				SummaryHas: []string{"<p>A short summary of the takedown.</p>"},
				ContentHas: []string{
					`<a href="https://example.com/report">report</a>`,
					`<img src="https://blog.example.org/wp-content/uploads/2024/03/graph.png"`,
				},
			}, {
				GUID:       "https://blog.example.org/?p=120",
				Link:       "https://blog.example.org/2024/03/01/phishing-kits/",
				Title:      "Phishing kits & how to spot them",
				Author:     "Bob Example",
				Categories: []string{"phishing"},
				Published:  time.Date(2024, 3, 1, 13, 0, 0, 0, time.UTC),
				Updated:    time.Date(2024, 3, 1, 13, 0, 0, 0, time.UTC),
				SummaryHas: []string{"Kits sold on forums …"},
			}},
		},
		"chinese-news-gb2312.rss.xml": {
			url:      "http://news.example.cn/rss/world.xml",
			location: "Asia/Shanghai",
			entries: []wantEntry{{
				Link:       "http://news.example.cn/a/20240305/001.htm",
				Title:      "国家网络安全通报中心：警惕新型木马病毒",
				Author:     "新华社",
				Categories: []string{"网络安全"},
				Published:  time.Date(2024, 3, 5, 10, 20, 30, 0, shanghai),
				Updated:    time.Date(2024, 3, 5, 10, 20, 30, 0, shanghai),
				SummaryHas: []string{"<p>据新华社报道，一种<b>新型木马</b>正在传播。</p>"},
			}, {
				GUID:       "http://news.example.cn/a/20240304/002.htm",
				Link:       "http://news.example.cn/a/20240304/002.htm",
				Title:      "多国专家研讨网络攻击溯源",
				Author:     "人民日报",
				Categories: []string{"国际"},
				Published:  time.Date(2024, 3, 4, 8, 0, 0, 0, shanghai),
				Updated:    time.Date(2024, 3, 4, 8, 0, 0, 0, shanghai),
				SummaryHas: []string{"专家认为", "国际合作至关重要。"},
			}},
		},
		"blog.atom.xml": {
			url: "https://atom.example.net/blog/feed.atom",
			entries: []wantEntry{{
				GUID:       "tag:atom.example.net,2024:post-7",
				Link:       "https://atom.example.net/blog/posts/ransomware-returns",
				Title:      "Ransomware group & friends return",
				Author:     "Carol Example",
				Categories: []string{"ransomware", "Threat intelligence"},
				Published:  time.Date(2024, 3, 6, 8, 30, 0, 0, time.UTC),
				Updated:    time.Date(2024, 3, 6, 10, 0, 0, 0, time.UTC),
				SummaryHas: []string{"<p>The group is back.</p>"},
				ContentHas: []string{"<p>Longer <em>analysis</em> here.</p>"},
			}, {
				GUID:       "tag:atom.example.net,2024:post-8",
				Link:       "https://atom.example.net/elsewhere/post-8",
				Title:      "No dates here",
				Published:  time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC), // no <published>: <updated>
				Updated:    time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC),
				SummaryHas: []string{"Plain text summary."},
			}},
		},
		"slashdot-shape.rss10.rdf": {
			url: "https://rdf.example.com/index.rdf",
			entries: []wantEntry{{
				Link:       "https://rdf.example.com/story/1",
				Title:      "Kernel patch fixes privilege escalation",
				Author:     "dave",
				Categories: []string{"security"},
				Published:  time.Date(2024, 3, 4, 16, 0, 0, 0, time.UTC),
				Updated:    time.Date(2024, 3, 4, 16, 0, 0, 0, time.UTC),
				SummaryHas: []string{"A local root bug is fixed."},
			}, {
				Link:       "https://rdf.example.com/story/2",
				Title:      "New compiler release",
				Author:     "erin",
				Categories: []string{"programming"},
				Published:  time.Date(2024, 3, 3, 13, 15, 0, 0, time.UTC),
				Updated:    time.Date(2024, 3, 3, 13, 15, 0, 0, time.UTC),
				SummaryHas: []string{"Faster builds."},
			}},
		},
		"microblog.feed.json": {
			url: "https://json.example.org/feed.json",
			entries: []wantEntry{{
				GUID:       "https://json.example.org/2024/03/07/zero-day",
				Link:       "https://json.example.org/2024/03/07/zero-day",
				Title:      "Zero-day in a VPN appliance",
				Author:     "Frank Example",
				Categories: []string{"vulnerability", "vpn"},
				Published:  time.Date(2024, 3, 7, 18, 0, 0, 0, time.UTC),
				Updated:    time.Date(2024, 3, 7, 20, 30, 0, 0, time.UTC),
				SummaryHas: []string{"Patch now."},
				ContentHas: []string{"<p>Patch now.</p>"},
			}, {
				GUID:       "42",
				Link:       "https://json.example.org/2024/03/06/note",
				Categories: []string{"notes"},
				Published:  time.Date(2024, 3, 6, 9, 0, 0, 0, time.UTC),
				Updated:    time.Date(2024, 3, 6, 9, 0, 0, 0, time.UTC),
				ContentHas: []string{"A short note without a title."},
			}},
		},
	}
}

func TestParseFixtures(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "parse", "*"))
	if err != nil {
		t.Fatal(err)
	}
	want := fixtures(t)
	seen := map[string]bool{}
	for _, path := range paths {
		name := filepath.Base(path)
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			fx, ok := want[name]
			if !ok {
				t.Fatalf("no expectations for %s: add them to fixtures()", path)
			}
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			in := aggregator.ParseInput{Body: body, URL: fx.url, Source: "fixture"}
			if fx.location != "" {
				in.Location = mustLoadLocation(t, fx.location)
			}
			got, err := parse(t, in)
			if err != nil {
				t.Fatalf("Parse(%s) error: %v", name, err)
			}
			if len(got) != len(fx.entries) {
				t.Fatalf("Parse(%s) = %d entries, want %d", name, len(got), len(fx.entries))
			}
			for i, w := range fx.entries {
				checkEntry(t, i, got[i], w)
			}
		})
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("fixture %s has expectations but no file in testdata/parse", name)
		}
	}
}

// The GB2312 fixture is only a test of decoding while its bytes are not
// UTF-8.
func TestChineseFixtureIsGB2312(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "parse", "chinese-news-gb2312.rss.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if utf8.Valid(body) {
		t.Errorf("chinese-news-gb2312.rss.xml is valid UTF-8, want GB2312 bytes")
	}
	if label := declaredEncoding(body); label != "gb2312" {
		t.Errorf("chinese-news-gb2312.rss.xml declares %q, want gb2312", label)
	}
}

func checkEntry(t *testing.T, i int, got aggregator.Entry, w wantEntry) {
	t.Helper()
	str := func(field, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("entry %d: %s = %q, want %q", i, field, got, want)
		}
	}
	str("Source", got.Source, "fixture")
	str("GUID", got.GUID, w.GUID)
	str("Link", got.Link, w.Link)
	str("Title", got.Title, w.Title)
	str("Author", got.Author, w.Author)
	if !slices.Equal(got.Categories, w.Categories) {
		t.Errorf("entry %d: Categories = %q, want %q", i, got.Categories, w.Categories)
	}
	if !got.Published.Equal(w.Published) {
		t.Errorf("entry %d: Published = %v, want %v", i, got.Published, w.Published)
	}
	if !got.Updated.Equal(w.Updated) {
		t.Errorf("entry %d: Updated = %v, want %v", i, got.Updated, w.Updated)
	}
	for _, s := range w.SummaryHas {
		if !strings.Contains(got.Summary, s) {
			t.Errorf("entry %d: Summary = %q, want it to contain %q", i, got.Summary, s)
		}
	}
	for _, s := range w.ContentHas {
		if !strings.Contains(got.Content, s) {
			t.Errorf("entry %d: Content = %q, want it to contain %q", i, got.Content, s)
		}
	}
	for _, s := range unsafeMarkup {
		if strings.Contains(got.Summary, s) || strings.Contains(got.Content, s) {
			t.Errorf("entry %d: Summary %q / Content %q keep unsafe %q", i, got.Summary, got.Content, s)
		}
	}
	if !utf8.ValidString(got.Title + got.Summary + got.Content + got.Author) {
		t.Errorf("entry %d: text is not valid UTF-8: %q", i, got.Title)
	}
}

// rssWithDates is an RSS document with one item and the given date
// elements (each a whole element, or "" for none).
func rssWithDates(elems ...string) []byte {
	return []byte(`<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>` +
		`<title>t</title><link>https://example.org/</link><description>d</description>` +
		`<item><title>i</title><link>https://example.org/1</link>` + strings.Join(elems, "") +
		`</item></channel></rss>`)
}

// TestParseHTTPCharset wants the HTTP charset honoured when the document
// declares none (gofeed alone never sees it).
func TestParseHTTPCharset(t *testing.T) {
	body := encode(t, charmap.ISO8859_1, `<rss version="2.0"><channel><title>t</title>`+
		`<item><title>Café crème</title><link>https://example.org/1</link></item></channel></rss>`)
	got, err := parse(t, aggregator.ParseInput{Body: body, ContentType: "application/rss+xml; charset=ISO-8859-1", URL: "https://example.org/feed"})
	if err != nil || len(got) != 1 {
		t.Fatalf("Parse(%q) = %d entries, %v, want 1 entry", body, len(got), err)
	}
	if want := "Café crème"; got[0].Title != want {
		t.Errorf("Parse(%q) title = %q, want %q", body, got[0].Title, want)
	}
}

func TestParseDates(t *testing.T) {
	tests := []struct {
		name          string
		body          []byte
		wantPublished time.Time
		wantUpdated   time.Time
	}{
		{
			name:          "future date is clamped to Now",
			body:          rssWithDates("<pubDate>Mon, 01 Jan 2035 00:00:00 +0000</pubDate>"),
			wantPublished: fetchedAt,
			wantUpdated:   fetchedAt,
		},
		{
			name:          "missing date is Now",
			body:          rssWithDates(),
			wantPublished: fetchedAt,
			wantUpdated:   fetchedAt,
		},
		{
			name:          "unparseable date is Now",
			body:          rssWithDates("<pubDate>sometime last week</pubDate>"),
			wantPublished: fetchedAt,
			wantUpdated:   fetchedAt,
		},
		{
			name:          "past date is kept",
			body:          rssWithDates("<pubDate>Tue, 05 Mar 2024 10:20:30 +0000</pubDate>"),
			wantPublished: time.Date(2024, 3, 5, 10, 20, 30, 0, time.UTC),
			wantUpdated:   time.Date(2024, 3, 5, 10, 20, 30, 0, time.UTC),
		},
		{
			name:          "update before publication is raised to it",
			body:          rssWithDates("<pubDate>Tue, 05 Mar 2024 10:20:30 +0000</pubDate>", "<atom:updated>2024-03-01T00:00:00Z</atom:updated>"),
			wantPublished: time.Date(2024, 3, 5, 10, 20, 30, 0, time.UTC),
			wantUpdated:   time.Date(2024, 3, 5, 10, 20, 30, 0, time.UTC),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parse(t, aggregator.ParseInput{Body: tt.body, URL: "https://example.org/feed"})
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.body, err)
			}
			if len(got) != 1 {
				t.Fatalf("Parse(%q) = %d entries, want 1", tt.body, len(got))
			}
			if !got[0].Published.Equal(tt.wantPublished) {
				t.Errorf("Parse(%q) Published = %v, want %v", tt.body, got[0].Published, tt.wantPublished)
			}
			if !got[0].Updated.Equal(tt.wantUpdated) {
				t.Errorf("Parse(%q) Updated = %v, want %v", tt.body, got[0].Updated, tt.wantUpdated)
			}
		})
	}
}

func TestParseNotFeed(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		contentType string
	}{
		{"HTML page", "<!DOCTYPE html>\n<html><head><title>Home</title></head><body><p>Welcome</p></body></html>", "text/html; charset=utf-8"},
		{"HTML page without doctype", "<html><body>hello</body></html>", "text/html"},
		{"empty body", "", ""},
		{"white space", " \r\n\t ", ""},
		{"plain text", "Service temporarily unavailable", "text/plain"},
		{"XML that is no feed", `<?xml version="1.0"?><note><to>you</to></note>`, "application/xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parse(t, aggregator.ParseInput{Body: []byte(tt.body), ContentType: tt.contentType, URL: "https://example.org/"})
			if !errors.Is(err, ErrNotFeed) {
				t.Errorf("Parse(%q) = %d entries, %v, want error wrapping ErrNotFeed", tt.body, len(got), err)
			}
		})
	}
}

// TestParseInvalid wants an error, not a panic, from broken documents.
// (gofeed reads XML leniently, so a merely mismatched end tag still
// parses; TestParseCorpusMalformed covers those.)
func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"unclosed tags", `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>broken`},
		{"bad attribute", `<rss version="2.0><channel><item><title>x</title></item></channel></rss>`},
		{"truncated JSON Feed", `{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [{"id": "1"`},
		{"JSON that is no object", `{]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parse(t, aggregator.ParseInput{Body: []byte(tt.body), URL: "https://example.org/feed"})
			if err == nil {
				t.Errorf("Parse(%q) = %d entries, nil error, want an error", tt.body, len(got))
			}
		})
	}
}

func TestParseCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := NewParser().Parse(ctx, aggregator.ParseInput{Body: rssWithDates(), Now: fetchedAt})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Parse(canceled ctx) error = %v, want context.Canceled", err)
	}
}

// A document nested far deeper than any feed is refused before gofeed
// recurses into it (DESIGN: depth pre-scan, reject past ~64 levels).
func TestParseRejectsDeepNesting(t *testing.T) {
	const depth = 10000
	body := `<?xml version="1.0"?><rss version="2.0" xmlns:x="urn:x"><channel><title>t</title><item><title>i</title>` +
		strings.Repeat("<x:a>", depth) + strings.Repeat("</x:a>", depth) + `</item></channel></rss>`
	got, err := parse(t, aggregator.ParseInput{Body: []byte(body), URL: "https://example.org/feed"})
	if !errors.Is(err, ErrTooDeep) {
		t.Errorf("Parse(%d nested elements) = %d entries, %v, want ErrTooDeep", depth, len(got), err)
	}
}

// DESIGN: resolve relative URLs in HTML before sanitising, and promote
// lazy-loading data-src to src, which the UGC policy would otherwise drop.
func TestParseResolvesURLsInHTML(t *testing.T) {
	body := `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://blog.example.org/</link><description>d</description>` +
		`<item><title>i</title><link>/post</link><description><![CDATA[` +
		`<p><a href="/2024/other-post/">other</a> <img src="/img/a.png"> <img data-src="https://cdn.example.org/b.png" src="data:image/gif;base64,R0lGOD"></p>` +
		`]]></description></item></channel></rss>`
	got, err := parse(t, aggregator.ParseInput{Body: []byte(body), URL: "https://blog.example.org/feed/"})
	if err != nil || len(got) != 1 {
		t.Fatalf("Parse = %d entries, %v, want 1 entry", len(got), err)
	}
	for _, want := range []string{
		`href="https://blog.example.org/2024/other-post/"`,
		`src="https://blog.example.org/img/a.png"`,
		`src="https://cdn.example.org/b.png"`,
	} {
		if !strings.Contains(got[0].Summary, want) {
			t.Errorf("Parse Summary = %q, want it to contain %q", got[0].Summary, want)
		}
	}
}

// corpusDir is the shared feed corpus, outside the repository.
const corpusDir = "../../shared/corpus"

// TestParseCorpus parses every real-world feed of the shared corpus and
// wants at least as many entries as gofeed v1.4.2 found on its own (the
// third column of CROSSCHECK-realworld.tsv).
func TestParseCorpus(t *testing.T) {
	tsv := filepath.Join(corpusDir, "CROSSCHECK-realworld.tsv")
	f, err := os.Open(tsv)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("shared corpus not found at %s; skipping the real-world parse test", corpusDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	counts := map[string]int{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		cols := strings.Split(sc.Text(), "\t")
		if line == 1 || len(cols) < 3 {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(cols[2]))
		if err != nil {
			t.Fatalf("%s:%d: gofeed count %q: %v", tsv, line, cols[2], err)
		}
		counts[filepath.Base(cols[0])] = n
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	paths, err := filepath.Glob(filepath.Join(corpusDir, "realworld", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no files in %s/realworld", corpusDir)
	}
	p := NewParser()
	for _, path := range paths {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			want, ok := counts[name]
			if !ok {
				t.Fatalf("%s has no row in %s", name, tsv)
			}
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			feed, err := p.Parse(context.Background(), aggregator.ParseInput{
				Body: body, URL: "https://corpus.example/" + name, Source: "corpus", Now: fetchedAt,
			})
			if err != nil {
				t.Fatalf("Parse(%s) error: %v", name, err)
			}
			got := feed.Entries
			if len(got) < want {
				t.Errorf("Parse(%s) = %d entries, want at least %d (gofeed's count)", name, len(got), want)
			}
			for i, e := range got {
				if e.Published.IsZero() || e.Published.After(fetchedAt) {
					t.Errorf("Parse(%s) entry %d Published = %v, want set and not after %v", name, i, e.Published, fetchedAt)
				}
				if !utf8.ValidString(e.Title) {
					t.Errorf("Parse(%s) entry %d Title %q is not valid UTF-8", name, i, e.Title)
				}
			}
		})
	}
}

// TestParseCorpusMalformed feeds every broken or odd document of the
// shared corpus to Parse: an error is fine, a panic is not, and entries
// that do come out must be dated.
func TestParseCorpusMalformed(t *testing.T) {
	root := filepath.Join(corpusDir, "malformed")
	if _, err := os.Stat(root); errors.Is(err, os.ErrNotExist) {
		t.Skipf("shared corpus not found at %s; skipping the malformed-input test", corpusDir)
	}
	p := NewParser()
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name, _ := filepath.Rel(root, path)
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("Parse(%s) panicked: %v", name, r)
				}
			}()
			feed, err := p.Parse(context.Background(), aggregator.ParseInput{
				Body: body, URL: "https://corpus.example/" + name, Source: "corpus", Now: fetchedAt,
			})
			if err != nil {
				return
			}
			got := feed.Entries
			for i, e := range got {
				if e.Published.IsZero() || e.Published.After(fetchedAt) {
					t.Errorf("Parse(%s) entry %d Published = %v, want set and not after %v", name, i, e.Published, fetchedAt)
				}
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
