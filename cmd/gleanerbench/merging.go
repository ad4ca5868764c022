package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
)

// mergeScore holds a store's merging against the farm's truth, counted in
// pairs of entries: two copies of one story in one item is a pair found.
type mergeScore struct {
	Pairs     int // pairs of stored entries that are copies of one story
	Found     int // pairs of entries sharing an item
	Right     int // pairs found that are copies of one story
	Untracked int // stored entries the farm has no story for
}

func (s mergeScore) recall() float64    { return ratio(s.Right, s.Pairs) }
func (s mergeScore) precision() float64 { return ratio(s.Right, s.Found) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// storedEntry is an entry as the store holds it.
type storedEntry struct {
	source, link string
	item         int64
}

// scoreMerging counts pairs: of stored entries of one story (the truth),
// of entries in one item (what merging found), and of both.
func scoreMerging(stories map[[2]string]string, entries []storedEntry) mergeScore {
	var s mergeScore
	type itemStory struct {
		item  int64
		story string
	}
	byStory := map[string]int{}
	byItem := map[int64]int{}
	byBoth := map[itemStory]int{}
	for _, e := range entries {
		story, ok := stories[[2]string{e.source, e.link}]
		if !ok {
			s.Untracked++
			continue
		}
		byStory[story]++
		byItem[e.item]++
		byBoth[itemStory{e.item, story}]++
	}
	s.Pairs, s.Found, s.Right = pairs(byStory), pairs(byItem), pairs(byBoth)
	return s
}

// pairs counts the pairs within each group of the given sizes.
func pairs[K comparable](sizes map[K]int) (n int) {
	for _, k := range sizes {
		n += k * (k - 1) / 2
	}
	return n
}

// farmStories reads the farm's record of every entry it served: (feed,
// link) → story.
func (b *bench) farmStories(ctx context.Context) (map[[2]string]string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.farmURL+"/-/stories", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("farm stories: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("farm stories: %s", resp.Status)
	}
	stories := map[[2]string]string{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		feed, rest, _ := strings.Cut(sc.Text(), "\t")
		link, story, ok := strings.Cut(rest, "\t")
		if !ok {
			return nil, fmt.Errorf("farm stories: line %q", sc.Text())
		}
		stories[[2]string{feed, link}] = story
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("farm stories: %w", err)
	}
	return stories, nil
}

// mergeQuality scores the merging in the store of a configuration.
func (b *bench) mergeQuality(ctx context.Context, config string) (mergeScore, error) {
	stories, err := b.farmStories(ctx)
	if err != nil {
		return mergeScore{}, err
	}
	return scoreStore(ctx, storeFiles(config)[0], stories)
}

// scoreStore scores the merging in the store at path against a farm's
// stories (farmStories).
func scoreStore(ctx context.Context, path string, stories map[[2]string]string) (mergeScore, error) {
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return mergeScore{}, err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT source, link, item_id FROM entries`)
	if err != nil {
		return mergeScore{}, fmt.Errorf("read entries: %w", err)
	}
	defer rows.Close()
	var entries []storedEntry
	for rows.Next() {
		var e storedEntry
		if err := rows.Scan(&e.source, &e.link, &e.item); err != nil {
			return mergeScore{}, fmt.Errorf("read entries: %w", err)
		}
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return mergeScore{}, fmt.Errorf("read entries: %w", err)
	}
	return scoreMerging(stories, entries), nil
}
