package aggregator

import (
	"errors"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// TagRule is a tag and the terms that give it. Any needs one of its terms
// (when set), All needs every term, None vetoes.
//
// A term is a phrase ("cyber attack": case and width folded; whole words
// for Latin scripts, anywhere for Chinese, Japanese and Korean), a prefix
// ("hack*"), an RE2 regular expression ("/cve-\d+/", case-insensitive),
// or another tag ("tag:china").
type TagRule struct {
	Name string
	Any  []string
	All  []string
	None []string
	// Fields restricts where terms match; empty means title, summary
	// and content.
	Fields []string
	// Sources restricts the rule to items of these sources; empty means
	// every source.
	Sources []string
}

// Fields a rule's terms can match in.
const (
	FieldTitle = iota
	FieldSummary
	FieldContent
	FieldCategories
	FieldAuthor
	FieldLink
	FieldSource
	numFields
)

// FieldNames are the names of the fields, as configured.
var FieldNames = [numFields]string{"title", "summary", "content", "categories", "author", "link", "source"}

const defaultFields = 1<<FieldTitle | 1<<FieldSummary | 1<<FieldContent

// Extractors the tagger can run; each gives the tag of its name.
const (
	ExtractCVE        = "cve"
	ExtractIndicators = "indicators"
)

// TaggerOptions is everything the tagger is built from.
type TaggerOptions struct {
	Rules []TagRule
	// Categories maps upstream categories (case-insensitive) to tags, for
	// every source; sources add their own mappings.
	Categories map[string]string
	// Extract names the built-in extractors to run: ExtractCVE,
	// ExtractIndicators.
	Extract []string
}

// Tagger applies tag rules to entries. It is compiled once per
// configuration: every term of every rule is found in a single pass over
// each field (regular expressions aside). It is safe for concurrent use.
type Tagger struct {
	terms    []term
	patterns [][]int // matcher pattern → terms that use it
	matcher  *matcher
	rules    []compiledRule
	fields   uint8 // fields any rule reads
	cats     map[string]string
	cve, ioc bool
	// termRule maps a term to the rule (index in rules) it belongs to, so
	// that only rules with a matched term are evaluated.
	termRule []int
	scratch  sync.Pool // *scratch, to tag without allocating per term
}

// scratch is one tagging's record of matched terms.
type scratch struct {
	hits     []hit
	touched  []int  // terms with a hit, to reset
	evaluate []bool // per rule: a term matched, or it reads other tags
}

type termKind uint8

const (
	phraseTerm termKind = iota
	prefixTerm
	regexpTerm
	tagTerm
)

type term struct {
	raw  string
	kind termKind
	text string // folded phrase or prefix, or the tag's name
	cjk  bool   // substring match; otherwise word boundaries apply
	re   *regexp.Regexp
}

type compiledRule struct {
	name           string
	any, all, none []int
	fields         uint8
	sources        []string
	// alwaysEvaluate: the rule has terms the one pass does not find
	// (other tags, regular expressions), so it is evaluated whatever it
	// found.
	alwaysEvaluate bool
}

// ParseTerm checks one term as it would be compiled.
func ParseTerm(raw string) error {
	_, err := parseTerm(raw)
	return err
}

func parseTerm(raw string) (term, error) {
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		return term{}, errors.New("empty term")
	case len(s) >= 2 && strings.HasPrefix(s, "/") && strings.HasSuffix(s, "/"):
		re, err := regexp.Compile("(?i)" + s[1:len(s)-1])
		if err != nil {
			return term{}, fmt.Errorf("bad regular expression %s: %w", s, err)
		}
		return term{raw: raw, kind: regexpTerm, re: re}, nil
	case strings.HasPrefix(s, "tag:"):
		return term{raw: raw, kind: tagTerm, text: strings.TrimSpace(s[4:])}, nil
	}
	kind := phraseTerm
	if strings.HasSuffix(s, "*") {
		kind, s = prefixTerm, strings.TrimRight(s, "*")
	}
	f := fold(s)
	if f == "" {
		return term{}, fmt.Errorf("term %q has nothing to match", raw)
	}
	return term{raw: raw, kind: kind, text: f, cjk: strings.IndexFunc(f, isCJK) >= 0}, nil
}

