package farm

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// body is a feed as served in one round, computed once when the round
// starts.
type body struct {
	raw, gz      []byte
	etag         string
	contentType  string
	modified     time.Time
	lastModified string     // modified in HTTP form
	stories      []storyRef // what each entry is a copy of, until the farm files them
}

// storyRef ties an entry, by its link, to its story: the truth that the
// merging of copies is measured against.
type storyRef struct {
	link  string
	story uint64
}

// renderer turns a feed's entries into bodies; each worker has its own.
type renderer struct {
	w    *writer
	size int // largest body so far
	html []byte
	gz   *gzip.Writer
	gbk  *encoding.Encoder
	refs []storyRef // of the body being rendered
}

func newRenderer() *renderer {
	gz, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed) // the level is valid
	return &renderer{w: newWriter(), gz: gz, gbk: simplifiedchinese.GBK.NewEncoder()}
}

// render builds feed pr's body from its entries (newest first).
func (rd *renderer) render(pr *profile, items []item, modified time.Time) (*body, error) {
	// Each body gets a buffer of its own, sized from the previous one, so
	// that it is handed over rather than copied.
	out := make([]byte, 0, rd.size+rd.size/4)
	rd.refs = make([]storyRef, 0, len(items))
	switch pr.format {
	case RSS:
		out = rd.rss(out, pr, items, modified)
	case Atom:
		out = rd.atom(out, pr, items, modified)
	case JSON:
		out = rd.jsonFeed(out, pr, items)
	}
	rd.size = max(rd.size, len(out))
	raw := out
	if pr.gb2312 {
		var err error
		if raw, err = rd.gbk.Bytes(out); err != nil {
			return nil, fmt.Errorf("render %s: encode GB2312: %w", pr.name, err)
		}
	}
	gzb := bytes.NewBuffer(make([]byte, 0, len(raw)/3))
	rd.gz.Reset(gzb)
	rd.gz.Write(raw) // writes to a bytes.Buffer do not fail
	if err := rd.gz.Close(); err != nil {
		return nil, fmt.Errorf("render %s: gzip: %w", pr.name, err)
	}
	sum := sha256.Sum256(raw)
	return &body{
		raw:          raw,
		gz:           gzb.Bytes(),
		etag:         `W/"` + hex.EncodeToString(sum[:8]) + `"`,
		contentType:  contentType(pr),
		modified:     modified,
		lastModified: modified.UTC().Format(http.TimeFormat),
		stories:      rd.refs,
	}, nil
}

func contentType(pr *profile) string {
	switch {
	case pr.format == JSON:
		return "application/feed+json; charset=utf-8"
	case pr.format == Atom:
		return "application/atom+xml; charset=utf-8"
	case pr.gb2312:
		return "application/rss+xml; charset=gb2312"
	}
	return "application/rss+xml; charset=utf-8"
}

// entry is an item ready to render.
type entry struct {
	article
	link, id, author string
	html             []byte
}

var sections = [numTopics]string{"tech", "finance", "sports", "weather", "politics", "science"}

// entry renders its article, link and HTML (into rd.html, valid until
// the next call).
func (rd *renderer) entry(pr *profile, it *item) entry {
	e := entry{article: rd.w.article(it.story, it.variant)}
	day := it.published.In(chinaTime)
	seq := strconv.Itoa(it.seq)
	if pr.zh {
		e.link = pr.site + "/" + sections[it.story.topic] + "/" + day.Format("20060102") + "/" + seq + ".shtml"
	} else {
		e.link = pr.site + "/" + it.published.UTC().Format("2006/01/02") + "/" + slug(e.title, 8) + "-" + seq + ".html"
	}
	e.id = e.link
	if !pr.permalink || pr.format != RSS {
		e.id = "tag:" + strings.TrimPrefix(pr.site, "https://") + ",2024:" + pr.name + "-" + seq
	}
	e.author = pr.authors[it.seq%len(pr.authors)]
	rd.refs = append(rd.refs, storyRef{e.link, it.story.seed})

	h := rd.html[:0]
	h = append(h, "<p>"...)
	h = appendText(h, e.lead)
	h = append(h, "</p>"...)
	sep := " "
	if pr.zh {
		sep = ""
	}
	for i, size, para := 0, 0, 0; i < len(e.body); i++ {
		if size == 0 {
			h = append(h, "\n<p>"...)
		} else {
			h = append(h, sep...)
		}
		h = appendText(h, e.body[i])
		size++
		if size == 2+(para+it.seq)%2 || i == len(e.body)-1 {
			h = append(h, "</p>"...)
			size = 0
			para++
		}
	}
	rd.html = h
	e.html = h
	return e
}

