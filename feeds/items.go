package feeds

import (
	"bytes"

	"github.com/gleaner/gleaner/aggregator"
)

// span is a byte range of a document: [start, end).
type span struct{ start, end int }

// itemSpans finds the items of an XML feed without parsing it: the
// elements named item or entry, whatever their prefix (RSS, RDF, Atom),
// that are children of the element holding the first one. context is a
// digest of what, besides an item's own bytes, shapes how it reads: the
// prolog (XML declaration, DOCTYPE and its entities) and the start tags
// of its ancestors (namespaces, xml:base). A channel's other elements,
// such as a lastBuildDate that changes with every new item, do not count.
//
// ok is false when the document is not plain enough to cut items from
// with confidence: it is malformed, or has item-named elements elsewhere.
// The caller then reads it whole.
func itemSpans(b []byte) (context uint64, spans []span, ok bool) {
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
			return 0, nil, false
		}
		switch {
		case b[i] == '/':
			i = skipPast(b, i, ">")
			if len(open) == 0 {
				return 0, nil, false
			}
			open = open[:len(open)-1]
			switch depth := len(open); {
			case depth == itemDepth && itemStart >= 0:
				spans = append(spans, span{itemStart, i})
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
				return 0, nil, false // the document ends inside a tag
			}
			if prologEnd < 0 {
				prologEnd = tag
			}
			depth := len(open)
			if itemStart < 0 && isItemTag(b[i:end]) {
				switch {
				case itemDepth < 0 && (depth == 1 || depth == 2):
					itemDepth = depth
					context = fnv1a(fnvOffset, b[:prologEnd])
					for _, s := range open {
						context = fnv1a(context, b[s.start:s.end])
					}
				case depth != itemDepth || parentClosed:
					return 0, nil, false
				}
				if selfClosing {
					spans = append(spans, span{tag, end})
				} else {
					itemStart = tag
				}
			}
			i = end
			if !selfClosing {
				open = append(open, span{tag, end})
			}
		}
	}
	if itemStart >= 0 || len(open) > 0 || itemDepth < 0 {
		return 0, nil, false
	}
	return context, spans, true
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

// without returns b with the spans cut out.
func without(b []byte, cut []span) []byte {
	if len(cut) == 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	at := 0
	for _, s := range cut {
		out = append(out, b[at:s.start]...)
		at = s.end
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
	cut    []span
}

type itemDigest struct {
	digest uint64
	unread bool
}

// digestItems finds the items of an XML document and digests each with
// what shapes how it reads: the document's context, its URL (relative
// links) and the source's location (zoneless dates).
func digestItems(doc []byte, in aggregator.ParseInput) itemDigests {
	context, spans, ok := itemSpans(doc)
	if !ok {
		return itemDigests{}
	}
	loc := "UTC"
	if in.Location != nil {
		loc = in.Location.String()
	}
	h := fnv1a(fnv1a(fnv1a(context, []byte(in.URL)), []byte{0}), []byte(loc+digestVersion))
	d := itemDigests{all: make([]itemDigest, len(spans)), read: make([]int, 0, len(spans))}
	for i, s := range spans {
		digest := max(1, fnv1a(h, doc[s.start:s.end])) // 0 is "none"
		unread := in.KnownItem != nil && in.KnownItem(digest)
		d.all[i] = itemDigest{digest: digest, unread: unread}
		if unread {
			d.unread++
			d.cut = append(d.cut, s)
		} else {
			d.read = append(d.read, i)
		}
	}
	return d
}

// doc is the document to parse: full without the unread items.
func (d *itemDigests) doc(full []byte) []byte { return without(full, d.cut) }

// readAll leaves no item unread.
func (d *itemDigests) readAll() {
	d.read, d.unread, d.cut = d.read[:0], 0, nil
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
