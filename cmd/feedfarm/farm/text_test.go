package farm

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/gleaner/gleaner/aggregator"
)

// vocabStrings lists every piece of text a vocab can emit.
func vocabStrings(v *vocab) []string {
	out := slices.Concat(v.first, v.last, v.cities, v.countries, v.days, v.months, v.wrappers)
	addAll := func(ts []tmpl) {
		for _, t := range ts {
			for _, s := range t {
				out = append(out, s.lit)
			}
		}
	}
	for _, c := range v.choices {
		addAll(c)
	}
	for _, tv := range v.topics {
		addAll(tv.roles)
		addAll(tv.orgs)
		addAll(tv.orgs2)
		addAll(tv.things)
		addAll(tv.things2)
		addAll(tv.body)
		for i := range tv.leads {
			addAll(tv.leads[i])
			addAll(tv.headlines[i])
		}
		out = append(out, tv.categories...)
	}
	addAll(v.generic)
	return out
}

// TestGB2312Only checks that every Chinese string encodes to GB2312: two
// bytes from 0xA1–0xFE, lead byte at most 0xF7 (GBK's extensions use
// other bytes).
func TestGB2312Only(t *testing.T) {
	texts := slices.Concat(vocabStrings(chinese), outletPlacesZH, outletPapersZH, outletSecZH)
	enc := simplifiedchinese.GBK.NewEncoder()
	for _, s := range texts {
		b, err := enc.Bytes([]byte(s))
		if err != nil {
			t.Errorf("%q: %v", s, err)
			continue
		}
		for i := 0; i < len(b); i++ {
			if b[i] < 0x80 {
				continue
			}
			if i+1 >= len(b) || b[i] < 0xA1 || b[i] > 0xF7 || (b[i] >= 0xAA && b[i] <= 0xAF) || b[i+1] < 0xA1 || b[i+1] == 0xFF {
				t.Errorf("%q: %q is not in GB2312", s, string(enc2rune(b[i:min(i+2, len(b))])))
				break
			}
			i++
		}
	}
}

func enc2rune(b []byte) []byte {
	out, _ := simplifiedchinese.GBK.NewDecoder().Bytes(b)
	return out
}

func TestSlug(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"The Harbor Times", "the-harbor-times"},
		{"Hackers exploit CVE-2024-1234 in X", "hackers-exploit-cve-2024"},
		{"  $4.2 billion: what's next?", "4-2-billion-what"},
		{"江城晚报", ""},
	} {
		if got := slug(c.in, 4); got != c.want {
			t.Errorf("slug(%q, 4) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestThesaurus(t *testing.T) {
	v := compile(source{
		choices:   map[string]string{"said": "said|noted"},
		thesaurus: "firm|company\nrose|=climbed",
		generic:   "The firm {said} sales rose; the company climbed.\nFirmware rose-coloured.",
	})
	got := map[string]bool{}
	var ent [numEntities]string
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		got[string(v.render(nil, v.generic[0], &ent, r))] = true
	}
	want := []string{
		"The firm said sales rose; the company climbed.",
		"The company noted sales climbed; the firm climbed.",
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("%q never rendered; got %d variants", w, len(got))
		}
	}
	if len(got) != 16 { // said × firm × rose × company
		t.Errorf("%d variants, want 16", len(got))
	}
	if s := string(v.render(nil, v.generic[1], &ent, r)); s != "Firmware rose-coloured." {
		t.Errorf("words inside words changed: %q", s)
	}
}

// TestStories checks what gleaner's merger and tagger will see: copies
// of a story share most of their wording but not their headline, other
// stories share little, and about a fifth of the entries are about
// cyber-security and carry a term of the rule.
func TestStories(t *testing.T) {
	f, err := New(context.Background(), Options{Feeds: 300, Items: 40, Seed: 3, Change: 0.1, New: 5})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		f.Advance()
	}
	tagger, err := aggregator.NewTagger(aggregator.TaggerOptions{Rules: []aggregator.TagRule{
		{Name: "cyber-security", Any: slices.Concat(cyberTermsEN, cyberTermsZH)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	type copyOf struct {
		shingles []uint64
		title    string
	}
	w := newWriter()
	stories := map[uint64][]copyOf{}
	var entries, shared, tagged, cyber, mistagged int
	for i, win := range f.plan.windows {
		for _, it := range win {
			a := w.article(it.story, it.variant)
			text := a.title + "\n" + a.lead + "\n" + strings.Join(a.body, " ")
			entries++
			e := &aggregator.Entry{Source: f.plan.profiles[i].name, Title: a.title, Content: text}
			isCyber := slices.Contains(tagger.Tags(e, aggregator.Source{}), "cyber-security")
			if isCyber {
				tagged++
			}
			if it.story.topic == topicCyber {
				cyber++
			}
			if isCyber != (it.story.topic == topicCyber) {
				mistagged++
				if mistagged < 5 {
					t.Errorf("topic %d tagged %v: %s", it.story.topic, isCyber, text)
				}
			}
			if it.shared {
				shared++
				stories[it.story.seed] = append(stories[it.story.seed], copyOf{aggregator.Shingles(text), a.title})
			}
		}
	}
	if got := float64(tagged) / float64(entries); got < 0.17 || got > 0.23 {
		t.Errorf("%.3f of entries tagged cyber-security, want 0.20±0.03", got)
	}
	if got := float64(shared) / float64(entries); got < 0.12 || got > 0.18 {
		t.Errorf("%.3f of entries are copies, want 0.15±0.03", got)
	}
	for _, copies := range stories {
		if len(copies) < 3 || len(copies) > 5 {
			t.Fatalf("a story in %d feeds, want 3–5", len(copies))
		}
		titles := map[string]bool{}
		for i, c := range copies {
			if titles[c.title] {
				t.Errorf("copies share the title %q", c.title)
			}
			titles[c.title] = true
			if i > 0 {
				if got := containment(copies[0].shingles, c.shingles); got < 0.6 {
					t.Errorf("copies share %.2f of their word pairs, want at least 0.6: %q and %q", got, copies[0].title, c.title)
				}
			}
		}
	}
}

func containment(a, b []uint64) float64 {
	common := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(common) / float64(min(len(a), len(b)))
}