// NewTagger compiles options. It fails on a bad term, an unknown field,
// or tags that depend on each other in a cycle.
func NewTagger(opts TaggerOptions) (*Tagger, error) {
	t := &Tagger{cats: map[string]string{}}
	for k, v := range opts.Categories {
		t.cats[fold(k)] = v
	}
	for _, x := range opts.Extract {
		switch x {
		case ExtractCVE:
			t.cve = true
		case ExtractIndicators:
			t.ioc = true
		default:
			return nil, fmt.Errorf("unknown extractor %q (want %s or %s)", x, ExtractCVE, ExtractIndicators)
		}
	}
	patternOf := map[string]int{}
	var patterns []string
	addTerms := func(raws []string) ([]int, error) {
		ids := make([]int, 0, len(raws))
		for _, raw := range raws {
			tm, err := parseTerm(raw)
			if err != nil {
				return nil, err
			}
			id := len(t.terms)
			t.terms = append(t.terms, tm)
			ids = append(ids, id)
			switch tm.kind {
			case phraseTerm, prefixTerm:
				p, ok := patternOf[tm.text]
				if !ok {
					p = len(patterns)
					patternOf[tm.text] = p
					patterns = append(patterns, tm.text)
					t.patterns = append(t.patterns, nil)
				}
				t.patterns[p] = append(t.patterns[p], id)
			}
		}
		return ids, nil
	}
	for _, r := range opts.Rules {
		cr := compiledRule{name: r.Name, sources: r.Sources, fields: defaultFields}
		var err error
		if cr.any, err = addTerms(r.Any); err != nil {
			return nil, fmt.Errorf("tag %s: %w", r.Name, err)
		}
		if cr.all, err = addTerms(r.All); err != nil {
			return nil, fmt.Errorf("tag %s: %w", r.Name, err)
		}
		if cr.none, err = addTerms(r.None); err != nil {
			return nil, fmt.Errorf("tag %s: %w", r.Name, err)
		}
		if len(r.Fields) > 0 {
			cr.fields = 0
			for _, f := range r.Fields {
				i := slices.Index(FieldNames[:], f)
				if i < 0 {
					return nil, fmt.Errorf("tag %s: unknown field %q (want one of %s)", r.Name, f, strings.Join(FieldNames[:], ", "))
				}
				cr.fields |= 1 << i
			}
		}
		t.fields |= cr.fields
		t.rules = append(t.rules, cr)
	}
	if err := t.order(); err != nil {
		return nil, err
	}
	t.termRule = make([]int, len(t.terms))
	for i := range t.rules {
		r := &t.rules[i]
		for _, id := range slices.Concat(r.any, r.all, r.none) {
			t.termRule[id] = i
			kind := t.terms[id].kind
			r.alwaysEvaluate = r.alwaysEvaluate || kind == tagTerm || kind == regexpTerm
		}
	}
	t.scratch.New = func() any {
		return &scratch{hits: make([]hit, len(t.terms)), evaluate: make([]bool, len(t.rules))}
	}
	if len(patterns) > 0 {
		t.matcher = newMatcher(patterns)
	}
	return t, nil
}

// order sorts rules so that a rule comes after the rules whose tags its
// terms name ("tag:x"), and reports a cycle.
func (t *Tagger) order() error {
	index := map[string]int{}
	for i, r := range t.rules {
		index[r.name] = i
	}
	deps := make([][]int, len(t.rules))
	for i, r := range t.rules {
		for _, id := range slices.Concat(r.any, r.all, r.none) {
			if tm := t.terms[id]; tm.kind == tagTerm {
				if j, ok := index[tm.text]; ok {
					deps[i] = append(deps[i], j)
				}
			}
		}
	}
	const (
		unseen = iota
		visiting
		done
	)
	state := make([]int, len(t.rules))
	var sorted []compiledRule
	var path []string
	var visit func(i int) error
	visit = func(i int) error {
		switch state[i] {
		case done:
			return nil
		case visiting:
			start := slices.Index(path, t.rules[i].name)
			return fmt.Errorf("tags depend on each other in a cycle: %s → %s", strings.Join(path[start:], " → "), t.rules[i].name)
		}
		state[i] = visiting
		path = append(path, t.rules[i].name)
		for _, j := range deps[i] {
			if err := visit(j); err != nil {
				return err
			}
		}
		path = path[:len(path)-1]
		state[i] = done
		sorted = append(sorted, t.rules[i])
		return nil
	}
	for i := range t.rules {
		if err := visit(i); err != nil {
			return err
		}
	}
	t.rules = sorted
	return nil
}

