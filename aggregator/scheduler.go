package aggregator

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Scheduler polls each source when it is due, at most Workers at a time,
// until its context ends.
type Scheduler struct {
	Poller  *Poller
	Sources []Source
	// Workers bounds concurrent polls (0: 8).
	Workers int
	Log     *slog.Logger
	// OnResult, when set, is called after every poll (from a worker).
	OnResult func(PollResult)
}

// Run polls sources on their schedules. A source whose recorded next
// attempt has passed (or that was never polled) is polled at once. Run
// returns when ctx ends and every poll it started has returned.
func (s *Scheduler) Run(ctx context.Context) error {
	workers := s.Workers
	if workers <= 0 {
		workers = 8
	}
	next := make(map[string]time.Time, len(s.Sources))
	gone := make(map[string]bool) // answered 410: polled only by hand
	for _, src := range s.Sources {
		st, err := s.Poller.Store.SourceState(ctx, src.Name)
		if err != nil {
			return err
		}
		next[src.Name] = st.NextAttempt // zero: due now
		gone[src.Name] = st.Gone && st.URL == src.URL
	}

	jobs := make(chan Source)
	done := make(chan PollResult)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for src := range jobs {
				done <- s.Poller.Poll(ctx, src)
			}
		})
	}
	defer func() {
		close(jobs)
		// Drain results so workers can finish their last poll and exit.
		go func() { wg.Wait(); close(done) }()
		for range done {
		}
	}()

	running := make(map[string]bool) // queued or polling
	var queue []Source
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		now := time.Now()
		wake := time.Time{}
		for _, src := range s.Sources {
			if running[src.Name] || gone[src.Name] {
				continue
			}
			if t := next[src.Name]; !t.After(now) {
				queue = append(queue, src)
				running[src.Name] = true
			} else if wake.IsZero() || t.Before(wake) {
				wake = t
			}
		}
		var send chan Source
		var head Source
		if len(queue) > 0 {
			send, head = jobs, queue[0]
		}
		if !wake.IsZero() {
			timer.Reset(time.Until(wake))
		}
		select {
		case <-ctx.Done():
			return nil
		case send <- head:
			queue = queue[1:]
		case res := <-done:
			delete(running, res.Source)
			gone[res.Source] = res.Gone
			next[res.Source] = s.nextAfter(res)
			s.report(res)
		case <-timer.C:
		}
	}
}

// nextAfter is when to poll again: the poller's verdict, or on an
// unrecorded failure (store down, shutdown) a minute from now.
func (s *Scheduler) nextAfter(res PollResult) time.Time {
	if !res.Next.IsZero() {
		return res.Next
	}
	return time.Now().Add(time.Minute)
}

func (s *Scheduler) report(res PollResult) {
	if s.OnResult != nil {
		s.OnResult(res)
	}
	log := s.Log
	if log == nil {
		return
	}
	attrs := []any{"source", res.Source, "status", res.Status, "took", res.Took.Round(time.Millisecond)}
	if res.MovedTo != "" {
		log.Warn("source moved permanently; polling the new address", "source", res.Source, "to", res.MovedTo)
	}
	switch {
	case res.Gone:
		log.Warn("source is gone (HTTP 410); no longer polled on its schedule: change its url or poll it by hand", attrs...)
		return
	case res.Err != nil:
		log.Warn("poll failed", append(attrs, "err", res.Err, "next", res.Next)...)
		return
	}
	log.Info("polled", append(attrs, "items", res.Entries, "new", res.New, "updated", res.Updated, "next", res.Next)...)
}
