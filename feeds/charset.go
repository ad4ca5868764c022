package feeds

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// xmlDeclEncoding finds the encoding pseudo-attribute of an XML declaration.
var xmlDeclEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:\-]+)["']`)

// toUTF8 decides the encoding of an upstream document and returns it as
// UTF-8 with any XML declaration rewritten to say so, because gofeed honours
// the declaration but never the HTTP charset.
//
// The order: a byte-order mark; the shape of UTF-16/32 without one; valid
// UTF-8 (which outranks a wrong legacy label: GB2312 bytes are almost never
// valid UTF-8, so a valid body labelled GB2312 is a mislabelled UTF-8 body);
// the XML declaration; the HTTP charset; and last GB18030, a superset of
// GB2312 and GBK, for undeclared legacy bytes.
func toUTF8(body []byte, contentType string) ([]byte, error) {
	if enc, bomLen := sniffUnicode(body); enc != nil {
		out, err := enc.NewDecoder().Bytes(body[bomLen:])
		if err != nil {
			return nil, fmt.Errorf("decode %s: %w", enc, err)
		}
		return rewriteDeclaration(out), nil
	}
	if bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		body = body[3:]
	}
	if utf8.Valid(body) {
		return rewriteDeclaration(body), nil
	}
	label := declaredEncoding(body)
	if label == "" {
		label = httpCharset(contentType)
	}
	enc := encoding.Encoding(simplifiedchinese.GB18030)
	if label != "" {
		if e, _ := charset.Lookup(label); e != nil {
			enc = e
		}
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", label, err)
	}
	return rewriteDeclaration(out), nil
}

// sniffUnicode recognises UTF-16 and UTF-32 by their byte-order mark or,
// without one, by how "<?" is laid out in the first bytes.
func sniffUnicode(b []byte) (encoding.Encoding, int) {
	switch {
	case bytes.HasPrefix(b, []byte{0x00, 0x00, 0xFE, 0xFF}):
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), 4
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), 4
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), 2
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), 2
	case bytes.HasPrefix(b, []byte{0x00, 0x00, 0x00, '<'}):
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), 0
	case bytes.HasPrefix(b, []byte{'<', 0x00, 0x00, 0x00}):
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), 0
	case bytes.HasPrefix(b, []byte{0x00, '<', 0x00}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), 0
	case bytes.HasPrefix(b, []byte{'<', 0x00}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), 0
	}
	return nil, 0
}

func declaredEncoding(b []byte) string {
	if len(b) > 1024 {
		b = b[:1024]
	}
	if m := xmlDeclEncoding.FindSubmatch(b); m != nil {
		return string(m[1])
	}
	return ""
}

func httpCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return strings.Trim(params["charset"], `"' `)
}

// rewriteDeclaration makes the XML declaration, if any, name UTF-8 so that
// the XML parser does not decode the bytes a second time.
func rewriteDeclaration(b []byte) []byte {
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	head := b
	if len(head) > 1024 {
		head = head[:1024]
	}
	loc := xmlDeclEncoding.FindSubmatchIndex(head)
	if loc == nil {
		return b
	}
	if strings.EqualFold(string(b[loc[2]:loc[3]]), "utf-8") {
		return b
	}
	out := make([]byte, 0, len(b))
	out = append(out, b[:loc[2]]...)
	out = append(out, "UTF-8"...)
	return append(out, b[loc[3]:]...)
}
