package sqlite

import (
	"context"
	"encoding/json"
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
	db.prefetched.forget(rec.Source.Name)
	fields := make([]entryFields, len(rec.Entries))
	for i := range rec.Entries {
		fields[i] = fieldsOf(&rec.Entries[i])
	}
	plan, err := db.planMerges(ctx, &rec, fields)
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
			for _, id := range saved {
				db.names.set(id, 0) // the id may go to another process's entry
				db.prints.forget(id)
			}
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

// saveRecord writes one poll's source state and entries. New entries,
// most of a first poll, are gathered and written at the end in a few
// multi-row statements, instead of half a dozen statements each: in a
// cold cycle the single writer spent most of its time running
// statements, not storing rows.
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
	stored, err := storedEntries(ctx, tx, rec)
	if err != nil {
		return res, err
	}
	var rows newRows
	var joins []joinedItem
	added := map[string]bool{}
	var pace aggregator.Pacer
	for i := range rec.Entries {
		pace.Pace()
		e, f := &rec.Entries[i], &plan.fields[i]
		if old, ok := stored[e.Key]; ok {
			changed, err := updateEntry(ctx, tx, rec, e, f, old)
			if err != nil {
				return res, err
			}
			if changed {
				res.Updated++
				db.names.set(old.id, 0) // its names may have changed: read them from now on
				db.prints.forget(old.id)
				db.recent.noteTexts(f.link, f.title)
			}
			continue
		}
		if added[e.Key] {
			continue // a repeat within the document: the first stands
		}
		added[e.Key] = true
		joined, err := db.addEntry(ctx, tx, rec, e, f, plan.items[i], plan.upTo, saved, &rows)
		if err != nil {
			return res, err
		}
		if joined != nil {
			joins = append(joins, *joined)
		}
		res.New++
	}
	if err := rows.write(ctx, tx); err != nil {
		return res, err
	}
	// Entries that joined another source's item: once they are stored,
	// the item's primary copy and dates take them into account (its tags,
	// the union of its entries', gained theirs with the rows).
	for _, j := range joins {
		if err := choosePrimary(ctx, tx, j.itemID, j.entryID, rec.Source.Priority, j.entry); err != nil {
			return res, err
		}
	}
	if res.New > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE sources SET last_new = ? WHERE name = ?`, res.New, rec.Source.Name); err != nil {
			return res, fmt.Errorf("save source %s: %w", rec.Source.Name, err)
		}
	}
	return res, nil
}

// storedEntry is what updating an entry needs of its stored row.
type storedEntry struct {
	id, itemID int64
	hash, tags string
	published  int64
}

// storedEntries returns the rows the store holds for a poll's entries,
// by key, in one statement: the keys go in as one JSON array, so the
// statement is the same for any number of them.
func storedEntries(ctx context.Context, tx *wtx, rec *aggregator.FetchRecord) (map[string]storedEntry, error) {
	if len(rec.Entries) == 0 {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT key, id, item_id, hash, tags, published FROM entries
		WHERE source = ? AND key IN (SELECT value FROM json_each(?))`, rec.Source.Name, keyList(rec))
	if err != nil {
		return nil, fmt.Errorf("look up entries: %w", err)
	}
	defer rows.Close()
	stored := map[string]storedEntry{}
	for rows.Next() {
		var key string
		var old storedEntry
		if err := rows.Scan(&key, &old.id, &old.itemID, &old.hash, &old.tags, &old.published); err != nil {
			return nil, fmt.Errorf("look up entries: %w", err)
		}
		stored[key] = old
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look up entries: %w", err)
	}
	return stored, nil
}

// keyList is a poll's entry keys as a JSON array, for json_each: one
// statement serves any number of keys, and stays prepared.
func keyList(rec *aggregator.FetchRecord) string {
	keys := make([]string, len(rec.Entries))
	for i := range rec.Entries {
		keys[i] = rec.Entries[i].Key
	}
	return jsonOf(keys)
}

// entryFields are the columns and memory keys that depend on an entry
// alone, worked out by its poll before the write transaction, in
// parallel with other polls: the single writer, which every poll waits
// for, only binds them. (Not the shingles' blob: polls waiting for the
// writer would hold each entry's shingles twice.)
type entryFields struct {
	canonical, hash                    string
	categories, tags, cves, indicators string // JSON arrays
	names                              string // fingerprint names, a line each
	nameKeys                           []uint64
	namesSig                           uint64
	link, title                        uint64 // textHash of the canonical link and of the title key
}

