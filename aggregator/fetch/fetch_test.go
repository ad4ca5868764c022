package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

var _ aggregator.Fetcher = (*Client)(nil)

func TestConditionalGet(t *testing.T) {
	var got http.Header
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Tue, 05 Mar 2024 12:00:00 GMT")
		w.Header().Set("Content-Type", "application/rss+xml; charset=gb2312")
		w.Write([]byte("<rss/>"))
	}))
	defer ts.Close()
	c := New(Options{UserAgent: "gleaner-test/1", AllowPrivate: true})

	res, err := c.Fetch(context.Background(), aggregator.FetchRequest{URL: ts.URL})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 200 || string(res.Body) != "<rss/>" || res.ETag != `"v1"` || res.LastModified == "" || res.ContentType != "application/rss+xml; charset=gb2312" {
		t.Errorf("first fetch = %+v", res)
	}
	if got.Get("User-Agent") != "gleaner-test/1" || got.Get("If-None-Match") != "" {
		t.Errorf("first request headers = %v", got)
	}

	res, err = c.Fetch(context.Background(), aggregator.FetchRequest{URL: ts.URL, ETag: res.ETag, LastModified: res.LastModified})
	if err != nil || !res.NotModified || res.Status != 304 {
		t.Fatalf("conditional fetch = %+v, %v; want 304", res, err)
	}
	if got.Get("If-None-Match") != `"v1"` || got.Get("If-Modified-Since") != "Tue, 05 Mar 2024 12:00:00 GMT" {
		t.Errorf("conditional request headers = %v", got)
	}
}

func TestFetchErrors(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
	mux.HandleFunc("/429", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		http.Error(w, "slow down", 429)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 2<<20)) })
	var bomb bytes.Buffer // 64 MiB of zeros in about 64 KiB on the wire
	gz := gzip.NewWriter(&bomb)
	zeros := make([]byte, 1<<20)
	for range 64 {
		gz.Write(zeros)
	}
	gz.Close()
	mux.HandleFunc("/gzip-bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb.Bytes())
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	ts := httptest.NewServer(mux)
	defer ts.Close()
	c := New(Options{AllowPrivate: true, MaxBody: 1 << 20, Timeout: 500 * time.Millisecond})

	tests := []struct {
		path       string
		status     int
		retryAfter time.Duration
		wantErr    string
		is         error
	}{
		{path: "/500", status: 500, wantErr: "HTTP 500"},
		{path: "/429", status: 429, retryAfter: 2 * time.Minute, wantErr: "HTTP 429"},
		{path: "/big", wantErr: "size limit", is: ErrTooLarge},
		{path: "/gzip-bomb", wantErr: "size limit", is: ErrTooLarge},
		{path: "/slow", wantErr: "deadline exceeded", is: context.DeadlineExceeded},
		{path: "/loop", wantErr: "redirects"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, err := c.Fetch(context.Background(), aggregator.FetchRequest{URL: ts.URL + tt.path})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Fetch(%s) error = %v, want %q", tt.path, err, tt.wantErr)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Fetch(%s) error %v is not %v", tt.path, err, tt.is)
			}
			var se *aggregator.StatusError
			if tt.status != 0 && (!errors.As(err, &se) || se.Status != tt.status || se.RetryAfter != tt.retryAfter) {
				t.Errorf("Fetch(%s) status error = %+v, want status %d retry-after %v", tt.path, se, tt.status, tt.retryAfter)
			}
		})
	}
}

func TestPrivateAddressGuard(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<rss/>")) }))
	defer ts.Close()
	// Redirects are followed by the allowed client; the guarded one checks
	// every dial, redirects included, so it never reaches the target.
	redirector := httptest.NewServer(http.RedirectHandler(ts.URL, http.StatusFound))
	defer redirector.Close()

	guarded := New(Options{})
	for _, u := range []string{ts.URL, "http://localhost:" + ts.URL[strings.LastIndex(ts.URL, ":")+1:], "http://169.254.169.254/latest/meta-data/", "http://[::1]:1/"} {
		_, err := guarded.Fetch(context.Background(), aggregator.FetchRequest{URL: u})
		if !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("guarded Fetch(%s) error = %v, want ErrPrivateAddress", u, err)
		}
	}
	if _, err := guarded.Fetch(context.Background(), aggregator.FetchRequest{URL: ts.URL, AllowPrivate: true}); err != nil {
		t.Errorf("a source allowed private addresses: %v", err)
	}
	if _, err := New(Options{AllowPrivate: true}).Fetch(context.Background(), aggregator.FetchRequest{URL: redirector.URL}); err != nil {
		t.Errorf("AllowPrivate client: %v", err)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2024, 3, 5, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"120", 2 * time.Minute},
		{"Tue, 05 Mar 2024 13:00:00 GMT", time.Hour},
		{"Tue, 05 Mar 2024 11:00:00 GMT", 0},
		{"soon", 0},
		{"", 0},
		{"-5", 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.in, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<rss/>")) })
	mux.Handle("/301", http.RedirectHandler("/feed", http.StatusMovedPermanently))
	mux.Handle("/308", http.RedirectHandler("/feed", http.StatusPermanentRedirect))
	mux.Handle("/302", http.RedirectHandler("/feed", http.StatusFound))
	mux.Handle("/307", http.RedirectHandler("/feed", http.StatusTemporaryRedirect))
	mux.Handle("/301-then-302", http.RedirectHandler("/302", http.StatusMovedPermanently))
	mux.Handle("/301-then-301", http.RedirectHandler("/301", http.StatusMovedPermanently))
	ts := httptest.NewServer(mux)
	defer ts.Close()
	c := New(Options{AllowPrivate: true})
	tests := []struct {
		path      string
		permanent bool
	}{
		{"/feed", false}, {"/301", true}, {"/308", true}, {"/302", false}, {"/307", false},
		{"/301-then-302", false}, {"/301-then-301", true},
	}
	for _, tt := range tests {
		res, err := c.Fetch(context.Background(), aggregator.FetchRequest{URL: ts.URL + tt.path})
		if err != nil {
			t.Fatalf("Fetch(%s): %v", tt.path, err)
		}
		want := ""
		if tt.permanent {
			want = ts.URL + "/feed"
		}
		if res.PermanentURL != want || res.URL != ts.URL+"/feed" {
			t.Errorf("Fetch(%s) PermanentURL = %q, URL = %q; want %q, %q", tt.path, res.PermanentURL, res.URL, want, ts.URL+"/feed")
		}
	}
}

