package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"
)

var update = flag.Bool("update", false, "rewrite golden files")

// renderDoc is an output of three items: one in Chinese, one merged from
// two sources, and one whose title and tags carry a control character.
func renderDoc() *Document {
	return &Document{
		Output: aggregator.Output{
			Name:        "cyber-security",
			Title:       "Cyber-security reports",
			Description: "Cyber-security news in English and Chinese",
			Tags:        []string{"cyber-security"},
			Limit:       50,
		},
		BaseURL:   "https://news.example.org",
		Hubs:      []string{"https://hub.example.org/"},
		Generator: "gleaner test",
		Items: []aggregator.Item{
			{
				ID:        1,
				UID:       "01HZZCHINESE",
				Title:     "国家网络安全通报中心：警惕新型木马病毒",
				Link:      "http://news.example.cn/a/20240305/001.htm",
				Summary:   "<p>据新华社报道，一种<b>新型木马</b>正在传播。</p>",
				Author:    "新华社",
				Published: time.Date(2024, 3, 5, 2, 20, 30, 0, time.UTC),
				Updated:   time.Date(2024, 3, 5, 2, 20, 30, 0, time.UTC),
				Tags:      []string{"cyber-security", "china"},
				Sources: []aggregator.ItemSource{{
					Name: "xinhua-world", Link: "http://news.example.cn/a/20240305/001.htm",
					Title: "国家网络安全通报中心：警惕新型木马病毒", FeedURL: "http://news.example.cn/rss/world.xml",
				}},
			},
			{
				ID:        2,
				UID:       "01HZZMERGED",
				Title:     "Botnet takedown: what we learned",
				Link:      "https://blog.example.org/2024/03/05/botnet-takedown/",
				Summary:   "<p>A short summary of the takedown.</p>",
				Content:   `<p>The full story with a <a href="https://example.com/report">report</a>.</p>`,
				Author:    "Alice Example",
				Published: time.Date(2024, 3, 5, 10, 20, 30, 0, time.UTC),
				Updated:   time.Date(2024, 3, 6, 8, 0, 0, 0, time.UTC),
				Tags:      []string{"cyber-security", "botnet"},
				Sources: []aggregator.ItemSource{{
					Name: "example-blog", Link: "https://blog.example.org/2024/03/05/botnet-takedown/",
					Title: "Botnet takedown: what we learned", FeedURL: "https://blog.example.org/feed/",
				}, {
					Name: "wire-news", Link: "https://wire.example.com/2024/03/botnet-takedown",
					Title: "Police take down botnet", FeedURL: "https://wire.example.com/rss",
				}},
			},
			{
				ID:        3,
				UID:       "01HZZCONTROL",
				Title:     "Phishing\x0b kits sold on forums",
				Link:      "https://forum-watch.example.net/phishing-kits",
				Content:   "<p>Kits\x0b are cheap.</p>",
				Published: time.Date(2024, 3, 1, 13, 0, 0, 0, time.UTC),
				Updated:   time.Date(2024, 3, 1, 13, 0, 0, 0, time.UTC),
				Tags:      []string{"cyber-security", "phish\x0bing"},
				Sources: []aggregator.ItemSource{{
					Name: "forum-watch", Link: "https://forum-watch.example.net/phishing-kits",
				}},
			},
		},
	}
}

// render renders d in f twice and wants the same bytes both times.
func render(t *testing.T, f Format, d *Document) []byte {
	t.Helper()
	first, err := Render(f, d)
	if err != nil {
		t.Fatalf("Render(%s) error: %v", f, err)
	}
	second, err := Render(f, d)
	if err != nil {
		t.Fatalf("Render(%s) error: %v", f, err)
	}
	if !bytes.Equal(first, second) {
		t.Errorf("Render(%s) differs between two renders:\n%s\n---\n%s", f, first, second)
	}
	return first
}

func TestRenderGolden(t *testing.T) {
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			got := render(t, f, renderDoc())
			golden := filepath.Join("testdata", "render", "three-items."+string(f)+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Render(%s) does not match %s (run go test -update and review the diff):\n%s", f, golden, got)
			}
		})
	}
}

// wellFormed reads b with encoding/xml, which is stricter than gofeed.
func wellFormed(t *testing.T, b []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("output is not well-formed XML: %v", err)
		}
	}
}

