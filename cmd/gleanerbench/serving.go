package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"
)

// loadResult is one load test.
type loadResult struct {
	Name     string
	Requests int
	Errors   int
	Seconds  float64
	P50, P99 time.Duration
	Baseline float64 // requests/s of a static server with the same bytes
}

func (l loadResult) perSecond() float64 { return float64(l.Requests) / l.Seconds }

// load sends requests on conns connections for d and measures latency;
// with a rate above zero, at that rate on average (see loader).
func load(ctx context.Context, url string, header http.Header, conns int, rate float64, d time.Duration, want int) loadResult {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	errors := 0
	var wg sync.WaitGroup
	start := time.Now()
	for range conns {
		wg.Go(func() {
			var mine []time.Duration
			bad := 0
			for ctx.Err() == nil {
				if rate > 0 {
					gap := time.Duration(rand.ExpFloat64() * float64(conns) / rate * float64(time.Second))
					select {
					case <-time.After(gap):
					case <-ctx.Done():
						continue
					}
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
				req.Header = header.Clone()
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						bad++
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					bad++
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			all = append(all, mine...)
			errors += bad
			mu.Unlock()
		})
	}
	wg.Wait()
	res := loadResult{Requests: len(all), Errors: errors, Seconds: time.Since(start).Seconds()}
	slices.Sort(all)
	if len(all) > 0 {
		res.P50, res.P99 = all[len(all)/2], all[len(all)*99/100]
	}
	return res
}

// server is a running `gleaner serve`.
type server struct {
	cmd  *exec.Cmd
	base string
}

func (b *bench) startServe() (*server, error) {
	cmd := exec.Command(b.gleaner, "serve", "-config", b.config)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		return nil, fmt.Errorf("gleaner serve printed no address: %w", err)
	}
	go io.Copy(io.Discard, stdout)
	return &server{cmd: cmd, base: strings.TrimSpace(strings.TrimPrefix(line, "listening on "))}, nil
}

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	s.cmd.Wait()
}

// staticBaseline serves a response's bytes with its ETag (and
// Content-Encoding, when given) from a plain net/http server in this
// process and load-tests it with the same request headers.
func (b *bench) staticBaseline(ctx context.Context, resp response, encoding string, header http.Header, want expect, d time.Duration) (float64, error) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", resp.etag)
		if r.Header.Get("If-None-Match") == resp.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		if encoding != "" {
			w.Header().Set("Content-Encoding", encoding)
		}
		w.Write(resp.body)
	}))
	defer ts.Close()
	res, err := b.loader.load(ctx, ts.URL, header, b.o.load, 0, d, want)
	if err != nil {
		return 0, fmt.Errorf("static baseline: %w", err)
	}
	return res.perSecond(), nil
}
