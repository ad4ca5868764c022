package aggregator

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TagRule is a tag and the terms that give it. Any needs one of its terms
// (when set), All needs every term, None vetoes.
type TagRule struct {
	Name string
	Any  []string
	All  []string
	None []string
}

// Tagger applies tag rules to entries. It is safe for concurrent use.
type Tagger struct {
	rules []compiledRule
}

type compiledRule struct {
	name           string
	any, all, none []term
}

type term struct {
	text string // folded
	cjk  bool   // substring match; otherwise whole words
}

// NewTagger compiles rules.
func NewTagger(rules []TagRule) *Tagger {
	t := &Tagger{}
	for _, r := range rules {
		t.rules = append(t.rules, compiledRule{
			name: r.Name,
			any:  compileTerms(r.Any),
			all:  compileTerms(r.All),
			none: compileTerms(r.None),
		})
	}
	return t
}

func compileTerms(in []string) []term {
	out := make([]term, 0, len(in))
	for _, s := range in {
		f := fold(s)
		if f == "" {
			continue
		}
		out = append(out, term{text: f, cjk: strings.IndexFunc(f, isCJK) >= 0})
	}
	return out
}

// Tags returns the sorted tags of e: those of its source and those whose
// rule matches its title, summary or content.
func (t *Tagger) Tags(e *Entry, sourceTags []string) []string {
	tags := slices.Clone(sourceTags)
	if len(t.rules) > 0 {
		text := fold(e.Title + "\n" + htmlText(e.Summary) + "\n" + htmlText(e.Content))
		for _, r := range t.rules {
			if r.matches(text) {
				tags = append(tags, r.name)
			}
		}
	}
	slices.Sort(tags)
	return slices.Compact(tags)
}

func (r compiledRule) matches(text string) bool {
	if len(r.any) == 0 && len(r.all) == 0 {
		return false
	}
	if len(r.any) > 0 && !slices.ContainsFunc(r.any, func(tm term) bool { return tm.in(text) }) {
		return false
	}
	for _, tm := range r.all {
		if !tm.in(text) {
			return false
		}
	}
	return !slices.ContainsFunc(r.none, func(tm term) bool { return tm.in(text) })
}

// in reports whether the term occurs in folded text: anywhere for CJK
// terms, as whole words for the others.
func (tm term) in(text string) bool {
	if tm.cjk {
		return strings.Contains(text, tm.text)
	}
	for off := 0; ; {
		i := strings.Index(text[off:], tm.text)
		if i < 0 {
			return false
		}
		start, end := off+i, off+i+len(tm.text)
		if !wordRuneBefore(text, start) && !wordRuneAfter(text, end) {
			return true
		}
		off = start + 1
	}
}

func wordRuneBefore(s string, i int) bool {
	r, size := utf8.DecodeLastRuneInString(s[:i])
	return size > 0 && isWordRune(r)
}

func wordRuneAfter(s string, i int) bool {
	for _, r := range s[i:] {
		return isWordRune(r)
	}
	return false
}

// isWordRune is a letter or digit of a script that separates words with
// spaces; CJK characters are word boundaries for Latin terms.
func isWordRune(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') && !isCJK(r)
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// fold normalises text for matching: NFKC (full-width to half-width),
// lower case, white space folded.
func fold(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(norm.NFKC.String(s))), " ")
}

// htmlText drops tags from an HTML fragment, keeping their text; entities
// are left as they are, which is enough for matching words.
func htmlText(s string) string {
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
