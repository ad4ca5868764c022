package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// report is everything one run measured.
type report struct {
	o       options
	machine string
	loader  string // the serving tests' load generator
	cycles  []cycle
	repeats []repeated // the all-304 and incremental cycles again
	service []cycle    // the same cycles inside a running `gleaner serve`
	loads   []loadResult
	during  []loadResult // cached output while a poll cycle runs
	paced   []loadResult // at a paced rate: idle, then during the service's cold sweep
	lost    []string
	merge   mergeScore // the store after the last poll cycle, against the farm's truth
}

func (b *bench) run(ctx context.Context) (*report, error) {
	r := &report{o: b.o, machine: machine(), loader: b.loader.String()}
	step := func(format string, args ...any) { fmt.Fprintf(b.log, "gleanerbench: "+format+"\n", args...) }

	total := b.o.feeds * b.o.items
	changed := int(float64(b.o.feeds)*b.o.change + 0.5)
	step("cold cycle: %d feeds × %d items", b.o.feeds, b.o.items)
	cold, err := b.pollCycle(ctx, "cold", total)
	if err != nil {
		return nil, err
	}
	step("all-304 cycle")
	idle, err := b.pollCycle(ctx, "all-304", 0)
	if err != nil {
		return nil, err
	}
	if err := b.farmPost(ctx, "/-/round"); err != nil {
		return nil, err
	}
	step("incremental cycle: %d feeds with %d new items", changed, b.o.newItems)
	inc, err := b.pollCycle(ctx, "incremental", changed*b.o.newItems)
	if err != nil {
		return nil, err
	}
	r.cycles = []cycle{cold, idle, inc}
	if r.merge, err = b.mergeQuality(ctx, b.config); err != nil {
		return nil, err
	}
	for _, c := range r.cycles {
		if c.NewItems != c.Expected {
			r.lost = append(r.lost, fmt.Sprintf("%s cycle stored %d new entries, the farm added %d", c.Name, c.NewItems, c.Expected))
		}
	}
	if b.o.repeat > 1 {
		step("the all-304 and incremental cycles again, %d runs each", b.o.repeat)
		var lost []string
		if r.repeats, lost, err = b.repeatCycles(ctx, idle, inc); err != nil {
			return nil, err
		}
		r.lost = append(r.lost, lost...)
		step("the cold cycle again on fresh stores, %d runs in all", b.o.repeat)
		again, lost, err := b.coldAgain(ctx, cold)
		if err != nil {
			return nil, err
		}
		r.repeats = append([]repeated{again}, r.repeats...)
		r.lost = append(r.lost, lost...)
	}

	step("serving")
	srv, err := b.startServe()
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	d := time.Duration(b.o.loadSeconds * float64(time.Second))
	url := srv.base + "/feeds/all.rss"
	plain, err := fetchOnce(ctx, url, http.Header{"Accept-Encoding": {"identity"}})
	if err != nil {
		return nil, err
	}
	gzipHeader := http.Header{"Accept-Encoding": {"gzip"}}
	zipped, err := fetchOnce(ctx, url, gzipHeader)
	if err != nil {
		return nil, err
	}
	if zipped.encoding != "gzip" {
		return nil, fmt.Errorf("GET %s with Accept-Encoding: gzip: Content-Encoding %q", url, zipped.encoding)
	}
	conditional := http.Header{"If-None-Match": {plain.etag}}
	for _, t := range []struct {
		name     string
		header   http.Header
		body     response
		encoding string
		status   int
	}{
		{fmt.Sprintf("cached output (all.rss, 200, %d KB)", len(plain.body)>>10), http.Header{}, plain, "", http.StatusOK},
		{fmt.Sprintf("cached output, gzip as feed readers ask (%d KB)", len(zipped.body)>>10), gzipHeader, zipped, "gzip", http.StatusOK},
		{"304 answers (If-None-Match)", conditional, plain, "", http.StatusNotModified},
	} {
		want := expectNotModified()
		if t.status == http.StatusOK {
			want = expectBody(t.body.body, 0)
		}
		res, err := b.loader.load(ctx, url, t.header, b.o.load, 0, d, want)
		if err != nil {
			return nil, err
		}
		res.Name = t.name
		if res.Baseline, err = b.staticBaseline(ctx, t.body, t.encoding, t.header, want, d); err != nil {
			return nil, err
		}
		r.loads = append(r.loads, res)
	}

	// Feed readers ask for gzip; the uncompressed row stays comparable
	// with earlier runs. Each load runs during a poll cycle of its own.
	for _, l := range []struct {
		name   string
		header http.Header
		body   []byte
	}{
		{"cached output while a poll cycle runs", http.Header{}, plain.body},
		{"cached output, gzip, while a poll cycle runs", gzipHeader, zipped.body},
	} {
		step("serving while a poll cycle runs (%s)", l.name)
		// New items change the output a little while it is measured.
		res, err := b.loadDuringPoll(ctx, url, l.header, expectBody(l.body, 0.2))
		if err != nil {
			return nil, err
		}
		res.Name = l.name
		r.during = append(r.during, res)
	}

	step("the three cycles inside a running gleaner serve")
	if r.service, err = b.serviceCycles(ctx, changed*b.o.newItems); err != nil {
		return nil, err
	}
	for _, c := range r.service {
		if c.NewItems != c.Expected {
			r.lost = append(r.lost, fmt.Sprintf("%s sweep of the service stored %d new entries, the farm added %d", c.Name, c.NewItems, c.Expected))
		}
	}
	step("serving while the service's own cold sweep runs (gzip)")
	loaded, _, took, err := b.loadDuringColdSweep(ctx, gzipHeader, 0)
	if err != nil {
		return nil, err
	}
	loaded.Name = fmt.Sprintf("output, gzip, while the service's own cold sweep runs (%.2f s)", took.Seconds())
	r.during = append(r.during, loaded)
	if b.o.rate > 0 {
		step("serving %.0f requests a second while the service's own cold sweep runs (gzip)", b.o.rate)
		during, idle, took, err := b.loadDuringColdSweep(ctx, gzipHeader, b.o.rate)
		if err != nil {
			return nil, err
		}
		idle.Name = "the service idle, after its sweep (baseline)"
		during.Name = fmt.Sprintf("while the service's own cold sweep runs (%.2f s)", took.Seconds())
		r.paced = []loadResult{idle, during}
	}
	return r, nil
}

