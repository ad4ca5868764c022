package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// service is a running `gleaner serve` whose sweeps (logged as "swept
// every source") the harness waits for.
type service struct {
	cmd    *exec.Cmd
	config string
	base   string // the server's address, http://…
	sweeps chan sweepLine
}

// sweepLine is what the service logged about one sweep.
type sweepLine struct {
	Took     time.Duration
	New      int
	Sources  int
	received time.Time
}

// serviceCycles measures the three cycles inside one long-running
// `gleaner serve`, as a user runs it: the sweep at start over a fresh
// store (cold), then a refresh (SIGUSR1) with nothing changed, then one
// after a farm round. It uses a store of its own beside the poll cycles'.
func (b *bench) serviceCycles(ctx context.Context, expectNew int) ([]cycle, error) {
	config, err := b.serviceConfig("service")
	if err != nil {
		return nil, err
	}
	if err := b.farmPost(ctx, "/-/reset-stats"); err != nil {
		return nil, err
	}
	start := time.Now()
	svc, err := b.startService(config)
	if err != nil {
		return nil, err
	}
	defer svc.stop()

	total := b.o.feeds * b.o.items
	var cycles []cycle
	for _, step := range []struct {
		name     string
		round    bool
		expected int
	}{{"cold", false, total}, {"all-304", false, 0}, {"incremental", true, expectNew}} {
		c := cycle{Name: step.name, Feeds: b.o.feeds, Expected: step.expected}
		before, err := b.dbFacts(ctx, config)
		if err != nil && step.name != "cold" {
			return nil, err
		}
		cpu0, written0 := processCPU(svc.cmd.Process.Pid), processWritten(svc.cmd.Process.Pid)
		if step.name != "cold" {
			if step.round {
				if err := b.farmPost(ctx, "/-/round"); err != nil {
					return nil, err
				}
			}
			if err := b.farmPost(ctx, "/-/reset-stats"); err != nil {
				return nil, err
			}
			// The peak RSS of this sweep alone, not of the cold one.
			os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", svc.cmd.Process.Pid), []byte("5"), 0)
			start = time.Now()
			if err := svc.cmd.Process.Signal(syscall.SIGUSR1); err != nil {
				return nil, err
			}
		}
		sw, err := svc.wait(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s sweep: %w", step.name, err)
		}
		c.Use = processUse{Wall: sw.received.Sub(start), Service: sw.Took, CPU: processCPU(svc.cmd.Process.Pid) - cpu0,
			PeakRSS: peakRSS(svc.cmd.Process.Pid)}
		// What the sweep left to the writer's rest (held merge keys,
		// the checkpoint) is the sweep's to pay, not the next one's.
		c.Use.Written = settledWritten(ctx, svc.cmd.Process.Pid) - written0
		st, err := b.stats(ctx)
		if err != nil {
			return nil, err
		}
		c.Requests, c.Status, c.Bytes = st.Requests, st.Status, st.Bytes
		after, err := b.dbFacts(ctx, config)
		if err != nil {
			return nil, err
		}
		c.NewItems, c.DBSize, c.Store = after.Entries-before.Entries, after.Size, after
		c.ItemsSeen = int(st.Status["200"]) * b.o.items
		if c.Baseline, err = b.bareFetch(ctx, step.name != "cold"); err != nil {
			return nil, err
		}
		cycles = append(cycles, c)
	}
	return cycles, nil
}

// serviceConfig writes a copy of the farm's configuration into a folder
// of its own, so that the service's store lands beside it.
func (b *bench) serviceConfig(folder string) (string, error) {
	dir := filepath.Join(filepath.Dir(b.config), folder)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	raw, err := os.ReadFile(b.config)
	if err != nil {
		return "", err
	}
	config := filepath.Join(dir, "gleaner.yaml")
	return config, os.WriteFile(config, raw, 0o644)
}

