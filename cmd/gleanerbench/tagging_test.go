package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gleaner/gleaner/aggregator/config"
	"github.com/gleaner/gleaner/cmd/feedfarm/farm"
)

// TestUseTagging gives a farm's configuration the shipped rules: it
// loads with every rule and extractor of config.yaml, and keeps the
// farm's sources and outputs.
func TestUseTagging(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gleaner.yaml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	fm, err := farm.New(t.Context(), farm.Options{Feeds: 20, Items: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	feeds := fm.Feeds()
	if err := farm.WriteConfig(f, "http://127.0.0.1:9", feeds); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := useTagging(path, "../../config.yaml"); err != nil {
		t.Fatal(err)
	}
	got, err := config.Load(path)
	if err != nil {
		t.Fatalf("the farm's configuration with the shipped tagging does not load: %v", err)
	}
	shipped, err := config.Load("../../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	names := func(c *config.Config) []string {
		var out []string
		for _, r := range c.Rules {
			out = append(out, r.Name)
		}
		return out
	}
	if !slices.Equal(names(got), names(shipped)) || !slices.Equal(got.Tagging.Extract, shipped.Tagging.Extract) {
		t.Errorf("rules %q, extract %q; want config.yaml's %q, %q", names(got), got.Tagging.Extract, names(shipped), shipped.Tagging.Extract)
	}
	if len(got.Sources) != len(feeds) || len(got.Outputs) != 2 || got.BaseURL != "http://gleaner.bench" {
		t.Errorf("%d sources, %d outputs, base_url %q: want the farm's %d, 2 and http://gleaner.bench", len(got.Sources), len(got.Outputs), got.BaseURL, len(feeds))
	}
	if err := useTagging(path, filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("useTagging from a missing file: no error")
	}
}
