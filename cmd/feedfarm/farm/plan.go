package farm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"time"
)

// Shares of the mix, and the times every date derives from.
const (
	shareRSS      = 0.60
	shareAtom     = 0.25
	shareChinese  = 0.20
	shareCyber    = 0.20 // of stories
	shareSecurity = 0.10 // of feeds: outlets that mostly cover security
	shareCopies   = 0.15 // of items: copies of a story in 3–5 feeds
	// RoundInterval separates the modification times of rounds: round r
	// is BaseTime plus r intervals.
	RoundInterval = 15 * time.Minute
)

// BaseTime is the time of round 0: every feed's Last-Modified then.
var BaseTime = time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)

// chinaTime is China Standard Time, for Chinese feeds' dates.
var chinaTime = time.FixedZone("CST", 8*3600)

// profile is what never changes about a feed.
type profile struct {
	name        string // feed-0001
	format      Format
	zh, gb2312  bool
	fault       Fault
	title, desc string
	site        string // https://host, no trailing slash
	authors     []string
	span        time.Duration // the initial items cover this long before BaseTime
	cyber       float64       // share of its own stories about cyber-security
	// RSS style.
	cdata, creator, permalink bool
}

// item is one entry of a feed: its own story or a copy of a shared one.
type item struct {
	seq       int
	published time.Time
	story     story
	variant   int
	shared    bool
}

// plan is the farm's evolving content: what each feed holds in the
// current round. Only Farm.Advance changes it, one round at a time.
type plan struct {
	opts     Options
	profiles []profile
	windows  [][]item // per feed, newest first
	nextSeq  []int
	modified []time.Time
	stories  uint64 // shared stories so far
}

// Kinds of random streams, so that each decision has its own.
const (
	streamFormat = iota + 1
	streamLanguage
	streamFault
	streamSecurity
	streamProfile
	streamItem
	streamShare
	streamStory
	streamRound
	streamRoundShare
)

// rng returns a random source for one decision, derived from the seed.
func (o *Options) rng(stream uint64, a, b uint64) *rand.Rand {
	return rand.New(rand.NewPCG(mix(o.Seed, stream), mix(a, b)))
}

// mix is SplitMix64's finaliser over two values.
func mix(a, b uint64) uint64 {
	z := a*0x9e3779b97f4a7c15 + b + 0x632be59bd9b4e5a9
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func share(n int, f float64) int { return int(math.Round(float64(n) * f)) }

func newPlan(o Options) *plan {
	n := o.Feeds
	p := &plan{
		opts:     o,
		profiles: make([]profile, n),
		windows:  make([][]item, n),
		nextSeq:  make([]int, n),
		modified: make([]time.Time, n),
	}
	formats := o.rng(streamFormat, 0, 0).Perm(n)
	nRSS, nAtom := share(n, shareRSS), share(n, shareAtom)
	for rank, i := range formats {
		switch {
		case rank < nRSS:
			p.profiles[i].format = RSS
		case rank < nRSS+nAtom:
			p.profiles[i].format = Atom
		default:
			p.profiles[i].format = JSON
		}
	}
	for _, i := range o.rng(streamLanguage, 0, 0).Perm(n)[:share(n, shareChinese)] {
		p.profiles[i].zh = true
	}
	chineseRSS := 0
	for i := range p.profiles {
		if pr := &p.profiles[i]; pr.zh && pr.format == RSS {
			pr.gb2312 = chineseRSS%2 == 0
			chineseRSS++
		}
	}
	faults := o.rng(streamFault, 0, 0).Perm(n)
	for _, f := range []struct {
		fault Fault
		share float64
	}{{Slow, o.Faults.Slow}, {ServerError, o.Faults.ServerError}, {TooMany, o.Faults.TooMany}} {
		k := share(n, f.share)
		for _, i := range faults[:k] {
			p.profiles[i].fault = f.fault
		}
		faults = faults[k:]
	}
	security := o.rng(streamSecurity, 0, 0).Perm(n)[:share(n, shareSecurity)]
	// Security outlets' items are 80 % cyber-security; the others' are set
	// so that all feeds together have shareCyber.
	others := (shareCyber - shareSecurity*0.8) / (1 - shareSecurity)
	for i := range p.profiles {
		p.profiles[i].cyber = others
	}
	for _, i := range security {
		p.profiles[i].cyber = 0.8
	}
	// Each feed's own entries depend only on the feed: build them in
	// parallel; the stories shared between feeds are placed after.
	workers := max(o.Workers, 1)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				p.describe(i)
				p.initialItems(i)
			}
		})
	}
	wg.Wait()
	p.shareStories(o.rng(streamShare, 0, 0), allFeeds(n), p.initialSlot, share(n*o.Items, shareCopies))
	return p
}

