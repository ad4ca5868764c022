package feeds

import (
	"io"
	"time"

	"github.com/gleaner/gleaner/aggregator"
	gorilla "github.com/gorilla/feeds"
)

// The Atom document is gorilla/feeds' feed and entries, extended with
// what they lack: several links (self, alternate, hub, related), several
// categories and the feed's own id.
type atomFeed struct {
	*gorilla.AtomFeed
	Link     []gorilla.AtomLink `xml:"link"`
	Category []atomCategory     `xml:"category"`
	Entries  []*atomEntry       `xml:"entry"`
}

type atomEntry struct {
	*gorilla.AtomEntry
	Links    []gorilla.AtomLink `xml:"link"`
	Category []atomCategory     `xml:"category"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

func renderAtom(w io.Writer, d *Document) error {
	feed := &atomFeed{
		AtomFeed: &gorilla.AtomFeed{
			Xmlns:    "http://www.w3.org/2005/Atom",
			Title:    StripInvalidXML(d.title()),
			Id:       d.FeedURL(Atom),
			Updated:  d.Updated().Format(time.RFC3339),
			Subtitle: StripInvalidXML(d.Output.Description),
			Author:   &gorilla.AtomAuthor{AtomPerson: gorilla.AtomPerson{Name: StripInvalidXML(d.title()), Uri: d.HomeURL()}},
		},
		Link: []gorilla.AtomLink{
			{Href: d.FeedURL(Atom), Rel: "self", Type: "application/atom+xml"},
			{Href: d.HomeURL(), Rel: "alternate", Type: "text/html"},
		},
	}
	for _, hub := range d.Hubs {
		feed.Link = append(feed.Link, gorilla.AtomLink{Href: hub, Rel: "hub"})
	}
	for i := range d.Items {
		it := &d.Items[i]
		e := &atomEntry{AtomEntry: &gorilla.AtomEntry{
			Title:     StripInvalidXML(it.Title),
			Id:        d.ItemID(it),
			Updated:   it.Updated.UTC().Format(time.RFC3339),
			Published: it.Published.UTC().Format(time.RFC3339),
		}}
		if it.Link != "" {
			e.Links = append(e.Links, gorilla.AtomLink{Href: it.Link, Rel: "alternate", Type: "text/html"})
		}
		for _, s := range otherCopies(it) {
			e.Links = append(e.Links, gorilla.AtomLink{Href: s.Link, Rel: "related", Type: "text/html"})
		}
		for _, t := range cleanList(it.Tags) {
			e.Category = append(e.Category, atomCategory{Term: t})
		}
		if it.Summary != "" {
			e.Summary = &gorilla.AtomSummary{Content: StripInvalidXML(it.Summary), Type: "html"}
		}
		if b := body(it); b != "" {
			e.Content = &gorilla.AtomContent{Content: StripInvalidXML(b), Type: "html"}
		}
		if it.Author != "" {
			e.Author = &gorilla.AtomAuthor{AtomPerson: gorilla.AtomPerson{Name: StripInvalidXML(it.Author)}}
		}
		feed.Entries = append(feed.Entries, e)
	}
	return gorilla.WriteXML(xmlDoc{feed}, w)
}

// otherCopies are the sources of an item other than its primary, with a
// link of their own.
func otherCopies(it *aggregator.Item) []aggregator.ItemSource {
	var out []aggregator.ItemSource
	for i, s := range it.Sources {
		if i > 0 && s.Link != "" && s.Link != it.Link {
			out = append(out, s)
		}
	}
	return out
}
