package farm_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/cmd/feedfarm/farm"
)

// small is a farm quick enough for most tests.
var small = farm.Options{Feeds: 200, Items: 20, Seed: 7, Change: 0.10, New: 5, Slow: 2 * time.Second}

func newFarm(t testing.TB, o farm.Options) *farm.Farm {
	t.Helper()
	f, err := farm.New(context.Background(), o)
	if err != nil {
		t.Fatalf("farm.New: %v", err)
	}
	return f
}

// response is one feed as served.
type response struct {
	status int
	header http.Header
	body   []byte
}

// get requests path from h with the given request headers.
func get(t testing.TB, h http.Handler, path string, headers ...string) response {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	body, _ := io.ReadAll(w.Result().Body)
	return response{status: w.Code, header: w.Result().Header, body: body}
}

func post(t testing.TB, h http.Handler, path string) response {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, path, nil))
	return response{status: w.Code, header: w.Result().Header, body: w.Body.Bytes()}
}

// snapshot fetches every feed of f.
func snapshot(t testing.TB, f *farm.Farm, h http.Handler) map[string]response {
	t.Helper()
	out := make(map[string]response, len(f.Feeds()))
	for _, fd := range f.Feeds() {
		r := get(t, h, fd.Path)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: status %d", fd.Path, r.status)
		}
		out[fd.Name] = r
	}
	return out
}

func TestDeterminism(t *testing.T) {
	a, b := newFarm(t, small), newFarm(t, small)
	ha, hb := a.Handler(), b.Handler()
	for round := range 3 {
		sa, sb := snapshot(t, a, ha), snapshot(t, b, hb)
		for name, ra := range sa {
			rb := sb[name]
			if !bytes.Equal(ra.body, rb.body) {
				t.Fatalf("round %d: %s differs between two farms with seed %d", round, name, small.Seed)
			}
			if ra.header.Get("ETag") != rb.header.Get("ETag") || ra.header.Get("Last-Modified") != rb.header.Get("Last-Modified") {
				t.Fatalf("round %d: %s validators differ", round, name)
			}
		}
		post(t, ha, "/-/round")
		post(t, hb, "/-/round")
	}

	other := small
	other.Seed++
	c := newFarm(t, other)
	same := 0
	sa, sc := snapshot(t, a, ha), snapshot(t, c, c.Handler())
	for name := range sa {
		if bytes.Equal(sa[name].body, sc[name].body) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seeds %d and %d: %d identical feeds, want 0", small.Seed, other.Seed, same)
	}
}

func TestMix(t *testing.T) {
	o := small
	o.Feeds, o.Items, o.New = 1000, 2, 1
	f := newFarm(t, o)
	h := f.Handler()
	var rss, atom, jsonFeeds, chinese, chineseRSS, gb int
	for _, fd := range f.Feeds() {
		r := get(t, h, fd.Path)
		body := string(r.body)
		switch {
		case strings.Contains(body, `<rss version="2.0"`):
			rss++
		case strings.Contains(body, `<feed xmlns="http://www.w3.org/2005/Atom"`):
			atom++
		case strings.Contains(body, `"version": "https://jsonfeed.org/version/1.1"`):
			jsonFeeds++
		default:
			t.Fatalf("%s: unknown format: %.100s", fd.Name, body)
		}
		if fd.Chinese {
			chinese++
			if fd.Format == farm.RSS {
				chineseRSS++
			}
		}
		declared := strings.HasPrefix(body, `<?xml version="1.0" encoding="gb2312"?>`)
		if declared != fd.GB2312 {
			t.Errorf("%s: GB2312 %v, but declaration %.45q", fd.Name, fd.GB2312, body)
		}
		if fd.GB2312 {
			gb++
			if ct := r.header.Get("Content-Type"); !strings.Contains(ct, "gb2312") {
				t.Errorf("%s: Content-Type %q, want charset=gb2312", fd.Name, ct)
			}
		}
	}
	n := float64(len(f.Feeds()))
	for _, c := range []struct {
		name      string
		got, want float64
		tolerance float64
	}{
		{"RSS share", float64(rss) / n, 0.60, 0.02},
		{"Atom share", float64(atom) / n, 0.25, 0.02},
		{"JSON Feed share", float64(jsonFeeds) / n, 0.15, 0.02},
		{"Chinese share", float64(chinese) / n, 0.20, 0.02},
		{"GB2312 share of Chinese RSS", float64(gb) / float64(chineseRSS), 0.5, 0.05},
	} {
		if math.Abs(c.got-c.want) > c.tolerance {
			t.Errorf("%s = %.3f, want %.2f±%.2f", c.name, c.got, c.want, c.tolerance)
		}
	}
}

