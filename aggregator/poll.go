package aggregator

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"time"
)

// StatusError is an upstream answer that carried no usable feed: an
// error status, or a body that could not be read (Err).
type StatusError struct {
	Status int
	// RetryAfter is the upstream's Retry-After, when it sent one.
	RetryAfter time.Duration
	Err        error
}

func (e *StatusError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("HTTP %d: %v", e.Status, e.Err)
	}
	return fmt.Sprintf("upstream answered HTTP %d", e.Status)
}

func (e *StatusError) Unwrap() error { return e.Err }

// Poller runs one source through fetch, parse, identify, tag and store.
type Poller struct {
	Store   Store
	Fetcher Fetcher
	Parser  Parser
	Tagger  *Tagger
	// MaxEntries caps the entries taken from one fetch (0: 1000).
	MaxEntries int
	// Jitter spreads the next poll by up to this fraction of the source's
	// period (at most five minutes), so sources with one schedule do not
	// all fire at once.
	Jitter float64
	// MaxBackoff caps the delay after consecutive failures, and the
	// delay upstream hints may ask for (0: 24h).
	MaxBackoff time.Duration
	// Merge says when entries join other sources' copies of a story.
	Merge MergePolicy
	// CPU bounds how many polls parse and prepare at once (0: one fewer
	// than GOMAXPROCS, at least one). A core is left to the feed readers
	// of a server, and to the store's single writer, which every poll
	// waits for. A batch poll with no server sets it to GOMAXPROCS.
	CPU int

	cpuOnce sync.Once
	cpu     chan struct{}
}

