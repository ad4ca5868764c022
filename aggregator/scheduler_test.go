package aggregator

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// pollLog records when each source was polled, since the test began.
type pollLog struct {
	mu    sync.Mutex
	start time.Time
	at    map[string][]time.Duration
}

func newPollLog() *pollLog { return &pollLog{start: time.Now(), at: map[string][]time.Duration{}} }

// record notes a poll of source and returns how many it has had.
func (l *pollLog) record(source string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.at[source] = append(l.at[source], time.Since(l.start))
	return len(l.at[source])
}

// check compares the polls with want, source by source.
func (l *pollLog) check(t *testing.T, want map[string][]time.Duration) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for name, w := range want {
		if got := l.at[name]; !slices.Equal(got, w) {
			t.Errorf("%s polled at %v, want %v", name, got, w)
		}
	}
}

func TestSchedulerFollowsSchedulesAndBacksOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		polls := newPollLog()
		fetch := fetchFunc(func(_ context.Context, req FetchRequest) (*FetchResult, error) {
			polls.record(req.Source)
			if req.Source == "failing" {
				return nil, &StatusError{Status: 500}
			}
			return &FetchResult{Status: 200, Body: []byte("1|a")}, nil
		})
		s := &Scheduler{
			Poller: &Poller{Store: newMemStore(), Fetcher: fetch, Parser: lineParser{}},
			Sources: []Source{
				{Name: "every10", URL: "http://a/", Schedule: MustParseSchedule("@every 10m")},
				{Name: "every30", URL: "http://b/", Schedule: MustParseSchedule("@every 30m")},
				{Name: "failing", URL: "http://c/", Schedule: MustParseSchedule("@every 10m")},
			},
		}
		ctx, cancel := context.WithTimeout(context.Background(), 61*time.Minute)
		defer cancel()
		if err := s.Run(ctx); err != nil {
			t.Fatal(err)
		}
		m := time.Minute
		want := map[string][]time.Duration{
			"every10": {0, 10 * m, 20 * m, 30 * m, 40 * m, 50 * m, 60 * m},
			"every30": {0, 30 * m, 60 * m},
			"failing": {0, 10 * m, 30 * m}, // then 40m later, past the hour
		}
		polls.check(t, want)
	})
}

func TestSchedulerBoundsConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		running, peak, total := 0, 0, 0
		fetch := fetchFunc(func(ctx context.Context, req FetchRequest) (*FetchResult, error) {
			mu.Lock()
			running++
			total++
			peak = max(peak, running)
			mu.Unlock()
			time.Sleep(time.Minute)
			mu.Lock()
			running--
			mu.Unlock()
			return &FetchResult{Status: 200, Body: []byte("1|a")}, nil
		})
		var sources []Source
		for _, n := range []string{"a", "b", "c", "d", "e", "f", "g"} {
			sources = append(sources, Source{Name: n, URL: "http://" + n + "/", Schedule: MustParseSchedule("@hourly")})
		}
		s := &Scheduler{Poller: &Poller{Store: newMemStore(), Fetcher: fetch, Parser: lineParser{}}, Sources: sources, Workers: 2}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		s.Run(ctx)
		if peak != 2 || total != 7 {
			t.Errorf("peak concurrency %d over %d polls, want 2 over 7", peak, total)
		}
	})
}

func TestSchedulerResumesFromStoredNextAttempt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := newMemStore()
		store.states["s"] = SourceState{Name: "s", URL: "http://a/", Health: Health{NextAttempt: time.Now().Add(20 * time.Minute)}}
		var first time.Duration = -1
		start := time.Now()
		fetch := fetchFunc(func(context.Context, FetchRequest) (*FetchResult, error) {
			if first < 0 {
				first = time.Since(start)
			}
			return &FetchResult{Status: 200, Body: []byte("1|a")}, nil
		})
		s := &Scheduler{Poller: &Poller{Store: store, Fetcher: fetch, Parser: lineParser{}},
			Sources: []Source{{Name: "s", URL: "http://a/", Schedule: MustParseSchedule("@hourly")}}}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		s.Run(ctx)
		if first != 20*time.Minute {
			t.Errorf("first poll after a restart at %v, want at the stored next attempt (20m)", first)
		}
	})
}

func TestSchedulerStopsPollingGoneSources(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		polls := 0
		fetch := fetchFunc(func(context.Context, FetchRequest) (*FetchResult, error) {
			polls++
			return nil, &StatusError{Status: 410}
		})
		store := newMemStore()
		s := &Scheduler{Poller: &Poller{Store: store, Fetcher: fetch, Parser: lineParser{}},
			Sources: []Source{{Name: "g", URL: "http://g/", Schedule: MustParseSchedule("@every 1m")}}}
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		s.Run(ctx)
		cancel()
		if polls != 1 || !store.state("g").Gone {
			t.Errorf("a gone source was polled %d times in an hour (state %+v), want once", polls, store.state("g"))
		}
		// A restart remembers it is gone.
		ctx, cancel = context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		s.Run(ctx)
		if polls != 1 {
			t.Errorf("after a restart a gone source was polled again (%d polls)", polls)
		}
	})
}

