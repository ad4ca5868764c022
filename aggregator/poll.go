package aggregator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"
)

// StatusError is an upstream answer that carried no feed.
type StatusError struct {
	Status int
	// RetryAfter is the upstream's Retry-After, when it sent one.
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("upstream answered HTTP %d", e.Status)
}

// Poller runs one source through fetch, parse, identify, tag and store.
type Poller struct {
	Store   Store
	Fetcher Fetcher
	Parser  Parser
	Tagger  *Tagger
	Log     *slog.Logger
	// MaxEntries caps the entries taken from one fetch (0: 1000).
	MaxEntries int
	// Jitter spreads the next poll by up to this fraction of the source's
	// period, so sources with one schedule do not all fire at once.
	Jitter float64
	// MaxBackoff caps the delay after consecutive failures (0: 24h).
	MaxBackoff time.Duration
}

// PollResult tells what one poll did.
type PollResult struct {
	Source      string
	Status      int
	NotModified bool
	Entries     int
	New         int
	Updated     int
	Next        time.Time
	Took        time.Duration
	Err         error
}

// Poll fetches src once and stores what it finds. Errors are recorded in
// the source's health and returned in the result; a panic while
// processing the source is recovered and recorded the same way.
func (p *Poller) Poll(ctx context.Context, src Source) (res PollResult) {
	start := time.Now()
	res.Source = src.Name
	state, err := p.Store.SourceState(ctx, src.Name)
	if err != nil {
		res.Err = fmt.Errorf("load state: %w", err)
		return res
	}
	h := state.Health
	h.LastAttempt = start
	defer func() {
		if r := recover(); r != nil {
			res.Err = fmt.Errorf("panic while polling: %v", r)
			p.fail(ctx, src, &h, &res, start)
		}
		res.Took = time.Since(start)
	}()

	req := FetchRequest{Source: src.Name, URL: src.URL, AllowPrivate: src.AllowPrivate}
	if state.URL == src.URL {
		req.ETag, req.LastModified = state.ETag, state.LastModified
	}
	fr, err := p.Fetcher.Fetch(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			res.Err = ctx.Err()
			return res
		}
		res.Err = err
		var se *StatusError
		if errors.As(err, &se) {
			res.Status = se.Status
		}
		p.fail(ctx, src, &h, &res, start)
		return res
	}
	res.Status = fr.Status
	if fr.NotModified {
		res.NotModified = true
		p.succeed(src, &h, &res, start)
		if err := p.Store.RecordHealth(ctx, src, h); err != nil {
			res.Err = fmt.Errorf("record health: %w", err)
		}
		return res
	}

	feed, err := p.Parser.Parse(ctx, ParseInput{
		Body: fr.Body, ContentType: fr.ContentType, URL: fr.URL,
		Source: src.Name, Location: src.Location, Now: start,
	})
	if err != nil {
		res.Err = err
		p.fail(ctx, src, &h, &res, start)
		return res
	}
	entries := p.prepare(src, feed.Entries)
	res.Entries = len(entries)
	p.succeed(src, &h, &res, start)
	saved, err := p.Store.Save(ctx, FetchRecord{
		Source: src, ETag: fr.ETag, LastModified: fr.LastModified,
		Entries: entries, Health: h, Now: start,
	})
	if err != nil {
		// Nothing was written, validators included, so the next poll
		// fetches these entries again.
		res.Err = fmt.Errorf("store: %w", err)
		return res
	}
	res.New, res.Updated = saved.New, saved.Updated
	return res
}

// prepare gives entries their keys and tags, drops repeats of one key
// within the document, and applies the per-fetch cap.
func (p *Poller) prepare(src Source, entries []Entry) []Entry {
	limit := p.MaxEntries
	if limit <= 0 {
		limit = 1000
	}
	seen := make(map[string]bool, len(entries))
	out := entries[:0]
	for _, e := range entries {
		Identify(&e)
		if seen[e.Key] {
			continue
		}
		seen[e.Key] = true
		if p.Tagger != nil {
			e.Tags = p.Tagger.Tags(&e, src.Tags)
		} else {
			e.Tags = src.Tags
		}
		out = append(out, e)
		if len(out) == limit {
			break
		}
	}
	return out
}

func (p *Poller) succeed(src Source, h *Health, res *PollResult, now time.Time) {
	h.LastSuccess = now
	h.LastStatus = res.Status
	h.LastError = ""
	h.Failures = 0
	h.LastNewItems = 0
	h.NextAttempt = p.jitter(src, now, src.Schedule.Next(now))
	res.Next = h.NextAttempt
}

// fail records a failed poll and backs off: the source's period doubled
// for each consecutive failure, capped, and never less than Retry-After.
func (p *Poller) fail(ctx context.Context, src Source, h *Health, res *PollResult, now time.Time) {
	h.LastStatus = res.Status
	h.LastError = res.Err.Error()
	h.Failures++
	backoff := src.Schedule.Period(now)
	for i := 1; i < h.Failures && backoff < p.maxBackoff(); i++ {
		backoff *= 2
	}
	backoff = min(backoff, p.maxBackoff())
	var se *StatusError
	if errors.As(res.Err, &se) && se.RetryAfter > backoff {
		backoff = se.RetryAfter
	}
	h.NextAttempt = p.jitter(src, now, now.Add(backoff))
	res.Next = h.NextAttempt
	if err := p.Store.RecordHealth(ctx, src, *h); err != nil {
		res.Err = errors.Join(res.Err, fmt.Errorf("record health: %w", err))
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
