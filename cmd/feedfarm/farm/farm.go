// Package farm is a reproducible feed farm: it generates N synthetic news
// feeds (RSS 2.0, Atom 1.0 and JSON Feed 1.1; English and Chinese, some
// in GB2312) deterministically from a seed, advances them round by round,
// and serves them over HTTP with validators, gzip and optional faults, for
// gleaner's benchmarks.
//
// Every body is computed when its round starts, so serving a request
// costs a map lookup and a write. The package imports nothing of gleaner.
package farm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a farm; Defaults returns the usual values.
type Options struct {
	Feeds  int     // number of feeds
	Items  int     // entries per feed
	Seed   uint64  // same seed, same feeds
	Change float64 // share of the feeds that gain entries in each round
	New    int     // entries a changed feed gains
	Faults Faults  // shares of misbehaving feeds
	Slow   time.Duration
	// Workers render feeds in parallel; 0 means GOMAXPROCS.
	Workers int
	// Log receives round changes; nil discards them.
	Log *slog.Logger
}

// Faults are the shares of the feeds that misbehave; a feed has at most
// one fault.
type Faults struct {
	Slow        float64 // answer after Options.Slow
	ServerError float64 // answer 500
	TooMany     float64 // answer 429 with Retry-After: 60
}

// Defaults returns the options of a farm of 600 feeds of 40 entries.
func Defaults() Options {
	return Options{Feeds: 600, Items: 40, Seed: 1, Change: 0.10, New: 5, Slow: 2 * time.Second}
}

// Validate reports every problem of o at once.
func (o *Options) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(o.Feeds >= 1 && o.Feeds <= 1_000_000, "feeds %d: want 1 to 1000000", o.Feeds)
	check(o.Items >= 1 && o.Items <= 10_000, "items %d: want 1 to 10000", o.Items)
	check(o.Change >= 0 && o.Change <= 1, "change %g: want a share from 0 to 1", o.Change)
	check(o.New >= 0 && o.New <= o.Items, "new %d: want 0 to items (%d)", o.New, o.Items)
	f := o.Faults
	check(f.Slow >= 0 && f.ServerError >= 0 && f.TooMany >= 0 && f.Slow+f.ServerError+f.TooMany <= 1,
		"faults %g+%g+%g: want shares from 0 that add up to at most 1", f.Slow, f.ServerError, f.TooMany)
	check(o.Slow >= 0, "slow %v: want a duration of 0 or more", o.Slow)
	check(o.Workers >= 0, "workers %d: want 0 or more", o.Workers)
	return errors.Join(errs...)
}

// Feed describes one served feed.
type Feed struct {
	Name    string // feed-0001
	Title   string // the outlet's name
	Site    string // the outlet's home page
	Path    string // where the farm serves it: /feeds/feed-0001.xml
	Format  Format
	Chinese bool
	GB2312  bool
	Fault   Fault
}

// Farm is a set of feeds and their current round. It is safe for
// concurrent use.
type Farm struct {
	opts   Options
	log    *slog.Logger
	feeds  []Feed
	byName map[string]int

	mu      sync.Mutex // serialises Advance; guards plan and stories
	plan    *plan
	stories map[storyKey]uint64 // every entry served so far: its story

	cur   atomic.Pointer[state]
	stats stats
}

// state is one round's bodies; it never changes once published.
type state struct {
	round  int
	bodies []*body // by feed
}

// New generates round 0 of a farm.
func New(ctx context.Context, o Options) (*Farm, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if o.Workers == 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	p := newPlan(o)
	f := &Farm{opts: o, log: log, plan: p, byName: make(map[string]int, o.Feeds)}
	for i := range p.profiles {
		pr := &p.profiles[i]
		f.feeds = append(f.feeds, Feed{
			Name: pr.name, Title: pr.title, Site: pr.site + "/",
			Path:   "/feeds/" + pr.name + pr.format.Ext(),
			Format: pr.format, Chinese: pr.zh, GB2312: pr.gb2312, Fault: pr.fault,
		})
		f.byName[pr.name] = i
	}
	st := &state{bodies: make([]*body, o.Feeds)}
	f.stories = make(map[storyKey]uint64, o.Feeds*o.Items)
	if err := f.render(ctx, allFeeds(o.Feeds), st.bodies); err != nil {
		return nil, err
	}
	f.fileStories(allFeeds(o.Feeds), st.bodies)
	f.cur.Store(st)
	return f, nil
}

