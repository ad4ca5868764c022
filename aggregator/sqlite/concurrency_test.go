package sqlite_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// TestConcurrentSaveAndRead has 8 writers save 50 polls each, one new
// entry per poll, while 4 readers list items: no call may fail (no
// SQLITE_BUSY) and every entry must be stored.
func TestConcurrentSaveAndRead(t *testing.T) {
	const writers, polls, readers = 8, 50, 4
	db, _ := open(t)
	ctx := t.Context()

	var (
		writing sync.WaitGroup
		reading sync.WaitGroup
		done    = make(chan struct{})
		reads   atomic.Int64
		errs    = make(chan error, writers*polls+readers)
	)
	for w := range writers {
		writing.Go(func() {
			src := source(fmt.Sprintf("writer-%d", w))
			for i := range polls {
				e := entry(src.Name, fmt.Sprintf("https://example.org/%d/%d", w, i), fmt.Sprintf("w%d-%d", w, i), i, "concurrent")
				rec := aggregator.FetchRecord{
					Source: src, Entries: []aggregator.Entry{e},
					State: aggregator.SourceState{URL: src.URL, ETag: fmt.Sprintf(`"%d"`, i),
						Health: aggregator.Health{LastSuccess: base.Add(time.Duration(i) * time.Minute)}},
					Now: base.Add(time.Duration(i) * time.Minute),
				}
				res, err := db.Save(ctx, rec)
				if err != nil {
					errs <- fmt.Errorf("writer %d poll %d: %w", w, i, err)
					return
				}
				if res.New != 1 {
					errs <- fmt.Errorf("writer %d poll %d: Save = %+v, want New 1", w, i, res)
				}
			}
		})
	}
	for r := range readers {
		reading.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				q := aggregator.ItemQuery{Limit: 100}
				if r%2 == 1 {
					q.Tags = []string{"concurrent"}
				}
				if _, err := db.Items(ctx, q); err != nil {
					errs <- fmt.Errorf("reader %d: %w", r, err)
					return
				}
				if _, err := db.Version(ctx); err != nil {
					errs <- fmt.Errorf("reader %d: %w", r, err)
					return
				}
				reads.Add(1)
			}
		})
	}
	writing.Wait()
	close(done)
	reading.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d reads during %d saves", reads.Load(), writers*polls)

	got := items(t, db, aggregator.ItemQuery{Limit: 1000})
	if len(got) != writers*polls {
		t.Errorf("Items = %d, want %d", len(got), writers*polls)
	}
	seen := map[string]bool{}
	for _, it := range got {
		seen[it.Title] = true
		if len(it.Sources) != 1 || len(it.Tags) != 1 {
			t.Errorf("item %q: sources %+v, tags %q; want one of each", it.Title, it.Sources, it.Tags)
		}
	}
	for w := range writers {
		for i := range polls {
			if title := fmt.Sprintf("w%d-%d", w, i); !seen[title] {
				t.Errorf("entry %s missing", title)
			}
		}
		st, err := db.SourceState(ctx, fmt.Sprintf("writer-%d", w))
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf(`"%d"`, polls-1); st.ETag != want {
			t.Errorf("writer-%d ETag = %s, want %s (the last poll's)", w, st.ETag, want)
		}
	}
	// Saves that meet at the writer share a transaction (group commit),
	// and the version grows once per transaction that changed items.
	if v := version(t, db); v < 1 || v > writers*polls {
		t.Errorf("Version = %d, want between 1 and %d", v, writers*polls)
	}
}
