package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gleaner/gleaner/aggregator"
)

// Bounds on one lookup, so that its cost does not grow with the store:
// at most perKey entries are read for each fingerprint key (the most
// recent in the window), and the maxCandidates that share the most keys
// are compared.
const (
	perKey        = 12
	maxCandidates = 16
)

// encodeShingles packs a shingle set as little-endian 32-bit values.
func encodeShingles(sh []uint32) []byte {
	b := make([]byte, 0, 4*len(sh))
	for _, v := range sh {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

func decodeShingles(b []byte) []uint32 {
	out := make([]uint32, len(b)/4)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return out
}

// candidateEntries returns the entries worth comparing with a new one:
// those that share at least two sketch keys with it (a rewrite shares
// many; an unrelated text now and then shares one common word pair),
// most shared first, within the window. One statement reads at most
// perKey entries for each key.
// Only entries with ids in (after, upTo] are considered.
func candidateEntries(ctx context.Context, q querier, keys []int64, from, to, after, upTo int64) ([]int64, error) {
	parts := make([]string, len(keys))
	args := make([]any, 0, 4*len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf(`SELECT * FROM (SELECT entry_id FROM merge_keys
			WHERE key = ? AND published BETWEEN ? AND ? AND entry_id > ? AND entry_id <= ? ORDER BY published DESC LIMIT %d)`, perKey)
		args = append(args, k, from, to, after, upTo)
	}
	rows, err := q.QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, fmt.Errorf("look up keys: %w", err)
	}
	defer rows.Close()
	shared := map[int64]int{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("look up keys: %w", err)
		}
		shared[id]++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look up keys: %w", err)
	}
	ids := make([]int64, 0, len(shared))
	for id, n := range shared {
		if n >= 2 {
			ids = append(ids, id)
		}
	}
	sortByShared(ids, shared)
	return ids[:min(len(ids), maxCandidates)], nil
}

// sortByShared puts the ids sharing the most keys first, then the newest.
func sortByShared(ids []int64, shared map[int64]int) {
	slices.SortFunc(ids, func(a, b int64) int {
		if shared[a] != shared[b] {
			return shared[b] - shared[a]
		}
		return int(b - a)
	})
}

// loadCandidates reads what comparing needs of the given entries, except
// those of the new entry's own source, in the order of their ids.
func loadCandidates(ctx context.Context, q querier, source string, ids []int64) ([]aggregator.Candidate, error) {
	byID, err := loadCandidateSet(ctx, q, source, ids)
	if err != nil {
		return nil, err
	}
	return candidatesOf(byID, ids), nil
}

// candidatesOf picks ids' candidates from a loaded set, in the order of
// their ids (which decides between equal scores).
func candidatesOf(byID map[int64]aggregator.Candidate, ids []int64) []aggregator.Candidate {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	cands := make([]aggregator.Candidate, 0, len(ids))
	for _, id := range ids {
		if c, ok := byID[id]; ok {
			cands = append(cands, c)
		}
	}
	return cands
}

