package aggregator

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
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
	// needleUses: matcher pattern → the regular expressions it is a
	// needle of.
	needleUses [][]needleUse
	matcher    *matcher
	rules      []compiledRule
	fields     uint8 // fields any rule reads
	cats       map[string]string
	cve, ioc   bool
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
	// needles are what every match of re holds (see needles; nil:
	// none known), found in the same pass as phrases; allNeedles has a
	// bit for each set, which a field must hold for re to run on it.
	needles    [][]needle
	allNeedles uint8
}

// needleUse says which needle set of which term a pattern is a needle of.
type needleUse struct {
	term      int32
	set       uint8
	wordStart bool
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
		expr := "(?i)" + s[1:len(s)-1]
		re, err := regexp.Compile(expr)
		if err != nil {
			return term{}, fmt.Errorf("bad regular expression %s: %w", s, err)
		}
		n := needles(expr)
		if len(n) > 8 {
			n = n[:8] // a field holding the first 8 sets may match; the rest are not looked for
		}
		return term{raw: raw, kind: regexpTerm, re: re, needles: n, allNeedles: 1<<len(n) - 1}, nil
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
	pattern := func(text string) int {
		p, ok := patternOf[text]
		if !ok {
			p = len(patterns)
			patternOf[text] = p
			patterns = append(patterns, text)
			t.patterns = append(t.patterns, nil)
			t.needleUses = append(t.needleUses, nil)
		}
		return p
	}
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
				p := pattern(tm.text)
				t.patterns[p] = append(t.patterns[p], id)
			case regexpTerm:
				for set, needles := range tm.needles {
					for _, n := range needles {
						p := pattern(n.text)
						t.needleUses[p] = append(t.needleUses[p], needleUse{int32(id), uint8(set), n.wordStart})
					}
				}
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
