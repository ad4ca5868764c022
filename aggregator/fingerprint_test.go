package aggregator

import (
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestFingerprintStable pins fingerprints to a golden file: shingles,
// sketches and simhashes are stored with entries and compared with those
// of later entries, so a change in how they are computed would quietly
// stop new copies from joining stored stories. Run with -update only for
// a deliberate change of scheme (which needs a migration).
func TestFingerprintStable(t *testing.T) {
	raw, err := os.ReadFile("testdata/merge/events.json")
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Items []struct{ ID, Title, Summary, Content string } `json:"items"`
	}
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	type text struct{ id, title, summary, content string }
	texts := []text{
		{"empty", "", "", ""},
		{"one-word", "Breaking", "", ""},
		{"stopwords-only", "Of the", "it was and the", ""},
		{"mixed-case-punctuation", "U.S. Treasury: SANCTIONS!", "The U.S. Treasury's OFAC sanctioned 3 firms -- again.", ""},
		{"full-width", "ＡＢＣ　Ｎｅｗｓ：１２３", "ｆｕｌｌ－ｗｉｄｔｈ ＬＥＴＴＥＲＳ", ""},
		{"lone-cjk", "中", "a 中 b 文 c", ""},
		{"mixed-scripts", "华为 Mate 60 发布", "<p>华为公司今天发布了Mate 60系列手机，售价5999元。</p>", "<div>Huawei said 华为 the phone ships 9月1日.</div>"},
		{"html", "Title here for a story", "<p>Para <b>bold</b> &amp; <a href='x'>link</a></p>", "<script>ignored()</script><p>Body text with CVE-2024-12345 and 10.0.0.1</p>"},
		{"accents", "Café résumé naïve Ünïcödé", "Élan vital — déjà vu", ""},
		{"digits", "2024 report 42", "In 2024, 42% of 1,000 firms (n=1000) said yes.", ""},
	}
	for _, it := range set.Items {
		texts = append(texts, text{it.ID, it.Title, it.Summary, it.Content})
	}
	var b strings.Builder
	for _, x := range texts {
		fp := NewFingerprint(&Entry{Title: x.title, Summary: x.summary, Content: x.content})
		h := fnv.New64a()
		for _, s := range fp.Shingles {
			fmt.Fprintf(h, "%x,", s)
		}
		fmt.Fprintf(&b, "%s\tsimhash=%016x sketch=%x shingles=%d/%016x cjk=%v title=%q names=%q\n",
			x.id, fp.Simhash, fp.Sketch, len(fp.Shingles), h.Sum64(), fp.CJK, fp.TitleKey, fp.Names)
	}
	const golden = "testdata/fingerprints.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(b.String(), "\n")
	for i, line := range strings.Split(string(want), "\n") {
		if i >= len(got) || got[i] != line {
			g := ""
			if i < len(got) {
				g = got[i]
			}
			t.Errorf("line %d:\n got %s\nwant %s", i+1, g, line)
		}
	}
}
