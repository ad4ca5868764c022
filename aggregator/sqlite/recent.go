package sqlite

import (
	"cmp"
	"context"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/aggregator/internal/offheap"
)

// Bounds on what the process remembers of entries it saved, and on what
// a lookup reads of it.
//
// A poll's plan looks, under each fingerprint key, at the entries
// published nearest its entry: nearPerSide before and as many after.
// Copies of one story come out within hours of each other, in whatever
// order their sources are polled, so the nearest in time is where a
// copy is; under a key of a phrase in common use the newest in arrival
// are any. On the benchmark farm's 600 feeds, a simulation over the
// stored keys and the farm's record of copies offered 98.3 % of the
// pairs of copies with 16 a side (180 hits a lookup), against 81.9 %
// for the newest 64 by arrival (344 hits).
//
// The lookup inside the write transaction asks only for entries saved
// since its plan, a few hundred at most: those it reads in full from the
// tail, the keys of the tailSize entries saved last.
//
// Entries older than memory and its forgotten keys are looked for in the
// store, 18 index probes an entry where memory takes microseconds: a cold
// import of 10,000 farm feeds (400,000 entries, all in one merge window)
// took 1.44 times the CPU per feed of one of 5,000 with the keys of
// 229,376 forgotten entries kept, and 1.18 times with 491,520: 0.81 times
// the time, for about 20 MB more (some 130 bytes an entry: refs, names
// signature, text print). Stores that fit the old cap are unchanged.
const (
	recentSize  = 32768  // entries
	farSize     = 491520 // entries memory forgot whose keys it keeps (farRun): 16× memory in all
	nearPerSide = 16     // entries a key, published before and after
	tailSize    = 2048   // entries
)

// recentEntry is what candidate search needs of an entry this process
// saved; the comparison itself reads the entry's shingles from the store.
type recentEntry struct {
	id, itemID int64
	published  int64
	source     string
	mergeable  bool
	link       uint64   // hash of the canonical link (see textHash); 0 when none
	title      uint64   // hash of the title key; 0 when none
	names      []uint64 // salient names and numbers (aggregator.NameKeys): a cheap first check
}

// heldEntry is a recentEntry as memory keeps it, by value and without
// pointers, so that the collector never scans the ring it sits in: the
// source interned, the names in the ring's array of names. A map of
// pointers to entries took 4 MB of the heap at 24,000 entries, all of it
// scanned by every collection.
type heldEntry struct {
	id, itemID, published int64
	link, title           uint64
	namesSig              uint64 // aggregator.NamesSig of its names, read before them
	namesAt               int64  // where its names start among those the ring ever held
	sourceNo              int32
	namesLen              uint16
	mergeable             bool
}

// recentRef is what the key lists hold: enough to filter a hit by
// source and window without looking the entry up, in 12 bytes (memory
// holds one for each key of each entry).
type recentRef struct {
	id        uint32 // the entry's id less the index's idBase
	published uint32 // Unix seconds (refSeconds)
	source    int32
}

// refSeconds is a ref's published time: seconds are fine enough to
// find the nearest, and dates before 1970 or after 2106 are clamped.
func refSeconds(millis int64) uint32 {
	return uint32(min(max(millis/1000, 0), math.MaxUint32))
}

