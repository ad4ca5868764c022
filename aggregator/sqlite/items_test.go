package sqlite_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

func titles(items []aggregator.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Title)
	}
	return out
}

func sourceNames(it aggregator.Item) []string {
	var out []string
	for _, s := range it.Sources {
		out = append(out, s.Name)
	}
	return out
}

// TestSave walks one source through a first poll, an unchanged re-poll
// and an edit.
func TestSave(t *testing.T) {
	db, _ := open(t)
	src := source("krebs")
	entries := []aggregator.Entry{
		entry(src.Name, "https://krebs.example.org/one", "One", 0, "cyber-security"),
		entry(src.Name, "https://krebs.example.org/two", "Two", 10),
		entry(src.Name, "https://krebs.example.org/three", "Three", 20, "cyber-security", "china"),
	}
	entries[1].GUID = "tag:krebs,2024:two"
	aggregator.Identify(&entries[1])
	rec := aggregator.FetchRecord{Source: src, State: aggregator.SourceState{URL: src.URL, ETag: `"v1"`}, Entries: entries, Now: base.Add(time.Hour)}

	if v := version(t, db); v != 0 {
		t.Errorf("Version of a new database = %d, want 0", v)
	}
	if got, want := save(t, db, rec), (aggregator.SaveResult{New: 3}); got != want {
		t.Errorf("first Save = %+v, want %+v", got, want)
	}
	v1 := version(t, db)
	if v1 != 1 {
		t.Errorf("Version after first Save = %d, want 1", v1)
	}

	got := items(t, db, aggregator.ItemQuery{})
	if want := []string{"Three", "Two", "One"}; !slices.Equal(titles(got), want) {
		t.Fatalf("Items titles = %q, want %q (newest first)", titles(got), want)
	}
	uids := map[string]string{}
	for _, it := range got {
		if it.UID == "" || it.ID == 0 {
			t.Errorf("item %q has UID %q, ID %d", it.Title, it.UID, it.ID)
		}
		uids[it.Title] = it.UID
		if !slices.Equal(sourceNames(it), []string{"krebs"}) {
			t.Errorf("item %q Sources = %+v, want krebs", it.Title, it.Sources)
		}
		s := it.Sources[0]
		if s.FeedURL != src.URL || s.Link != it.Link || s.Title != it.Title {
			t.Errorf("item %q source = %+v, want feed %s and the entry's link and title", it.Title, s, src.URL)
		}
	}
	if len(uids) != 3 {
		t.Errorf("UIDs = %v, want three different", uids)
	}
	three := got[0]
	if !slices.Equal(three.Tags, []string{"china", "cyber-security"}) {
		t.Errorf("Three Tags = %q, want [china cyber-security]", three.Tags)
	}
	if len(got[1].Tags) != 0 {
		t.Errorf("Two Tags = %q, want none", got[1].Tags)
	}
	if three.Link != "https://krebs.example.org/three" || three.Summary != "<p>Three</p>" {
		t.Errorf("Three = %+v", three)
	}
	if want := base.Add(20 * time.Minute); !three.Published.Equal(want) || !three.Updated.Equal(want) {
		t.Errorf("Three Published, Updated = %v, %v; want %v", three.Published, three.Updated, want)
	}

	// The same poll again changes nothing.
	rec.Now = base.Add(2 * time.Hour)
	if got, want := save(t, db, rec), (aggregator.SaveResult{}); got != want {
		t.Errorf("repeated Save = %+v, want %+v", got, want)
	}
	if v := version(t, db); v != v1 {
		t.Errorf("Version after an unchanged Save = %d, want %d", v, v1)
	}

	// The publisher edits a title: the item keeps its UID and Published
	// and gets a newer Updated.
	edited := slices.Clone(rec.Entries)
	edited[1].Title = "Two (corrected)"
	rec.Entries, rec.Now = edited, base.Add(3*time.Hour)
	if got, want := save(t, db, rec), (aggregator.SaveResult{Updated: 1}); got != want {
		t.Errorf("Save with one edit = %+v, want %+v", got, want)
	}
	v2 := version(t, db)
	if v2 <= v1 {
		t.Errorf("Version after an edit = %d, want more than %d", v2, v1)
	}
	got = items(t, db, aggregator.ItemQuery{})
	if want := []string{"Three", "Two (corrected)", "One"}; !slices.Equal(titles(got), want) {
		t.Fatalf("Items titles after the edit = %q, want %q", titles(got), want)
	}
	two := got[1]
	if two.UID != uids["Two"] {
		t.Errorf("edited item UID = %q, want %q", two.UID, uids["Two"])
	}
	if want := base.Add(10 * time.Minute); !two.Published.Equal(want) {
		t.Errorf("edited item Published = %v, want %v", two.Published, want)
	}
	if !two.Updated.After(two.Published) {
		t.Errorf("edited item Updated = %v, want after %v", two.Updated, two.Published)
	}
	if want := rec.Now; !two.Updated.Equal(want) {
		t.Errorf("edited item Updated = %v, want the time of the poll that saw the edit, %v", two.Updated, want)
	}
	if two.Sources[0].Title != "Two (corrected)" {
		t.Errorf("edited item source title = %q", two.Sources[0].Title)
	}

	// A tags-only change is an update too: outputs select by tag.
	retagged := slices.Clone(edited)
	retagged[0].Tags = nil
	rec.Entries = retagged
	if got, want := save(t, db, rec), (aggregator.SaveResult{Updated: 1}); got != want {
		t.Errorf("Save with changed tags = %+v, want %+v", got, want)
	}
	if v := version(t, db); v <= v2 {
		t.Errorf("Version after a retag = %d, want more than %d", v, v2)
	}
	sec := items(t, db, aggregator.ItemQuery{Tags: []string{"cyber-security"}})
	if want := []string{"Three"}; !slices.Equal(titles(sec), want) {
		t.Errorf("cyber-security after retag = %q, want %q", titles(sec), want)
	}

	st, err := db.SourceState(t.Context(), src.Name)
	if err != nil {
		t.Fatal(err)
	}
	if st.ETag != `"v1"` {
		t.Errorf("ETag = %q, want %q", st.ETag, `"v1"`)
	}
}

