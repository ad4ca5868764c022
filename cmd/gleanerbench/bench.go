package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // to count what gleaner stored
)

// bench is one run: a work folder, the built binaries and a running farm.
type bench struct {
	o       options
	log     io.Writer
	dir     string
	gleaner string
	farm    *exec.Cmd
	farmURL string
	config  string
	loader  loader // the serving tests' load generator
}

func newBench(ctx context.Context, o options, log io.Writer) (*bench, error) {
	dir, err := os.MkdirTemp("", "gleanerbench")
	if err != nil {
		return nil, err
	}
	b := &bench{o: o, log: log, dir: dir, loader: goLoader{why: "-loader go"}}
	if o.loader != "go" {
		wrk, found, err := newWrkLoader(dir)
		switch {
		case err != nil:
			return nil, err
		case found:
			b.loader = wrk
		case o.loader == "auto":
			b.loader = goLoader{why: "no wrk on PATH"}
		default:
			return nil, fmt.Errorf("-loader wrk: wrk not found on PATH (apt-get install wrk)")
		}
	}
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	for _, name := range []string{"gleaner", "feedfarm"} {
		out := filepath.Join(dir, name)
		cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/"+name)
		// Built as the README installs it: a static binary, without the C
		// library that cgo (net's resolver) would link and map in.
		cmd.Dir, cmd.Stderr, cmd.Env = root, log, append(os.Environ(), "CGO_ENABLED=0")
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("build %s: %w", name, err)
		}
	}
	b.gleaner = filepath.Join(dir, "gleaner")
	if err := b.startFarm("farm"); err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

// startFarm starts a feed farm of b.o.feeds feeds, writing its files
// into the folder name of the work folder; b's polls go to it.
func (b *bench) startFarm(name string) error {
	o, farmDir := b.o, filepath.Join(b.dir, name)
	b.farm = exec.Command(filepath.Join(b.dir, "feedfarm"), "-feeds", fmt.Sprint(o.feeds), "-items", fmt.Sprint(o.items),
		"-seed", fmt.Sprint(o.seed), "-change", fmt.Sprint(o.change), "-new", fmt.Sprint(o.newItems),
		"-listen", "127.0.0.1:0", "-out", farmDir)
	b.farm.Stderr = b.log
	stdout, err := b.farm.StdoutPipe()
	if err != nil {
		return err
	}
	if err := b.farm.Start(); err != nil {
		return fmt.Errorf("start feedfarm: %w", err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return fmt.Errorf("feedfarm printed no address: %w", err)
	}
	// "feedfarm listening on http://ADDR (N feeds)"
	b.farmURL = ""
	for _, f := range strings.Fields(line) {
		if strings.HasPrefix(f, "http://") {
			b.farmURL = f
		}
	}
	if b.farmURL == "" {
		return fmt.Errorf("feedfarm said %q", line)
	}
	go io.Copy(io.Discard, stdout)
	b.config = filepath.Join(farmDir, "gleaner.yaml")
	if o.tagsFrom != "" {
		if err := useTagging(b.config, o.tagsFrom); err != nil {
			return err
		}
	}
	if o.noMerge {
		return turnMergingOff(b.config)
	}
	return nil
}

// stopFarm stops the farm, if one runs.
func (b *bench) stopFarm() {
	if b.farm != nil && b.farm.Process != nil {
		b.farm.Process.Signal(os.Interrupt)
		b.farm.Wait()
	}
	b.farm = nil
}

func (b *bench) close() {
	b.stopFarm()
	if !b.o.keep {
		os.RemoveAll(b.dir)
	} else {
		fmt.Fprintln(b.log, "work folder kept:", b.dir)
	}
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run gleanerbench from inside the gleaner module")
	}
	return filepath.Dir(mod), nil
}

// farmStats are the feed farm's counters since its last reset.
type farmStats struct {
	Requests int64            `json:"requests"`
	Status   map[string]int64 `json:"status"`
	Bytes    int64            `json:"bytes"`
	Round    int              `json:"round"`
}

func (b *bench) farmPost(ctx context.Context, path string) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, b.farmURL+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: %s", path, resp.Status)
	}
	return nil
}