// Reason is why an entry has a tag: the term (or source, or upstream
// category, or extractor) and where in which field it matched.
type Reason struct {
	Tag   string
	Term  string
	Field string
	// Pos is the character offset of the match in the field's folded
	// text; Context is the text around it.
	Pos     int
	Context string
}

// hit is where a term first matched in each field.
type hit struct {
	fields uint8
	ran    bool // a regular expression was run
	pos    [numFields]int
}

// Tags returns the sorted tags of e from source src.
func (t *Tagger) Tags(e *Entry, src Source) []string {
	tags, _ := t.apply(e, src, false)
	return tags
}

// Explain returns e's tags with the reason for each.
func (t *Tagger) Explain(e *Entry, src Source) []Reason {
	_, reasons := t.apply(e, src, true)
	return reasons
}

func (t *Tagger) apply(e *Entry, src Source, explain bool) ([]string, []Reason) {
	var reasons []Reason
	tags := map[string]bool{}
	give := func(r Reason) {
		if !tags[r.Tag] || explain {
			tags[r.Tag] = true
			if explain {
				reasons = append(reasons, r)
			}
		}
	}
	for _, tag := range src.Tags {
		give(Reason{Tag: tag, Term: "every item of source " + src.Name, Field: "source"})
	}
	for _, c := range e.Categories {
		fc := fold(c)
		if tag, ok := src.Categories[fc]; ok {
			give(Reason{Tag: tag, Term: "category " + c + " of source " + src.Name, Field: "categories"})
		}
		if tag, ok := t.cats[fc]; ok {
			give(Reason{Tag: tag, Term: "category " + c, Field: "categories"})
		}
	}

	var texts [numFields]string
	sc := t.scratch.Get().(*scratch)
	defer t.release(sc)
	if len(t.rules) > 0 {
		texts = fieldTexts(e, src, t.fields)
		t.findTerms(&texts, sc)
	}
	for i, r := range t.rules {
		if !sc.evaluate[i] && !r.alwaysEvaluate {
			continue // no phrase of this rule occurs
		}
		if len(r.sources) > 0 && !slices.Contains(r.sources, src.Name) {
			continue
		}
		if why, ok := t.ruleMatches(r, sc, tags, &texts, explain); ok {
			for _, w := range why {
				give(w)
			}
		}
	}
	if t.cve || t.ioc {
		e.CVEs, e.Indicators = nil, nil
		full := e.Title + "\n" + htmlText(e.Summary) + "\n" + htmlText(e.Content)
		if t.cve {
			e.CVEs = FindCVEs(full)
			if len(e.CVEs) > 0 {
				give(Reason{Tag: ExtractCVE, Term: strings.Join(e.CVEs, " "), Field: "text"})
			}
		}
		if t.ioc {
			e.Indicators = FindIndicators(full)
			if len(e.Indicators) > 0 {
				give(Reason{Tag: ExtractIndicators, Term: strings.Join(e.Indicators, " "), Field: "text"})
			}
		}
	}
	out := make([]string, 0, len(tags))
	for tag := range tags {
		out = append(out, tag)
	}
	slices.Sort(out)
	return out, reasons
}

// findTerms scans each field once for every phrase and prefix, then runs
// the regular expressions.
func (t *Tagger) findTerms(texts *[numFields]string, sc *scratch) {
	for f := range numFields {
		if t.fields&(1<<f) == 0 || texts[f] == "" {
			continue
		}
		text := texts[f]
		if t.matcher != nil {
			t.matcher.scan(text, func(p, start int) {
				end := start + len(t.terms[t.patterns[p][0]].text)
				for _, id := range t.patterns[p] {
					tm := &t.terms[id]
					if !tm.cjk && (wordRuneBefore(text, start) || tm.kind == phraseTerm && wordRuneAfter(text, end)) {
						continue
					}
					t.record(sc, id, f, start)
				}
			})
		}
	}
}

func (t *Tagger) record(sc *scratch, id, field, pos int) {
	h := &sc.hits[id]
	if h.fields == 0 {
		sc.touched = append(sc.touched, id) // may repeat: release is idempotent
		sc.evaluate[t.termRule[id]] = true
	}
	if h.fields&(1<<field) == 0 {
		h.fields |= 1 << field
		h.pos[field] = pos
	}
}

// release clears what a tagging recorded and returns the scratch.
func (t *Tagger) release(sc *scratch) {
	for _, id := range sc.touched {
		sc.hits[id] = hit{}
		sc.evaluate[t.termRule[id]] = false
	}
	sc.touched = sc.touched[:0]
	t.scratch.Put(sc)
}