// appendText appends s escaped for XML or HTML text (and attributes).
func appendText[T string | []byte](b []byte, s T) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '"':
			b = append(b, "&quot;"...)
		default:
			b = append(b, c)
		}
	}
	return b
}

func appendEl(b []byte, indent, name, text string) []byte {
	b = append(b, indent...)
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, '>')
	b = appendText(b, text)
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, ">\n"...)
}

// rssDate formats t as the feed's RSS dates are written: RFC 1123 in
// GMT (English), with +0800 (Chinese), or zoneless China time (GB2312).
func (pr *profile) rssDate(b []byte, t time.Time) []byte {
	switch {
	case pr.gb2312:
		return t.In(chinaTime).AppendFormat(b, time.DateTime)
	case pr.zh:
		return t.In(chinaTime).AppendFormat(b, time.RFC1123Z)
	}
	return t.UTC().AppendFormat(b, http.TimeFormat)
}

// isoDate formats t in RFC 3339, in China time for Chinese feeds.
func (pr *profile) isoDate(t time.Time) string {
	if pr.zh {
		return t.In(chinaTime).Format(time.RFC3339)
	}
	return t.UTC().Format(time.RFC3339)
}

func (pr *profile) language() string {
	if pr.zh {
		return "zh-cn"
	}
	return "en-us"
}

func (rd *renderer) rss(b []byte, pr *profile, items []item, modified time.Time) []byte {
	enc := "UTF-8"
	if pr.gb2312 {
		enc = "gb2312"
	}
	b = append(b, `<?xml version="1.0" encoding="`+enc+`"?>`+"\n"...)
	b = append(b, `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">`+"\n<channel>\n"...)
	b = appendEl(b, "", "title", pr.title)
	b = appendEl(b, "", "link", pr.site+"/")
	b = appendEl(b, "", "description", pr.desc)
	b = appendEl(b, "", "language", pr.language())
	b = append(b, "<lastBuildDate>"...)
	b = pr.rssDate(b, modified)
	b = append(b, "</lastBuildDate>\n<generator>feedfarm</generator>\n"...)
	for i := range items {
		e := rd.entry(pr, &items[i])
		b = append(b, "<item>\n"...)
		b = appendEl(b, "  ", "title", e.title)
		b = appendEl(b, "  ", "link", e.link)
		b = append(b, `  <guid isPermaLink="`+strconv.FormatBool(e.id == e.link)+`">`...)
		b = appendText(b, e.id)
		b = append(b, "</guid>\n  <pubDate>"...)
		b = pr.rssDate(b, items[i].published)
		b = append(b, "</pubDate>\n"...)
		if pr.creator {
			b = appendEl(b, "  ", "dc:creator", e.author)
		} else {
			b = appendEl(b, "  ", "author", strings.ToLower(slug(e.author, 3))+"@"+strings.TrimPrefix(pr.site, "https://www.")+" ("+e.author+")")
		}
		for _, c := range e.categories {
			b = appendEl(b, "  ", "category", c)
		}
		b = append(b, "  <description>"...)
		if pr.cdata {
			b = append(b, "<![CDATA["...)
			b = append(b, e.html...)
			b = append(b, "]]>"...)
		} else {
			b = appendText(b, e.html)
		}
		b = append(b, "</description>\n</item>\n"...)
	}
	return append(b, "</channel>\n</rss>\n"...)
}

