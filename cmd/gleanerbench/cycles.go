package main

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// cycle is one measured poll of every feed.
type cycle struct {
	Name      string
	Use       processUse
	Requests  int64
	Status    map[string]int64
	Bytes     int64
	NewItems  int   // entries the cycle added
	Expected  int   // entries the farm says it added
	DBSize    int64 // after the cycle
	Baseline  time.Duration
	Feeds     int
	ItemsSeen int        // items in the documents fetched (not 304)
	Store     storeFacts // after the cycle
}

// pollCycle runs `gleaner poll` once over every source and measures it
// against a bare fetch of the same feeds.
func (b *bench) pollCycle(ctx context.Context, name string, expectNew int) (cycle, error) {
	c := cycle{Name: name, Feeds: b.o.feeds, Expected: expectNew}
	run, err := b.pollOnce(ctx, name == "cold")
	c.Use = run.Use
	if err != nil {
		return c, err
	}
	c.Requests, c.Status, c.Bytes = run.Farm.Requests, run.Farm.Status, run.Farm.Bytes
	c.NewItems, c.DBSize, c.Store = run.added(), run.After.Size, run.After
	for _, line := range strings.Split(c.Use.Output, "\n") {
		if i := strings.Index(line, "items="); i >= 0 {
			var n int
			fmt.Sscanf(line[i:], "items=%d", &n)
			c.ItemsSeen += n
		}
	}
	c.Baseline, err = b.bareFetch(ctx, name != "cold")
	return c, err
}

// pollRun is one `gleaner poll`: what it cost, what the farm answered,
// and the store before and after it.
type pollRun struct {
	Use           processUse
	Farm          farmStats
	Before, After storeFacts
}

func (r pollRun) added() int { return r.After.Entries - r.Before.Entries }

// pollOnce runs `gleaner poll` once; before a first poll (fresh) there
// is no store yet to count.
func (b *bench) pollOnce(ctx context.Context, fresh bool) (pollRun, error) {
	var r pollRun
	var err error
	if r.Before, err = b.dbFacts(ctx, b.config); err != nil && !fresh {
		return r, err
	}
	if err := b.farmPost(ctx, "/-/reset-stats"); err != nil {
		return r, err
	}
	if r.Use, err = b.runGleaner(ctx, "poll"); err != nil {
		return r, err
	}
	if r.Farm, err = b.stats(ctx); err != nil {
		return r, err
	}
	r.After, err = b.dbFacts(ctx, b.config)
	return r, err
}

// feedURLs reads the farm's OPML.
func (b *bench) feedURLs() ([]string, error) {
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(b.config), "feeds.opml"))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Outlines []struct {
			URL      string `xml:"xmlUrl,attr"`
			Children []struct {
				URL string `xml:"xmlUrl,attr"`
			} `xml:"outline"`
		} `xml:"body>outline"`
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("feeds.opml: %w", err)
	}
	var urls []string
	for _, o := range doc.Outlines {
		if o.URL != "" {
			urls = append(urls, o.URL)
		}
		for _, c := range o.Children {
			if c.URL != "" {
				urls = append(urls, c.URL)
			}
		}
	}
	return urls, nil
}

// bareFetch is the baseline: every feed fetched with 32 connections and
// read to the end, conditionally when asked, and nothing else done.
func (b *bench) bareFetch(ctx context.Context, conditional bool) (time.Duration, error) {
	urls, err := b.feedURLs()
	if err != nil {
		return 0, err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	defer client.CloseIdleConnections()
	etags := make([]string, len(urls))
	fetchAll := func(useETags bool) error {
		work := make(chan int)
		var wg sync.WaitGroup
		var firstErr error
		var mu sync.Mutex
		for range 32 {
			wg.Go(func() {
				for i := range work {
					req, _ := http.NewRequestWithContext(ctx, http.MethodGet, urls[i], nil)
					if useETags && etags[i] != "" {
						req.Header.Set("If-None-Match", etags[i])
					}
					resp, err := client.Do(req)
					if err != nil {
						mu.Lock()
						firstErr = err
						mu.Unlock()
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					etags[i] = resp.Header.Get("ETag")
				}
			})
		}
		for i := range urls {
			work <- i
		}
		close(work)
		wg.Wait()
		return firstErr
	}
	if conditional {
		if err := fetchAll(false); err != nil { // learn the validators, untimed
			return 0, err
		}
	}
	start := time.Now()
	err = fetchAll(conditional)
	return time.Since(start), err
}
