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
	if len(ds) == 0 {
		return spread{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return spread{Median: m, Min: s[0], Max: s[len(s)-1]}
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
		use, st, added, err := b.pollAgain(ctx)
		if err != nil {
			return nil, nil, err
		}
		if st.Status["304"] != int64(b.o.feeds) || added != 0 {
			return nil, nil, fmt.Errorf("an all-304 cycle again: %d answers 304 of %d, %d new entries", st.Status["304"], b.o.feeds, added)
		}
		all304.Runs = append(all304.Runs, use)
	}
	incremental := repeated{Name: inc.Name, Runs: []processUse{inc.Use}}
	for range b.o.repeat - 1 {
		if err := b.farmPost(ctx, "/-/round"); err != nil {
			return nil, nil, err
		}
		use, _, added, err := b.pollAgain(ctx)
		if err != nil {
			return nil, nil, err
		}
		if added != inc.Expected {
			lost = append(lost, fmt.Sprintf("incremental cycle run %d stored %d new entries, the farm added %d", len(incremental.Runs)+1, added, inc.Expected))
		}
		incremental.Runs = append(incremental.Runs, use)
	}
	return []repeated{all304, incremental}, lost, nil
}

// pollAgain runs `gleaner poll` once and says what the farm answered and
// how many entries the store gained.
func (b *bench) pollAgain(ctx context.Context) (processUse, farmStats, int, error) {
	before, err := b.dbFacts(ctx, b.config)
	if err != nil {
		return processUse{}, farmStats{}, 0, err
	}
	if err := b.farmPost(ctx, "/-/reset-stats"); err != nil {
		return processUse{}, farmStats{}, 0, err
	}
	use, err := b.runGleaner(ctx, "poll")
	if err != nil {
		return use, farmStats{}, 0, err
	}
	st, err := b.stats(ctx)
	if err != nil {
		return use, st, 0, err
	}
	after, err := b.dbFacts(ctx, b.config)
	return use, st, after.Entries - before.Entries, err
}

func writeRepeats(w io.Writer, reps []repeated) {
	if len(reps) == 0 || len(reps[0].Runs) < 2 {
		return
	}
	fmt.Fprintf(w, "The same `gleaner poll` cycles run %d times each (the first is the one above; each incremental run after a farm round of its own):\n\n", len(reps[0].Runs))
	fmt.Fprintln(w, "| cycle | wall, median | wall, range | CPU s, median | CPU s, range |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, r := range reps {
		wall, cpu := r.wall(), r.cpu()
		fmt.Fprintf(w, "| %s | %.2f s | %.2f–%.2f s | %.2f | %.2f–%.2f |\n", r.Name, wall.Median.Seconds(),
			wall.Min.Seconds(), wall.Max.Seconds(), cpu.Median.Seconds(), cpu.Min.Seconds(), cpu.Max.Seconds())
	}
	fmt.Fprintln(w)
}
