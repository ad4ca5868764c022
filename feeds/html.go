package feeds

import (
	"maps"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// urlAttrs are the attributes whose values are URLs.
var urlAttrs = map[string]bool{"href": true, "src": true, "poster": true, "cite": true, "action": true}

// lazySrc are the attributes lazy-loading scripts keep the real image in.
var lazySrc = []string{"data-src", "data-lazy-src", "data-original", "data-actualsrc", "data-echo"}

// absolutize resolves the relative URLs of an HTML fragment against base
// and promotes lazy-loaded image sources to src, so that the sanitiser
// keeps them and readers elsewhere can load them.
func absolutize(fragment string, base *url.URL) string {
	if !strings.Contains(fragment, "<") || !needsRewrite(fragment, base != nil) {
		return fragment
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		return fragment
	}
	var b strings.Builder
	for _, n := range nodes {
		rewrite(n, base)
		if err := html.Render(&b, n); err != nil {
			return fragment
		}
	}
	return b.String()
}

// needsRewrite is a cheap look for what absolutize changes: a lazy image
// attribute, or (with a base) a URL attribute whose value is not already
// absolute. Most feeds have neither, and parsing and re-rendering every
// fragment costs as much as sanitising it. Names compare in ASCII case
// folded, without a lowered copy of the fragment.
func needsRewrite(fragment string, haveBase bool) bool {
	for rest := fragment; ; {
		i := strings.IndexByte(rest, '-')
		if i < 0 {
			break
		}
		if hasSuffixFold(rest[:i], "data") {
			return true
		}
		rest = rest[i+1:]
	}
	if !haveBase {
		return false
	}
	for rest := fragment; ; {
		i := strings.IndexByte(rest, '=')
		if i < 0 {
			return false
		}
		name := rest[:i]
		rest = rest[i+1:]
		if !slices.ContainsFunc(rewrittenAttrs, func(a string) bool { return hasSuffixFold(name, a) }) {
			continue
		}
		value := strings.TrimLeft(rest, "\"' \t\n")
		if !hasPrefixFold(value, "http://") && !hasPrefixFold(value, "https://") {
			return true
		}
	}
}

// rewrittenAttrs are the attributes whose values absolutize resolves.
var rewrittenAttrs = append(slices.Collect(maps.Keys(urlAttrs)), "srcset")

// hasPrefixFold and hasSuffixFold compare ASCII letters case folded.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && equalFoldASCII(s[:len(prefix)], prefix)
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && equalFoldASCII(s[len(s)-len(suffix):], suffix)
}

func equalFoldASCII(a, b string) bool {
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func rewrite(n *html.Node, base *url.URL) {
	if n.Type == html.ElementNode {
		if n.DataAtom == atom.Img || n.DataAtom == atom.Source || n.DataAtom == atom.Iframe {
			promoteLazy(n)
		}
		for i, a := range n.Attr {
			switch {
			case urlAttrs[a.Key]:
				n.Attr[i].Val = resolveRef(base, a.Val)
			case a.Key == "srcset":
				n.Attr[i].Val = resolveSrcset(base, a.Val)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		rewrite(c, base)
	}
}

// promoteLazy moves data-src (and kin) into src when src is missing or a
// placeholder.
func promoteLazy(n *html.Node) {
	lazy := ""
	for _, a := range n.Attr {
		for _, k := range lazySrc {
			if a.Key == k && strings.TrimSpace(a.Val) != "" && lazy == "" {
				lazy = a.Val
			}
		}
	}
	if lazy == "" {
		return
	}
	for i, a := range n.Attr {
		if a.Key == "src" {
			if isPlaceholder(a.Val) {
				n.Attr[i].Val = lazy
			}
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: "src", Val: lazy})
}

func isPlaceholder(src string) bool {
	s := strings.ToLower(strings.TrimSpace(src))
	return s == "" || strings.HasPrefix(s, "data:") || strings.Contains(s, "placeholder") ||
		strings.Contains(s, "blank.") || strings.Contains(s, "lazy") || strings.Contains(s, "spacer.") || strings.Contains(s, "grey.gif")
}

func resolveRef(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if base == nil || ref == "" || strings.HasPrefix(ref, "#") {
		return ref
	}
	u, err := url.Parse(ref)
	if err != nil || u.IsAbs() {
		return ref
	}
	return base.ResolveReference(u).String()
}

func resolveSrcset(base *url.URL, srcset string) string {
	parts := strings.Split(srcset, ",")
	for i, p := range parts {
		fields := strings.Fields(p)
		if len(fields) == 0 {
			continue
		}
		fields[0] = resolveRef(base, fields[0])
		parts[i] = strings.Join(fields, " ")
	}
	return strings.Join(parts, ", ")
}