func TestSchedulerRefreshSweepsEverySource(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		polls := newPollLog()
		fetch := fetchFunc(func(_ context.Context, req FetchRequest) (*FetchResult, error) {
			n := polls.record(req.Source)
			time.Sleep(time.Second) // a refresh finds some polls still running
			switch req.Source {
			case "gone":
				return nil, &StatusError{Status: 410}
			case "failing":
				return nil, &StatusError{Status: 500}
			case "unchanged":
				if req.ETag != "" {
					return &FetchResult{Status: 304, NotModified: true}, nil
				}
				return &FetchResult{Status: 200, Body: []byte("1|a"), ETag: `"v1"`}, nil
			}
			return &FetchResult{Status: 200, Body: []byte(fmt.Sprintf("%d|story %d", n, n))}, nil
		})
		refresh := make(chan struct{})
		var sweeps []Sweep
		s := &Scheduler{
			Poller: &Poller{Store: newMemStore(), Fetcher: fetch, Parser: lineParser{}},
			Sources: []Source{
				{Name: "fresh", URL: "http://a/", Schedule: MustParseSchedule("@hourly")},
				{Name: "unchanged", URL: "http://b/", Schedule: MustParseSchedule("@hourly")},
				{Name: "failing", URL: "http://c/", Schedule: MustParseSchedule("@hourly")},
				{Name: "gone", URL: "http://d/", Schedule: MustParseSchedule("@hourly")},
			},
			Workers: 2,
			Refresh: refresh,
			OnSweep: func(w Sweep) { sweeps = append(sweeps, w) },
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		go func() {
			time.Sleep(10 * time.Minute)
			refresh <- struct{}{}
			time.Sleep(500 * time.Millisecond) // "fresh" and "unchanged" are polling
			refresh <- struct{}{}
		}()
		s.Run(ctx)

		m := time.Minute
		want := map[string][]time.Duration{
			"fresh":     {0, 10 * m},
			"unchanged": {0, 10 * m},
			"failing":   {time.Second, 10*m + time.Second},
			"gone":      {time.Second},
		}
		polls.check(t, want)
		wantSweeps := []Sweep{
			{Reason: "start", Sources: 4, Took: 2 * time.Second, New: 2, Failed: 2},
			// The gone source is left out. The second refresh came while
			// fresh and unchanged were polling and failing was queued:
			// nothing is polled twice, and the sweep waits for all three.
			{Reason: "refresh", Sources: 3, Took: 2 * time.Second, New: 1, NotModified: 1, Failed: 1},
		}
		if len(sweeps) != len(wantSweeps) {
			t.Fatalf("sweeps %+v, want %+v", sweeps, wantSweeps)
		}
		for i, w := range wantSweeps {
			got := sweeps[i]
			got.pending, got.start = nil, time.Time{}
			if !reflect.DeepEqual(got, w) {
				t.Errorf("sweep %d = %+v, want %+v", i, got, w)
			}
		}
	})
}

// BenchmarkSchedulerSweep times a refresh of n sources that all answer
// 304 at once, from memory: what is left is mostly the scheduler's own
// bookkeeping, which must grow with n, not with n².
func BenchmarkSchedulerSweep(b *testing.B) {
	for _, n := range []int{600, 5000} {
		b.Run(fmt.Sprintf("sources=%d", n), func(b *testing.B) {
			fetch := fetchFunc(func(_ context.Context, req FetchRequest) (*FetchResult, error) {
				if req.ETag != "" {
					return &FetchResult{Status: 304, NotModified: true}, nil
				}
				return &FetchResult{Status: 200, Body: []byte("1|a"), ETag: `"v1"`}, nil
			})
			sources := make([]Source, n)
			for i := range sources {
				sources[i] = Source{Name: fmt.Sprintf("s%05d", i), URL: fmt.Sprintf("http://s%05d/", i), Schedule: MustParseSchedule("@hourly")}
			}
			refresh, swept := make(chan struct{}), make(chan Sweep)
			s := &Scheduler{Poller: &Poller{Store: newMemStore(), Fetcher: fetch, Parser: lineParser{}},
				Sources: sources, Workers: 32, Refresh: refresh, OnSweep: func(w Sweep) { swept <- w }}
			ctx, cancel := context.WithCancel(context.Background())
			ran := make(chan error)
			go func() { ran <- s.Run(ctx) }()
			<-swept // the sweep at start
			for b.Loop() {
				refresh <- struct{}{}
				if w := <-swept; w.NotModified != n {
					b.Fatalf("refresh: %+v, want %d not modified", w, n)
				}
			}
			cancel()
			<-ran
		})
	}
}
