package fetch

import (
	"context"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestHostLimiterGapAndConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newHostLimiter(2, time.Second)
		start := time.Now()
		var mu sync.Mutex
		starts := map[string][]time.Duration{}
		running, peak := 0, 0
		var wg sync.WaitGroup
		for i := range 5 {
			host := "a.example"
			if i == 4 {
				host = "b.example"
			}
			wg.Go(func() {
				release, err := l.acquire(context.Background(), host)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				starts[host] = append(starts[host], time.Since(start))
				if host == "a.example" {
					running++
					peak = max(peak, running)
				}
				mu.Unlock()
				time.Sleep(5 * time.Second) // a slow upstream
				mu.Lock()
				if host == "a.example" {
					running--
				}
				mu.Unlock()
				release()
			})
		}
		wg.Wait()
		a := starts["a.example"]
		slices.Sort(a)
		// Two at once, a second apart; the third waits for a slot.
		want := []time.Duration{0, time.Second, 5 * time.Second, 6 * time.Second}
		if !slices.Equal(a, want) || peak != 2 {
			t.Errorf("a.example started at %v with peak %d, want %v and 2", a, peak, want)
		}
		if b := starts["b.example"]; len(b) != 1 || b[0] != 0 {
			t.Errorf("b.example started at %v, want at once: hosts do not wait for each other", b)
		}
	})
}

func TestHostLimiterCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newHostLimiter(1, time.Minute)
		release, _ := l.acquire(context.Background(), "h")
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if _, err := l.acquire(ctx, "h"); err == nil {
			t.Fatal("acquire while the host is busy and ctx expires = nil, want an error")
		}
		release()
		// The gap still applies to the next request.
		begin := time.Now()
		r2, err := l.acquire(context.Background(), "h")
		if err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(begin); waited != time.Minute-time.Second {
			t.Errorf("next request waited %v, want the rest of the minute's gap", waited)
		}
		r2()
	})
}
