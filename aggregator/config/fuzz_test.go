package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/gleaner/gleaner/aggregator/config"
)

// FuzzParse holds Parse to what `gleaner check` promises for any file:
// no panic, and either a configuration or problems that each name a
// line and column in the file.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "bad", "*.yaml"))
	seeds = append(seeds, filepath.Join("..", "..", "config.yaml"))
	for _, path := range seeds {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("tags:\n  a: &t\n    any: [foo]\n  b: *t\nsources:\n  - &s {name: a, url: 'http://x.test/a', tags: [a]}\n  - *s\n"))
	f.Add([]byte("poll: {concurrency: !!int 4, user_agent: !!str 12}\noutputs: [{name: o, title: 1.50}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := config.Parse("f.yaml", data)
		if err == nil {
			if cfg == nil {
				t.Fatal("Parse = nil, nil")
			}
			return
		}
		var problems config.Problems
		if !errors.As(err, &problems) || len(problems) == 0 {
			t.Fatalf("Parse error %v (%T), want problems", err, err)
		}
		for _, p := range problems {
			if p.File != "f.yaml" || p.Line < 1 || p.Col < 1 || p.Msg == "" {
				t.Errorf("problem %+v: want the file, a line, a column and a message", p)
			}
		}
	})
}