func TestItemQuery(t *testing.T) {
	db, _ := open(t)
	a, b := source("alpha"), source("beta")
	save(t, db, aggregator.FetchRecord{Source: a, Entries: []aggregator.Entry{
		entry(a.Name, "https://a.example.org/1", "a1", 1, "cyber-security"),
		entry(a.Name, "https://a.example.org/2", "a2", 2, "china"),
		entry(a.Name, "https://a.example.org/3", "a3", 3),
	}})
	save(t, db, aggregator.FetchRecord{Source: b, Entries: []aggregator.Entry{
		entry(b.Name, "https://b.example.org/1", "b1", 4, "china", "cyber-security"),
		entry(b.Name, "https://b.example.org/2", "b2", 5, "cyber-security"),
	}})
	all := items(t, db, aggregator.ItemQuery{})

	tests := []struct {
		name string
		q    aggregator.ItemQuery
		want []string
	}{
		{"all", aggregator.ItemQuery{}, []string{"b2", "b1", "a3", "a2", "a1"}},
		{"limit", aggregator.ItemQuery{Limit: 2}, []string{"b2", "b1"}},
		{"one tag", aggregator.ItemQuery{Tags: []string{"cyber-security"}}, []string{"b2", "b1", "a1"}},
		{"any of two tags", aggregator.ItemQuery{Tags: []string{"china", "cyber-security"}}, []string{"b2", "b1", "a2", "a1"}},
		{"tag and limit", aggregator.ItemQuery{Tags: []string{"china"}, Limit: 1}, []string{"b1"}},
		// Tagged rows past √(limit × items) are read by walking the
		// items newest first; fewer, from the tags (the cases above).
		{"a tag most items carry, limit 1", aggregator.ItemQuery{Tags: []string{"cyber-security"}, Limit: 1}, []string{"b2"}},
		{"any of two tags, limit 2", aggregator.ItemQuery{Tags: []string{"china", "cyber-security"}, Limit: 2}, []string{"b2", "b1"}},
		{"unknown tag", aggregator.ItemQuery{Tags: []string{"sport"}}, nil},
		{"uid", aggregator.ItemQuery{UID: all[3].UID}, []string{"a2"}},
		{"uid beats tags", aggregator.ItemQuery{UID: all[3].UID, Tags: []string{"sport"}}, []string{"a2"}},
		{"unknown uid", aggregator.ItemQuery{UID: "nope"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := items(t, db, tt.q)
			if !slices.Equal(titles(got), tt.want) {
				t.Errorf("Items(%+v) = %q, want %q", tt.q, titles(got), tt.want)
			}
			for _, it := range got {
				if len(it.Sources) == 0 {
					t.Errorf("item %q has no sources", it.Title)
				}
			}
		})
	}
	got := items(t, db, aggregator.ItemQuery{UID: all[1].UID})
	if len(got) != 1 || !slices.Equal(got[0].Tags, []string{"china", "cyber-security"}) || got[0].Sources[0].Name != "beta" {
		t.Errorf("Items(UID of b1) = %+v, want b1 with tags china, cyber-security from beta", got)
	}
}