// loadDuringColdSweep starts a service on a store of its own and
// load-tests its own output for as long as its sweep at start runs: the
// feed readers of a service that polls in the same process. With a
// rate (see loader), it then loads the idle service the same way, for
// a baseline.
func (b *bench) loadDuringColdSweep(ctx context.Context, header http.Header, rate float64) (during, idle loadResult, took time.Duration, err error) {
	// A store of its own each time: a service sweeps at start only the
	// sources that are due.
	config, err := b.serviceConfig(fmt.Sprintf("service-loaded-%.0f", rate))
	if err != nil {
		return during, idle, 0, err
	}
	svc, err := b.startService(config)
	if err != nil {
		return during, idle, 0, err
	}
	defer svc.stop()
	url := svc.base + "/feeds/all.rss"
	// The output grows from empty as the sweep stores items.
	anyBody := expect{status: http.StatusOK, maxBytes: 1 << 30}
	loading, stopLoad := context.WithCancel(ctx)
	done := b.loadUntil(loading, url, header, rate, anyBody)
	sw, err := svc.wait(ctx)
	stopLoad()
	res := <-done
	if err := errors.Join(err, res.err); err != nil || rate == 0 {
		return res.loadResult, idle, sw.Took, err
	}
	idle, err = b.loader.load(ctx, url, header, b.o.load, rate, time.Duration(b.o.loadSeconds*float64(time.Second)), anyBody)
	return res.loadResult, idle, sw.Took, err
}

func (b *bench) startService(config string) (*service, error) {
	cmd := exec.Command(b.gleaner, "serve", "-config", config)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("gleaner serve printed no address: %w", err)
	}
	go io.Copy(io.Discard, stdout)
	s := &service{cmd: cmd, config: config, base: strings.TrimSpace(strings.TrimPrefix(line, "listening on ")),
		sweeps: make(chan sweepLine, 4)}
	go func() {
		defer close(s.sweeps)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if line := sc.Text(); strings.Contains(line, `msg="swept every source"`) {
				s.sweeps <- parseSweep(line)
			}
		}
	}()
	return s, nil
}

// wait returns the next sweep the service logs.
func (s *service) wait(ctx context.Context) (sweepLine, error) {
	select {
	case sw, ok := <-s.sweeps:
		if !ok {
			return sw, fmt.Errorf("gleaner serve exited: %v", s.cmd.Wait())
		}
		return sw, nil
	case <-ctx.Done():
		return sweepLine{}, ctx.Err()
	}
}

func (s *service) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	s.cmd.Wait()
}

// parseSweep reads took, new and sources from a log/slog text line.
func parseSweep(line string) sweepLine {
	sw := sweepLine{received: time.Now()}
	for _, field := range strings.Fields(line) {
		k, v, _ := strings.Cut(field, "=")
		switch k {
		case "took":
			sw.Took, _ = time.ParseDuration(v)
		case "new":
			sw.New, _ = strconv.Atoi(v)
		case "sources":
			sw.Sources, _ = strconv.Atoi(v)
		}
	}
	return sw
}

// processCPU is the user and system time of a running process so far.
func processCPU(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which ends at the last ')':
	// utime and stime are the 12th and 13th, in clock ticks (100 a second).
	fields := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// processWritten is what a running process has sent to storage so far,
// in bytes: write_bytes of /proc/<pid>/io (0 when it cannot be read).
func processWritten(pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return 0
	}
	return writeBytes(string(raw))
}

// settledWritten is processWritten once it has stayed the same for a
// second (at most half a minute): the service at rest.
func settledWritten(ctx context.Context, pid int) int64 {
	last, still := processWritten(pid), 0
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for range 300 {
		select {
		case <-ctx.Done():
			return last
		case <-tick.C:
		}
		if n := processWritten(pid); n != last {
			last, still = n, 0
		} else if still++; still == 10 {
			break
		}
	}
	return last
}

// writeBytes reads write_bytes from the text of /proc/<pid>/io.
func writeBytes(procIO string) int64 {
	for _, line := range strings.Split(procIO, "\n") {
		if v, ok := strings.CutPrefix(line, "write_bytes:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}

// peakRSS is a running process's peak resident set (VmHWM) since it
// started or since the last write of 5 to its clear_refs.
func peakRSS(pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
