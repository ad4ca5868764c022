package config_test

import (
	"errors"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator/config"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestShippedConfig loads the example config.yaml at the top of the
// repository: `gleaner check` must accept it as shipped.
func TestShippedConfig(t *testing.T) {
	path := filepath.Join("..", "..", "config.yaml")
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("Load(%q) = %v, want no error", path, err)
	}
	if len(cfg.Sources) == 0 {
		t.Errorf("Load(%q): no sources", path)
	}
	var rule bool
	for _, r := range cfg.Rules {
		if r.Name == "cyber-security" {
			rule = true
			if len(r.Any) == 0 {
				t.Errorf("rule cyber-security has no any terms")
			}
		}
	}
	if !rule {
		t.Errorf("Load(%q): no cyber-security rule", path)
	}
	for _, name := range []string{"cyber-security", "all"} {
		if _, ok := cfg.Output(name); !ok {
			t.Errorf("Load(%q): no output %q", path, name)
		}
	}
	if x, ok := cfg.Source("xinhua-world"); !ok || x.Location == nil || x.Location.String() != "Asia/Shanghai" {
		t.Errorf("Load(%q): source xinhua-world = %+v, %v; want timezone Asia/Shanghai", path, x, ok)
	}
	for _, s := range cfg.Sources {
		if s.Schedule.String() == "" {
			t.Errorf("source %s has no schedule", s.Name)
		}
	}
}

// TestBad runs every broken configuration in testdata/bad and compares
// the problems reported with the lines in its .want file.
func TestBad(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "bad", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no files in testdata/bad")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			cfg, err := config.Load(file)
			if err == nil {
				t.Fatalf("Load(%q) = %+v, nil; want problems", file, cfg)
			}
			var ps config.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Load(%q) error is %T (%v), want config.Problems", file, err, err)
			}
			if len(ps) == 0 {
				t.Fatalf("Load(%q) returned empty Problems", file)
			}
			for _, p := range ps {
				if p.File != file || p.Line < 1 || p.Col < 1 || p.Msg == "" {
					t.Errorf("problem %+v: want File %q, a position and a message", p, file)
				}
			}
			if !slices.IsSortedFunc(ps, func(a, b config.Problem) int {
				if a.Line != b.Line {
					return a.Line - b.Line
				}
				return a.Col - b.Col
			}) {
				t.Errorf("problems not in file order:\n%v", ps)
			}
			got := ps.Error() + "\n"
			golden := strings.TrimSuffix(file, ".yaml") + ".want"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("Load(%q) problems:\n%s\nwant:\n%s", file, got, want)
			}
		})
	}
}

func TestProblemString(t *testing.T) {
	p := config.Problem{File: "config.yaml", Line: 9, Col: 5, Msg: `unknown field "ulr"`}
	if got, want := p.String(), `config.yaml:9:5: unknown field "ulr"`; got != want {
		t.Errorf("Problem.String() = %q, want %q", got, want)
	}
	ps := config.Problems{p, {File: "config.yaml", Line: 10, Col: 1, Msg: "x"}}
	if got, want := ps.Error(), "config.yaml:9:5: unknown field \"ulr\"\nconfig.yaml:10:1: x"; got != want {
		t.Errorf("Problems.Error() = %q, want %q", got, want)
	}
}

// parse parses src as if read from dir/config.yaml and fails the test on
// any problem.
func parse(t *testing.T, dir, src string) *config.Config {
	t.Helper()
	path := filepath.Join(dir, "config.yaml")
	cfg, err := config.Parse(path, []byte(src))
	if err != nil {
		t.Fatalf("Parse:\n%s\n= %v, want no error", src, err)
	}
	return cfg
}

const minimal = `
sources:
  - name: example
    url: https://example.org/feed.xml
`

