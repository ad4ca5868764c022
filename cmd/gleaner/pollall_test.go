package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator/config"
)

// TestPollAll polls more sources than may run at once against an
// upstream that counts the requests in flight: every source is polled
// once, its result lands in its own place, and no more than the
// configured concurrency ever runs together (and that many do).
func TestPollAll(t *testing.T) {
	tests := []struct {
		sources, concurrency int
	}{
		{25, 3},
		{5, 8}, // fewer sources than workers
		{7, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d sources at %d", tt.sources, tt.concurrency), func(t *testing.T) {
			want := min(tt.concurrency, tt.sources)
			var (
				mu             sync.Mutex
				inFlight, peak int
				hits           = map[string]int{}
				full           = make(chan struct{}) // closed once want requests were in flight together
			)
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				inFlight++
				if inFlight > peak {
					if peak = inFlight; peak == want {
						close(full)
					}
				}
				hits[r.URL.Path]++
				mu.Unlock()
				// Held until the workers that should run together have come
				// (on a loaded machine they may start late), then a while
				// more, for one too many to show.
				select {
				case <-full:
				case <-time.After(5 * time.Second):
				}
				time.Sleep(30 * time.Millisecond)
				mu.Lock()
				inFlight--
				mu.Unlock()
				id := strings.TrimPrefix(r.URL.Path, "/")
				fmt.Fprintf(w, goodRSS, "Story "+id, id, id)
			}))
			defer ts.Close()

			names := make([]string, tt.sources)
			for i := range names {
				names[i] = fmt.Sprintf("s%02d", i)
			}
			a, c := openPolling(t, fmt.Sprintf("concurrency: %d", tt.concurrency), ts.URL, names)
			defer a.Close()

			results := pollAll(context.Background(), a.poll, c.Sources, c.Poll.Concurrency)
			mu.Lock() // the handlers are done, but a reply is no lock the race detector knows
			defer mu.Unlock()
			if len(results) != tt.sources {
				t.Fatalf("%d results for %d sources", len(results), tt.sources)
			}
			for i, r := range results {
				want := fmt.Sprintf("s%02d", i)
				if r.Source != want || r.Err != nil || r.New != 1 {
					t.Errorf("result %d: source %q, err %v, new %d; want %s, no error, 1 new", i, r.Source, r.Err, r.New, want)
				}
				if hits["/"+want] != 1 {
					t.Errorf("%s fetched %d times, want once", want, hits["/"+want])
				}
			}
			if peak != want {
				t.Errorf("at most %d requests in flight, want %d", peak, want)
			}
		})
	}
}

// openPolling writes a configuration of one source per name, each at
// base/name, with the given poll settings (lines of YAML) besides those
// that let it poll a loopback upstream at once, and opens the app it
// describes on a database of its own.
func openPolling(t *testing.T, poll, base string, names []string) (*app, *config.Config) {
	t.Helper()
	var cfg strings.Builder
	cfg.WriteString("database: gleaner.db\npoll:\n  schedule: \"@every 15m\"\n  per_host: 64\n  host_interval: 0s\n  allow_networks: [127.0.0.1/32]\n")
	for line := range strings.Lines(poll) {
		fmt.Fprintf(&cfg, "  %s\n", strings.TrimSpace(line))
	}
	cfg.WriteString("sources:\n")
	for _, name := range names {
		fmt.Fprintf(&cfg, "  - name: %s\n    url: %s/%s\n", name, base, name)
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(context.Background(), c, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return a, c
}
