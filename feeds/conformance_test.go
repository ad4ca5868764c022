package feeds

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
)

// The oracle of TestEncodingsCorpus is independent of our decoder: either
// feedparser's own expectation, read from the case's leading comment, or
// text decoded once with the file's real encoding by Python codecs and
// written down in decodedTexts.

// decodedText is a piece of text a correctly decoded document holds.
type decodedText struct {
	// in is where the text must appear: "title" (some entry's title),
	// "summary" (some entry's summary, as text), "feed" (the feed's title)
	// or "doc" (the decoded document, for XML that is no feed).
	in   string
	want string
}

// decodedTexts holds, for real feeds and for the undeclared legacy
// encodings of feedparser-chardet, text taken from each file decoded
// with /usr/bin/python3 and the codec its name or declaration gives.
var decodedTexts = map[string][]decodedText{
	// Labelled ISO-8859-1, but its only non-ASCII bytes are UTF-8 U+FFFD
	// baked in upstream (in item bodies), so the body is valid UTF-8.
	"davidbau-com-iso-8859-1.rss.xml":              {{"title", "The Right Kind of Openness for AI"}, {"feed", "davidbau.com"}},
	"fastfeedparser-utf8-bytes-labelled-utf16.xml": {{"title", "UTF-16 Entry 1"}, {"feed", "UTF-16 Encoded Feed"}},
	"feed-rs-rss_0.91_encoding_1.xml":              {{"title", "bash - Expansão de Parâmetros"}, {"feed", "Dicas técnicas de Linux"}},
	"feed-rs-rss_0.91_encoding_2.xml": {
		{"title", "Comitê completa 150 dias de atuação na prevenção contra o novo Coronavírus"},
		{"feed", "Tribunal de Justiça do Estado do Rio Grande do Sul"},
	},
	"feed-rs-rss_1.0_iso8859.xml":                   {{"title", "Digitalministerium: Neue Glasfaserförderung mit Schnellkasse"}},
	"feed-rs-rss_2.0_encoding_1.xml":                {{"title", "Revolução nas telas com pontos quânticos"}, {"feed", "Inovação Tecnológica"}},
	"feed-rs-xml_iso8859.xml":                       {{"title", "Glasfaserförderung"}, {"summary", "Förderung für den Ausbau"}},
	"feedvalidator-non_utf8.xml":                    {{"feed", "All About Everything"}},
	"feedvalidator-xml_declares_wrong_encoding.xml": {{"feed", "£"}},
	"jn-pt-iso-8859-1.rss.xml": {
		{"title", "Mãe de utente é a nova presidente da Raríssimas"},
		{"feed", "Jornal de Notícias - Últimas Notícias"},
	},
	"miniflux-encoding-invalid-prolog.xml":        {{"title", "Café"}, {"feed", "테스트 피드"}},
	"miniflux-encoding-iso-8859-1.xml":            {{"feed", "Café"}},
	"miniflux-encoding-koi8r.xml":                 {{"title", "Первая новость"}, {"feed", "Пример RSS ленты"}},
	"miniflux-encoding-utf8-incorrect-prolog.xml": {{"title", "Café"}, {"feed", "테스트 피드"}},
	"miniflux-encoding-utf8.xml":                  {{"title", "Café"}, {"feed", "테스트 피드"}},
	"miniflux-encoding-windows-1252.xml":          {{"feed", "Euro €"}},
	"miniflux-encoding_ISO-8859-1.rss.xml":        {{"title", "Wochenrückblick: Wilder Westen"}, {"title", "Sicherheitslücke in X.org ermöglicht"}},
	"miniflux-undeclared_ISO-8859-1.rss.xml":      {{"title", "La criminalité liée surtout à... l'ennui ?"}, {"title", "Psychologue à domicile"}},
	"miniflux-xml-iso88591.xml":                   {{"doc", "<to>Anaïs</to>"}, {"doc", "<from>Jürgen</from>"}},
	"miniflux-xml-iso88591_utf8_mismatch.xml":     {{"doc", "<to>Anaïs</to>"}, {"doc", "<from>Jürgen</from>"}},
	"miniflux-xml-koi8r.xml":                      {{"title", "Первая новость"}, {"feed", "Пример RSS ленты"}},
	"oren-ru-windows-1251.rss.xml": {
		{"title", "В Бузулуке главные стройплощадки – детсад и Ледовый дворец"},
		{"feed", "Новости Оренбурга и области / Раздел Новости"},
	},
	"qq-news-china-gb2312.rss.xml":         {{"title", "习近平为何如此强调崇尚英雄？"}, {"feed", "新闻国内"}},
	"rss-parser-latin2-iso-8859-2.rss.xml": {{"title", "ZAŻÓŁĆ GĘSLĄ JAŹŃ"}, {"summary", "Szedł sasza suchą szosą"}},
	"simplepie-utf16be.xml":                {{"title", "Test feed title 1"}, {"feed", "Test feed"}},

	// UTF-8 bodies whose HTTP header (text/xml) feedparser reads as ASCII.
	"feedparser/http_i18n.xml":      {{"feed", "Iñtërnâtiônàlizætiøn"}},
	"feedparser/bozo_http_i18n.xml": {{"feed", "Iñtërnâtiônàlizætiøn"}},

	// Undeclared legacy encodings: only a statistical guess gets them.
	"feedparser-chardet/big5.xml":        {{"feed", "我希望"}, {"feed", "成中文，并有助于改"}},
	"feedparser-chardet/eucjp.xml":       {{"title", "ゲーム三昧な正月"}},
	"feedparser-chardet/euckr.xml":       {{"title", "EUC-KR 에서 TypeKey 한글닉네임 표시하기"}},
	"feedparser-chardet/gb2312.xml":      {{"title", "不归移民漫画系列：专业工作"}},
	"feedparser-chardet/koi8r.xml":       {{"title", "Как пережить новогоднюю ночь"}},
	"feedparser-chardet/shiftjis.xml":    {{"title", "DrecomRSSに記事投稿が反映されない…"}},
	"feedparser-chardet/tis620.xml":      {{"summary", "สำนักงานส่งเสริมอุตสาหกรรมซอฟต์แวร์แห่งชาติ"}},
	"feedparser-chardet/windows1255.xml": {{"summary", "האם תדפיס נייר של אתר אינטרנט"}},
}