func TestDefaults(t *testing.T) {
	dir := t.TempDir()
	cfg := parse(t, dir, minimal)
	if got, want := cfg.Listen, "127.0.0.1:8080"; got != want {
		t.Errorf("Listen = %q, want %q", got, want)
	}
	if got, want := cfg.BaseURL, "http://127.0.0.1:8080"; got != want {
		t.Errorf("BaseURL = %q, want %q", got, want)
	}
	if got, want := cfg.Database, filepath.Join(dir, "gleaner.db"); got != want {
		t.Errorf("Database = %q, want %q", got, want)
	}
	if got, want := cfg.Poll.Schedule.String(), "@every 15m"; got != want {
		t.Errorf("Poll.Schedule = %q, want %q", got, want)
	}
	if got, want := cfg.Sources[0].Schedule.String(), "@every 15m"; got != want {
		t.Errorf("Sources[0].Schedule = %q, want %q", got, want)
	}
	if cfg.Poll.AllowPrivate {
		t.Errorf("Poll.AllowPrivate = true, want false by default")
	}
	if cfg.Sources[0].AllowPrivate {
		t.Errorf("Sources[0].AllowPrivate = true, want false by default")
	}
	if cfg.Sources[0].Location != nil {
		t.Errorf("Sources[0].Location = %v, want nil (UTC)", cfg.Sources[0].Location)
	}
	if cfg.Poll.Concurrency != config.DefaultConcurrency || cfg.Poll.Timeout != config.DefaultTimeout ||
		cfg.Poll.PerHost != config.DefaultPerHost || cfg.Poll.HostInterval != config.DefaultHostGap ||
		cfg.Poll.MaxItems != config.DefaultMaxItems || cfg.Poll.MaxBackoff != config.DefaultMaxBackoff ||
		cfg.Poll.MaxBodyBytes != config.DefaultMaxBodyMB<<20 {
		t.Errorf("Poll = %+v, want the defaults", cfg.Poll)
	}
	if len(cfg.Outputs) != 1 {
		t.Fatalf("Outputs = %+v, want one default output", cfg.Outputs)
	}
	o := cfg.Outputs[0]
	if o.Name != "all" || len(o.Tags) != 0 || o.Limit != 50 {
		t.Errorf("default output = %+v, want all, no tags, limit 50", o)
	}
	if got, ok := cfg.Output("all"); !ok || got.Name != "all" {
		t.Errorf("Output(all) = %+v, %v; want the default output", got, ok)
	}
	if _, ok := cfg.Output("missing"); ok {
		t.Errorf("Output(missing) found an output")
	}
	if got, ok := cfg.Source("example"); !ok || got.URL != "https://example.org/feed.xml" {
		t.Errorf("Source(example) = %+v, %v", got, ok)
	}
}

func TestEmptyFile(t *testing.T) {
	cfg := parse(t, t.TempDir(), "")
	if len(cfg.Sources) != 0 || len(cfg.Outputs) != 1 {
		t.Errorf("empty config = %+v, want no sources and the default output", cfg)
	}
}

func TestOutputLimitDefault(t *testing.T) {
	cfg := parse(t, t.TempDir(), minimal+`
outputs:
  - name: everything
  - name: short
    limit: 10
`)
	tests := []struct {
		name, title string
		limit       int
	}{
		{"everything", "everything", 50},
		{"short", "short", 10},
	}
	for _, tt := range tests {
		o, ok := cfg.Output(tt.name)
		if !ok {
			t.Errorf("no output %q", tt.name)
			continue
		}
		if o.Limit != tt.limit || o.Title != tt.title {
			t.Errorf("output %q = %+v, want title %q limit %d", tt.name, o, tt.title, tt.limit)
		}
	}
	if _, ok := cfg.Output("all"); ok {
		t.Errorf("output all added although outputs are configured")
	}
}

