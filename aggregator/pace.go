package aggregator

import (
	"io"
	"runtime"
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
	runtime.Gosched()
	p.last = time.Now()
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
