package aggregator

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
	"unicode"
)

var extractCases = []string{
	"",
	"Ransomware hits a port; no identifiers here.",
	"Patch for cve-2024-1234 and CVE-2023-99999, also CvE‐2022‐0001",
	"C2 at hxxp://evil[.]example/x and 203.0.113[.]7",
	"HXXPS://BAD[.]EXAMPLE/A, evil(.)example, 198.51.100[.]23, hXxP[:]//x.example",
	"fxp://files{.}example/drop and FXP://upper.example",
	"evil[DOT]example and evil[dot]example",
	"a plain host example.com, no mark; hxxp without slashes",
	"[.] alone, (.) alone, {.} alone",
	"CVE in words, cves, hxxp, fxp and [dot] as words",
	"网络攻击 利用 CVE-2025-30417 与 hxxp://恶意[.]example",
	"Kelvin \u212a and long \u017f: not among the letters looked for",
}

// TestExtractorsLookFirst checks that looking for what every match
// must contain before running the expressions changes nothing: on the
// cases above and on the labelled tagging set, the extractors give what
// the expressions alone give.
func TestExtractorsLookFirst(t *testing.T) {
	texts := slices.Clone(extractCases)
	for _, it := range labelledItems(t) {
		texts = append(texts, it.Title+"\n"+it.Summary+"\n"+it.Content)
	}
	found := 0
	for _, text := range texts {
		found += checkExtractors(t, text)
	}
	if found < 20 {
		t.Errorf("the cases held %d identifiers and indicators, want at least 20: the test checks little", found)
	}
}

// labelledItems are the items of the labelled tagging set.
func labelledItems(t testing.TB) []Entry {
	raw, err := os.ReadFile("testdata/tagging/items.json")
	if err != nil {
		t.Fatal(err)
	}
	var set struct{ Items []Entry }
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	return set.Items
}

// checkExtractors compares the extractors with the expressions run on
// the whole text, and returns how much they found.
func checkExtractors(t *testing.T, text string) int {
	t.Helper()
	cves, all := FindCVEs(text), cvesIn(text)
	if !slices.Equal(cves, all) {
		t.Errorf("FindCVEs(%q) = %q, want %q", text, cves, all)
	}
	indicators, allIndicators := FindIndicators(text), indicatorsIn(text, true, true)
	if !slices.Equal(indicators, allIndicators) {
		t.Errorf("FindIndicators(%q) = %q, want %q", text, indicators, allIndicators)
	}
	return len(all) + len(allIndicators)
}

func FuzzExtractors(f *testing.F) {
	for _, s := range extractCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) { checkExtractors(t, text) })
}

// TestLookedForLettersFold checks what the case-blind ASCII search
// rests on: (?i) matches these letters in their two ASCII cases only
// (as it would not k, which the Kelvin sign folds onto).
func TestLookedForLettersFold(t *testing.T) {
	for _, c := range "cvehxpfdot" {
		var orbit []rune
		for r := unicode.SimpleFold(c); r != c; r = unicode.SimpleFold(r) {
			orbit = append(orbit, r)
		}
		if want := []rune{unicode.ToUpper(c)}; !slices.Equal(orbit, want) {
			t.Errorf("%q folds with %q, want only %q", c, orbit, want)
		}
	}
	if orbit := unicode.SimpleFold('k'); orbit == 'K' && unicode.SimpleFold('K') == 'k' {
		t.Error("k folds with K only: the Kelvin sign check above proves nothing")
	}
}

func TestContainsFoldASCII(t *testing.T) {
	for _, tt := range []struct {
		s, sub string
		want   bool
	}{
		{"", "cve", false},
		{"cv", "cve", false},
		{"CVE", "cve", true},
		{"xxcVe", "cve", true},
		{"c ve", "cve", false},
		{"HXXP", "hxxp", true},
		{"[DoT]", "[dot]", true},
		{"[do]t", "[dot]", false},
		{"ccve", "cve", true},
	} {
		if got := containsFoldASCII(tt.s, tt.sub); got != tt.want {
			t.Errorf("containsFoldASCII(%q, %q) = %v, want %v", tt.s, tt.sub, got, tt.want)
		}
	}
}
