package sqlite

import (
	"slices"
	"sync"

	"github.com/gleaner/gleaner/aggregator"
)

// maxBatch bounds how many polls one write transaction carries.
const maxBatch = 32

// saveRequest is one poll's record waiting for the writer.
type saveRequest struct {
	rec   *aggregator.FetchRecord
	plan  *mergePlan
	state *aggregator.SourceState // instead of rec: a poll that stored nothing
	res   aggregator.SaveResult
	err   error
	done  chan struct{}
}

// saveGroup gathers the saves that arrive while the writer is busy into
// one transaction (group commit). Whoever finds it idle becomes the
// leader and writes batches until none is waiting; the others wait for
// theirs. No goroutine outlives its Save call.
type saveGroup struct {
	mu      sync.Mutex
	queue   []*saveRequest
	leading bool
}

func (g *saveGroup) submit(r *saveRequest, write func([]*saveRequest)) {
	g.mu.Lock()
	g.queue = append(g.queue, r)
	if g.leading {
		g.mu.Unlock()
		<-r.done
		return
	}
	g.leading = true
	for len(g.queue) > 0 {
		n := min(len(g.queue), maxBatch)
		batch := slices.Clone(g.queue[:n])
		clear(g.queue[:n]) // the queue must not keep written records alive
		if g.queue = g.queue[n:]; len(g.queue) == 0 {
			g.queue = nil
		}
		g.mu.Unlock()
		write(batch)
		g.mu.Lock()
	}
	g.leading = false
	g.mu.Unlock()
	<-r.done // written in one of the batches above
}
