package aggregator

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// benchPool is how many distinct entries a benchmark cycles through, so
// that it does not time one entry's path through the caches only.
const benchPool = 64

// reportEntries adds an entries/s metric over the measured time.
func reportEntries(b *testing.B, perOp int) {
	b.ReportMetric(float64(perOp)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}

// benchEnglish is a news vocabulary, stop words first so that they are
// the most frequent.
var benchEnglish = strings.Fields(`the of to and a in that for on is said with was as by at from
	it has be are an have will its not but after who their they were more this been
	government officials minister police security network attack report company market
	shares percent election president court ruling city state national international
	week year month Tuesday Saturday million billion investors analysts data systems
	software vulnerability researchers hackers ransomware agency investigation statement
	spokesman according people workers energy prices inflation bank central rates growth
	economy trade talks agreement deal border military forces ceasefire region province
	capital announced plans first last since earlier later amid despite health hospital
	climate weather storm flooding residents emergency services rescue technology chips
	cloud platform users accounts passwords breach exposed records customers outage
	infrastructure critical operators sector regulators rules law parliament vote
	opposition party leader campaign poll support protest crowd`)

// benchHanzi are common Chinese characters.
var benchHanzi = []rune("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处世车网络安全信息技术漏洞攻击病毒监管")

// benchEntry is a story of about 1 KB: a title and an HTML summary in
// English, or in Chinese (about 330 characters).
func benchEntry(rng *rand.Rand, i int, zh bool) Entry {
	pick := func(n int) int { return min(rng.IntN(n), rng.IntN(n)) } // favours the first
	words := func(n int) string {
		w := make([]string, n)
		for k := range w {
			w[k] = benchEnglish[pick(len(benchEnglish))]
		}
		return strings.Join(w, " ")
	}
	hanzi := func(n int) string {
		r := make([]rune, n)
		for k := range r {
			r[k] = benchHanzi[pick(len(benchHanzi))]
		}
		return string(r)
	}
	e := Entry{
		Source:    "bench",
		GUID:      fmt.Sprintf("https://news.example.org/2024/05/story-%d", i),
		Link:      fmt.Sprintf("https://news.example.org/2024/05/story-%d.html?utm_source=rss&utm_medium=feed", i),
		Published: time.Date(2024, 5, 1, 0, i, 0, 0, time.UTC),
	}
	if zh {
		e.Title = hanzi(20)
		e.Summary = "<p>" + hanzi(110) + "，" + hanzi(60) + "。</p><p><b>" + hanzi(8) + "</b>" + hanzi(130) + "。</p>"
	} else {
		e.Title = words(10)
		e.Summary = "<p>" + words(70) + ".</p><p><b>" + words(3) + "</b> " + words(70) + ".</p>"
	}
	return e
}

func benchEntries(zh bool) ([]Entry, int) {
	rng := rand.New(rand.NewPCG(1, 2))
	entries := make([]Entry, benchPool)
	size := 0
	for i := range entries {
		entries[i] = benchEntry(rng, i, zh)
		size += len(entries[i].Title) + len(entries[i].Summary)
	}
	return entries, size / len(entries)
}

// BenchmarkFingerprint times NewFingerprint (shingles, simhash, sketch,
// title key); MB/s counts the title and HTML summary.
func BenchmarkFingerprint(b *testing.B) {
	for _, lang := range []string{"en", "zh"} {
		b.Run(lang, func(b *testing.B) {
			entries, size := benchEntries(lang == "zh")
			if fp := NewFingerprint(&entries[0]); fp.Simhash == 0 || len(fp.Sketch) != SketchSize || fp.TitleKey == "" {
				b.Fatalf("NewFingerprint(%s) = %+v, want simhash, a full sketch and a title key", lang, fp)
			}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				NewFingerprint(&entries[i%len(entries)])
			}
			reportEntries(b, 1)
		})
	}
}

// BenchmarkPrepare times what a poll does to each new entry before the
// store (Poller.prepare): its key, its tags from rules that read title,
// summary and content with both extractors on, and its fingerprint.
func BenchmarkPrepare(b *testing.B) {
	tagger, err := NewTagger(TaggerOptions{
		Rules: []TagRule{
			{Name: "cyber-security", Any: []string{"ransomware", "vulnerability", "hackers", "breach", "网络安全", "漏洞"}},
			{Name: "markets", All: []string{"market", "shares"}, None: []string{"tag:cyber-security"}},
		},
		Extract: []string{ExtractCVE, ExtractIndicators},
	})
	if err != nil {
		b.Fatal(err)
	}
	p := &Poller{Tagger: tagger}
	src := Source{Name: "bench"}
	for _, lang := range []string{"en", "zh"} {
		b.Run(lang, func(b *testing.B) {
			pool, size := benchEntries(lang == "zh")
			batch := make([]Entry, len(pool))
			copy(batch, pool)
			if out, _, _ := p.prepare(src, batch); len(out) != len(pool) || out[0].Fingerprint.Simhash == 0 {
				b.Fatalf("prepare kept %d of %d entries, the first fingerprinted %+v", len(out), len(pool), out[0].Fingerprint)
			}
			b.SetBytes(int64(size * len(pool)))
			b.ReportAllocs()
			for b.Loop() {
				copy(batch, pool)
				p.prepare(src, batch)
			}
			reportEntries(b, len(pool))
		})
	}
}

// BenchmarkIdentify times Identify by each kind of key it gives, and
// CanonicalURL alone on a link with tracking parameters.
func BenchmarkIdentify(b *testing.B) {
	entries, _ := benchEntries(false)
	withGUID := entries
	withLink := make([]Entry, len(entries))
	textOnly := make([]Entry, len(entries))
	for i, e := range entries {
		e.GUID = ""
		withLink[i] = e
		e.Link = ""
		textOnly[i] = e
	}
	cases := []struct {
		name, prefix string
		entries      []Entry
	}{
		{"guid", "guid:", withGUID},
		{"link", "link:", withLink},
		{"hash", "hash:", textOnly},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			e := c.entries[0]
			if Identify(&e); !strings.HasPrefix(e.Key, c.prefix) {
				b.Fatalf("Identify(%s) Key = %q, want prefix %q", c.name, e.Key, c.prefix)
			}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				Identify(&c.entries[i%len(c.entries)])
			}
			reportEntries(b, 1)
		})
	}
	b.Run("canonical-url", func(b *testing.B) {
		links := make([]string, len(entries))
		for i, e := range entries {
			links[i] = e.Link + "&fbclid=IwAR0abc&id=" + fmt.Sprint(i) + "#comments"
		}
		if got := CanonicalURL(links[0]); strings.Contains(got, "utm_") || strings.Contains(got, "#") {
			b.Fatalf("CanonicalURL(%q) = %q", links[0], got)
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			CanonicalURL(links[i%len(links)])
		}
		reportEntries(b, 1)
	})
}
