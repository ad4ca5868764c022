package aggregator_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/aggregator/fetch"
	"github.com/gleaner/gleaner/aggregator/sqlite"
	"github.com/gleaner/gleaner/feeds"
)

// TestPollsShareOneTurnWithReaders: with feed readers about and one
// turn of CPU, parsing, merge planning and the store's writes of many
// concurrent polls take turns, and every poll completes and stores its
// items: no poll waits for a turn another holds while waiting for it.
func TestPollsShareOneTurnWithReaders(t *testing.T) {
	const sources, perFeed = 24, 5
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var items []string
		for i := range perFeed {
			id := fmt.Sprintf("%s-%d", strings.Trim(r.URL.Path, "/"), i)
			items = append(items, fmt.Sprintf(itemXML, "Story "+id, id, id, "Text of "+id))
		}
		w.Write([]byte(rssOf(items...)))
	}))
	defer ts.Close()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tagger, _ := aggregator.NewTagger(aggregator.TaggerOptions{})
	readers := &aggregator.Readers{}
	p := &aggregator.Poller{Store: db, Fetcher: fetch.New(fetch.Options{AllowPrivate: true, PerHost: 8}),
		Parser: feeds.NewParser(), Tagger: tagger, CPU: 1, Readers: readers}
	var turns, held, most atomic.Int64
	db.ShareCPU(func(ctx context.Context) (func(), error) {
		release, err := p.ShareCPU(ctx)
		if err != nil {
			return nil, err
		}
		turns.Add(1)
		n := held.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		return func() { held.Add(-1); release() }, nil
	})

	stop := make(chan struct{})
	var keepReading sync.WaitGroup
	keepReading.Go(func() { // a feed reader, all along
		for {
			readers.Served()
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	})
	var polls sync.WaitGroup
	results := make([]aggregator.PollResult, sources)
	for i := range sources {
		polls.Go(func() {
			src := aggregator.Source{Name: fmt.Sprintf("s%02d", i), URL: fmt.Sprintf("%s/s%02d", ts.URL, i),
				Schedule: aggregator.MustParseSchedule("@hourly")}
			results[i] = p.Poll(context.Background(), src)
		})
	}
	polls.Wait()
	close(stop)
	keepReading.Wait()

	for _, res := range results {
		if res.Err != nil || res.New != perFeed {
			t.Errorf("poll of %s = %+v, want %d new entries", res.Source, res, perFeed)
		}
	}
	items, err := db.Items(context.Background(), aggregator.ItemQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != sources*perFeed {
		t.Errorf("%d items stored, want %d", len(items), sources*perFeed)
	}
	// Each poll planned its merges in a turn, and the writes took at
	// least one more; never two at once, with one turn.
	if n := turns.Load(); n < sources+1 {
		t.Errorf("the store took %d turns for %d polls, want one per poll's planning and more for its writes", n, sources)
	}
	if m := most.Load(); m != 1 {
		t.Errorf("the store held %d turns at once, with one to share", m)
	}
	if h := held.Load(); h != 0 {
		t.Errorf("%d turns never given back", h)
	}
}