// TestMerge saves two sources' copies of one article, one link carrying
// a tracking parameter: one item with two sources, the primary first.
func TestMerge(t *testing.T) {
	db, _ := open(t)
	first, second := source("first"), source("second")
	save(t, db, aggregator.FetchRecord{Source: first, Entries: []aggregator.Entry{
		entry(first.Name, "https://news.example.org/2024/botnet", "Botnet taken down", 0, "cyber-security"),
	}})
	v := version(t, db)
	res := save(t, db, aggregator.FetchRecord{Source: second, Entries: []aggregator.Entry{
		entry(second.Name, "https://News.Example.org/2024/botnet?utm_source=x#top", "Police take down botnet", 5, "china"),
		entry(second.Name, "https://news.example.org/2024/other", "Other story", 6),
	}})
	if want := (aggregator.SaveResult{New: 2}); res != want {
		t.Errorf("second source's Save = %+v, want %+v", res, want)
	}
	if version(t, db) <= v {
		t.Errorf("Version did not grow when a second source joined an item")
	}

	got := items(t, db, aggregator.ItemQuery{})
	if len(got) != 2 {
		t.Fatalf("Items = %q, want two items", titles(got))
	}
	merged := got[1]
	if merged.Title != "Botnet taken down" || merged.Link != "https://news.example.org/2024/botnet" {
		t.Errorf("merged item = %q %s, want the primary (first) copy", merged.Title, merged.Link)
	}
	if want := []string{"first", "second"}; !slices.Equal(sourceNames(merged), want) {
		t.Fatalf("merged item sources = %q, want %q", sourceNames(merged), want)
	}
	if s := merged.Sources[1]; s.Link != "https://News.Example.org/2024/botnet?utm_source=x#top" ||
		s.Title != "Police take down botnet" || s.FeedURL != second.URL {
		t.Errorf("second source = %+v, want its own link, title and feed", s)
	}
	if want := []string{"china", "cyber-security"}; !slices.Equal(merged.Tags, want) {
		t.Errorf("merged item tags = %q, want the union %q", merged.Tags, want)
	}
	if !merged.Published.Equal(base) {
		t.Errorf("merged item Published = %v, want the primary's %v", merged.Published, base)
	}
	for _, tag := range []string{"china", "cyber-security"} {
		got := items(t, db, aggregator.ItemQuery{Tags: []string{tag}})
		if !slices.Equal(titles(got), []string{"Botnet taken down"}) {
			t.Errorf("Items(tag %s) = %q, want the merged item once", tag, titles(got))
		}
	}

	// Re-polling either source changes nothing and keeps the merge.
	res = save(t, db, aggregator.FetchRecord{Source: first, Entries: []aggregator.Entry{
		entry(first.Name, "https://news.example.org/2024/botnet", "Botnet taken down", 0, "cyber-security"),
	}})
	if res != (aggregator.SaveResult{}) {
		t.Errorf("re-poll of first = %+v, want nothing changed", res)
	}
	if got := items(t, db, aggregator.ItemQuery{UID: merged.UID}); len(got) != 1 || len(got[0].Sources) != 2 {
		t.Errorf("after re-poll, merged item = %+v", got)
	}
}

// TestSameLinkSameSource keeps two entries of one source apart even when
// they share a link: merging is across sources.
func TestSameLinkSameSource(t *testing.T) {
	db, _ := open(t)
	src := source("blog")
	a := entry(src.Name, "https://blog.example.org/", "Monday", 0)
	a.GUID = "post-1"
	aggregator.Identify(&a)
	b := entry(src.Name, "https://blog.example.org/", "Tuesday", 1)
	b.GUID = "post-2"
	aggregator.Identify(&b)
	if res := save(t, db, aggregator.FetchRecord{Source: src, Entries: []aggregator.Entry{a, b}}); res.New != 2 {
		t.Errorf("Save = %+v, want New 2", res)
	}
	if got := items(t, db, aggregator.ItemQuery{}); len(got) != 2 {
		t.Errorf("Items = %q, want two", titles(got))
	}
}

