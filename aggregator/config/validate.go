package config

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// validate checks what each value means, with defaults filled in, and
// builds the Config.
func (d *decoder) validate(fc *fileConfig) *Config {
	dir := filepath.Dir(d.file)
	cfg := &Config{Path: d.file, Database: fc.Database, Listen: fc.Listen}
	if cfg.Database == "" {
		cfg.Database = DefaultDatabase
	}
	if !filepath.IsAbs(cfg.Database) {
		cfg.Database = filepath.Join(dir, cfg.Database)
	}
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	if _, _, err := net.SplitHostPort(cfg.Listen); err != nil {
		d.add("listen", "listen must be host:port: %v", err)
	}
	cfg.BaseURL = strings.TrimRight(fc.BaseURL, "/")
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + reachable(cfg.Listen)
	} else if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		d.add("base_url", "base_url must be an absolute http(s) URL, got %q", fc.BaseURL)
	}
	cfg.Poll = d.poll(&fc.Poll)
	cfg.Merge = d.merge(&fc.Merge)
	for i, hub := range fc.WebSub.Hubs {
		if u, err := url.Parse(hub); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			d.add(fmt.Sprintf("websub.hubs[%d]", i), "hub must be an absolute http(s) URL, got %q", hub)
		}
	}
	cfg.Hubs = fc.WebSub.Hubs
	cfg.Rules = d.rules(fc.Tags)
	cfg.Sources = d.sources(fc.Sources, cfg.Poll.Schedule)
	cfg.Tagging = d.tagging(fc, cfg)
	cfg.Outputs = d.outputs(fc.Outputs, knownTags(cfg))
	return cfg
}

