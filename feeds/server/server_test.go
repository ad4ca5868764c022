package server

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/feeds"
)

// memStore serves fixed items; bumping version stands for a new poll.
type memStore struct {
	mu      sync.Mutex
	items   []aggregator.Item
	version int64
	queries int
	gate    chan struct{} // when set, Items waits for it to close
}

func (m *memStore) Items(_ context.Context, q aggregator.ItemQuery) ([]aggregator.Item, error) {
	if m.gate != nil {
		<-m.gate
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.queries++
	var out []aggregator.Item
	for _, it := range m.items {
		if q.UID != "" && it.UID != q.UID {
			continue
		}
		if len(q.Tags) > 0 && !anyTag(it.Tags, q.Tags) {
			continue
		}
		out = append(out, it)
	}
	return out, nil
}

func anyTag(have, want []string) bool {
	for _, w := range want {
		for _, h := range have {
			if h == w {
				return true
			}
		}
	}
	return false
}

func (m *memStore) Version(context.Context) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.version, nil
}

func (m *memStore) SourceStates(context.Context) ([]aggregator.SourceState, error) {
	return []aggregator.SourceState{{Name: "wire", URL: "https://a.example/feed", Health: aggregator.Health{LastAttempt: time.Now(), Failures: 2, LastError: "upstream answered HTTP 503"}}}, nil
}

func newTestServer(t *testing.T) (*httptest.Server, *memStore, *Server) {
	t.Helper()
	day := time.Date(2024, 3, 5, 8, 0, 0, 0, time.UTC)
	store := &memStore{items: []aggregator.Item{
		{UID: "u1", Title: "Ransomware hits hospital", Link: "https://a.example/1", Published: day, Updated: day, Tags: []string{"cyber-security"},
			Sources: []aggregator.ItemSource{{Name: "wire", Link: "https://a.example/1"}}},
		{UID: "u2", Title: "北京天气", Link: "https://b.example/2", Published: day, Updated: day.Add(time.Hour),
			Sources: []aggregator.ItemSource{{Name: "cn", Link: "https://b.example/2"}, {Name: "cri", Link: "https://cri.example/7", Title: "北京今日天气"}}},
	}}
	srv := New(store, Site{
		BaseURL: "https://news.example.org",
		Outputs: []aggregator.Output{{Name: "cyber", Title: "Cyber", Tags: []string{"cyber-security"}, Limit: 10}, {Name: "all", Limit: 10}},
		Sources: []aggregator.Source{{Name: "wire", URL: "https://a.example/feed"}},
	}, nil)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, store, srv
}

func do(t *testing.T, method, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestFeedResponses(t *testing.T) {
	ts, _, _ := newTestServer(t)
	tests := []struct {
		path        string
		status      int
		contentType string
		contains    string
	}{
		{"/feeds/cyber.rss", 200, "application/rss+xml; charset=utf-8", "<category>cyber-security</category>"},
		{"/feeds/cyber.atom", 200, "application/atom+xml; charset=utf-8", `<category term="cyber-security">`},
		{"/feeds/all.json", 200, "application/feed+json; charset=utf-8", `"title": "北京天气"`},
		{"/feeds/nope.rss", 404, "", ""},
		{"/feeds/all.xml", 404, "", ""},
		{"/feeds/all", 404, "", ""},
		{"/items/u2", 200, "text/html; charset=utf-8", `<h2>Also reported by</h2>
<ul><li><a href="https://cri.example/7">cri</a>: 北京今日天气</li></ul>`},
		{"/items/missing", 404, "", ""},
		{"/healthz", 200, "text/plain; charset=utf-8", "ok"},
		{"/", 200, "text/html; charset=utf-8", `<link rel="alternate" type="application/atom+xml" title="Cyber (Atom)" href="https://news.example.org/feeds/cyber.atom">`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := do(t, "GET", ts.URL+tt.path, nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET %s = %d, want %d", tt.path, resp.StatusCode, tt.status)
			}
			if tt.contentType != "" && resp.Header.Get("Content-Type") != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", resp.Header.Get("Content-Type"), tt.contentType)
			}
			if !strings.Contains(body, tt.contains) {
				t.Errorf("GET %s body lacks %q:\n%s", tt.path, tt.contains, body)
			}
		})
	}
	if _, body := do(t, "GET", ts.URL+"/", nil); !strings.Contains(body, "upstream answered HTTP 503") || !strings.Contains(body, "<td>failing</td>") {
		t.Error("index does not show the failing source's error")
	}
}