// encodingGaps are cases we knowingly decode differently from feedparser.
var encodingGaps = map[string]string{
	"feedparser/double-encoded-html.xml": "known limitation: UTF-8 read as ISO-8859-1 and re-encoded " +
		"(\"â€¦\" for \"…\") is not repaired; repairing it needs an ftfy-like heuristic that can " +
		"damage legitimate Latin-1 text",
	"feedparser/bozo_double-encoded-html.xml": "known limitation: double-encoded UTF-8 in entities " +
		"(&acirc;&#128;&brvbar;) is not repaired",
	"feedparser/bozo_linenoise.xml": "divergence: feedparser's expected value is itself mojibake " +
		"(a windows-1252/latin-2 guess) of a broken document",
}

// caseMeta is what a feedparser case's leading comment says.
type caseMeta struct {
	contentType string // from "Header: Content-type: …"
	expect      string // a Python expression over the parse result
}

var metaLine = regexp.MustCompile(`(?m)^\s*(Header|Expect):\s*(.*?)\s*$`)

// readCaseMeta reads the leading comment. The comment is ASCII, so
// dropping NUL bytes makes UTF-16 and UTF-32 files readable without a
// decoder.
func readCaseMeta(body []byte) caseMeta {
	b := bytes.ReplaceAll(body, []byte{0}, nil)
	start := bytes.Index(b, []byte("<!--"))
	if start < 0 {
		return caseMeta{}
	}
	end := bytes.Index(b[start:], []byte("-->"))
	if end < 0 {
		return caseMeta{}
	}
	var m caseMeta
	for _, sub := range metaLine.FindAllSubmatch(b[start:start+end], -1) {
		val := string(sub[2])
		switch string(sub[1]) {
		case "Header":
			if k, v, ok := strings.Cut(val, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "content-type") {
				m.contentType = strings.TrimSpace(v)
			}
		case "Expect":
			m.expect = val
		}
	}
	return m
}

// textExpect is an Expect that compares text: `feed['title'] == '…'`,
// `entries[0]['description'] == '…'` or `ord(entries[0].summary) == 8230`.
type textExpect struct {
	feed  bool   // the feed's field, else the first entry's
	field string // "title", "summary" or "content"
	want  string
}

