package feeds

import (
	"encoding/json"
	"html"
	"io"
	"strings"
	"time"
)

// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), written with our
// own structs: gorilla/feeds writes 1.0.
type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url"`
	Description string       `json:"description,omitempty"`
	Authors     []jsonAuthor `json:"authors,omitempty"`
	Hubs        []jsonHub    `json:"hubs,omitempty"`
	Items       []jsonItem   `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type jsonHub struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url,omitempty"`
	Title         string       `json:"title,omitempty"`
	ContentHTML   string       `json:"content_html"`
	Summary       string       `json:"summary,omitempty"`
	DatePublished string       `json:"date_published,omitempty"`
	DateModified  string       `json:"date_modified,omitempty"`
	Authors       []jsonAuthor `json:"authors,omitempty"`
	Tags          []string     `json:"tags,omitempty"`
	Gleaner       jsonGleaner  `json:"_gleaner"`
}

// jsonGleaner is gleaner's extension object: every source that reported
// the item, the primary first.
type jsonGleaner struct {
	Sources    []jsonSource `json:"sources"`
	CVEs       []string     `json:"cves,omitempty"`
	Indicators []string     `json:"indicators,omitempty"`
}

type jsonSource struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

func renderJSON(w io.Writer, d *Document) error {
	feed := jsonFeed{
		Version:     "https://jsonfeed.org/version/1.1",
		Title:       d.title(),
		HomePageURL: d.HomeURL(),
		FeedURL:     d.FeedURL(JSON),
		Description: d.Output.Description,
		Items:       make([]jsonItem, 0, len(d.Items)),
	}
	for _, hub := range d.Hubs {
		feed.Hubs = append(feed.Hubs, jsonHub{Type: "WebSub", URL: hub})
	}
	for i := range d.Items {
		it := &d.Items[i]
		ji := jsonItem{
			ID:            d.ItemID(it),
			URL:           it.Link,
			Title:         StripInvalidXML(it.Title),
			ContentHTML:   StripInvalidXML(body(it)),
			Summary:       StripInvalidXML(plainSummary(it.Summary)),
			DatePublished: it.Published.UTC().Format(time.RFC3339),
			DateModified:  it.Updated.UTC().Format(time.RFC3339),
			Tags:          cleanList(it.Tags),
			Gleaner: jsonGleaner{Sources: make([]jsonSource, 0, len(it.Sources)),
				CVEs: cleanList(it.CVEs), Indicators: cleanList(it.Indicators)},
		}
		if it.Author != "" {
			ji.Authors = []jsonAuthor{{Name: StripInvalidXML(it.Author)}}
		}
		for _, s := range it.Sources {
			ji.Gleaner.Sources = append(ji.Gleaner.Sources, jsonSource{Name: StripInvalidXML(s.Name), URL: s.Link})
		}
		feed.Items = append(feed.Items, ji)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(feed)
}

// plainSummary turns an HTML summary into the plain text JSON Feed wants.
func plainSummary(s string) string {
	if s == "" {
		return ""
	}
	return strings.Join(strings.Fields(html.UnescapeString(stripTags(s))), " ")
}
