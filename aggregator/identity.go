package aggregator

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"net/url"
	"strings"
	"sync"
)

// trackingParams are query parameters that identify a campaign or a
// click, not an article.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "yclid": true,
	"mc_cid": true, "mc_eid": true, "igshid": true, "spm": true, "scm": true,
	"_hsenc": true, "_hsmi": true, "mkt_tok": true, "ref_src": true,
	"cmpid": true, "ncid": true, "ocid": true, "from": true, "share_token": true,
}

// CanonicalURL reduces a link to the form two copies of the same article
// share: scheme and host lower-cased, default port, fragment and tracking
// parameters dropped. It returns "" for anything that is not http(s).
func CanonicalURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			lk := strings.ToLower(k)
			if strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
				q.Del(k)
			}
		}
		u.RawQuery = q.Encode() // sorted, so parameter order does not matter
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String()
}

// Identify sets e.Key: the GUID when there is one, else the canonical
// link, else a hash of the text, so a re-poll finds the same entry.
func Identify(e *Entry) {
	switch {
	case e.GUID != "":
		e.Key = "guid:" + e.GUID
	case CanonicalURL(e.Link) != "":
		e.Key = "link:" + CanonicalURL(e.Link)
	default:
		e.Key = "hash:" + digest(e.Title, e.Summary, e.Content)[:32]
	}
}

// ContentHash fingerprints what readers see of an entry, to notice edits.
func ContentHash(e *Entry) string {
	return digest(e.Title, e.Link, e.Summary, e.Content, e.Author, strings.Join(e.Categories, "\x1f"))[:32]
}

// NewUID derives an item's public identifier from its first entry.
func NewUID(source, key string) string {
	return digest(source, key)[:20]
}

// digest is the hex SHA-256 of the parts, each followed by a zero byte.
func digest(parts ...string) string {
	d := digesters.Get().(*digester)
	defer digesters.Put(d)
	d.hash.Reset()
	for _, p := range parts {
		d.write(p)
		d.write("\x00")
	}
	return hex.EncodeToString(d.hash.Sum(d.sum[:0]))
}

// A digester hashes strings through a buffer of its own: converted to
// bytes for the hash's Write, every entry's text was copied whole.
type digester struct {
	hash hash.Hash
	buf  [1024]byte
	sum  [sha256.Size]byte
}

var digesters = sync.Pool{New: func() any { return &digester{hash: sha256.New()} }}

func (d *digester) write(s string) {
	for len(s) > 0 {
		n := copy(d.buf[:], s)
		d.hash.Write(d.buf[:n])
		s = s[n:]
	}
}
