// Package gcbudget lets a process whose live heap is small collect
// garbage less often, without a larger resident set.
//
// With the default GOGC=100 a poll that keeps 6–7 MB live collects every
// 13 MB it allocates: over 200 collections in a cold 600-feed poll, which
// allocates 1.3 GB. Meanwhile the heap's resident pages stay near 24 MB,
// since freed spans go back to the system slowly. A budget lets the heap
// fill that much before collecting: the collector runs at GOGC=300, and a
// memory limit, which also makes the runtime return free pages at once,
// bounds the Go runtime's memory at the floor, or at what GOGC=100 would
// allow once the live heap is large.
//
// It imports no other gleaner package; only main calls it.
package gcbudget

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// percent is GOGC while a budget runs. The limit, not GOGC, decides when
// the collector runs once the live heap passes a few megabytes.
const percent = 300

// Budget adjusts the memory limit after every collection. The zero value
// is not usable; call Start.
type Budget struct {
	floor int64

	mu          sync.Mutex // guards what follows against stop
	stopped     bool
	samples     []metrics.Sample
	prevPercent int
	prevLimit   int64
}

// Start runs a budget of floor bytes of the Go runtime's memory until the
// returned function is called, which restores the settings before it.
// It does nothing when GOGC or GOMEMLIMIT is set: the operator's choice
// stands.
func Start(floor int64) (stop func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	return start(floor).stop
}

func start(floor int64) *Budget {
	b := &Budget{floor: floor, samples: []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
	}}
	b.prevPercent = debug.SetGCPercent(percent)
	b.prevLimit = debug.SetMemoryLimit(floor)
	b.arm()
	return b
}

// arm asks to hear of the next collection: a cleanup runs once the
// collector has found its object unreachable.
func (b *Budget) arm() {
	// Larger than the tiny allocator's 16 bytes, which would tie the
	// object's fate to its neighbours'.
	sentinel := new([32]byte)
	runtime.AddCleanup(sentinel, func(b *Budget) { b.afterGC() }, b)
}

func (b *Budget) afterGC() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped {
		return
	}
	metrics.Read(b.samples)
	v := func(i int) uint64 { return b.samples[i].Value.Uint64() }
	live := v(0)
	heap := v(2) + v(3) + v(4) + v(5)
	nonHeap := v(1) - min(v(1), heap) // stacks, the collector's metadata, the runtime's own
	debug.SetMemoryLimit(limitFor(b.floor, live, nonHeap))
	b.arm()
}

// limitFor is the memory limit after a collection that left live bytes
// of heap: the floor, or room for the heap to double as GOGC=100 would
// let it, whichever is more.
func limitFor(floor int64, live, nonHeap uint64) int64 {
	const slack = 4 << 20 // so that a limit just over twice the heap does not run the collector back to back
	return max(floor, int64(nonHeap+2*live+slack))
}

func (b *Budget) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped {
		return
	}
	b.stopped = true
	debug.SetGCPercent(b.prevPercent)
	debug.SetMemoryLimit(b.prevLimit)
}
