package feeds

import (
	"bytes"
	"strconv"
	"strings"
	"time"
)

// Layouts that carry a zone (numeric or abbreviation).
var zonedLayouts = []string{
	time.RFC1123Z,
	time.RFC1123,
	time.RFC3339Nano,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 2006 15:04 MST",
	"Mon,2 Jan 2006 15:04:05 -0700",
	"Mon, 2 January 2006 15:04:05 -0700",
	"Mon, 2 January 2006 15:04:05 MST",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 MST",
	"Monday, 2 Jan 2006 15:04:05 -0700",
	"Monday, 2 Jan 2006 15:04:05 MST",
	"Mon Jan 2 15:04:05 MST 2006",
	"Mon Jan 2 15:04:05 -0700 2006",
	"2006-01-02T15:04:05-0700",
	"2006-01-02T15:04-07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04:05 -0700",
}

// Layouts without a zone: the source's location applies. Single-digit
// layout fields also accept two digits.
var zonelessLayouts = []string{
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-1-2 15:04:05",
	"2006-1-2 15:04:05.999999999",
	"2006-1-2 15:04",
	"2006/1/2 15:04:05",
	"2006/1/2 15:04",
	"2006.1.2 15:04:05",
	"2006年1月2日 15:04:05",
	"2006年1月2日 15:04",
	"2006年1月2日15:04:05",
	"2006年1月2日15:04",
	"2006年1月2日",
	"Mon, 2 Jan 2006 15:04:05",
	"Mon, 2 Jan 2006 15:04",
	"2 Jan 2006 15:04:05",
	"2006-01-02",
	"2006/1/2",
	"Jan 2, 2006 15:04:05",
	"Jan 2, 2006",
	"January 2, 2006",
}

// Zone abbreviations Go cannot resolve on its own, in seconds east of UTC.
// CST is US Central unless the source's location is in Asia (China).
var zoneAbbreviations = map[string]int{
	"EST": -5 * 3600, "EDT": -4 * 3600,
	"CST": -6 * 3600, "CDT": -5 * 3600,
	"MST": -7 * 3600, "MDT": -6 * 3600,
	"PST": -8 * 3600, "PDT": -7 * 3600,
	"AKST": -9 * 3600, "AKDT": -8 * 3600,
	"HST": -10 * 3600,
	"BST": 1 * 3600, "IST": 5*3600 + 1800,
	"CET": 1 * 3600, "CEST": 2 * 3600,
	"EET": 2 * 3600, "EEST": 3 * 3600,
	"WET": 0, "WEST": 1 * 3600,
	"MSK": 3 * 3600,
	"HKT": 8 * 3600, "SGT": 8 * 3600, "PHT": 8 * 3600,
	"JST": 9 * 3600, "KST": 9 * 3600,
	"AEST": 10 * 3600, "AEDT": 11 * 3600,
	"NZST": 12 * 3600, "NZDT": 13 * 3600,
}

// ParseDate reads a feed date. Dates without a zone are read in loc (UTC
// when nil); bare numbers are unix seconds (or milliseconds).
func ParseDate(s string, loc *time.Location) (time.Time, bool) {
	return (&dateReader{}).parse(s, loc)
}

// dateReader parses the dates of one document. A feed writes every date
// the same way, so the layout that read the last one is tried first: a
// failed attempt costs an error allocation, and a zoneless Chinese date
// would otherwise fail two dozen layouts before it matched.
type dateReader struct {
	last  string
	zoned bool
}

func (d *dateReader) parse(s string, loc *time.Location) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.UTC
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) >= 9 {
		if len(s) >= 13 {
			return time.UnixMilli(n).UTC(), true
		}
		return time.Unix(n, 0).UTC(), true
	}
	s = strings.TrimSuffix(s, " (UTC)")
	if rest, ok := strings.CutSuffix(s, " UT"); ok { // RFC 822's name for UTC
		s = rest + " +0000"
	}
	if d.last != "" {
		if t, err := time.ParseInLocation(d.last, s, loc); err == nil {
			if d.zoned {
				t = fixAbbreviation(t, loc)
			}
			return t, true
		}
	}
	for _, layout := range zonedLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			d.last, d.zoned = layout, true
			return fixAbbreviation(t, loc), true
		}
	}
	for _, layout := range zonelessLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			d.last, d.zoned = layout, false
			return t, true
		}
	}
	return time.Time{}, false
}

// gofeedLayout is the layout of RSS dates that gofeed's date parser
// reads soonest: it tries only RFC 822's, RFC 3339's and Ruby's before.
const gofeedLayout = time.RFC1123Z

// forGofeed rewrites an RSS date that gofeed would read slowly, and
// reports whether it did. gofeed reads every date again, in its own way,
// though Parse uses ours: it tries 169 layouts with numeric zones before
// those with named ones, so a date in GMT, the zone RSS dates use most,
// costs it about 20 µs and 370 allocations (a failed time.Parse each),
// and a zoneless Chinese date more. Given in gofeedLayout, the same
// instant costs it three failed attempts. A date we cannot read, or
// would lose part of (fractions of a second), is left as it is.
func (d *dateReader) forGofeed(raw []byte, loc *time.Location) ([]byte, bool) {
	if inGofeedLayout(bytes.TrimSpace(raw)) {
		return nil, false
	}
	t, ok := d.parse(string(raw), loc)
	if !ok || t.Nanosecond() != 0 || t.Year() < 1000 || t.Year() > 9999 {
		return nil, false
	}
	text := t.AppendFormat(make([]byte, 0, len(gofeedLayout)), gofeedLayout)
	if bytes.Equal(text, bytes.TrimSpace(raw)) {
		return nil, false
	}
	return text, true
}

// inGofeedLayout reports a date shaped like gofeedLayout, without the
// allocations of parsing it: most RSS dates are.
func inGofeedLayout(b []byte) bool {
	const shape = "Mon, 02 Jan 2006 15:04:05 -0700"
	if len(b) != len(shape) || (b[26] != '+' && b[26] != '-') {
		return false
	}
	for i := range len(shape) {
		switch c := shape[i]; {
		case c >= '0' && c <= '9':
			if b[i] < '0' || b[i] > '9' {
				return false
			}
		case c == ' ' || c == ',' || c == ':':
			if b[i] != c {
				return false
			}
		}
	}
	return true
}

// fixAbbreviation gives a time parsed with an unknown zone abbreviation
// (which Go records at offset zero) its real offset.
func fixAbbreviation(t time.Time, loc *time.Location) time.Time {
	name, off := t.Zone()
	if off != 0 || name == "UTC" || name == "GMT" || name == "Z" || name == "" {
		return t
	}
	offset, ok := zoneAbbreviations[name]
	if !ok {
		return t
	}
	if name == "CST" && strings.HasPrefix(loc.String(), "Asia/") {
		offset = 8 * 3600
	}
	y, mo, d := t.Date()
	h, mi, sec := t.Clock()
	return time.Date(y, mo, d, h, mi, sec, t.Nanosecond(), time.FixedZone(name, offset))
}