// reachable turns a listen address into one a local feed reader can
// use: ":8080" and "0.0.0.0:8080" become "localhost:8080".
func reachable(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

func (d *decoder) poll(fp *filePoll) Poll {
	p := Poll{
		AllowPrivate: fp.AllowPrivateNetworks,
		Concurrency:  fp.Concurrency,
		PerHost:      fp.PerHost,
		Timeout:      d.duration("poll.timeout", fp.Timeout, DefaultTimeout, false),
		HostInterval: d.duration("poll.host_interval", fp.HostInterval, DefaultHostGap, true),
		MaxBackoff:   d.duration("poll.max_backoff", fp.MaxBackoff, DefaultMaxBackoff, false),
		MaxBodyBytes: DefaultMaxBodyMB << 20,
		MaxItems:     fp.MaxItems,
		UserAgent:    fp.UserAgent,
	}
	spec := fp.Schedule
	if spec == "" {
		spec = DefaultSchedule
	}
	s, err := aggregator.ParseSchedule(spec)
	if err != nil {
		d.add("poll.schedule", "%v", err)
	}
	p.Schedule = s
	if p.Concurrency == 0 {
		p.Concurrency = DefaultConcurrency
	} else if p.Concurrency < 0 {
		d.add("poll.concurrency", "concurrency must be at least 1")
	}
	for i, n := range fp.AllowNetworks {
		prefix, err := netip.ParsePrefix(n)
		if err != nil {
			addr, aerr := netip.ParseAddr(n)
			if aerr != nil {
				d.add(fmt.Sprintf("poll.allow_networks[%d]", i), "not a network (10.1.2.0/24) or address: %q", n)
				continue
			}
			prefix = netip.PrefixFrom(addr, addr.BitLen())
		}
		p.AllowNetworks = append(p.AllowNetworks, prefix.Masked())
	}
	if p.PerHost == 0 {
		p.PerHost = DefaultPerHost
	} else if p.PerHost < 0 {
		d.add("poll.per_host", "per_host must be at least 1")
	}
	if p.MaxItems == 0 {
		p.MaxItems = DefaultMaxItems
	} else if p.MaxItems < 0 {
		d.add("poll.max_items", "max_items must be at least 1")
	}
	if fp.MaxBodyMB < 0 {
		d.add("poll.max_body_mb", "max_body_mb must be positive")
	} else if fp.MaxBodyMB > 0 {
		p.MaxBodyBytes = int64(fp.MaxBodyMB) << 20
	}
	return p
}

// duration reads an optional duration value; zero is allowed only when
// zeroOK.
func (d *decoder) duration(path, value string, def time.Duration, zeroOK bool) time.Duration {
	if value == "" {
		return def
	}
	v, err := time.ParseDuration(value)
	if err != nil || v < 0 || (v == 0 && !zeroOK) {
		d.add(path, "%s must be a positive duration such as 30s or 2h, got %q", path[strings.LastIndex(path, ".")+1:], value)
		return def
	}
	return v
}

func (d *decoder) merge(fm *fileMerge) aggregator.MergePolicy {
	p := aggregator.MergePolicy{
		Disabled: fm.Enabled != nil && !*fm.Enabled,
		Window:   d.duration("merge.window", fm.Window, aggregator.DefaultMergeWindow, false),
	}
	p.MaxDistance = aggregator.DefaultMergeMaxDistance
	if fm.MaxDistance != nil {
		if *fm.MaxDistance < 0 || *fm.MaxDistance > 12 {
			d.add("merge.max_distance", "max_distance must be between 0 and 12 bits")
		}
		p.MaxDistance = *fm.MaxDistance
	}
	return p
}

// uniqueName checks the name of the source or output at path: present,
// well formed, and not taken by an earlier one (seen maps names to where
// they first stood).
func (d *decoder) uniqueName(kind, at, name string, seen map[string]string) {
	switch {
	case name == "":
		d.add(at, "%s needs a name", kind)
	case !nameRE.MatchString(name):
		d.add(at+".name", "%s name %q must be lower-case letters, digits and dashes", kind, name)
	case seen[name] != "":
		d.add(at+".name", "duplicate %s name %q (first at %s)", kind, name, seen[name])
	default:
		seen[name] = d.where(at + ".name")
	}
}

func (d *decoder) sources(in []fileSource, def aggregator.Schedule) []aggregator.Source {
	out := make([]aggregator.Source, 0, len(in))
	seen := map[string]string{}
	for i, fs := range in {
		at := fmt.Sprintf("sources[%d]", i)
		src := aggregator.Source{Name: fs.Name, URL: strings.TrimSpace(fs.URL), Tags: fs.Tags, Schedule: def,
			AllowPrivate: fs.AllowPrivate, NoMerge: fs.Merge != nil && !*fs.Merge, Priority: fs.Priority}
		if len(fs.Categories) > 0 {
			src.Categories = map[string]string{}
			for category, tag := range fs.Categories {
				if !nameRE.MatchString(tag) {
					d.add(at+".categories."+category, "tag %q must be lower-case letters, digits and dashes", tag)
				}
				src.Categories[aggregator.FoldCategory(category)] = tag
			}
		}
		d.uniqueName("source", at, fs.Name, seen)
		if src.URL == "" {
			d.add(at, "source %q needs a url", fs.Name)
		} else if u, err := url.Parse(src.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			d.add(at+".url", "url must be an absolute http(s) URL, got %q", fs.URL)
		}
		if fs.Schedule != "" {
			s, err := aggregator.ParseSchedule(fs.Schedule)
			if err != nil {
				d.add(at+".schedule", "%v", err)
			}
			src.Schedule = s
		}
		if fs.Timezone != "" {
			loc, err := d.location(fs.Timezone)
			if err != nil {
				d.add(at+".timezone", "unknown timezone %q", fs.Timezone)
			}
			src.Location = loc
		}
		for j, t := range fs.Tags {
			if !nameRE.MatchString(t) {
				d.add(fmt.Sprintf("%s.tags[%d]", at, j), "tag %q must be lower-case letters, digits and dashes", t)
			}
		}
		out = append(out, src)
	}
	return out
}

func (d *decoder) rules(in map[string]fileTag) []aggregator.TagRule {
	names := make([]string, 0, len(in))
	for name := range in {
		names = append(names, name)
	}
	slices.Sort(names)
	out := make([]aggregator.TagRule, 0, len(in))
	for _, name := range names {
		ft := in[name]
		at := "tags." + name
		if !nameRE.MatchString(name) {
			d.addKey(at, "tag %q must be lower-case letters, digits and dashes", name)
		}
		if len(ft.Any) == 0 && len(ft.All) == 0 {
			d.addKey(at, "tag %q needs terms under any or all", name)
		}
		for list, terms := range map[string][]string{"any": ft.Any, "all": ft.All, "none": ft.None} {
			for j, t := range terms {
				if err := aggregator.ParseTerm(t); err != nil {
					d.add(fmt.Sprintf("%s.%s[%d]", at, list, j), "%v", err)
				}
			}
		}
		for j, f := range ft.Fields {
			if !slices.Contains(aggregator.FieldNames[:], f) {
				d.add(fmt.Sprintf("%s.fields[%d]", at, j), "unknown field %q (want one of %s)", f, strings.Join(aggregator.FieldNames[:], ", "))
			}
		}
		out = append(out, aggregator.TagRule{Name: name, Any: ft.Any, All: ft.All, None: ft.None, Fields: ft.Fields, Sources: ft.Sources})
	}
	return out
}

// tagging checks what only the whole set of rules can show — sources a
// rule names, category maps, extractors, cycles between tags — and
// returns the tagger's options.
func (d *decoder) tagging(fc *fileConfig, cfg *Config) aggregator.TaggerOptions {
	opts := aggregator.TaggerOptions{Rules: cfg.Rules, Categories: fc.Categories, Extract: fc.Extract}
	for _, r := range cfg.Rules {
		for j, name := range r.Sources {
			if _, ok := cfg.Source(name); !ok {
				d.add(fmt.Sprintf("tags.%s.sources[%d]", r.Name, j), "tag %q names source %q, which is not configured", r.Name, name)
			}
		}
	}
	for j, x := range fc.Extract {
		if x != aggregator.ExtractCVE && x != aggregator.ExtractIndicators {
			d.add(fmt.Sprintf("extract[%d]", j), "unknown extractor %q (want %s or %s)", x, aggregator.ExtractCVE, aggregator.ExtractIndicators)
		}
	}
	for category, tag := range fc.Categories {
		if !nameRE.MatchString(tag) {
			d.add("categories."+category, "tag %q must be lower-case letters, digits and dashes", tag)
		}
	}
	if len(d.problems) == 0 {
		if _, err := aggregator.NewTagger(opts); err != nil {
			d.add("tags", "%v", err) // a cycle: no single place to point at
		}
	}
	return opts
}

// knownTags are the tags anything can give: rules and per-source tags.
func knownTags(cfg *Config) map[string]bool {
	known := map[string]bool{}
	for _, r := range cfg.Rules {
		known[r.Name] = true
	}
	for _, s := range cfg.Sources {
		for _, t := range s.Tags {
			known[t] = true
		}
		for _, t := range s.Categories {
			known[t] = true
		}
	}
	for _, t := range cfg.Tagging.Categories {
		known[t] = true
	}
	for _, x := range cfg.Tagging.Extract {
		known[x] = true
	}
	return known
}

func (d *decoder) outputs(in []fileOutput, known map[string]bool) []aggregator.Output {
	if len(in) == 0 {
		return []aggregator.Output{{Name: "all", Title: "All items", Limit: DefaultLimit}}
	}
	out := make([]aggregator.Output, 0, len(in))
	seen := map[string]string{}
	for i, fo := range in {
		at := fmt.Sprintf("outputs[%d]", i)
		o := aggregator.Output{Name: fo.Name, Title: fo.Title, Description: fo.Description, Tags: fo.Tags, Limit: fo.Limit}
		d.uniqueName("output", at, fo.Name, seen)
		for j, t := range fo.Tags {
			if !known[t] {
				d.add(fmt.Sprintf("%s.tags[%d]", at, j), "output %q names tag %q, which no rule under tags: and no source gives", fo.Name, t)
			}
		}
		switch {
		case o.Limit == 0:
			o.Limit = DefaultLimit
		case o.Limit < 0 || o.Limit > MaxLimit:
			d.add(at+".limit", "limit must be between 1 and %d", MaxLimit)
		}
		if o.Title == "" {
			o.Title = o.Name
		}
		out = append(out, o)
	}
	return out
}

// location loads a time zone once per configuration: sources in one zone
// share it, and each load reads the zone file again.
func (d *decoder) location(name string) (*time.Location, error) {
	if loc, ok := d.zones[name]; ok {
		return loc, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	if d.zones == nil {
		d.zones = map[string]*time.Location{}
	}
	d.zones[name] = loc
	return loc, nil
}
