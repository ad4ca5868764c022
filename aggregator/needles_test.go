package aggregator

import (
	"os"
	"regexp"
	"slices"
	"testing"
	"unicode"
)

func TestNeedles(t *testing.T) {
	for _, tt := range []struct {
		expr string
		want []string
	}{
		{`(?i)\bapt ?\d{1,3}\b`, []string{"apt"}},
		{`(?i)\bCVE-\d{4}-\d{4,7}\b`, []string{"cve-"}},
		{`(?i)\bnot (a |an )?cyber[ -]?attack`, []string{"attack"}},
		{`(?i)(breach|stolen|leak(ed)?)`, []string{"breach", "leak", "stolen"}},
		{`(?i)短信.{0,20}(链接|点击)`, []string{"短信"}},
		{`(?i)(ab)+x*`, []string{"ab"}},
		{`(?i)(ab){2,3}`, []string{"ab"}},
		{`(?i)Σ[a-z]+`, nil},  // σ, ς and Σ fold together; lower case shows one
		{`(?i)σημα|x`, nil},   // the same, in one branch
		{`(?i)[a-z]+`, nil},   // classes only
		{`(?i)x*`, nil},       // may match nothing
		{`(?i)(a|b*)c?`, nil}, // a branch that needs nothing
		{`(?i)a(`, nil},       // does not parse
	} {
		if got := needles(tt.expr); !slices.Equal(got, tt.want) {
			t.Errorf("needles(%q) = %q, want %q", tt.expr, got, tt.want)
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
	var exprs []string
	for _, m := range regexp.MustCompile(`(?m)^\s*- (/.+/)\s*$`).FindAllStringSubmatch(string(raw), -1) {
		exprs = append(exprs, "(?i)"+m[1][1:len(m[1])-1])
	}
	if len(exprs) < 5 {
		t.Fatalf("found %d expressions in config.yaml, want its rules' several", len(exprs))
	}
	return exprs
}

// TestNeedlesInMatches checks, for the shipped expressions on the
// labelled tagging set and on texts made to match them, that a folded
// text an expression matches holds one of its needles.
func TestNeedlesInMatches(t *testing.T) {
	texts := []string{
		"APT 41 and apt29", "Customer records were STOLEN", "a Fraudulent website", "Bogus SMS messages",
		"CVE-2024-12345", "客户数据遭到兜售", "短信里的链接别点", "It was not a cyber-attack", "Patients' data leaked",
	}
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

func checkNeedles(t *testing.T, re *regexp.Regexp, needles []string, folded string) int {
	t.Helper()
	if !re.MatchString(folded) {
		return 0
	}
	if !holdsNeedle(folded, needles) {
		t.Errorf("%s matches %q, which holds none of %q", re, folded, needles)
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
