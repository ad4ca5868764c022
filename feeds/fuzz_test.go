package feeds

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gleaner/gleaner/aggregator"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// fuzzSeed is one starting input: a document and its HTTP Content-Type.
type fuzzSeed struct {
	body        []byte
	contentType string
}

// fuzzSeeds returns small inline documents, so that fuzzing works without
// the shared corpus, and every file of the corpus folders that hold feeds.
func fuzzSeeds(f *testing.F) []fuzzSeed {
	gb, err := simplifiedchinese.GBK.NewEncoder().String(`<?xml version="1.0" encoding="gb2312"?>
<rss version="2.0"><channel><title>新闻</title><item><title>网络安全新闻</title><link>/a</link>
<pubDate>2024-01-02 15:04:05</pubDate><description>&lt;p&gt;木马&lt;/p&gt;</description></item></channel></rss>`)
	if err != nil {
		f.Fatal(err)
	}
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(`<?xml version="1.0" encoding="utf-16"?>
<rss version="2.0"><channel><item><title>Iñtërnâtiônàl</title><guid>1</guid></item></channel></rss>`)
	if err != nil {
		f.Fatal(err)
	}
	seeds := []fuzzSeed{
		{[]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://example.org/</link>` +
			`<item><title>A &amp; B</title><link>/post/1</link><guid isPermaLink="false">1</guid>` +
			`<pubDate>Mon, 02 Jan 2006 15:04:05 CST</pubDate><description><![CDATA[<p onclick="x()">hi <a href="../x">x</a></p>]]></description>` +
			`<category>c</category><author>a@example.org (A)</author></item></channel></rss>`), "application/rss+xml"},
		{[]byte(`<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.org/"><title>T</title>` +
			`<entry><title type="html">&lt;b&gt;A&lt;/b&gt;</title><link href="e/1"/><id>urn:1</id>` +
			`<published>2024-01-02T15:04:05+08:00</published><updated>2023-01-01T00:00:00Z</updated>` +
			`<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><img src="i.png"/></div></content>` +
			`<author><name>N</name></author></entry></feed>`), "application/atom+xml; charset=utf-8"},
		{[]byte(`{"version":"https://jsonfeed.org/version/1.1","title":"T","home_page_url":"https://example.org/",` +
			`"items":[{"id":"1","url":"/1","title":"A\u0000B","content_html":"<p>x</p>","date_published":"2999-01-01T00:00:00Z",` +
			`"authors":[{"name":"N"}],"tags":["t"]}]}`), "application/feed+json"},
		{[]byte(gb), "text/xml"},
		{[]byte(gb), "text/xml; charset=gbk"},
		{[]byte(u16), ""},
		{[]byte(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" ` +
			`xmlns:dc="http://purl.org/dc/elements/1.1/"><item rdf:about="u"><title>R</title><link>http:x</link>` +
			`<dc:date>1700000000</dc:date></item></rdf:RDF>`), "application/rdf+xml; charset=iso-8859-1"},
	}
	for _, dir := range []string{"realworld", "malformed", "encodings", "jsonfeed"} {
		root := filepath.Join(corpusDir, dir)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			body, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			seeds = append(seeds, fuzzSeed{body, readCaseMeta(body).contentType})
			return nil
		})
		if errors.Is(err, fs.ErrNotExist) {
			f.Logf("shared corpus folder %s not found; fuzzing from inline seeds only", root)
			continue
		}
		if err != nil {
			f.Fatal(err)
		}
	}
	return seeds
}

// FuzzParse checks what must hold of any document Parse accepts: dates
// set and not after the fetch time, valid UTF-8, no characters XML forbids
// in titles, and links that are absent or absolute http(s).
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s.body, s.contentType)
	}
	p := NewParser()
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		feed, err := p.Parse(context.Background(), aggregator.ParseInput{
			Body: body, ContentType: contentType, URL: "https://feeds.example.org/feed.xml",
			Source: "fuzz", Now: fetchedAt,
		})
		if err != nil {
			return
		}
		for i, e := range feed.Entries {
			if e.Published.IsZero() || e.Published.After(fetchedAt) {
				t.Errorf("entry %d Published = %v, want set and not after %v", i, e.Published, fetchedAt)
			}
			if e.Updated.Before(e.Published) || e.Updated.After(fetchedAt) {
				t.Errorf("entry %d Updated = %v, want between Published %v and %v", i, e.Updated, e.Published, fetchedAt)
			}
			for field, s := range map[string]string{"Title": e.Title, "Summary": e.Summary, "Content": e.Content, "Author": e.Author} {
				if !utf8.ValidString(s) {
					t.Errorf("entry %d %s = %q, want valid UTF-8", i, field, s)
				}
			}
			if got := StripInvalidXML(e.Title); got != e.Title {
				t.Errorf("entry %d Title = %q holds characters XML forbids", i, e.Title)
			}
			if e.Link != "" {
				u, err := url.Parse(e.Link)
				if err != nil || !u.IsAbs() || (u.Scheme != "http" && u.Scheme != "https") {
					t.Errorf("entry %d Link = %q, want empty or absolute http(s)", i, e.Link)
				} else if u.Host == "" {
					t.Errorf("entry %d Link = %q has no host", i, e.Link)
				}
			}
		}
	})
}

// TestParseLinkNeedsHost: an http(s) URL without a host ("http:foo",
// "http:///x", "https://") is no link a reader can follow, yet Parse
// keeps it as the entry's link, which outputs then publish.
func TestParseLinkNeedsHost(t *testing.T) {
	for _, link := range []string{"http:foo", "http:///x", "https://", "https:?q=1"} {
		got, err := parse(t, aggregator.ParseInput{
			Body: []byte(`<rss><channel><item><title>t</title><link>` + link + `</link></item></channel></rss>`),
			URL:  "https://feeds.example.org/feed.xml",
		})
		if err != nil {
			t.Fatalf("Parse(link %q) error: %v", link, err)
		}
		if len(got) != 1 {
			t.Fatalf("Parse(link %q) = %d entries, want 1", link, len(got))
		}
		if got[0].Link != "" {
			t.Errorf("Parse(link %q) Link = %q, want empty", link, got[0].Link)
		}
	}
}

// FuzzToUTF8 checks that decoding always yields UTF-8 and that a document
// that declares its encoding comes out declaring UTF-8, so that the XML
// parser does not decode it a second time.
func FuzzToUTF8(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s.body, s.contentType)
	}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		out, err := toUTF8(body, contentType)
		if err != nil {
			return
		}
		if !utf8.Valid(out) {
			t.Fatalf("toUTF8(%q, %q) = %q, not valid UTF-8", abbrevBytes(body), contentType, abbrevBytes(out))
		}
		if label := declaredEncoding(out); label != "" && !strings.EqualFold(label, "utf-8") {
			t.Fatalf("toUTF8(%q, %q) declares %q, want UTF-8", abbrevBytes(body), contentType, label)
		}
		if label := declaredEncoding(bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF"))); label != "" {
			if got := declaredEncoding(out); !strings.EqualFold(got, "utf-8") {
				t.Fatalf("toUTF8(%q, %q) = %q, declaring %q, want the declaration of %q rewritten to UTF-8",
					abbrevBytes(body), contentType, abbrevBytes(out), got, label)
			}
		}
	})
}

func abbrevBytes(b []byte) []byte {
	if len(b) > 200 {
		return append(b[:200:200], "…"...)
	}
	return b
}
