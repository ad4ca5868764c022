package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gleaner/gleaner/aggregator/config"
	"github.com/gleaner/gleaner/cmd/feedfarm/farm"
)

// farmConfig writes a 20-feed farm's gleaner configuration into a
// temporary folder and returns its path and the farm's feed count.
func farmConfig(t *testing.T) (string, int) {
	path := filepath.Join(t.TempDir(), "gleaner.yaml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fm, err := farm.New(t.Context(), farm.Options{Feeds: 20, Items: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := farm.WriteConfig(f, "http://127.0.0.1:9", fm.Feeds()); err != nil {
		t.Fatal(err)
	}
	return path, len(fm.Feeds())
}

// TestTurnMergingOff: the farm's configuration with merging off loads,
// merges nothing, keeps its sources, and is not given a second section.
func TestTurnMergingOff(t *testing.T) {
	path, feeds := farmConfig(t)
	if c, err := config.Load(path); err != nil || c.Merge.Disabled {
		t.Fatalf("the farm's own configuration: merging disabled %v, err %v; want it on", c != nil && c.Merge.Disabled, err)
	}
	if err := turnMergingOff(path); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path)
	if err != nil {
		t.Fatalf("the farm's configuration with merging off does not load: %v", err)
	}
	if !c.Merge.Disabled || len(c.Sources) != feeds {
		t.Errorf("merging disabled %v, %d sources; want true and the farm's %d", c.Merge.Disabled, len(c.Sources), feeds)
	}
	if err := turnMergingOff(path); err == nil {
		t.Error("a second merge section: no error")
	}
}

// TestUseTagging gives a farm's configuration the shipped rules: it
// loads with every rule and extractor of config.yaml, and keeps the
// farm's sources and outputs.
func TestUseTagging(t *testing.T) {
	path, feeds := farmConfig(t)
	dir := filepath.Dir(path)
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
	if len(got.Sources) != feeds || len(got.Outputs) != 2 || got.BaseURL != "http://gleaner.bench" {
		t.Errorf("%d sources, %d outputs, base_url %q: want the farm's %d, 2 and http://gleaner.bench", len(got.Sources), len(got.Outputs), got.BaseURL, feeds)
	}
	if err := useTagging(path, filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("useTagging from a missing file: no error")
	}
}