// recentIndex is an in-memory twin of the merge index for the entries
// this process saved most recently. Looking candidates up here costs
// microseconds where the store's index costs a query, and it lets the
// search run before the write transaction, in parallel with other polls:
// the transaction then only has to look at entries saved meanwhile.
type recentIndex struct {
	mu       sync.Mutex
	entries  entryRing             // oldest first, ids ascending
	byTime   keyLists              // key → every remembered entry, by published then id
	inTime   int                   // refs in byTime, forgotten ones included
	tail     map[int64][]recentRef // key → the entries saved last, in order
	inTail   int                   // entries in tail
	tailFrom int64                 // the tail holds every remembered entry from this id on
	sources  map[string]int32      // interned source names
	byLink   idTable               // by link hash
	byTitle  idTable               // by title key hash
	evicted  int64                 // the newest id forgotten
	// evictedPublished is the newest published date among the entries
	// forgotten; valid once evicted is not 0. It speaks for every entry
	// up to evicted unless another process's came between this one's
	// (unknown): since this process's ids follow the newest entry when it
	// opened the store (openedAt), a forgotten id that does not follow
	// the one forgotten before shows one.
	evictedPublished int64
	unknown          bool
	// The newest entry and the newest published date of any entry when
	// the process opened the store (math.MaxInt64 when not known).
	openedAt, publishedAtOpen int64
	// Refs keep ids less idBase, which moves on (rebase) when an id
	// would not fit in their 32 bits.
	idBase int64
	hits   hitCounts // scratch, kept between lookups
	// The key refs of entries memory forgot, in runs, oldest first: of
	// the farCap entries forgotten last, those forgotten within a merge
	// window, as long as this process wrote every entry since it opened
	// the store. Their names signatures are in names.
	far        []*farRun
	farCap     int64 // entries; farSize unless a test says otherwise
	farDropped int64 // the newest id of the runs dropped
	window     int64 // the widest merge span asked for, in milliseconds
	// reachedBack is the earliest date (refSeconds) a plan's window
	// opened at since the last rebuild, if any did (reached).
	reachedBack uint32
	reached     bool
	names       *nameSigs
	// forgotten holds the link and title hashes of every entry memory
	// forgot and the new ones of every entry updated (nil until the
	// first of either, and for good once the store holds entries this
	// process did not write): the store's search for links and titles
	// skips those it does not hold (forgottenTexts).
	forgotten *textFilter
	prints    *textPrints           // nil: none known
	probe     aggregator.PrintProbe // the entry looked up, against prints
	now       func() time.Time      // time.Now unless a test says otherwise
	lists     [][]recentRef         // scratch for lookups
	pos       []int
}

// add remembers an entry saved with the given fingerprint keys, and
// reports whether memory has forgotten any entry: from then on, the
// entries saved are printed (textPrints).
func (r *recentIndex) add(e recentEntry, keys []int64) (forgetting bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tail == nil {
		r.tail = map[int64][]recentRef{}
		r.sources = map[string]int32{}
		r.idBase = e.id - 1
	}
	if e.id-r.idBase > math.MaxUint32 {
		r.rebase(e.id)
	}
	if r.entries.len() == recentSize {
		r.evictOldest()
	}
	held := r.entries.push(e, r.sourceNo(e.source))
	if e.mergeable {
		ref := recentRef{id: uint32(e.id - r.idBase), published: refSeconds(e.published), source: held.sourceNo}
		for _, k := range keys {
			r.byTime.insert(k, ref)
			r.tail[k] = append(r.tail[k], ref)
		}
		r.inTime += len(keys)
		r.inTail++
	}
	r.indexTexts(held)
	// Forget refs of entries long gone: at most a quarter more than
	// memory holds live (each pass reads every list).
	if r.inTime > aggregator.SketchSize*recentSize*5/4 {
		r.rebuild(false)
	}
	if r.inTail > 2*tailSize {
		r.trimTail()
	}
	return r.evicted != 0
}

// forgetting reports whether memory has forgotten any entry.
func (r *recentIndex) forgetting() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.evicted != 0
}

// forgetsSoon is the newest id memory forgets within the next
// recentSize/8 entries it remembers, or 0 when it forgets none by then.
// Held merge keys of entries up to it are written (wtx.endKeys).
func (r *recentIndex) forgetsSoon() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.entries.len() - (recentSize - recentSize/8)
	if n <= 0 {
		return 0
	}
	return r.entries.at(n - 1).id
}