func fieldsOf(e *aggregator.Entry) entryFields {
	fp := &e.Fingerprint
	f := entryFields{
		canonical: aggregator.CanonicalURL(e.Link), hash: aggregator.ContentHash(e),
		categories: jsonList(e.Categories), tags: jsonList(e.Tags), cves: jsonList(e.CVEs), indicators: jsonList(e.Indicators),
		names:    strings.Join(fp.Names, "\n"),
		nameKeys: aggregator.NameKeys(fp.Names), title: textHash(fp.TitleKey),
	}
	f.link, f.namesSig = textHash(f.canonical), namesSigOf(fp.Names, f.nameKeys)
	return f
}

// joinedItem is a new entry that joined an item already stored.
type joinedItem struct {
	itemID, entryID int64
	entry           *aggregator.Entry
}

// addEntry files a new entry under a new item, or under the item of
// another source's copy of the same story, and gathers its rows in rows.
// Ids are assigned here, not by the inserts, so that an item can name
// its primary entry and memory can hold the entry before either is
// written. It returns the item joined, if any.
func (db *DB) addEntry(ctx context.Context, tx *wtx, rec *aggregator.FetchRecord, e *aggregator.Entry, f *entryFields,
	planned, upTo int64, saved *[]int64, rows *newRows) (*joinedItem, error) {
	fp := e.Fingerprint
	mergeable := !rec.Source.NoMerge && !rec.Merge.Disabled
	itemID, err := db.itemFor(ctx, tx, rec, e, f, planned, upTo)
	if err != nil {
		return nil, err
	}
	entryID, err := tx.nextEntryID(ctx)
	if err != nil {
		return nil, err
	}
	newItem := itemID == 0
	if newItem {
		if itemID, err = tx.nextItemID(ctx); err != nil {
			return nil, err
		}
		rows.items.add(itemID, aggregator.NewUID(e.Source, e.Key), entryID, millis(e.Published), millis(e.Updated), millis(rec.Now))
	}
	// An item's tags are the union of its entries': a new entry adds its
	// own (INSERT OR IGNORE), whether its item is new or not.
	for _, tag := range e.Tags {
		rows.tags.add(itemID, tag)
	}
	rows.entries.add(entryID, itemID, e.Source, e.Key, e.GUID, e.Link, f.canonical, e.Title, e.Summary,
		e.Content, e.Author, f.categories, f.tags, f.hash,
		millis(e.Published), millis(e.Updated), millis(rec.Now),
		int64(fp.Simhash), fp.TitleKey, rec.Source.Priority, mergeable, f.cves, f.indicators,
		encodeShingles(fp.Shingles), f.names, e.RawHash)
	tx.noteAdded(millis(e.Published))
	if mergeable {
		for _, k := range storeKeys(fp) {
			tx.fileMergeKey(k, millis(e.Published), entryID)
		}
	}
	keys := fingerprintKeys(fp)
	// Remembered at once, while this transaction holds the writer, so
	// that no one sees the new id in the store but not in memory, and
	// later polls of this transaction can join it; forgotten if it fails.
	forgetting := db.recent.add(recentEntry{id: entryID, itemID: itemID, published: millis(e.Published), source: e.Source,
		mergeable: mergeable, link: f.link, title: f.title, names: f.nameKeys}, keys)
	db.names.set(entryID, f.namesSig)
	if mergeable && forgetting {
		db.prints.set(entryID, aggregator.NewTextPrint(&e.Fingerprint))
	}
	*saved = append(*saved, entryID)
	if newItem {
		return nil, nil
	}
	return &joinedItem{itemID: itemID, entryID: entryID, entry: e}, nil
}