var (
	expectOrd     = regexp.MustCompile(`^ord\((.+)\) == (\d+)$`)
	expectEq      = regexp.MustCompile(`^(\S+) == ('.*'|".*")$`)
	expectSubject = regexp.MustCompile(`^(entries\[0\]|feed)(?:\['(\w+)'\]|\.(\w+))$`)
)

// parseTextExpect recognises the Expect expressions that compare text.
func parseTextExpect(expr string) (textExpect, bool) {
	expr = strings.TrimPrefix(strings.TrimPrefix(expr, "not "), "bozo and ")
	var subject, want string
	if m := expectOrd.FindStringSubmatch(expr); m != nil {
		n, err := strconv.Atoi(m[2])
		if err != nil {
			return textExpect{}, false
		}
		subject, want = m[1], string(rune(n))
	} else if m := expectEq.FindStringSubmatch(expr); m != nil {
		s, err := pyString(m[2])
		if err != nil {
			return textExpect{}, false
		}
		subject, want = m[1], s
	} else {
		return textExpect{}, false
	}
	m := expectSubject.FindStringSubmatch(subject)
	if m == nil {
		return textExpect{}, false
	}
	field := m[2] + m[3]
	switch field {
	case "description", "summary":
		field = "summary"
	case "title", "content":
	default:
		return textExpect{}, false
	}
	return textExpect{feed: m[1] == "feed", field: field, want: want}, true
}

// pyString reads a Python 3 string literal in single or double quotes.
func pyString(lit string) (string, error) {
	if len(lit) < 2 || lit[0] != lit[len(lit)-1] || (lit[0] != '\'' && lit[0] != '"') {
		return "", fmt.Errorf("not a string literal: %s", lit)
	}
	s := lit[1 : len(lit)-1]
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return "", fmt.Errorf("trailing backslash in %s", lit)
		}
		i++
		digits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[s[i]]
		if digits > 0 {
			if i+1+digits > len(s) {
				return "", fmt.Errorf("short \\%c escape in %s", s[i], lit)
			}
			n, err := strconv.ParseUint(s[i+1:i+1+digits], 16, 32)
			if err != nil {
				return "", fmt.Errorf("bad \\%c escape in %s: %v", s[i], lit, err)
			}
			b.WriteRune(rune(n))
			i += digits
			continue
		}
		switch s[i] {
		case '\\', '\'', '"':
			b.WriteByte(s[i])
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		default:
			return "", fmt.Errorf("unsupported escape \\%c in %s", s[i], lit)
		}
	}
	return b.String(), nil
}

func TestPyString(t *testing.T) {
	tests := []struct{ in, want string }{
		{`'don\u2019t'`, "don\u2019t"},
		{`'\ub144'`, "\ub144"},
		{`'This is a \xa3\u201ctest.\u201d'`, "This is a £“test.”"},
		{`'<img alt="\ub144" />'`, `<img alt="년" />`},
		{`"it\'s \\ \"q\""`, `it's \ "q"`},
		{`'\U0001F600'`, "\U0001F600"},
	}
	for _, tt := range tests {
		got, err := pyString(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("pyString(%s) = %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{`'\x4'`, `'abc`, `'\q'`, `'\u12'`} {
		if got, err := pyString(bad); err == nil {
			t.Errorf("pyString(%s) = %q, want an error", bad, got)
		}
	}
}

// normHTML puts an HTML fragment in a form where two sanitisers' output
// compare equal: entities decoded, tags written as name and sorted
// attributes, white space folded.
func normHTML(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			b.WriteString(html.UnescapeString(string(z.Text())))
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			attrs := make([]string, 0, len(tok.Attr))
			for _, a := range tok.Attr {
				attrs = append(attrs, fmt.Sprintf(" %s=%q", a.Key, a.Val))
			}
			slices.Sort(attrs)
			b.WriteString("<" + tok.Data + strings.Join(attrs, "") + ">")
		case html.EndTagToken:
			b.WriteString("</" + z.Token().Data + ">")
		}
	}
}

// feedTitle is the document's own title, read the way Parse reads entries.
func feedTitle(body []byte, contentType string) (string, error) {
	u, err := toUTF8(body, contentType)
	if err != nil {
		return "", err
	}
	f, err := gofeed.NewParser().Parse(bytes.NewReader(bytes.TrimSpace(u)))
	if err != nil {
		return "", err
	}
	return NewCleaner().Text(f.Title), nil
}

