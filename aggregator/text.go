package aggregator

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text helpers shared by tagging and fingerprinting.

func wordRuneBefore(s string, i int) bool {
	r, size := utf8.DecodeLastRuneInString(s[:i])
	return size > 0 && isWordRune(r)
}

func wordRuneAfter(s string, i int) bool {
	r, size := utf8.DecodeRuneInString(s[i:])
	return size > 0 && isWordRune(r)
}

// isWordRune is a letter or digit of a script that separates words with
// spaces; CJK characters are word boundaries for Latin terms.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_'
	}
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !isCJK(r)
}

// isUnifiedIdeograph reports a character of the CJK Unified Ideographs
// block, every one Han, and most of a Chinese text: a letter with no case,
// no decomposition and no digit value, so it is answered by its range
// before Unicode's tables are searched.
func isUnifiedIdeograph(r rune) bool { return 0x4E00 <= r && r <= 0x9FFF }

func isCJK(r rune) bool {
	if isUnifiedIdeograph(r) {
		return true
	}
	return r >= 0x1100 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) // Hangul Jamo start at U+1100
}

// FoldCategory is how category names are compared: NFKC, lower case.
func FoldCategory(s string) string { return fold(s) }

// fold normalises text for matching: NFKC (full-width to half-width),
// lower case, white space folded.
func fold(s string) string { return foldSpace(foldCase(s)) }

// foldSpace joins the words of s with single spaces.
func foldSpace(s string) string {
	// Most text needs no white space folded: keep it as it is.
	collapse := len(s) > 0 && (s[0] == ' ' || s[len(s)-1] == ' ')
	for i := 0; i < len(s) && !collapse; {
		c := s[i]
		switch {
		case c == ' ':
			collapse = i+1 < len(s) && s[i+1] == ' '
			i++
		case c < utf8.RuneSelf:
			collapse = asciiSpace[c]
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			collapse = unicode.IsSpace(r)
			i += size
		}
	}
	if !collapse {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	word := -1 // where the word being read starts
	for i := 0; i < len(s); {
		c, size := s[i], 1
		space := c < utf8.RuneSelf && asciiSpace[c]
		if c >= utf8.RuneSelf {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
		}
		switch {
		case space && word >= 0:
			appendWord(&b, s[word:i])
			word = -1
		case !space && word < 0:
			word = i
		}
		i += size
	}
	if word >= 0 {
		appendWord(&b, s[word:])
	}
	return b.String()
}

// appendWord appends a word, its bytes as they were (valid UTF-8 or
// not), after a space if it is not the first.
func appendWord(b *strings.Builder, word string) {
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteString(word)
}

// asciiSpace marks the ASCII white space that unicode.IsSpace knows.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// entryText is an entry's text as tagging, the extractors and the
// fingerprint read it: the title, then the text of the summary and of
// the content (htmlText), a line each. An entry's is made once per poll
// and shared: each of the three made its own, six copies of the text.
type entryText struct {
	full             string // title, summary and content
	body             string // summary and content, within full
	summary, content string // within full
	folded           *foldedText
}

// foldedText is an entry's text folded for matching (fold: NFKC, lower
// case, white space folded), for the fingerprint's shingles and the
// tagger's fields: one pass and one copy for both, where each folded its
// own and the tagger folded the white space of each field again.
// Shingles read white space only as a break between words, so any run of
// it, or none at either end of a part, gives the same.
type foldedText struct {
	full                    string // the three parts, a line each
	title, summary, content string // within full
}

// foldParts folds the entry's text a part at a time, which gives what
// folding it whole gives: NFKC composes nothing with a line break, and
// lower case maps a character at a time.
func (t *entryText) foldParts() *foldedText {
	if t.folded != nil {
		return t.folded
	}
	title := t.full[:len(t.full)-len(t.body)-1]
	var b strings.Builder
	b.Grow(len(t.full))
	var ends [3]int
	for i, part := range [3]string{title, t.summary, t.content} {
		if i > 0 {
			b.WriteByte('\n')
		}
		appendFold(&b, part)
		ends[i] = b.Len()
	}
	full := b.String()
	t.folded = &foldedText{full: full, title: full[:ends[0]], summary: full[ends[0]+1 : ends[1]], content: full[ends[1]+1:]}
	return t.folded
}

// appendFold appends fold(s) to b. ASCII text, the common case, is
// copied in runs with no copy of its own, broken only at capitals and at
// white space other than one space between words.
func appendFold(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			appendFoldWords(b, norm.NFKC.String(s))
			return
		}
	}
	i := 0
	for i < len(s) && asciiSpace[s[i]] {
		i++
	}
	from := i
	for i < len(s) {
		switch c := s[i]; {
		case 'A' <= c && c <= 'Z':
			b.WriteString(s[from:i])
			b.WriteByte(c + 'a' - 'A')
			i++
			from = i
		case c == ' ' && i+1 < len(s) && !asciiSpace[s[i+1]]:
			i++ // one space between words: kept in the run
		case asciiSpace[c]:
			b.WriteString(s[from:i])
			for i < len(s) && asciiSpace[s[i]] {
				i++
			}
			if i < len(s) {
				b.WriteByte(' ')
			}
			from = i
		default:
			i++
		}
	}
	b.WriteString(s[from:])
}

