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

// FindCVEs returns the CVE identifiers in text, upper-cased, sorted and
// without repeats.
func FindCVEs(text string) []string {
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
	var out []string
	urls := defangedURLRE.FindAllStringIndex(text, -1)
	for _, m := range urls {
		out = append(out, refang(text[m[0]:m[1]]))
	}
	for _, m := range defangedHostRE.FindAllStringIndex(text, -1) {
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
