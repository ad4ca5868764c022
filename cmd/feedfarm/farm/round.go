package farm

import (
	"math/rand/v2"
	"slices"
	"time"
)

// advance moves the plan to round, in which share Change of the feeds
// gain New entries each. It returns the feeds that changed, in order.
func (p *plan) advance(round int) []int {
	o := &p.opts
	changed := o.rng(streamRound, uint64(round), 0).Perm(o.Feeds)[:share(o.Feeds, o.Change)]
	slices.Sort(changed)
	if o.New == 0 {
		return nil
	}
	start := BaseTime.Add(time.Duration(round-1) * RoundInterval)
	step := RoundInterval / time.Duration(o.New+1)
	for _, f := range changed {
		fresh := make([]item, o.New, o.New+len(p.windows[f]))
		for j := range o.New {
			seq := p.nextSeq[f] + j
			fresh[o.New-1-j] = item{
				seq:       seq,
				published: start.Add(time.Duration(j+1) * step).Truncate(time.Second),
				story:     p.ownStory(f, seq),
			}
		}
		p.nextSeq[f] += o.New
		p.windows[f] = append(fresh, p.windows[f]...)
		p.modified[f] = BaseTime.Add(time.Duration(round) * RoundInterval)
	}
	// New entries are the first New of each changed window.
	fresh := func(r *rand.Rand, f int, _ time.Time) int {
		j0 := r.IntN(o.New)
		for d := range o.New {
			if j := (j0 + d) % o.New; !p.windows[f][j].shared {
				return j
			}
		}
		return -1
	}
	p.shareStories(o.rng(streamRoundShare, uint64(round), 0), changed, fresh, share(len(changed)*o.New, shareCopies))
	for _, f := range changed {
		p.windows[f] = p.windows[f][:min(len(p.windows[f]), o.Items)]
	}
	return changed
}
