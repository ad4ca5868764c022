// Command gleanerbench measures gleaner end to end on this machine: it
// starts a feed farm (cmd/feedfarm) on loopback, runs the real gleaner
// binary against it, and prints the figures of BENCHMARKS.md: a cold
// poll cycle, an all-304 cycle and an incremental cycle (feeds/s, items/s,
// CPU seconds, peak RSS, database size, requests; each repeated, -repeat,
// for its median and range, the cold one on fresh stores), then the HTTP
// server's throughput for a cached output and for 304 answers under 64 concurrent
// connections, and its latency while a poll cycle runs. Each figure comes
// with a baseline measured in the same run (a bare fetch of every feed; a
// static file server), because these machines are noisy. The serving
// load comes from wrk when it is on PATH (-loader), else from a Go client.
//
//	go run ./cmd/gleanerbench -feeds 600
//	go run ./cmd/gleanerbench -feeds 5000
//	go run ./cmd/gleanerbench -feeds 5000 -scale-from 600  # linear? interleaved cold cycles
//	go run ./cmd/gleanerbench -feeds 600 -tags-from config.yaml  # the shipped rules
//	go run ./cmd/gleanerbench -feeds 5000 -keys-of ../shared/corpus/realworld  # the farm's wording against real feeds'
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gleanerbench:", err)
		os.Exit(1)
	}
}

type options struct {
	feeds, items int
	seed         int
	change       float64
	newItems     int
	repeat       int     // runs of the cold, all-304 and incremental cycles
	load         int     // concurrent connections
	rate         float64 // requests a second offered in the paced serving test
	loadSeconds  float64 // per load test
	keep         bool
	loader       string // auto, wrk or go
	scaleFrom    int    // the scaling test's base size; 0: the full run
	pairs        int    // the scaling test's runs at -feeds
	tagsFrom     string // a gleaner configuration whose tagging the cycles use
	noMerge      bool   // the farm's configuration with merge.enabled: false
	keysOf       string // run only the key-sharing test against the feeds in this folder
	instructions bool   // the scaling test's polls run under valgrind's cachegrind, which counts instructions
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gleanerbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.IntVar(&o.feeds, "feeds", 600, "number of feeds in the farm")
	fs.IntVar(&o.items, "items", 40, "items per feed")
	fs.IntVar(&o.seed, "seed", 1, "farm seed")
	fs.Float64Var(&o.change, "change", 0.10, "share of feeds with new items in the incremental cycle")
	fs.IntVar(&o.newItems, "new", 5, "new items per changed feed")
	fs.IntVar(&o.repeat, "repeat", 5, "runs of the cold (each on a fresh store), all-304 and incremental `gleaner poll` cycles, for their median and range")
	fs.IntVar(&o.load, "connections", 64, "concurrent connections in the serving tests")
	fs.Float64Var(&o.loadSeconds, "seconds", 5, "duration of each serving test")
	fs.Float64Var(&o.rate, "rate", 2000, "requests a second offered in the paced serving test (0: skip it)")
	fs.BoolVar(&o.keep, "keep", false, "keep the work folder")
	fs.StringVar(&o.loader, "loader", "auto", "serving tests' load generator: wrk, go (the harness's own client), or auto (wrk when on PATH)")
	fs.IntVar(&o.scaleFrom, "scale-from", 0, "run only the scaling test: cold `gleaner poll` cycles at this many feeds and at -feeds, interleaved")
	fs.IntVar(&o.pairs, "pairs", 5, "the scaling test's cold cycles at -feeds (the base size runs one more)")
	fs.StringVar(&o.tagsFrom, "tags-from", "", "tag with the rules and extractors of this gleaner configuration (such as config.yaml) instead of the farm's one rule")
	fs.StringVar(&o.keysOf, "keys-of", "", "run only the key-sharing test: how many entries share each sketch key in the feed files under this folder, in the farm with as many entries, and in the farm of -feeds")
	fs.BoolVar(&o.instructions, "instructions", false, "with -scale-from: run each cold poll under valgrind's cachegrind and report the instructions it ran, which the machine's speed does not move (about 15× slower; -pairs 1 is usually enough)")
	merge := fs.Bool("merge", true, "merge copies of one story (false: the farm's configuration says merge.enabled: false, to measure what merging costs)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.noMerge = !*merge
	if o.repeat < 1 {
		return fmt.Errorf("-repeat %d: want 1 or more", o.repeat)
	}
	if o.loader != "auto" && o.loader != "wrk" && o.loader != "go" {
		return fmt.Errorf("-loader %q: want auto, wrk or go", o.loader)
	}
	if o.scaleFrom < 0 || o.scaleFrom > 0 && (o.scaleFrom >= o.feeds || o.pairs < 1) {
		return fmt.Errorf("-scale-from %d -feeds %d -pairs %d: want 0 < -scale-from < -feeds and -pairs 1 or more", o.scaleFrom, o.feeds, o.pairs)
	}
	if o.instructions {
		if o.scaleFrom == 0 {
			return errors.New("-instructions: only with -scale-from")
		}
		if _, err := exec.LookPath("valgrind"); err != nil {
			return fmt.Errorf("-instructions: %w (apt-get install valgrind)", err)
		}
	}
	if o.keysOf != "" {
		report, err := keysOf(ctx, o, o.keysOf)
		if err != nil {
			return err
		}
		report.write(stdout)
		return nil
	}
	b, err := newBench(ctx, o, stderr)
	if err != nil {
		return err
	}
	defer b.close()
	if o.scaleFrom > 0 {
		report, err := b.scale(ctx)
		if err != nil {
			return err
		}
		report.write(stdout)
		return nil
	}
	report, err := b.run(ctx)
	if err != nil {
		return err
	}
	report.write(stdout)
	return nil
}
