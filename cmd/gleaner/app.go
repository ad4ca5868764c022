package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/aggregator/config"
	"github.com/gleaner/gleaner/aggregator/fetch"
	"github.com/gleaner/gleaner/aggregator/sqlite"
	"github.com/gleaner/gleaner/feeds"
	"github.com/gleaner/gleaner/feeds/server"
)

// loadConfig reads the configuration; problems exit with status 2.
func loadConfig(path string) (*config.Config, error) {
	cfg, err := config.Load(path)
	var problems config.Problems
	if errors.As(err, &problems) {
		return nil, &exitError{code: 2, err: problems}
	}
	return cfg, err
}

// app is the program wired from one configuration.
type app struct {
	cfg  *config.Config
	db   *sqlite.DB
	poll *aggregator.Poller
	log  *slog.Logger
	// changed, when set, tells WebSub hubs that outputs changed.
	changed func()
}

func newApp(ctx context.Context, cfg *config.Config, log *slog.Logger) (*app, error) {
	db, err := sqlite.Open(ctx, cfg.Database)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, db: db, log: log}
	a.poll = newPoller(cfg, db, log)
	return a, nil
}

func newPoller(cfg *config.Config, db *sqlite.DB, log *slog.Logger) *aggregator.Poller {
	// The configuration was validated with this very call.
	tagger, err := aggregator.NewTagger(cfg.Tagging)
	if err != nil {
		panic(fmt.Sprintf("validated tag rules do not compile: %v", err))
	}
	client := fetch.New(fetch.Options{
		UserAgent:     userAgent(cfg),
		MaxBody:       cfg.Poll.MaxBodyBytes,
		Timeout:       cfg.Poll.Timeout,
		AllowPrivate:  cfg.Poll.AllowPrivate,
		AllowNetworks: cfg.Poll.AllowNetworks,
		PerHost:       cfg.Poll.PerHost,
		HostInterval:  cfg.Poll.HostInterval,
	})
	return &aggregator.Poller{
		Store:      db,
		Fetcher:    client,
		Parser:     feeds.NewParser(),
		Tagger:     tagger,
		Jitter:     0.1,
		MaxEntries: cfg.Poll.MaxItems,
		MaxBackoff: cfg.Poll.MaxBackoff,
		Merge:      cfg.Merge,
	}
}

func userAgent(cfg *config.Config) string {
	if cfg.Poll.UserAgent != "" {
		return cfg.Poll.UserAgent
	}
	return fmt.Sprintf("gleaner/%s (+%s)", version, cfg.BaseURL)
}

func site(cfg *config.Config) server.Site {
	return server.Site{
		BaseURL:   cfg.BaseURL,
		Outputs:   cfg.Outputs,
		Sources:   cfg.Sources,
		Hubs:      cfg.Hubs,
		Generator: "gleaner " + version,
	}
}

func (a *app) Close() error { return a.db.Close() }
