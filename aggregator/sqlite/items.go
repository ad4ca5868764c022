package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregator"
)

// Save writes a poll's entries, the validators that describe them and
// the source's health in one transaction: if any write fails, none
// lands, and the next poll fetches the same entries again.
func (db *DB) Save(ctx context.Context, rec aggregator.FetchRecord) (aggregator.SaveResult, error) {
	for i := range rec.Entries {
		rec.Entries[i].Source = rec.Source.Name
	}
	plan, err := db.planMerges(ctx, &rec)
	if err != nil {
		return aggregator.SaveResult{}, fmt.Errorf("save %s: %w", rec.Source.Name, err)
	}
	req := &saveRequest{rec: &rec, plan: plan, done: make(chan struct{})}
	db.saves.submit(req, db.saveBatch)
	if req.err != nil {
		return aggregator.SaveResult{}, fmt.Errorf("save %s: %w", rec.Source.Name, req.err)
	}
	return req.res, nil
}

// saveBatch writes the records of polls that finished at about the same
// time in one transaction: a commit costs more than most of what it
// commits. If the batch fails, each record is tried in a transaction of
// its own, so that one bad record costs only its own poll.
func (db *DB) saveBatch(batch []*saveRequest) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // not one poll's context: it writes for all
	defer cancel()
	try := func(reqs []*saveRequest) error {
		var saved []int64 // ids remembered by db.recent, to forget on failure
		err := db.inTx(ctx, func(tx *wtx) error {
			saved = saved[:0]
			changed := false
			for _, r := range reqs {
				if r.state != nil {
					if err := saveSource(ctx, tx, *r.state); err != nil {
						return err
					}
					continue
				}
				var err error
				if r.res, err = db.saveRecord(ctx, tx, r.rec, r.plan, &saved); err != nil {
					return err
				}
				changed = changed || r.res.New+r.res.Updated > 0
			}
			if changed {
				if _, err := tx.ExecContext(ctx, bumpVersionSQL); err != nil {
					return fmt.Errorf("bump version: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			db.recent.forget(saved)
		}
		return err
	}
	if err := try(batch); err != nil {
		if len(batch) == 1 {
			batch[0].err = err
		} else {
			for _, r := range batch {
				r.err = try([]*saveRequest{r})
			}
		}
	}
	for _, r := range batch {
		close(r.done)
	}
}

// saveRecord writes one poll's source state and entries.
func (db *DB) saveRecord(ctx context.Context, tx *wtx, rec *aggregator.FetchRecord, plan *mergePlan, saved *[]int64) (aggregator.SaveResult, error) {
	var res aggregator.SaveResult
	// The source row must exist before entries reference it.
	st := rec.State
	st.Name = rec.Source.Name
	if st.URL == "" {
		st.URL = rec.Source.URL
	}
	if err := saveSource(ctx, tx, st); err != nil {
		return res, err
	}
	for i := range rec.Entries {
		created, changed, err := db.saveEntry(ctx, tx, rec, &rec.Entries[i], plan.items[i], plan.upTo, saved)
		if err != nil {
			return res, err
		}
		if created {
			res.New++
		} else if changed {
			res.Updated++
		}
	}
	if res.New > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE sources SET last_new = ? WHERE name = ?`, res.New, rec.Source.Name); err != nil {
			return res, fmt.Errorf("save source %s: %w", rec.Source.Name, err)
		}
	}
	return res, nil
}

// saveEntry inserts a new entry (under a new item, or under the item of
// another source's copy of the same story) or updates a known one in
// place when its content changed.
func (db *DB) saveEntry(ctx context.Context, tx *wtx, rec *aggregator.FetchRecord, e *aggregator.Entry,
	planned, upTo int64, saved *[]int64) (created, changed bool, err error) {
	hash := aggregator.ContentHash(e)
	canonical := aggregator.CanonicalURL(e.Link)
	cats, tags := jsonList(e.Categories), jsonList(e.Tags)
	fp := e.Fingerprint
	mergeable := !rec.Source.NoMerge && !rec.Merge.Disabled

	var id, itemID int64
	var oldHash, oldTags string
	var published int64
	err = tx.QueryRowContext(ctx, `SELECT id, item_id, hash, tags, published FROM entries WHERE source = ? AND key = ?`,
		e.Source, e.Key).Scan(&id, &itemID, &oldHash, &oldTags, &published)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		var newItem bool
		itemID, newItem, err = db.itemFor(ctx, tx, rec, e, canonical, planned, upTo)
		if err != nil {
			return false, false, err
		}
		r, err := tx.ExecContext(ctx, `
			INSERT INTO entries (item_id, source, key, guid, link, canonical_link, title, summary,
				content, author, categories, tags, hash, published, updated, first_seen,
				simhash, title_key, priority, mergeable, cves, indicators, shingles, names, raw_hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			itemID, e.Source, e.Key, e.GUID, e.Link, canonical, e.Title, e.Summary,
			e.Content, e.Author, cats, tags, hash, millis(e.Published), millis(e.Updated), millis(rec.Now),
			int64(fp.Simhash), fp.TitleKey, rec.Source.Priority, mergeable, jsonList(e.CVEs), jsonList(e.Indicators),
			encodeShingles(fp.Shingles), strings.Join(fp.Names, "\n"), e.RawHash)
		if err != nil {
			return false, false, fmt.Errorf("insert entry %s: %w", e.Key, err)
		}
		entryID, _ := r.LastInsertId()
		// Remembered at once, while this transaction holds the writer, so
		// that no one sees the new id in the store but not in memory, and
		// later entries of this poll can join it; forgotten if it fails.
		db.recent.add(recentEntry{id: entryID, itemID: itemID, published: millis(e.Published), source: e.Source,
			mergeable: mergeable, canonical: canonical, titleKey: fp.TitleKey, keys: fingerprintKeys(fp), names: aggregator.NameKeys(fp.Names)})
		*saved = append(*saved, entryID)
		if err := indexEntry(ctx, tx, rec, entryID, e, false); err != nil {
			return false, false, err
		}
		if newItem {
			// The item's only copy: its primary, its dates and its tags.
			if _, err := tx.ExecContext(ctx, `UPDATE items SET primary_entry = ? WHERE id = ?`, entryID, itemID); err != nil {
				return false, false, fmt.Errorf("set primary: %w", err)
			}
			return true, false, insertTags(ctx, tx, itemID, e.Tags)
		}
		if err := choosePrimary(ctx, tx, itemID, entryID, rec.Source.Priority, e); err != nil {
			return false, false, err
		}
		return true, false, retagItem(ctx, tx, itemID)
	case err != nil:
		return false, false, fmt.Errorf("look up entry %s: %w", e.Key, err)
	}
	if oldHash == hash && oldTags == tags {
		if e.RawHash != "" {
			// The same entry from an upstream that reformatted it: remember
			// the new form so that the next poll skips it early.
			if _, err := tx.ExecContext(ctx, `UPDATE entries SET raw_hash = ? WHERE id = ? AND raw_hash <> ?`, e.RawHash, id, e.RawHash); err != nil {
				return false, false, fmt.Errorf("update entry %s: %w", e.Key, err)
			}
		}
		return false, false, nil
	}
	// An edit: same entry, same published date, a newer updated date.
	updated := max(millis(e.Updated), published)
	if oldHash != hash {
		updated = max(updated, millis(rec.Now))
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE entries SET guid = ?, link = ?, canonical_link = ?, title = ?, summary = ?, content = ?,
			author = ?, categories = ?, tags = ?, hash = ?, updated = ?, simhash = ?, title_key = ?, mergeable = ?,
			cves = ?, indicators = ?, shingles = ?, names = ?, raw_hash = ?
		WHERE id = ?`,
		e.GUID, e.Link, canonical, e.Title, e.Summary, e.Content, e.Author, cats, tags, hash, updated,
		int64(fp.Simhash), fp.TitleKey, mergeable, jsonList(e.CVEs), jsonList(e.Indicators),
		encodeShingles(fp.Shingles), strings.Join(fp.Names, "\n"), e.RawHash, id); err != nil {
		return false, false, fmt.Errorf("update entry %s: %w", e.Key, err)
	}
	if oldHash != hash {
		e.Published = fromMillis(published) // keys are filed under the first date
		if err := indexEntry(ctx, tx, rec, id, e, true); err != nil {
			return false, false, err
		}
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE items SET updated = max(updated, ?) WHERE id = ?`, updated, itemID); err != nil {
		return false, false, fmt.Errorf("update item: %w", err)
	}
	return false, true, retagItem(ctx, tx, itemID)
}

// choosePrimary makes the new entry its item's primary copy when the item
// has none, when its source has a higher priority, or, at equal
// priority, when it was published earlier. The item's published date is
// its earliest copy's.
func choosePrimary(ctx context.Context, tx *wtx, itemID, entryID int64, priority int, e *aggregator.Entry) error {
	pub := millis(e.Published)
	if _, err := tx.ExecContext(ctx, `
		UPDATE items SET primary_entry = ?1
		WHERE id = ?2 AND (primary_entry = 0 OR EXISTS (
			SELECT 1 FROM entries p WHERE p.id = items.primary_entry AND
				(?3 > p.priority OR (?3 = p.priority AND ?4 <> 0 AND (p.published = 0 OR p.published > ?4)))))`,
		entryID, itemID, priority, pub); err != nil {
		return fmt.Errorf("choose primary: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE items SET published = CASE WHEN ?1 <> 0 AND (published = 0 OR ?1 < published) THEN ?1 ELSE published END,
			updated = max(updated, ?2)
		WHERE id = ?3`, pub, millis(e.Updated), itemID); err != nil {
		return fmt.Errorf("date item: %w", err)
	}
	return nil
}

// retagItem sets an item's tags to the union of its entries' tags.
func retagItem(ctx context.Context, tx *wtx, itemID int64) error {
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
		union = append(union, parseList(raw)...)
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
	return insertTags(ctx, tx, itemID, union)
}

// insertTags adds tags to an item that has none of them, in one statement.
func insertTags(ctx context.Context, tx *wtx, itemID int64, tags []string) error {
	if len(tags) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(tags))
	for _, t := range tags {
		args = append(args, itemID, t)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO item_tags (item_id, tag) VALUES `+rowsOf(2, len(tags)), args...); err != nil {
		return fmt.Errorf("tag item: %w", err)
	}
	return nil
}

// rowsOf returns "(?,?),(?,?)…": n rows of width placeholders.
func rowsOf(width, n int) string {
	row := "(" + placeholders(width) + ")"
	return strings.TrimSuffix(strings.Repeat(row+",", n), ",")
}

func jsonList(list []string) string {
	if len(list) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(list)
	return string(b)
}
