package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseWrk(t *testing.T) {
	body := make([]byte, 10_000)
	line := func(requests, bytes int) string {
		return "Running 1s test\ngleanerbench requests=" + strconv.Itoa(requests) + " bytes=" + strconv.Itoa(bytes) +
			" micros=2000000 errors=1 status=2 p50=1500 p99=9000\n"
	}
	tests := []struct {
		name    string
		out     string
		want    expect
		wantErr string
	}{
		{"200s of the body", line(100, 100*(10_000+250)), expectBody(body, 0), ""},
		{"200s too short: another body", line(100, 100*5_000), expectBody(body, 0), "bytes an answer"},
		{"304s", line(100, 100*200), expectNotModified(), ""},
		{"200s where 304s were expected", line(100, 100*(10_000+250)), expectNotModified(), "bytes an answer"},
		{"no answers", line(0, 0), expectNotModified(), "no answers"},
		{"no summary", "unable to connect to 127.0.0.1:1 Connection refused\n", expectNotModified(), "no summary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseWrk(tt.out, tt.want)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Requests != 100 || res.Errors != 3 || res.Seconds != 2 || res.P50 != 1500*time.Microsecond || res.P99 != 9*time.Millisecond {
				t.Errorf("parsed %+v", res)
			}
			if got := res.perSecond(); got != 50 {
				t.Errorf("perSecond = %v, want 50", got)
			}
		})
	}
}

// TestWrkLoader runs the real wrk against a loopback server: the
// summary parses, and a load expecting 304s from a server that answers
// 200 fails.
func TestWrkLoader(t *testing.T) {
	wrk, found, err := newWrkLoader(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if !found {
		if os.Getenv("CI") == "true" {
			t.Fatal("wrk not installed (CI installs it)")
		}
		t.Skip("wrk not installed")
	}
	body := []byte(strings.Repeat("<item>gleaner</item>", 500))
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(body)
	}))
	defer ts.Close()
	ctx := context.Background()
	res, err := wrk.load(ctx, ts.URL, http.Header{"If-None-Match": {`"v1"`}}, 4, 0, time.Second, expectNotModified())
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests < 10 || res.Errors != 0 || res.P99 <= 0 {
		t.Errorf("304 load: %+v", res)
	}
	if _, err := wrk.load(ctx, ts.URL, http.Header{}, 4, 0, time.Second, expectNotModified()); err == nil {
		t.Error("200 answers passed as 304s")
	}
	// Stopped early by its context, as during a poll: the summary still comes.
	stop, cancel := context.WithTimeout(ctx, 700*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, err = wrk.load(stop, ts.URL, http.Header{}, 4, 0, time.Minute, expectBody(body, 0))
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 20*time.Second || res.Requests == 0 {
		t.Errorf("interrupted load: %+v after %v", res, took)
	}
}

// TestPacedLoad checks both loaders keep to the rate asked: a loopback
// server answers thousands of requests a second, a load paced at 200
// a second gets about that many.
func TestPacedLoad(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<rss/>"))
	}))
	defer ts.Close()
	loaders := []loader{goLoader{why: "test"}}
	wrk, found, err := newWrkLoader(t.TempDir())
	switch {
	case err != nil:
		t.Fatal(err)
	case found:
		loaders = append(loaders, wrk)
	case os.Getenv("CI") == "true":
		t.Fatal("wrk not installed (CI installs it)")
	}
	want := expectBody([]byte("<rss/>"), 0)
	for _, l := range loaders {
		t.Run(l.String(), func(t *testing.T) {
			res, err := l.load(context.Background(), ts.URL, http.Header{}, 4, 200, 2*time.Second, want)
			if err != nil {
				t.Fatal(err)
			}
			// Poisson arrivals: 400 expected in 2 s, give or take noise
			// and the time the answers take.
			if rate := res.perSecond(); rate < 100 || rate > 300 {
				t.Errorf("paced at 200 requests a second: got %.0f (%d requests in %.2f s)", rate, res.Requests, res.Seconds)
			}
		})
	}
}
