package config

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
)

// manySources is a configuration of n sources, as a large installation
// writes it.
func manySources(n int) []byte {
	var sb strings.Builder
	sb.WriteString("database: gleaner.db\npoll:\n  schedule: \"@every 15m\"\n  concurrency: 32\nsources:\n")
	for i := range n {
		fmt.Fprintf(&sb, "  - name: feed-%04d\n    url: http://127.0.0.1:8080/feeds/feed-%04d.xml\n", i, i)
		if i%5 == 0 {
			sb.WriteString("    timezone: Asia/Shanghai\n")
		}
	}
	return []byte(sb.String())
}

// TestDecodeAgreesWithLibrary holds decode to the YAML library's own
// decoder, which it replaced, on files both read without a problem.
func TestDecodeAgreesWithLibrary(t *testing.T) {
	shipped, err := os.ReadFile(filepath.Join("..", "..", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"shipped config.yaml": shipped,
		"600 sources":         manySources(600),
		"flow style":          []byte("sources: [{name: a, url: 'http://x.test/a', tags: [x, y]}]\ntags: {x: {any: [foo, \"bar baz\"]}, y: {all: [q]}}\n"),
		"block scalars":       []byte("outputs:\n  - name: o\n    title: |\n      two\n      lines\n    description: >-\n      folded\n      here\n"),
		"quoted":              []byte("outputs:\n  - name: o\n    title: 'it''s'\n    description: \"a\\tb\\u00e9\"\ncategories:\n  \"Cyber Security\": cyber\n  'x y': z\n"),
		"anchored scalars":    []byte("poll:\n  schedule: &s \"@every 5m\"\nsources:\n  - name: a\n    url: http://x.test/a\n    schedule: *s\n"),
		"anchored mappings":   []byte("tags:\n  a: &t\n    any: [foo]\n    fields: [title]\n  b: *t\n"),
		"pointers":            []byte("merge:\n  enabled: false\n  max_distance: 7\nsources:\n  - name: a\n    url: http://x.test/a\n    merge: true\n"),
		"numbers":             []byte("poll:\n  concurrency: 0x10\n  per_host: -3\n  max_items: +12\n"),
		"nulls":               []byte("listen: ~\ntags:\n  x:\noutputs:\n  - name: o\n    title: null\n"),
		"comments":            []byte("# top\npoll: # the poller\n  concurrency: 3 # three\n  # between\n  per_host: 2\n"),
	}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			d := &decoder{file: name}
			var got fileConfig
			if !d.decode(data, &got) || len(d.problems) > 0 {
				t.Fatalf("decode: %v", d.problems)
			}
			f, err := parser.ParseBytes(data, 0)
			if err != nil {
				t.Fatal(err)
			}
			var want fileConfig
			if err := yaml.NodeToValue(f.Docs[0].Body, &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("decode:\n%+v\nthe library:\n%+v", got, want)
			}
		})
	}
}

// TestDecodeForms covers what the library's decoder did otherwise, or
// not at all.
func TestDecodeForms(t *testing.T) {
	tests := []struct {
		name, yaml string
		check      func(*fileConfig) string // what is wrong, or ""
		problems   []string
	}{{
		name: "a number where text goes keeps its written form",
		yaml: "outputs:\n  - name: o\n    title: 1.50\n    description: 0x10\n",
		check: func(fc *fileConfig) string {
			if o := fc.Outputs[0]; o.Title != "1.50" || o.Description != "0x10" {
				return fmt.Sprintf("title %q, description %q", o.Title, o.Description)
			}
			return ""
		},
	}, {
		name: "an anchored source used again",
		yaml: "sources:\n  - &d\n    name: a\n    url: http://x.test/a\n  - *d\n",
		check: func(fc *fileConfig) string {
			if len(fc.Sources) != 2 || fc.Sources[1].URL != "http://x.test/a" {
				return fmt.Sprintf("sources %+v", fc.Sources)
			}
			return ""
		},
	}, {
		name: "a tagged value",
		yaml: "poll:\n  user_agent: !!str 12\n  concurrency: !!int 4\n",
		check: func(fc *fileConfig) string {
			if fc.Poll.UserAgent != "12" || fc.Poll.Concurrency != 4 {
				return fmt.Sprintf("poll %+v", fc.Poll)
			}
			return ""
		},
	}, {
		name: "a key with a comment",
		yaml: "poll:\n  concurrency: # how many at once\n    4\n",
		check: func(fc *fileConfig) string {
			if fc.Poll.Concurrency != 4 {
				return fmt.Sprintf("concurrency %d", fc.Poll.Concurrency)
			}
			return ""
		},
	}, {
		name:     "an alias before its anchor",
		yaml:     "poll:\n  schedule: *s\n  user_agent: &s x\n",
		problems: []string{"f.yaml:2:13: alias *s names no anchor &s before it"},
	}, {
		name:     "a number too large",
		yaml:     "poll:\n  concurrency: 9223372036854775808\n",
		problems: []string{"f.yaml:2:16: poll.concurrency must be a whole number, got 9223372036854775808"},
	}, {
		name:     "aliases that expand past the bound",
		yaml:     aliasBomb(),
		problems: []string{"aliases expand to more than 1048576 values"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &decoder{file: "f.yaml"}
			var fc fileConfig
			d.decode([]byte(tt.yaml), &fc)
			var got []string
			for _, p := range d.problems {
				got = append(got, p.String())
			}
			for _, want := range tt.problems {
				if !containsProblem(got, want) {
					t.Errorf("problems %q, want one with %q", got, want)
				}
			}
			if tt.problems == nil && len(got) > 0 {
				t.Errorf("problems %q, want none", got)
			}
			if tt.check != nil {
				if wrong := tt.check(&fc); wrong != "" {
					t.Error(wrong)
				}
			}
		})
	}
}

func containsProblem(got []string, want string) bool {
	for _, g := range got {
		if strings.Contains(g, want) {
			return true
		}
	}
	return false
}

// aliasBomb is 16 KB of YAML whose aliases expand to 1.1 million values.
func aliasBomb() string {
	var sb strings.Builder
	sb.WriteString("tags:\n  a: &t\n    any: [")
	for i := range 1000 {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("x")
	}
	sb.WriteString("]\n")
	for i := range 1100 {
		fmt.Fprintf(&sb, "  b%d: *t\n", i)
	}
	return sb.String()
}
