package aggregator

import (
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Needles of a regular-expression term: strings one of which every match
// contains. The tagger runs a term's expression on a field only if the
// field holds one of them. Expressions try a match at every position of
// a text; on the shipped rules, whose seven expressions ran on nearly
// every item (no phrase of their rule had matched), tagging took about
// 50 µs an item (BenchmarkTagging).
//
// The fields are folded (fold: NFKC, lower case), so a needle is looked
// for in lower case. Under (?i), which every term has, a literal's
// letters match their other cases too: an ASCII letter's other forms
// (the Kelvin sign, the long s) are upper case or NFKC-decompose to
// ASCII and do not survive folding; a cased letter outside ASCII may
// fold in ways lower case does not show (σ and ς), so a literal holding
// one gives no needle.

// needles returns the needles of an expression, or nil when it promises
// none (an expression that may match the empty string, or only classes
// of characters).
func needles(expr string) []string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	return needlesOf(re.Simplify())
}

func needlesOf(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if s, ok := literalNeedle(re); ok {
			return []string{s}
		}
	case syntax.OpCapture, syntax.OpPlus:
		return needlesOf(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return needlesOf(re.Sub[0])
		}
	case syntax.OpConcat:
		// Every part is in every match: the part whose needles are
		// longest (and fewest) says most.
		var best []string
		for _, sub := range re.Sub {
			if n := needlesOf(sub); n != nil && (best == nil || betterNeedles(n, best)) {
				best = n
			}
		}
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			n := needlesOf(sub)
			if n == nil {
				return nil // that branch may match without any
			}
			all = append(all, n...)
		}
		slices.Sort(all)
		return slices.Compact(all)
	}
	return nil
}

// betterNeedles prefers the set whose shortest needle is longer, then
// the smaller set.
func betterNeedles(a, b []string) bool {
	shortest := func(s []string) int {
		return len(slices.MinFunc(s, func(x, y string) int { return len(x) - len(y) }))
	}
	if sa, sb := shortest(a), shortest(b); sa != sb {
		return sa > sb
	}
	return len(a) < len(b)
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

// holdsNeedle reports whether text holds one of needles; no needles
// promise nothing, and every text may match.
func holdsNeedle(text string, needles []string) bool {
	if needles == nil {
		return true
	}
	for _, n := range needles {
		if strings.Contains(text, n) {
			return true
		}
	}
	return false
}
