package config_test

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/aggregator/config"
)

// labelled is one item of testdata/tagging/items.json.
type labelled struct {
	ID, Lang, Title, Summary, Content string
	Categories                        []string
	Tags                              []string
	Trap                              bool
}

// TestDefaultRulePack measures the tag rules shipped in config.yaml on a
// labelled set of English and Chinese items, half of them about
// cyber-security and many of the rest traps (Cyber Monday, flu viruses,
// a "backdoor" deal, fishing contests, tax loopholes). It fails below
// 0.95 precision or recall for cyber-security, and reports the others.
func TestDefaultRulePack(t *testing.T) {
	cfg, err := config.Load("../../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tagger, err := aggregator.NewTagger(cfg.Tagging)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../testdata/tagging/items.json")
	if err != nil {
		t.Fatal(err)
	}
	var set struct{ Items []labelled }
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	type counts struct{ tp, fp, fn int }
	results := map[string]*counts{}
	for _, tag := range []string{"cyber-security", "vulnerability", "ransomware", "china-us"} {
		results[tag] = &counts{}
	}
	for _, it := range set.Items {
		e := aggregator.Entry{Title: it.Title, Summary: it.Summary, Content: it.Content, Categories: it.Categories}
		got := tagger.Tags(&e, aggregator.Source{Name: "eval"})
		for tag, c := range results {
			want, have := slices.Contains(it.Tags, tag), slices.Contains(got, tag)
			switch {
			case want && have:
				c.tp++
			case have:
				c.fp++
				t.Logf("%s: %s wrongly tagged: %s", tag, it.ID, it.Title)
			case want:
				c.fn++
				t.Logf("%s: %s missed: %s", tag, it.ID, it.Title)
			}
		}
	}
	for _, tag := range []string{"cyber-security", "vulnerability", "ransomware", "china-us"} {
		c := results[tag]
		p, r := ratio(c.tp, c.tp+c.fp), ratio(c.tp, c.tp+c.fn)
		t.Logf("%-15s precision %.3f recall %.3f (right %d, wrong %d, missed %d)", tag, p, r, c.tp, c.fp, c.fn)
		if tag == "cyber-security" && (p < 0.95 || r < 0.95) {
			t.Errorf("cyber-security precision %.3f, recall %.3f; want at least 0.95 each", p, r)
		}
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}
