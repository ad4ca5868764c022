package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/gleaner/gleaner/aggregator"
)

// newestItems is the FROM clause that lists the newest items passing a
// filter (written once for item_times, once for items), newest first, up
// to a limit (the last argument). Items below the lowest id a holder keeps
// (see wtx.endUIDs) are all filed in item_times and walked in its order;
// those from it on may not be, and are read from items and sorted. The
// two halves do not overlap.
func newestItems(filedFilter, heldFilter string) string {
	const floor = `(SELECT coalesce(min(from_id), 9223372036854775807) FROM uid_holders)`
	return ` FROM (
			SELECT item_id AS id, published FROM item_times WHERE item_id < ` + floor + ` AND ` + filedFilter + `
			UNION ALL
			SELECT id, published FROM items WHERE id >= ` + floor + ` AND ` + heldFilter + `
			ORDER BY published DESC, id DESC LIMIT ?) o
		JOIN items i ON i.id = o.id JOIN entries e ON e.id = i.primary_entry
		ORDER BY o.published DESC, o.id DESC`
}

// itemByUID is a subquery for the id of the item whose uid is ?1: filed
// in item_uids, in one of its blocks (probed newest first, each by its
// key), or held by a process that has not written it yet (see
// wtx.endUIDs), among the items from the lowest id any holds.
var itemByUID = `WITH RECURSIVE blocks(b) AS (
		SELECT coalesce((SELECT max(id) FROM items), 0) >> ` + strconv.Itoa(uidBlockShift) + `
		UNION ALL SELECT b - 1 FROM blocks WHERE b > 0)
	SELECT u.item_id FROM blocks CROSS JOIN item_uids u WHERE u.block = blocks.b AND u.uid = ?1
	UNION ALL
	SELECT id FROM items WHERE id >= (SELECT coalesce(min(from_id), 9223372036854775807) FROM uid_holders) AND uid = ?1
	LIMIT 1`

// Items returns the newest items carrying any of q.Tags (every item when
// q.Tags is empty), with their tags and sources, primary source first.
func (db *DB) Items(ctx context.Context, q aggregator.ItemQuery) ([]aggregator.Item, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	const columns = `SELECT i.id, i.uid, i.published, i.updated, e.title, e.link, e.summary, e.content, e.author`
	var query string
	var args []any
	switch {
	case q.UID != "":
		query = columns + ` FROM items i JOIN entries e ON e.id = i.primary_entry WHERE i.id = (` + itemByUID + `)`
		args = append(args, q.UID)
	case len(q.Tags) > 0:
		var tags []any
		for _, t := range q.Tags {
			tags = append(tags, t)
		}
		tagged := `SELECT item_id FROM item_tags WHERE tag IN (` + placeholders(len(q.Tags)) + `)`
		few, err := db.fewTagged(ctx, tagged, tags, limit)
		if err != nil {
			return nil, err
		}
		if few {
			// The newest of the tagged items first, then their entries:
			// CROSS JOIN keeps SQLite from walking every item instead.
			query = columns + ` FROM (SELECT i.* FROM (SELECT DISTINCT item_id FROM (` + tagged + `)) t
					CROSS JOIN items i ON i.id = t.item_id WHERE i.primary_entry <> 0
					ORDER BY i.published DESC, i.id DESC LIMIT ?) i
				JOIN entries e ON e.id = i.primary_entry ORDER BY i.published DESC, i.id DESC`
			args = append(tags, limit)
		} else {
			hasTag := `EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = %s AND t.tag IN (` + placeholders(len(q.Tags)) + `))`
			query = columns + newestItems(fmt.Sprintf(hasTag, "item_times.item_id"), fmt.Sprintf(hasTag, "items.id"))
			args = slices.Concat(tags, tags, []any{limit})
		}
	default:
		query = columns + newestItems("1", "1")
		args = append(args, limit)
	}

	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query items: %w", err)
	}
	defer rows.Close()
	var items []aggregator.Item
	index := make(map[int64]int)
	for rows.Next() {
		var it aggregator.Item
		var published, updated int64
		if err := rows.Scan(&it.ID, &it.UID, &published, &updated, &it.Title, &it.Link, &it.Summary, &it.Content, &it.Author); err != nil {
			return nil, fmt.Errorf("query items: %w", err)
		}
		it.Published, it.Updated = fromMillis(published), fromMillis(updated)
		index[it.ID] = len(items)
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query items: %w", err)
	}
	if len(items) == 0 {
		return items, nil
	}
	if err := db.fillTags(ctx, items, index); err != nil {
		return nil, err
	}
	if err := db.fillSources(ctx, items, index); err != nil {
		return nil, err
	}
	return items, nil
}

