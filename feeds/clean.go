package feeds

import (
	"bytes"
	"html"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
)

// Cleaner sanitises upstream text and HTML at ingest. Its policies are
// safe for concurrent use.
type Cleaner struct {
	ugc *bluemonday.Policy
}

// NewCleaner returns a Cleaner with the policies gleaner republishes under.
func NewCleaner() *Cleaner {
	ugc := bluemonday.UGCPolicy()
	ugc.RequireNoFollowOnLinks(false)
	ugc.AddTargetBlankToFullyQualifiedLinks(false)
	return &Cleaner{ugc: ugc}
}

// HTML returns fragment sanitised for republishing.
func (c *Cleaner) HTML(fragment string) string {
	if strings.TrimSpace(fragment) == "" {
		return ""
	}
	if !strings.ContainsAny(fragment, "<&") {
		// Plain text is already safe HTML; the sanitiser would only
		// tokenise it to find nothing.
		return strings.TrimSpace(StripInvalidXML(fragment))
	}
	return c.sanitize(StripInvalidXML(fragment))
}

// sanitizeBuffers hold the sanitiser's output while it is written:
// grown afresh for each fragment, they were an eighth of what parsing
// allocated.
var sanitizeBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// sanitize is the policy's Sanitize, trimmed, written into a pooled
// buffer and copied out once.
func (c *Cleaner) sanitize(fragment string) string {
	buf := sanitizeBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 64<<10 { // a rare huge fragment is not kept
			buf.Reset()
			sanitizeBuffers.Put(buf)
		}
	}()
	if err := c.ugc.SanitizeReaderToWriter(strings.NewReader(fragment), buf); err != nil {
		return "" // as Sanitize answers malformed input
	}
	return string(bytes.TrimSpace(buf.Bytes()))
}

// Text returns s without markup, entities decoded and white space folded.
// The result is plain text (every output escapes it), so dropping tags is
// enough; no HTML parser is needed.
func (c *Cleaner) Text(s string) string {
	if strings.ContainsAny(s, "<&") {
		s = html.UnescapeString(stripTags(s))
	}
	return strings.Join(strings.Fields(StripInvalidXML(s)), " ")
}

// StripInvalidXML removes characters XML 1.0 forbids (most C0 controls,
// surrogates, U+FFFE/U+FFFF) and invalid UTF-8, which would make an output
// feed unparseable.
func StripInvalidXML(s string) string {
	clean := true
	for _, r := range s {
		if !isXMLChar(r) {
			clean = false
			break
		}
	}
	if clean && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				continue
			}
		}
		if isXMLChar(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isXMLChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20:
		return false
	case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
		return false
	}
	return r <= 0x10FFFF
}

// stripTags drops the tags of an HTML fragment we sanitised ourselves,
// keeping the text between them. Block-level tags become a space so
// paragraphs do not run together; inline tags vanish, so "<b>W</b>ord"
// stays one word and Chinese text gains no spaces.
func stripTags(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(s, '<')
		if open < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:open])
		end := strings.IndexByte(s[open:], '>')
		if end < 0 {
			break
		}
		inside := s[open+1 : open+end]
		name := tagName(inside)
		if blockTags[name] {
			b.WriteByte(' ')
		}
		s = s[open+end+1:]
		if (name == "script" || name == "style") && !strings.HasPrefix(inside, "/") {
			// Their text is code, not content.
			if close := strings.Index(strings.ToLower(s), "</"+name); close >= 0 {
				s = s[close:]
			} else {
				s = ""
			}
		}
	}
	return b.String()
}

var blockTags = map[string]bool{
	"p": true, "br": true, "div": true, "li": true, "ul": true, "ol": true, "tr": true, "td": true, "th": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "pre": true,
	"table": true, "hr": true, "figure": true, "figcaption": true, "dt": true, "dd": true,
}

// tagName is the lower-cased element name of a tag's inside, "/p" → "p".
func tagName(inside string) string {
	inside = strings.TrimPrefix(inside, "/")
	end := strings.IndexAny(inside, " \t\n/")
	if end >= 0 {
		inside = inside[:end]
	}
	return strings.ToLower(inside)
}
