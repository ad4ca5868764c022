package feeds

import (
	"strings"
	"testing"
)

var rewriteCases = []struct {
	fragment string
	haveBase bool
	want     bool
}{
	{`<p>plain <b>text</b></p>`, true, false},
	{`<a href="https://a.example/x">x</a> <img SRC='http://a.example/i.png'>`, true, false},
	{`<a href="/x">x</a>`, true, true},
	{`<a href="/x">x</a>`, false, false},
	{`<A HREF = "relative/page">x</A>`, false, false},
	{`<A HREF="relative/page">x</A>`, true, true},
	{`<img Data-Src="https://cdn.example/i.png">`, false, true},
	{`<img srcset="a.png 1x, https://a.example/b.png 2x">`, true, true},
	{`<video poster=" HTTPS://a.example/p.png"></video>`, true, false},
	{`<form action="mailto:x@example.org"></form>`, true, true},
	{`a=b, c-d, up-to-date`, true, false},
	{`metadata-driven`, false, true}, // as before: any "data-" sends the fragment to the parser
}

func TestNeedsRewrite(t *testing.T) {
	for _, tt := range rewriteCases {
		if got := needsRewrite(tt.fragment, tt.haveBase); got != tt.want {
			t.Errorf("needsRewrite(%q, %v) = %v, want %v", tt.fragment, tt.haveBase, got, tt.want)
		}
	}
}

// needsRewriteByLowering is how needsRewrite was first written: a lowered
// copy of the fragment searched once per attribute. needsRewrite must
// answer as it does.
func needsRewriteByLowering(fragment string, haveBase bool) bool {
	b := []byte(fragment)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	lower := string(b)
	if strings.Contains(lower, "data-") {
		return true
	}
	if !haveBase {
		return false
	}
	for _, attr := range []string{"href=", "src=", "srcset=", "poster=", "cite=", "action="} {
		for rest := lower; ; {
			i := strings.Index(rest, attr)
			if i < 0 {
				break
			}
			rest = strings.TrimLeft(rest[i+len(attr):], "\"' \t\n")
			if !strings.HasPrefix(rest, "http://") && !strings.HasPrefix(rest, "https://") {
				return true
			}
		}
	}
	return false
}

func FuzzNeedsRewrite(f *testing.F) {
	for _, tt := range rewriteCases {
		f.Add(tt.fragment, tt.haveBase)
	}
	f.Fuzz(func(t *testing.T, fragment string, haveBase bool) {
		if got, want := needsRewrite(fragment, haveBase), needsRewriteByLowering(fragment, haveBase); got != want {
			t.Errorf("needsRewrite(%q, %v) = %v, lowering a copy: %v", fragment, haveBase, got, want)
		}
	})
}

// BenchmarkNeedsRewrite looks at a summary with absolute links, as most
// feeds send them, against the first way of looking (a lowered copy).
func BenchmarkNeedsRewrite(b *testing.B) {
	fragment := strings.Repeat(`<p>Researchers at <a href="https://news.example.org/2024/05/report">Example Labs</a> said the group's up-to-date `+
		`toolkit <b>exploited</b> a flaw in VPN appliances. <img src="https://cdn.example.org/i/1024x576.jpg" alt="A chart"></p>`, 3)
	for _, bb := range []struct {
		name string
		fn   func(string, bool) bool
	}{{"scan", needsRewrite}, {"lowered-copy", needsRewriteByLowering}} {
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(int64(len(fragment)))
			b.ReportAllocs()
			for b.Loop() {
				if bb.fn(fragment, true) {
					b.Fatal("absolute links need no rewrite")
				}
			}
		})
	}
}