// evictOldest forgets the oldest entry; index entries pointing at it
// are skipped from now on.
func (r *recentIndex) evictOldest() {
	e := r.entries.pop()
	if e.id != max(r.openedAt, r.evicted)+1 {
		r.unknown = true
	}
	if r.evicted == 0 || e.published > r.evictedPublished {
		r.evictedPublished = e.published
	}
	r.evicted = max(r.evicted, e.id)
	r.noteTextsLocked(e.link, e.title)
}

// noteTexts files an updated entry's link and title hashes among the
// forgotten texts: its old ones stay, and the filter must hold what the
// store holds now.
func (r *recentIndex) noteTexts(link, title uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.noteTextsLocked(link, title)
}

func (r *recentIndex) noteTextsLocked(link, title uint64) {
	if r.openedAt != 0 || r.unknown {
		r.forgotten = nil // forgottenTexts would never offer it
		return
	}
	if r.forgotten == nil {
		// At the first eviction, or at an update before it (the held
		// entry will bring its old texts): a store that fits in memory
		// and changes nothing (a cold 600-feed poll) makes none.
		r.forgotten = newTextFilter()
	}
	for _, h := range []uint64{link, title} {
		if h != 0 {
			r.forgotten.add(h)
		}
	}
}

// forgottenTexts is the filter of the links and titles of every entry up
// to floor, if memory has one: when this process made the store and no
// other wrote to it since, every such entry was forgotten here. Else nil.
func (r *recentIndex) forgottenTexts(floor int64) *textFilter {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.openedAt != 0 || r.unknown || floor > r.evicted {
		return nil
	}
	return r.forgotten
}

// trimTail keeps the tail to the last tailSize entries saved.
func (r *recentIndex) trimTail() {
	n := r.entries.len()
	if n <= tailSize {
		return
	}
	r.tailFrom = r.entries.at(n - tailSize).id
	r.inTail = tailSize
	for k, l := range r.tail {
		i := slices.IndexFunc(l, func(ref recentRef) bool { return r.idBase+int64(ref.id) >= r.tailFrom })
		if i < 0 {
			delete(r.tail, k)
			continue
		}
		r.tail[k] = slices.Clone(l[i:]) // the old array goes
	}
}

// nearest calls visit with the refs of l published nearest pub, at most
// nearPerSide before it and as many after, skipping ref ids not above
// floor (which may be below 0).
func nearest(l []recentRef, pub uint32, floor int64, visit func(*recentRef)) {
	i := firstFrom(l, pub)
	for j, n := i-1, 0; j >= 0 && n < nearPerSide; j-- {
		if int64(l[j].id) > floor {
			visit(&l[j])
			n++
		}
	}
	for j, n := i, 0; j < len(l) && n < nearPerSide; j++ {
		if int64(l[j].id) > floor {
			visit(&l[j])
			n++
		}
	}
}

// firstFrom is the index of the first ref of l, in order, published at
// pub or later.
func firstFrom(l []recentRef, pub uint32) int { return firstOrderFrom(l, uint64(pub)<<32) }

