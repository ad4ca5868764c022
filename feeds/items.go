package feeds

import (
	"bytes"

	"github.com/gleaner/gleaner/aggregator"
)

// span is a byte range of a document: [start, end).
type span struct{ start, end int }

// foundItems is what itemSpans finds in a document.
type foundItems struct {
	// context digests what, besides an item's own bytes, shapes how it
	// reads (see itemSpans).
	context uint64
	items   []span
	// pubDates are the plain texts of the items' <pubDate> children: no
	// markup, no entity, so that rewriting the bytes rewrites the value.
	pubDates []span
}

// itemSpans finds the items of an XML feed without parsing it: the
// elements named item or entry, whatever their prefix (RSS, RDF, Atom),
// that are children of the element holding the first one, and their
// <pubDate> texts. The context is a digest of what, besides an item's own
// bytes, shapes how it reads: the prolog (XML declaration, DOCTYPE and
// its entities) and the start tags of its ancestors (namespaces,
// xml:base). A channel's other elements, such as a lastBuildDate that
// changes with every new item, do not count.
//
// ok is false when the document is not plain enough to cut items from
// with confidence: it is malformed, or has item-named elements elsewhere.
// The caller then reads it whole.
func itemSpans(b []byte) (found foundItems, ok bool) {
	var open []span // the start tags of the open elements
	itemDepth := -1 // the depth of the items, once the first is found
	itemStart := -1 // the start of the item being read
	prologEnd := -1
	parentClosed := false
	for i := 0; i < len(b); {
		lt := bytes.IndexByte(b[i:], '<')
		if lt < 0 {
			break
		}
		tag := i + lt
		i = tag + 1
		if i >= len(b) {
			return foundItems{}, false
		}
		switch {
		case b[i] == '/':
			i = skipPast(b, i, ">")
			if len(open) == 0 {
				return foundItems{}, false
			}
			open = open[:len(open)-1]
			switch depth := len(open); {
			case depth == itemDepth && itemStart >= 0:
				found.items = append(found.items, span{itemStart, i})
				itemStart = -1
			case depth < itemDepth:
				parentClosed = true
			}
		case bytes.HasPrefix(b[i:], []byte("!--")):
			i = skipPast(b, i, "-->")
		case bytes.HasPrefix(b[i:], []byte("![CDATA[")):
			i = skipPast(b, i, "]]>")
		case b[i] == '?':
			i = skipPast(b, i, "?>")
		case b[i] == '!':
			i = directiveEnd(b, i)
		default:
			end, selfClosing := tagEnd(b, i)
			if b[end-1] != '>' {
				return foundItems{}, false // the document ends inside a tag
			}
			if prologEnd < 0 {
				prologEnd = tag
			}
			depth := len(open)
			if itemStart < 0 && isItemTag(b[i:end]) {
				switch {
				case itemDepth < 0 && (depth == 1 || depth == 2):
					itemDepth = depth
					found.context = fnv1a(fnvOffset, b[:prologEnd])
					for _, s := range open {
						found.context = fnv1a(found.context, b[s.start:s.end])
					}
				case depth != itemDepth || parentClosed:
					return foundItems{}, false
				}
				if selfClosing {
					found.items = append(found.items, span{tag, end})
				} else {
					itemStart = tag
				}
			}
			if itemStart >= 0 && depth == itemDepth+1 && string(b[tag:end]) == "<pubDate>" {
				if text, ok := plainText(b, end, "</pubDate>"); ok {
					found.pubDates = append(found.pubDates, text)
				}
			}
			i = end
			if !selfClosing {
				open = append(open, span{tag, end})
			}
		}
	}
	if itemStart >= 0 || len(open) > 0 || itemDepth < 0 {
		return foundItems{}, false
	}
	return found, true
}

// plainText is the text from start to the end tag that follows it, if
// nothing (markup, an entity) comes between.
func plainText(b []byte, start int, endTag string) (span, bool) {
	n := bytes.IndexByte(b[start:], '<')
	if n < 0 || !bytes.HasPrefix(b[start+n:], []byte(endTag)) || bytes.IndexByte(b[start:start+n], '&') >= 0 {
		return span{}, false
	}
	return span{start, start + n}, true
}