// updateEntry updates a stored entry in place when its content or tags
// changed, and reports whether they did.
func updateEntry(ctx context.Context, tx *wtx, rec *aggregator.FetchRecord, e *aggregator.Entry, f *entryFields, old storedEntry) (bool, error) {
	hash, tags := f.hash, f.tags
	if old.hash == hash && old.tags == tags {
		if e.RawHash != "" {
			// The same entry from an upstream that reformatted it: remember
			// the new form so that the next poll skips it early.
			if _, err := tx.ExecContext(ctx, `UPDATE entries SET raw_hash = ? WHERE id = ? AND raw_hash <> ?`, e.RawHash, old.id, e.RawHash); err != nil {
				return false, fmt.Errorf("update entry %s: %w", e.Key, err)
			}
		}
		return false, nil
	}
	// An edit: same entry, same published date, a newer updated date.
	updated := max(millis(e.Updated), old.published)
	if old.hash != hash {
		updated = max(updated, millis(rec.Now))
		if err := unindexEntry(ctx, tx, old.id); err != nil {
			return false, err
		}
	}
	fp := e.Fingerprint
	if _, err := tx.ExecContext(ctx, `
		UPDATE entries SET guid = ?, link = ?, canonical_link = ?, title = ?, summary = ?, content = ?,
			author = ?, categories = ?, tags = ?, hash = ?, updated = ?, simhash = ?, title_key = ?, mergeable = ?,
			cves = ?, indicators = ?, shingles = ?, names = ?, raw_hash = ?
		WHERE id = ?`,
		e.GUID, e.Link, f.canonical, e.Title, e.Summary, e.Content, e.Author, f.categories, tags, hash, updated,
		int64(fp.Simhash), fp.TitleKey, !rec.Source.NoMerge && !rec.Merge.Disabled, f.cves, f.indicators,
		encodeShingles(fp.Shingles), f.names, e.RawHash, old.id); err != nil {
		return false, fmt.Errorf("update entry %s: %w", e.Key, err)
	}
	if old.hash != hash {
		e.Published = fromMillis(old.published) // keys are filed under the first date
		indexEntry(rec, tx, old.id, e)
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE items SET updated = max(updated, ?) WHERE id = ?`, updated, old.itemID); err != nil {
		return false, fmt.Errorf("update item: %w", err)
	}
	return true, retagItem(ctx, tx, old.itemID)
}

// newRows gathers the rows of a poll's new entries, written in the
// order their foreign keys need.
type newRows struct {
	items, entries, tags rowBatch
}

func (r *newRows) write(ctx context.Context, tx *wtx) error {
	for _, b := range []struct {
		batch *rowBatch
		head  string
		width int
	}{
		{&r.items, `INSERT INTO items (id, uid, primary_entry, published, updated, first_seen) VALUES `, 6},
		{&r.entries, `INSERT INTO entries (id, item_id, source, key, guid, link, canonical_link, title, summary,
				content, author, categories, tags, hash, published, updated, first_seen,
				simhash, title_key, priority, mergeable, cves, indicators, shingles, names, raw_hash) VALUES `, 26},
		{&r.tags, `INSERT OR IGNORE INTO item_tags (item_id, tag) VALUES `, 2},
	} {
		if err := b.batch.write(ctx, tx, b.head, b.width); err != nil {
			return fmt.Errorf("insert new entries: %w", err)
		}
	}
	return nil
}

// rowBatch is the arguments of rows waiting for one table.
type rowBatch struct{ args []any }

func (b *rowBatch) add(args ...any) { b.args = append(b.args, args...) }

// write inserts the rows with statements of 32, 16, 8, 4, 2 or 1 rows:
// a handful of statement shapes, each kept prepared by the writer. The
// caller names the rows in the error.
func (b *rowBatch) write(ctx context.Context, tx *wtx, head string, width int) error {
	var pace aggregator.Pacer
	for rest := b.args; len(rest) > 0; {
		pace.Pace()
		n := 32
		for n*width > len(rest) {
			n /= 2
		}
		if _, err := tx.ExecContext(ctx, head+rowsOf(width, n), rest[:n*width]...); err != nil {
			return err
		}
		rest = rest[n*width:]
	}
	b.args = b.args[:0]
	return nil
}

// choosePrimary makes the new entry its item's primary copy when the item
// has none, when its source has a higher priority, or, at equal
// priority, when it was published earlier. The item's published date is
// its earliest copy's.
func choosePrimary(ctx context.Context, tx *wtx, itemID, entryID int64, priority int, e *aggregator.Entry) error {
	pub := millis(e.Published)
	if _, err := tx.ExecContext(ctx, `
		UPDATE items SET
			primary_entry = CASE WHEN primary_entry = 0 OR EXISTS (
				SELECT 1 FROM entries p WHERE p.id = items.primary_entry AND
					(?3 > p.priority OR (?3 = p.priority AND ?4 <> 0 AND (p.published = 0 OR p.published > ?4))))
				THEN ?1 ELSE primary_entry END,
			published = CASE WHEN ?4 <> 0 AND (published = 0 OR ?4 < published) THEN ?4 ELSE published END,
			updated = max(updated, ?5)
		WHERE id = ?2`, entryID, itemID, priority, pub, millis(e.Updated)); err != nil {
		return fmt.Errorf("choose primary: %w", err)
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
