// Package gcbudget lets a process whose live heap is small collect
// garbage less often, for little more resident memory.
//
// With the default GOGC=100 a poll that keeps 6–7 MB live collects every
// 7–8 MB it allocates: over 200 collections in a cold 600-feed poll,
// which allocates more than a gigabyte, each marking the whole live heap.
// While the live heap is small, a budget runs the collector at GOGC=300
// under a memory limit of a fixed floor: the heap fills what the floor
// leaves it before a collection, and the limit, which makes the runtime
// return free pages as it nears it, keeps the Go runtime's memory there.
// Once the live heap is too large for the floor to leave it room to
// double, the budget steps aside: GOGC and the limit are what they were,
// so a large store's process behaves as without it.
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

// percent is GOGC while the live heap is small; the floor, not GOGC,
// decides when the collector runs once the live heap passes a few
// megabytes.
const percent = 300

// Budget watches the live heap after every collection. The zero value is
// not usable; call Start.
type Budget struct {
	floor int64

	mu          sync.Mutex // guards what follows against stop
	stopped     bool
	small       bool // the budget's settings are in force
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
	b.small = true
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
	heap := v(2) + v(3) + v(4) + v(5)
	nonHeap := v(1) - min(v(1), heap) // stacks, the collector's metadata, the runtime's own
	if small := fits(b.floor, v(0), nonHeap); small != b.small {
		b.small = small
		if small {
			debug.SetGCPercent(percent)
			debug.SetMemoryLimit(b.floor)
		} else {
			debug.SetGCPercent(b.prevPercent)
			debug.SetMemoryLimit(b.prevLimit)
		}
	}
	b.arm()
}

// fits reports whether a floor leaves a heap of live bytes room to
// double, with some slack: otherwise a limit at the floor would run the
// collector more often than GOGC=100 does, not less.
func fits(floor int64, live, nonHeap uint64) bool {
	const slack = 4 << 20
	return nonHeap+2*live+slack <= uint64(max(floor, 0))
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
