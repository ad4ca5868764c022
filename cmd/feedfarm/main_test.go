package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator/config"
	"github.com/gleaner/gleaner/cmd/feedfarm/farm"
)

// TestRun drives the real program: it starts on a loopback port, writes
// its files, serves feeds and rounds, and stops when its context ends.
func TestRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-feeds", "30", "-items", "8", "-seed", "5", "-out", dir,
			"-faults", "429=0.1", "-change", "0.2", "-new", "2"}, stdoutW, io.Discard)
		stdoutW.Close()
	}()

	line, err := bufio.NewReader(stdoutR).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the first line: %v (run: %v)", err, <-done)
	}
	m := regexp.MustCompile(`^feedfarm listening on (http://127\.0\.0\.1:\d+) \(30 feeds\)\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("first line %q, want feedfarm listening on http://127.0.0.1:PORT (30 feeds)", line)
	}
	base := m[1]
	go io.Copy(io.Discard, stdoutR)

	cfg, err := config.Load(filepath.Join(dir, "gleaner.yaml"))
	if err != nil {
		t.Fatalf("gleaner.yaml: %v", err)
	}
	if len(cfg.Sources) != 30 || !strings.HasPrefix(cfg.Sources[0].URL, base+"/feeds/feed-0001.") {
		t.Fatalf("gleaner.yaml: %d sources, first %s; want 30 under %s", len(cfg.Sources), cfg.Sources[0].URL, base)
	}
	opml, err := os.ReadFile(filepath.Join(dir, "feeds.opml"))
	if err != nil || strings.Count(string(opml), "xmlUrl=\""+base+"/feeds/") != 30 {
		t.Fatalf("feeds.opml: %v, want 30 feed URLs under %s", err, base)
	}

	statuses := map[int]int{}
	for _, s := range cfg.Sources {
		resp, err := http.Get(s.URL)
		if err != nil {
			t.Fatalf("GET %s: %v", s.URL, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		statuses[resp.StatusCode]++
	}
	if statuses[200] != 27 || statuses[429] != 3 {
		t.Errorf("statuses %v, want 27 × 200 and 3 × 429", statuses)
	}

	resp, err := http.Post(base+"/-/round", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var round farm.RoundResult
	json.NewDecoder(resp.Body).Decode(&round)
	resp.Body.Close()
	if round.Round != 1 || round.Changed != 6 {
		t.Errorf("POST /-/round = %+v, want round 1 with 6 changed", round)
	}

	resp, err = http.Get(base + "/-/stats")
	if err != nil {
		t.Fatal(err)
	}
	var stats farm.Stats
	json.NewDecoder(resp.Body).Decode(&stats)
	resp.Body.Close()
	if stats.Round != 1 || stats.SinceStart.Requests != 30 || stats.SinceStart.Status["200"] != 27 || stats.SinceStart.Bytes == 0 {
		t.Errorf("GET /-/stats = %+v", stats)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop within 10s of its context ending")
	}
}

func TestParseFlags(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string // in the error; "" for none
	}{
		{"defaults", []string{"-out", "x"}, ""},
		{"everything", []string{"-feeds", "5000", "-items", "40", "-seed", "9", "-listen", "127.0.0.1:9000", "-out", "x",
			"-change", "0.2", "-new", "3", "-faults", "slow=0.01,5xx=0.02,429=0.03", "-slow", "1s"}, ""},
		{"no out", nil, "-out is required"},
		{"bad fault share", []string{"-out", "x", "-faults", "slow=lots"}, "want KIND=SHARE"},
		{"unknown fault", []string{"-out", "x", "-faults", "404=0.1"}, `unknown kind "404"`},
		{"faults over 1", []string{"-out", "x", "-faults", "slow=0.7,5xx=0.7"}, "add up to at most 1"},
		{"no feeds", []string{"-out", "x", "-feeds", "0"}, "feeds 0"},
		{"extra argument", []string{"-out", "x", "serve"}, "unexpected arguments: serve"},
		{"unknown flag", []string{"-out", "x", "-verbose"}, "flag provided but not defined"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseFlags(c.args, io.Discard)
			if c.want == "" {
				if err != nil {
					t.Fatalf("parseFlags(%q) = %v", c.args, err)
				}
				return
			}
			var usage usageError
			if err == nil || !strings.Contains(err.Error(), c.want) || !errors.As(err, &usage) {
				t.Fatalf("parseFlags(%q) = %+v, %v; want a usage error about %q", c.args, got, err, c.want)
			}
		})
	}

	got, _ := parseFlags([]string{"-out", "x", "-faults", "slow=0.01,5xx=0.02,429=0.03", "-slow", "1s", "-seed", "9"}, io.Discard)
	want := farm.Options{Feeds: 600, Items: 40, Seed: 9, Change: 0.10, New: 5,
		Faults: farm.Faults{Slow: 0.01, ServerError: 0.02, TooMany: 0.03}, Slow: time.Second}
	if got.farm != want || got.listen != "127.0.0.1:0" || got.out != "x" {
		t.Errorf("parseFlags = %+v, want %+v on 127.0.0.1:0", got, want)
	}
}