// firstOrderFrom is the index of the first ref of l, in order, whose
// order is o or later: the search slices.BinarySearchFunc makes, without
// a call of its comparison at every step, which took 0.86 of a
// 5,000-feed cold poll's 58 CPU seconds.
func firstOrderFrom(l []recentRef, o uint64) int {
	lo, hi := 0, len(l)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if l[m].order() < o {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func (r *recentIndex) indexTexts(e *heldEntry) {
	if !e.mergeable {
		return
	}
	if e.link != 0 {
		r.byLink.put(e.link, e.id)
	}
	if e.title != 0 {
		r.byTitle.put(e.title, e.id)
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

// rebuild drops what refers to entries no longer remembered, and freezes
// the key refs of those forgotten since the last rebuild in a run. The
// ring forgets oldest first, so every ref above evicted is of an entry
// held, unless entries were dropped (forget): only then is each looked up.
func (r *recentIndex) rebuild(dropped bool) {
	gone := func(ref recentRef) bool { return r.entries.find(r.idBase+int64(ref.id)) == nil }
	for k, l := range r.tail {
		if l = slices.DeleteFunc(l, gone); len(l) == 0 {
			delete(r.tail, k)
		} else {
			r.tail[k] = l
		}
	}
	r.inTime = 0
	// The forgotten refs of each key, in one array counted first (12
	// bytes a ref), already in date order: only the keys are sorted.
	farFloor := r.farFloorLocked()
	refs, keys, newest, blocks := 0, 0, uint32(0), 0
	for _, l := range r.byTime.all() {
		blocks += int(blockSize(uint32(len(l)))) // what its kept refs take at most
		n := 0
		for _, ref := range l {
			if id := r.idBase + int64(ref.id); id <= r.evicted && id > farFloor {
				n++
				newest = max(newest, ref.published)
			}
		}
		refs += n
		keys += min(n, 1)
	}
	// Kept only if some lookup since the last rebuild reached back to
	// them: where memory spans more time than a merge window (a service
	// with a few hundred feeds), what it forgets is older than any window
	// and the runs would only cost their upkeep. Then the keys of all it
	// forgot go, and the store's search covers them, as for links.
	if refs > 0 && (!r.reached || newest < r.reachedBack) {
		r.dropFarUpTo(r.evicted)
		farFloor, refs, keys = r.evicted, 0, 0
	}
	r.reached = false
	forgotten, groups := make([]recentRef, 0, refs), make([]keyRefs, 0, keys)
	var byTime keyLists
	byTime.reserve(r.byTime.used, blocks)
	for k, l := range r.byTime.all() {
		kept, from := l[:0], len(forgotten) // filtered in place: the old lists go
		for _, ref := range l {
			switch id := r.idBase + int64(ref.id); {
			case id <= r.evicted:
				if id > farFloor {
					forgotten = append(forgotten, ref)
				}
			case !dropped || r.entries.find(id) != nil:
				kept = append(kept, ref)
			}
		}
		if len(forgotten) > from {
			groups = append(groups, keyRefs{k, forgotten[from:len(forgotten):len(forgotten)]})
		}
		byTime.put(k, kept)
		r.inTime += len(kept)
	}
	r.byTime.release()
	r.byTime = byTime
	if len(groups) > 0 {
		slices.SortFunc(groups, func(a, b keyRefs) int { return cmp.Compare(a.key, b.key) })
		r.far = append(r.far, newFarRun(groups, r.evicted, r.clock()))
		r.compactFar()
	}
	r.dropFar()
	r.prints.dropUpTo(r.farFloorLocked()) // memory offers none of those
	r.byLink.reset()
	r.byTitle.reset()
	for i := range r.entries.len() {
		r.indexTexts(r.entries.at(i))
	}
}

// rebase moves idBase on so that the ids of refs from the newest id on
// fit in 32 bits, dropping refs of entries too old for that (memory
// forgot them long ago, unless four billion other entries came between).
func (r *recentIndex) rebase(newest int64) {
	base := newest - math.MaxUint32/2
	if r.entries.len() > 0 {
		base = max(base, r.entries.at(0).id-1)
	}
	r.dropFarUpTo(r.evicted) // their refs are by the old base
	// A list's refs, by the new base, in place.
	rebased := func(l []recentRef) []recentRef {
		kept := l[:0]
		for _, ref := range l {
			if id := r.idBase + int64(ref.id); id > base {
				ref.id = uint32(id - base)
				kept = append(kept, ref)
			}
		}
		return kept
	}
	var byTime keyLists
	r.inTime = 0
	for k, l := range r.byTime.all() {
		l = rebased(l)
		byTime.put(k, l)
		r.inTime += len(l)
	}
	r.byTime.release()
	r.byTime = byTime
	for k, l := range r.tail {
		if l = rebased(l); len(l) == 0 {
			delete(r.tail, k)
		} else {
			r.tail[k] = l
		}
	}
	r.idBase = base
}

// forget drops the entries of a transaction that did not commit.
func (r *recentIndex) forget(ids []int64) {
	if len(ids) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries.remove(ids)
	r.rebuild(true)
}

// floor is the newest id memory cannot vouch for: the newest entry when
// the process opened the store (openedAt), or the newest it has forgotten
// since; the newest id of whose keys memory holds none (keys: at most
// floor, less where it keeps keys of entries it forgot); and the newest
// published date among the entries up to floor (math.MaxInt64 when it is
// not known). Entries keep the date they came with.
func (r *recentIndex) floor() (id, keys, latest int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	latest = r.publishedAtOpen
	switch {
	case r.unknown:
		latest = math.MaxInt64
	case r.evicted != 0:
		latest = max(latest, r.evictedPublished)
	}
	return max(r.openedAt, r.evicted), r.farFloorLocked(), latest
}

// farFloorLocked is the newest id of whose keys memory holds none.
func (r *recentIndex) farFloorLocked() int64 {
	if r.unknown {
		return max(r.openedAt, r.evicted)
	}
	return max(r.openedAt, r.farDropped, r.evicted-r.farCapacity())
}

func (r *recentIndex) farCapacity() int64 { return cmp.Or(r.farCap, farSize) }

func (r *recentIndex) clock() time.Time {
	if r.now != nil {
		return r.now()
	}
	return time.Now()
}

// compactFar merges the newest runs while the one before is at most
// twice as large (so that a lookup reads a few runs, not one a rebuild),
// up to a quarter of what the runs may hold (so that dropping the oldest
// frees memory as it goes).
func (r *recentIndex) compactFar() {
	largest := int(aggregator.SketchSize * r.farCapacity() / 4)
	for n := len(r.far); n >= 2; n = len(r.far) {
		a, b := r.far[n-2], r.far[n-1]
		if len(a.refs) > 2*len(b.refs) || len(a.refs)+len(b.refs) > largest {
			return
		}
		merged := mergeFarRuns(a, b)
		a.release()
		b.release()
		r.far = append(r.far[:n-2], merged)
	}
}

// dropFar drops the runs memory no longer keeps: beyond farCap entries
// back, frozen more than a merge window ago, or all of them once another
// process's entries came between this one's.
func (r *recentIndex) dropFar() {
	window := time.Duration(cmp.Or(r.window, aggregator.DefaultMergeWindow.Milliseconds())) * time.Millisecond
	for len(r.far) > 0 {
		run := r.far[0]
		if !r.unknown && run.lastID > r.evicted-r.farCapacity() && r.clock().Sub(run.made) <= window {
			return
		}
		r.dropFarUpTo(run.lastID)
	}
}

// release gives back the memory mapped outside the Go heap: memory is
// not read again, and holds nothing from now on (the keys floor stays
// past the runs).
func (r *recentIndex) release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dropFarUpTo(math.MaxInt64)
	r.entries.release()
	r.byTime.release()
	r.byLink.release()
	r.byTitle.release()
}

// dropFarUpTo drops the runs holding no entry newer than id.
func (r *recentIndex) dropFarUpTo(id int64) {
	for len(r.far) > 0 && r.far[0].lastID <= id {
		r.farDropped = max(r.farDropped, r.far[0].lastID)
		r.far[0].release()
		r.far = r.far[1:]
	}
	if id >= r.evicted {
		r.farDropped = max(r.farDropped, id)
	}
}

// covers reports whether memory holds every entry with an id in
// (from, to], that is, whether this process wrote all of them.
func (r *recentIndex) covers(from, to int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return int64(r.entries.upTo(to)-r.entries.upTo(from)) == to-from
}

// match looks for e's story among the remembered entries with ids above
// after: same link, same title within the window, or — among those that
// share two sketch keys with e — a text the merge policy matches, read
// through q.
func (r *recentIndex) match(ctx context.Context, q querier, rec *aggregator.FetchRecord, e *aggregator.Entry, f *entryFields, after int64) (int64, error) {
	itemID, ids := r.candidates(rec, e, f, after)
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
func (r *recentIndex) candidates(rec *aggregator.FetchRecord, e *aggregator.Entry, f *entryFields, after int64) (int64, []int64) {
	if rec.Merge.Disabled || rec.Source.NoMerge {
		return 0, nil
	}
	span, pub := rec.Merge.Span().Milliseconds(), millis(e.Published)
	keys := fingerprintKeys(e.Fingerprint)
	r.mu.Lock()
	defer r.mu.Unlock()
	source, known := r.sources[e.Source]
	if !known {
		source = -1 // matches no stored entry
	}
	ok := func(x *heldEntry) bool {
		return x != nil && x.id > after && x.mergeable && x.sourceNo != source && x.published >= pub-span && x.published <= pub+span
	}
	if x := r.entries.find(r.byLink.get(f.link)); f.link != 0 && x != nil && x.id > after && x.mergeable && x.sourceNo != source {
		return x.itemID, nil // the same article: no window applies
	}
	if x := r.entries.find(r.byTitle.get(f.title)); f.title != 0 && ok(x) {
		return x.itemID, nil
	}
	// Every hit, counted in a table kept between lookups. Refs carry
	// source and date, so most hits are dropped without a lookup; refs of
	// evicted entries are skipped by id, and any left are caught by the
	// lookup of those that share two keys.
	from, to := refSeconds(pub-span), refSeconds(pub+span)
	if after == 0 {
		if !r.reached || from < r.reachedBack {
			r.reachedBack = from
		}
		r.reached = true
	}
	visit := func(x *recentRef) {
		if x.source != source && x.published >= from && x.published <= to {
			r.hits.add(r.idBase+int64(x.id), x.published)
		}
	}
	r.window = max(r.window, span)
	floor := max(after, r.farFloorLocked()) // for a plan's look through the lists
	for _, k := range keys {
		if after == 0 || after+1 < r.tailFrom {
			// A plan: those published nearest, in memory's lists and in
			// the runs of those it forgot. (Or, rarely, more was saved
			// since a plan than the tail holds.)
			// A run with no ref in the window is left out: its refs
			// would come after every ref in the window, and go unvisited.
			lists := append(r.lists[:0], r.byTime.get(k))
			for _, run := range r.far {
				if !run.reaches(from, to, floor) {
					continue
				}
				if l := run.list(k); len(l) > 0 {
					lists = append(lists, l)
				}
			}
			if len(r.pos) < 2*len(lists) {
				r.pos = make([]int, 2*len(lists))
			}
			nearestAcross(lists, refSeconds(pub), floor-r.idBase, visit, r.pos)
			clear(lists) // no run's memory is held past the lookup
			r.lists = lists
			continue
		}
		l := r.tail[k] // since a plan: every one, newest first
		for j := len(l) - 1; j >= 0 && r.idBase+int64(l[j].id) > after; j-- {
			visit(&l[j])
		}
	}
	type candidate struct {
		id, published int64
		shared        int
	}
	var found []candidate
	probed := false
	probe := func() *aggregator.PrintProbe { // once an entry, if a print is held
		if !probed {
			r.probe.Set(&e.Fingerprint)
			probed = true
		}
		return &r.probe
	}
	for _, i := range r.hits.used {
		hit := r.hits.slots[i]
		if hit.n < 2 {
			continue
		}
		// Names and numbers veto look-alikes before their text is read.
		x := r.entries.find(hit.id)
		// The signature in the entry first: its names, elsewhere in
		// memory, are read only if it allows them.
		if ok(x) && aggregator.MayShareNames(f.nameKeys, x.namesSig) && aggregator.SameNameKeys(f.nameKeys, r.entries.names(x)) &&
			r.prints.mayMatch(rec.Merge, probe, hit.id) {
			found = append(found, candidate{hit.id, x.published, int(hit.n)})
		}
		// Of an entry memory forgot but for its keys, the ref gave source
		// and date; its names signature and text print (if known) are what
		// is left.
		if x == nil && hit.id <= r.evicted && (r.names == nil || r.names.mayShareOne(f.nameKeys, hit.id)) &&
			r.prints.mayMatch(rec.Merge, probe, hit.id) {
			found = append(found, candidate{hit.id, int64(hit.published) * 1000, int(hit.n)})
		}
	}
	r.hits.reset()
	if len(found) > maxCandidates { // those sharing most keys, nearest in time, newest
		dist := func(c candidate) int64 { return max(c.published-pub, pub-c.published) }
		slices.SortFunc(found, func(a, b candidate) int {
			return cmp.Or(b.shared-a.shared, cmp.Compare(dist(a), dist(b)), cmp.Compare(b.id, a.id))
		})
		found = found[:maxCandidates]
	} else {
		slices.SortFunc(found, func(a, b candidate) int { return cmp.Compare(a.id, b.id) })
	}
	ids := make([]int64, len(found))
	for i, c := range found {
		ids[i] = c.id
	}
	return 0, ids
}

// entryRing holds the entries memory remembers, oldest first, in a ring
// of recentSize, and their names in one array, oldest first too. Both
// are mapped outside the Go heap (offheap): they hold no pointers and
// live as long as the store, and in the heap the collector's headroom
// doubled them (3.3 MB of a 15 MB live heap at the end of a cold
// 600-feed poll). Ids ascend from oldest to newest, so an entry is found
// by its distance from the oldest (ids come in runs) or else by binary
// search.
type entryRing struct {
	buf        []heldEntry
	head, size int      // the oldest's index in buf; how many are held
	nameKeys   []uint64 // the names held, within nameBuf
	namesFrom  int64    // the position of nameKeys[0] among all names held
	nameBuf    []uint64
	bufMem     []byte // what offheap.Slice mapped, for offheap.Free
	nameMem    []byte
}

func (q *entryRing) len() int { return q.size }

// at returns the i-th oldest entry.
func (q *entryRing) at(i int) *heldEntry { return &q.buf[(q.head+i)%len(q.buf)] }

// names returns an entry's names.
func (q *entryRing) names(e *heldEntry) []uint64 {
	i := int(e.namesAt - q.namesFrom)
	return q.nameKeys[i : i+int(e.namesLen) : i+int(e.namesLen)]
}

// push adds e as the newest entry and returns it as held.
func (q *entryRing) push(e recentEntry, sourceNo int32) *heldEntry {
	if q.size == len(q.buf) { // full (or new): twice as large, the oldest first again
		grown, mem := offheap.Slice[heldEntry](max(recentSize, 2*q.size))
		for i := range q.size {
			grown[i] = *q.at(i)
		}
		offheap.Free(q.bufMem)
		q.buf, q.bufMem, q.head = grown, mem, 0
	}
	names := e.names[:min(len(e.names), math.MaxUint16)]
	if len(names) > cap(q.nameKeys)-len(q.nameKeys) {
		q.makeRoom(len(names))
	}
	h := q.at(q.size)
	*h = heldEntry{id: e.id, itemID: e.itemID, published: e.published, link: e.link, title: e.title, namesSig: aggregator.NamesSig(names),
		namesAt: q.namesFrom + int64(len(q.nameKeys)), sourceNo: sourceNo, namesLen: uint16(len(names)), mergeable: e.mergeable}
	q.nameKeys = append(q.nameKeys, names...)
	q.size++
	return h
}

// makeRoom moves the names held to the start of a names array with room
// for n more: the same array when they take at most three quarters of
// it, else one twice as large as they will. Once the ring is full, the
// names held stay about half the array: each name is moved about once.
func (q *entryRing) makeRoom(n int) {
	need := len(q.nameKeys) + n
	if need <= len(q.nameBuf)*3/4 {
		q.nameKeys = q.nameBuf[:copy(q.nameBuf, q.nameKeys)]
		return
	}
	buf, mem := offheap.Slice[uint64](max(1<<14, 2*need))
	q.nameKeys = buf[:copy(buf, q.nameKeys)]
	offheap.Free(q.nameMem)
	q.nameBuf, q.nameMem = buf, mem
}

// release gives back the arrays; the ring is empty and ready again.
func (q *entryRing) release() {
	offheap.Free(q.bufMem)
	offheap.Free(q.nameMem)
	*q = entryRing{}
}

// pop forgets the oldest entry and returns it.
func (q *entryRing) pop() heldEntry {
	e := *q.at(0)
	q.head, q.size = (q.head+1)%len(q.buf), q.size-1
	// Its names go: the array's start moves on (and what is before it
	// is not copied when the array next grows).
	next := e.namesAt + int64(e.namesLen)
	q.nameKeys, q.namesFrom = q.nameKeys[next-q.namesFrom:], next
	return e
}

// find returns the entry with the given id, or nil.
func (q *entryRing) find(id int64) *heldEntry {
	if q.size == 0 || id < q.at(0).id {
		return nil
	}
	if d := id - q.at(0).id; d < int64(q.size) && q.at(int(d)).id == id {
		return q.at(int(d))
	}
	i := sort.Search(q.size, func(i int) bool { return q.at(i).id >= id })
	if i < q.size && q.at(i).id == id {
		return q.at(i)
	}
	return nil
}

// upTo returns how many entries held have ids up to id: a binary search,
// where counting took every plan through all of memory.
func (q *entryRing) upTo(id int64) int {
	return sort.Search(q.size, func(i int) bool { return q.at(i).id > id })
}

// remove drops the entries with the given ids.
func (q *entryRing) remove(ids []int64) {
	var kept entryRing
	for i := range q.size {
		if e := q.at(i); !slices.Contains(ids, e.id) {
			kept.push(recentEntry{id: e.id, itemID: e.itemID, published: e.published, link: e.link, title: e.title,
				names: q.names(e), mergeable: e.mergeable}, e.sourceNo)
		}
	}
	q.release()
	*q = kept
}

// hitCounts counts a lookup's hits by entry id in a table with open
// addressing, which the next lookup reuses once the slots used are
// cleared: sorting the hits to count them took a quarter of a lookup.
type hitCounts struct {
	slots []hitSlot // a power of two long; id 0, which no entry has, marks a free slot
	used  []int32   // the slots filled, in the order of first hits
}

type hitSlot struct {
	id        int64
	n         int32
	published uint32 // the ref's, for entries memory keeps only keys of
}

func (h *hitCounts) add(id int64, published uint32) {
	if 2*(len(h.used)+1) > len(h.slots) {
		h.grow()
	}
	for i := h.home(id); ; i = (i + 1) & (len(h.slots) - 1) {
		switch s := &h.slots[i]; s.id {
		case id:
			s.n++
			return
		case 0:
			*s = hitSlot{id, 1, published}
			h.used = append(h.used, int32(i))
			return
		}
	}
}

// grow doubles the table and files the hits counted so far again.
func (h *hitCounts) grow() {
	filled := make([]hitSlot, len(h.used))
	for j, i := range h.used {
		filled[j] = h.slots[i]
	}
	h.slots, h.used = make([]hitSlot, max(512, 2*len(h.slots))), h.used[:0]
	for _, s := range filled {
		i := h.home(s.id)
		for h.slots[i].id != 0 {
			i = (i + 1) & (len(h.slots) - 1)
		}
		h.slots[i] = s
		h.used = append(h.used, int32(i))
	}
}

// home is the slot where the search for id begins: a multiplicative
// hash, as ids come in runs.
func (h *hitCounts) home(id int64) int {
	return int(uint64(id)*0x9e3779b97f4a7c15>>32) & (len(h.slots) - 1)
}

func (h *hitCounts) reset() {
	for _, i := range h.used {
		h.slots[i] = hitSlot{}
	}
	h.used = h.used[:0]
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
