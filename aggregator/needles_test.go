package aggregator

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/goccy/go-yaml"
)

// TestNeedles shows each expression's needle sets as the sets joined by
// " & ", a set's needles by "|", "^" marking a needle at a word's start.
func TestNeedles(t *testing.T) {
	for _, tt := range []struct {
		expr, want string
	}{
		{`(?i)\bapt ?\d{1,3}\b`, "apt & ^apt"},
		{`(?i)\bCVE-\d{4}-\d{4,7}\b`, "cve- & ^cve- & -"},
		{`(?i)\bnot (a |an )?cyber[ -]?attack`, "not  & ^not  & cyber & attack"},
		{`(?i)(breach|stolen|leak(ed)?)`, "breach|stolen|leak"},
		{`(?i)\b(data|users?)\b[^.]{0,9}\b(sold|taken)\b`, "data|user & ^data|^user & sold|taken & ^sold|^taken"},
		{`(?i)\b(fake|fraudulent|bogus)\b`, "ake|raudulent|bogus & ^f|^bogus"},
		{`(?i)短信.{0,20}(链接|点击)`, "短信 & 链接|点击"},
		{`(?i)\b-x`, "-x"}, // \b before a non-word character: a word ends there
		{`(?i)(ab)+x*`, "ab"},
		{`(?i)Σ[a-z]+`, ""},  // σ, ς and Σ fold together; lower case shows one
		{`(?i)σημα|x`, ""},   // the same, in one branch
		{`(?i)[a-z]+`, ""},   // classes only
		{`(?i)x*`, ""},       // may match nothing
		{`(?i)(a|b*)c?`, ""}, // a branch that needs nothing
		{`(?i)a(`, ""},       // does not parse
	} {
		if got := renderNeedles(needles(tt.expr)); got != tt.want {
			t.Errorf("needles(%q) = %q, want %q", tt.expr, got, tt.want)
		}
	}
}

func renderNeedles(sets [][]needle) string {
	var out []string
	for _, set := range sets {
		var texts []string
		for _, n := range set {
			texts = append(texts, map[bool]string{true: "^"}[n.wordStart]+n.text)
		}
		out = append(out, strings.Join(texts, "|"))
	}
	return strings.Join(out, " & ")
}

// TestHolds checks the look for one needle, at a word's start or not.
func TestHolds(t *testing.T) {
	for _, tt := range []struct {
		text string
		n    needle
		want bool
	}{
		{"the captain", needle{"apt", false}, true},
		{"the captain", needle{"apt", true}, false},
		{"captain apt28", needle{"apt", true}, true},
		{"apt 41", needle{"apt", true}, true},
		{"(apt)", needle{"apt", true}, true},
		{"黑客apt", needle{"apt", true}, true}, // \b is ASCII's: a Chinese character is no word character
		{"_apt x9apt", needle{"apt", true}, false},
		{"", needle{"apt", false}, false},
	} {
		if got := holds(tt.text, tt.n); got != tt.want {
			t.Errorf("holds(%q, %+v) = %v, want %v", tt.text, tt.n, got, tt.want)
		}
	}
}

// TestFoldedLettersAreASCII checks what needles in lower case rest on:
// the characters that (?i) matches with an ASCII letter become that
// letter in lower case when folded.
func TestFoldedLettersAreASCII(t *testing.T) {
	for c := 'a'; c <= 'z'; c++ {
		for r := unicode.SimpleFold(c); r != c; r = unicode.SimpleFold(r) {
			if got := fold(string(r)); got != string(c) {
				t.Errorf("fold(%q) = %q, want %q: (?i)%c matches it", r, got, c, c)
			}
		}
	}
}

// shippedExpressions are the regular-expression terms of the shipped
// configuration, as the tagger compiles them.
func shippedExpressions(t testing.TB) []string {
	raw, err := os.ReadFile("../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Tags map[string]struct{ Any, All, None []string }
	}
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	var exprs []string
	for _, rule := range cfg.Tags {
		for _, term := range slices.Concat(rule.Any, rule.All, rule.None) {
			if term = strings.TrimSpace(term); len(term) > 2 && strings.HasPrefix(term, "/") && strings.HasSuffix(term, "/") {
				exprs = append(exprs, "(?i)"+term[1:len(term)-1])
			}
		}
	}
	slices.Sort(exprs)
	if exprs = slices.Compact(exprs); len(exprs) < 9 {
		t.Fatalf("found %d expressions in config.yaml, want its rules' nine", len(exprs))
	}
	return exprs
}