func (rd *renderer) atom(b []byte, pr *profile, items []item, modified time.Time) []byte {
	b = append(b, `<?xml version="1.0" encoding="utf-8"?>`+"\n"...)
	b = append(b, `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="`+pr.language()+`">`+"\n"...)
	b = appendEl(b, "", "title", pr.title)
	b = appendEl(b, "", "subtitle", pr.desc)
	b = append(b, `<link rel="alternate" type="text/html" href="`+pr.site+`/"/>`+"\n"...)
	b = appendEl(b, "", "id", pr.site+"/")
	b = appendEl(b, "", "updated", pr.isoDate(modified))
	b = append(b, "<generator>feedfarm</generator>\n"...)
	for i := range items {
		e := rd.entry(pr, &items[i])
		b = append(b, "<entry>\n"...)
		b = appendEl(b, "  ", "title", e.title)
		b = append(b, `  <link rel="alternate" type="text/html" href="`...)
		b = appendText(b, e.link)
		b = append(b, "\"/>\n"...)
		b = appendEl(b, "  ", "id", e.id)
		published := pr.isoDate(items[i].published)
		b = appendEl(b, "  ", "published", published)
		b = appendEl(b, "  ", "updated", published)
		b = append(b, "  <author><name>"...)
		b = appendText(b, e.author)
		b = append(b, "</name></author>\n"...)
		for _, c := range e.categories {
			b = append(b, `  <category term="`...)
			b = appendText(b, c)
			b = append(b, "\"/>\n"...)
		}
		b = appendEl(b, "  ", "summary", e.lead)
		b = append(b, `  <content type="html">`...)
		b = appendText(b, e.html)
		b = append(b, "</content>\n</entry>\n"...)
	}
	return append(b, "</feed>\n"...)
}

// jsonFeed writes JSON Feed 1.1 by hand: the fields are few and fixed,
// and this is several times faster than encoding/json.
func (rd *renderer) jsonFeed(b []byte, pr *profile, items []item) []byte {
	lang := "en-US"
	if pr.zh {
		lang = "zh-CN"
	}
	b = append(b, `{
  "version": "https://jsonfeed.org/version/1.1",
  "title": `...)
	b = appendJSON(b, pr.title)
	b = append(b, ",\n  \"home_page_url\": "...)
	b = appendJSON(b, pr.site+"/")
	b = append(b, ",\n  \"description\": "...)
	b = appendJSON(b, pr.desc)
	b = append(b, ",\n  \"language\": \""+lang+"\",\n  \"items\": ["...)
	for i := range items {
		e := rd.entry(pr, &items[i])
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    {\n      \"id\": "...)
		b = appendJSON(b, e.id)
		b = append(b, ",\n      \"url\": "...)
		b = appendJSON(b, e.link)
		b = append(b, ",\n      \"title\": "...)
		b = appendJSON(b, e.title)
		b = append(b, ",\n      \"summary\": "...)
		b = appendJSON(b, e.lead)
		b = append(b, ",\n      \"content_html\": "...)
		b = appendJSON(b, e.html)
		b = append(b, ",\n      \"date_published\": \""+pr.isoDate(items[i].published)+"\",\n      \"authors\": [{\"name\": "...)
		b = appendJSON(b, e.author)
		b = append(b, "}],\n      \"tags\": ["...)
		for j, c := range e.categories {
			if j > 0 {
				b = append(b, ", "...)
			}
			b = appendJSON(b, c)
		}
		b = append(b, "]\n    }"...)
	}
	return append(b, "\n  ]\n}\n"...)
}

// appendJSON appends s as a JSON string. Text is valid UTF-8 and is
// kept as it is; quotes, backslashes and control characters are escaped.
func appendJSON[T string | []byte](b []byte, s T) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