// TestEncodingsCorpus parses every case of the shared corpus's encodings
// folder: (a) cases whose feedparser Expect compares text are compared
// with it, (b) cases in decodedTexts must hold their text, and (c) every
// case must parse without panic into titles of valid UTF-8 with no
// U+FFFD, unless it is broken on purpose (bozo_*).
func TestEncodingsCorpus(t *testing.T) {
	root := filepath.Join(corpusDir, "encodings")
	if _, err := os.Stat(root); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("shared corpus not found at %s; skipping the encodings conformance test", root)
	}
	var byText, byDecoded, byInvariant int
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		seen[name] = true
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		meta := readCaseMeta(body)
		texts, decoded := decodedTexts[name]
		te, isText := parseTextExpect(meta.expect)
		switch {
		case decoded:
			byDecoded++
		case isText:
			byText++
		default:
			byInvariant++
		}
		t.Run(name, func(t *testing.T) {
			feed := checkEncodingInvariants(t, name, body, meta)
			if decoded {
				checkDecodedTexts(t, name, body, meta.contentType, feed, texts)
			}
			if isText && !decoded {
				if reason, ok := encodingGaps[name]; ok {
					t.Skip(reason)
				}
				checkTextExpect(t, name, body, meta, feed, te)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range decodedTexts {
		if !seen[name] {
			t.Errorf("decodedTexts names %s, which is not in %s", name, root)
		}
	}
	t.Logf("encodings corpus: %d cases: (a) %d by feedparser's text Expect, (b) %d by decoded text, (c) %d by invariants only",
		byText+byDecoded+byInvariant, byText, byDecoded, byInvariant)
}

// checkEncodingInvariants parses body and checks what must hold of any
// case. It returns the feed, or nil when Parse failed.
func checkEncodingInvariants(t *testing.T, name string, body []byte, meta caseMeta) (feed *aggregator.Feed) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Parse(%s) panicked: %v", name, r)
		}
	}()
	feed, err := NewParser().Parse(context.Background(), aggregator.ParseInput{
		Body: body, ContentType: meta.contentType, URL: "https://corpus.example/" + name,
		Source: "corpus", Now: fetchedAt,
	})
	if err != nil {
		// feedparser reads "not bozo" cases as well formed: so must we.
		if strings.HasPrefix(meta.expect, "not bozo") {
			t.Errorf("Parse(%s, %q) error: %v, want none (feedparser: %s)", name, meta.contentType, err, meta.expect)
		}
		return nil
	}
	brokenOnPurpose := strings.HasPrefix(filepath.Base(name), "bozo_")
	for i, e := range feed.Entries {
		if !utf8.ValidString(e.Title) {
			t.Errorf("Parse(%s) entry %d Title %q is not valid UTF-8", name, i, e.Title)
		}
		if strings.ContainsRune(e.Title, utf8.RuneError) && !brokenOnPurpose {
			t.Errorf("Parse(%s) entry %d Title = %q, want no U+FFFD", name, i, e.Title)
		}
	}
	return feed
}

func checkDecodedTexts(t *testing.T, name string, body []byte, contentType string, feed *aggregator.Feed, texts []decodedText) {
	t.Helper()
	for _, dt := range texts {
		var got []string
		switch dt.in {
		case "title", "summary":
			if feed == nil {
				t.Errorf("Parse(%s) failed, want entries with %s %q", name, dt.in, dt.want)
				continue
			}
			for _, e := range feed.Entries {
				if dt.in == "title" {
					got = append(got, e.Title)
				} else {
					got = append(got, normHTML(e.Summary))
				}
			}
		case "feed":
			title, err := feedTitle(body, contentType)
			if err != nil {
				t.Errorf("feed title of %s: %v", name, err)
			}
			if strings.ContainsRune(title, utf8.RuneError) {
				t.Errorf("feed title of %s = %q, want no U+FFFD", name, title)
			}
			got = []string{title}
		case "doc":
			doc, err := toUTF8(body, contentType)
			if err != nil {
				t.Errorf("toUTF8(%s) error: %v", name, err)
			}
			got = []string{string(doc)}
		default:
			t.Fatalf("decodedTexts[%s]: unknown place %q", name, dt.in)
		}
		if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, dt.want) }) {
			t.Errorf("%s of %s = %q, want one containing %q", dt.in, name, abbreviate(got), dt.want)
		}
	}
	if feed != nil {
		for i, e := range feed.Entries {
			if strings.ContainsRune(e.Title, utf8.RuneError) {
				t.Errorf("Parse(%s) entry %d Title = %q, want no U+FFFD in a decodable case", name, i, e.Title)
			}
		}
	}
}