// matchingTexts match the shipped expressions.
var matchingTexts = []string{
	"APT 41 and apt29", "Customer records were STOLEN", "a Fraudulent website", "Bogus SMS messages",
	"CVE-2024-12345", "客户数据遭到兜售", "短信里的链接别点", "It was not a cyber-attack", "Patients' data leaked",
	"Beijing and Washington", "中美会谈", "the US and China",
}

// TestNeedlesInMatches checks, for the shipped expressions on the
// labelled tagging set and on texts made to match them, that a folded
// text an expression matches holds one of its needles.
func TestNeedlesInMatches(t *testing.T) {
	texts := slices.Clone(matchingTexts)
	for _, it := range labelledItems(t) {
		texts = append(texts, it.Title, it.Summary, it.Content)
	}
	matches := 0
	for _, expr := range shippedExpressions(t) {
		re, n := regexp.MustCompile(expr), needles(expr)
		if n == nil {
			t.Errorf("%s: no needles", expr)
		}
		for _, text := range texts {
			matches += checkNeedles(t, re, n, fold(text))
		}
	}
	if matches < 10 {
		t.Errorf("the expressions matched %d texts, want at least 10: the test checks little", matches)
	}
}

func checkNeedles(t *testing.T, re *regexp.Regexp, sets [][]needle, folded string) int {
	t.Helper()
	if !re.MatchString(folded) {
		return 0
	}
	if !holdsNeedles(folded, sets) {
		t.Errorf("%s matches %q, which does not hold its needles %s", re, folded, renderNeedles(sets))
	}
	return 1
}

func FuzzNeedles(f *testing.F) {
	for _, s := range []string{"apt 41", "customer data was sold", "fake emails", "cve-2024-1234", "数据出售", "短信链接", "not a cyberattack", "ＡＰＴ　２８"} {
		f.Add(s)
	}
	exprs := shippedExpressions(f)
	res := make([]*regexp.Regexp, len(exprs))
	for i, e := range exprs {
		res[i] = regexp.MustCompile(e)
	}
	f.Fuzz(func(t *testing.T, text string) {
		folded := fold(text)
		for i, re := range res {
			checkNeedles(t, re, needles(exprs[i]), folded)
		}
	})
}

// holdsNeedles reports whether text holds a needle of every set, as the
// tagger finds them in its one pass; no sets promise nothing.
func holdsNeedles(text string, sets [][]needle) bool {
	for _, set := range sets {
		if !slices.ContainsFunc(set, func(n needle) bool { return holds(text, n) }) {
			return false
		}
	}
	return true
}

func holds(text string, n needle) bool {
	if !n.wordStart {
		return strings.Contains(text, n.text)
	}
	for at := 0; ; {
		i := strings.Index(text[at:], n.text)
		if i < 0 {
			return false
		}
		if i += at; i == 0 || !isWordByte(text[i-1]) {
			return true
		}
		at = i + 1
	}
}

// TestTagsWithNeedles tags with the shipped expressions, each a rule of
// its own, once looking for needles first and once running every
// expression: the labelled set and texts made to match get the same
// tags, for the same reasons.
func TestTagsWithNeedles(t *testing.T) {
	var rules []TagRule
	for i, expr := range shippedExpressions(t) {
		rules = append(rules, TagRule{Name: fmt.Sprint("rule", i), Any: []string{"/" + strings.TrimPrefix(expr, "(?i)") + "/"}})
	}
	rules = append(rules, TagRule{Name: "mixed", Any: []string{"ransomware", `/\bapt ?\d+/`}, All: []string{`/(sold|leaked)/`}})
	withNeedles, err := NewTagger(TaggerOptions{Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	everyTime, _ := NewTagger(TaggerOptions{Rules: rules})
	for i := range everyTime.terms {
		everyTime.terms[i].needles, everyTime.terms[i].allNeedles = nil, 0
	}
	clear(everyTime.needleUses)
	entries := labelledItems(t)
	for _, text := range matchingTexts {
		entries = append(entries, Entry{Title: "About " + text, Summary: "<p>" + text + "</p>", Content: text + ", the captain said."})
	}
	tagged := 0
	for _, e := range entries {
		got, want := withNeedles.Explain(&e, Source{}), everyTime.Explain(&e, Source{})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: tagged %+v, want %+v", e.Title, got, want)
		}
		tagged += min(len(want), 1)
	}
	if tagged < 10 {
		t.Errorf("%d entries tagged, want at least 10: the test checks little", tagged)
	}
}
