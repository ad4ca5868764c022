package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// A loader load-tests url with header on conns connections for d, or
// until ctx ends, and checks that every answer is want. With a rate
// above zero, the connections offer that many requests a second
// between them, each waiting a random time (Poisson arrivals) between
// an answer and its next request, as feed readers do; otherwise each
// asks again as soon as it is answered.
type loader interface {
	load(ctx context.Context, url string, header http.Header, conns int, rate float64, d time.Duration, want expect) (loadResult, error)
	String() string
}

// expect is the answer a load test must get: its status, and the bytes
// of an answer on average, headers included (wrk counts no more).
type expect struct {
	status             int
	minBytes, maxBytes int64
}

// headerBytes is more than any answer's status line and headers.
const headerBytes = 1024

// expectBody expects a 200 with body, changed by at most a share of its
// length (a poll may change the output while it is measured), plus
// the headers and the bodies cut off when the load ends.
func expectBody(body []byte, share float64) expect {
	n := float64(len(body))
	return expect{status: http.StatusOK, minBytes: int64(n * (1 - share)), maxBytes: int64(n*(1+share+0.05)) + headerBytes}
}

// expectNotModified expects 304s: headers only.
func expectNotModified() expect {
	return expect{status: http.StatusNotModified, maxBytes: headerBytes}
}

// goLoader is the harness's own client, for machines without wrk. It
// takes more of the two cores than wrk does, which the server then lacks.
type goLoader struct{ why string }

func (l goLoader) String() string { return "the harness's Go net/http client (" + l.why + ")" }

func (goLoader) load(ctx context.Context, url string, header http.Header, conns int, rate float64, d time.Duration, want expect) (loadResult, error) {
	return load(ctx, url, header, conns, rate, d, want.status), nil
}

// wrkLoader runs wrk, a load generator written in C on epoll: it needs
// a fraction of a Go client's CPU for the same requests, so on two
// cores more of them is left for the server being measured.
type wrkLoader struct {
	path    string
	dir     string // where the scripts of paced loads go
	script  string // prints the summary as one parseable line
	threads int
}

// wrkDone prints what the harness reads, on one line, when wrk ends.
const wrkDone = `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("gleanerbench requests=%d bytes=%d micros=%d errors=%d status=%d p50=%d p99=%d\n",
    summary.requests, summary.bytes, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
`

// wrkPaced makes each connection wait a random time before each
// request, exponentially distributed with a mean of gap ms: Poisson
// arrivals at the rate asked of all connections together.
const wrkPaced = `local gap = %d
function init(args) math.randomseed(os.time() + math.floor(os.clock() * 1e6)) end
function delay() return math.floor(-math.log(1 - math.random()) * gap) end
`

// newWrkLoader finds wrk on PATH; ok is false when it is absent.
func newWrkLoader(dir string) (l wrkLoader, ok bool, err error) {
	path, lookErr := exec.LookPath("wrk")
	if lookErr != nil {
		return wrkLoader{}, false, nil
	}
	script := filepath.Join(dir, "summary.lua")
	if err := os.WriteFile(script, []byte(wrkDone), 0o644); err != nil {
		return wrkLoader{}, false, err
	}
	return wrkLoader{path: path, dir: dir, script: script, threads: 2}, true, nil
}

func (l wrkLoader) String() string {
	return fmt.Sprintf("wrk (%d threads), a process of its own", l.threads)
}

func (l wrkLoader) load(ctx context.Context, url string, header http.Header, conns int, rate float64, d time.Duration, want expect) (loadResult, error) {
	script := l.script
	if rate > 0 {
		gap := max(1, int(float64(conns)*1000/rate+0.5))
		script = filepath.Join(l.dir, fmt.Sprintf("paced-%d.lua", gap))
		if err := os.WriteFile(script, []byte(fmt.Sprintf(wrkPaced, gap)+wrkDone), 0o644); err != nil {
			return loadResult{}, err
		}
	}
	args := []string{"-t", strconv.Itoa(l.threads), "-c", strconv.Itoa(conns),
		"-d", fmt.Sprintf("%ds", max(1, int(d.Round(time.Second).Seconds()))), "-s", script}
	for k, vs := range header {
		for _, v := range vs {
			args = append(args, "-H", k+": "+v)
		}
	}
	cmd := exec.CommandContext(ctx, l.path, append(args, url)...)
	// Interrupted, wrk stops and still prints its summary.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	runErr := cmd.Run()
	res, err := parseWrk(out.String(), want)
	if err != nil {
		return res, fmt.Errorf("wrk %s: %w (exit: %v; %s)", url, err, runErr, strings.TrimSpace(stderr.String()))
	}
	return res, nil
}

// parseWrk reads the summary line. wrk cannot check each status, so
// the bytes read per answer must fit want: a 304 carries headers only,
// a 200 its body and headers. Errors counts connections broken and
// statuses of 400 and above.
func parseWrk(out string, want expect) (loadResult, error) {
	_, line, found := strings.Cut(out, "gleanerbench ")
	if !found {
		return loadResult{}, fmt.Errorf("no summary in its output %q", out)
	}
	line, _, _ = strings.Cut(line, "\n")
	v := map[string]int64{}
	for field := range strings.FieldsSeq(line) {
		k, s, _ := strings.Cut(field, "=")
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return loadResult{}, fmt.Errorf("summary field %q: %w", field, err)
		}
		v[k] = n
	}
	res := loadResult{
		Requests: int(v["requests"]),
		Errors:   int(v["errors"] + v["status"]),
		Seconds:  float64(v["micros"]) / 1e6,
		P50:      time.Duration(v["p50"]) * time.Microsecond,
		P99:      time.Duration(v["p99"]) * time.Microsecond,
	}
	if res.Requests == 0 {
		return res, fmt.Errorf("no answers")
	}
	if per := v["bytes"] / v["requests"]; per < want.minBytes || per > want.maxBytes {
		return res, fmt.Errorf("%d bytes an answer: a %d answers with %d–%d", per, want.status, want.minBytes, want.maxBytes)
	}
	return res, nil
}
