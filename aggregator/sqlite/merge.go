package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gleaner/gleaner/aggregator"
)

// Bounds on one lookup, so that its cost does not grow with the store:
// at most perKey entries are read for each fingerprint key (the most
// recent in the window), and the maxCandidates that share the most keys
// are compared in full.
const (
	perKey        = 32
	maxCandidates = 16
)

// candidateEntries returns the entries worth comparing with a new one:
// those that share a simhash band with it (a near-duplicate shares one
// by construction) or at least two sketch keys (a rewrite shares many;
// an unrelated text now and then shares one common word pair), most
// shared keys first, within the window. One statement reads at most
// perKey entries for each key.
func candidateEntries(ctx context.Context, tx *wtx, keys []int64, from, to int64) ([]int64, error) {
	parts := make([]string, len(keys))
	args := make([]any, 0, 4*len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf(`SELECT * FROM (SELECT entry_id, %d AS band FROM merge_keys
			WHERE key = ? AND published BETWEEN ? AND ? ORDER BY published DESC LIMIT %d)`, boolInt(i < simhashBands), perKey)
		args = append(args, k, from, to)
	}
	rows, err := tx.QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, fmt.Errorf("look up keys: %w", err)
	}
	defer rows.Close()
	shared, bands := map[int64]int{}, map[int64]bool{}
	for rows.Next() {
		var id int64
		var band bool
		if err := rows.Scan(&id, &band); err != nil {
			return nil, fmt.Errorf("look up keys: %w", err)
		}
		shared[id]++
		bands[id] = bands[id] || band
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look up keys: %w", err)
	}
	ids := make([]int64, 0, len(shared))
	for id, n := range shared {
		if n >= 2 || bands[id] {
			ids = append(ids, id)
		}
	}
	// Most shared keys first; ties to the newest entry (higher id).
	slices.SortFunc(ids, func(a, b int64) int {
		if shared[a] != shared[b] {
			return shared[b] - shared[a]
		}
		return int(b - a)
	})
	return ids[:min(len(ids), maxCandidates)], nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// itemFor finds the item a new entry belongs to — another source's copy
// of the same link, of the same title, or of the same text by the merge
// policy — or creates a new item.
func itemFor(ctx context.Context, tx *wtx, rec *aggregator.FetchRecord, e *aggregator.Entry, canonical string) (itemID int64, created bool, err error) {
	mergeable := !rec.Merge.Disabled && !rec.Source.NoMerge
	if canonical != "" && mergeable {
		err := tx.QueryRowContext(ctx, `
			SELECT item_id FROM entries
			WHERE canonical_link = ? AND canonical_link <> '' AND source <> ? AND mergeable LIMIT 1`,
			canonical, e.Source).Scan(&itemID)
		if err == nil {
			return itemID, false, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, false, fmt.Errorf("look up link: %w", err)
		}
	}
	if mergeable && e.Fingerprint.Simhash != 0 {
		itemID, err = matchStory(ctx, tx, rec, e)
		if err != nil || itemID != 0 {
			return itemID, false, err
		}
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO items (uid, published, updated, first_seen) VALUES (?, ?, ?, ?)`,
		aggregator.NewUID(e.Source, e.Key), millis(e.Published), millis(e.Updated), millis(rec.Now))
	if err != nil {
		return 0, false, fmt.Errorf("insert item: %w", err)
	}
	itemID, err = r.LastInsertId()
	return itemID, true, err
}

// matchStory looks up candidate copies published within the window —
// same folded title, or a shared fingerprint key — and lets the merge
// policy pick one.
func matchStory(ctx context.Context, tx *wtx, rec *aggregator.FetchRecord, e *aggregator.Entry) (int64, error) {
	from, to := millis(e.Published.Add(-rec.Merge.Span())), millis(e.Published.Add(rec.Merge.Span()))
	fp := e.Fingerprint
	if fp.TitleKey != "" {
		var itemID int64
		err := tx.QueryRowContext(ctx, `
			SELECT item_id FROM entries
			WHERE title_key = ? AND title_key <> '' AND published BETWEEN ? AND ? AND source <> ? AND mergeable LIMIT 1`,
			fp.TitleKey, from, to, e.Source).Scan(&itemID)
		if err == nil {
			return itemID, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("look up title: %w", err)
		}
	}
	ids, err := candidateEntries(ctx, tx, fingerprintKeys(fp), from, to)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	args := []any{e.Source}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT item_id, source, title, summary, content, simhash, published
		FROM entries WHERE source <> ? AND mergeable AND id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return 0, fmt.Errorf("look up candidates: %w", err)
	}
	defer rows.Close()
	var cands []aggregator.Candidate
	for rows.Next() {
		var c aggregator.Candidate
		var simhash, published int64
		if err := rows.Scan(&c.ItemID, &c.Source, &c.Title, &c.Summary, &c.Content, &simhash, &published); err != nil {
			return 0, fmt.Errorf("look up candidates: %w", err)
		}
		c.Simhash, c.Published = uint64(simhash), fromMillis(published)
		cands = append(cands, c)
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("look up candidates: %w", err)
	}
	itemID, _ := rec.Merge.Match(e, fp, cands)
	return itemID, nil
}

// indexEntry files an entry's fingerprint keys under its published date,
// replacing any it had.
func indexEntry(ctx context.Context, tx *wtx, rec *aggregator.FetchRecord, entryID int64, e *aggregator.Entry, replace bool) error {
	if replace {
		if _, err := tx.ExecContext(ctx, `DELETE FROM merge_keys WHERE entry_id = ?`, entryID); err != nil {
			return fmt.Errorf("index entry: %w", err)
		}
	}
	if rec.Source.NoMerge || rec.Merge.Disabled || e.Fingerprint.Simhash == 0 {
		return nil
	}
	keys := fingerprintKeys(e.Fingerprint)
	args := make([]any, 0, 3*len(keys))
	for _, k := range keys {
		args = append(args, k, millis(e.Published), entryID)
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO merge_keys (key, published, entry_id) VALUES `+rowsOf(3, len(keys)), args...); err != nil {
		return fmt.Errorf("index entry: %w", err)
	}
	return nil
}

// simhashBands is how many 16-bit bands of the simhash are indexed: two
// hashes within distance 3 share at least one.
const simhashBands = 4

// fingerprintKeys are the index keys of a fingerprint: the bands of its
// simhash first, then its shingle sketch.
func fingerprintKeys(fp aggregator.Fingerprint) []int64 {
	keys := make([]int64, 0, simhashBands+len(fp.Sketch))
	for band := range simhashBands {
		v := (fp.Simhash >> (16 * band)) & 0xffff
		keys = append(keys, int64(uint64(band+1)<<56|v))
	}
	for _, h := range fp.Sketch {
		keys = append(keys, int64(h>>8)) // top byte clear: apart from band keys
	}
	return keys
}
