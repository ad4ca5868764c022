package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// hub records the publish requests it gets.
type hub struct {
	mu       sync.Mutex
	requests []url.Values
	status   int
}

func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	h.mu.Lock()
	h.requests = append(h.requests, r.PostForm)
	status := h.status
	h.mu.Unlock()
	w.WriteHeader(status)
}

func (h *hub) got() []url.Values {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.requests)
}

func TestPublisher(t *testing.T) {
	good, bad := &hub{status: http.StatusNoContent}, &hub{status: http.StatusInternalServerError}
	goodSrv, badSrv := httptest.NewServer(good), httptest.NewServer(bad)
	defer goodSrv.Close()
	defer badSrv.Close()
	site := Site{BaseURL: "https://news.example.org", Hubs: []string{badSrv.URL, goodSrv.URL},
		Outputs: []aggregator.Output{{Name: "all"}, {Name: "cyber"}}}

	p := NewPublisher(slog.New(slog.DiscardHandler))
	p.Interval = 200 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx, func() Site { return site }); close(done) }()

	p.Changed()
	waitUntil(t, func() bool { return len(good.got()) == 1 })
	// Changes within the interval are gathered into one announcement.
	p.Changed()
	p.Changed()
	p.Changed()
	waitUntil(t, func() bool { return len(good.got()) == 2 })
	time.Sleep(300 * time.Millisecond)
	cancel()
	<-done

	reqs := good.got()
	if len(reqs) != 2 {
		t.Fatalf("hub got %d publish requests, want 2 (one per interval)", len(reqs))
	}
	want := []string{
		"https://news.example.org/feeds/all.rss", "https://news.example.org/feeds/all.atom", "https://news.example.org/feeds/all.json",
		"https://news.example.org/feeds/cyber.rss", "https://news.example.org/feeds/cyber.atom", "https://news.example.org/feeds/cyber.json",
	}
	if f := reqs[0]; f.Get("hub.mode") != "publish" || !slices.Equal(f["hub.url"], want) || !slices.Equal(f["hub.topic"], want) {
		t.Errorf("publish request = %v, want hub.mode=publish and every output's feeds", f)
	}
	if len(bad.got()) != 2 {
		t.Errorf("a failing hub got %d requests, want 2: its failures must not stop the others or later ones", len(bad.got()))
	}
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met within 5s")
}
