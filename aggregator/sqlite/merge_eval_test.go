package sqlite_test

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// evalItem is one outlet's copy in testdata/merge/events.json.
type evalItem struct {
	ID, Event, Lang, Topic, Source, Link, Title, Summary, Content, Variant string
	Published                                                              time.Time
}

type evalSet struct {
	Items         []evalItem  `json:"items"`
	HardNegatives [][2]string `json:"hard_negatives"`
}

func loadEvalSet(t testing.TB) evalSet {
	t.Helper()
	raw, err := os.ReadFile("../testdata/merge/events.json")
	if err != nil {
		t.Fatal(err)
	}
	var set evalSet
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	slices.SortStableFunc(set.Items, func(a, b evalItem) int { return a.Published.Compare(b.Published) })
	return set
}

// mergeEval stores every copy of the labelled set, in publication order,
// through the real store and returns the item each copy landed in.
func mergeEval(t *testing.T, policy aggregator.MergePolicy) (evalSet, map[string]string) {
	set := loadEvalSet(t)
	db, _ := open(t)
	for _, it := range set.Items {
		e := aggregator.Entry{Source: it.Source, GUID: it.ID, Link: it.Link, Title: it.Title,
			Summary: it.Summary, Content: it.Content, Published: it.Published, Updated: it.Published}
		aggregator.Identify(&e)
		e.Fingerprint = aggregator.NewFingerprint(&e)
		src := aggregator.Source{Name: it.Source, URL: "https://" + it.Source + ".example/feed"}
		if _, err := db.Save(t.Context(), aggregator.FetchRecord{Source: src, Entries: []aggregator.Entry{e}, Now: it.Published, Merge: policy}); err != nil {
			t.Fatal(err)
		}
	}
	items, err := db.Items(t.Context(), aggregator.ItemQuery{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	landed := map[string]string{} // copy id → item uid
	byLink := map[string]string{}
	for _, it := range set.Items {
		byLink[it.Source+" "+it.Link] = it.ID
	}
	for _, item := range items {
		for _, s := range item.Sources {
			landed[byLink[s.Name+" "+s.Link]] = item.UID
		}
	}
	return set, landed
}

type pairCounts struct{ tp, fp, fn int }

func (c pairCounts) precision() float64 { return ratio(c.tp, c.tp+c.fp) }
func (c pairCounts) recall() float64    { return ratio(c.tp, c.tp+c.fn) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// TestMergeQuality measures merging over every pair of copies in the
// labelled set: precision (merged pairs that are one event) and recall
// (pairs of one event that were merged), by language, and checks that
// no hard negative (two events on one topic in one week) was fused.
func TestMergeQuality(t *testing.T) {
	set, landed := mergeEval(t, aggregator.MergePolicy{MaxDistance: aggregator.DefaultMergeMaxDistance})
	counts := map[string]*pairCounts{"en": {}, "zh": {}, "all": {}}
	items := set.Items
	for i := range items {
		if landed[items[i].ID] == "" {
			t.Fatalf("copy %s was not stored", items[i].ID)
		}
		for j := i + 1; j < len(items); j++ {
			a, b := items[i], items[j]
			same, merged := a.Event == b.Event, landed[a.ID] == landed[b.ID]
			for _, k := range []string{a.Lang, "all"} {
				if a.Lang != b.Lang && k != "all" {
					continue
				}
				c := counts[k]
				switch {
				case same && merged:
					c.tp++
				case !same && merged:
					c.fp++
					if k == "all" {
						t.Logf("false merge: %s + %s", a.ID, b.ID)
					}
				case same && !merged:
					c.fn++
					if k == "all" {
						t.Logf("missed: %s (%s) + %s (%s)", a.ID, a.Variant, b.ID, b.Variant)
					}
				}
			}
		}
	}
	fused := 0
	for _, hn := range set.HardNegatives {
		for _, a := range items {
			for _, b := range items {
				if a.Event == hn[0] && b.Event == hn[1] && landed[a.ID] == landed[b.ID] {
					fused++
				}
			}
		}
	}
	for _, k := range []string{"en", "zh", "all"} {
		c := counts[k]
		t.Logf("%-3s precision %.3f recall %.3f (merged right %d, wrongly %d, missed %d)", k, c.precision(), c.recall(), c.tp, c.fp, c.fn)
	}
	all := counts["all"]
	if all.precision() < 0.98 || all.recall() < 0.90 {
		t.Errorf("precision %.3f, recall %.3f; want at least 0.98 and 0.90", all.precision(), all.recall())
	}
	if fused > 0 {
		t.Errorf("%d pairs of copies of hard-negative events (same topic, same week) were merged", fused)
	}
}
