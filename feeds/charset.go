package feeds

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/wlynxg/chardet"
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
// the XML declaration; the HTTP charset; and for undeclared legacy bytes
// a statistical guess when it is confident, else GB18030, a superset of
// GB2312 and GBK. C1 control characters, which real feeds use for
// windows-1252 punctuation, are mapped to that punctuation.
func toUTF8(body []byte, contentType string) ([]byte, error) {
	if enc, bomLen := sniffUnicode(body); enc != nil {
		out, err := enc.NewDecoder().Bytes(body[bomLen:])
		if err != nil {
			return nil, fmt.Errorf("decode %s: %w", enc, err)
		}
		return demoronize(rewriteDeclaration(out)), nil
	}
	if bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		body = body[3:]
	}
	if utf8.Valid(body) {
		return demoronize(rewriteDeclaration(body)), nil
	}
	if mostlyUTF8(body) {
		return demoronize(rewriteDeclaration(repairUTF8(body))), nil
	}
	enc, name := legacyEncoding(body, contentType)
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	return demoronize(rewriteDeclaration(out)), nil
}

// mostlyUTF8 reports a UTF-8 body with a few stray bytes (a Latin-1 "©"
// pasted into a UTF-8 page): many valid multi-byte sequences and few
// invalid bytes. Legacy CJK text is the opposite: most of its byte pairs
// are invalid UTF-8.
func mostlyUTF8(b []byte) bool {
	valid, invalid := 0, 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			invalid++
		} else {
			valid++
		}
		i += size
	}
	return valid > 0 && invalid*4 <= valid
}

// repairUTF8 reads each invalid byte as windows-1252 (Latin-1 for the
// bytes that table leaves out).
func repairUTF8(b []byte) []byte {
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			r = rune(b[i])
			if r >= 0x80 && r <= 0x9F {
				r = cp1252C1[r-0x80]
			}
		}
		out = utf8.AppendRune(out, r)
		i += size
	}
	return out
}

// legacyEncoding picks the decoder for a body that is not valid UTF-8.
func legacyEncoding(body []byte, contentType string) (encoding.Encoding, string) {
	for _, label := range []string{declaredEncoding(body), httpCharset(contentType)} {
		if label == "" {
			continue
		}
		// A body that is not UTF-8 cannot be what a UTF-8 label says, and
		// real UTF-16 was recognised by its shape already.
		e, name := charset.Lookup(label)
		if e == nil || name == "utf-8" || name == "replacement" || strings.HasPrefix(name, "utf-16") {
			continue
		}
		// Any byte string is valid windows-1252, the label servers add
		// without looking; a guess of a multi-byte encoding that decodes
		// the body cleanly outranks it. Other legacy labels are trusted.
		if name == "windows-1252" || strings.HasPrefix(name, "iso-8859-") {
			if ge, gname, conf := guessEncoding(body); conf >= 0.6 && multiByte[gname] && decodesCleanly(ge, body) {
				return ge, gname
			}
		}
		return e, name
	}
	if e, name, conf := guessEncoding(body); conf >= 0.5 {
		return e, name
	}
	return simplifiedchinese.GB18030, "gb18030"
}

func decodesCleanly(e encoding.Encoding, body []byte) bool {
	out, err := e.NewDecoder().Bytes(body)
	return err == nil && !bytes.ContainsRune(out, utf8.RuneError)
}

// multiByte are the encodings a statistical guess can tell from Latin
// text with confidence.
var multiByte = map[string]bool{"gb18030": true, "big5": true, "shift_jis": true, "euc-jp": true, "euc-kr": true}

// guessEncoding asks a statistical detector (a port of Mozilla's and
// Python's chardet) about the first 64 KiB.
func guessEncoding(body []byte) (encoding.Encoding, string, float64) {
	sample := body
	if len(sample) > 64<<10 {
		sample = sample[:64<<10]
	}
	guess := chardet.Detect(sample)
	e, name := charset.Lookup(guess.Encoding)
	if e == nil || name == "utf-8" {
		return nil, "", 0
	}
	if name == "gbk" || name == "gb2312" {
		return simplifiedchinese.GB18030, "gb18030", guess.Confidence
	}
	return e, name, guess.Confidence
}

// cp1252C1 maps U+0080–U+009F to the characters windows-1252 puts there.
var cp1252C1 = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
}

// demoronize replaces C1 control characters with their windows-1252
// meaning: a feed with "don\u0092t" means "don’t".
func demoronize(b []byte) []byte {
	if !bytes.Contains(b, []byte{0xC2}) {
		return b
	}
	var out []byte
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r >= 0x80 && r <= 0x9F {
			if out == nil {
				out = append(make([]byte, 0, len(b)), b[:i]...)
			}
			out = utf8.AppendRune(out, cp1252C1[r-0x80])
		} else if out != nil {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	if out == nil {
		return b
	}
	return out
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