// isItemTag reports a start tag (its bytes after '<') whose local name
// is item or entry.
func isItemTag(tag []byte) bool {
	n := bytes.IndexAny(tag, " \t\r\n/>")
	if n < 0 {
		return false
	}
	name := tag[:n]
	if c := bytes.LastIndexByte(name, ':'); c >= 0 {
		name = name[c+1:]
	}
	return string(name) == "item" || string(name) == "entry"
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fnv1a extends a 64-bit FNV-1a hash with b. Digests of items are
// stored, so the hash must not change between runs (as maphash's does).
func fnv1a(h uint64, b []byte) uint64 {
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

// edit replaces a span of a document with text; nil text cuts it out.
type edit struct {
	span
	text []byte
}

// edited returns b with the edits, which are in order and do not
// overlap, made.
func edited(b []byte, edits []edit) []byte {
	if len(edits) == 0 {
		return b
	}
	out := make([]byte, 0, len(b)+8*len(edits))
	at := 0
	for _, e := range edits {
		out = append(append(out, b[at:e.start]...), e.text...)
		at = e.end
	}
	return append(out, b[at:]...)
}

// digestVersion goes into every digest: change it when a new version of
// gleaner reads items differently, and every item is read again once.
const digestVersion = "\x00v1"

// itemDigests are the items found in one document, and which of them
// are left unread because the last fetch had them byte for byte.
type itemDigests struct {
	all    []itemDigest
	read   []int // indexes in all of the items to parse; nil: no digests
	unread int
	// edits cut the unread items out and give gofeed the read items'
	// dates in the layout it reads first.
	edits []edit
}

type itemDigest struct {
	digest uint64
	unread bool
}

// digestItems finds the items of an XML document and digests each with
// what shapes how it reads: the document's context, its URL (relative
// links) and the source's location (zoneless dates).
func digestItems(doc []byte, in aggregator.ParseInput) itemDigests {
	found, ok := itemSpans(doc)
	if !ok {
		return itemDigests{}
	}
	loc := "UTC"
	if in.Location != nil {
		loc = in.Location.String()
	}
	h := fnv1a(fnv1a(fnv1a(found.context, []byte(in.URL)), []byte{0}), []byte(loc+digestVersion))
	d := itemDigests{all: make([]itemDigest, len(found.items)), read: make([]int, 0, len(found.items))}
	dates, reader := found.pubDates, &dateReader{}
	for i, s := range found.items {
		digest := max(1, fnv1a(h, doc[s.start:s.end])) // 0 is "none"
		unread := in.KnownItem != nil && in.KnownItem(digest)
		d.all[i] = itemDigest{digest: digest, unread: unread}
		if unread {
			d.unread++
			d.edits = append(d.edits, edit{span: s})
		} else {
			d.read = append(d.read, i)
		}
		for ; len(dates) > 0 && dates[0].start < s.end; dates = dates[1:] {
			if unread {
				continue
			}
			if text, ok := reader.forGofeed(doc[dates[0].start:dates[0].end], in.Location); ok {
				d.edits = append(d.edits, edit{dates[0], text})
			}
		}
	}
	return d
}

// doc is the document to parse: full, without the unread items, with
// dates rewritten for gofeed.
func (d *itemDigests) doc(full []byte) []byte { return edited(full, d.edits) }

// readAll leaves no item unread, and the document as it came.
func (d *itemDigests) readAll() {
	d.read, d.unread, d.edits = d.read[:0], 0, nil
	for i := range d.all {
		d.all[i].unread = false
		d.read = append(d.read, i)
	}
}

// forget drops the digests: the items found are not the ones parsed.
func (d *itemDigests) forget() { *d = itemDigests{} }

func (d *itemDigests) unreadEntry(source string, i int) aggregator.Entry {
	return aggregator.Entry{Source: source, ItemDigest: d.all[i].digest, Unread: true}
}
