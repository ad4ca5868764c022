package aggregator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestPoll(t *testing.T) { synctest.Test(t, testPoll) }

func testPoll(t *testing.T) {
	store := newMemStore()
	var lastReq FetchRequest
	body := "1|Ransomware hits city\n2|Weather\n1|Ransomware hits city (repeat)"
	p := &Poller{
		Store: store,
		Fetcher: fetchFunc(func(_ context.Context, req FetchRequest) (*FetchResult, error) {
			lastReq = req
			if req.ETag == `"v1"` {
				return &FetchResult{Status: http.StatusNotModified, NotModified: true}, nil
			}
			return &FetchResult{Status: 200, Body: []byte(body), ETag: `"v1"`, URL: req.URL}, nil
		}),
		Parser: lineParser{},
		Tagger: mustTagger(t, TaggerOptions{Rules: []TagRule{{Name: "cyber-security", Any: []string{"ransomware"}}}}),
	}
	src := Source{Name: "s", URL: "http://example.com/feed", Schedule: MustParseSchedule("@every 10m"), Tags: []string{"news"}}

	res := p.Poll(context.Background(), src)
	if res.Err != nil || res.New != 2 || res.Entries != 2 {
		t.Fatalf("first poll = %+v, want 2 new entries (the repeated guid dropped)", res)
	}
	e := store.entries["s\x00guid:1"]
	if strings.Join(e.Tags, ",") != "cyber-security,news" {
		t.Errorf("tags = %v, want [cyber-security news]", e.Tags)
	}
	if st := store.state("s"); st.ETag != `"v1"` || st.Failures != 0 || st.NextAttempt.Sub(st.LastAttempt) != 10*time.Minute {
		t.Errorf("state after success = %+v", st)
	}

	res = p.Poll(context.Background(), src)
	if !res.NotModified || lastReq.ETag != `"v1"` || store.saves != 1 {
		t.Errorf("second poll = %+v (sent ETag %q, saves %d), want a conditional 304 that saves nothing", res, lastReq.ETag, store.saves)
	}

	// A changed URL drops validators that belonged to the old one.
	moved := src
	moved.URL = "http://example.com/new-feed"
	p.Poll(context.Background(), moved)
	if lastReq.ETag != "" {
		t.Errorf("poll of a moved source sent ETag %q, want none", lastReq.ETag)
	}
}

func TestPollFailures(t *testing.T) {
	tests := []struct {
		name       string
		fetch      func() (*FetchResult, error)
		wantErr    string
		wantStatus int
		minNext    time.Duration
	}{
		{"http 500", func() (*FetchResult, error) { return nil, &StatusError{Status: 500} }, "HTTP 500", 500, 10 * time.Minute},
		{"429 retry-after beats schedule", func() (*FetchResult, error) {
			return nil, &StatusError{Status: 429, RetryAfter: 3 * time.Hour}
		}, "HTTP 429", 429, 3 * time.Hour},
		{"network", func() (*FetchResult, error) { return nil, errors.New("connection refused") }, "refused", 0, 10 * time.Minute},
		{"parse error", func() (*FetchResult, error) { return &FetchResult{Status: 200, Body: []byte("BAD")}, nil }, "bad document", 200, 10 * time.Minute},
		{"panic is recovered", func() (*FetchResult, error) { return &FetchResult{Status: 200, Body: []byte("PANIC")}, nil }, "panic", 200, 10 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				store := newMemStore()
				p := &Poller{Store: store, Parser: lineParser{}, Fetcher: fetchFunc(func(context.Context, FetchRequest) (*FetchResult, error) { return tt.fetch() })}
				src := Source{Name: "s", URL: "http://example.com/feed", Schedule: MustParseSchedule("@every 10m")}
				res := p.Poll(context.Background(), src)
				if res.Err == nil || !strings.Contains(res.Err.Error(), tt.wantErr) {
					t.Fatalf("Poll error = %v, want %q", res.Err, tt.wantErr)
				}
				st := store.state("s")
				if st.Failures != 1 || st.LastStatus != tt.wantStatus || !strings.Contains(st.LastError, tt.wantErr) {
					t.Errorf("state = %+v, want 1 failure, status %d, error %q", st.Health, tt.wantStatus, tt.wantErr)
				}
				if got := st.NextAttempt.Sub(st.LastAttempt); got < tt.minNext {
					t.Errorf("next attempt in %v, want at least %v", got, tt.minNext)
				}
			})
		})
	}
}

func TestPollBackoffDoublesAndCaps(t *testing.T) { synctest.Test(t, testPollBackoff) }

