// Command gleaner aggregates news feeds: it polls upstream feeds on
// schedules, merges and tags their items, stores them in SQLite and
// republishes curated RSS, Atom and JSON feeds.
//
// main is the only package that sees every other: it reads flags and
// configuration and wires concrete types together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"
	_ "time/tzdata"

	"github.com/gleaner/gleaner/aggregator/config" // per-source timezones must work on hosts without zoneinfo
	"github.com/gleaner/gleaner/internal/gcbudget"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `gleaner aggregates news feeds and republishes curated RSS, Atom and JSON feeds.

Usage:
  gleaner serve  [-config PATH]                scheduler and HTTP server until SIGINT/SIGTERM; SIGHUP reloads,
                                               SIGUSR1 polls every source now
  gleaner poll   [-config PATH] [SOURCE...]    poll the named sources (default: all) once and exit
  gleaner render [-config PATH] OUTPUT.EXT     print output OUTPUT as EXT (rss, atom or json)
  gleaner check  [-config PATH]                validate the configuration (exit 2 on problems)
  gleaner status [-config PATH]                print each source's health: state, last success, failures, next attempt
  gleaner retag  [-config PATH] [-dry-run]     re-tag stored items with the current rules; print per tag the items gained and lost
  gleaner explain [-config PATH] ITEM          print each tag of an item (id or link) and the term, field and position behind it
  gleaner version                              print the version

-config defaults to $GLEANER_CONFIG, then ./config.yaml.
`

// gcFloor is the Go runtime's memory the collector may fill before it
// runs (see gcbudget): about what the heap keeps resident anyway during a
// cold 600-feed poll.
const gcFloor = 30 << 20

// exitError carries an exit status other than 1.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func main() {
	runtime.MemProfileRate = memProfileRate(os.Getenv("GLEANER_MEMPROFILE"))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := profile(os.Getenv("GLEANER_CPUPROFILE"))
	stopBudget := gcbudget.Start(gcFloor)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopProfile()
	stopBudget()
	heapProfile(os.Getenv("GLEANER_MEMPROFILE"))
	stop()
	if err == nil {
		return
	}
	code := 1
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	var problems config.Problems
	switch {
	case errors.Is(err, flag.ErrHelp):
		code = 0
	case errors.As(err, &problems):
		// One PATH:LINE:COL: message per line, for editors and scripts.
		fmt.Fprintln(os.Stderr, problems)
	case err.Error() != "":
		fmt.Fprintln(os.Stderr, "gleaner:", err)
	}
	os.Exit(code)
}

// profile writes a CPU profile to path (when set) until the returned
// function is called: GLEANER_CPUPROFILE=cpu.out gleaner poll.
func profile(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gleaner: cpu profile:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "gleaner: cpu profile:", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// memProfileRate is how often allocations are sampled: never, unless a
// heap profile is asked for. The samples' records were 1.6 MB of a cold
// poll's peak, which no one read.
func memProfileRate(profilePath string) int {
	if profilePath == "" {
		return 0
	}
	return runtime.MemProfileRate
}

// heapProfile writes a heap profile to path (when set) at exit:
// GLEANER_MEMPROFILE=mem.out gleaner poll.
func heapProfile(path string) {
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gleaner: heap profile:", err)
		return
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		fmt.Fprintln(os.Stderr, "gleaner: heap profile:", err)
	}
}

// run is the whole program; tests call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &exitError{code: 2, err: errors.New("")}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "poll":
		return cmdPoll(ctx, rest, stdout, stderr)
	case "render":
		return cmdRender(ctx, rest, stdout, stderr)
	case "check":
		return cmdCheck(ctx, rest, stdout, stderr)
	case "status":
		return cmdStatus(ctx, rest, stdout, stderr)
	case "retag":
		return cmdRetag(ctx, rest, stdout, stderr)
	case "explain":
		return cmdExplain(ctx, rest, stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "gleaner", version)
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return &exitError{code: 2, err: fmt.Errorf("unknown command %q", cmd)}
}

// flags returns a FlagSet for a subcommand with the shared -config flag.
func flags(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("gleaner "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := os.Getenv("GLEANER_CONFIG")
	if def == "" {
		def = "config.yaml"
	}
	path := fs.String("config", def, "configuration `file`")
	return fs, path
}

// setup parses a subcommand's flags and loads the configuration.
func setup(name string, args []string, stderr io.Writer) (*flag.FlagSet, *config.Config, string, error) {
	fs, path := flags(name, stderr)
	if err := parseFlags(fs, args); err != nil {
		return nil, nil, "", err
	}
	cfg, err := loadConfig(*path)
	return fs, cfg, *path, err
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: 2, err: err}
	}
	return nil
}
