package sqlite

import (
	"cmp"
	"context"
	"fmt"
	"hash/maphash"
	"slices"
	"sync"

	"github.com/gleaner/gleaner/aggregator"
)

// Bounds on what the process remembers of entries it saved. A key of a
// phrase in common use pushes a copy out of its list within a few dozen
// entries; scored against the benchmark farm's record of copies, lists of
// 64 instead of 32 found 88–89 % of the pairs of copies instead of 75–77 %
// at 600 feeds (precision 95.3–95.9 % instead of 96.3–96.7 %), for 5–9 %
// more time in a cold cycle; lists of 128 found 96–97 %, at a precision of
// 93–94 % and for 15–24 % more time.
const (
	recentSize   = 32768 // entries
	recentPerKey = 64    // newest entries per fingerprint key
)

// recentEntry is what candidate search needs of an entry this process
// saved; the comparison itself reads the entry's shingles from the store.
type recentEntry struct {
	id, itemID int64
	published  int64
	source     string
	sourceNo   int32
	mergeable  bool
	link       uint64   // hash of the canonical link (see textHash); 0 when none
	title      uint64   // hash of the title key; 0 when none
	names      []uint64 // salient names and numbers (aggregator.NameKeys): a cheap first check
}

// recentRef is what the key lists hold: enough to filter a hit by
// source and window without looking the entry up.
type recentRef struct {
	id, published int64
	source        int32
}

// refList holds the newest refs filed under one key, at most
// recentPerKey. Once full it is a ring, overwritten in place: boilerplate
// keys gain a ref with nearly every entry, and a list that slid along a
// growing array reallocated it every few dozen entries and held up to
// twice its size.
type refList struct {
	refs   []recentRef
	newest int // index of the newest ref
}

func (l *refList) push(ref recentRef) {
	if len(l.refs) < recentPerKey {
		l.refs = append(l.refs, ref)
		l.newest = len(l.refs) - 1
		return
	}
	l.newest = (l.newest + 1) % len(l.refs)
	l.refs[l.newest] = ref
}

// at returns the j-th newest ref, j < len(l.refs).
func (l *refList) at(j int) *recentRef {
	i := l.newest - j
	if i < 0 {
		i += len(l.refs)
	}
	return &l.refs[i]
}

// recentIndex is an in-memory twin of the merge index for the entries
// this process saved most recently. Looking candidates up here costs
// microseconds where the store's index costs a query, and it lets the
// search run before the write transaction, in parallel with other polls:
// the transaction then only has to look at entries saved meanwhile.
type recentIndex struct {
	mu      sync.Mutex
	order   []int64 // ids, oldest first
	byID    map[int64]*recentEntry
	byKey   map[int64]refList // key → newest entries
	sources map[string]int32  // interned source names
	byLink  map[uint64]int64  // by link hash
	byTitle map[uint64]int64  // by title key hash
	evicted int64             // the newest id forgotten
	hits    []int64
}

// add remembers an entry saved with the given fingerprint keys.
func (r *recentIndex) add(e recentEntry, keys []int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byID == nil {
		r.byID, r.byKey, r.byLink, r.byTitle = map[int64]*recentEntry{}, map[int64]refList{}, map[uint64]int64{}, map[uint64]int64{}
		r.sources = map[string]int32{}
	}
	e.sourceNo = r.sourceNo(e.source)
	r.order = append(r.order, e.id)
	r.byID[e.id] = &e
	if e.mergeable {
		for _, k := range keys {
			l := r.byKey[k]
			l.push(recentRef{id: e.id, published: e.published, source: e.sourceNo})
			r.byKey[k] = l
		}
	}
	r.indexTexts(&e)
	for len(r.order) > recentSize {
		delete(r.byID, r.order[0]) // index entries pointing at it are skipped
		r.evicted = max(r.evicted, r.order[0])
		r.order = r.order[1:]
	}
	if len(r.byKey) > 16*recentSize { // forget keys of entries long gone
		r.rebuild()
	}
}

func (r *recentIndex) indexTexts(e *recentEntry) {
	if !e.mergeable {
		return
	}
	if e.link != 0 {
		r.byLink[e.link] = e.id
	}
	if e.title != 0 {
		r.byTitle[e.title] = e.id
	}
}

// sourceNo interns a source name.
func (r *recentIndex) sourceNo(name string) int32 {
	n, ok := r.sources[name]
	if !ok {
		n = int32(len(r.sources))
		r.sources[name] = n
	}
	return n
}

// rebuild drops what refers to entries no longer remembered. A key
// list does not regain the older refs that forgotten ones had pushed
// out: as with any ref the cap pushes out, such an entry is then found
// through its other keys only (a copy shares most of them).
func (r *recentIndex) rebuild() {
	for k, l := range r.byKey {
		var live []recentRef
		for j := len(l.refs) - 1; j >= 0; j-- { // oldest first
			if ref := l.at(j); r.byID[ref.id] != nil {
				live = append(live, *ref)
			}
		}
		if len(live) == 0 {
			delete(r.byKey, k)
			continue
		}
		r.byKey[k] = refList{refs: live, newest: len(live) - 1}
	}
	r.byLink, r.byTitle = map[uint64]int64{}, map[uint64]int64{}
	for _, id := range r.order {
		r.indexTexts(r.byID[id])
	}
}

