package farm_test

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	"github.com/gleaner/gleaner/cmd/feedfarm/farm"
)

// TestParse reads every feed with gofeed, GB2312 ones through their XML
// declaration, before and after a round.
func TestParse(t *testing.T) {
	o := small
	o.Items = 40
	f := newFarm(t, o)
	h := f.Handler()
	for round := range 2 {
		for _, fd := range f.Feeds() {
			r := get(t, h, fd.Path)
			feed, err := gofeed.NewParser().Parse(bytes.NewReader(r.body))
			if err != nil {
				t.Fatalf("round %d: %s (%v): %v", round, fd.Name, fd.Format, err)
			}
			if len(feed.Items) != o.Items {
				t.Fatalf("round %d: %s: %d items, want %d", round, fd.Name, len(feed.Items), o.Items)
			}
			checkFeed(t, fd, feed)
		}
		post(t, h, "/-/round")
	}
}

func checkFeed(t *testing.T, fd farm.Feed, feed *gofeed.Feed) {
	t.Helper()
	wantType := map[farm.Format]string{farm.RSS: "rss", farm.Atom: "atom", farm.JSON: "json"}[fd.Format]
	if feed.FeedType != wantType {
		t.Errorf("%s: gofeed type %q, want %q", fd.Name, feed.FeedType, wantType)
	}
	links := map[string]bool{}
	for _, it := range feed.Items {
		switch {
		case it.Title == "" || it.Link == "" || it.Description+it.Content == "":
			t.Fatalf("%s: item without title, link or text: %+v", fd.Name, it)
		case it.PublishedParsed == nil:
			t.Fatalf("%s: %q: unparsed date %q", fd.Name, it.Title, it.Published)
		case len(it.Categories) == 0 || len(it.Authors) == 0:
			t.Errorf("%s: %q: no categories or author", fd.Name, it.Title)
		case links[it.Link]:
			t.Errorf("%s: link %s twice", fd.Name, it.Link)
		}
		links[it.Link] = true
		if !utf8.ValidString(it.Title) || hasHan(it.Title) != fd.Chinese {
			t.Errorf("%s (Chinese %v): title %q", fd.Name, fd.Chinese, it.Title)
		}
		if fd.GB2312 && !strings.HasPrefix(it.Published, "2024-") {
			t.Errorf("%s: GB2312 feed date %q, want zoneless 2024-03-05 10:20:30 form", fd.Name, it.Published)
		}
		// Zoneless dates are China time, which gofeed reads as UTC.
		if p := *it.PublishedParsed; p.After(farm.BaseTime.Add(24*time.Hour)) || p.Before(farm.BaseTime.Add(-4*24*time.Hour)) {
			t.Errorf("%s: date %v far from %v", fd.Name, p, farm.BaseTime)
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
