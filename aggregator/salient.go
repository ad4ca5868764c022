package aggregator

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// commonCapitalised are words English capitalises that name no one.
var commonCapitalised = newWordSet(`monday tuesday wednesday thursday friday saturday sunday
	january february march april may june july august september october november december
	i the a an in on at for but and or mr mrs ms dr it this that he she they we`)

// salient returns what tells one news event from another of the same
// kind: the numbers of a text and, for Latin scripts, the capitalised
// words that do not start a sentence (names of people, places,
// companies). Two reports from one template share their wording but not
// these; two copies of one story share most of them.
func salient(text string) []string {
	var out []string
	sentenceStart := true
	for i := 0; i < len(text); {
		// Most of an English text, passed at once: spaces, and words in
		// lower case, which name no one.
		if c := text[i]; c == ' ' {
			i++
			continue
		} else if 'a' <= c && c <= 'z' {
			i, _ = wordEnd(text, i)
			sentenceStart = false
			continue
		}
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		if isUnifiedIdeograph(r) { // a letter, never a name
			i, sentenceStart = i+size, false
			continue
		}
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
			j, ascii := wordEnd(text, i)
			word := text[i:j]
			if unicode.IsUpper(r) && !sentenceStart && (ascii && len(word) > 1 || !ascii && utf8.RuneCountInString(word) > 1) {
				if name, ok := nameOf(word, ascii); ok {
					out = append(out, name)
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

// wordBytes are the ASCII bytes a word goes on with (wordEnd).
var wordBytes = func() (set [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		set[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '\'' || c == '-'
	}
	return set
}()

// wordEnd is where the word starting at i ends: letters (not CJK),
// apostrophes and hyphens. ascii reports a word of ASCII bytes only, read
// without decoding them.
func wordEnd(text string, i int) (j int, ascii bool) {
	ascii = true
	for j = i; j < len(text); {
		if c := text[j]; c < utf8.RuneSelf {
			if wordBytes[c] {
				j++
				continue
			}
			return j, ascii
		}
		r, size := utf8.DecodeRuneInString(text[j:])
		if !unicode.IsLetter(r) || isCJK(r) {
			return j, ascii
		}
		ascii = false
		j += size
	}
	return j, ascii
}

// nameOf is a capitalised word in lower case, unless English capitalises
// it without its naming anyone. An ASCII word is looked up before it is
// copied.
func nameOf(word string, ascii bool) (string, bool) {
	if !ascii {
		lower := strings.ToLower(word)
		return lower, !commonCapitalised.has(lower) // "İt" folds to "it"
	}
	if commonCapitalised.has(word) {
		return "", false
	}
	return strings.ToLower(word), true
}

func isYear(n string) bool {
	return len(n) == 4 && (strings.HasPrefix(n, "19") || strings.HasPrefix(n, "20"))
}