func checkTextExpect(t *testing.T, name string, body []byte, meta caseMeta, feed *aggregator.Feed, te textExpect) {
	t.Helper()
	var got string
	switch {
	case te.feed && te.field == "title":
		title, err := feedTitle(body, meta.contentType)
		if err != nil {
			t.Fatalf("feed title of %s: %v", name, err)
		}
		got = title
	case te.feed:
		t.Skipf("Expect %q reads feed %s, which Parse does not return", meta.expect, te.field)
	case feed == nil:
		t.Fatalf("Parse(%s) failed, want an entry for Expect %q", name, meta.expect)
	case len(feed.Entries) == 0:
		t.Fatalf("Parse(%s) = no entries, want one for Expect %q", name, meta.expect)
	default:
		e := feed.Entries[0]
		got = map[string]string{"title": e.Title, "summary": e.Summary, "content": e.Content}[te.field]
	}
	if normHTML(got) != normHTML(te.want) {
		t.Errorf("Parse(%s) %s = %q, want %q (feedparser: %s)", name, te.field, got, te.want, meta.expect)
	}
}

// abbreviate shortens what a failure message quotes.
func abbreviate(ss []string) []string {
	out := make([]string, 0, min(len(ss), 3))
	for _, s := range ss[:min(len(ss), 3)] {
		if len(s) > 120 {
			s = strings.ToValidUTF8(s[:120], "") + "…"
		}
		out = append(out, s)
	}
	return out
}

// TestToUTF8StrayByteInUTF8 is a UTF-8 document with one byte that is
// not UTF-8, as when a Latin-1 "©" is pasted into a UTF-8 template: one
// bad byte must not turn the whole document into mojibake.
func TestToUTF8StrayByteInUTF8(t *testing.T) {
	tests := []struct {
		name, title string
	}{
		{"Chinese", "网络安全新闻 Café"},
		{"French", "Café crème, naïve façade – “quoted”"},
		{"Russian", "Привет мир, новости дня"},
	}
	for _, tt := range tests {
		for _, decl := range []string{`<?xml version="1.0" encoding="utf-8"?>`, ""} {
			body := []byte(decl + "<rss><channel><item><title>" + tt.title + " \xA9 2024</title></item></channel></rss>")
			out, err := toUTF8(body, "")
			if err != nil {
				t.Errorf("%s: toUTF8(%q) error: %v", tt.name, body, err)
				continue
			}
			if !bytes.Contains(out, []byte(tt.title)) {
				t.Errorf("%s: toUTF8(%q) = %q, want it to keep %q", tt.name, body, out, tt.title)
			}
		}
	}
}

// TestToUTF8ASCIICompatibleBodyLabelledUTF16: a body whose declaration
// can be read as ASCII is not UTF-16 whatever its label says (real UTF-16
// is recognised by its shape first), and the WHATWG "replacement" encoding
// (labels iso-2022-kr, hz-gb-2312, …) decodes a whole document to one
// U+FFFD. Found by FuzzToUTF8 (testdata/fuzz/FuzzToUTF8).
func TestToUTF8ASCIICompatibleBodyLabelledUTF16(t *testing.T) {
	tests := []struct{ label, contentType string }{
		{"utf-16", ""},
		{"UTF-16BE", ""},
		{"unicode", ""},
		{"iso-2022-kr", ""},
		{"hz-gb-2312", ""},
		{"bogus", "text/xml; charset=utf-16"},
	}
	for _, tt := range tests {
		body := []byte(`<?xml version="1.0" encoding="` + tt.label + `"?><rss><channel><title>Caf` + "\xe9" + `</title></channel></rss>`)
		out, err := toUTF8(body, tt.contentType)
		if err != nil {
			t.Errorf("toUTF8(%q, %q) error: %v", body, tt.contentType, err)
			continue
		}
		if !bytes.Contains(out, []byte("<title>Caf")) || !strings.EqualFold(declaredEncoding(out), "utf-8") {
			t.Errorf("toUTF8(%q, %q) = %q, want the markup kept and the declaration naming UTF-8", body, tt.contentType, out)
		}
	}
}
