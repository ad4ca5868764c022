package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"
)

// repeated is one kind of `gleaner poll` cycle run several times: on a
// machine whose speed drifts by a third within the hour, a single short
// cycle says little, and its median and range say more.
type repeated struct {
	Name string
	Runs []processUse // the first is the one tabled in full
}

// spread is the median and range of a set of durations.
type spread struct{ Median, Min, Max time.Duration }

func spreadOf(ds []time.Duration) spread {
	m, least, greatest := medianOf(ds)
	return spread{Median: m, Min: least, Max: greatest}
}

// medianOf is the median of xs, with its least and greatest; zeros for
// none.
func medianOf[T time.Duration | float64](xs []T) (median, least, greatest T) {
	if len(xs) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	median = s[len(s)/2]
	if len(s)%2 == 0 {
		median = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return median, s[0], s[len(s)-1]
}

func (r repeated) wall() spread {
	return r.spreadBy(func(u processUse) time.Duration { return u.Wall })
}

func (r repeated) cpu() spread {
	return r.spreadBy(func(u processUse) time.Duration { return u.CPU })
}

func (r repeated) spreadBy(f func(processUse) time.Duration) spread {
	ds := make([]time.Duration, len(r.Runs))
	for i, u := range r.Runs {
		ds[i] = f(u)
	}
	return spreadOf(ds)
}

// repeatCycles runs the all-304 cycle, then the incremental one, until
// each has b.o.repeat runs, the tabled ones first. Every all-304 run
// must be answered 304 by every feed and store nothing; an incremental
// run that stores other than what the farm's round added is reported
// as lost, as the tabled cycles are.
func (b *bench) repeatCycles(ctx context.Context, idle, inc cycle) (reps []repeated, lost []string, err error) {
	all304 := repeated{Name: idle.Name, Runs: []processUse{idle.Use}}
	for range b.o.repeat - 1 {
		run, err := b.pollOnce(ctx, false)
		if err != nil {
			return nil, nil, err
		}
		if run.Farm.Status["304"] != int64(b.o.feeds) || run.added() != 0 {
			return nil, nil, fmt.Errorf("an all-304 cycle again: %d answers 304 of %d, %d new entries", run.Farm.Status["304"], b.o.feeds, run.added())
		}
		all304.Runs = append(all304.Runs, run.Use)
	}
	incremental := repeated{Name: inc.Name, Runs: []processUse{inc.Use}}
	for range b.o.repeat - 1 {
		if err := b.farmPost(ctx, "/-/round"); err != nil {
			return nil, nil, err
		}
		run, err := b.pollOnce(ctx, false)
		if err != nil {
			return nil, nil, err
		}
		if run.added() != inc.Expected {
			lost = append(lost, fmt.Sprintf("incremental cycle run %d stored %d new entries, the farm added %d", len(incremental.Runs)+1, run.added(), inc.Expected))
		}
		incremental.Runs = append(incremental.Runs, run.Use)
	}
	return []repeated{all304, incremental}, lost, nil
}

// coldAgain runs the cold cycle again, each time on a fresh store, until
// it has b.o.repeat runs, the tabled one first: a cold cycle of a few
// seconds moves by a quarter with the machine's phase, and the target is
// judged on it. The store the other cycles built is set aside meanwhile
// and put back, for the serving tests. A run that stores other than
// every item the farm serves is reported as lost.
func (b *bench) coldAgain(ctx context.Context, cold cycle) (rep repeated, lost []string, err error) {
	rep = repeated{Name: cold.Name, Runs: []processUse{cold.Use}}
	kept, err := keepStore(b.config, "set-aside.db")
	if err != nil {
		return rep, nil, err
	}
	defer func() {
		if back := putBackStore(kept, b.config); back != nil && err == nil {
			err = back
		}
	}()
	for range b.o.repeat - 1 {
		run, err := b.pollOnce(ctx, true)
		if err != nil {
			return rep, nil, err
		}
		if run.added() != cold.Expected {
			lost = append(lost, fmt.Sprintf("cold cycle run %d stored %d new entries, the farm serves %d", len(rep.Runs)+1, run.added(), cold.Expected))
		}
		rep.Runs = append(rep.Runs, run.Use)
		if err := b.freshStore(); err != nil {
			return rep, nil, err
		}
	}
	return rep, lost, nil
}

func writeRepeats(w io.Writer, reps []repeated) {
	if len(reps) == 0 || len(reps[0].Runs) < 2 {
		return
	}
	fmt.Fprintf(w, "The same `gleaner poll` cycles run %d times each (the first is the one above; each cold run on a fresh store, each incremental run after a farm round of its own):\n\n", len(reps[0].Runs))
	fmt.Fprintln(w, "| cycle | wall, median | wall, range | CPU s, median | CPU s, range |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, r := range reps {
		wall, cpu := r.wall(), r.cpu()
		fmt.Fprintf(w, "| %s | %.2f s | %.2f–%.2f s | %.2f | %.2f–%.2f |\n", r.Name, wall.Median.Seconds(),
			wall.Min.Seconds(), wall.Max.Seconds(), cpu.Median.Seconds(), cpu.Min.Seconds(), cpu.Max.Seconds())
	}
	fmt.Fprintln(w)
}
