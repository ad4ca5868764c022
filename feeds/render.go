package feeds

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// Format is an output feed format.
type Format string

// The output formats, named by their file extension.
const (
	RSS  Format = "rss"
	Atom Format = "atom"
	JSON Format = "json"
)

// Formats lists every output format.
var Formats = []Format{RSS, Atom, JSON}

// ParseFormat reads a file extension.
func ParseFormat(ext string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimPrefix(ext, "."))); f {
	case RSS, Atom, JSON:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want rss, atom or json)", ext)
}

// ContentType is the media type an output is served with.
func (f Format) ContentType() string {
	switch f {
	case Atom:
		return "application/atom+xml; charset=utf-8"
	case JSON:
		return "application/feed+json; charset=utf-8"
	}
	return "application/rss+xml; charset=utf-8"
}

// Document is an output ready to render.
type Document struct {
	Output aggregator.Output
	// BaseURL is the public URL gleaner is served under, without a
	// trailing slash; feed and item ids derive from it.
	BaseURL string
	Items   []aggregator.Item
	// Hubs are WebSub hubs to advertise.
	Hubs []string
	// Generator names the program, e.g. "gleaner 1.0".
	Generator string
}

// FeedURL is where the output is served in format f.
func (d *Document) FeedURL(f Format) string {
	return d.BaseURL + "/feeds/" + d.Output.Name + "." + string(f)
}

// HomeURL is the HTML page of the service.
func (d *Document) HomeURL() string { return d.BaseURL + "/" }

// ItemID is the stable public id of an item.
func (d *Document) ItemID(it *aggregator.Item) string {
	return d.BaseURL + "/items/" + it.UID
}

func (d *Document) title() string {
	if d.Output.Title != "" {
		return d.Output.Title
	}
	return d.Output.Name
}

func (d *Document) description() string {
	if d.Output.Description != "" {
		return d.Output.Description
	}
	return d.title()
}

// Updated is the newest item's update time, so rendering the same items
// twice gives the same bytes.
func (d *Document) Updated() time.Time {
	var t time.Time
	for _, it := range d.Items {
		if it.Updated.After(t) {
			t = it.Updated
		}
	}
	if t.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return t.UTC()
}

// Render writes d in format f.
func Render(f Format, d *Document) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch f {
	case RSS:
		err = renderRSS(&buf, d)
	case Atom:
		err = renderAtom(&buf, d)
	case JSON:
		err = renderJSON(&buf, d)
	default:
		err = fmt.Errorf("unknown format %q", f)
	}
	if err != nil {
		return nil, fmt.Errorf("render %s.%s: %w", d.Output.Name, f, err)
	}
	return buf.Bytes(), nil
}

// sourcesFooter lists, in HTML, the other outlets that reported an item,
// for formats with no field of their own for it.
func sourcesFooter(it *aggregator.Item) string {
	if len(it.Sources) < 2 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<p class="gleaner-sources">Also reported by: `)
	for i, s := range it.Sources[1:] {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `<a href="%s">%s</a>`, htmlEscape(s.Link), htmlEscape(s.Name))
	}
	b.WriteString("</p>")
	return b.String()
}

var htmlEscaper = strings.NewReplacer(`&`, "&amp;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;", `'`, "&#39;")

func htmlEscape(s string) string { return htmlEscaper.Replace(s) }

// body is an item's HTML: its content, else its summary, with the footer.
func body(it *aggregator.Item) string {
	s := it.Content
	if s == "" {
		s = it.Summary
	}
	return s + sourcesFooter(it)
}

// cleanList strips characters XML forbids from each string; JSON output
// gets the same treatment so all three formats carry the same text.
func cleanList(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s = StripInvalidXML(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
