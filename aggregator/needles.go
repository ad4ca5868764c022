package aggregator

import (
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Needles of a regular-expression term: sets of strings such that every
// match holds one string of each set. The tagger runs a term's
// expression on a field only if the field holds them. Expressions try a
// match at every position of a text; on the shipped rules, whose
// expressions ran on nearly every item (no phrase of their rule had
// matched), tagging took about 50 µs an item (BenchmarkTagging).
//
// The fields are folded (fold: NFKC, lower case), so a needle is looked
// for in lower case. Under (?i), which every term has, a literal's
// letters match their other cases too: an ASCII letter's other forms
// (the Kelvin sign, the long s) are upper case or NFKC-decompose to
// ASCII and do not survive folding; a cased letter outside ASCII may
// fold in ways lower case does not show (σ and ς), so a literal holding
// one gives no needle.

// needle is a string every match holds; at a word's start when \b comes
// before it in the expression and it starts with a word character.
type needle struct {
	text      string
	wordStart bool
}

// needles returns the needle sets of an expression, or nil when it
// promises none (an expression that may match the empty string, or only
// classes of characters).
func needles(expr string) [][]needle {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	return needlesOf(re.Simplify())
}

func needlesOf(re *syntax.Regexp) [][]needle {
	if sub, ok := whole(re); ok {
		return needlesOf(sub)
	}
	switch re.Op {
	case syntax.OpLiteral:
		if s, ok := literalNeedle(re); ok {
			return [][]needle{{{text: s}}}
		}
	case syntax.OpConcat:
		// Every part is in every match, and what follows \b starts a
		// word.
		var all [][]needle
		for i, sub := range re.Sub {
			all = append(all, needlesOf(sub)...)
			if i > 0 && re.Sub[i-1].Op == syntax.OpWordBoundary {
				if first := startNeedles(sub); first != nil {
					all = append(all, first)
				}
			}
		}
		return all
	case syntax.OpAlternate:
		// A match holds one branch's: of each, the set that says most.
		var any []needle
		for _, sub := range re.Sub {
			sets := needlesOf(sub)
			if sets == nil {
				return nil // that branch may match without any
			}
			any = append(any, slices.MaxFunc(sets, compareNeedles)...)
		}
		return [][]needle{any}
	}
	return nil
}

// startNeedles returns the strings one of which starts every match of
// re, marked as at a word's start, or nil if there are none such, or
// one starts with a character that is not a word's.
func startNeedles(re *syntax.Regexp) []needle {
	if sub, ok := whole(re); ok {
		return startNeedles(sub)
	}
	switch re.Op {
	case syntax.OpLiteral:
		if s, ok := literalNeedle(re); ok && isWordByte(s[0]) {
			return []needle{{text: s, wordStart: true}}
		}
	case syntax.OpConcat:
		return startNeedles(re.Sub[0])
	case syntax.OpAlternate:
		var any []needle
		for _, sub := range re.Sub {
			first := startNeedles(sub)
			if first == nil {
				return nil
			}
			any = append(any, first...)
		}
		return any
	}
	return nil
}

// whole returns what every match of re holds whole, and starts with,
// when re is a group or a repetition at least once of it.
func whole(re *syntax.Regexp) (*syntax.Regexp, bool) {
	switch {
	case re.Op == syntax.OpCapture, re.Op == syntax.OpPlus, re.Op == syntax.OpRepeat && re.Min >= 1:
		return re.Sub[0], true
	}
	return nil, false
}

// compareNeedles ranks sets: the one whose shortest needle is longer
// says more, then the smaller one.
func compareNeedles(a, b []needle) int {
	shortest := func(set []needle) int {
		n := len(set[0].text)
		for _, x := range set {
			n = min(n, len(x.text))
		}
		return n
	}
	if sa, sb := shortest(a), shortest(b); sa != sb {
		return sa - sb
	}
	return len(b) - len(a)
}

// literalNeedle is a literal as it appears in folded text, if that is
// certain (see above).
func literalNeedle(re *syntax.Regexp) (string, bool) {
	var b strings.Builder
	for _, r := range re.Rune {
		if re.Flags&syntax.FoldCase != 0 && r >= utf8.RuneSelf && unicode.SimpleFold(r) != r {
			return "", false
		}
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String(), b.Len() > 0
}

// isWordByte is \w of Go's expressions, whose \b is ASCII's.
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}