// Feeds lists the farm's feeds in order.
func (f *Farm) Feeds() []Feed { return f.feeds }

// Round is the current round.
func (f *Farm) Round() int { return f.cur.Load().round }

// Bytes is the size of all feeds in the current round, uncompressed and
// compressed.
func (f *Farm) Bytes() (raw, gzipped int64) {
	for _, b := range f.cur.Load().bodies {
		raw += int64(len(b.raw))
		gzipped += int64(len(b.gz))
	}
	return raw, gzipped
}

// Advance starts the next round: share Change of the feeds gain New
// entries at the top and lose as many at the bottom; every other feed
// stays byte for byte as it was. It returns the new round and how many
// feeds changed. Requests are served from the previous round until the
// new one is ready.
func (f *Farm) Advance() (round, changed int, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	start := time.Now()
	prev := f.cur.Load()
	next := &state{round: prev.round + 1, bodies: append([]*body(nil), prev.bodies...)}
	feeds := f.plan.advance(next.round)
	// Rendering cannot fail for generated text; were it to, the plan has
	// moved on and the farm keeps serving the previous round.
	if err := f.render(context.Background(), feeds, next.bodies); err != nil {
		return prev.round, 0, err
	}
	f.fileStories(feeds, next.bodies)
	f.cur.Store(next)
	f.stats.round.reset()
	f.log.Info("round", "round", next.round, "changed", len(feeds), "took", time.Since(start).Round(time.Millisecond))
	return next.round, len(feeds), nil
}

// storyKey names an entry: its feed and link.
type storyKey struct {
	feed int
	link string
}

// fileStories records the stories of the entries of feeds' new bodies,
// which are not published yet. Entries that later drop off the end of a
// feed stay recorded: the aggregator keeps them.
func (f *Farm) fileStories(feeds []int, bodies []*body) {
	for _, i := range feeds {
		for _, r := range bodies[i].stories {
			f.stories[storyKey{i, r.link}] = r.story
		}
		bodies[i].stories = nil
	}
}

// WriteStories writes every entry served so far as a line of tab-separated
// feed name, link and story number, sorted. Entries with the same story
// number are copies of one event, the truth that an aggregator's merging
// is measured against.
func (f *Farm) WriteStories(w io.Writer) error {
	f.mu.Lock()
	keys := slices.Collect(maps.Keys(f.stories))
	slices.SortFunc(keys, func(a, b storyKey) int { return cmp.Or(cmp.Compare(a.feed, b.feed), strings.Compare(a.link, b.link)) })
	var b []byte
	for _, k := range keys {
		b = append(b, f.feeds[k.feed].Name...)
		b = append(b, '\t')
		b = append(b, k.link...)
		b = append(b, '\t')
		b = strconv.AppendUint(b, f.stories[k], 10)
		b = append(b, '\n')
	}
	f.mu.Unlock()
	_, err := w.Write(b)
	return err
}

// render computes the bodies of feeds into bodies, in parallel.
func (f *Farm) render(ctx context.Context, feeds []int, bodies []*body) error {
	workers := min(f.opts.Workers, len(feeds))
	errs := make([]error, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			rd := newRenderer()
			for ctx.Err() == nil {
				k := int(next.Add(1) - 1)
				if k >= len(feeds) {
					return
				}
				i := feeds[k]
				b, err := rd.render(&f.plan.profiles[i], f.plan.windows[i], f.plan.modified[i])
				if err != nil {
					errs[w] = err
					return
				}
				bodies[i] = b
			}
		})
	}
	wg.Wait()
	return errors.Join(append(errs, ctx.Err())...)
}
