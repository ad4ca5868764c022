package feeds

import (
	"testing"
	"time"
)

func mustLoadLocation(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("time zone database lacks %s: %v", name, err)
	}
	return loc
}

func TestParseDate(t *testing.T) {
	shanghai := mustLoadLocation(t, "Asia/Shanghai")
	utc := time.UTC
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatalf("bad want %q: %v", s, err)
		}
		return v
	}
	tests := []struct {
		name string
		in   string
		loc  *time.Location
		want time.Time
		// offset is the zone offset the result must carry, in seconds east
		// of UTC; checked only when checkOffset is set.
		offset      int
		checkOffset bool
	}{
		{name: "RFC1123Z", in: "Tue, 02 Jan 2024 15:04:05 +0800", loc: utc, want: at("2024-01-02T07:04:05Z"), offset: 8 * 3600, checkOffset: true},
		{name: "RFC1123Z negative", in: "Tue, 02 Jan 2024 15:04:05 -0500", loc: shanghai, want: at("2024-01-02T20:04:05Z")},
		{name: "RFC1123Z single-digit day", in: "Tue, 2 Jan 2024 15:04:05 +0000", loc: utc, want: at("2024-01-02T15:04:05Z")},
		{name: "GMT", in: "Tue, 02 Jan 2024 15:04:05 GMT", loc: utc, want: at("2024-01-02T15:04:05Z")},
		{name: "GMT in Shanghai", in: "Tue, 02 Jan 2024 15:04:05 GMT", loc: shanghai, want: at("2024-01-02T15:04:05Z")},
		{name: "EST", in: "Tue, 02 Jan 2024 15:04:05 EST", loc: utc, want: at("2024-01-02T20:04:05Z"), offset: -5 * 3600, checkOffset: true},
		{name: "EST in Shanghai", in: "Tue, 02 Jan 2024 15:04:05 EST", loc: shanghai, want: at("2024-01-02T20:04:05Z")},
		{name: "PDT", in: "Tue, 02 Jul 2024 15:04:05 PDT", loc: utc, want: at("2024-07-02T22:04:05Z"), offset: -7 * 3600, checkOffset: true},
		{name: "CST is US Central in UTC", in: "Tue, 02 Jan 2024 15:04:05 CST", loc: utc, want: at("2024-01-02T21:04:05Z"), offset: -6 * 3600, checkOffset: true},
		{name: "CST is China in Shanghai", in: "Tue, 02 Jan 2024 15:04:05 CST", loc: shanghai, want: at("2024-01-02T07:04:05Z"), offset: 8 * 3600, checkOffset: true},
		{name: "CST nil location is US Central", in: "Tue, 02 Jan 2024 15:04:05 CST", loc: nil, want: at("2024-01-02T21:04:05Z")},
		{name: "RFC3339 Z", in: "2024-01-02T15:04:05Z", loc: shanghai, want: at("2024-01-02T15:04:05Z")},
		{name: "RFC3339 offset", in: "2024-01-02T15:04:05+08:00", loc: utc, want: at("2024-01-02T07:04:05Z")},
		{name: "RFC3339 fraction", in: "2024-01-02T15:04:05.123456789-07:00", loc: utc, want: at("2024-01-02T22:04:05.123456789Z")},
		{name: "surrounding white space", in: "\n  Tue, 02 Jan 2024 15:04:05 +0000 \t", loc: utc, want: at("2024-01-02T15:04:05Z")},
		{name: "zoneless in Shanghai", in: "2024-01-02 15:04:05", loc: shanghai, want: at("2024-01-02T07:04:05Z"), offset: 8 * 3600, checkOffset: true},
		{name: "zoneless in UTC", in: "2024-01-02 15:04:05", loc: utc, want: at("2024-01-02T15:04:05Z")},
		{name: "zoneless nil location is UTC", in: "2024-01-02 15:04:05", loc: nil, want: at("2024-01-02T15:04:05Z")},
		{name: "zoneless T", in: "2024-01-02T15:04:05", loc: shanghai, want: at("2024-01-02T07:04:05Z")},
		{name: "slashes", in: "2024/1/2 15:04", loc: utc, want: at("2024-01-02T15:04:00Z")},
		{name: "slashes in Shanghai", in: "2024/1/2 15:04", loc: shanghai, want: at("2024-01-02T07:04:00Z")},
		{name: "Chinese with time", in: "2024年01月02日 15:04", loc: shanghai, want: at("2024-01-02T07:04:00Z")},
		{name: "Chinese date only", in: "2024年1月2日", loc: shanghai, want: at("2024-01-01T16:00:00Z")},
		{name: "unix seconds", in: "1704182400", loc: shanghai, want: at("2024-01-02T08:00:00Z")},
		{name: "unix milliseconds", in: "1704182400123", loc: shanghai, want: at("2024-01-02T08:00:00.123Z")},
		{name: "parenthesised UTC in Shanghai", in: "Tue, 02 Jan 2024 15:04:05 +0000 (UTC)", loc: shanghai, want: at("2024-01-02T15:04:05Z")},
		{name: "RFC 822 UT in Shanghai", in: "Tue, 02 Jan 2024 15:04:05 UT", loc: shanghai, want: at("2024-01-02T15:04:05Z")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseDate(tt.in, tt.loc)
			if !ok {
				t.Fatalf("ParseDate(%q, %v) = _, false, want %v", tt.in, tt.loc, tt.want)
			}
			if !got.Equal(tt.want) {
				t.Errorf("ParseDate(%q, %v) = %v, want %v", tt.in, tt.loc, got, tt.want)
			}
			if _, off := got.Zone(); tt.checkOffset && off != tt.offset {
				t.Errorf("ParseDate(%q, %v) offset = %d, want %d", tt.in, tt.loc, off, tt.offset)
			}
		})
	}
}

func TestParseDateRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"empty", ""},
		{"white space", " \t\n"},
		{"garbage", "not a date"},
		{"almost RFC1123", "Tue, 32 Jan 2024 15:04:05 +0000"},
		{"short number", "12345"},
		{"placeholder", "0000-00-00 00:00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := ParseDate(tt.in, time.UTC); ok {
				t.Errorf("ParseDate(%q) = %v, true, want false", tt.in, got)
			}
		})
	}
}
