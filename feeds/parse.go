// Package feeds owns the wire formats at both edges of gleaner: it decodes
// and parses upstream RSS, Atom, RDF and JSON Feed documents into
// aggregator entries, and renders outputs as RSS 2.0, Atom 1.0 and
// JSON Feed 1.1. It does no network I/O and imports no other gleaner
// package but aggregator.
package feeds

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"
)

// ErrNotFeed reports a document that is neither XML nor JSON feed.
var ErrNotFeed = errors.New("not a feed")

// Parser decodes and parses upstream documents. The zero value is not
// usable; call NewParser.
type Parser struct {
	clean *Cleaner
}

// NewParser returns a Parser.
func NewParser() *Parser {
	return &Parser{clean: NewCleaner()}
}

var _ aggregator.Parser = (*Parser)(nil)

// Parse decodes in.Body to UTF-8, parses it with gofeed and returns its
// entries, normalised: links resolved against the document's URL, HTML
// sanitised, dates read in the source's location and bounded by in.Now.
func (p *Parser) Parse(ctx context.Context, in aggregator.ParseInput) (*aggregator.Feed, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	body, err := toUTF8(in.Body, in.ContentType)
	if err != nil {
		return nil, err
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: empty document", ErrNotFeed)
	}
	if trimmed[0] != '<' && trimmed[0] != '{' {
		return nil, fmt.Errorf("%w: document starts with %q", ErrNotFeed, firstBytes(trimmed))
	}
	var items itemDigests
	if trimmed[0] == '<' {
		if err := checkDepth(trimmed); err != nil {
			return nil, err
		}
		items = digestItems(trimmed, in)
	}
	feed, err := parseDocument(items.doc(trimmed))
	// Rewritten dates cannot change how many items gofeed reads; cut
	// items can. Either edit may have broken the document.
	if len(items.edits) > 0 && (err != nil || items.unread > 0 && len(feed.Items) != len(items.read)) {
		// Editing the document changed its reading: read it as it came.
		items.readAll()
		feed, err = parseDocument(trimmed)
	}
	if err != nil {
		return nil, err
	}
	if len(feed.Items) != len(items.read) {
		items.forget() // the items gofeed read are not the ones found
	}
	base := baseURL(in.URL, feed.Link)
	dates := &dateReader{}
	out := &aggregator.Feed{Entries: make([]aggregator.Entry, 0, len(feed.Items)+items.unread)}
	next := 0 // the next item of the document, read or not
	var pace aggregator.Pacer
	for i, it := range feed.Items {
		pace.Pace()
		var digest uint64
		if items.read != nil {
			for ; next < items.read[i]; next++ {
				out.Entries = append(out.Entries, items.unreadEntry(in.Source, next))
			}
			digest = items.all[next].digest
			next++
		}
		if it == nil {
			continue
		}
		raw := rawHash(it)
		if in.Unchanged != nil {
			probe := aggregator.Entry{Source: in.Source, GUID: strings.TrimSpace(StripInvalidXML(it.GUID)),
				Link: itemLink(it, base), RawHash: raw}
			if in.Unchanged(&probe) {
				probe.Unchanged, probe.ItemDigest = true, digest
				out.Entries = append(out.Entries, probe)
				continue // stored as it is: no need to clean it again
			}
		}
		e := p.entry(it, base, in, dates)
		e.RawHash, e.ItemDigest = raw, digest
		out.Entries = append(out.Entries, e)
	}
	for ; items.read != nil && next < len(items.all); next++ { // unread items after the last read one
		out.Entries = append(out.Entries, items.unreadEntry(in.Source, next))
	}
	if rf, ok := feed.OriginalFeed().(*rss.Feed); ok {
		out.TTL, out.SkipHours, out.SkipDays = rssHints(rf)
	}
	return out, nil
}

func parseDocument(doc []byte) (*gofeed.Feed, error) {
	gp := gofeed.NewParser()
	gp.KeepOriginalFeed = true // for RSS <ttl>, <skipHours> and <skipDays>
	// gleaner has no use for item images, and the scan for one parses
	// every item's HTML again: an eighth of what a cold poll allocates.
	gp.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	feed, err := gp.Parse(aggregator.PacedReader(bytes.NewReader(doc)))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, fmt.Errorf("%w: %v", ErrNotFeed, err)
		}
		return nil, fmt.Errorf("parse: %w", err)
	}
	return feed, nil
}