func (p *Poller) acquireCPU(ctx context.Context) error {
	p.cpuOnce.Do(func() {
		n := p.CPU
		if n <= 0 {
			n = max(1, runtime.GOMAXPROCS(0)-1)
		}
		p.cpu = make(chan struct{}, n)
	})
	select {
	case p.cpu <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Poller) releaseCPU() { <-p.cpu }

// PollResult tells what one poll did.
type PollResult struct {
	Source      string
	Status      int
	NotModified bool
	Entries     int
	New         int
	Updated     int
	// MovedTo is set when the source answered with a permanent redirect.
	MovedTo string
	// Gone is set when the source answered 410 Gone: it is not polled
	// again on its schedule.
	Gone bool
	Next time.Time
	Took time.Duration
	Err  error
}

// Poll fetches src once and stores what it finds. Errors are recorded in
// the source's state and returned in the result; a panic while
// processing the source is recovered and recorded the same way.
func (p *Poller) Poll(ctx context.Context, src Source) (res PollResult) {
	start := time.Now()
	res.Source = src.Name
	st, err := p.Store.SourceState(ctx, src.Name)
	if err != nil {
		res.Err = fmt.Errorf("load state: %w", err)
		return res
	}
	if st.URL != src.URL {
		// A new URL in the configuration: forget what the old one said.
		st = SourceState{Name: src.Name, URL: src.URL, Health: st.Health}
	}
	st.LastAttempt = start
	defer func() {
		if r := recover(); r != nil {
			res.Err = fmt.Errorf("panic while polling: %v", r)
			p.fail(ctx, src, &st, &res, start)
		}
		res.Took = time.Since(start)
	}()

	fr, err := p.Fetcher.Fetch(ctx, FetchRequest{
		Source: src.Name, URL: st.Target(), ETag: st.ETag, LastModified: st.LastModified, AllowPrivate: src.AllowPrivate,
	})
	if err != nil {
		if ctx.Err() != nil {
			res.Err = ctx.Err() // shutting down: record nothing
			return res
		}
		res.Err = err
		p.fail(ctx, src, &st, &res, start)
		return res
	}
	res.Status = fr.Status
	if fr.PermanentURL != "" && fr.PermanentURL != st.Target() {
		res.MovedTo = fr.PermanentURL
		st.FetchURL = fr.PermanentURL
		if st.FetchURL == st.URL {
			st.FetchURL = ""
		}
	}
	if fr.NotModified {
		res.NotModified = true
		p.succeed(src, &st, &res, start, fr.MaxAge)
		if err := p.Store.RecordState(ctx, st); err != nil {
			res.Err = fmt.Errorf("record state: %w", err)
		}
		return res
	}

	known, err := p.Store.RawHashes(ctx, src.Name)
	if err != nil {
		known = nil // every entry is then cleaned and compared in full
	}
	// Fetches wait on the network, so many run at once; parsing, tagging
	// and fingerprinting use a core, so no more of them run than there
	// are cores: more would only hold more memory at once.
	if err := p.acquireCPU(ctx); err != nil {
		res.Err = err
		return res
	}
	lastItems := make(map[uint64]bool, len(st.ItemDigests))
	for _, d := range st.ItemDigests {
		lastItems[d] = true
	}
	var feed *Feed
	var entries []Entry
	var seen int
	var digests []uint64
	err = func() error {
		defer p.releaseCPU() // a panic in the parser releases it too
		var err error
		feed, err = p.Parser.Parse(ctx, ParseInput{
			Body: fr.Body, ContentType: fr.ContentType, URL: fr.URL,
			Source: src.Name, Location: src.Location, Now: start,
			Unchanged: func(e *Entry) bool { return unchanged(e, known) },
			KnownItem: func(d uint64) bool { return lastItems[d] },
		})
		if err == nil {
			entries, seen, digests = p.prepare(src, feed.Entries)
		}
		return err
	}()
	if err != nil {
		res.Err = err
		p.fail(ctx, src, &st, &res, start)
		return res
	}
	res.Entries = seen
	st.ETag, st.LastModified = fr.ETag, fr.LastModified
	st.Hints = Hints{TTL: feed.TTL, SkipHours: feed.SkipHours, SkipDays: feed.SkipDays}
	st.LastEntries = seen
	st.ItemDigests = digests
	p.succeed(src, &st, &res, start, fr.MaxAge)
	saved, err := p.Store.Save(ctx, FetchRecord{Source: src, State: st, Entries: entries, Now: start, Merge: p.Merge})
	if err != nil {
		// Nothing was written, validators included, so the next poll
		// fetches these entries again.
		res.Err = fmt.Errorf("store: %w", err)
		return res
	}
	res.New, res.Updated = saved.New, saved.Updated
	return res
}

// unchanged reports an entry whose key the store holds with the same
// RawHash. An entry identified by neither GUID nor link gets its key from
// its cleaned text, so it is always cleaned.
func unchanged(e *Entry, known map[string]string) bool {
	if e.RawHash == "" || (e.GUID == "" && e.Link == "") {
		return false
	}
	probe := Entry{GUID: e.GUID, Link: e.Link}
	Identify(&probe)
	return known[probe.Key] == e.RawHash
}

// prepare gives entries their keys and tags, drops repeats of one key
// within the document, and applies the per-fetch cap. It returns the
// entries to save (unchanged and unread ones need no saving), how many
// the document had, and the ItemDigests of those taken.
func (p *Poller) prepare(src Source, entries []Entry) ([]Entry, int, []uint64) {
	limit := p.MaxEntries
	if limit <= 0 {
		limit = 1000
	}
	seen := make(map[string]bool, len(entries))
	digests := make([]uint64, 0, len(entries))
	out := entries[:0]
	count := 0
	var pace Pacer
	for _, e := range entries {
		pace.Pace()
		if count == limit {
			break
		}
		if e.ItemDigest != 0 {
			// A repeat's digest too: were it read next time, it would
			// no longer be a repeat, and would replace the first.
			digests = append(digests, e.ItemDigest)
		}
		if e.Unread {
			count++
			continue
		}
		Identify(&e)
		if seen[e.Key] {
			continue
		}
		seen[e.Key] = true
		count++
		if e.Unchanged {
			continue
		}
		text := lazyText{entry: &e}
		if p.Tagger != nil {
			e.Tags, _ = p.Tagger.apply(&e, src, &text, false)
		} else {
			e.Tags = src.Tags
		}
		if !p.Merge.Disabled && !src.NoMerge {
			e.Fingerprint = fingerprintOf(&e, text.get())
		}
		out = append(out, e)
	}
	return out, count, digests
}

func (p *Poller) succeed(src Source, st *SourceState, res *PollResult, now time.Time, maxAge time.Duration) {
	st.LastSuccess = now
	st.LastStatus = res.Status
	st.LastError = ""
	st.Failures = 0
	st.Gone = false
	next := src.Schedule.Next(now)
	// Upstream hints are lower bounds on the interval, within reason.
	if hint := min(max(st.TTL, maxAge), p.maxBackoff()); now.Add(hint).After(next) {
		next = now.Add(hint)
	}
	st.NextAttempt = p.jitter(src, now, skipHinted(next, st.Hints))
	res.Next = st.NextAttempt
}

// fail records a failed poll and backs off: the source's period doubled
// for each consecutive failure, capped, and never less than Retry-After.
// 410 Gone stops the source's schedule instead.
func (p *Poller) fail(ctx context.Context, src Source, st *SourceState, res *PollResult, now time.Time) {
	var se *StatusError
	if errors.As(res.Err, &se) {
		res.Status = se.Status
	}
	st.LastStatus = res.Status
	st.LastError = res.Err.Error()
	st.Failures++
	if res.Status == http.StatusGone {
		st.Gone, res.Gone = true, true
		st.NextAttempt, res.Next = time.Time{}, time.Time{}
	} else {
		backoff := src.Schedule.Period(now)
		for i := 1; i < st.Failures && backoff < p.maxBackoff(); i++ {
			backoff *= 2
		}
		backoff = min(backoff, p.maxBackoff())
		if se != nil && se.RetryAfter > backoff {
			backoff = min(se.RetryAfter, 7*24*time.Hour)
		}
		st.NextAttempt = p.jitter(src, now, now.Add(backoff))
		res.Next = st.NextAttempt
	}
	if err := p.Store.RecordState(ctx, *st); err != nil {
		res.Err = errors.Join(res.Err, fmt.Errorf("record state: %w", err))
	}
}

func (p *Poller) maxBackoff() time.Duration {
	if p.MaxBackoff > 0 {
		return p.MaxBackoff
	}
	return 24 * time.Hour
}

func (p *Poller) jitter(src Source, now, next time.Time) time.Time {
	if p.Jitter <= 0 {
		return next
	}
	spread := time.Duration(float64(src.Schedule.Period(now)) * p.Jitter)
	spread = min(spread, 5*time.Minute)
	if spread <= 0 {
		return next
	}
	return next.Add(rand.N(spread))
}

// skipHinted moves t out of the hours and days the feed asked not to be
// polled in (RSS skipHours and skipDays, in UTC).
func skipHinted(t time.Time, h Hints) time.Time {
	if len(h.SkipHours) == 0 && len(h.SkipDays) == 0 {
		return t
	}
	if len(h.SkipHours) >= 24 && len(h.SkipDays) >= 7 {
		return t // a feed that skips everything is ignored
	}
	for range 24 * 8 {
		u := t.UTC()
		switch {
		case slices.Contains(h.SkipDays, u.Weekday()):
			t = time.Date(u.Year(), u.Month(), u.Day()+1, 0, 0, 0, 0, time.UTC)
		case slices.Contains(h.SkipHours, u.Hour()):
			t = time.Date(u.Year(), u.Month(), u.Day(), u.Hour()+1, 0, 0, 0, time.UTC)
		default:
			return t
		}
	}
	return t
}
