package farm_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gleaner/gleaner/cmd/feedfarm/farm"
)

func TestConditional(t *testing.T) {
	f := newFarm(t, small)
	h := f.Handler()
	path := f.Feeds()[0].Path
	first := get(t, h, path)
	etag, lastMod := first.header.Get("ETag"), first.header.Get("Last-Modified")
	if etag == "" || lastMod != "Tue, 05 Mar 2024 00:00:00 GMT" {
		t.Fatalf("ETag %q, Last-Modified %q; want an ETag and the base time", etag, lastMod)
	}
	strong := etag[len("W/"):]
	for _, c := range []struct {
		name    string
		headers []string
		want    int
	}{
		{"unconditional", nil, http.StatusOK},
		{"matching ETag", []string{"If-None-Match", etag}, http.StatusNotModified},
		{"matching ETag without W/", []string{"If-None-Match", strong}, http.StatusNotModified},
		{"ETag in a list", []string{"If-None-Match", `"nope", ` + etag}, http.StatusNotModified},
		{"star", []string{"If-None-Match", "*"}, http.StatusNotModified},
		{"other ETag", []string{"If-None-Match", `"0123456789abcdef"`}, http.StatusOK},
		{"If-Modified-Since equal", []string{"If-Modified-Since", lastMod}, http.StatusNotModified},
		{"If-Modified-Since later", []string{"If-Modified-Since", "Wed, 06 Mar 2024 00:00:00 GMT"}, http.StatusNotModified},
		{"If-Modified-Since earlier", []string{"If-Modified-Since", "Mon, 04 Mar 2024 23:59:59 GMT"}, http.StatusOK},
		{"If-Modified-Since garbage", []string{"If-Modified-Since", "yesterday"}, http.StatusOK},
		{"If-None-Match wins over If-Modified-Since", []string{"If-None-Match", `"nope"`, "If-Modified-Since", lastMod}, http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := get(t, h, path, c.headers...)
			if r.status != c.want {
				t.Fatalf("GET %s %v: status %d, want %d", path, c.headers, r.status, c.want)
			}
			if r.header.Get("ETag") != etag {
				t.Errorf("ETag %q, want %q", r.header.Get("ETag"), etag)
			}
			if r.status == http.StatusNotModified && len(r.body) > 0 {
				t.Errorf("304 with a %d-byte body", len(r.body))
			}
		})
	}
}

func TestGzip(t *testing.T) {
	f := newFarm(t, small)
	h := f.Handler()
	path := f.Feeds()[3].Path
	plain := get(t, h, path)
	for _, c := range []struct {
		acceptEncoding string
		gzipped        bool
	}{
		{"", false},
		{"gzip", true},
		{"gzip, deflate, br", true},
		{"br;q=1.0, gzip;q=0.8", true},
		{"GZIP", true},
		{"gzip;q=0", false},
		{"deflate", false},
	} {
		t.Run(c.acceptEncoding, func(t *testing.T) {
			r := get(t, h, path, "Accept-Encoding", c.acceptEncoding)
			if got := r.header.Get("Content-Encoding") == "gzip"; got != c.gzipped {
				t.Fatalf("Accept-Encoding %q: gzipped %v, want %v", c.acceptEncoding, got, c.gzipped)
			}
			if r.header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("Vary %q, want Accept-Encoding", r.header.Get("Vary"))
			}
			body := r.body
			if c.gzipped {
				zr, err := gzip.NewReader(bytes.NewReader(r.body))
				if err != nil {
					t.Fatalf("gzip.NewReader: %v", err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatalf("gunzip: %v", err)
				}
				if len(r.body)*2 > len(body) {
					t.Errorf("gzip body %d bytes for %d: want at least halved", len(r.body), len(body))
				}
			}
			if !bytes.Equal(body, plain.body) {
				t.Errorf("body differs from the uncompressed one")
			}
		})
	}
}