// loadCandidateSet reads the candidates with the given ids, by id, in one
// statement whatever their number: the ids go in as one JSON array.
func loadCandidateSet(ctx context.Context, q querier, source string, ids []int64) (map[int64]aggregator.Candidate, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("look up candidates: %w", err)
	}
	// The text is read only for entries stored before shingles were.
	rows, err := q.QueryContext(ctx, `
		SELECT id, item_id, source, simhash, published, shingles, names,
			CASE WHEN length(shingles) = 0 THEN title || char(10) || summary || char(10) || content END
		FROM entries WHERE source <> ? AND mergeable AND id IN (SELECT value FROM json_each(?))`, source, string(list))
	if err != nil {
		return nil, fmt.Errorf("look up candidates: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]aggregator.Candidate, len(ids))
	for rows.Next() {
		var id int64
		var c aggregator.Candidate
		var simhash, published int64
		var blob []byte
		var names string
		var text sql.NullString
		if err := rows.Scan(&id, &c.ItemID, &c.Source, &simhash, &published, &blob, &names, &text); err != nil {
			return nil, fmt.Errorf("look up candidates: %w", err)
		}
		c.Simhash, c.Published, c.Shingles = uint64(simhash), fromMillis(published), decodeShingles(blob)
		if names != "" {
			c.Names = strings.Split(names, "\n")
		}
		if text.Valid {
			old := aggregator.Entry{Summary: text.String}
			fp := aggregator.NewFingerprint(&old)
			c.Shingles, c.Names = fp.Shingles, fp.Names
		}
		byID[id] = c
	}
	return byID, rows.Err()
}

// querier runs read statements: the reader pool when planning, the
// write transaction when checking the newest entries.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// findStory looks for the item another source's copy of e belongs to,
// among entries with ids in (after, upTo]: same canonical link, same folded
// title within the window, or a text the merge policy matches. It returns
// 0 when there is none.
func findStory(ctx context.Context, q querier, rec *aggregator.FetchRecord, e *aggregator.Entry, after, upTo int64) (int64, error) {
	if rec.Merge.Disabled || rec.Source.NoMerge {
		return 0, nil
	}
	var itemID int64
	if canonical := aggregator.CanonicalURL(e.Link); canonical != "" {
		err := q.QueryRowContext(ctx, `
			SELECT item_id FROM entries
			WHERE canonical_link = ? AND canonical_link <> '' AND source <> ? AND mergeable AND id > ? AND id <= ? LIMIT 1`,
			canonical, e.Source, after, upTo).Scan(&itemID)
		if err == nil {
			return itemID, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("look up link: %w", err)
		}
	}
	fp := e.Fingerprint
	if fp.Simhash == 0 {
		return 0, nil
	}
	from, to := millis(e.Published.Add(-rec.Merge.Span())), millis(e.Published.Add(rec.Merge.Span()))
	if fp.TitleKey != "" {
		err := q.QueryRowContext(ctx, `
			SELECT item_id FROM entries
			WHERE title_key = ? AND title_key <> '' AND published BETWEEN ? AND ? AND source <> ? AND mergeable AND id > ? AND id <= ?
			LIMIT 1`, fp.TitleKey, from, to, e.Source, after, upTo).Scan(&itemID)
		if err == nil {
			return itemID, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("look up title: %w", err)
		}
	}
	ids, err := candidateEntries(ctx, q, fingerprintKeys(fp), from, to, after, upTo)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	cands, err := loadCandidates(ctx, q, e.Source, ids)
	if err != nil {
		return 0, err
	}
	itemID, _ = rec.Merge.Match(e, fp, cands)
	return itemID, nil
}

// mergePlan is where a poll's new entries belong, worked out on the
// reader pool before the write transaction, so that comparing texts runs
// in parallel with other polls instead of holding the single writer.
type mergePlan struct {
	upTo  int64   // the newest entry the plan could see
	items []int64 // per entry: the item found, or 0
}

func (db *DB) planMerges(ctx context.Context, rec *aggregator.FetchRecord) (*mergePlan, error) {
	plan := &mergePlan{items: make([]int64, len(rec.Entries))}
	if len(rec.Entries) == 0 || rec.Merge.Disabled || rec.Source.NoMerge {
		return plan, nil
	}
	select {
	case db.planning <- struct{}{}:
		defer func() { <-db.planning }()
	case <-ctx.Done():
		return nil, fmt.Errorf("plan merges: %w", ctx.Err())
	}
	if err := db.reader.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM entries`).Scan(&plan.upTo); err != nil {
		return nil, fmt.Errorf("plan merges: %w", err)
	}
	// The store is searched only where memory does not reach: entries
	// older than this process's (or than what it still remembers), or all
	// of them when another process has written meanwhile.
	floor := db.recent.floor(db.openedAt)
	if !db.recent.covers(floor, plan.upTo) {
		floor = plan.upTo
	}
	known, err := db.knownKeys(ctx, rec)
	if err != nil {
		return nil, fmt.Errorf("plan merges: %w", err)
	}
	// What memory offers each entry first, then every candidate's text in
	// one statement, then the comparisons: a poll's entries share many
	// candidates, and a statement per entry cost more than reading them.
	offered := make([][]int64, len(rec.Entries))
	var wanted []int64
	for i := range rec.Entries {
		e := &rec.Entries[i]
		if known[e.Key] {
			continue // an entry seen before keeps its item
		}
		plan.items[i], offered[i] = db.recent.candidates(rec, e, aggregator.CanonicalURL(e.Link), 0)
		if plan.items[i] == 0 {
			wanted = append(wanted, offered[i]...)
		}
	}
	var loaded map[int64]aggregator.Candidate
	if len(wanted) > 0 {
		slices.Sort(wanted)
		if loaded, err = loadCandidateSet(ctx, db.reader, rec.Source.Name, slices.Compact(wanted)); err != nil {
			return nil, fmt.Errorf("plan merges: %w", err)
		}
	}
	for i := range rec.Entries {
		e := &rec.Entries[i]
		if known[e.Key] || plan.items[i] != 0 {
			continue
		}
		if len(offered[i]) > 0 {
			plan.items[i], _ = rec.Merge.Match(e, e.Fingerprint, candidatesOf(loaded, offered[i]))
		}
		if plan.items[i] != 0 || floor == 0 {
			continue
		}
		if plan.items[i], err = findStory(ctx, db.reader, rec, e, 0, floor); err != nil {
			return nil, fmt.Errorf("plan merges: %w", err)
		}
	}
	return plan, nil
}

// knownKeys returns which of a poll's entries the store has, in one
// query per poll rather than one per entry.
func (db *DB) knownKeys(ctx context.Context, rec *aggregator.FetchRecord) (map[string]bool, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT key FROM entries WHERE source = ? AND key IN (SELECT value FROM json_each(?))`,
		rec.Source.Name, keyList(rec))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	known := map[string]bool{}
	for rows.Next() {
		var key string
		if err := rows.Scan(&key); err != nil {
			return nil, err
		}
		known[key] = true
	}
	return known, rows.Err()
}

// itemFor returns the item a new entry joins: the one the plan found, or
// one among the entries stored since the plan (this process's, from
// memory; another process's, from the store). It returns 0 when the
// entry starts an item of its own.
func (db *DB) itemFor(ctx context.Context, tx *wtx, rec *aggregator.FetchRecord, e *aggregator.Entry,
	canonical string, planned, upTo int64) (int64, error) {
	if planned != 0 {
		return planned, nil
	}
	if itemID, err := db.recent.match(ctx, tx, rec, e, canonical, upTo); err != nil || itemID != 0 {
		return itemID, err
	}
	// Entries another process stored meanwhile are not in memory: when
	// there are any, look among them in the store. (Those stored since
	// the transaction began are this process's.)
	newest, err := tx.newestAtBegin(ctx)
	if err != nil {
		return 0, err
	}
	if newest > upTo && !db.recent.covers(upTo, newest) {
		return findStory(ctx, tx, rec, e, upTo, newest)
	}
	return 0, nil
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

// fingerprintKeys are the index keys of a fingerprint: its shingle
// sketch. A near-duplicate shares nearly every shingle, so it shares the
// sketch too; its simhash is compared once it is a candidate.
func fingerprintKeys(fp aggregator.Fingerprint) []int64 {
	keys := make([]int64, len(fp.Sketch))
	for i, h := range fp.Sketch {
		keys[i] = int64(h >> 8) // as stored since the first schema: non-negative
	}
	return keys
}