// appendFoldWords appends the words of NFKC text n in lower case
// (appendLower), joined by single spaces. Lower case maps no white space
// to a letter nor a letter to white space, so the words are those of the
// text lowered.
func appendFoldWords(b *strings.Builder, n string) {
	first := true
	for word := range strings.FieldsSeq(n) {
		if !first {
			b.WriteByte(' ')
		}
		first = false
		appendLower(b, word)
	}
}

// appendFoldCase appends foldCase(s) to b: ASCII text, the common case,
// with no copy of its own.
func appendFoldCase(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			appendLower(b, norm.NFKC.String(s))
			return
		}
	}
	from := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b.WriteString(s[from:i])
			b.WriteByte(c + 'a' - 'A')
			from = i + 1
		}
	}
	b.WriteString(s[from:])
}

// appendLower appends strings.ToLower(s) to b, without the copy
// strings.ToLower makes and without looking up the unified ideographs,
// which have no case, in Unicode's tables.
func appendLower(b *strings.Builder, s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isUnifiedIdeograph(r):
			b.WriteString(s[i : i+size])
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError) // as strings.ToLower writes a byte that is not UTF-8
		default:
			b.WriteRune(unicode.ToLower(r))
		}
		i += size
	}
}

func textOf(e *Entry) entryText {
	var b strings.Builder
	b.Grow(len(e.Title) + len(e.Summary) + len(e.Content) + 2)
	b.WriteString(e.Title)
	b.WriteByte('\n')
	at := b.Len()
	appendHTMLText(&b, e.Summary)
	summaryEnd := b.Len()
	b.WriteByte('\n')
	appendHTMLText(&b, e.Content)
	full := b.String()
	return entryText{full: full, body: full[at:], summary: full[at:summaryEnd], content: full[summaryEnd+1:]}
}

// lazyText makes an entry's text when it is first asked for: an entry
// whose tagging reads neither summary nor content, and which is not
// merged, needs none. The entry's title, summary and content must not
// change meanwhile.
type lazyText struct {
	entry *Entry
	made  bool
	text  entryText
}

func (l *lazyText) get() *entryText {
	if !l.made {
		l.text, l.made = textOf(l.entry), true
	}
	return &l.text
}

// appendHTMLText appends an HTML fragment's text to b: its tags dropped
// (each becomes a space, as between paragraphs) and its entities decoded.
// It writes straight into the entry's text, where a copy of each part
// was made first; the spaces end any entity, so the spans between tags
// can be decoded one at a time.
func appendHTMLText(b *strings.Builder, s string) {
	for {
		open := strings.IndexByte(s, '<')
		if open < 0 {
			appendUnescaped(b, s)
			return
		}
		appendUnescaped(b, s[:open])
		end := strings.IndexByte(s[open:], '>')
		if end < 0 {
			return // an unclosed tag: what follows is not text
		}
		b.WriteByte(' ')
		s = s[open+end+1:]
	}
}

func appendUnescaped(b *strings.Builder, s string) {
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	b.WriteString(s)
}
