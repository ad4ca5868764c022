package sqlite

import (
	"fmt"
	"math/bits"
	"slices"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// printedTexts are two fingerprints that cannot pass the comparison as
// copies of each other, and a copy of the first.
func printedTexts() (story, copied, other aggregator.Fingerprint) {
	fp := func(text string) aggregator.Fingerprint {
		return aggregator.NewFingerprint(&aggregator.Entry{Summary: text})
	}
	story = fp("The city council approved the new harbour budget on Tuesday after a long debate about ferry fares and the cost of dredging the old channel.")
	copied = fp("On Tuesday the city council approved the new harbour budget, after a long debate about ferry fares and the cost of dredging the channel.")
	other = fp("A late goal gave the visiting side a narrow win in the league match, and the home coach said his players had run out of ideas.")
	return story, copied, other
}

// TestTextPrints checks what textPrints answers: true for an id it holds
// no print of (never printed, forgotten, or beyond the ids it keeps), the
// comparison's bound for the rest, and no more than maxPrinted ids' blocks
// held however many are set.
func TestTextPrints(t *testing.T) {
	storyText, copied, other := printedTexts()
	story := func() *aggregator.PrintProbe { return aggregator.NewPrintProbe(&storyText) }
	p := aggregator.MergePolicy{MaxDistance: aggregator.DefaultMergeMaxDistance}
	var prints textPrints
	defer prints.release()
	prints.set(10, aggregator.NewTextPrint(&copied))
	prints.set(11, aggregator.NewTextPrint(&other))
	tests := []struct {
		name string
		id   int64
		want bool
	}{
		{"a copy's print", 10, true},
		{"another story's print", 11, false},
		{"no print", 12, true},
		{"an id below every block", -5, true},
		{"an id past every block", 10 * printsBlock, true},
	}
	for _, tt := range tests {
		if got := prints.mayMatch(p, story, tt.id); got != tt.want {
			t.Errorf("%s: mayMatch = %v, want %v", tt.name, got, tt.want)
		}
	}
	if prints.forget(11); !prints.mayMatch(p, story, 11) {
		t.Error("a forgotten print still refuses")
	}
	var none *textPrints
	if !none.mayMatch(p, story, 11) {
		t.Error("a nil textPrints refuses")
	}

	// Past maxPrinted ids, the oldest blocks go.
	last := int64(10 + maxPrinted + 2*printsBlock)
	for id := int64(12); id <= last; id++ {
		prints.set(id, aggregator.NewTextPrint(&other))
	}
	if prints.mayMatch(p, story, last) || prints.mayMatch(p, story, last-maxPrinted+1) {
		t.Error("a print within the newest maxPrinted ids is gone")
	}
	if !prints.mayMatch(p, story, 13) {
		t.Error("a print older than maxPrinted ids is still held")
	}
	if held := prints.held(); held > maxPrinted+printsBlock || held < maxPrinted {
		t.Errorf("%d prints held, want between %d and %d", held, maxPrinted, maxPrinted+printsBlock)
	}
	// What memory no longer offers goes a block at a time.
	floor := last - maxPrinted/2
	prints.dropUpTo(floor)
	if !prints.mayMatch(p, story, floor-printsBlock) || prints.mayMatch(p, story, floor+printsBlock) {
		t.Error("dropUpTo: a print below the floor's block held, or one above it gone")
	}
	none.dropUpTo(floor) // a nil textPrints has nothing to drop
	// A jump far past every block starts afresh.
	far := last + 3*maxPrinted
	if prints.set(far, aggregator.NewTextPrint(&other)); prints.held() != 1 || prints.mayMatch(p, story, far) {
		t.Errorf("after a jump: %d prints held, want 1 (of %d)", prints.held(), far)
	}
}

// TestCandidatesRefusedOnPrints: memory does not offer an entry, held or
// forgotten, whose print rules its text out; it offers those whose print
// allows it and those it holds no print of.
func TestCandidatesRefusedOnPrints(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	story, copied, other := printedTexts()
	sketch := []uint64{1 << 8, 2 << 8, 3 << 8}
	keys := fingerprintKeys(aggregator.Fingerprint{Sketch: sketch})
	prints := &textPrints{}
	defer prints.release()
	r := recentIndex{names: &nameSigs{}, prints: prints, now: func() time.Time { return now }}
	// Entries 1-10 are forgotten and the last ten held (memory holds
	// recentSize), both in the window; of each ten, the first four are
	// printed as copies, the next four as other stories, the last two
	// not printed.
	for id := int64(1); id <= recentSize+10; id++ {
		published := now.Add(-7 * 24 * time.Hour) // out of the lookup's window
		if id <= 10 || id > recentSize {
			published = now.Add(time.Duration(id) * time.Second)
		}
		r.add(recentEntry{id: id, itemID: id, published: millis(published), source: "a", mergeable: true}, keys)
		n := id % 10
		if id > recentSize {
			n = (id - recentSize) % 10
		}
		switch {
		case id > 10 && id <= recentSize, n == 9, n == 0:
		case n <= 4:
			prints.set(id, aggregator.NewTextPrint(&copied))
		default:
			prints.set(id, aggregator.NewTextPrint(&other))
		}
	}
	story.Sketch = sketch
	e := &aggregator.Entry{Source: "b", Published: now.Add(5 * time.Second), Fingerprint: story}
	f := fieldsOf(e)
	rec := &aggregator.FetchRecord{Source: aggregator.Source{Name: "b"}, Merge: aggregator.MergePolicy{MaxDistance: aggregator.DefaultMergeMaxDistance}}
	_, offered := r.candidates(rec, e, &f, 0)
	slices.Sort(offered)
	want := []int64{1, 2, 3, 4, 9, 10, recentSize + 1, recentSize + 2, recentSize + 3, recentSize + 4, recentSize + 9, recentSize + 10}
	if !slices.Equal(offered, want) {
		t.Errorf("offered %v, want %v", offered, want)
	}
}

// TestPrintedOnceMemoryForgets: a store that fits in memory keeps no
// prints; once memory has forgotten an entry, each entry saved is printed.
func TestPrintedOnceMemoryForgets(t *testing.T) {
	db := openTest(t)
	_, _, text := printedTexts()
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	// save saves text n from source as a poll of its own.
	save := func(source string, n int, title string) {
		e := aggregator.Entry{Source: source, GUID: fmt.Sprint(n), Link: fmt.Sprintf("https://%s.example/%d", source, n),
			Title: title, Summary: fmt.Sprint(text, n), Published: at, Updated: at}
		aggregator.Identify(&e)
		e.Fingerprint = aggregator.NewFingerprint(&e)
		rec := aggregator.FetchRecord{Source: aggregator.Source{Name: source, URL: "https://" + source + ".example/feed"}, Entries: []aggregator.Entry{e},
			Now: at, Merge: aggregator.MergePolicy{MaxDistance: aggregator.DefaultMergeMaxDistance}}
		if _, err := db.Save(t.Context(), rec); err != nil {
			t.Fatal(err)
		}
	}
	saveOne := func(n int) { save("a", n, fmt.Sprintf("Story number %d of the day", n)) }
	saveOne(1)
	saveOne(2)
	if n := db.prints.held(); n != 0 {
		t.Fatalf("%d prints held while memory holds every entry, want 0", n)
	}
	db.recent.mu.Lock()
	db.recent.evictOldest()
	db.recent.mu.Unlock()
	saveOne(3)
	saveOne(4)
	if n := db.prints.held(); n != 2 {
		t.Errorf("%d prints held after memory forgot an entry and two more were saved, want 2", n)
	}
	// Entry 1, saved before memory forgot and so not printed, is printed
	// once memory offers it and its row is read: a copy of its text from
	// another source under a title of its own.
	save("b", 1, "A headline of the copy's own")
	db.prints.mu.RLock()
	printed := db.prints.printLocked(1) != nil
	db.prints.mu.RUnlock()
	if !printed {
		t.Error("entry 1 not printed after its row was read for a comparison")
	}
}

// TestTextPrintsFill: fill prints what was read for a comparison and has
// no print, reaching back below the blocks held, but not an entry whose
// text changed (it may have been read before the change), nor one below
// what was dropped, nor one that would take more than maxPrinted ids'
// blocks.
func TestTextPrintsFill(t *testing.T) {
	storyText, copied, other := printedTexts()
	story := func() *aggregator.PrintProbe { return aggregator.NewPrintProbe(&storyText) }
	p := aggregator.MergePolicy{MaxDistance: aggregator.DefaultMergeMaxDistance}
	loaded := func(fp aggregator.Fingerprint, ids ...int64) map[int64]aggregator.Candidate {
		m := map[int64]aggregator.Candidate{}
		for _, id := range ids {
			m[id] = aggregator.Candidate{ItemID: id, Simhash: fp.Simhash, Shingles: fp.Shingles}
		}
		return m
	}
	var prints textPrints
	defer prints.release()
	base := int64(3 * printsBlock)
	prints.set(base, aggregator.NewTextPrint(&copied))
	prints.forget(base + 2) // its text changed
	prints.fill(loaded(other, base, base+1, base+2, printsBlock+5))
	tests := []struct {
		name string
		id   int64
		want bool
	}{
		{"printed before, not printed again", base, true},
		{"printed by fill", base + 1, false},
		{"changed text, left alone", base + 2, true},
		{"printed by fill below the blocks held", printsBlock + 5, false},
	}
	for _, tt := range tests {
		if got := prints.mayMatch(p, story, tt.id); got != tt.want {
			t.Errorf("%s: mayMatch = %v, want %v", tt.name, got, tt.want)
		}
	}
	// Past the newest maxPrinted ids, and up to what was dropped, fill
	// prints nothing.
	newest := base + maxPrinted
	prints.set(newest, aggregator.NewTextPrint(&other))
	prints.dropUpTo(base + printsBlock)
	prints.fill(loaded(other, base+3, newest-maxPrinted-2*printsBlock))
	if !prints.mayMatch(p, story, base+3) || !prints.mayMatch(p, story, newest-maxPrinted-2*printsBlock) {
		t.Error("fill printed an id at or below what was dropped")
	}
	if prints.changed[base+2] {
		t.Error("a changed id at or below what was dropped is still held")
	}
	if held := prints.held(); held > 2*printsBlock {
		t.Errorf("%d prints held, want at most the two blocks' set", held)
	}
	var none *textPrints
	none.fill(loaded(other, 1)) // a nil textPrints prints nothing
}

// held counts the prints set, for tests.
func (t *textPrints) held() (n int) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, b := range t.blocks {
		if b != nil {
			for _, w := range b.set {
				n += bits.OnesCount64(w)
			}
		}
	}
	return n
}