func TestBaseURLFromListen(t *testing.T) {
	cfg := parse(t, t.TempDir(), "listen: 0.0.0.0:9000\n"+minimal)
	if got, want := cfg.BaseURL, "http://localhost:9000"; got != want {
		t.Errorf("BaseURL = %q, want %q", got, want)
	}
	cfg = parse(t, t.TempDir(), "base_url: https://news.example.org/\n"+minimal)
	if got, want := cfg.BaseURL, "https://news.example.org"; got != want {
		t.Errorf("BaseURL = %q, want %q (no trailing slash)", got, want)
	}
}

// TestBaseURLFromWildcardListen: listening on every address must not
// give rel=self links without a host.
func TestBaseURLFromWildcardListen(t *testing.T) {
	for _, listen := range []string{":8080", "0.0.0.0:8080", "[::]:8080"} {
		cfg := parse(t, t.TempDir(), "listen: \""+listen+"\"\n"+minimal)
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || u.Hostname() == "" || u.Hostname() == "0.0.0.0" || u.Hostname() == "::" {
			t.Errorf("listen %q: BaseURL = %q, want a URL a feed reader can reach", listen, cfg.BaseURL)
		}
	}
}

func TestDatabasePath(t *testing.T) {
	dir := t.TempDir()
	abs := filepath.Join(t.TempDir(), "elsewhere.db")
	tests := []struct {
		name, database, want string
	}{
		{"relative", "data/news.db", filepath.Join(dir, "data", "news.db")},
		{"dot", "./news.db", filepath.Join(dir, "news.db")},
		{"absolute", abs, abs},
		{"default", "", filepath.Join(dir, "gleaner.db")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := minimal
			if tt.database != "" {
				src = "database: " + tt.database + "\n" + src
			}
			cfg := parse(t, dir, src)
			if cfg.Database != tt.want {
				t.Errorf("database %q: Database = %q, want %q", tt.database, cfg.Database, tt.want)
			}
		})
	}
}

// TestLoadRelativeDatabase resolves the database against the folder of
// the file Load read, not the working directory.
func TestLoadRelativeDatabase(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gleaner.yaml")
	if err := os.WriteFile(path, []byte("database: state/gleaner.db\n"+minimal), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("Load(%q) = %v", path, err)
	}
	if want := filepath.Join(dir, "state", "gleaner.db"); cfg.Database != want {
		t.Errorf("Database = %q, want %q", cfg.Database, want)
	}
	if cfg.Path != path {
		t.Errorf("Path = %q, want %q", cfg.Path, path)
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.yaml")
	_, err := config.Load(path)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(%q) = %v, want an error wrapping os.ErrNotExist", path, err)
	}
}

func TestSourceOptions(t *testing.T) {
	cfg := parse(t, t.TempDir(), `
poll:
  schedule: "@hourly"
  allow_private_networks: true
  concurrency: 3
  timeout: 30s
  max_body_mb: 2
  per_host: 4
  host_interval: 0s
  max_items: 200
  max_backoff: 6h
  user_agent: gleaner-test
sources:
  - name: xinhua-world
    url: http://www.xinhuanet.com/english/rss/worldrss.xml
    schedule: "*/10 * * * *"
    tags: [china, world]
    timezone: Asia/Shanghai
  - name: intranet
    url: http://10.0.0.5/feed.xml
    allow_private: true
  - name: plain
    url: https://example.org/feed.xml
`)
	p := cfg.Poll
	if !p.AllowPrivate || p.Concurrency != 3 || p.Timeout != 30*time.Second || p.MaxBodyBytes != 2<<20 ||
		p.UserAgent != "gleaner-test" || p.Schedule.String() != "@hourly" ||
		p.PerHost != 4 || p.HostInterval != 0 || p.MaxItems != 200 || p.MaxBackoff != 6*time.Hour {
		t.Errorf("Poll = %+v", p)
	}

	x, ok := cfg.Source("xinhua-world")
	if !ok {
		t.Fatal("no source xinhua-world")
	}
	if x.Location == nil || x.Location.String() != "Asia/Shanghai" {
		t.Errorf("xinhua-world Location = %v, want Asia/Shanghai", x.Location)
	} else {
		// A zoneless "2024-01-02 15:04" read in the source's zone is
		// 07:04 UTC.
		got := time.Date(2024, 1, 2, 15, 4, 0, 0, x.Location).UTC()
		if want := time.Date(2024, 1, 2, 7, 4, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("15:04 in %v = %v UTC, want %v", x.Location, got, want)
		}
	}
	if got := x.Schedule.String(); got != "*/10 * * * *" {
		t.Errorf("xinhua-world Schedule = %q, want */10 * * * *", got)
	}
	if !slices.Equal(x.Tags, []string{"china", "world"}) {
		t.Errorf("xinhua-world Tags = %q, want [china world]", x.Tags)
	}
	if x.AllowPrivate {
		t.Errorf("xinhua-world AllowPrivate = true, want false")
	}

	in, _ := cfg.Source("intranet")
	if !in.AllowPrivate {
		t.Errorf("intranet AllowPrivate = false, want true")
	}
	plain, _ := cfg.Source("plain")
	if got := plain.Schedule.String(); got != "@hourly" {
		t.Errorf("plain Schedule = %q, want the poll default @hourly", got)
	}
}