func TestConditionalAndCache(t *testing.T) {
	ts, store, srv := newTestServer(t)
	url := ts.URL + "/feeds/all.atom"
	resp, body := do(t, "GET", url, nil)
	etag, lastMod := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if etag == "" || lastMod != "Tue, 05 Mar 2024 09:00:00 GMT" {
		t.Fatalf("ETag %q, Last-Modified %q; want an ETag and the newest item's update", etag, lastMod)
	}
	if r, b := do(t, "GET", url, map[string]string{"If-None-Match": etag}); r.StatusCode != 304 || b != "" {
		t.Errorf("If-None-Match: %d with %d bytes, want 304 and no body", r.StatusCode, len(b))
	}
	if r, _ := do(t, "GET", url, map[string]string{"If-Modified-Since": lastMod}); r.StatusCode != 304 {
		t.Errorf("If-Modified-Since: %d, want 304", r.StatusCode)
	}
	if r, b := do(t, "HEAD", url, nil); r.StatusCode != 200 || b != "" || r.Header.Get("ETag") != etag {
		t.Errorf("HEAD: %d, %d bytes, ETag %q", r.StatusCode, len(b), r.Header.Get("ETag"))
	}
	queries := store.queries
	do(t, "GET", url, nil)
	if store.queries != queries {
		t.Errorf("an unchanged store was queried again (%d → %d): the rendering is not cached", queries, store.queries)
	}

	// A poll changed the store: within moments (the version is read at
	// most every versionTTL, and the feed re-rendered in the background)
	// requests get the new rendering.
	store.mu.Lock()
	store.items[0].Title = "Ransomware hits two hospitals"
	store.items[0].Updated = store.items[0].Updated.Add(3 * time.Hour)
	store.version++
	store.mu.Unlock()
	var resp2 *http.Response
	var body2 string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp2, body2 = do(t, "GET", url, map[string]string{"If-None-Match": etag}); resp2.StatusCode == 200 {
			break
		}
	}
	if resp2.StatusCode != 200 || resp2.Header.Get("ETag") == etag || body2 == body || !strings.Contains(body2, "two hospitals") {
		t.Errorf("after a change: %d, ETag %q (was %q); want 200 with new content", resp2.StatusCode, resp2.Header.Get("ETag"), etag)
	}

	// The rendering the server caches is what Render returns.
	site := srv.currentSite()
	r, err := Render(context.Background(), store, site, "all", feeds.Atom)
	if err != nil || string(r.Body) != body2 {
		t.Errorf("Render differs from the served body (err %v)", err)
	}
}

func TestSetSiteDropsCache(t *testing.T) {
	ts, _, srv := newTestServer(t)
	do(t, "GET", ts.URL+"/feeds/all.rss", nil)
	srv.SetSite(Site{BaseURL: "https://other.example", Outputs: []aggregator.Output{{Name: "all", Title: "Renamed", Limit: 5}}})
	_, body := do(t, "GET", ts.URL+"/feeds/all.rss", nil)
	if !strings.Contains(body, "<title>Renamed</title>") || !strings.Contains(body, "https://other.example/feeds/all.rss") {
		t.Errorf("after SetSite the old rendering is still served:\n%s", body)
	}
	if r, _ := do(t, "GET", ts.URL+"/feeds/cyber.rss", nil); r.StatusCode != 404 {
		t.Errorf("a removed output answers %d, want 404", r.StatusCode)
	}
}

func TestGzip(t *testing.T) {
	ts, store, _ := newTestServer(t)
	day := time.Date(2024, 3, 6, 8, 0, 0, 0, time.UTC)
	for i := range 20 { // enough text to be worth compressing
		uid := fmt.Sprintf("bulk%d", i)
		store.items = append(store.items, aggregator.Item{UID: uid, Title: "Patch Tuesday fixes " + uid, Link: "https://a.example/" + uid,
			Published: day, Updated: day, Sources: []aggregator.ItemSource{{Name: "wire", Link: "https://a.example/" + uid}}})
	}
	url := ts.URL + "/feeds/all.atom"
	_, plain := do(t, "GET", url, map[string]string{"Accept-Encoding": "identity"})
	tests := []struct {
		acceptEncoding string
		gzipped        bool
	}{
		{"gzip", true},
		{"br, gzip;q=0.8", true},
		{"*", true},
		{"x-gzip", true},
		{"identity", false},
		{"gzip;q=0", false},
		{"gzip; q=0.000, *", false},
		{"br", false},
	}
	for _, tt := range tests {
		t.Run(tt.acceptEncoding, func(t *testing.T) {
			resp, body := do(t, "GET", url, map[string]string{"Accept-Encoding": tt.acceptEncoding})
			if resp.Header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("Vary = %q, want Accept-Encoding", resp.Header.Get("Vary"))
			}
			if got := resp.Header.Get("Content-Encoding") == "gzip"; got != tt.gzipped {
				t.Fatalf("Content-Encoding %q, want gzip: %v", resp.Header.Get("Content-Encoding"), tt.gzipped)
			}
			if !tt.gzipped {
				if body != plain {
					t.Error("identity body differs")
				}
				return
			}
			zr, err := gzip.NewReader(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			unzipped, err := io.ReadAll(zr)
			if err != nil || string(unzipped) != plain {
				t.Errorf("gunzipped body differs from the plain one (err %v)", err)
			}
			if len(body) >= len(plain) {
				t.Errorf("gzip body %d bytes, plain %d", len(body), len(plain))
			}
			// Either variant's tag revalidates the gzip variant.
			strong := strings.TrimPrefix(resp.Header.Get("ETag"), "W/")
			for _, tag := range []string{strong, resp.Header.Get("ETag")} {
				if r, _ := do(t, "GET", url, map[string]string{"Accept-Encoding": tt.acceptEncoding, "If-None-Match": tag}); r.StatusCode != 304 {
					t.Errorf("If-None-Match %s: %d, want 304", tag, r.StatusCode)
				}
			}
		})
	}
}