func testPollBackoff(t *testing.T) {
	store := newMemStore()
	p := &Poller{Store: store, Parser: lineParser{}, MaxBackoff: 2 * time.Hour,
		Fetcher: fetchFunc(func(context.Context, FetchRequest) (*FetchResult, error) { return nil, &StatusError{Status: 503} })}
	src := Source{Name: "s", URL: "http://example.com/feed", Schedule: MustParseSchedule("@every 15m")}
	want := []time.Duration{15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 2 * time.Hour}
	for i, w := range want {
		p.Poll(context.Background(), src)
		st := store.state("s")
		if got := st.NextAttempt.Sub(st.LastAttempt); got != w || st.Failures != i+1 {
			t.Errorf("failure %d: next in %v (failures %d), want %v", i+1, got, st.Failures, w)
		}
	}
}

func TestPollStoreFailureKeepsValidators(t *testing.T) {
	store := newMemStore()
	store.failSave = errors.New("disk full")
	p := &Poller{Store: store, Parser: lineParser{}, Fetcher: fetchFunc(func(context.Context, FetchRequest) (*FetchResult, error) {
		return &FetchResult{Status: 200, Body: []byte("1|a"), ETag: `"v1"`}, nil
	})}
	res := p.Poll(context.Background(), Source{Name: "s", URL: "http://example.com/feed"})
	if res.Err == nil || store.state("s").ETag != "" {
		t.Fatalf("a failed save must not store validators: err=%v state=%+v", res.Err, store.state("s"))
	}
}

func TestPollHonoursUpstreamHints(t *testing.T) {
	m := time.Minute
	tests := []struct {
		name   string
		result FetchResult
		feed   string // body for lineParser
		hints  Hints
		want   time.Duration // from the poll to the next attempt
	}{
		{"schedule alone", FetchResult{Status: 200}, "1|a", Hints{}, 15 * m},
		{"ttl longer than schedule", FetchResult{Status: 200}, "1|a", Hints{TTL: 2 * time.Hour}, 2 * time.Hour},
		{"ttl shorter than schedule", FetchResult{Status: 200}, "1|a", Hints{TTL: 5 * m}, 15 * m},
		{"max-age", FetchResult{Status: 200, MaxAge: time.Hour}, "1|a", Hints{}, time.Hour},
		{"max-age capped", FetchResult{Status: 200, MaxAge: 400 * 24 * time.Hour}, "1|a", Hints{}, 24 * time.Hour},
		{"304 max-age", FetchResult{Status: 304, NotModified: true, MaxAge: 45 * m}, "", Hints{}, 45 * m},
		// synctest starts at midnight UTC on Saturday 1 January 2000.
		{"skip hours", FetchResult{Status: 200}, "1|a", Hints{SkipHours: []int{0, 1, 2}}, 3 * time.Hour},
		{"skip days", FetchResult{Status: 200}, "1|a", Hints{SkipDays: []time.Weekday{time.Saturday, time.Sunday}}, 48 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				store := newMemStore()
				fr := tt.result
				fr.Body = []byte(tt.feed)
				p := &Poller{Store: store, Parser: hintParser{tt.hints},
					Fetcher: fetchFunc(func(context.Context, FetchRequest) (*FetchResult, error) { return &fr, nil })}
				src := Source{Name: "s", URL: "http://example.com/feed", Schedule: MustParseSchedule("@every 15m")}
				res := p.Poll(context.Background(), src)
				if res.Err != nil {
					t.Fatal(res.Err)
				}
				if got := res.Next.Sub(time.Now()); got != tt.want {
					t.Errorf("next attempt in %v, want %v", got, tt.want)
				}
			})
		})
	}
}

// hintParser is lineParser with fixed feed hints.
type hintParser struct{ hints Hints }

func (h hintParser) Parse(ctx context.Context, in ParseInput) (*Feed, error) {
	f, err := lineParser{}.Parse(ctx, in)
	if err != nil {
		return nil, err
	}
	f.TTL, f.SkipHours, f.SkipDays = h.hints.TTL, h.hints.SkipHours, h.hints.SkipDays
	return f, nil
}