func TestRound(t *testing.T) {
	f := newFarm(t, small)
	h := f.Handler()
	prev := snapshot(t, f, h)
	for round := 1; round <= 3; round++ {
		r := post(t, h, "/-/round")
		var res farm.RoundResult
		if err := json.Unmarshal(r.body, &res); err != nil || r.status != http.StatusOK {
			t.Fatalf("POST /-/round: %d %s (%v)", r.status, r.body, err)
		}
		wantChanged := 20 // 10 % of 200
		if res.Round != round || res.Changed != wantChanged {
			t.Fatalf("POST /-/round = round %d, %d changed; want round %d, %d changed", res.Round, res.Changed, round, wantChanged)
		}
		next := snapshot(t, f, h)
		changed := 0
		wantModified := farm.BaseTime.Add(time.Duration(round) * farm.RoundInterval).Format(http.TimeFormat)
		for name, before := range prev {
			after := next[name]
			same := bytes.Equal(before.body, after.body)
			sameTag := before.header.Get("ETag") == after.header.Get("ETag")
			if same != sameTag {
				t.Fatalf("round %d: %s body same %v but ETag same %v", round, name, same, sameTag)
			}
			if same {
				if before.header.Get("Last-Modified") != after.header.Get("Last-Modified") {
					t.Errorf("round %d: %s unchanged but Last-Modified moved", round, name)
				}
				continue
			}
			changed++
			if got := after.header.Get("Last-Modified"); got != wantModified {
				t.Errorf("round %d: %s Last-Modified %q, want %q", round, name, got, wantModified)
			}
			// The old validators no longer match.
			if r := get(t, h, "/feeds/"+name+ext(f, name), "If-None-Match", before.header.Get("ETag")); r.status != http.StatusOK {
				t.Errorf("round %d: %s old ETag gave %d, want 200", round, name, r.status)
			}
		}
		if changed != wantChanged {
			t.Errorf("round %d: %d feeds changed, want %d", round, changed, wantChanged)
		}
		prev = next
	}
}

func ext(f *farm.Farm, name string) string {
	for _, fd := range f.Feeds() {
		if fd.Name == name {
			return fd.Format.Ext()
		}
	}
	return ""
}