// forget drops the entries of a transaction that did not commit.
func (r *recentIndex) forget(ids []int64) {
	if len(ids) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	gone := map[int64]bool{}
	for _, id := range ids {
		delete(r.byID, id)
		gone[id] = true
	}
	kept := r.order[:0]
	for _, id := range r.order {
		if !gone[id] {
			kept = append(kept, id)
		}
	}
	r.order = kept
	r.rebuild()
}

// floor is the newest id memory cannot vouch for: the newest entry when
// the process opened the store, or the newest it has forgotten since.
func (r *recentIndex) floor(openedAt int64) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return max(openedAt, r.evicted)
}

// covers reports whether memory holds every entry with an id in
// (from, to], that is, whether this process wrote all of them.
func (r *recentIndex) covers(from, to int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := int64(0)
	for i := len(r.order) - 1; i >= 0 && r.order[i] > from; i-- {
		if r.order[i] <= to {
			n++
		}
	}
	return n == to-from
}

// match looks for e's story among the remembered entries with ids above
// after: same link, same title within the window, or — among those that
// share two sketch keys with e — a text the merge policy matches, read
// through q.
func (r *recentIndex) match(ctx context.Context, q querier, rec *aggregator.FetchRecord, e *aggregator.Entry, canonical string, after int64) (int64, error) {
	itemID, ids := r.candidates(rec, e, canonical, after)
	if itemID != 0 || len(ids) == 0 {
		return itemID, nil
	}
	cands, err := loadCandidates(ctx, q, e.Source, ids)
	if err != nil {
		return 0, fmt.Errorf("compare with recent entries: %w", err)
	}
	itemID, _ = rec.Merge.Match(e, e.Fingerprint, cands)
	return itemID, nil
}

// candidates is what memory offers e among the entries with ids above
// after: the item of the same article or the same title within the
// window, else the ids of those worth comparing texts with (sharing two
// sketch keys and not vetoed by names), at most maxCandidates.
func (r *recentIndex) candidates(rec *aggregator.FetchRecord, e *aggregator.Entry, canonical string, after int64) (int64, []int64) {
	if rec.Merge.Disabled || rec.Source.NoMerge {
		return 0, nil
	}
	span, pub := rec.Merge.Span().Milliseconds(), millis(e.Published)
	ok := func(x *recentEntry) bool {
		return x != nil && x.id > after && x.mergeable && x.source != e.Source && x.published >= pub-span && x.published <= pub+span
	}
	keys := fingerprintKeys(e.Fingerprint)
	r.mu.Lock()
	defer r.mu.Unlock()
	if x := r.byID[r.byLink[textHash(canonical)]]; canonical != "" && x != nil && x.id > after && x.mergeable && x.source != e.Source {
		return x.itemID, nil // the same article: no window applies
	}
	if x := r.byID[r.byTitle[textHash(e.Fingerprint.TitleKey)]]; e.Fingerprint.TitleKey != "" && ok(x) {
		return x.itemID, nil
	}
	// Every hit, then counted by sorting: no map per lookup. Refs carry
	// source and date, so most hits are dropped without a lookup; evicted
	// entries are caught by the byID lookup of those that share two keys.
	source, known := r.sources[e.Source]
	if !known {
		source = -1 // matches no stored entry
	}
	names := aggregator.NameKeys(e.Fingerprint.Names)
	hits := r.hits[:0] // scratch, kept between lookups
	for _, k := range keys {
		l := r.byKey[k]
		for j := 0; j < len(l.refs); j++ { // newest first: stop at the old ones
			x := l.at(j)
			if x.id <= after {
				break
			}
			if x.source != source && x.published >= pub-span && x.published <= pub+span {
				hits = append(hits, x.id)
			}
		}
	}
	slices.Sort(hits)
	type candidate struct {
		id     int64
		shared int
	}
	var found []candidate
	for i := 0; i < len(hits); {
		id, n := hits[i], 0
		for ; i < len(hits) && hits[i] == id; i++ {
			n++
		}
		if n < 2 {
			continue
		}
		// Names and numbers veto look-alikes before their text is read.
		if x := r.byID[id]; ok(x) && aggregator.SameNameKeys(names, x.names) {
			found = append(found, candidate{id, n})
		}
	}
	r.hits = hits
	if len(found) > maxCandidates { // those sharing most keys, newest first
		slices.SortFunc(found, func(a, b candidate) int { return cmp.Or(b.shared-a.shared, cmp.Compare(b.id, a.id)) })
		found = found[:maxCandidates]
	}
	ids := make([]int64, len(found))
	for i, c := range found {
		ids[i] = c.id
	}
	return 0, ids
}

// hashSeed keys textHash for this process: the hashes never leave it.
var hashSeed = maphash.MakeSeed()

// textHash stands for a link or title key in memory: eight bytes instead
// of a hundred, and one allocation less per entry. Two different texts
// share a 64-bit hash about once in 2^64 comparisons: never, in practice.
// "" hashes to 0, which no text does.
func textHash(s string) uint64 {
	if s == "" {
		return 0
	}
	return maphash.String(hashSeed, s) | 1
}
