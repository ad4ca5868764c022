package fetch

import (
	"context"
	"sync"
	"time"
)

// hostLimiter keeps gleaner polite to each upstream host: at most
// perHost requests at once, started at least gap apart.
type hostLimiter struct {
	perHost int
	gap     time.Duration

	mu    sync.Mutex
	hosts map[string]*hostSlot
}

type hostSlot struct {
	sem  chan struct{}
	next time.Time // earliest start of the next request
}

func newHostLimiter(perHost int, gap time.Duration) *hostLimiter {
	return &hostLimiter{perHost: max(1, perHost), gap: gap, hosts: map[string]*hostSlot{}}
}

// acquire waits for a turn at host and returns the function that ends
// it, or ctx's error.
func (l *hostLimiter) acquire(ctx context.Context, host string) (release func(), err error) {
	l.mu.Lock()
	slot := l.hosts[host]
	if slot == nil {
		slot = &hostSlot{sem: make(chan struct{}, l.perHost)}
		l.hosts[host] = slot
	}
	l.mu.Unlock()

	select {
	case slot.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	release = func() { <-slot.sem }

	l.mu.Lock()
	now := time.Now()
	start := now
	if slot.next.After(now) {
		start = slot.next
	}
	slot.next = start.Add(l.gap)
	l.mu.Unlock()
	if wait := start.Sub(now); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			release()
			return nil, ctx.Err()
		}
	}
	return release, nil
}
