package farm

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
)

// The text generator is a small grammar: templates are text with {slot}
// references. An entity slot ({org}, {city}, {n3}…) is fixed for a whole
// story, so its sentences agree with each other; a choice slot ({said},
// {when}…) picks one of several templates each time it is rendered, so the
// fixed wording varies between stories.

type topic uint8

const (
	topicCyber topic = iota
	topicEconomy
	topicSport
	topicWeather
	topicPolitics
	topicScience
	numTopics
)

// entity names a story-wide value.
type entity uint8

const (
	entPerson entity = iota
	entPerson2
	entLast
	entCity
	entCity2
	entCountry
	entCountry2
	entDay
	entMonth
	entN
	entN2
	entN3
	entPct
	entPct2
	entMoney
	entYear
	entScore
	entTemp
	entCVE
	entCVSS
	// Rendered from the topic's templates, in this order, after the
	// values above: each may refer to the ones before it.
	entRole
	entOrg
	entOrg2
	entThing
	entThing2
	numEntities
	firstTemplated = entRole
)

var entityNames = [numEntities]string{
	"person", "person2", "last", "city", "city2", "country", "country2",
	"day", "month", "n", "n2", "n3", "pct", "pct2", "money", "year",
	"score", "temp", "cve", "cvss", "role", "org", "org2", "thing", "thing2",
}

// segment is literal text followed by an optional slot.
type segment struct {
	lit  string
	slot int // -1: none; < numEntities: an entity; else a choice index + numEntities
}

type tmpl []segment

// topicVocab is what one language says about one topic.
type topicVocab struct {
	// Entity templates.
	roles, orgs, orgs2, things, things2 []tmpl
	// An angle is a way of opening a story: leads[i] and headlines[i]
	// are the alternative leads and headlines of angle i.
	headlines  [][]tmpl
	leads      [][]tmpl
	body       []tmpl
	categories []string
}

// vocab is a language's compiled grammar.
type vocab struct {
	chinese bool
	// Plain word lists for the entities that are not templates.
	first, last, cities, countries, days, months []string
	choices                                      [][]tmpl
	topics                                       [numTopics]topicVocab
	generic                                      []tmpl
	// wrappers reword a headline (fmt verbs) for copies that have run
	// out of headlines of their own.
	wrappers []string
}

// source is a vocab as written: lists are one entry per line, or split
// on "|" for short words.
type source struct {
	chinese                                      bool
	first, last, cities, countries, days, months string
	choices                                      map[string]string
	topics                                       [numTopics]topicSource
	generic                                      string
	wrappers                                     string
	// thesaurus lists groups of interchangeable words, one group a line
	// ("|"-separated). In topic and generic templates every occurrence
	// of a group's word becomes a choice among the group, so that
	// stories built from one template differ in wording. A word written
	// "=word" is a replacement only: its own occurrences stay.
	thesaurus string
}

// topicSource is one topic's templates. Line i of headlines and line i
// of leads give the alternative headlines and leads (separated by
// " || ") of angle i.
type topicSource struct {
	roles, orgs, orgs2, things, things2 string
	headlines, leads, body              string
	categories                          string
}

// compile parses every template of src; an unknown slot is a programming
// error and panics (at package initialisation, so any test catches it).
func compile(src source) *vocab {
	v := &vocab{
		chinese:   src.chinese,
		first:     list(src.first),
		last:      list(src.last),
		cities:    list(src.cities),
		countries: list(src.countries),
		days:      list(src.days),
		months:    list(src.months),
	}
	names := make(map[string]int, int(numEntities)+len(src.choices))
	for i, name := range entityNames {
		names[name] = i
	}
	keys := slices.Sorted(maps.Keys(src.choices))
	for i, k := range keys {
		if _, dup := names[k]; dup {
			panic("feedfarm: choice named like an entity: " + k)
		}
		names[k] = int(numEntities) + i
	}
	p := parser{names: names}
	v.choices = make([][]tmpl, len(keys))
	for i, k := range keys {
		v.choices[i] = p.all(src.choices[k])
	}
	p.synonyms = make(map[string]int)
	for _, line := range list(src.thesaurus) {
		id := int(numEntities) + len(v.choices)
		var alts []tmpl
		for _, w := range strings.Split(line, "|") {
			// "=word" is only a replacement, never replaced itself.
			w, onlyAlt := strings.CutPrefix(w, "=")
			alts = append(alts, tmpl{{lit: w, slot: -1}})
			if onlyAlt {
				continue
			}
			if _, dup := p.synonyms[w]; dup {
				panic("feedfarm: word in two thesaurus groups: " + w)
			}
			p.synonyms[w] = id
			p.longest = max(p.longest, len(w))
		}
		v.choices = append(v.choices, alts)
	}
	p.chinese = src.chinese
	for t := range numTopics {
		ts := src.topics[t]
		plain := p // entity names keep their words
		plain.synonyms = nil
		v.topics[t] = topicVocab{
			roles:      plain.all(ts.roles),
			orgs:       plain.all(ts.orgs),
			orgs2:      plain.all(ts.orgs2),
			things:     plain.all(ts.things),
			things2:    plain.all(ts.things2),
			headlines:  p.angles(ts.headlines),
			leads:      p.angles(ts.leads),
			body:       p.all(ts.body),
			categories: list(ts.categories),
		}
		if len(v.topics[t].headlines) != len(v.topics[t].leads) {
			panic(fmt.Sprintf("feedfarm: topic %d: %d headline lines for %d leads", t, len(v.topics[t].headlines), len(v.topics[t].leads)))
		}
	}
	v.generic = p.all(src.generic)
	v.wrappers = list(src.wrappers)
	return v
}