func itemIDs(index map[int64]int) []any {
	ids := make([]any, 0, len(index))
	for id := range index {
		ids = append(ids, id)
	}
	return ids
}

func (db *DB) fillTags(ctx context.Context, items []aggregator.Item, index map[int64]int) error {
	rows, err := db.read.QueryContext(ctx, `SELECT item_id, tag FROM item_tags WHERE item_id IN (`+
		placeholders(len(index))+`) ORDER BY item_id, tag`, itemIDs(index)...)
	if err != nil {
		return fmt.Errorf("query tags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var tag string
		if err := rows.Scan(&id, &tag); err != nil {
			return fmt.Errorf("query tags: %w", err)
		}
		it := &items[index[id]]
		it.Tags = append(it.Tags, tag)
	}
	return rows.Err()
}

func (db *DB) fillSources(ctx context.Context, items []aggregator.Item, index map[int64]int) error {
	rows, err := db.read.QueryContext(ctx, `
		SELECT e.item_id, e.source, e.link, e.title, s.url, e.cves, e.indicators
		FROM entries e JOIN items i ON i.id = e.item_id JOIN sources s ON s.name = e.source
		WHERE e.item_id IN (`+placeholders(len(index))+`)
		ORDER BY e.item_id, e.id <> i.primary_entry, e.published, e.id`, itemIDs(index)...)
	if err != nil {
		return fmt.Errorf("query sources: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var s aggregator.ItemSource
		var cves, indicators string
		if err := rows.Scan(&id, &s.Name, &s.Link, &s.Title, &s.FeedURL, &cves, &indicators); err != nil {
			return fmt.Errorf("query sources: %w", err)
		}
		it := &items[index[id]]
		it.Sources = append(it.Sources, s)
		it.CVEs = union(it.CVEs, parseList(cves))
		it.Indicators = union(it.Indicators, parseList(indicators))
	}
	return rows.Err()
}

func parseList(raw string) []string {
	if raw == "" || raw == "[]" {
		return nil
	}
	var list []string
	_ = json.Unmarshal([]byte(raw), &list) // written by jsonList
	return list
}

// union merges b into the sorted set a.
func union(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	a = append(a, b...)
	slices.Sort(a)
	return slices.Compact(a)
}

// Version counts committed changes to items; it grows whenever an output
// may have changed.
func (db *DB) Version(ctx context.Context) (int64, error) {
	var v int64
	if err := db.reader.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'version'`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read version: %w", err)
	}
	return v, nil
}

// bumpVersionSQL marks a change to items.
const bumpVersionSQL = `UPDATE meta SET value = value + 1 WHERE key = 'version'`

// fewTagged reports whether so few items carry the tags that reading
// them all and sorting costs less than walking every item newest first
// until limit of them turn up. The walk reads about limit × items ÷
// tagged rows, reading the tagged ones costs tagged rows: they break
// even at tagged² = limit × items. A rare tag's output over 20,000
// items took 53 ms to query by walking, and the walk grows with the
// store.
func (db *DB) fewTagged(ctx context.Context, tagged string, args []any, limit int) (bool, error) {
	var items int64
	if err := db.reader.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM items`).Scan(&items); err != nil {
		return false, fmt.Errorf("count items: %w", err)
	}
	even := int64(math.Sqrt(float64(limit) * float64(items)))
	var n int64
	if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM (`+tagged+` LIMIT ?)`, append(slices.Clone(args), even+1)...).Scan(&n); err != nil {
		return false, fmt.Errorf("count tagged items: %w", err)
	}
	return n <= even, nil
}
