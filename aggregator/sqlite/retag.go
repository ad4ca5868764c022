package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/gleaner/gleaner/aggregator"
)

// retagBatch is how many items one re-tagging transaction covers.
const retagBatch = 500

// Retag recomputes the tags (and extracted identifiers) of every stored
// entry with tag, a batch of items per transaction, and reports per tag
// how many items gain or lose it. With dryRun nothing is written.
func (db *DB) Retag(ctx context.Context, tag func(e *aggregator.Entry) []string, dryRun bool) (aggregator.RetagReport, error) {
	report := aggregator.RetagReport{Gained: map[string]int{}, Lost: map[string]int{}}
	for after := int64(0); ; {
		var last int64
		var n int
		err := db.inTx(ctx, func(tx *wtx) error {
			var err error
			last, n, err = retagItems(ctx, tx, after, tag, dryRun, &report)
			return err
		})
		if err != nil {
			return report, fmt.Errorf("retag: %w", err)
		}
		if n == 0 {
			return report, nil
		}
		after = last
	}
}

type retagEntry struct {
	id, item       int64
	e              aggregator.Entry
	tags           []string
	cves, iocs     string
	newCVEs, newIO string
}

// retagItems re-tags the batch of items after the given id and returns
// the last id and how many items it covered.
func retagItems(ctx context.Context, tx *wtx, after int64, tag func(*aggregator.Entry) []string,
	dryRun bool, report *aggregator.RetagReport) (int64, int, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT e.id, e.item_id, e.source, e.title, e.summary, e.content, e.author, e.link, e.categories,
			e.tags, e.cves, e.indicators
		FROM entries e
		WHERE e.item_id IN (SELECT id FROM items WHERE id > ? ORDER BY id LIMIT ?)
		ORDER BY e.item_id, e.id`, after, retagBatch)
	if err != nil {
		return 0, 0, err
	}
	var entries []retagEntry
	for rows.Next() {
		var r retagEntry
		var cats, tags string
		if err := rows.Scan(&r.id, &r.item, &r.e.Source, &r.e.Title, &r.e.Summary, &r.e.Content, &r.e.Author,
			&r.e.Link, &cats, &tags, &r.cves, &r.iocs); err != nil {
			rows.Close()
			return 0, 0, err
		}
		r.e.Categories, r.tags = parseList(cats), parseList(tags)
		entries = append(entries, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(entries) == 0 {
		return 0, 0, err
	}

	before, afterTags := map[int64][]string{}, map[int64][]string{}
	var changed []int
	for i := range entries {
		r := &entries[i]
		newTags := tag(&r.e)
		r.newCVEs, r.newIO = jsonList(r.e.CVEs), jsonList(r.e.Indicators)
		before[r.item] = union(before[r.item], r.tags)
		afterTags[r.item] = union(afterTags[r.item], newTags)
		if !slices.Equal(newTags, r.tags) || r.newCVEs != r.cves || r.newIO != r.iocs {
			r.tags = newTags
			changed = append(changed, i)
		}
	}
	items := make([]int64, 0, len(before))
	for id := range before {
		items = append(items, id)
	}
	slices.Sort(items)
	report.Items += len(items)
	for _, id := range items {
		old, now := before[id], afterTags[id]
		if slices.Equal(old, now) {
			continue
		}
		report.Changed++
		for _, t := range now {
			if !slices.Contains(old, t) {
				report.Gained[t]++
			}
		}
		for _, t := range old {
			if !slices.Contains(now, t) {
				report.Lost[t]++
			}
		}
	}
	if dryRun || len(changed) == 0 {
		return items[len(items)-1], len(items), nil
	}
	touched := map[int64]bool{}
	for _, i := range changed {
		r := &entries[i]
		if _, err := tx.ExecContext(ctx, `UPDATE entries SET tags = ?, cves = ?, indicators = ? WHERE id = ?`,
			jsonList(r.tags), r.newCVEs, r.newIO, r.id); err != nil {
			return 0, 0, err
		}
		touched[r.item] = true
	}
	for id := range touched {
		if err := retagItem(ctx, tx, id); err != nil {
			return 0, 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, bumpVersionSQL); err != nil {
		return 0, 0, err
	}
	return items[len(items)-1], len(items), nil
}

// Setting returns a remembered setting, "" when unset.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, nil
}

// SetSetting remembers a setting.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	return db.inTx(ctx, func(tx *wtx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		if err != nil {
			return fmt.Errorf("write setting %s: %w", key, err)
		}
		return nil
	})
}

// ItemEntries returns the item whose id is ref, or one of whose copies
// links to ref, with its entries as stored.
func (db *DB) ItemEntries(ctx context.Context, ref string) (aggregator.Item, []aggregator.Entry, error) {
	var uid string
	err := db.read.QueryRowContext(ctx, `
		SELECT uid FROM items WHERE id = (`+itemByUID+`)
		UNION ALL
		SELECT i.uid FROM entries e JOIN items i ON i.id = e.item_id
		WHERE e.canonical_link = ?2 AND e.canonical_link <> '' OR e.link = ?1
		LIMIT 1`, ref, aggregator.CanonicalURL(ref)).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return aggregator.Item{}, nil, fmt.Errorf("no item with id or link %q", ref)
	}
	if err != nil {
		return aggregator.Item{}, nil, fmt.Errorf("find item %s: %w", ref, err)
	}
	items, err := db.Items(ctx, aggregator.ItemQuery{UID: uid, Limit: 1})
	if err != nil || len(items) == 0 {
		return aggregator.Item{}, nil, fmt.Errorf("find item %s: %w", ref, err)
	}
	rows, err := db.read.QueryContext(ctx, `
		SELECT e.source, e.key, e.guid, e.link, e.title, e.summary, e.content, e.author, e.categories, e.tags,
			e.published, e.updated
		FROM entries e JOIN items i ON i.id = e.item_id WHERE i.id = ? ORDER BY e.id <> i.primary_entry, e.id`, items[0].ID)
	if err != nil {
		return aggregator.Item{}, nil, fmt.Errorf("entries of %s: %w", uid, err)
	}
	defer rows.Close()
	var entries []aggregator.Entry
	for rows.Next() {
		var e aggregator.Entry
		var cats, tags string
		var published, updated int64
		if err := rows.Scan(&e.Source, &e.Key, &e.GUID, &e.Link, &e.Title, &e.Summary, &e.Content, &e.Author,
			&cats, &tags, &published, &updated); err != nil {
			return aggregator.Item{}, nil, fmt.Errorf("entries of %s: %w", uid, err)
		}
		e.Categories, e.Tags = parseList(cats), parseList(tags)
		e.Published, e.Updated = fromMillis(published), fromMillis(updated)
		entries = append(entries, e)
	}
	return items[0], entries, rows.Err()
}
