package aggregator

import (
	"slices"
	"strings"
	"unicode/utf8"
)

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
	noted  bool // in the scratch's touched list
	pos    [numFields]int
	// needles are, for a regular expression, the needle sets (bits in
	// the order of term.needles) each field holds a needle of.
	needles [numFields]uint8
}

// Tags returns the sorted tags of e from source src.
func (t *Tagger) Tags(e *Entry, src Source) []string {
	tags, _ := t.apply(e, src, &lazyText{entry: e}, false)
	return tags
}

// Explain returns e's tags with the reason for each.
func (t *Tagger) Explain(e *Entry, src Source) []Reason {
	_, reasons := t.apply(e, src, &lazyText{entry: e}, true)
	return reasons
}

func (t *Tagger) apply(e *Entry, src Source, text *lazyText, explain bool) ([]string, []Reason) {
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
		texts = fieldTexts(e, src, text, t.fields)
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
		full := text.get().full
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
				for _, id := range t.patterns[p] {
					tm := &t.terms[id]
					end := start + len(tm.text)
					if !tm.cjk && (wordRuneBefore(text, start) || tm.kind == phraseTerm && wordRuneAfter(text, end)) {
						continue
					}
					t.record(sc, id, f, start)
				}
				for _, u := range t.needleUses[p] {
					if u.wordStart && start > 0 && isWordByte(text[start-1]) {
						continue
					}
					h := t.note(sc, int(u.term))
					h.needles[f] |= 1 << u.set
				}
			})
		}
	}
}

func (t *Tagger) record(sc *scratch, id, field, pos int) {
	h := t.note(sc, id)
	if h.fields == 0 {
		sc.evaluate[t.termRule[id]] = true
	}
	if h.fields&(1<<field) == 0 {
		h.fields |= 1 << field
		h.pos[field] = pos
	}
}

// note returns a term's hit, listed to be cleared.
func (t *Tagger) note(sc *scratch, id int) *hit {
	h := &sc.hits[id]
	if !h.noted {
		h.noted = true
		sc.touched = append(sc.touched, id)
	}
	return h
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
				why := Reason{Tag: r.name, Term: tm.raw, Field: FieldNames[f]}
				if explain { // where, and the words around: for people only
					why.Pos, why.Context = utf8.RuneCountInString(texts[f][:h.pos[f]]), around(texts[f], h.pos[f])
				}
				return why, true
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
	h := t.note(sc, id)
	if h.ran {
		return
	}
	h.ran = true
	tm := &t.terms[id]
	for f := range numFields {
		if t.fields&(1<<f) == 0 || texts[f] == "" || h.needles[f] != tm.allNeedles {
			continue // one of its needle sets is not in the field
		}
		if loc := tm.re.FindStringIndex(texts[f]); loc != nil {
			h.fields |= 1 << f
			h.pos[f] = loc[0]
		}
	}
}

// fieldTexts folds the fields the rules read.
func fieldTexts(e *Entry, src Source, text *lazyText, want uint8) [numFields]string {
	var texts [numFields]string
	folded := [numFields]func() string{
		FieldTitle:      func() string { return text.get().foldParts().title },
		FieldSummary:    func() string { return text.get().foldParts().summary },
		FieldContent:    func() string { return text.get().foldParts().content },
		FieldCategories: func() string { return fold(strings.Join(e.Categories, "\n")) },
		FieldAuthor:     func() string { return fold(e.Author) },
		FieldLink:       func() string { return fold(e.Link) },
		FieldSource:     func() string { return fold(src.Name) },
	}
	for f := range numFields {
		if want&(1<<f) != 0 {
			texts[f] = folded[f]()
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
