package aggregator

import (
	"bytes"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// turnsBeside counts how often another goroutine gets the only processor
// while work spins for d, calling step after each unit.
func turnsBeside(d time.Duration, step func()) int64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var turns atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		for !stop.Load() {
			turns.Add(1)
			runtime.Gosched()
		}
	})
	runtime.Gosched() // let it start
	start := time.Now()
	sink := uint64(1)
	for time.Since(start) < d {
		for range 1000 {
			sink = sink*6364136223846793005 + 1442695040888963407
		}
		step()
	}
	before := turns.Load()
	stop.Store(true)
	wg.Wait()
	if sink == 0 {
		panic("unreachable")
	}
	return before
}

// Without pacing, the other goroutine runs when Go preempts the work,
// every 10 ms or so; with it, every paceSlice.
func TestPacerLetsOthersRun(t *testing.T) {
	const d = 150 * time.Millisecond
	unpaced := turnsBeside(d, func() {})
	var p Pacer
	paced := turnsBeside(d, p.Pace)
	t.Logf("turns of a goroutine beside %v of work: %d unpaced, %d paced", d, unpaced, paced)
	if paced < 4*max(unpaced, 5) {
		t.Errorf("paced work let another goroutine run %d times in %v, unpaced %d: want four times as many at least", paced, d, unpaced)
	}
}

func TestPacedReaderReadsEverything(t *testing.T) {
	data := bytes.Repeat([]byte("<item>pace</item>"), 10_000)
	got, err := io.ReadAll(PacedReader(bytes.NewReader(data)))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes (err %v), want the %d given", len(got), err, len(data))
	}
}
