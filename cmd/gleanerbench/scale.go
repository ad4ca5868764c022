package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"
)

// The scaling test holds the cold cycle at -feeds against the same cycle
// at -scale-from feeds, both measured in one run and interleaved (base,
// large, base, large, base for two pairs): the machine's speed drifts by
// a third within the hour, so a ratio between two runs made at different
// times says as much about the machine as about gleaner.

// scaleRun is one cold `gleaner poll` of the scaling test, and its
// merging scored against the farm's truth: a change that makes a large
// farm cheaper by looking at fewer candidates shows there.
type scaleRun struct {
	Feeds int
	Cycle cycle
	Merge mergeScore
}

// scaleReport is the scaling test's runs, in the order they ran.
type scaleReport struct {
	machine     string
	base, large int
	items       int
	tagsFrom    string // see options
	noMerge     bool
	runs        []scaleRun
	lost        []string
}

// scaleSummary is the medians of one size's cold cycles.
type scaleSummary struct {
	Feeds      int
	Runs       int
	Wall, CPU  spread
	Fetch      spread // the bare fetch after each cycle
	PeakRSSMiB float64
}

func (r *scaleReport) summary(feeds int) scaleSummary {
	s := scaleSummary{Feeds: feeds}
	var walls, cpus, fetches []time.Duration
	for _, run := range r.runs {
		if run.Feeds != feeds {
			continue
		}
		s.Runs++
		walls, cpus, fetches = append(walls, run.Cycle.Use.Wall), append(cpus, run.Cycle.Use.CPU), append(fetches, run.Cycle.Baseline)
		s.PeakRSSMiB = max(s.PeakRSSMiB, float64(run.Cycle.Use.PeakRSS)/(1<<20))
	}
	s.Wall, s.CPU, s.Fetch = spreadOf(walls), spreadOf(cpus), spreadOf(fetches)
	return s
}

// scaling is how the large size's cold cycle compares with the base's:
// the ratios of their medians, and those ratios over the ratio of feeds
// (1 is linear; above 1, each feed costs more in the larger farm).
type scaling struct {
	Feeds, Wall, CPU, Fetch float64 // large over base
	WallOverLinear          float64
	CPUOverLinear           float64
	// CPUPerDoubling is how much the CPU a feed grows each time the feeds
	// double, if it grows evenly: a figure that sizes of different
	// ratios (600 to 5,000, 5,000 to 10,000) can be compared by.
	CPUPerDoubling float64
}

