package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// Save writes a poll's entries, the validators that describe them and
// the source's health in one transaction: if any write fails, none
// lands, and the next poll fetches the same entries again.
func (db *DB) Save(ctx context.Context, rec aggregator.FetchRecord) (aggregator.SaveResult, error) {
	var res aggregator.SaveResult
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res = aggregator.SaveResult{}
		// The source row must exist before entries reference it.
		st := rec.State
		st.Name = rec.Source.Name
		if st.URL == "" {
			st.URL = rec.Source.URL
		}
		if err := saveSource(ctx, tx, st); err != nil {
			return err
		}
		for i := range rec.Entries {
			rec.Entries[i].Source = rec.Source.Name
			created, changed, err := saveEntry(ctx, tx, &rec.Entries[i], rec.Now)
			if err != nil {
				return err
			}
			if created {
				res.New++
			} else if changed {
				res.Updated++
			}
		}
		if res.New > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE sources SET last_new = ? WHERE name = ?`, res.New, rec.Source.Name); err != nil {
				return fmt.Errorf("save source %s: %w", rec.Source.Name, err)
			}
		}
		if res.New+res.Updated > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE meta SET value = value + 1 WHERE key = 'version'`); err != nil {
				return fmt.Errorf("bump version: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return aggregator.SaveResult{}, fmt.Errorf("save %s: %w", rec.Source.Name, err)
	}
	return res, nil
}

// saveEntry inserts a new entry (under a new item, or under the item of
// another source's copy of the same link) or updates a known one in
// place when its content changed.
func saveEntry(ctx context.Context, tx *sql.Tx, e *aggregator.Entry, now time.Time) (created, changed bool, err error) {
	hash := aggregator.ContentHash(e)
	canonical := aggregator.CanonicalURL(e.Link)
	cats, tags := jsonList(e.Categories), jsonList(e.Tags)

	var id, itemID int64
	var oldHash, oldTags string
	var published int64
	err = tx.QueryRowContext(ctx, `SELECT id, item_id, hash, tags, published FROM entries WHERE source = ? AND key = ?`,
		e.Source, e.Key).Scan(&id, &itemID, &oldHash, &oldTags, &published)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		itemID, err = itemFor(ctx, tx, e, canonical, now)
		if err != nil {
			return false, false, err
		}
		r, err := tx.ExecContext(ctx, `
			INSERT INTO entries (item_id, source, key, guid, link, canonical_link, title, summary,
				content, author, categories, tags, hash, published, updated, first_seen)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			itemID, e.Source, e.Key, e.GUID, e.Link, canonical, e.Title, e.Summary,
			e.Content, e.Author, cats, tags, hash, millis(e.Published), millis(e.Updated), millis(now))
		if err != nil {
			return false, false, fmt.Errorf("insert entry %s: %w", e.Key, err)
		}
		entryID, _ := r.LastInsertId()
		// The primary copy is the earliest published: a new item's only
		// entry, or a later-stored copy that was published first.
		if _, err := tx.ExecContext(ctx, `
			UPDATE items SET primary_entry = ?1, published = ?2, updated = max(updated, ?3)
			WHERE id = ?4 AND (primary_entry = 0 OR (?2 <> 0 AND (published = 0 OR published > ?2)))`,
			entryID, millis(e.Published), millis(e.Updated), itemID); err != nil {
			return false, false, fmt.Errorf("set primary: %w", err)
		}
		return true, false, retagItem(ctx, tx, itemID)
	case err != nil:
		return false, false, fmt.Errorf("look up entry %s: %w", e.Key, err)
	}
	if oldHash == hash && oldTags == tags {
		return false, false, nil
	}
	// An edit: same entry, same published date, a newer updated date.
	updated := max(millis(e.Updated), published)
	if oldHash != hash {
		updated = max(updated, millis(now))
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE entries SET guid = ?, link = ?, canonical_link = ?, title = ?, summary = ?, content = ?,
			author = ?, categories = ?, tags = ?, hash = ?, updated = ?
		WHERE id = ?`,
		e.GUID, e.Link, canonical, e.Title, e.Summary, e.Content, e.Author, cats, tags, hash, updated, id); err != nil {
		return false, false, fmt.Errorf("update entry %s: %w", e.Key, err)
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE items SET updated = max(updated, ?) WHERE id = ? AND primary_entry = ?`, updated, itemID, id); err != nil {
		return false, false, fmt.Errorf("update item: %w", err)
	}
	return false, true, retagItem(ctx, tx, itemID)
}

// itemFor finds the item another source's copy of this link belongs to,
// or creates a new item.
func itemFor(ctx context.Context, tx *sql.Tx, e *aggregator.Entry, canonical string, now time.Time) (int64, error) {
	if canonical != "" {
		var itemID int64
		err := tx.QueryRowContext(ctx, `SELECT item_id FROM entries WHERE canonical_link = ? AND source <> ? LIMIT 1`,
			canonical, e.Source).Scan(&itemID)
		if err == nil {
			return itemID, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("look up link: %w", err)
		}
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO items (uid, published, updated, first_seen) VALUES (?, ?, ?, ?)`,
		aggregator.NewUID(e.Source, e.Key), millis(e.Published), millis(e.Updated), millis(now))
	if err != nil {
		return 0, fmt.Errorf("insert item: %w", err)
	}
	return r.LastInsertId()
}

// retagItem sets an item's tags to the union of its entries' tags.
func retagItem(ctx context.Context, tx *sql.Tx, itemID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT tags FROM entries WHERE item_id = ?`, itemID)
	if err != nil {
		return fmt.Errorf("read tags: %w", err)
	}
	var union []string
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			rows.Close()
			return fmt.Errorf("read tags: %w", err)
		}
		var tags []string
		_ = json.Unmarshal([]byte(raw), &tags)
		union = append(union, tags...)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read tags: %w", err)
	}
	slices.Sort(union)
	union = slices.Compact(union)
	if _, err := tx.ExecContext(ctx, `DELETE FROM item_tags WHERE item_id = ?`, itemID); err != nil {
		return fmt.Errorf("clear tags: %w", err)
	}
	for _, t := range union {
		if _, err := tx.ExecContext(ctx, `INSERT INTO item_tags (item_id, tag) VALUES (?, ?)`, itemID, t); err != nil {
			return fmt.Errorf("tag item: %w", err)
		}
	}
	return nil
}

func jsonList(list []string) string {
	if len(list) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(list)
	return string(b)
}