func TestFreshness(t *testing.T) {
	now := time.Date(2024, 3, 5, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"max-age", http.Header{"Cache-Control": {"public, max-age=3600"}}, time.Hour},
		{"max-age beats expires", http.Header{"Cache-Control": {"max-age=60"}, "Expires": {"Tue, 05 Mar 2024 14:00:00 GMT"}}, time.Minute},
		{"no-cache", http.Header{"Cache-Control": {"no-cache, max-age=3600"}}, 0},
		{"expires less date", http.Header{"Expires": {"Tue, 05 Mar 2024 14:00:00 GMT"}, "Date": {"Tue, 05 Mar 2024 13:00:00 GMT"}}, time.Hour},
		{"expires less now", http.Header{"Expires": {"Tue, 05 Mar 2024 12:30:00 GMT"}}, 30 * time.Minute},
		{"expired", http.Header{"Expires": {"Tue, 05 Mar 2024 11:00:00 GMT"}}, 0},
		{"expires garbage", http.Header{"Expires": {"0"}}, 0},
		{"none", http.Header{}, 0},
	}
	for _, tt := range tests {
		if got := freshness(tt.header, now); got != tt.want {
			t.Errorf("freshness(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestKeepAlivePerHost sends rounds of PerHost requests at once to one
// host: after the first round they all reuse kept-alive connections, so
// the upstream sees no more connections than requests run at once.
func TestKeepAlivePerHost(t *testing.T) {
	const perHost, rounds = 8, 3
	var mu sync.Mutex
	opened := 0
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond) // keep each round's requests overlapping
		w.Header().Set("ETag", `"x"`)
		w.WriteHeader(http.StatusNotModified)
	}))
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			opened++
			mu.Unlock()
		}
	}
	ts.Start()
	defer ts.Close()
	c := New(Options{AllowPrivate: true, PerHost: perHost})
	for range rounds {
		var wg sync.WaitGroup
		for range perHost {
			wg.Go(func() {
				if _, err := c.Fetch(context.Background(), aggregator.FetchRequest{URL: ts.URL, ETag: `"x"`}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		time.Sleep(50 * time.Millisecond) // connections go back to the pool just after their response
	}
	mu.Lock()
	defer mu.Unlock()
	if opened > perHost {
		t.Errorf("%d rounds of %d requests opened %d connections, want at most %d", rounds, perHost, opened, perHost)
	}
}

// TestBodiesAreTheirOwn fetches bodies of falling and rising sizes, some
// at once: each must come back whole and stay as it came once the
// buffer it was read into serves the next fetch.
func TestBodiesAreTheirOwn(t *testing.T) {
	body := func(n int) []byte { return bytes.Repeat([]byte{byte('a' + n%26)}, n*997) }
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(strings.TrimPrefix(r.URL.Path, "/"), &n)
		w.Write(body(n))
	}))
	defer ts.Close()
	c := New(Options{AllowPrivate: true})
	sizes := []int{64, 1, 30, 0, 2, 1100, 3, 64}
	got := make([][]byte, len(sizes))
	var wg sync.WaitGroup
	for i, n := range sizes {
		wg.Go(func() {
			res, err := c.Fetch(context.Background(), aggregator.FetchRequest{URL: fmt.Sprintf("%s/%d", ts.URL, n)})
			if err != nil {
				t.Error(err)
				return
			}
			got[i] = res.Body
		})
		if i%2 == 1 {
			wg.Wait() // some in turn, some at once
		}
	}
	wg.Wait()
	for i, n := range sizes {
		if !bytes.Equal(got[i], body(n)) {
			t.Errorf("body of %d bytes: got %d bytes (%.20q…)", n*997, len(got[i]), got[i])
		}
	}
}