func TestFaults(t *testing.T) {
	o := small
	o.Faults = farm.Faults{Slow: 0.05, ServerError: 0.05, TooMany: 0.05}
	o.Slow = 50 * time.Millisecond
	f := newFarm(t, o)
	srv := httptest.NewServer(f.Handler())
	defer srv.Close()

	counts := map[farm.Fault]int{}
	for _, fd := range f.Feeds() {
		counts[fd.Fault]++
	}
	for fault, want := range map[farm.Fault]int{farm.Slow: 10, farm.ServerError: 10, farm.TooMany: 10, farm.NoFault: 170} {
		if counts[fault] != want {
			t.Errorf("%d feeds with fault %v, want %d", counts[fault], fault, want)
		}
	}

	for _, fd := range f.Feeds() {
		start := time.Now()
		resp, err := http.Get(srv.URL + fd.Path)
		if err != nil {
			t.Fatalf("GET %s: %v", fd.Path, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		want := map[farm.Fault]int{farm.NoFault: 200, farm.Slow: 200, farm.ServerError: 500, farm.TooMany: 429}[fd.Fault]
		if resp.StatusCode != want {
			t.Errorf("%s (%v): status %d, want %d", fd.Name, fd.Fault, resp.StatusCode, want)
		}
		if fd.Fault == farm.TooMany && resp.Header.Get("Retry-After") != "60" {
			t.Errorf("%s: Retry-After %q, want 60", fd.Name, resp.Header.Get("Retry-After"))
		}
		if fd.Fault == farm.Slow && took < o.Slow {
			t.Errorf("%s (%v): answered in %v, want at least %v", fd.Name, fd.Fault, took, o.Slow)
		}
	}

	// A slow request given up early ends at once and is counted.
	var slowPath string
	for _, fd := range f.Feeds() {
		if fd.Fault == farm.Slow {
			slowPath = fd.Path
			break
		}
	}
	f.ResetStats()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+slowPath, nil)
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("GET %s with 5ms deadline: %v, want a deadline error", slowPath, err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for f.Stats().SinceStart.Canceled != 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := f.Stats().SinceStart.Canceled; got != 1 {
		t.Errorf("canceled = %d, want 1", got)
	}
}

func TestStats(t *testing.T) {
	o := small
	o.Faults = farm.Faults{ServerError: 0.05, TooMany: 0.05}
	f := newFarm(t, o)
	h := f.Handler()
	var ok, tooMany, serverError int
	var sent int64
	for _, fd := range f.Feeds() {
		r := get(t, h, fd.Path, "Accept-Encoding", "gzip")
		switch r.status {
		case http.StatusOK:
			ok++
			sent += int64(len(r.body))
			get(t, h, fd.Path, "If-None-Match", r.header.Get("ETag")) // a 304
		case http.StatusTooManyRequests:
			tooMany++
		case http.StatusInternalServerError:
			serverError++
		}
	}
	get(t, h, "/feeds/feed-9999.xml") // 404
	stats := func() farm.Stats {
		var s farm.Stats
		r := get(t, h, "/-/stats")
		if err := json.Unmarshal(r.body, &s); err != nil {
			t.Fatalf("GET /-/stats: %v: %s", err, r.body)
		}
		return s
	}
	s := stats()
	want := farm.Counts{
		Requests: int64(len(f.Feeds()) + ok + 1),
		Status:   map[string]int64{"200": int64(ok), "304": int64(ok), "429": int64(tooMany), "500": int64(serverError), "other": 1},
		Bytes:    sent,
	}
	for _, c := range []struct {
		name string
		got  farm.Counts
	}{{"since start", s.SinceStart}, {"since round", s.SinceRound}} {
		if c.got.Requests != want.Requests || c.got.Bytes != want.Bytes {
			t.Errorf("%s: %d requests, %d bytes; want %d, %d", c.name, c.got.Requests, c.got.Bytes, want.Requests, want.Bytes)
		}
		for k, v := range want.Status {
			if c.got.Status[k] != v {
				t.Errorf("%s: status %s = %d, want %d", c.name, k, c.got.Status[k], v)
			}
		}
	}

	post(t, h, "/-/round")
	if s := stats(); s.Round != 1 || s.SinceRound.Requests != 0 || s.SinceStart.Requests != want.Requests {
		t.Errorf("after a round: round %d, %d requests since round, %d since start; want 1, 0, %d",
			s.Round, s.SinceRound.Requests, s.SinceStart.Requests, want.Requests)
	}
	post(t, h, "/-/reset-stats")
	if s := stats(); s.SinceStart.Requests != 0 || s.SinceStart.Bytes != 0 || s.SinceStart.Status["200"] != 0 {
		t.Errorf("after reset: %+v, want zeroes", s.SinceStart)
	}
}

func TestNotFound(t *testing.T) {
	f := newFarm(t, small)
	h := f.Handler()
	var jsonFeed, xmlFeed string
	for _, fd := range f.Feeds() {
		if fd.Format == farm.JSON {
			jsonFeed = fd.Name
		} else {
			xmlFeed = fd.Name
		}
	}
	for _, path := range []string{
		"/feeds/feed-0000.xml",
		"/feeds/" + jsonFeed + ".xml",
		"/feeds/" + xmlFeed + ".json",
		"/feeds/" + xmlFeed,
		"/feeds/",
		"/",
	} {
		if r := get(t, h, path); r.status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, r.status)
		}
	}
	if r := get(t, h, "/-/round"); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET /-/round: status %d, want 405", r.status)
	}
}
