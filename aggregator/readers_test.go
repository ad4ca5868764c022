package aggregator

import (
	"context"
	"testing"
	"time"
)

func TestReadersActive(t *testing.T) {
	var r Readers
	if r.Active() {
		t.Error("no reader served yet, but active")
	}
	r.Served()
	if !r.Active() {
		t.Error("a reader was just served, but not active")
	}
	r.last.Store(time.Now().Add(-2 * readersWindow).UnixNano())
	if r.Active() {
		t.Errorf("the last reader was served %v ago, but active", 2*readersWindow)
	}
}

// While readers are active, ShareCPU waits for the turn parsing holds;
// otherwise it returns at once.
func TestShareCPU(t *testing.T) {
	p := &Poller{CPU: 1, Readers: &Readers{}}
	ctx := context.Background()
	if err := p.acquireCPU(ctx); err != nil { // a poll parsing
		t.Fatal(err)
	}
	release, err := p.ShareCPU(ctx)
	if err != nil {
		t.Fatal(err)
	}
	release() // no reader about: no turn taken, none given back

	p.Readers.Served()
	got := make(chan func(), 1)
	go func() {
		release, err := p.ShareCPU(ctx)
		if err != nil {
			t.Error(err)
		}
		got <- release
	}()
	select {
	case <-got:
		t.Fatal("ShareCPU took a turn while parsing held the only one")
	case <-time.After(50 * time.Millisecond):
	}
	p.releaseCPU() // parsing done
	select {
	case release := <-got:
		release()
	case <-time.After(10 * time.Second):
		t.Fatal("ShareCPU still waits after parsing gave its turn back")
	}
	// Every turn is back: parsing can take the only one again.
	if len(p.cpu) != 0 {
		t.Errorf("%d turns still taken", len(p.cpu))
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	p.acquireCPU(ctx)
	if _, err := p.ShareCPU(cancelled); err == nil {
		t.Error("ShareCPU with an ended context and no turn free: no error")
	}
	p.releaseCPU()
}
