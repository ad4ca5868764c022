package aggregator

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// commonCapitalised are words English capitalises that name no one.
var commonCapitalised = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`monday tuesday wednesday thursday friday saturday sunday
		january february march april may june july august september october november december
		i the a an in on at for but and or mr mrs ms dr it this that he she they we`) {
		commonCapitalised[w] = true
	}
}

// salient returns what tells one news event from another of the same
// kind: the numbers of a text and, for Latin scripts, the capitalised
// words that do not start a sentence (names of people, places,
// companies). Two reports from one template share their wording but not
// these; two copies of one story share most of them.
func salient(text string) []string {
	var out []string
	sentenceStart := true
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsDigit(r):
			j := i
			for j < len(text) {
				c := text[j]
				if c >= '0' && c <= '9' || (c == '.' || c == ',') && j+1 < len(text) && text[j+1] >= '0' && text[j+1] <= '9' {
					j++
					continue
				}
				break
			}
			if j == i { // a non-ASCII digit
				j = i + size
			}
			n := strings.Clone(strings.ReplaceAll(text[i:j], ",", "")) // not a view that keeps the whole text
			if !isYear(n) {
				out = append(out, n)
			}
			i, sentenceStart = j, false
			continue
		case unicode.IsLetter(r) && !isCJK(r):
			j := i
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if !unicode.IsLetter(r2) && r2 != '\'' && r2 != '-' || isCJK(r2) {
					break
				}
				j += s2
			}
			word := text[i:j]
			if unicode.IsUpper(r) && !sentenceStart && utf8.RuneCountInString(word) > 1 {
				if lower := strings.ToLower(word); !commonCapitalised[lower] {
					out = append(out, lower)
				}
			}
			i, sentenceStart = j, false
			continue
		case r == '.' || r == '!' || r == '?' || r == '\n' || r == '"' || r == '“' || r == ':' || r == '。' || r == '！' || r == '？':
			sentenceStart = true
		case !unicode.IsSpace(r):
			sentenceStart = false
		}
		i += size
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func isYear(n string) bool {
	return len(n) == 4 && (strings.HasPrefix(n, "19") || strings.HasPrefix(n, "20"))
}