// TestSourceTagsAreKnown: an output may select a tag that only a source
// gives, with no rule under tags:.
func TestSourceTagsAreKnown(t *testing.T) {
	cfg := parse(t, t.TempDir(), `
sources:
  - name: xinhua-world
    url: https://example.org/feed.xml
    tags: [china]
tags:
  cyber-security:
    any: [malware]
    none: [cyber monday]
outputs:
  - name: china
    tags: [china]
  - name: security
    tags: [cyber-security, china]
`)
	o, ok := cfg.Output("china")
	if !ok || !slices.Equal(o.Tags, []string{"china"}) {
		t.Errorf("Output(china) = %+v, %v", o, ok)
	}
	if len(cfg.Rules) != 1 || cfg.Rules[0].Name != "cyber-security" ||
		!slices.Equal(cfg.Rules[0].None, []string{"cyber monday"}) {
		t.Errorf("Rules = %+v", cfg.Rules)
	}
}

// TestSchedules checks the schedule specs accepted and refused. The
// refused ones must come back as problems, never as a panic.
func TestSchedules(t *testing.T) {
	tests := []struct {
		spec string
		ok   bool
	}{
		{"@every 15m", true},
		{"@hourly", true},
		{"@daily", true},
		{"*/10 * * * *", true},
		{"0 6 * * 1-5", true},
		{"0 0 29 2 *", true}, // leap years only, still fires
		{"0 0 31 2 *", false},
		{"0 0 30 2 *", false},
		{"CRON_TZ=UTC", false},
		{"TZ=UTC", false},
		{"CRON_TZ=Asia/Shanghai", false},
		{"61 * * * *", false},
		{"* * * *", false},
		{"@every 10s", false},
		{"@every", false},
		{"@sometimes", false},
		{"bogus", false},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			src := "poll:\n  schedule: \"" + tt.spec + "\"\n" + minimal
			cfg, err := config.Parse("config.yaml", []byte(src))
			if tt.ok {
				if err != nil {
					t.Fatalf("schedule %q: %v, want accepted", tt.spec, err)
				}
				if got := cfg.Poll.Schedule.String(); got != tt.spec {
					t.Errorf("schedule %q read as %q", tt.spec, got)
				}
				return
			}
			var ps config.Problems
			if !errors.As(err, &ps) || len(ps) != 1 {
				t.Fatalf("schedule %q: %v, want one problem", tt.spec, err)
			}
			if ps[0].Line != 2 || ps[0].Col != 13 {
				t.Errorf("schedule %q: problem at %d:%d, want 2:13: %s", tt.spec, ps[0].Line, ps[0].Col, ps[0])
			}
		})
	}
}