func scalingOf(base, large scaleSummary) scaling {
	ratio := func(a, b time.Duration) float64 {
		if b <= 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	s := scaling{
		Feeds: float64(large.Feeds) / float64(base.Feeds),
		Wall:  ratio(large.Wall.Median, base.Wall.Median),
		CPU:   ratio(large.CPU.Median, base.CPU.Median),
		Fetch: ratio(large.Fetch.Median, base.Fetch.Median),
	}
	s.WallOverLinear, s.CPUOverLinear = s.Wall/s.Feeds, s.CPU/s.Feeds
	if s.Feeds > 1 && s.CPUOverLinear > 0 {
		s.CPUPerDoubling = math.Pow(s.CPUOverLinear, 1/math.Log2(s.Feeds))
	}
	return s
}

// bracketed is the scaling test's other estimate: each large run against
// the mean of the base runs just before and after it, over the ratio of
// feeds. The ratio of medians compares runs made at different times: on
// 2026-12-01 at 07:15 the machine slowed partway through the run, three
// of the five 5,000-feed runs fell in its quicker first part and their
// median with them, and the medians said 1.06× linear in CPU where each
// 5,000-feed run against the 600-feed runs either side of it said
// 1.08–1.16×. A steady drift cancels between the two runs that bracket a
// large one, and a change of speed moves only the pair it falls in.
type bracketed struct {
	CPU, Wall []float64 // over linear, one a large run, in the order they ran
}

func (r *scaleReport) bracketed() bracketed {
	var b bracketed
	feeds := float64(r.large) / float64(r.base)
	for i := 1; i+1 < len(r.runs); i++ {
		before, run, after := r.runs[i-1], r.runs[i], r.runs[i+1]
		if run.Feeds != r.large || before.Feeds != r.base || after.Feeds != r.base {
			continue
		}
		over := func(use func(processUse) time.Duration) float64 {
			base := (use(before.Cycle.Use) + use(after.Cycle.Use)) / 2
			if base <= 0 {
				return 0
			}
			return float64(use(run.Cycle.Use)) / float64(base) / feeds
		}
		b.CPU = append(b.CPU, over(func(u processUse) time.Duration { return u.CPU }))
		b.Wall = append(b.Wall, over(func(u processUse) time.Duration { return u.Wall }))
	}
	return b
}

// scaleOrder is the order of the sizes: the base first and last, the
// large size between each two runs of it.
func scaleOrder(base, large, pairs int) []int {
	order := []int{base}
	for range pairs {
		order = append(order, large, base)
	}
	return order
}

// scale runs the scaling test: b's farm is the large size; a second farm
// serves the base size.
func (b *bench) scale(ctx context.Context) (*scaleReport, error) {
	r := &scaleReport{machine: machine(), base: b.o.scaleFrom, large: b.o.feeds, items: b.o.items, tagsFrom: b.o.tagsFrom, noMerge: b.o.noMerge}
	small := *b
	small.o.feeds = b.o.scaleFrom
	if err := small.startFarm(fmt.Sprintf("farm-%d", small.o.feeds)); err != nil {
		small.stopFarm()
		return nil, err
	}
	defer small.stopFarm()
	sizes := map[int]*bench{b.o.feeds: b, small.o.feeds: &small}
	var stores []string // each run's store, kept until every run is over
	for i, feeds := range scaleOrder(small.o.feeds, b.o.feeds, b.o.pairs) {
		at := sizes[feeds]
		fmt.Fprintf(b.log, "gleanerbench: scaling, run %d: cold cycle, %d feeds × %d items\n", i+1, feeds, b.o.items)
		if err := at.freshStore(); err != nil {
			return nil, err
		}
		c, err := at.pollCycle(ctx, "cold", feeds*b.o.items)
		if err != nil {
			return nil, err
		}
		if c.NewItems != c.Expected {
			r.lost = append(r.lost, fmt.Sprintf("run %d (%d feeds) stored %d new entries, the farm has %d", i+1, feeds, c.NewItems, c.Expected))
		}
		// The store is scored once every run is over: scoring holds the
		// farm's stories and the store's entries in this process, and
		// Linux counts a parent's peak RSS into the peak of each child it
		// starts after (the child runs in the parent's memory until its
		// exec), so a later run's figure would be this process's.
		kept, err := keepStore(at.config, fmt.Sprintf("scaled-%d.db", i+1))
		if err != nil {
			return nil, err
		}
		r.runs = append(r.runs, scaleRun{Feeds: feeds, Cycle: c})
		stores = append(stores, kept)
	}
	stories := map[int]map[[2]string]string{} // each farm's, read once
	for i, kept := range stores {
		feeds := r.runs[i].Feeds
		if stories[feeds] == nil {
			var err error
			if stories[feeds], err = sizes[feeds].farmStories(ctx); err != nil {
				return nil, err
			}
		}
		var err error
		if r.runs[i].Merge, err = scoreStore(ctx, kept, stories[feeds]); err != nil {
			return nil, err
		}
		if err := removeStore(kept); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// keepStore moves the store of a configuration aside, under name in the
// same folder, and returns its path.
func keepStore(config, name string) (string, error) {
	kept := filepath.Join(filepath.Dir(config), name)
	return kept, moveStore(storeFiles(config)[0], kept)
}

// putBackStore moves a store that keepStore set aside back to where its
// configuration keeps it, over whatever is there.
func putBackStore(kept, config string) error {
	if err := removeStore(storeFiles(config)[0]); err != nil {
		return err
	}
	return moveStore(kept, storeFiles(config)[0])
}

// moveStore renames the store at from, with its WAL and shared memory,
// to to; files it does not have are skipped.
func moveStore(from, to string) error {
	dst := storeFilesAt(to)
	for i, file := range storeFilesAt(from) {
		if err := os.Rename(file, dst[i]); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// removeStore removes the store at path, with its WAL and shared memory.
func removeStore(path string) error {
	for _, file := range storeFilesAt(path) {
		if err := os.Remove(file); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// freshStore removes the store of b's farm's configuration, so that the
// next poll is a cold one.
func (b *bench) freshStore() error { return removeStore(storeFiles(b.config)[0]) }

func (r *scaleReport) write(w io.Writer) {
	fmt.Fprintf(w, "# gleaner scaling: %d against %d feeds × %d items, cold `gleaner poll`\n\n", r.large, r.base, r.items)
	fmt.Fprintf(w, "Machine: %s\n\n", r.machine)
	if r.tagsFrom != "" {
		fmt.Fprintf(w, "Tagging: the rules and extractors of %s.\n\n", r.tagsFrom)
	}
	if r.noMerge {
		fmt.Fprint(w, "Merging off (`merge.enabled: false`): recall and precision are 0 by design.\n\n")
	}
	fmt.Fprintln(w, "| run | feeds | wall | CPU s | peak RSS | bare fetch (baseline) | new entries | DB size | merging recall | precision |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	for i, run := range r.runs {
		c := run.Cycle
		fmt.Fprintf(w, "| %d | %d | %.2f s | %.2f | %.1f MiB | %.2f s | %d | %.0f MB | %.1f %% | %.1f %% |\n", i+1, run.Feeds, c.Use.Wall.Seconds(),
			c.Use.CPU.Seconds(), float64(c.Use.PeakRSS)/(1<<20), c.Baseline.Seconds(), c.NewItems, float64(c.DBSize)/1e6,
			100*run.Merge.recall(), 100*run.Merge.precision())
	}
	base, large := r.summary(r.base), r.summary(r.large)
	s := scalingOf(base, large)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| feeds | runs | wall, median | wall, range | CPU s, median | CPU s per 1,000 feeds | bare fetch, median |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, m := range []scaleSummary{base, large} {
		fmt.Fprintf(w, "| %d | %d | %.2f s | %.2f–%.2f s | %.2f | %.2f | %.2f s |\n", m.Feeds, m.Runs, m.Wall.Median.Seconds(),
			m.Wall.Min.Seconds(), m.Wall.Max.Seconds(), m.CPU.Median.Seconds(), m.CPU.Median.Seconds()*1000/float64(m.Feeds), m.Fetch.Median.Seconds())
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%.2f× the feeds took %.2f× the wall time (%.2f× linear) and %.2f× the CPU (%.2f× linear); the bare fetch %.2f×.\n",
		s.Feeds, s.Wall, s.WallOverLinear, s.CPU, s.CPUOverLinear, s.Fetch)
	if s.CPUPerDoubling > 0 {
		fmt.Fprintf(w, "The CPU a feed grew %.3f× for each doubling of the feeds (%.2f doublings).\n", s.CPUPerDoubling, math.Log2(s.Feeds))
	}
	if b := r.bracketed(); len(b.CPU) > 0 {
		cpu, cpuLo, cpuHi := medianOf(b.CPU)
		wall, wallLo, wallHi := medianOf(b.Wall)
		fmt.Fprintf(w, "Each %d-feed run against the %d-feed runs either side of it, which cancels a steady drift of the machine's speed: %.2f× linear in CPU (median of %d; %.2f–%.2f×), %.2f× in wall time (%.2f–%.2f×).\n",
			r.large, r.base, cpu, len(b.CPU), cpuLo, cpuHi, wall, wallLo, wallHi)
	}
	if n, ok := r.instructionScaling(); ok {
		n.write(w, r.base, r.large)
	}
	if len(r.lost) == 0 {
		fmt.Fprintln(w, "\nItems lost: none (every run stored every item the farm serves).")
	} else {
		fmt.Fprintln(w, "\nItems lost:")
		for _, l := range r.lost {
			fmt.Fprintln(w, "-", l)
		}
	}
}
