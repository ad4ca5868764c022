package feeds

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// encode returns s in enc, failing the test when s has no encoding there.
func encode(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

func TestToUTF8(t *testing.T) {
	const (
		zh     = "网络安全新闻"   // in GB2312
		zhGBK  = "朱镕基谈网络安全" // 镕 is in GBK but not in GB2312
		latin  = "Café crème à São Paulo"
		noDecl = `<?xml version="1.0"?>`
	)
	withDecl := func(label string) string { return `<?xml version="1.0" encoding="` + label + `"?>` }
	doc := func(prolog, text string) string {
		return prolog + "<rss><channel><title>" + text + "</title></channel></rss>"
	}
	bom := func(b []byte, mark ...byte) []byte { return append(mark, b...) }

	utf16le := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	utf16be := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	utf32le := utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM)
	utf32be := utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM)

	tests := []struct {
		name        string
		body        []byte
		contentType string
		want        string // text the result must contain
		// hasDecl says the input had an XML declaration, which the
		// result must keep, naming UTF-8 if it names anything.
		hasDecl bool
	}{
		{
			name: "UTF-8 undeclared",
			body: []byte(doc("", zh+" "+latin)),
			want: zh + " " + latin,
		},
		{
			name:    "UTF-8 with BOM",
			body:    bom([]byte(doc(withDecl("utf-8"), zh)), 0xEF, 0xBB, 0xBF),
			want:    zh,
			hasDecl: true,
		},
		{
			name:    "GB2312 declared",
			body:    encode(t, simplifiedchinese.GBK, doc(withDecl("gb2312"), zh)),
			want:    zh,
			hasDecl: true,
		},
		{
			name: "GBK undeclared falls back to GB18030",
			body: encode(t, simplifiedchinese.GBK, doc("", zhGBK)),
			want: zhGBK,
		},
		{
			name:        "GB2312 declared by HTTP only",
			body:        encode(t, simplifiedchinese.GBK, doc(noDecl, zh)),
			contentType: "text/xml; charset=gb2312",
			want:        zh,
			hasDecl:     true,
		},
		{
			name:        "GB2312 declared by quoted HTTP charset",
			body:        encode(t, simplifiedchinese.GBK, doc("", zh)),
			contentType: `application/rss+xml; charset="GB2312"`,
			want:        zh,
		},
		{
			name:    "UTF-8 body wrongly declared GB2312",
			body:    []byte(doc(withDecl("gb2312"), zh)),
			want:    zh,
			hasDecl: true,
		},
		{
			name:        "UTF-8 body wrongly labelled GB2312 by HTTP",
			body:        []byte(doc("", zh)),
			contentType: "text/xml; charset=gb2312",
			want:        zh,
		},
		{
			name:    "UTF-16LE with BOM",
			body:    bom(encode(t, utf16le, doc(withDecl("UTF-16"), zh)), 0xFF, 0xFE),
			want:    zh,
			hasDecl: true,
		},
		{
			name:    "UTF-16LE without BOM",
			body:    encode(t, utf16le, doc(withDecl("UTF-16LE"), zh)),
			want:    zh,
			hasDecl: true,
		},
		{
			name:    "UTF-16BE with BOM",
			body:    bom(encode(t, utf16be, doc(withDecl("UTF-16"), zh)), 0xFE, 0xFF),
			want:    zh,
			hasDecl: true,
		},
		{
			name:    "UTF-16BE without BOM",
			body:    encode(t, utf16be, doc(withDecl("UTF-16BE"), zh)),
			want:    zh,
			hasDecl: true,
		},
		{
			name:    "UTF-32BE with BOM",
			body:    bom(encode(t, utf32be, doc(withDecl("UTF-32"), zh)), 0x00, 0x00, 0xFE, 0xFF),
			want:    zh,
			hasDecl: true,
		},
		{
			name:    "UTF-32LE with BOM",
			body:    bom(encode(t, utf32le, doc(withDecl("UTF-32"), zh)), 0xFF, 0xFE, 0x00, 0x00),
			want:    zh,
			hasDecl: true,
		},
		{
			name:    "ISO-8859-1 declared",
			body:    encode(t, charmap.ISO8859_1, doc(withDecl("ISO-8859-1"), latin)),
			want:    latin,
			hasDecl: true,
		},
		{
			name:        "ISO-8859-1 declared by HTTP only",
			body:        encode(t, charmap.ISO8859_1, doc("", latin)),
			contentType: "application/xml; charset=iso-8859-1",
			want:        latin,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := toUTF8(tt.body, tt.contentType)
			if err != nil {
				t.Fatalf("toUTF8(%q, %q) error: %v", tt.body, tt.contentType, err)
			}
			if !utf8.Valid(got) {
				t.Errorf("toUTF8(%q, %q) = %q, not valid UTF-8", tt.body, tt.contentType, got)
			}
			if !bytes.Contains(got, []byte(tt.want)) {
				t.Errorf("toUTF8(%q, %q) = %q, want it to contain %q", tt.body, tt.contentType, got, tt.want)
			}
			if bytes.HasPrefix(got, []byte("\xEF\xBB\xBF")) {
				t.Errorf("toUTF8(%q, %q) = %q, want no byte-order mark", tt.body, tt.contentType, got)
			}
			hasDecl := bytes.HasPrefix(got, []byte("<?xml"))
			if hasDecl != tt.hasDecl {
				t.Errorf("toUTF8(%q, %q) = %q, declaration kept = %v, want %v", tt.body, tt.contentType, got, hasDecl, tt.hasDecl)
			}
			if label := declaredEncoding(got); label != "" && !strings.EqualFold(label, "utf-8") {
				t.Errorf("toUTF8(%q, %q) declares encoding %q, want UTF-8", tt.body, tt.contentType, label)
			}
			if tt.hasDecl && strings.Contains(string(tt.body), "encoding=") && declaredEncoding(got) == "" {
				t.Errorf("toUTF8(%q, %q) = %q, lost the encoding declaration", tt.body, tt.contentType, got)
			}
		})
	}
}