// loadDuringPoll advances the farm a round and load-tests url for
// exactly as long as a `gleaner poll` of that round runs.
func (b *bench) loadDuringPoll(ctx context.Context, url string, header http.Header, want expect) (loadResult, error) {
	if err := b.farmPost(ctx, "/-/round"); err != nil {
		return loadResult{}, err
	}
	during, stopLoad := context.WithCancel(ctx)
	done := b.loadUntil(during, url, header, 0, want)
	time.Sleep(100 * time.Millisecond)
	_, pollErr := b.runGleaner(ctx, "poll")
	stopLoad()
	res := <-done
	return res.loadResult, errors.Join(pollErr, res.err)
}

type loadOutcome struct {
	loadResult
	err error
}

// loadUntil load-tests url until ctx ends.
func (b *bench) loadUntil(ctx context.Context, url string, header http.Header, rate float64, want expect) <-chan loadOutcome {
	done := make(chan loadOutcome, 1)
	go func() {
		res, err := b.loader.load(ctx, url, header, b.o.load, rate, 10*time.Minute, want)
		done <- loadOutcome{res, err}
	}()
	return done
}

func (r *report) write(w io.Writer) {
	fmt.Fprintf(w, "## %d feeds × %d items\n\n", r.o.feeds, r.o.items)
	fmt.Fprintf(w, "Machine: %s. Run: %s.\n\n", r.machine, time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	if r.o.tagsFrom != "" {
		fmt.Fprintf(w, "Tagging: the rules and extractors of %s.\n\n", r.o.tagsFrom)
	}
	if r.o.noMerge {
		fmt.Fprint(w, "Merging off (`merge.enabled: false`): recall and precision are 0 by design.\n\n")
	}
	writeCycles(w, r.cycles, false)
	fmt.Fprintln(w)
	writeRepeats(w, r.repeats)
	fmt.Fprintln(w, "Inside a running `gleaner serve`, as it runs for a user (its own store; the cold cycle is the sweep at start, the others are refreshes by SIGUSR1; wall runs from the start or the signal to the service's log line, and the service's own figure from its first poll's start to its last poll's end; written to disk counts until the service has written nothing for a second, and a checkpoint that a reader held back is finished at the writer's next rest, in the next sweep's figure):")
	fmt.Fprintln(w)
	writeCycles(w, r.service, true)
	fmt.Fprintln(w)
	if len(r.lost) > 0 {
		fmt.Fprintf(w, "**Items lost:** %s\n\n", strings.Join(r.lost, "; "))
	} else {
		fmt.Fprintln(w, "Items lost: none (every entry the farm published was stored).")
		fmt.Fprintln(w)
	}
	if n := len(r.cycles); n > 0 {
		st := r.cycles[n-1].Store
		fmt.Fprintf(w, "Merging, after the %s cycle: %d entries in %d items; %d items hold copies from more than one source (%d entries).\n\n",
			r.cycles[n-1].Name, st.Entries, st.Items, st.Merged, st.MergedEntries)
		m := r.merge
		fmt.Fprintf(w, "Against the farm's record of which entries are copies of one story: %d of %d pairs of copies share an item (recall %.1f %%); %d of the %d pairs sharing an item are copies (precision %.1f %%)",
			m.Right, m.Pairs, 100*m.recall(), m.Right, m.Found, 100*m.precision())
		if m.Untracked > 0 {
			fmt.Fprintf(w, "; %d stored entries the farm never served", m.Untracked)
		}
		fmt.Fprint(w, ".\n\n")
	}
	fmt.Fprintf(w, "Serving, load generator: %s; the static server is in the harness's process.\n\n", r.loader)
	fmt.Fprintf(w, "| serving, %d connections | requests/s | static server (baseline) | ratio | p50 | p99 | errors |\n", r.o.load)
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, l := range append(r.loads, r.during...) {
		base, ratio := "—", "—"
		if l.Baseline > 0 {
			base, ratio = fmt.Sprintf("%.0f", l.Baseline), fmt.Sprintf("%.2f×", l.perSecond()/l.Baseline)
		}
		fmt.Fprintf(w, "| %s | %.0f | %s | %s | %s | %s | %d |\n", l.Name, l.perSecond(), base, ratio,
			l.P50.Round(10*time.Microsecond), l.P99.Round(10*time.Microsecond), l.Errors)
	}
	fmt.Fprintln(w)
	if len(r.paced) == 2 {
		fmt.Fprintf(w, "At a paced load, gzip: %.0f requests a second offered on %d connections, each waiting a random time between an answer and its next request (Poisson arrivals):\n\n", r.o.rate, r.o.load)
		fmt.Fprintln(w, "| all.rss | requests/s | p50 | p99 | p99 against idle | errors |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|")
		idle := r.paced[0].P99
		for _, l := range r.paced {
			fmt.Fprintf(w, "| %s | %.0f | %s | %s | %.1f× | %d |\n", l.Name, l.perSecond(),
				l.P50.Round(10*time.Microsecond), l.P99.Round(10*time.Microsecond), float64(l.P99)/float64(max(idle, 1)), l.Errors)
		}
		fmt.Fprintln(w)
	}
}

// writeCycles writes a table of cycles; service adds the time the
// service itself logged.
func writeCycles(w io.Writer, cycles []cycle, service bool) {
	head, rule := "| cycle | wall |", "|---|---|"
	if service {
		head, rule = head+" service's own |", rule+"---|"
	}
	fmt.Fprintln(w, head+" bare fetch (baseline) | ratio | feeds/s | items/s | CPU s | peak RSS | requests | 200 / 304 | MB sent | new entries | DB size | written to disk |")
	fmt.Fprintln(w, rule+"---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, c := range cycles {
		secs := c.Use.Wall.Seconds()
		own := ""
		if service {
			own = fmt.Sprintf(" %.2f s |", c.Use.Service.Seconds())
		}
		// Peak RSS in MiB to a tenth: whole megabytes hid which side of
		// a target of 64 a run fell.
		fmt.Fprintf(w, "| %s | %.2f s |%s %.2f s | %.1f× | %.0f | %.0f | %.2f | %.1f MB | %d | %d / %d | %.1f | %d of %d | %.1f MB | %.1f MB |\n",
			c.Name, secs, own, c.Baseline.Seconds(), secs/c.Baseline.Seconds(), float64(c.Feeds)/secs, float64(c.ItemsSeen)/secs,
			c.Use.CPU.Seconds(), float64(c.Use.PeakRSS)/(1<<20), c.Requests, c.Status["200"], c.Status["304"],
			float64(c.Bytes)/(1<<20), c.NewItems, c.Expected, float64(c.DBSize)/(1<<20), float64(c.Use.Written)/(1<<20))
	}
}

// response is one fetched representation of an output.
type response struct {
	body           []byte
	etag, encoding string
}

// fetchOnce gets url's raw bytes, without the client decoding them.
func fetchOnce(ctx context.Context, url string, header http.Header) (response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return response{}, err
	}
	req.Header = header
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	r := response{body: body, etag: resp.Header.Get("ETag"), encoding: resp.Header.Get("Content-Encoding")}
	if resp.StatusCode != http.StatusOK || r.etag == "" {
		return response{}, fmt.Errorf("GET %s: %s, ETag %q", url, resp.Status, r.etag)
	}
	return r, nil
}
