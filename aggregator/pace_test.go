package aggregator

import (
	"bytes"
	"io"
	"net"
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
	spin(d, step)
	before := turns.Load()
	stop.Store(true)
	wg.Wait()
	return before
}

// spin works on the processor for d, calling step after each unit.
func spin(d time.Duration, step func()) {
	start := time.Now()
	sink := uint64(1)
	for time.Since(start) < d {
		for range 1000 {
			sink = sink*6364136223846793005 + 1442695040888963407
		}
		step()
	}
	if sink == 0 {
		panic("unreachable")
	}
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

// roundTripsBeside counts the loopback round trips two goroutines make
// while work spins for d on the only processor, calling step after each
// unit. Each hop wakes a goroutine blocked on the network, which the
// scheduler notices only when it polls the network.
func roundTripsBeside(t *testing.T, d time.Duration, step func()) int64 {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { // echoes every byte back
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.Copy(c, c)
	})
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	var trips atomic.Int64
	wg.Go(func() {
		defer c.Close()
		b := []byte{0}
		for {
			if _, err := c.Write(b); err != nil {
				return
			}
			if _, err := io.ReadFull(c, b); err != nil {
				return
			}
			trips.Add(1)
		}
	})
	time.Sleep(10 * time.Millisecond) // let both connect and start
	before := trips.Load()
	spin(d, step)
	n := trips.Load() - before
	c.Close()
	return n
}

// Yielding by runtime.Gosched leaves the network unpolled until the
// runtime's monitor does it, every 10 ms; Pace lets it be polled at
// each step aside.
func TestPacerLetsNetworkIn(t *testing.T) {
	const d = 150 * time.Millisecond
	var last time.Time
	gosched := roundTripsBeside(t, d, func() {
		if time.Since(last) >= paceSlice {
			runtime.Gosched()
			last = time.Now()
		}
	})
	var p Pacer
	paced := roundTripsBeside(t, d, p.Pace)
	t.Logf("loopback round trips beside %v of work: %d yielding by Gosched, %d paced", d, gosched, paced)
	if paced < 4*max(gosched, 5) {
		t.Errorf("paced work let %d round trips through in %v, Gosched %d: want four times as many at least", paced, d, gosched)
	}
}

// BenchmarkYield is the cost of stepping aside when nothing else
// waits: Pace pays it once per paceSlice of work.
func BenchmarkYield(b *testing.B) {
	b.Run("gosched", func(b *testing.B) {
		for b.Loop() {
			runtime.Gosched()
		}
	})
	b.Run("pipe", func(b *testing.B) {
		for b.Loop() {
			yield()
		}
	})
}