// rssHints reads an RSS channel's polling hints.
func rssHints(rf *rss.Feed) (ttl time.Duration, hours []int, days []time.Weekday) {
	if mins, err := strconv.Atoi(strings.TrimSpace(rf.TTL)); err == nil && mins > 0 {
		ttl = time.Duration(min(mins, 7*24*60)) * time.Minute
	}
	for _, h := range rf.SkipHours {
		if n, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && n >= 0 && n <= 24 {
			hours = append(hours, n%24)
		}
	}
	for _, d := range rf.SkipDays {
		for wd := time.Sunday; wd <= time.Saturday; wd++ {
			if strings.EqualFold(strings.TrimSpace(d), wd.String()) {
				days = append(days, wd)
			}
		}
	}
	return ttl, hours, days
}

func (p *Parser) entry(it *gofeed.Item, base *url.URL, in aggregator.ParseInput, dates *dateReader) aggregator.Entry {
	e := aggregator.Entry{
		Source: in.Source,
		GUID:   strings.TrimSpace(StripInvalidXML(it.GUID)),
		Link:   itemLink(it, base),
		Title:  p.clean.Text(it.Title),
	}
	// Relative URLs in the item's HTML are relative to the item's page.
	htmlBase := base
	if u, err := url.Parse(e.Link); err == nil && e.Link != "" {
		htmlBase = u
	}
	e.Summary = p.clean.HTML(absolutize(it.Description, htmlBase))
	// Many feeds repeat the description as content: keep it once, and
	// sanitise it once when it comes byte for byte.
	if it.Content != it.Description {
		e.Content = p.clean.HTML(absolutize(it.Content, htmlBase))
	}
	if e.Content == e.Summary {
		e.Content = ""
	}
	if a := author(it); a != "" {
		e.Author = p.clean.Text(a)
	}
	for _, c := range it.Categories {
		if c = p.clean.Text(c); c != "" {
			e.Categories = append(e.Categories, c)
		}
	}
	e.Published = dates.itemDate(it.Published, it.PublishedParsed, in.Location)
	e.Updated = dates.itemDate(it.Updated, it.UpdatedParsed, in.Location)
	if e.Published.IsZero() {
		e.Published = e.Updated
	}
	if e.Published.IsZero() || e.Published.After(in.Now) {
		e.Published = in.Now
	}
	if e.Updated.IsZero() || e.Updated.Before(e.Published) || e.Updated.After(in.Now) {
		e.Updated = e.Published
	}
	return e
}

// itemLink is the item's link, or its first link, resolved.
func itemLink(it *gofeed.Item, base *url.URL) string {
	if link := resolve(base, it.Link); link != "" || len(it.Links) == 0 {
		return link
	}
	return resolve(base, it.Links[0])
}

// rawHash fingerprints an item as upstream sent it, so that a re-poll
// can tell it unchanged before cleaning it.
func rawHash(it *gofeed.Item) string {
	h := fnv.New64a()
	for _, s := range []string{it.GUID, it.Link, it.Title, it.Description, it.Content, it.Published, it.Updated} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	for _, c := range it.Categories {
		h.Write([]byte(c))
		h.Write([]byte{1})
	}
	for _, a := range it.Authors {
		if a != nil {
			h.Write([]byte(a.Name))
			h.Write([]byte{2})
		}
	}
	return strconv.FormatUint(h.Sum64(), 36)
}

// itemDate prefers our reading of the raw date (source zone, Chinese
// layouts, CST) and falls back to gofeed's.
func (d *dateReader) itemDate(raw string, parsed *time.Time, loc *time.Location) time.Time {
	if t, ok := d.parse(raw, loc); ok {
		return t.UTC()
	}
	if parsed != nil && !parsed.IsZero() {
		return parsed.UTC()
	}
	return time.Time{}
}

func author(it *gofeed.Item) string {
	for _, a := range it.Authors {
		if a != nil && a.Name != "" {
			return a.Name
		}
	}
	if it.Author != nil {
		return it.Author.Name
	}
	if it.DublinCoreExt != nil && len(it.DublinCoreExt.Creator) > 0 {
		return it.DublinCoreExt.Creator[0]
	}
	return ""
}

// baseURL is the feed's own URL, or the channel link when the feed was
// read from somewhere without one.
func baseURL(docURL, channelLink string) *url.URL {
	if u, err := url.Parse(docURL); err == nil && u.IsAbs() {
		return u
	}
	if u, err := url.Parse(channelLink); err == nil && u.IsAbs() {
		return u
	}
	return nil
}

func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func firstBytes(b []byte) string {
	if len(b) > 16 {
		b = b[:16]
	}
	return string(b)
}
