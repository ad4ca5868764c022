package farm_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/aggregator/config"
	"github.com/gleaner/gleaner/cmd/feedfarm/farm"
)

const base = "http://127.0.0.1:8765"

func TestWriteOPML(t *testing.T) {
	f := newFarm(t, small)
	var b bytes.Buffer
	if err := farm.WriteOPML(&b, base, f.Feeds()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version string `xml:"version,attr"`
		Title   string `xml:"head>title"`
		Outline []struct {
			Type   string `xml:"type,attr"`
			Text   string `xml:"text,attr"`
			XMLURL string `xml:"xmlUrl,attr"`
		} `xml:"body>outline"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("OPML does not parse: %v", err)
	}
	if doc.Version != "2.0" || len(doc.Outline) != len(f.Feeds()) {
		t.Fatalf("OPML version %q with %d outlines, want 2.0 with %d", doc.Version, len(doc.Outline), len(f.Feeds()))
	}
	for i, fd := range f.Feeds() {
		o := doc.Outline[i]
		if o.XMLURL != base+fd.Path || o.Text != fd.Title || o.Type != "rss" {
			t.Errorf("outline %d = %+v, want xmlUrl %s and text %q", i, o, base+fd.Path, fd.Title)
		}
	}
}

func TestWriteConfig(t *testing.T) {
	f := newFarm(t, small)
	path := filepath.Join(t.TempDir(), "gleaner.yaml")
	var b bytes.Buffer
	if err := farm.WriteConfig(&b, base, f.Feeds()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("config.Load: %v\n%s", err, b.Bytes())
	}
	checkConfig(t, cfg, f.Feeds(), base)
}

// checkConfig compares a loaded gleaner configuration with the farm's
// feeds served under base.
func checkConfig(t *testing.T, cfg *config.Config, feeds []farm.Feed, base string) {
	t.Helper()
	p := cfg.Poll
	if !p.AllowPrivate || p.Concurrency != 32 || p.PerHost != 64 || p.HostInterval != 0 || p.Timeout.Seconds() != 10 {
		t.Errorf("poll = %+v", p)
	}
	if cfg.BaseURL != "http://gleaner.bench" || cfg.Listen != "127.0.0.1:0" || filepath.Base(cfg.Database) != "gleaner.db" {
		t.Errorf("base_url %q, listen %q, database %q", cfg.BaseURL, cfg.Listen, cfg.Database)
	}
	if len(cfg.Sources) != len(feeds) {
		t.Fatalf("%d sources, want %d", len(cfg.Sources), len(feeds))
	}
	for i, fd := range feeds {
		s := cfg.Sources[i]
		zone := "UTC"
		if fd.Chinese {
			zone = "Asia/Shanghai"
		}
		if s.Name != fd.Name || s.URL != base+fd.Path || s.Location.String() != zone {
			t.Errorf("source %d = %s %s %v, want %s %s %s", i, s.Name, s.URL, s.Location, fd.Name, base+fd.Path, zone)
		}
	}
	if len(cfg.Rules) != 1 || cfg.Rules[0].Name != "cyber-security" || len(cfg.Rules[0].Any) < 20 {
		t.Errorf("rules = %+v, want one cyber-security rule", cfg.Rules)
	}
	if want := []string{aggregator.ExtractCVE, aggregator.ExtractIndicators}; !slices.Equal(cfg.Tagging.Extract, want) {
		t.Errorf("extract = %q, want %q, as the shipped configuration", cfg.Tagging.Extract, want)
	}
	outputs := map[string]int{}
	for _, o := range cfg.Outputs {
		outputs[o.Name] = o.Limit
	}
	if len(outputs) != 2 || outputs["cyber-security"] != 100 || outputs["all"] != 200 {
		t.Errorf("outputs = %+v", cfg.Outputs)
	}
}
