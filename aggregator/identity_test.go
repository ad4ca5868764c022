package aggregator

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestCanonicalURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://Example.COM/a/b?x=1#frag", "https://example.com/a/b?x=1"},
		{"http://example.com:80/a", "http://example.com/a"},
		{"https://example.com:443/a", "https://example.com/a"},
		{"https://example.com:8443/a", "https://example.com:8443/a"},
		{"https://example.com/a?utm_source=rss&utm_medium=feed&id=7", "https://example.com/a?id=7"},
		{"https://example.com/a?fbclid=abc&gclid=def&spm=1.2", "https://example.com/a"},
		{"https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"},
		{"https://example.com", "https://example.com/"},
		{"ftp://example.com/a", ""},
		{"not a url", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := CanonicalURL(tt.in); got != tt.want {
			t.Errorf("CanonicalURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIdentify(t *testing.T) {
	tests := []struct {
		name string
		e    Entry
		want string
	}{
		{"guid first", Entry{GUID: "abc", Link: "https://x.org/1"}, "guid:abc"},
		{"then canonical link", Entry{Link: "https://X.org/1?utm_source=a"}, "link:https://x.org/1"},
		{"then a hash of the text", Entry{Title: "t", Summary: "s"}, "hash:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			Identify(&tt.e)
			if tt.want == "hash:" {
				if len(tt.e.Key) != len("hash:")+32 || tt.e.Key[:5] != "hash:" {
					t.Errorf("Key = %q, want hash:<32 hex>", tt.e.Key)
				}
				return
			}
			if tt.e.Key != tt.want {
				t.Errorf("Key = %q, want %q", tt.e.Key, tt.want)
			}
		})
	}
	a, b := Entry{Title: "same"}, Entry{Title: "same"}
	Identify(&a)
	Identify(&b)
	if a.Key != b.Key {
		t.Errorf("hash keys differ for equal text: %q %q", a.Key, b.Key)
	}
	if NewUID("s", "k") != NewUID("s", "k") || NewUID("s", "k") == NewUID("s2", "k") {
		t.Error("NewUID is not a stable function of source and key")
	}
}

// TestDigestIsStable pins digest to SHA-256 of the parts each ended by a
// zero byte: stored item uids and content hashes depend on it. Parts
// longer than the digester's buffer cross its boundary.
func TestDigestIsStable(t *testing.T) {
	for _, parts := range [][]string{
		{},
		{""},
		{"a", "b"},
		{"ab"},
		{strings.Repeat("x", 1023), strings.Repeat("y", 1024), strings.Repeat("网", 1000), ""},
	} {
		joined := ""
		for _, p := range parts {
			joined += p + "\x00"
		}
		sum := sha256.Sum256([]byte(joined))
		if got, want := digest(parts...), hex.EncodeToString(sum[:]); got != want {
			t.Errorf("digest(%d parts of %d bytes) = %s, want %s", len(parts), len(joined), got, want)
		}
	}
	if got := NewUID("source", "key"); got != "0387c72fb6cd61c22b31" {
		t.Errorf(`NewUID("source", "key") = %s, want the uid it has always given`, got)
	}
}
