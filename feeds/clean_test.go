package feeds

import (
	"strings"
	"testing"
)

func TestStripInvalidXML(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"clean ASCII", "plain text", "plain text"},
		{"keeps tab, newline, carriage return", "a\tb\nc\rd", "a\tb\nc\rd"},
		{"keeps CJK", "网络安全 木马", "网络安全 木马"},
		{"keeps accents and emoji", "café 🙂", "café 🙂"},
		{"keeps U+FFFD", "a\uFFFDb", "a\uFFFDb"},
		{"drops NUL to BS", "a\x00\x01\x02\x03\x04\x05\x06\x07\x08b", "ab"},
		{"drops VT and FF", "a\x0bb\x0cc", "abc"},
		{"drops SO to US", "a\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1fb", "ab"},
		{"drops U+FFFE and U+FFFF", "a\uFFFEb\uFFFFc", "abc"},
		{"drops invalid UTF-8 byte", "a\xffb", "ab"},
		{"drops truncated sequence", "网\xe7\xbdb", "网b"},
		{"drops encoded surrogate", "a\xed\xa0\x80b", "ab"},
		{"mixed", "\x0b网络\x00安全\xfe", "网络安全"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StripInvalidXML(tt.in); got != tt.want {
				t.Errorf("StripInvalidXML(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanerHTML(t *testing.T) {
	c := NewCleaner()
	tests := []struct {
		name    string
		in      string
		want    []string // substrings the result must contain
		notWant []string // substrings it must not contain
	}{
		{
			name:    "drops script",
			in:      `<p>before</p><script>alert("x")</script><p>after</p>`,
			want:    []string{"<p>before</p>", "<p>after</p>"},
			notWant: []string{"script", "alert"},
		},
		{
			name:    "drops event handlers",
			in:      `<p onclick="steal()">text</p>`,
			want:    []string{"<p>text</p>"},
			notWant: []string{"onclick", "steal"},
		},
		{
			name:    "drops javascript links",
			in:      `<a href="javascript:alert(1)">click</a>`,
			want:    []string{"click"},
			notWant: []string{"javascript", "href"},
		},
		{
			name: "keeps links and images",
			in:   `<p><a href="https://example.org/a?b=1&amp;c=2">link</a> <img src="https://example.org/i.png" alt="pic"></p>`,
			want: []string{`<p>`, `<a href="https://example.org/a?b=1&amp;c=2">link</a>`, `<img src="https://example.org/i.png" alt="pic"`},
		},
		{
			name:    "drops iframe and style",
			in:      `<iframe src="https://evil.example/"></iframe><style>p{}</style><p style="color:red">x</p>`,
			want:    []string{"x"},
			notWant: []string{"iframe", "evil", "style", "color"},
		},
		{
			name:    "keeps CJK, drops control characters",
			in:      "<p>网络\x0b安全</p>",
			want:    []string{"<p>网络安全</p>"},
			notWant: []string{"\x0b"},
		},
		{
			name: "white space only",
			in:   " \n\t ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.HTML(tt.in)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("HTML(%q) = %q, want it to contain %q", tt.in, got, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("HTML(%q) = %q, want no %q", tt.in, got, w)
				}
			}
			if len(tt.want) == 0 && got != "" {
				t.Errorf("HTML(%q) = %q, want empty", tt.in, got)
			}
		})
	}
}

func TestCleanerText(t *testing.T) {
	c := NewCleaner()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain", "Botnet takedown", "Botnet takedown"},
		{"strips tags", "<b>Botnet</b> <i>takedown</i>", "Botnet takedown"},
		{"drops script text", "Title<script>alert(1)</script>", "Title"},
		{"keeps text after a script", "Title<script>alert(1)</script> after", "Title after"},
		{"drops style text", "x<style>p{}</style>y", "xy"},
		{"decodes ampersand", "Tom &amp; Jerry", "Tom & Jerry"},
		{"decodes numeric and named entities", "caf&eacute; &#8211; &#x4e2d;&quot;", "café – 中\""},
		{"bare ampersand", "AT&T", "AT&T"},
		{"escaped markup stays text", "a &lt;b&gt; c", "a <b> c"},
		{"folds white space", "  one\n\ttwo   three \r\n", "one two three"},
		{"folds no-break space", "one&nbsp; two", "one two"},
		{"keeps CJK", "国家网络安全通报中心：警惕新型木马病毒", "国家网络安全通报中心：警惕新型木马病毒"},
		{"drops control characters", "a\x00b\x1fc", "abc"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.Text(tt.in); got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// sanitizeSamples are fragments whose sanitised form the pooled path must
// give exactly as the policy's own Sanitize does, in this order: a buffer
// kept from a longer fragment must not leak into a shorter one.
var sanitizeSamples = []string{
	`<p>A long first paragraph, <b>bold</b> and <a href="https://example.org/">a link</a>.</p><p>A second one.</p>`,
	`<p>x</p>`,
	`  <em>padded</em>  `,
	`<script>alert(1)</script>`,
	`tom &amp; jerry &lt;3`,
	`<p>网络安全 &quot;事件&quot;</p>` + strings.Repeat("<p>long</p>", 20000),
	`<p>after the huge one</p>`,
	`<div><p>unclosed`,
}

func TestCleanerHTMLMatchesSanitize(t *testing.T) {
	c := NewCleaner()
	for _, in := range sanitizeSamples {
		want := strings.TrimSpace(c.ugc.Sanitize(StripInvalidXML(in)))
		if got := c.HTML(in); got != want {
			t.Errorf("HTML(%.40q) = %.80q, want %.80q", in, got, want)
		}
	}
}

func FuzzCleanerHTMLMatchesSanitize(f *testing.F) {
	for _, in := range sanitizeSamples {
		f.Add(in)
	}
	c := NewCleaner()
	f.Fuzz(func(t *testing.T, in string) {
		if !strings.ContainsAny(in, "<&") {
			return // the plain-text path does not sanitise
		}
		want := strings.TrimSpace(c.ugc.Sanitize(StripInvalidXML(in)))
		if got := c.HTML(in); got != want {
			t.Errorf("HTML(%q) = %q, want %q", in, got, want)
		}
	})
}
