// Command feedfarm serves synthetic news feeds on loopback for gleaner's
// benchmark harness: N feeds generated deterministically from a seed,
// advanced round by round on request.
//
//	feedfarm -feeds 600 -items 40 -seed 1 -listen 127.0.0.1:0 -out DIR \
//	    [-change 0.10] [-new 5] [-faults slow=0.01,5xx=0.01,429=0.01] [-slow 2s]
//
// It writes DIR/feeds.opml and DIR/gleaner.yaml (a gleaner configuration
// polling every feed), prints "feedfarm listening on http://ADDR (N feeds)"
// and serves until SIGINT or SIGTERM. See package farm for the endpoints.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gleaner/gleaner/cmd/feedfarm/farm"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	var usage usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, &usage):
		fmt.Fprintln(os.Stderr, "feedfarm:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "feedfarm:", err)
		os.Exit(1)
	}
}

// usageError is a problem with the command line (exit status 2).
type usageError struct{ error }

// cmdline is the command line.
type cmdline struct {
	farm   farm.Options
	listen string
	out    string
}

func parseFlags(args []string, stderr io.Writer) (cmdline, error) {
	c := cmdline{farm: farm.Defaults()}
	fs := flag.NewFlagSet("feedfarm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.farm.Feeds, "feeds", c.farm.Feeds, "number of feeds")
	fs.IntVar(&c.farm.Items, "items", c.farm.Items, "entries per feed")
	fs.Uint64Var(&c.farm.Seed, "seed", c.farm.Seed, "random seed: the same flags give byte-identical feeds")
	fs.StringVar(&c.listen, "listen", "127.0.0.1:0", "listen address")
	fs.StringVar(&c.out, "out", "", "folder for feeds.opml and gleaner.yaml (required)")
	fs.Float64Var(&c.farm.Change, "change", c.farm.Change, "share of the feeds that gain entries in each round")
	fs.IntVar(&c.farm.New, "new", c.farm.New, "entries a changed feed gains in a round")
	faults := fs.String("faults", "", "shares of faulty feeds, e.g. slow=0.01,5xx=0.01,429=0.01")
	fs.DurationVar(&c.farm.Slow, "slow", c.farm.Slow, "delay of slow feeds")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, usageError{err}
	}
	var errs []error
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " ")))
	}
	if c.out == "" {
		errs = append(errs, errors.New("-out is required"))
	}
	f, err := parseFaults(*faults)
	errs = append(errs, err)
	c.farm.Faults = f
	errs = append(errs, c.farm.Validate())
	if err := errors.Join(errs...); err != nil {
		return c, usageError{err}
	}
	return c, nil
}

// parseFaults reads "slow=0.01,5xx=0.01,429=0.01".
func parseFaults(s string) (farm.Faults, error) {
	var f farm.Faults
	if s == "" {
		return f, nil
	}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		x, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil {
			return f, fmt.Errorf("-faults %q: want KIND=SHARE, e.g. slow=0.01", part)
		}
		switch k {
		case "slow":
			f.Slow = x
		case "5xx", "500":
			f.ServerError = x
		case "429":
			f.TooMany = x
		default:
			return f, fmt.Errorf("-faults: unknown kind %q (want slow, 5xx or 429)", k)
		}
	}
	return f, nil
}

// run is the whole program; tests call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	c.farm.Log = log

	start := time.Now()
	f, err := farm.New(ctx, c.farm)
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	raw, gz := f.Bytes()
	log.Info("generated", "feeds", c.farm.Feeds, "items", c.farm.Items, "seed", c.farm.Seed,
		"bytes", raw, "gzip_bytes", gz, "took", time.Since(start).Round(time.Millisecond))

	ln, err := net.Listen("tcp", c.listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	base := "http://" + ln.Addr().String()
	if err := writeFiles(c.out, base, f.Feeds()); err != nil {
		return err
	}

	// Cancelling the base context ends slow requests at shutdown.
	reqCtx, cancelRequests := context.WithCancel(context.Background())
	defer cancelRequests()
	srv := &http.Server{
		Handler:           f.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      c.farm.Slow + time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return reqCtx },
	}
	fmt.Fprintf(stdout, "feedfarm listening on %s (%d feeds)\n", base, len(f.Feeds()))

	var wg sync.WaitGroup
	serveErr := make(chan error, 1)
	wg.Go(func() { serveErr <- srv.Serve(ln) })
	defer wg.Wait()
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	cancelRequests()
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// writeFiles writes DIR/feeds.opml and DIR/gleaner.yaml.
func writeFiles(dir, base string, feeds []farm.Feed) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write files: %w", err)
	}
	for _, file := range []struct {
		name  string
		write func(io.Writer, string, []farm.Feed) error
	}{{"feeds.opml", farm.WriteOPML}, {"gleaner.yaml", farm.WriteConfig}} {
		var b bytes.Buffer
		if err := file.write(&b, base, feeds); err != nil {
			return fmt.Errorf("write %s: %w", file.name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, file.name), b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write files: %w", err)
		}
	}
	return nil
}