// TestSaveIsAtomic: when one entry cannot be written, nothing of the
// poll lands, not even its validators, so the next poll fetches the
// entries again.
func TestSaveIsAtomic(t *testing.T) {
	db, file := open(t)
	ctx := t.Context()
	src := source("atomic")
	save(t, db, aggregator.FetchRecord{Source: src, State: aggregator.SourceState{URL: src.URL, ETag: `"old"`, LastModified: "Mon, 01 Jan 2024 00:00:00 GMT"},
		Entries: []aggregator.Entry{entry(src.Name, "https://example.org/1", "one", 1)}})
	v := version(t, db)

	// A trigger makes the write of the last entry fail, after the source
	// row and the first entry were written in the same transaction.
	conn := raw(t, file)
	if _, err := conn.Exec(`CREATE TRIGGER poison BEFORE INSERT ON entries WHEN NEW.title = 'poison'
		BEGIN SELECT RAISE(ABORT, 'poisoned entry'); END`); err != nil {
		t.Fatal(err)
	}
	bad := entry(src.Name, "https://example.org/3", "poison", 3)
	_, err := db.Save(ctx, aggregator.FetchRecord{Source: src, State: aggregator.SourceState{URL: src.URL, ETag: `"new"`, LastModified: "Tue, 02 Jan 2024 00:00:00 GMT"},
		Entries: []aggregator.Entry{entry(src.Name, "https://example.org/2", "two", 2), bad}, Now: base})
	if err == nil || !strings.Contains(err.Error(), "poisoned entry") {
		t.Fatalf("Save with a poisoned entry = %v, want the trigger's error", err)
	}
	st, err := db.SourceState(ctx, src.Name)
	if err != nil {
		t.Fatal(err)
	}
	if st.ETag != `"old"` || st.LastModified != "Mon, 01 Jan 2024 00:00:00 GMT" {
		t.Errorf("validators after a failed Save = %q, %q; want the old ones", st.ETag, st.LastModified)
	}
	if got := items(t, db, aggregator.ItemQuery{}); !slices.Equal(titles(got), []string{"one"}) {
		t.Errorf("Items after a failed Save = %q, want only one", titles(got))
	}
	if got := version(t, db); got != v {
		t.Errorf("Version after a failed Save = %d, want %d", got, v)
	}
}

// TestEarliestCopyIsPrimary: a copy stored later but published earlier
// becomes the item's primary, and the item takes its date.
func TestEarliestCopyIsPrimary(t *testing.T) {
	db, _ := open(t)
	late, early := source("late"), source("early")
	save(t, db, aggregator.FetchRecord{Source: late, Entries: []aggregator.Entry{
		entry(late.Name, "https://news.example.org/story", "Late copy", 30, "cyber-security"),
	}})
	uid := items(t, db, aggregator.ItemQuery{})[0].UID
	save(t, db, aggregator.FetchRecord{Source: early, Entries: []aggregator.Entry{
		entry(early.Name, "https://news.example.org/story?utm_medium=rss", "Early copy", 0),
	}})
	got := items(t, db, aggregator.ItemQuery{})
	if len(got) != 1 {
		t.Fatalf("Items = %q, want one merged item", titles(got))
	}
	it := got[0]
	if it.UID != uid {
		t.Errorf("UID = %q, want %q: it never changes once assigned", it.UID, uid)
	}
	if it.Title != "Early copy" || !it.Published.Equal(base) {
		t.Errorf("item = %q published %v, want the early copy published %v", it.Title, it.Published, base)
	}
	if want := []string{"early", "late"}; !slices.Equal(sourceNames(it), want) {
		t.Errorf("sources = %q, want %q", sourceNames(it), want)
	}
	if want := []string{"cyber-security"}; !slices.Equal(it.Tags, want) {
		t.Errorf("tags = %q, want %q", it.Tags, want)
	}
}

// TestUndatedCopyIsNotPrimary: a copy without a date says nothing about
// when the story appeared; it must not take the primary's place nor
// blank the item's date.
func TestUndatedCopyIsNotPrimary(t *testing.T) {
	db, _ := open(t)
	dated, undated := source("dated"), source("undated")
	save(t, db, aggregator.FetchRecord{Source: dated, Entries: []aggregator.Entry{
		entry(dated.Name, "https://news.example.org/story", "Dated copy", 10),
	}})
	e := entry(undated.Name, "https://news.example.org/story", "Undated copy", 0)
	e.Published, e.Updated = time.Time{}, time.Time{}
	save(t, db, aggregator.FetchRecord{Source: undated, Entries: []aggregator.Entry{e}})
	got := items(t, db, aggregator.ItemQuery{})
	if len(got) != 1 {
		t.Fatalf("Items = %q, want one merged item", titles(got))
	}
	if it := got[0]; it.Title != "Dated copy" || !it.Published.Equal(base.Add(10*time.Minute)) {
		t.Errorf("item = %q published %v, want the dated copy published %v", it.Title, it.Published, base.Add(10*time.Minute))
	}
}