type parser struct {
	names map[string]int
	// synonyms maps a thesaurus word to its choice slot; empty while the
	// choices themselves are parsed.
	synonyms map[string]int
	longest  int
	chinese  bool
}

func (p parser) all(s string) []tmpl {
	var out []tmpl
	for _, line := range list(s) {
		out = append(out, p.parse(line))
	}
	return out
}

func (p parser) angles(s string) [][]tmpl {
	var out [][]tmpl
	for _, line := range list(s) {
		var alts []tmpl
		for _, h := range strings.Split(line, " || ") {
			alts = append(alts, p.parse(strings.TrimSpace(h)))
		}
		out = append(out, alts)
	}
	return out
}

func (p parser) parse(s string) tmpl {
	var t tmpl
	for {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			return p.literal(t, s, -1)
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			panic(fmt.Sprintf("feedfarm: unclosed slot in %q", s))
		}
		name := s[open+1 : open+end]
		id, ok := p.names[name]
		if !ok {
			panic(fmt.Sprintf("feedfarm: unknown slot {%s} in %q", name, s))
		}
		t = p.literal(t, s[:open], id)
		s = s[open+end+1:]
	}
}

// literal appends text followed by slot, turning thesaurus words of the
// text into choices. English words match whole; Chinese ones anywhere,
// longest first.
func (p parser) literal(t tmpl, text string, slot int) tmpl {
	start := 0
	for i := 0; i < len(text); {
		w, id := p.synonymAt(text, i)
		if id < 0 {
			i++
			continue
		}
		t = append(t, segment{lit: text[start:i], slot: id})
		i += len(w)
		start = i
	}
	if rest := text[start:]; rest != "" || slot >= 0 {
		t = append(t, segment{lit: rest, slot: slot})
	}
	return t
}

// synonymAt returns the thesaurus word at text[i:], if any.
func (p parser) synonymAt(text string, i int) (string, int) {
	if len(p.synonyms) == 0 {
		return "", -1
	}
	if !p.chinese {
		if i > 0 && isLetter(text[i-1]) || !isLetter(text[i]) {
			return "", -1
		}
		j := i
		for j < len(text) && (isLetter(text[j]) || text[j] == '-') {
			j++
		}
		if id, ok := p.synonyms[text[i:j]]; ok {
			return text[i:j], id
		}
		return "", -1
	}
	for n := min(p.longest, len(text)-i); n > 0; n-- {
		if id, ok := p.synonyms[text[i:i+n]]; ok {
			return text[i : i+n], id
		}
	}
	return "", -1
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// list splits a word list: one entry per line, or "|"-separated on a
// single line.
func list(s string) []string {
	var out []string
	sep := "\n"
	if !strings.Contains(strings.TrimSpace(s), "\n") {
		sep = "|"
	}
	for _, e := range strings.Split(s, sep) {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// render appends t to b, resolving slots from the story's entities and
// choices from r.
func (v *vocab) render(b []byte, t tmpl, ent *[numEntities]string, r *rand.Rand) []byte {
	for _, s := range t {
		b = append(b, s.lit...)
		switch {
		case s.slot < 0:
		case s.slot < int(numEntities):
			b = append(b, ent[s.slot]...)
		default:
			alts := v.choices[s.slot-int(numEntities)]
			b = v.render(b, alts[r.IntN(len(alts))], ent, r)
		}
	}
	return b
}

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }
