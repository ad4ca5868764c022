package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// instructions counts what one process ran, from cachegrind's output:
// the same work runs the same instructions however fast the machine is
// at the time, where its CPU seconds moved by a tenth between runs of
// this harness within the hour. Two cold 600-feed polls differed by
// 2.6 % in all and by 0.06 % outside the Go runtime, whose scheduler
// spins for as long as it waits.
type instructions struct {
	Total   int64
	Runtime int64 // in package runtime and internal/runtime/...: the scheduler, the allocator, the collector
}

// Outside is what ran outside the Go runtime: gleaner, its libraries,
// SQLite.
func (n instructions) Outside() int64 { return n.Total - n.Runtime }

// readInstructions sums a cachegrind output file (events: Ir) by
// function: "fn=" names the function the count lines below it belong
// to, each "line count"; "summary:" gives the total.
func readInstructions(r io.Reader) (instructions, error) {
	var n instructions
	var sum int64
	inRuntime, summary := false, false
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "events:"):
			if f := strings.Fields(line); len(f) < 2 || f[1] != "Ir" {
				return n, fmt.Errorf("events %q: want Ir first", strings.TrimPrefix(line, "events:"))
			}
		case strings.HasPrefix(line, "fn="):
			fn := line[len("fn="):]
			inRuntime = strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "internal/runtime/")
		case strings.HasPrefix(line, "summary:"):
			total, err := strconv.ParseInt(strings.TrimSpace(line[len("summary:"):]), 10, 64)
			if err != nil {
				return n, fmt.Errorf("summary: %w", err)
			}
			n.Total, summary = total, true
		case line != "" && line[0] >= '0' && line[0] <= '9':
			f := strings.Fields(line)
			if len(f) < 2 {
				continue
			}
			count, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return n, fmt.Errorf("count line %q: %w", line, err)
			}
			sum += count
			if inRuntime {
				n.Runtime += count
			}
		}
	}
	if err := sc.Err(); err != nil {
		return n, err
	}
	if !summary {
		return n, errors.New("no summary line: cachegrind did not finish")
	}
	if sum != n.Total {
		return n, fmt.Errorf("functions add up to %d instructions, the summary says %d", sum, n.Total)
	}
	return n, nil
}

// instructionScaling is the scaling test's figures in instructions: the
// median of each size's runs, and the large size's over the base's over
// the ratio of feeds (1 is linear).
type instructionScaling struct {
	Base, Large               instructions
	OverLinear, OutsideLinear float64
}

func (r *scaleReport) instructionScaling() (instructionScaling, bool) {
	median := func(feeds int) (instructions, bool) {
		var totals, outside []float64
		for _, run := range r.runs {
			if n := run.Cycle.Use.Instructions; run.Feeds == feeds && n.Total > 0 {
				totals, outside = append(totals, float64(n.Total)), append(outside, float64(n.Outside()))
			}
		}
		if len(totals) == 0 {
			return instructions{}, false
		}
		t, _, _ := medianOf(totals)
		o, _, _ := medianOf(outside)
		return instructions{Total: int64(t), Runtime: int64(t - o)}, true
	}
	base, ok := median(r.base)
	large, ok2 := median(r.large)
	if !ok || !ok2 {
		return instructionScaling{}, false
	}
	feeds := float64(r.large) / float64(r.base)
	return instructionScaling{
		Base: base, Large: large,
		OverLinear:    float64(large.Total) / float64(base.Total) / feeds,
		OutsideLinear: float64(large.Outside()) / float64(base.Outside()) / feeds,
	}, true
}

func (s instructionScaling) write(w io.Writer, base, large int) {
	fmt.Fprintln(w, "\nInstructions (cachegrind; wall and CPU above are under valgrind, and its peak RSS is valgrind's):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| feeds | instructions, median | outside the Go runtime | per feed, outside the runtime |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, m := range []struct {
		feeds int
		n     instructions
	}{{base, s.Base}, {large, s.Large}} {
		fmt.Fprintf(w, "| %d | %.2f billion | %.2f billion | %.1f million |\n", m.feeds, float64(m.n.Total)/1e9,
			float64(m.n.Outside())/1e9, float64(m.n.Outside())/1e6/float64(m.feeds))
	}
	fmt.Fprintf(w, "\n%.2f× the feeds ran %.3f× linear in instructions, %.3f× outside the Go runtime.\n",
		float64(large)/float64(base), s.OverLinear, s.OutsideLinear)
}
