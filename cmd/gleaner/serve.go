package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/feeds/server"
)

// cmdServe runs the scheduler and the HTTP server until ctx ends. SIGHUP
// reloads the configuration; a bad one is logged and the old one kept.
// SIGUSR1 polls every source now, whatever its schedule.
func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	_, cfg, path, err := setup("serve", args, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()

	if err := a.retagIfRulesChanged(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := server.New(a.db, site(cfg), log)
	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("serving", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "config", path, "database", cfg.Database, "sources", len(cfg.Sources))
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())

	var wg sync.WaitGroup
	httpErr := make(chan error, 1)
	wg.Go(func() {
		if err := httpSrv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			httpErr <- err
		}
	})

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	usr1 := make(chan os.Signal, 1)
	if sigs := refreshSignals(); len(sigs) > 0 {
		signal.Notify(usr1, sigs...)
		defer signal.Stop(usr1)
	}
	// Refreshes that come while one is pending are one refresh.
	refresh := make(chan struct{}, 1)

	// WebSub: hubs hear about changed outputs, at most once a minute.
	pub := server.NewPublisher(log)
	wg.Go(func() { pub.Run(ctx, srv.CurrentSite) })
	a.changed = pub.Changed

	stopSched := a.startScheduler(ctx, &wg, cfg.Sources, refresh)
	var runErr error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err := <-httpErr:
			runErr = fmt.Errorf("http server: %w", err)
			break loop
		case <-usr1:
			log.Info("refresh asked for: polling every source")
			// One query for every state instead of one per poll.
			if err := a.db.PrefetchStates(ctx); err != nil {
				log.Warn("prefetch source states", "err", err)
			}
			select {
			case refresh <- struct{}{}:
			default:
			}
		case <-hup:
			next, err := loadConfig(path)
			if err != nil {
				log.Error("reload failed; keeping the running configuration", "config", path, "err", err)
				continue
			}
			if next.Database != a.cfg.Database || next.Listen != a.cfg.Listen {
				log.Warn("database and listen changes take effect on restart")
			}
			stopSched()
			next.Database, next.Listen = a.cfg.Database, a.cfg.Listen
			a.cfg = next
			a.poll = newPoller(next, a.db, log)
			if err := a.retagIfRulesChanged(ctx); err != nil {
				log.Error("re-tag after reload", "err", err)
			}
			srv.SetSite(site(next))
			a.changed()
			stopSched = a.startScheduler(ctx, &wg, next.Sources, refresh)
			log.Info("reloaded", "config", path, "sources", len(next.Sources), "outputs", len(next.Outputs))
		}
	}
	stopSched()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	wg.Wait()
	srv.Close()
	log.Info("stopped")
	return runErr
}

// startScheduler runs a scheduler for sources, which polls every source
// on each receive from refresh, and returns a function that stops it and
// waits until its polls have returned.
func (a *app) startScheduler(ctx context.Context, wg *sync.WaitGroup, sources []aggregator.Source, refresh <-chan struct{}) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	sched := &aggregator.Scheduler{Poller: a.poll, Sources: sources, Workers: a.cfg.Poll.Concurrency, Log: a.log, Refresh: refresh,
		OnResult: func(r aggregator.PollResult) {
			if r.New+r.Updated > 0 && a.changed != nil {
				a.changed()
			}
		}}
	wg.Go(func() {
		defer close(done)
		if err := sched.Run(ctx); err != nil {
			a.log.Error("scheduler stopped", "err", err)
		}
	})
	return func() { cancel(); <-done }
}
