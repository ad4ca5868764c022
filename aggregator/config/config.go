// Package config reads gleaner's YAML configuration: strictly (an unknown
// key is an error), reporting every problem at once with its file, line
// and column, and resolving relative paths against the file's folder.
//
// It turns the file into aggregator types and imports nothing else of
// gleaner.
package config

import (
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// Config is a validated configuration.
type Config struct {
	// Path is the file the configuration was read from.
	Path     string
	Database string // absolute, or relative to the working directory
	Listen   string
	BaseURL  string // no trailing slash
	Poll     Poll
	Sources  []aggregator.Source
	Rules    []aggregator.TagRule
	Outputs  []aggregator.Output
	Merge    aggregator.MergePolicy
	// Tagging is what the Tagger is built from: Rules, the global
	// category map and the extractors.
	Tagging aggregator.TaggerOptions
	// Hubs are the WebSub hubs outputs advertise and are announced to.
	Hubs []string
}

// Poll holds the poller's settings.
type Poll struct {
	Schedule      aggregator.Schedule
	AllowPrivate  bool
	AllowNetworks []netip.Prefix
	Concurrency   int
	PerHost       int
	HostInterval  time.Duration
	Timeout       time.Duration
	MaxBodyBytes  int64
	MaxItems      int
	MaxBackoff    time.Duration
	UserAgent     string
}

// Source returns the configured source with that name.
func (c *Config) Source(name string) (aggregator.Source, bool) {
	for _, s := range c.Sources {
		if s.Name == name {
			return s, true
		}
	}
	return aggregator.Source{}, false
}

// Output returns the configured output with that name.
func (c *Config) Output(name string) (aggregator.Output, bool) {
	for _, o := range c.Outputs {
		if o.Name == name {
			return o, true
		}
	}
	return aggregator.Output{}, false
}

// The YAML shape. Field tags name the keys; anything else is an error.
type fileConfig struct {
	Database   string             `yaml:"database"`
	Listen     string             `yaml:"listen"`
	BaseURL    string             `yaml:"base_url"`
	Poll       filePoll           `yaml:"poll"`
	Sources    []fileSource       `yaml:"sources"`
	Tags       map[string]fileTag `yaml:"tags"`
	Categories map[string]string  `yaml:"categories"`
	Extract    []string           `yaml:"extract"`
	WebSub     fileWebSub         `yaml:"websub"`
	Merge      fileMerge          `yaml:"merge"`
	Outputs    []fileOutput       `yaml:"outputs"`
}

type filePoll struct {
	Schedule             string   `yaml:"schedule"`
	AllowPrivateNetworks bool     `yaml:"allow_private_networks"`
	AllowNetworks        []string `yaml:"allow_networks"`
	Concurrency          int      `yaml:"concurrency"`
	PerHost              int      `yaml:"per_host"`
	HostInterval         string   `yaml:"host_interval"`
	Timeout              string   `yaml:"timeout"`
	MaxBodyMB            int      `yaml:"max_body_mb"`
	MaxItems             int      `yaml:"max_items"`
	MaxBackoff           string   `yaml:"max_backoff"`
	UserAgent            string   `yaml:"user_agent"`
}

type fileWebSub struct {
	Hubs []string `yaml:"hubs"`
}

type fileMerge struct {
	Enabled     *bool  `yaml:"enabled"`
	Window      string `yaml:"window"`
	MaxDistance *int   `yaml:"max_distance"`
}

type fileSource struct {
	Name         string            `yaml:"name"`
	URL          string            `yaml:"url"`
	Schedule     string            `yaml:"schedule"`
	Tags         []string          `yaml:"tags"`
	Timezone     string            `yaml:"timezone"`
	AllowPrivate bool              `yaml:"allow_private"`
	Merge        *bool             `yaml:"merge"`
	Priority     int               `yaml:"priority"`
	Categories   map[string]string `yaml:"categories"`
}

type fileTag struct {
	Any     []string `yaml:"any"`
	All     []string `yaml:"all"`
	None    []string `yaml:"none"`
	Fields  []string `yaml:"fields"`
	Sources []string `yaml:"sources"`
}

type fileOutput struct {
	Name        string   `yaml:"name"`
	Title       string   `yaml:"title"`
	Description string   `yaml:"description"`
	Tags        []string `yaml:"tags"`
	Limit       int      `yaml:"limit"`
}

// Defaults, in one place.
const (
	DefaultDatabase    = "gleaner.db"
	DefaultListen      = "127.0.0.1:8080"
	DefaultSchedule    = "@every 15m"
	DefaultConcurrency = 8
	DefaultTimeout     = 60 * time.Second
	DefaultMaxBodyMB   = 16
	DefaultPerHost     = 2
	DefaultHostGap     = time.Second
	DefaultMaxItems    = 1000
	DefaultMaxBackoff  = 24 * time.Hour
	DefaultLimit       = 50
	MaxLimit           = 1000
)

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Load reads and validates the configuration at path. On failure the
// error is Problems, one per problem found.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

// Parse validates data read from path.
func Parse(path string, data []byte) (*Config, error) {
	d := &decoder{file: path}
	var fc fileConfig
	if !d.decode(data, &fc) {
		d.problems.sort()
		return nil, d.problems
	}
	cfg := d.validate(&fc)
	if len(d.problems) > 0 {
		d.problems.sort()
		return nil, d.problems
	}
	return cfg, nil
}
