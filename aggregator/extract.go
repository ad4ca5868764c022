package aggregator

import (
	"regexp"
	"slices"
	"strings"
)

var (
	cveRE = regexp.MustCompile(`(?i)\bCVE[-‐–]\d{4}[-‐–]\d{4,7}\b`)
	// Defanged indicators, the way reports write them so that nobody
	// clicks: hxxp://evil[.]example/x, 203.0.113[.]7, evil(.)example.
	defangedURLRE  = regexp.MustCompile(`(?i)\b(?:hxxps?|fxp)(?:\[:\]|:)//[^\s<>"']+`)
	defangedHostRE = regexp.MustCompile(`(?i)\b[a-z0-9-]+(?:(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\])[a-z0-9-]+)+\b`)
	defangMarkRE   = regexp.MustCompile(`(?i)\[\.\]|\(\.\)|\{\.\}|\[dot\]`)
)

// Go's regular expressions try a match at every word of a text: on the
// shipped configuration the extractors cost about 100 µs an entry, more
// than its fingerprint and its tags together (BenchmarkPrepare). Few
// texts hold what they look for, so each first looks for what every
// match must contain, with no regular expression: "cve" for an
// identifier, "hxxp" or "fxp" for a URL, a defanging mark for a host.
// (?i) folds no other character onto these letters, as it folds the
// Kelvin sign onto k, so a case-blind ASCII search misses no match.

// FindCVEs returns the CVE identifiers in text, upper-cased, sorted and
// without repeats.
func FindCVEs(text string) []string {
	if !containsFoldASCII(text, "cve") {
		return nil
	}
	return cvesIn(text)
}

func cvesIn(text string) []string {
	found := cveRE.FindAllString(text, -1)
	for i, s := range found {
		s = strings.NewReplacer("‐", "-", "–", "-").Replace(s)
		found[i] = strings.ToUpper(s)
	}
	slices.Sort(found)
	return slices.Compact(found)
}

// FindIndicators returns defanged URLs, hosts and addresses in text,
// refanged, sorted and without repeats.
func FindIndicators(text string) []string {
	urls := containsFoldASCII(text, "hxxp") || containsFoldASCII(text, "fxp")
	return indicatorsIn(text, urls, hasDefangMark(text)) // every host kept holds a mark
}

// indicatorsIn finds the indicators of text, looking for URLs and hosts
// only where asked to.
func indicatorsIn(text string, lookForURLs, lookForHosts bool) []string {
	var out []string
	var urls [][]int
	if lookForURLs {
		urls = defangedURLRE.FindAllStringIndex(text, -1)
	}
	for _, m := range urls {
		out = append(out, refang(text[m[0]:m[1]]))
	}
	var hosts [][]int
	if lookForHosts {
		hosts = defangedHostRE.FindAllStringIndex(text, -1)
	}
	for _, m := range hosts {
		host := text[m[0]:m[1]]
		inURL := slices.ContainsFunc(urls, func(u []int) bool { return m[0] >= u[0] && m[1] <= u[1] })
		if !inURL && defangMarkRE.MatchString(host) { // a plain host is no indicator
			out = append(out, refang(host))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

var refanger = strings.NewReplacer("[.]", ".", "(.)", ".", "{.}", ".", "[dot]", ".", "[:]", ":",
	"hxxps", "https", "hxxp", "http", "fxp", "ftp", "HXXPS", "https", "HXXP", "http")

func refang(s string) string {
	return strings.TrimRight(refanger.Replace(s), ".,;)")
}

// hasDefangMark reports whether text may hold a match of defangMarkRE.
func hasDefangMark(text string) bool {
	return strings.Contains(text, "[.]") || strings.Contains(text, "(.)") || strings.Contains(text, "{.}") ||
		containsFoldASCII(text, "[dot]")
}

// containsFoldASCII reports whether s contains sub, ASCII letters
// compared case-blind; sub is lower-case ASCII. The first byte is found
// in each of its cases by IndexByte, many bytes at a time. (EqualFold's
// Unicode folding may let a few more through, which only costs a look.)
func containsFoldASCII(s, sub string) bool {
	leads, n := [2]byte{sub[0], sub[0]}, 1
	if 'a' <= sub[0] && sub[0] <= 'z' {
		leads[1], n = sub[0]-('a'-'A'), 2
	}
	for _, lead := range leads[:n] {
		for rest := s; ; {
			i := strings.IndexByte(rest, lead)
			if i < 0 || len(rest)-i < len(sub) {
				break
			}
			if strings.EqualFold(rest[i+1:i+len(sub)], sub[1:]) {
				return true
			}
			rest = rest[i+1:]
		}
	}
	return false
}
