package aggregator

import (
	"io"
	"os"
	"runtime"
	"sync"
	"time"
)

// paceSlice is how long poll work runs before it lets other goroutines
// have the processor.
//
// Go preempts a running goroutine only after 10 ms, so in `gleaner serve`
// a feed reader's request waited behind parsing, merging and writing
// for whole slices of that: with wrk's gzip load during a cold sweep of
// 600 feeds, p99 was 46–62 ms. Poll work now steps aside every half
// millisecond, and a request waits for at most that much of it.
const paceSlice = 500 * time.Microsecond

// Pacer yields the processor from a loop of long work, at most once per
// paceSlice: a time check costs nanoseconds, where yielding after every
// unit of work cost a few per cent of a cold poll. The zero value is
// ready; a Pacer belongs to one goroutine.
type Pacer struct{ last time.Time }

// Pace yields when the work has run for paceSlice since it last did.
func (p *Pacer) Pace() {
	now := time.Now()
	if p.last.IsZero() {
		p.last = now
		return
	}
	if now.Sub(p.last) < paceSlice {
		return
	}
	yield()
	p.last = time.Now()
}

// yield lets other goroutines run, including those whose network
// events are waiting to be noticed.
//
// runtime.Gosched alone is not enough for a feed reader's request: the
// scheduler polls the network only when its run queues are empty, and
// otherwise every 10 ms, and a goroutine yielding by Gosched stays in
// the queue. Instead the goroutine waits on a pipe that a second
// goroutine writes to: it leaves the run queue, and the network's
// waiting goroutines wake with it. With wrk offering 2,000 gzip
// requests a second during a cold sweep of 600 feeds, p50 went from
// 3.6–4.3 to 1.3–1.4 ms and p99 from 19.8–21.1 to 11.5–14.3 ms (0.3 and
// 1.0 ms idle). A yield costs 13 µs instead of 0.1 (BenchmarkYield),
// 2.6 % of a paceSlice. Under a load that keeps the run queues full the
// pipe is read only when they empty, so poll work gets fewer turns:
// with wrk's saturating load the sweep took 17.0–20.8 s instead of
// 11.2–13.5, and readers got 9,220–10,139 answers a second instead of
// 7,138–8,007. A feed reader comes first.
func yield() {
	startWaker()
	p := takeWakePipe()
	if p == nil {
		runtime.Gosched()
		return
	}
	wakes <- p.w
	var b [1]byte
	if _, err := p.r.Read(b[:]); err != nil {
		p.close()
		return
	}
	select {
	case wakePipes <- p:
	default:
		p.close()
	}
}

// wakePipe is a pipe that a yielding goroutine waits on.
type wakePipe struct{ r, w *os.File }

func (p *wakePipe) close() {
	p.r.Close()
	p.w.Close()
}

var (
	// wakePipes keeps pipes for reuse, one per goroutine yielding at once.
	wakePipes = make(chan *wakePipe, 16)
	// wakes carries the pipe to write to, to the goroutine that does.
	wakes = make(chan *os.File)
)

// startWaker starts the goroutine that writes to yielding goroutines'
// pipes.
var startWaker = sync.OnceFunc(func() {
	go func() {
		one := []byte{1}
		for w := range wakes {
			if _, err := w.Write(one); err != nil {
				// The reader then reads EOF instead of waiting forever.
				w.Close()
			}
		}
	}()
})

// takeWakePipe returns a pipe from the pool, or a new one; nil when the
// process has no file descriptors to spare.
func takeWakePipe() *wakePipe {
	select {
	case p := <-wakePipes:
		return p
	default:
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil
	}
	return &wakePipe{r: r, w: w}
}

// PacedReader paces the work of whoever reads r: a parser reading a
// large document steps aside between reads.
func PacedReader(r io.Reader) io.Reader { return &pacedReader{r: r} }

type pacedReader struct {
	r io.Reader
	p Pacer
}

func (r *pacedReader) Read(b []byte) (int, error) {
	r.p.Pace()
	return r.r.Read(b)
}