func TestServeBytes(t *testing.T) {
	body := []byte(strings.Repeat("<item/>", 100))
	modified := time.Date(2026, 11, 28, 12, 0, 0, 500e6, time.UTC)
	const etag = `"abc123"`
	atModified := modified.Format(http.TimeFormat)
	before := modified.Add(-time.Hour).Format(http.TimeFormat)
	tests := []struct {
		name     string
		method   string
		header   map[string]string
		status   int
		bodyLen  int
		lastMod  bool // Last-Modified is sent
		typeSent bool // Content-Type is sent
	}{
		{"plain GET", "GET", nil, 200, len(body), true, true},
		{"HEAD", "HEAD", nil, 200, 0, true, true},
		{"matching tag", "GET", map[string]string{"If-None-Match": etag}, 304, 0, false, false},
		{"weak form of the tag", "GET", map[string]string{"If-None-Match": `W/"abc123"`}, 304, 0, false, false},
		{"tag in a list", "GET", map[string]string{"If-None-Match": `"zzz", "abc123"`}, 304, 0, false, false},
		{"any tag", "GET", map[string]string{"If-None-Match": `*`}, 304, 0, false, false},
		{"other tag", "GET", map[string]string{"If-None-Match": `"zzz"`}, 200, len(body), true, true},
		{"tag decides over date", "GET", map[string]string{"If-None-Match": `"zzz"`, "If-Modified-Since": atModified}, 200, len(body), true, true},
		{"date at the second", "GET", map[string]string{"If-Modified-Since": atModified}, 304, 0, false, false},
		{"older date", "GET", map[string]string{"If-Modified-Since": before}, 200, len(body), true, true},
		{"unreadable date", "GET", map[string]string{"If-Modified-Since": "yesterday"}, 200, len(body), true, true},
		{"range", "GET", map[string]string{"Range": "bytes=0-6"}, 206, 7, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/feeds/all.rss", nil)
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			w.Header().Set("ETag", etag)
			w.Header().Set("Content-Type", "application/rss+xml")
			serveBytes(w, r, body, modified)
			if w.Code != tt.status || w.Body.Len() != tt.bodyLen {
				t.Fatalf("%d with %d bytes, want %d with %d", w.Code, w.Body.Len(), tt.status, tt.bodyLen)
			}
			if got := w.Header().Get("Last-Modified") != ""; got != tt.lastMod {
				t.Errorf("Last-Modified sent: %v, want %v", got, tt.lastMod)
			}
			if got := w.Header().Get("Content-Type") != ""; got != tt.typeSent {
				t.Errorf("Content-Type sent: %v, want %v", got, tt.typeSent)
			}
			if w.Header().Get("ETag") != etag {
				t.Errorf("ETag %q, want %q", w.Header().Get("ETag"), etag)
			}
			if tt.status == 200 && w.Header().Get("Content-Length") != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length %q, want %d", w.Header().Get("Content-Length"), len(body))
			}
		})
	}
}

func TestFirstRenderShared(t *testing.T) {
	ts, store, _ := newTestServer(t)
	store.gate = make(chan struct{})
	const clients = 16
	bodies := make(chan string, clients)
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			resp, body := do(t, "GET", ts.URL+"/feeds/all.rss", nil)
			if resp.StatusCode != 200 {
				t.Errorf("status %d", resp.StatusCode)
			}
			bodies <- body
		})
	}
	// Let every request reach the server before the first render ends.
	time.Sleep(200 * time.Millisecond)
	close(store.gate)
	wg.Wait()
	close(bodies)
	first := <-bodies
	for b := range bodies {
		if b != first {
			t.Fatal("clients got different bodies")
		}
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	if store.queries != 1 {
		t.Errorf("%d concurrent first requests rendered %d times, want once", clients, store.queries)
	}
}