func allFeeds(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// Name is the name of feed i (0-based): feed-0001 and on.
func Name(i int) string { return fmt.Sprintf("feed-%04d", i+1) }

// describe gives feed i its outlet name, site, authors and style.
func (p *plan) describe(i int) {
	pr := &p.profiles[i]
	r := p.opts.rng(streamProfile, uint64(i), 0)
	pr.name = Name(i)
	pr.span = 36*time.Hour + time.Duration(r.Int64N(int64(36*time.Hour)))
	security := pr.cyber > 0.5
	if pr.zh {
		pr.title, pr.desc = outletZH(r, security)
		pr.site = fmt.Sprintf("https://www.zh-news-%d.example", i+1)
	} else {
		pr.title, pr.desc = outletEN(r, security)
		pr.site = fmt.Sprintf("https://www.%s-%d.example", slug(pr.title, 4), i+1)
	}
	v := english
	if pr.zh {
		v = chinese
	}
	pr.authors = make([]string, 3+r.IntN(6))
	for a := range pr.authors {
		if pr.zh {
			pr.authors[a] = pick(r, v.last) + pick(r, v.first)
		} else {
			pr.authors[a] = pick(r, v.first) + " " + pick(r, v.last)
		}
	}
	pr.cdata = r.IntN(2) == 0
	pr.creator = pr.zh || r.IntN(2) == 0
	pr.permalink = r.IntN(2) == 0
}

// ownStory is the story of feed f's item seq when it is not a copy.
func (p *plan) ownStory(f, seq int) story {
	r := p.opts.rng(streamItem, uint64(f), uint64(seq))
	return story{
		seed:  r.Uint64(),
		topic: drawTopic(r, p.profiles[f].cyber),
		zh:    p.profiles[f].zh,
	}
}

func drawTopic(r *rand.Rand, cyber float64) topic {
	if r.Float64() < cyber {
		return topicCyber
	}
	return topic(1 + r.IntN(int(numTopics)-1))
}

// initialItems fills feed i's round-0 window: Items entries spread over
// its span before BaseTime.
func (p *plan) initialItems(i int) {
	n := p.opts.Items
	pr := &p.profiles[i]
	r := p.opts.rng(streamProfile, uint64(i), 1)
	spacing := pr.span / time.Duration(n)
	w := make([]item, n)
	for k := range w {
		at := BaseTime.Add(-pr.span + time.Duration(k)*spacing +
			time.Duration(r.Int64N(int64(spacing)*4/5+1))).Truncate(time.Second)
		w[n-1-k] = item{seq: k, published: at, story: p.ownStory(i, k)}
	}
	p.windows[i] = w
	p.nextSeq[i] = n
	p.modified[i] = BaseTime
}

// A slotFunc finds a free entry of feed f for a copy of a story
// published near t; -1 if none. Entries are indexes into the window.
type slotFunc func(r *rand.Rand, f int, t time.Time) int

// initialSlot picks the free entry published nearest t.
func (p *plan) initialSlot(_ *rand.Rand, f int, t time.Time) int {
	w := p.windows[f] // newest first
	k := sort.Search(len(w), func(j int) bool { return !w[j].published.After(t) })
	for d := range 4 {
		for _, j := range []int{k - d, k + d} {
			if j >= 0 && j < len(w) && !w[j].shared {
				return j
			}
		}
	}
	return -1
}

// shareStories places stories that appear in 3–5 of the feeds until
// about want entries are copies. Each story goes to feeds of one
// language, published within three hours of each other (or, in a round,
// within the round).
func (p *plan) shareStories(r *rand.Rand, feeds []int, slot slotFunc, want int) {
	var byLang [2][]int
	if len(feeds) == 0 {
		return
	}
	for _, f := range feeds {
		zh := 0
		if p.profiles[f].zh {
			zh = 1
		}
		byLang[zh] = append(byLang[zh], f)
	}
	placed := 0
	for tries := 0; placed < want && tries < 4*want+10; tries++ {
		// The story's language is that of a feed drawn at random, so that
		// each language gets copies in proportion to its feeds.
		origin := feeds[r.IntN(len(feeds))]
		pool := byLang[0]
		if p.profiles[origin].zh {
			pool = byLang[1]
		}
		if len(pool) < 3 {
			continue
		}
		m := min(3+r.IntN(3), len(pool))
		cands := sample(r, pool, m+3)
		t := BaseTime.Add(-33*time.Hour + time.Duration(r.Int64N(int64(30*time.Hour))))
		type copyAt struct{ f, j int }
		var at []copyAt
		for _, f := range cands {
			if len(at) == m {
				break
			}
			when := t
			if len(at) > 0 {
				when = t.Add(time.Duration(r.Int64N(int64(3 * time.Hour))))
			}
			if j := slot(r, f, when); j >= 0 {
				at = append(at, copyAt{f, j})
			}
		}
		if len(at) < 3 {
			continue
		}
		zh := p.profiles[at[0].f].zh
		sr := p.opts.rng(streamStory, p.stories, 0)
		p.stories++
		s := story{seed: sr.Uint64(), topic: drawTopic(sr, shareCyber), zh: zh}
		for v, c := range at {
			e := &p.windows[c.f][c.j]
			e.story, e.variant, e.shared = s, v, true
		}
		placed += len(at)
	}
}

// sample returns k distinct entries of pool (all of them if it is
// smaller), in random order.
func sample(r *rand.Rand, pool []int, k int) []int {
	if k >= len(pool) {
		out := slices.Clone(pool)
		r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out
	}
	out := make([]int, 0, k)
	for len(out) < k {
		if x := pool[r.IntN(len(pool))]; !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
