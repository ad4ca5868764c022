package aggregator_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/aggregator/fetch"
	"github.com/gleaner/gleaner/aggregator/sqlite"
	"github.com/gleaner/gleaner/feeds"
)

const itemXML = `<item><title>%s</title><link>https://news.example/%s</link><guid>%s</guid>
<description>&lt;p&gt;%s&lt;/p&gt;</description><pubDate>Tue, 05 Mar 2024 08:00:00 GMT</pubDate></item>`

func rssOf(items ...string) string {
	return `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://news.example/</link><description>d</description>` +
		strings.Join(items, "") + `</channel></rss>`
}

// countingParser counts the entries the real parser left unread and
// those it left uncleaned.
type countingParser struct {
	*feeds.Parser
	unread, unchanged atomic.Int64
}

func (c *countingParser) Parse(ctx context.Context, in aggregator.ParseInput) (*aggregator.Feed, error) {
	f, err := c.Parser.Parse(ctx, in)
	if err == nil {
		for _, e := range f.Entries {
			switch {
			case e.Unread:
				c.unread.Add(1)
			case e.Unchanged:
				c.unchanged.Add(1)
			}
		}
	}
	return f, err
}

// TestRepollSkipsUnchanged: a changed feed whose items are mostly as
// before. An item sent byte for byte as before is not even parsed; one
// that reads the same is not cleaned, tagged or written again; both
// lose nothing. The edited one is updated, the new one added.
func TestRepollSkipsUnchanged(t *testing.T) {
	weather := fmt.Sprintf(itemXML, "Sunny in Beijing", "4", "g4", "Clear skies.")
	body := rssOf(
		fmt.Sprintf(itemXML, "Ransomware hits port", "1", "g1", "The port said a ransomware attack stopped cranes."),
		fmt.Sprintf(itemXML, "Markets close higher", "2", "g2", "Stocks rose."),
		weather,
	)
	etag := `"v1"`
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", etag)
		w.Write([]byte(body))
	}))
	defer ts.Close()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tagger, _ := aggregator.NewTagger(aggregator.TaggerOptions{Rules: []aggregator.TagRule{{Name: "cyber-security", Any: []string{"ransomware"}}}})
	parser := &countingParser{Parser: feeds.NewParser()}
	p := &aggregator.Poller{Store: db, Fetcher: fetch.New(fetch.Options{AllowPrivate: true}), Parser: parser, Tagger: tagger}
	src := aggregator.Source{Name: "s", URL: ts.URL, Schedule: aggregator.MustParseSchedule("@hourly")}

	if res := p.Poll(context.Background(), src); res.Err != nil || res.New != 3 {
		t.Fatalf("first poll = %+v", res)
	}
	body = rssOf(
		fmt.Sprintf(itemXML, "Ransomware hits port", "1", "g1", "The port said a ransomware attack stopped cranes."),
		fmt.Sprintf(itemXML, "Markets close higher again", "2", "g2", "Stocks rose."),
		fmt.Sprintf(itemXML, "New botnet found", "3", "g3", "Researchers found a botnet."),
		strings.Replace(weather, "<title>", "\n  <title>", 1), // other bytes, the same reading
	)
	etag = `"v2"`
	res := p.Poll(context.Background(), src)
	if res.Err != nil || res.New != 1 || res.Updated != 1 || res.Entries != 4 {
		t.Fatalf("second poll = %+v, want 4 entries: 1 new, 1 updated", res)
	}
	if unread, unchanged := parser.unread.Load(), parser.unchanged.Load(); unread != 1 || unchanged != 1 {
		t.Errorf("the parser left %d entries unread and %d uncleaned, want 1 and 1", unread, unchanged)
	}
	items, err := db.Items(context.Background(), aggregator.ItemQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	byTitle := map[string]aggregator.Item{}
	for _, it := range items {
		byTitle[it.Title] = it
	}
	kept, ok := byTitle["Ransomware hits port"]
	if !ok || !strings.Contains(kept.Summary, "cranes") || len(kept.Tags) != 1 || kept.Tags[0] != "cyber-security" {
		t.Errorf("the unchanged item is now %+v; want its text and tags as before", kept)
	}
	if _, ok := byTitle["Markets close higher again"]; !ok || len(items) != 4 || byTitle["Sunny in Beijing"].Summary == "" {
		t.Errorf("items = %v, want the edit applied and three items", byTitle)
	}
}