// TestRenderRoundTrip parses every rendering back with gofeed and wants
// the items as given: ids, titles (Chinese intact, control characters
// gone), primary links, tags and dates.
func TestRenderRoundTrip(t *testing.T) {
	d := renderDoc()
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			out := render(t, f, d)
			if f != JSON {
				wellFormed(t, out)
			}
			if bytes.ContainsRune(out, '\x0b') || bytes.Contains(out, []byte(`\u000b`)) || bytes.ContainsRune(out, '\uFFFD') {
				t.Errorf("Render(%s) keeps the control character \\x0b or a U+FFFD in its place", f)
			}
			feed, err := gofeed.NewParser().Parse(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("gofeed cannot parse Render(%s): %v", f, err)
			}
			if len(feed.Items) != len(d.Items) {
				t.Fatalf("Render(%s) has %d items, want %d", f, len(feed.Items), len(d.Items))
			}
			for i, got := range feed.Items {
				it := &d.Items[i]
				if want := d.ItemID(it); got.GUID != want {
					t.Errorf("Render(%s) item %d id = %q, want %q", f, i, got.GUID, want)
				}
				if want := StripInvalidXML(it.Title); got.Title != want {
					t.Errorf("Render(%s) item %d title = %q, want %q", f, i, got.Title, want)
				}
				if got.Link != it.Link {
					t.Errorf("Render(%s) item %d link = %q, want the primary link %q", f, i, got.Link, it.Link)
				}
				if want := stripAll(it.Tags); !slices.Equal(got.Categories, want) {
					t.Errorf("Render(%s) item %d categories = %q, want %q", f, i, got.Categories, want)
				}
				if got.PublishedParsed == nil || !got.PublishedParsed.Equal(it.Published) {
					t.Errorf("Render(%s) item %d published = %v, want %v", f, i, got.PublishedParsed, it.Published)
				}
				if got.UpdatedParsed == nil || !got.UpdatedParsed.Equal(it.Updated) {
					t.Errorf("Render(%s) item %d updated = %v, want %v", f, i, got.UpdatedParsed, it.Updated)
				}
			}
		})
	}
}

func stripAll(tags []string) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = StripInvalidXML(t)
	}
	return out
}

// TestRenderIDsAcrossFormats wants one id per item whatever the format.
func TestRenderIDsAcrossFormats(t *testing.T) {
	d := renderDoc()
	ids := map[Format][]string{}
	for _, f := range Formats {
		feed, err := gofeed.NewParser().Parse(bytes.NewReader(render(t, f, d)))
		if err != nil {
			t.Fatalf("gofeed cannot parse Render(%s): %v", f, err)
		}
		for _, it := range feed.Items {
			ids[f] = append(ids[f], it.GUID)
		}
	}
	for _, f := range Formats[1:] {
		if !slices.Equal(ids[f], ids[Formats[0]]) {
			t.Errorf("Render(%s) ids = %q, want the %s ids %q", f, ids[f], Formats[0], ids[Formats[0]])
		}
	}
	seen := map[string]bool{}
	for _, id := range ids[Formats[0]] {
		if seen[id] {
			t.Errorf("id %q appears twice", id)
		}
		seen[id] = true
	}
}

func TestRenderJSON(t *testing.T) {
	d := renderDoc()
	var feed struct {
		Version string `json:"version"`
		FeedURL string `json:"feed_url"`
		Hubs    []struct {
			Type string `json:"type"`
			URL  string `json:"url"`
		} `json:"hubs"`
		Items []struct {
			ID      string   `json:"id"`
			Tags    []string `json:"tags"`
			Gleaner struct {
				Sources []struct {
					Name string `json:"name"`
					URL  string `json:"url"`
				} `json:"sources"`
			} `json:"_gleaner"`
		} `json:"items"`
	}
	out := render(t, JSON, d)
	if err := json.Unmarshal(out, &feed); err != nil {
		t.Fatalf("Render(json) is not JSON: %v\n%s", err, out)
	}
	if want := "https://jsonfeed.org/version/1.1"; feed.Version != want {
		t.Errorf("Render(json) version = %q, want %q", feed.Version, want)
	}
	if want := "https://news.example.org/feeds/cyber-security.json"; feed.FeedURL != want {
		t.Errorf("Render(json) feed_url = %q, want %q", feed.FeedURL, want)
	}
	if len(feed.Hubs) != 1 || feed.Hubs[0].URL != d.Hubs[0] {
		t.Errorf("Render(json) hubs = %+v, want one with url %q", feed.Hubs, d.Hubs[0])
	}
	if len(feed.Items) != len(d.Items) {
		t.Fatalf("Render(json) has %d items, want %d", len(feed.Items), len(d.Items))
	}
	for i, got := range feed.Items {
		it := &d.Items[i]
		src := got.Gleaner.Sources
		if len(src) != len(it.Sources) {
			t.Errorf("Render(json) item %d has %d _gleaner.sources, want %d", i, len(src), len(it.Sources))
			continue
		}
		for j, s := range it.Sources {
			if src[j].Name != s.Name || src[j].URL != s.Link {
				t.Errorf("Render(json) item %d source %d = %+v, want {%s %s}", i, j, src[j], s.Name, s.Link)
			}
		}
		if src[0].URL != it.Link {
			t.Errorf("Render(json) item %d first source url = %q, want the primary link %q", i, src[0].URL, it.Link)
		}
	}
}