func TestPollMovedAndGone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := newMemStore()
		var asked []string
		answer := map[string]func() (*FetchResult, error){
			"http://old.example/feed": func() (*FetchResult, error) {
				return &FetchResult{Status: 200, Body: []byte("1|a"), URL: "http://new.example/feed", PermanentURL: "http://new.example/feed"}, nil
			},
			"http://new.example/feed": func() (*FetchResult, error) { return nil, &StatusError{Status: 410} },
		}
		p := &Poller{Store: store, Parser: lineParser{}, Fetcher: fetchFunc(func(_ context.Context, req FetchRequest) (*FetchResult, error) {
			asked = append(asked, req.URL)
			return answer[req.URL]()
		})}
		src := Source{Name: "s", URL: "http://old.example/feed", Schedule: MustParseSchedule("@hourly")}

		res := p.Poll(context.Background(), src)
		if res.MovedTo != "http://new.example/feed" || store.state("s").FetchURL != "http://new.example/feed" {
			t.Fatalf("after a 301: result %+v, state %+v; want the source moved", res, store.state("s"))
		}
		res = p.Poll(context.Background(), src)
		if asked[1] != "http://new.example/feed" {
			t.Errorf("second poll asked %s, want the new address", asked[1])
		}
		st := store.state("s")
		if !res.Gone || !st.Gone || !res.Next.IsZero() || st.LastStatus != 410 {
			t.Errorf("after a 410: result %+v, state %+v; want gone with no next attempt", res, st)
		}

		// Changing the URL in the configuration starts afresh.
		src.URL = "http://other.example/feed"
		answer[src.URL] = func() (*FetchResult, error) { return &FetchResult{Status: 200, Body: []byte("1|a")}, nil }
		res = p.Poll(context.Background(), src)
		st = store.state("s")
		if res.Err != nil || st.Gone || st.FetchURL != "" || st.URL != src.URL || asked[2] != src.URL {
			t.Errorf("after a config change: result %+v, state %+v", res, st)
		}
	})
}

func TestPollJitterSpreadsWithinBounds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &Poller{Store: newMemStore(), Parser: lineParser{}, Jitter: 0.1,
			Fetcher: fetchFunc(func(context.Context, FetchRequest) (*FetchResult, error) {
				return &FetchResult{Status: 200, Body: []byte("1|a")}, nil
			})}
		seen := map[time.Duration]bool{}
		for i := range 50 {
			src := Source{Name: fmt.Sprint("s", i), URL: "http://example.com/feed", Schedule: MustParseSchedule("@every 10m")}
			res := p.Poll(context.Background(), src)
			d := res.Next.Sub(time.Now())
			if d < 10*time.Minute || d >= 11*time.Minute {
				t.Errorf("next attempt in %v, want within [10m, 11m): 10%% of the period", d)
			}
			seen[d] = true
		}
		if len(seen) < 10 {
			t.Errorf("50 sources got only %d distinct next attempts: jitter does not spread them", len(seen))
		}
		// The spread is capped at five minutes for long periods.
		res := p.Poll(context.Background(), Source{Name: "daily", URL: "http://example.com/d", Schedule: MustParseSchedule("@every 24h")})
		if d := res.Next.Sub(time.Now()); d < 24*time.Hour || d >= 24*time.Hour+5*time.Minute {
			t.Errorf("daily source next attempt in %v, want within five minutes after a day", d)
		}
	})
}

// TestPollPanicsReleaseTheCPU: a parser that panics must not keep its
// slot, or after as many panics as cores every poll would wait forever.
func TestPollPanicsReleaseTheCPU(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &Poller{Store: newMemStore(), Parser: lineParser{}, CPU: 1,
			Fetcher: fetchFunc(func(context.Context, FetchRequest) (*FetchResult, error) {
				return &FetchResult{Status: 200, Body: []byte("PANIC")}, nil
			})}
		for i := range 3 {
			res := p.Poll(context.Background(), Source{Name: "s", URL: "http://example.com/feed"})
			if res.Err == nil || !strings.Contains(res.Err.Error(), "panic") {
				t.Fatalf("poll %d: %v, want the recovered panic", i, res.Err)
			}
		}
	})
}

// TestPrepareCountsUnreadItems: items left unread count toward the
// per-fetch cap in document order, as they would if read, and the
// digests of all taken items (a repeat's too) are kept for the next poll.
func TestPrepareCountsUnreadItems(t *testing.T) {
	p := &Poller{MaxEntries: 3}
	entries := []Entry{
		{Source: "s", ItemDigest: 1, Unread: true},
		{Source: "s", GUID: "a", Title: "A", ItemDigest: 2},
		{Source: "s", GUID: "a", Title: "A again", ItemDigest: 3}, // a repeat of a
		{Source: "s", GUID: "b", Title: "B", ItemDigest: 4},
		{Source: "s", GUID: "c", Title: "C", ItemDigest: 5}, // past the cap
	}
	out, count, digests := p.prepare(Source{Name: "s"}, entries)
	var titles []string
	for _, e := range out {
		titles = append(titles, e.Title)
	}
	if !slices.Equal(titles, []string{"A", "B"}) || count != 3 || !slices.Equal(digests, []uint64{1, 2, 3, 4}) {
		t.Errorf("prepare = %q, %d taken, digests %v; want [A B], 3, [1 2 3 4]", titles, count, digests)
	}
}