func TestSize(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 600 feeds of 40 entries")
	}
	f := newFarm(t, farm.Options{Feeds: 600, Items: 40, Seed: 1, Change: 0.1, New: 5})
	raw, gz := f.Bytes()
	t.Logf("600×40: %.1f MB (%.2f KB per entry), gzip %.1f MB", float64(raw)/1e6, float64(raw)/24000/1e3, float64(gz)/1e6)
	if raw < 25e6 || raw > 45e6 {
		t.Errorf("600×40 feeds total %d bytes, want 25–45 MB", raw)
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*farm.Options)
		want string // in the error; "" for none
	}{
		{"defaults", func(*farm.Options) {}, ""},
		{"no feeds", func(o *farm.Options) { o.Feeds = 0 }, "feeds 0"},
		{"no items", func(o *farm.Options) { o.Items = 0 }, "items 0"},
		{"change above 1", func(o *farm.Options) { o.Change = 1.5 }, "change 1.5"},
		{"new above items", func(o *farm.Options) { o.New = 41 }, "new 41"},
		{"faults above 1", func(o *farm.Options) { o.Faults = farm.Faults{Slow: 0.6, TooMany: 0.6} }, "faults"},
		{"negative slow", func(o *farm.Options) { o.Slow = -time.Second }, "slow"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := farm.Defaults()
			c.edit(&o)
			err := o.Validate()
			switch {
			case c.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("Validate() = %v, want an error about %q", err, c.want)
			}
		})
	}
}

// BenchmarkGenerate measures generating a farm, gzip and hashes included.
func BenchmarkGenerate(b *testing.B) {
	for _, o := range []farm.Options{
		{Feeds: 600, Items: 40, Seed: 1, Change: 0.1, New: 5},
		{Feeds: 5000, Items: 40, Seed: 1, Change: 0.1, New: 5},
	} {
		b.Run(fmt.Sprintf("%dx%d", o.Feeds, o.Items), func(b *testing.B) {
			var raw int64
			for b.Loop() {
				raw, _ = newFarm(b, o).Bytes()
			}
			b.ReportMetric(float64(raw)/1e6, "MB")
		})
	}
}

// BenchmarkRound measures starting a round of a 5000-feed farm.
func BenchmarkRound(b *testing.B) {
	f := newFarm(b, farm.Options{Feeds: 5000, Items: 40, Seed: 1, Change: 0.1, New: 5})
	for b.Loop() {
		if _, _, err := f.Advance(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServe measures answering a feed request (gzip, 200).
func BenchmarkServe(b *testing.B) {
	f := newFarm(b, small)
	h := f.Handler()
	path := f.Feeds()[0].Path
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodGet, path, nil)
			r.Header.Set("Accept-Encoding", "gzip")
			h.ServeHTTP(w, r)
		}
	})
}

// TestStoryRecord: the farm records every entry it served with its story, in
// the body of its feed; copies of one story are spread over several
// feeds; entries pushed off a feed by a round stay recorded.
func TestStoryRecord(t *testing.T) {
	f := newFarm(t, small)
	h := f.Handler()
	type line struct{ feed, link, story string }
	read := func() []line {
		r := get(t, h, "/-/stories")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/tab-separated-values") {
			t.Fatalf("GET /-/stories: %d %q", r.status, r.header.Get("Content-Type"))
		}
		var out []line
		for _, l := range strings.Split(strings.TrimSuffix(string(r.body), "\n"), "\n") {
			parts := strings.Split(l, "\t")
			if len(parts) != 3 {
				t.Fatalf("stories line %q: want three fields", l)
			}
			out = append(out, line{parts[0], parts[1], parts[2]})
		}
		return out
	}
	first := read()
	if len(first) != small.Feeds*small.Items {
		t.Fatalf("%d stories recorded, want one per entry: %d", len(first), small.Feeds*small.Items)
	}
	bodies := snapshot(t, f, h)
	feedsOf := map[string]map[string]bool{}
	for _, l := range first {
		if !bytes.Contains(bodies[l.feed].body, []byte(l.link)) {
			t.Fatalf("%s's body has no entry with link %s", l.feed, l.link)
		}
		if feedsOf[l.story] == nil {
			feedsOf[l.story] = map[string]bool{}
		}
		feedsOf[l.story][l.feed] = true
	}
	copies := 0
	for _, feeds := range feedsOf {
		if len(feeds) > 1 {
			if len(feeds) < 3 || len(feeds) > 5 {
				t.Errorf("a story in %d feeds, want 3–5", len(feeds))
			}
			copies += len(feeds)
		}
	}
	if share := float64(copies) / float64(len(first)); share < 0.10 || share > 0.20 {
		t.Errorf("%.2f of entries are copies of a shared story, want about 0.15", share)
	}

	if r := post(t, h, "/-/round"); r.status != http.StatusOK {
		t.Fatalf("POST /-/round: %d", r.status)
	}
	second := read()
	changed := int(math.Round(small.Change * float64(small.Feeds)))
	if want := len(first) + changed*small.New; len(second) != want {
		t.Errorf("after a round %d stories recorded, want %d (the first round's and %d feeds × %d new)", len(second), want, changed, small.New)
	}
	kept := map[line]bool{}
	for _, l := range second {
		kept[l] = true
	}
	for _, l := range first {
		if !kept[l] {
			t.Fatalf("after a round %v is no longer recorded", l)
		}
	}
}
