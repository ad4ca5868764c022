package aggregator

import (
	"container/heap"
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
	// Per source, by its index in s.Sources. Idle sources wait in a heap
	// by their next attempt: each poll's start and end touches the few it
	// concerns. (Scanning every source on each of them cost 41 % of a
	// 5,000-source refresh's CPU.)
	n := len(s.Sources)
	next := make([]time.Time, n)
	gone := make([]bool, n)    // answered 410: polled only by hand
	running := make([]bool, n) // queued or polling
	index := make(map[string]int, n)
	var waiting dueHeap
	for i, src := range s.Sources {
		st, err := s.Poller.Store.SourceState(ctx, src.Name)
		if err != nil {
			return err
		}
		index[src.Name] = i
		next[i] = st.NextAttempt // zero: due now
		gone[i] = st.Gone && st.URL == src.URL
		if !gone[i] {
			waiting = append(waiting, due{at: next[i], source: i})
		}
	}
	heap.Init(&waiting)

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

	var queue []int
	var sweep *Sweep
	reason := "start" // a sweep begins on this pass; "" when none does
	timer := time.NewTimer(0)
	defer timer.Stop()
	enqueue := func(i int) {
		queue = append(queue, i)
		running[i] = true
		if reason != "" {
			sweep.include(s.Sources[i].Name)
		}
	}
	for {
		now := time.Now()
		if reason != "" && sweep == nil {
			sweep = &Sweep{Reason: reason, start: now, pending: map[string]bool{}}
		}
		if reason == "refresh" {
			for i := range s.Sources {
				switch {
				case gone[i]:
				case running[i]:
					sweep.include(s.Sources[i].Name) // its poll's result counts
				default:
					enqueue(i) // its entry in the heap goes stale
				}
			}
		}
		wake := time.Time{}
		for len(waiting) > 0 {
			d := waiting[0]
			if running[d.source] || gone[d.source] || !d.at.Equal(next[d.source]) {
				heap.Pop(&waiting) // stale: queued since, or rescheduled
				continue
			}
			if d.at.After(now) {
				wake = d.at
				break
			}
			heap.Pop(&waiting)
			enqueue(d.source)
		}
		if sweep != nil && sweep.Sources == 0 {
			sweep = nil
		}
		reason = ""
		var send chan Source
		var head Source
		if len(queue) > 0 {
			send, head = jobs, s.Sources[queue[0]]
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
			if i, ok := index[res.Source]; ok {
				running[i], gone[i], next[i] = false, res.Gone, s.nextAfter(res)
				if !gone[i] {
					heap.Push(&waiting, due{at: next[i], source: i})
				}
			}
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

// due is a source's next attempt, in the scheduler's heap.
type due struct {
	at     time.Time
	source int // index in Scheduler.Sources
}

// dueHeap orders idle sources by next attempt, then as configured
// (container/heap).
type dueHeap []due

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].source < h[j].source
}
func (h dueHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)   { *h = append(*h, x.(due)) }
func (h *dueHeap) Pop() any {
	old := *h
	d := old[len(old)-1]
	*h = old[:len(old)-1]
	return d
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
