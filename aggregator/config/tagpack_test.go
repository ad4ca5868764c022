package config_test

import (
	"encoding/json"
	"fmt"
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

// BenchmarkTagging tags the labelled items with the shipped rule pack and
// with generated packs of 1,000 and 10,000 terms: with every term found
// in one pass, the cost per item stays flat as terms are added.
func BenchmarkTagging(b *testing.B) {
	cfg, err := config.Load("../../config.yaml")
	if err != nil {
		b.Fatal(err)
	}
	raw, err := os.ReadFile("../testdata/tagging/items.json")
	if err != nil {
		b.Fatal(err)
	}
	var set struct{ Items []labelled }
	if err := json.Unmarshal(raw, &set); err != nil {
		b.Fatal(err)
	}
	packs := []struct {
		name string
		opts aggregator.TaggerOptions
	}{
		{"default", cfg.Tagging},
		{"terms=1000", generatedPack(1000)},
		{"terms=10000", generatedPack(10000)},
	}
	for _, p := range packs {
		b.Run(p.name, func(b *testing.B) {
			tagger, err := aggregator.NewTagger(p.opts)
			if err != nil {
				b.Fatal(err)
			}
			src := aggregator.Source{Name: "bench"}
			n := 0
			for b.Loop() {
				it := set.Items[n%len(set.Items)]
				e := aggregator.Entry{Title: it.Title, Summary: it.Summary, Content: it.Content, Categories: it.Categories}
				tagger.Tags(&e, src)
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "items/s")
		})
	}
}

// generatedPack is n made-up phrases, English and Chinese, in rules of 20.
func generatedPack(n int) aggregator.TaggerOptions {
	syllables := []string{"ka", "lo", "mir", "tes", "van", "dor", "pel", "qui", "zan", "bru"}
	hanzi := []rune("安全漏洞攻击数据系统网络信息平台技术服务管理发展国际经济市场企业")
	var opts aggregator.TaggerOptions
	for r := 0; r*20 < n; r++ {
		rule := aggregator.TagRule{Name: fmt.Sprintf("generated-%d", r)}
		for i := r * 20; i < min(n, (r+1)*20); i++ {
			if i%2 == 0 {
				rule.Any = append(rule.Any, syllables[i%10]+syllables[(i/10)%10]+syllables[(i/100)%10]+" "+syllables[(i/1000)%10]+"x")
			} else {
				rule.Any = append(rule.Any, string([]rune{hanzi[i%len(hanzi)], hanzi[(i/7)%len(hanzi)], hanzi[(i/49)%len(hanzi)], hanzi[(i/343)%len(hanzi)]}))
			}
		}
		opts.Rules = append(opts.Rules, rule)
	}
	return opts
}
