package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/cmd/feedfarm/farm"
	"github.com/gleaner/gleaner/feeds"
)

// The key-sharing test (-keys-of DIR) holds the farm's wording against
// real feeds': how many entries share each sketch key, the eight smallest
// shingle hashes by which merging finds candidate copies. Keys shared by
// many unrelated entries make every lookup walk longer lists, so a farm
// whose stories share more of their wording than real ones do makes
// merging's work grow faster with the feeds than real feeds would.

// sharingBounds are the list sizes keySharing counts the rows above.
var sharingBounds = [...]int{10, 100, 1000}

// keySharing sums up how many entries share each sketch key.
type keySharing struct {
	Entries  int // entries with a sketch
	Rows     int // their sketch keys, one row for each key of each entry
	Distinct int
	Over     [len(sharingBounds)]int // rows under keys of more than sharingBounds entries
	Largest  int                     // entries under the most shared key
}

// keyCounter counts the entries under each sketch key.
type keyCounter struct {
	entries int
	counts  map[uint64]int
}

func (c *keyCounter) add(sketch []uint64) {
	if len(sketch) == 0 {
		return
	}
	if c.counts == nil {
		c.counts = map[uint64]int{}
	}
	c.entries++
	for _, k := range sketch {
		c.counts[k]++
	}
}

func (c *keyCounter) sharing() keySharing {
	s := keySharing{Entries: c.entries, Distinct: len(c.counts)}
	for _, n := range c.counts {
		s.Rows += n
		s.Largest = max(s.Largest, n)
		for i, bound := range sharingBounds {
			if n > bound {
				s.Over[i] += n
			}
		}
	}
	return s
}

// entryCounter counts the sketches of the entries of feed documents as
// gleaner parses them, each entry once by its link (or title, if it has
// no link), up to limit entries (0: no limit).
type entryCounter struct {
	keyCounter
	parser *feeds.Parser
	seen   map[string]bool
	limit  int
}

func newEntryCounter(limit int) *entryCounter {
	return &entryCounter{parser: feeds.NewParser(), seen: map[string]bool{}, limit: limit}
}

func (c *entryCounter) full() bool { return c.limit > 0 && c.entries >= c.limit }

// document counts the entries of one document; one that is not a feed
// counts nothing.
func (c *entryCounter) document(ctx context.Context, body []byte, contentType, url string) {
	f, err := c.parser.Parse(ctx, aggregator.ParseInput{Body: body, ContentType: contentType, URL: url, Source: url,
		Location: time.UTC, Now: time.Now()})
	if err != nil {
		return
	}
	for i := range f.Entries {
		e := &f.Entries[i]
		id := e.Link
		if id == "" {
			id = url + "\n" + e.Title
		}
		if c.seen[id] || c.full() {
			continue
		}
		c.seen[id] = true
		c.add(aggregator.NewFingerprint(e).Sketch)
	}
}

// sharingOfDir counts the entries of every feed file under dir.
func sharingOfDir(ctx context.Context, dir string) (keySharing, error) {
	c := newEntryCounter(0)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		c.document(ctx, body, "", "file://"+filepath.ToSlash(path))
		return ctx.Err()
	})
	if err != nil {
		return keySharing{}, fmt.Errorf("read %s: %w", dir, err)
	}
	return c.sharing(), nil
}

// sharingOfFarm counts the entries of a farm of the given feeds, served
// in this process, up to limit entries (0: every one).
func sharingOfFarm(ctx context.Context, o options, feedCount, limit int) (keySharing, error) {
	opts := farm.Defaults()
	opts.Feeds, opts.Items, opts.Seed = feedCount, o.items, uint64(o.seed)
	f, err := farm.New(ctx, opts)
	if err != nil {
		return keySharing{}, err
	}
	h := f.Handler()
	c := newEntryCounter(limit)
	for _, feed := range f.Feeds() {
		if c.full() {
			break
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, feed.Path, nil))
		if rec.Code != http.StatusOK {
			return keySharing{}, fmt.Errorf("farm %s: status %d", feed.Path, rec.Code)
		}
		c.document(ctx, rec.Body.Bytes(), rec.Header().Get("Content-Type"), "http://farm.test"+feed.Path)
	}
	return c.sharing(), nil
}

// keySharingReport is the key-sharing test's rows.
type keySharingReport struct {
	machine string
	rows    []keySharingRow
}

type keySharingRow struct {
	what string
	keySharing
}

// keysOf measures the real feeds under dir, the farm with as many
// entries, and the farm of -feeds.
func keysOf(ctx context.Context, o options, dir string) (*keySharingReport, error) {
	corpus, err := sharingOfDir(ctx, dir)
	if err != nil {
		return nil, err
	}
	if corpus.Entries == 0 {
		return nil, fmt.Errorf("-keys-of %s: no feed entries there", dir)
	}
	r := &keySharingReport{machine: machine(), rows: []keySharingRow{{"the feeds under " + dir, corpus}}}
	few := (corpus.Entries + o.items - 1) / o.items
	same, err := sharingOfFarm(ctx, o, few, corpus.Entries)
	if err != nil {
		return nil, err
	}
	r.rows = append(r.rows, keySharingRow{fmt.Sprintf("the farm's first %d entries", same.Entries), same})
	if o.feeds > few {
		all, err := sharingOfFarm(ctx, o, o.feeds, 0)
		if err != nil {
			return nil, err
		}
		r.rows = append(r.rows, keySharingRow{fmt.Sprintf("the farm of %d feeds", o.feeds), all})
	}
	return r, nil
}

func (r *keySharingReport) write(w io.Writer) {
	fmt.Fprintln(w, "# gleaner key sharing: how many entries share each sketch key")
	fmt.Fprintf(w, "\nMachine: %s\n\n", r.machine)
	fmt.Fprint(w, "| entries of | entries | sketch keys (rows) | distinct |")
	for _, b := range sharingBounds {
		fmt.Fprintf(w, " rows under keys of more than %d |", b)
	}
	fmt.Fprintln(w, " largest key |")
	fmt.Fprint(w, "|---|---|---|---|")
	for range sharingBounds {
		fmt.Fprint(w, "---|")
	}
	fmt.Fprintln(w, "---|")
	for _, row := range r.rows {
		fmt.Fprintf(w, "| %s | %d | %d | %d |", row.what, row.Entries, row.Rows, row.Distinct)
		for _, n := range row.Over {
			fmt.Fprintf(w, " %.1f %% |", 100*ratio(n, row.Rows))
		}
		fmt.Fprintf(w, " %d entries |\n", row.Largest)
	}
	if len(r.rows) > 1 {
		corpus, same := r.rows[0], r.rows[1]
		fmt.Fprintf(w, "\nAt as many entries, the farm's share of rows under keys of more than %d entries is %.1f× the feeds'.\n",
			sharingBounds[0], ratio(same.Over[0], same.Rows)/ratio(corpus.Over[0], corpus.Rows)) // +Inf when the feeds share none
	}
}