// TestBadSaveSparesOthers: polls saved together (group commit) with one
// whose write fails: only that poll fails, the others' entries land.
func TestBadSaveSparesOthers(t *testing.T) {
	db, file := open(t)
	if _, err := raw(t, file).Exec(`CREATE TRIGGER poison BEFORE INSERT ON entries WHEN NEW.title = 'poison'
		BEGIN SELECT RAISE(ABORT, 'poisoned entry'); END`); err != nil {
		t.Fatal(err)
	}
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			src := source(fmt.Sprint("s", i))
			title := fmt.Sprint("story ", i)
			if i == 7 {
				title = "poison"
			}
			_, errs[i] = db.Save(t.Context(), aggregator.FetchRecord{Source: src, Now: base,
				Entries: []aggregator.Entry{entry(src.Name, fmt.Sprintf("https://example.org/%d", i), title, i)}})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if (i == 7) != (err != nil) {
			t.Errorf("Save %d error = %v; want an error only for the poisoned one (7)", i, err)
		}
	}
	if got := items(t, db, aggregator.ItemQuery{Limit: 100}); len(got) != n-1 {
		t.Errorf("stored %d items, want %d", len(got), n-1)
	}
}

// TestSaveManyEntries saves a poll larger than one multi-row statement
// (45 entries go out as 32 + 8 + 4 + 1 rows) with a key repeated, then a
// poll of another source whose copies join three of its items.
func TestSaveManyEntries(t *testing.T) {
	db, _ := open(t)
	bulk, copies := source("bulk"), source("copies")
	var entries []aggregator.Entry
	for i := range 45 {
		entries = append(entries, entry(bulk.Name, fmt.Sprintf("https://bulk.example.org/%d", i), fmt.Sprintf("Story number %d of the bulk poll", i), i, fmt.Sprintf("t%d", i%3)))
	}
	repeat := entries[7]
	repeat.Title = "A later copy of story seven"
	entries = append(entries, repeat)
	if res := save(t, db, aggregator.FetchRecord{Source: bulk, Entries: entries}); res != (aggregator.SaveResult{New: 45}) {
		t.Fatalf("Save = %+v, want 45 new", res)
	}
	got := items(t, db, aggregator.ItemQuery{Limit: 100})
	if len(got) != 45 {
		t.Fatalf("%d items, want 45", len(got))
	}
	for _, it := range got {
		if len(it.Sources) != 1 || it.Sources[0].Name != bulk.Name || it.Title != it.Sources[0].Title {
			t.Errorf("item %q: sources %+v, want its own entry as primary", it.Title, it.Sources)
		}
		if it.Title == repeat.Title {
			t.Errorf("the repeated key replaced the first copy")
		}
	}
	for tag := range 3 {
		if n := len(items(t, db, aggregator.ItemQuery{Tags: []string{fmt.Sprintf("t%d", tag)}, Limit: 100})); n != 15 {
			t.Errorf("tag t%d: %d items, want 15", tag, n)
		}
	}

	var more []aggregator.Entry
	for _, i := range []int{3, 20, 40} {
		more = append(more, entry(copies.Name, fmt.Sprintf("https://bulk.example.org/%d?utm_source=feed", i), fmt.Sprintf("Copy of story %d", i), i+1, "copied"))
	}
	more = append(more, entry(copies.Name, "https://copies.example.org/a", "Something else entirely happened", 50),
		entry(copies.Name, "https://copies.example.org/b", "And another unrelated event", 51))
	if res := save(t, db, aggregator.FetchRecord{Source: copies, Entries: more}); res != (aggregator.SaveResult{New: 5}) {
		t.Fatalf("second Save = %+v, want 5 new", res)
	}
	if n := len(items(t, db, aggregator.ItemQuery{Limit: 100})); n != 47 {
		t.Errorf("%d items after the copies, want 47", n)
	}
	joined := items(t, db, aggregator.ItemQuery{Tags: []string{"copied"}, Limit: 100})
	if len(joined) != 3 {
		t.Fatalf("%d items tagged by the copies, want the 3 they joined", len(joined))
	}
	for _, it := range joined {
		if !slices.Equal(sourceNames(it), []string{bulk.Name, copies.Name}) || !strings.HasPrefix(it.Title, "Story number") {
			t.Errorf("joined item %q: sources %q, want the bulk copy first", it.Title, sourceNames(it))
		}
	}
}