func (b *bench) stats(ctx context.Context) (farmStats, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.farmURL+"/-/stats", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return farmStats{}, err
	}
	defer resp.Body.Close()
	// Counters since the last reset, which pollCycle does before polling.
	var raw struct {
		Round int       `json:"round"`
		Since farmStats `json:"since_start"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		return farmStats{}, fmt.Errorf("farm stats: %w", err)
	}
	raw.Since.Round = raw.Round
	return raw.Since, nil
}

// processUse is what one run of a program cost.
type processUse struct {
	Wall time.Duration
	// Service is the time a running service logged for the work, from
	// its start to its end (zero for a process run to completion).
	Service time.Duration
	CPU     time.Duration
	PeakRSS int64 // bytes
	// Written is what the process sent to storage, in bytes (Linux
	// counts it as pages are dirtied, a page once until written back):
	// what a cycle costs the disk, a card's wear on a small box.
	Written int64
	Output  string
	// Instructions are what it ran, with -instructions (else zero).
	Instructions instructions
}

// runGleaner runs the gleaner binary to completion and measures it.
// With -instructions it runs under cachegrind, which counts them.
func (b *bench) runGleaner(ctx context.Context, args ...string) (processUse, error) {
	name, argv := b.gleaner, append(args[:1:1], append([]string{"-config", b.config}, args[1:]...)...)
	counts := ""
	if b.o.instructions {
		counts = filepath.Join(b.dir, "cachegrind.out")
		name, argv = "valgrind", append([]string{"--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=" + counts, b.gleaner}, argv...)
	}
	cmd := exec.CommandContext(ctx, name, argv...)
	if counts != "" {
		// Valgrind 3.19 does not know RDTSCP, which Go's runtime reads
		// the clock with where the processor has it.
		cmd.Env = append(os.Environ(), "GODEBUG=cpu.rdtscp=off")
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	use := processUse{Wall: time.Since(start), Output: out.String()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		use.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		use.PeakRSS = ru.Maxrss * 1024 // kilobytes on Linux
		use.Written = ru.Oublock * 512 // blocks of 512 bytes on Linux
	}
	if err != nil {
		return use, fmt.Errorf("gleaner %s: %w\n%s", strings.Join(args, " "), err, errOut.String())
	}
	if counts != "" {
		f, err := os.Open(counts)
		if err != nil {
			return use, fmt.Errorf("gleaner %s under cachegrind: %w", strings.Join(args, " "), err)
		}
		defer f.Close()
		if use.Instructions, err = readInstructions(f); err != nil {
			return use, fmt.Errorf("read %s: %w", counts, err)
		}
	}
	return use, nil
}

// storeFacts is what the store holds after a cycle.
type storeFacts struct {
	Entries, Items int
	// Merged items hold copies from more than one source; MergedEntries
	// are the entries in them. A change that should only make gleaner
	// faster must leave these as they were on the same farm.
	Merged, MergedEntries int
	Size                  int64 // bytes of the database, WAL and index files
}

// storeFiles names the files of a configuration's store (storeFilesAt).
func storeFiles(config string) []string {
	return storeFilesAt(filepath.Join(filepath.Dir(config), "gleaner.db"))
}

// storeFilesAt names a store's files: the database, its WAL and its
// shared memory.
func storeFilesAt(db string) []string {
	return []string{db, db + "-wal", db + "-shm"}
}

// dbFacts counts what the store of a configuration holds and how big its
// files are.
func (b *bench) dbFacts(ctx context.Context, config string) (storeFacts, error) {
	var f storeFacts
	files := storeFiles(config)
	for _, file := range files {
		if fi, err := os.Stat(file); err == nil {
			f.Size += fi.Size()
		}
	}
	conn, err := sql.Open("sqlite", "file:"+files[0]+"?mode=ro")
	if err != nil {
		return f, err
	}
	defer conn.Close()
	err = conn.QueryRowContext(ctx, `
		SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM items),
			count(*), coalesce(sum(n), 0)
		FROM (SELECT count(*) AS n FROM entries GROUP BY item_id HAVING count(DISTINCT source) > 1)`).
		Scan(&f.Entries, &f.Items, &f.Merged, &f.MergedEntries)
	return f, err
}

// machine describes where the figures come from.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d CPUs visible to Go, %s %s/%s", model, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