// ruleMatches applies one rule and says which terms made it match.
// Regular expressions run only when a rule's outcome depends on them:
// after its phrases, and not at all for an item no phrase brought here.
func (t *Tagger) ruleMatches(r compiledRule, sc *scratch, tags map[string]bool, texts *[numFields]string, explain bool) ([]Reason, bool) {
	if len(r.any) == 0 && len(r.all) == 0 {
		return nil, false
	}
	matched := func(id int) (Reason, bool) {
		tm := &t.terms[id]
		if tm.kind == tagTerm {
			return Reason{Tag: r.name, Term: tm.raw, Field: "tags"}, tags[tm.text]
		}
		if tm.kind == regexpTerm {
			t.runRegexp(sc, id, texts)
		}
		h := sc.hits[id]
		for f := range numFields {
			if h.fields&r.fields&(1<<f) != 0 {
				return Reason{Tag: r.name, Term: tm.raw, Field: FieldNames[f],
					Pos: utf8.RuneCountInString(texts[f][:h.pos[f]]), Context: around(texts[f], h.pos[f])}, true
			}
		}
		return Reason{}, false
	}
	var why []Reason
	for _, id := range r.all {
		w, ok := matched(id)
		if !ok {
			return nil, false
		}
		why = append(why, w)
	}
	if len(r.any) > 0 {
		found := false
		for _, regexps := range []bool{false, true} { // phrases first: they cost nothing more
			for _, id := range r.any {
				if (t.terms[id].kind == regexpTerm) != regexps || found && !explain {
					continue
				}
				if w, ok := matched(id); ok {
					why = append(why, w)
					found = true
				}
			}
		}
		if !found {
			return nil, false
		}
	}
	for _, id := range r.none {
		if _, ok := matched(id); ok {
			return nil, false
		}
	}
	return why, true
}

// runRegexp finds a regular-expression term in the fields, once per
// tagging.
func (t *Tagger) runRegexp(sc *scratch, id int, texts *[numFields]string) {
	h := &sc.hits[id]
	if h.ran {
		return
	}
	h.ran = true
	sc.touched = append(sc.touched, id)
	for f := range numFields {
		if t.fields&(1<<f) == 0 || texts[f] == "" {
			continue
		}
		if loc := t.terms[id].re.FindStringIndex(texts[f]); loc != nil {
			h.fields |= 1 << f
			h.pos[f] = loc[0]
		}
	}
}

// fieldTexts folds the fields the rules read.
func fieldTexts(e *Entry, src Source, want uint8) [numFields]string {
	var texts [numFields]string
	raw := [numFields]func() string{
		FieldTitle:      func() string { return e.Title },
		FieldSummary:    func() string { return htmlText(e.Summary) },
		FieldContent:    func() string { return htmlText(e.Content) },
		FieldCategories: func() string { return strings.Join(e.Categories, "\n") },
		FieldAuthor:     func() string { return e.Author },
		FieldLink:       func() string { return e.Link },
		FieldSource:     func() string { return src.Name },
	}
	for f := range numFields {
		if want&(1<<f) != 0 {
			texts[f] = fold(raw[f]())
		}
	}
	return texts
}

// around returns about 30 characters either side of byte offset pos.
func around(s string, pos int) string {
	start, end := pos, pos
	for n := 0; n < 30 && start > 0; n++ {
		_, size := utf8.DecodeLastRuneInString(s[:start])
		start -= size
	}
	for n := 0; n < 40 && end < len(s); n++ {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
	}
	return strings.TrimSpace(s[start:end])
}

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

func isCJK(r rune) bool {
	return r >= 0x1100 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) // Hangul Jamo start at U+1100
}

// FoldCategory is how category names are compared: NFKC, lower case.
func FoldCategory(s string) string { return fold(s) }

// fold normalises text for matching: NFKC (full-width to half-width),
// lower case, white space folded.
func fold(s string) string {
	return strings.Join(strings.Fields(foldCase(s)), " ")
}

// htmlText drops tags from an HTML fragment, keeping their text, and
// decodes entities. It copies the text between tags in spans.
func htmlText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	if strings.IndexByte(s, '<') >= 0 {
		var b strings.Builder
		b.Grow(len(s))
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
			b.WriteByte(' ')
			s = s[open+end+1:]
		}
		s = b.String()
	}
	return html.UnescapeString(s)
}