func TestRenderAtom(t *testing.T) {
	d := renderDoc()
	out := render(t, Atom, d)
	var feed struct {
		ID    string `xml:"id"`
		Links []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Entries []struct {
			Published string `xml:"published"`
			Links     []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(out, &feed); err != nil {
		t.Fatalf("Render(atom) is not XML: %v", err)
	}
	rels := map[string]string{}
	for _, l := range feed.Links {
		rels[l.Rel] = l.Href
	}
	for rel, want := range map[string]string{
		"self":      "https://news.example.org/feeds/cyber-security.atom",
		"alternate": "https://news.example.org/",
		"hub":       "https://hub.example.org/",
	} {
		if rels[rel] != want {
			t.Errorf(`Render(atom) feed link rel=%q = %q, want %q`, rel, rels[rel], want)
		}
	}
	if feed.ID != d.FeedURL(Atom) {
		t.Errorf("Render(atom) feed id = %q, want %q", feed.ID, d.FeedURL(Atom))
	}
	if len(feed.Entries) != len(d.Items) {
		t.Fatalf("Render(atom) has %d entries, want %d", len(feed.Entries), len(d.Items))
	}
	for i, e := range feed.Entries {
		it := &d.Items[i]
		if want := it.Published.Format(time.RFC3339); e.Published != want {
			t.Errorf("Render(atom) entry %d <published> = %q, want %q", i, e.Published, want)
		}
		var alternate, related []string
		for _, l := range e.Links {
			switch l.Rel {
			case "alternate":
				alternate = append(alternate, l.Href)
			case "related":
				related = append(related, l.Href)
			}
		}
		if !slices.Equal(alternate, []string{it.Link}) {
			t.Errorf("Render(atom) entry %d alternate links = %q, want [%q]", i, alternate, it.Link)
		}
		var wantRelated []string
		for _, s := range it.Sources[1:] {
			wantRelated = append(wantRelated, s.Link)
		}
		if !slices.Equal(related, wantRelated) {
			t.Errorf("Render(atom) entry %d related links = %q, want %q", i, related, wantRelated)
		}
	}
}

func TestRenderRSS(t *testing.T) {
	d := renderDoc()
	out := render(t, RSS, d)
	feed, err := (&rss.Parser{}).Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("gofeed/rss cannot parse Render(rss): %v", err)
	}
	if len(feed.Items) != len(d.Items) {
		t.Fatalf("Render(rss) has %d items, want %d", len(feed.Items), len(d.Items))
	}
	for i, got := range feed.Items {
		it := &d.Items[i]
		if got.GUID == nil || got.GUID.Value != d.ItemID(it) || got.GUID.IsPermalink != "false" {
			t.Errorf(`Render(rss) item %d guid = %+v, want {%s false}`, i, got.GUID, d.ItemID(it))
		}
		if len(got.Categories) != len(it.Tags) {
			t.Errorf("Render(rss) item %d has %d <category>, want one per tag (%d)", i, len(got.Categories), len(it.Tags))
		}
		if got.Source == nil || got.Source.URL != it.Sources[0].FeedURL {
			if it.Sources[0].FeedURL != "" {
				t.Errorf("Render(rss) item %d <source> = %+v, want url %q", i, got.Source, it.Sources[0].FeedURL)
			}
		}
	}
	// The merged item names its other outlet in content:encoded.
	if merged := feed.Items[1].Content; !strings.Contains(merged, "wire-news") || !strings.Contains(merged, d.Items[1].Sources[1].Link) {
		t.Errorf("Render(rss) merged item content = %q, want it to name the other source", merged)
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		wantErr bool
	}{
		{"rss", RSS, false},
		{".atom", Atom, false},
		{"JSON", JSON, false},
		{"xml", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFormat(tt.in)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("ParseFormat(%q) = %q, %v, want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestPlainSummary(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "empty", in: "", want: ""},
		{name: "plain", in: "Patch now.", want: "Patch now."},
		{name: "paragraphs", in: "<p>One.</p><p>Two.</p>", want: "One. Two."},
		{name: "line break", in: "One<br>Two", want: "One Two"},
		{name: "entities", in: "<p>Tom &amp; Jerry&nbsp;&lt;3</p>", want: "Tom & Jerry <3"},
		{name: "inline tag inside a word", in: "<p><b>W</b>ord</p>", want: "Word"},
		{name: "inline tags in Chinese", in: "<p>一种<b>新型木马</b>正在传播。</p>", want: "一种新型木马正在传播。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := plainSummary(tt.in); got != tt.want {
				t.Errorf("plainSummary(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFormatContentType(t *testing.T) {
	for f, want := range map[Format]string{
		RSS:  "application/rss+xml; charset=utf-8",
		Atom: "application/atom+xml; charset=utf-8",
		JSON: "application/feed+json; charset=utf-8",
	} {
		if got := f.ContentType(); got != want {
			t.Errorf("%s.ContentType() = %q, want %q", f, got, want)
		}
	}
}
