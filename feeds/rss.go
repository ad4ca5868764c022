package feeds

import (
	"encoding/xml"
	"io"
	"time"

	"github.com/gleaner/gleaner/aggregator"
	gorilla "github.com/gorilla/feeds"
)

// The RSS document is gorilla/feeds' channel and items, extended with
// what they lack: several categories, <source url>, dc:creator and an
// atom:link for rel=self and rel=hub.
type rssRoot struct {
	XMLName   xml.Name    `xml:"rss"`
	Version   string      `xml:"version,attr"`
	ContentNS string      `xml:"xmlns:content,attr"`
	AtomNS    string      `xml:"xmlns:atom,attr"`
	DCNS      string      `xml:"xmlns:dc,attr"`
	Channel   *rssChannel `xml:"channel"`
}

type rssChannel struct {
	*gorilla.RssFeed
	AtomLinks []rssAtomLink `xml:"atom:link"`
	Items     []*rssItem    `xml:"item"`
}

type rssAtomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type rssItem struct {
	*gorilla.RssItem
	Creator  string     `xml:"dc:creator,omitempty"`
	Updated  string     `xml:"atom:updated,omitempty"`
	Category []string   `xml:"category"`
	Source   *rssSource `xml:"source"`
}

type rssSource struct {
	URL  string `xml:"url,attr"`
	Name string `xml:",chardata"`
}

func renderRSS(w io.Writer, d *Document) error {
	ch := &rssChannel{
		RssFeed: &gorilla.RssFeed{
			Title:         StripInvalidXML(d.title()),
			Link:          d.HomeURL(),
			Description:   StripInvalidXML(d.description()),
			LastBuildDate: d.Updated().Format(time.RFC1123Z),
			Generator:     d.Generator,
			Docs:          "https://www.rssboard.org/rss-specification",
		},
		AtomLinks: []rssAtomLink{{Href: d.FeedURL(RSS), Rel: "self", Type: "application/rss+xml"}},
	}
	for _, hub := range d.Hubs {
		ch.AtomLinks = append(ch.AtomLinks, rssAtomLink{Href: hub, Rel: "hub"})
	}
	for i := range d.Items {
		it := &d.Items[i]
		ri := &rssItem{
			RssItem: &gorilla.RssItem{
				Title:       StripInvalidXML(it.Title),
				Link:        it.Link,
				Description: StripInvalidXML(summaryOrBody(it)),
				Guid:        &gorilla.RssGuid{Id: d.ItemID(it), IsPermaLink: "false"},
				PubDate:     it.Published.UTC().Format(time.RFC1123Z),
			},
			Creator:  StripInvalidXML(it.Author),
			Updated:  it.Updated.UTC().Format(time.RFC3339),
			Category: cleanList(it.Tags),
		}
		if it.Content != "" || len(it.Sources) > 1 {
			ri.Content = &gorilla.RssContent{Content: StripInvalidXML(body(it))}
		}
		if len(it.Sources) > 0 && it.Sources[0].FeedURL != "" {
			ri.Source = &rssSource{URL: it.Sources[0].FeedURL, Name: StripInvalidXML(it.Sources[0].Name)}
		}
		ch.Items = append(ch.Items, ri)
	}
	root := rssRoot{
		Version:   "2.0",
		ContentNS: "http://purl.org/rss/1.0/modules/content/",
		AtomNS:    "http://www.w3.org/2005/Atom",
		DCNS:      "http://purl.org/dc/elements/1.1/",
		Channel:   ch,
	}
	return gorilla.WriteXML(xmlDoc{root}, w)
}

// xmlDoc adapts any struct to gorilla's XmlFeed interface for WriteXML.
type xmlDoc struct{ v any }

func (x xmlDoc) FeedXml() any { return x.v }

// summaryOrBody is the RSS description: the summary when the item has
// one, else its whole body.
func summaryOrBody(it *aggregator.Item) string {
	if it.Summary != "" {
		return it.Summary
	}
	return body(it)
}
