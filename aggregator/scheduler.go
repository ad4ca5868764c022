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
	// Refresh, when set, makes every source due at once on each receive
	// (a "refresh all" by hand). Gone sources stay unpolled.
	Refresh <-chan struct{}
	// OnSweep, when set, is called when every source of a sweep has been
	// polled: those due when Run started, or all of them after a refresh.
	OnSweep func(Sweep)
}

// Sweep is one pass over every due source: at start, or after a refresh.
type Sweep struct {
	Reason  string // "start" or "refresh"
	Sources int
	// Took runs from the sweep's start to its last poll's end.
	Took                              time.Duration
	New, Updated, NotModified, Failed int
	pending                           map[string]bool
	start                             time.Time
}

func (w *Sweep) include(source string) {
	if !w.pending[source] {
		w.pending[source] = true
		w.Sources++
	}
}

// add counts one finished poll, and says whether the sweep is complete.
func (w *Sweep) add(res PollResult) (done bool) {
	if !w.pending[res.Source] {
		return false
	}
	delete(w.pending, res.Source)
	w.New += res.New
	w.Updated += res.Updated
	switch {
	case res.Err != nil:
		w.Failed++
	case res.NotModified:
		w.NotModified++
	}
	if len(w.pending) > 0 {
		return false
	}
	w.Took = time.Since(w.start)
	return true
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
	var sweep *Sweep
	reason := "start" // a sweep begins on this pass; "" when none does
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		now := time.Now()
		if reason != "" && sweep == nil {
			sweep = &Sweep{Reason: reason, start: now, pending: map[string]bool{}}
		}
		wake := time.Time{}
		for _, src := range s.Sources {
			if gone[src.Name] {
				continue
			}
			if running[src.Name] {
				if reason == "refresh" { // its poll's result counts
					sweep.include(src.Name)
				}
				continue
			}
			if t := next[src.Name]; reason == "refresh" || !t.After(now) {
				queue = append(queue, src)
				running[src.Name] = true
				if reason != "" {
					sweep.include(src.Name)
				}
			} else if wake.IsZero() || t.Before(wake) {
				wake = t
			}
		}
		if sweep != nil && sweep.Sources == 0 {
			sweep = nil
		}
		reason = ""
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
			if sweep != nil && sweep.add(res) {
				s.reportSweep(sweep)
				sweep = nil
			}
		case <-s.Refresh:
			reason = "refresh"
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

func (s *Scheduler) reportSweep(w *Sweep) {
	if s.OnSweep != nil {
		s.OnSweep(*w)
	}
	if s.Log != nil {
		s.Log.Info("swept every source", "reason", w.Reason, "sources", w.Sources, "took", w.Took.Round(time.Millisecond),
			"new", w.New, "updated", w.Updated, "not_modified", w.NotModified, "failed", w.Failed)
	}
}
