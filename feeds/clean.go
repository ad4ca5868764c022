package feeds

import (
	"html"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
)

// Cleaner sanitises upstream text and HTML at ingest. Its policies are
// safe for concurrent use.
type Cleaner struct {
	ugc    *bluemonday.Policy
	strict *bluemonday.Policy
}

// NewCleaner returns a Cleaner with the policies gleaner republishes under.
func NewCleaner() *Cleaner {
	ugc := bluemonday.UGCPolicy()
	ugc.RequireNoFollowOnLinks(false)
	ugc.AddTargetBlankToFullyQualifiedLinks(false)
	return &Cleaner{ugc: ugc, strict: bluemonday.StrictPolicy()}
}

// HTML returns fragment sanitised for republishing.
func (c *Cleaner) HTML(fragment string) string {
	if strings.TrimSpace(fragment) == "" {
		return ""
	}
	return strings.TrimSpace(c.ugc.Sanitize(StripInvalidXML(fragment)))
}

// Text returns s without markup, entities decoded and white space folded.
func (c *Cleaner) Text(s string) string {
	if strings.ContainsAny(s, "<&") {
		s = html.UnescapeString(c.strict.Sanitize(s))
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
// keeping the text between them.
func stripTags(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	inTag := false
	for _, r := range s {
		switch {
		case r == '<':
			inTag = true
		case r == '>' && inTag:
			inTag = false
			b.WriteByte(' ')
		case !inTag:
			b.WriteRune(r)
		}
	}
	return b.String()
}
