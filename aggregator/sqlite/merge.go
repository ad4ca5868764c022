package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/gleaner/gleaner/aggregator"
)

// Bounds on one lookup, so that its cost does not grow with the store:
// at most perKey entries are read for each fingerprint key (those
// published nearest the entry, half before and half after), and the
// maxCandidates that share the most keys are compared.
const (
	perKey        = 8
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
	// The text is read only for entries stored before shingles were.
	rows, err := q.QueryContext(ctx, `
		SELECT id, item_id, source, simhash, published, shingles, names,
			CASE WHEN length(shingles) = 0 THEN title || char(10) || summary || char(10) || content END
		FROM entries WHERE source <> ? AND mergeable AND id IN (SELECT value FROM json_each(?))`, source, jsonOf(ids))
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

// storySought is an entry the store is searched for, with what the
// search reads of it that a poll's plan has already (entryFields): once
// memory forgets, every plan searches the store, and working out each
// entry's canonical link again took 70 of the 4,196 allocations of a
// poll's save at a million stored (BenchmarkSave).
type storySought struct {
	*aggregator.Entry
	canonical   string // aggregator.CanonicalURL of its link
	link, title uint64 // textHash of canonical and of its title key
}

func sought(e *aggregator.Entry, f *entryFields) storySought {
	return storySought{e, f.canonical, f.link, f.title}
}

// findStory looks for the item another source's copy of e belongs to,
// among entries with ids in (after, upTo]: same canonical link, same folded
// title within the window, or a text the merge policy matches. It returns
// 0 when there is none.
func findStory(ctx context.Context, q querier, names *nameSigs, rec *aggregator.FetchRecord, e *aggregator.Entry, f *entryFields, after, upTo int64) (int64, error) {
	items, err := findStories(ctx, q, names, nil, rec, []storySought{sought(e, f)}, after, upTo, upTo, math.MaxInt64)
	if err != nil {
		return 0, err
	}
	return items[0], nil
}

// findStories is findStory for entries of one poll, in at most four
// statements whatever their number (links, titles, sketch keys, then the
// candidates' texts): a statement per lookup cost more than the lookup.
//
// Candidates whose names are known (names, when not nil) and cannot pass
// the names check are dropped before their rows are read: the comparison
// would refuse them, so what is found is the same. Links and titles that
// forgotten (when not nil) does not hold are not looked up: it holds those
// of every entry up to upTo (recentIndex.forgottenTexts). At 5,000 farm
// feeds these lookups, most finding nothing, were 3 % of a cold poll's CPU.
//
// No entry in (after, upTo] was published after latest (ms; MaxInt64 when
// that is not known). An entry whose merge window opens after it can only
// share a link: its titles and sketch keys are not looked up. A process
// that remembers the last days' entries searches the store for none but
// links, however large the store (at 50,000 stored, a poll of 40 entries
// saved in 0.73× the time, `BenchmarkSave`).
//
// Links and titles are looked up in (after, upTo], sketch keys in (after,
// keysUpTo]: memory keeps the keys of entries it forgot (farRun) longer
// than their links and titles.
func findStories(ctx context.Context, q querier, names *nameSigs, forgotten *textFilter, rec *aggregator.FetchRecord, es []storySought, after, upTo, keysUpTo, latest int64) ([]int64, error) {
	found := make([]int64, len(es))
	if rec.Merge.Disabled || rec.Source.NoMerge || len(es) == 0 {
		return found, nil
	}
	source, span := rec.Source.Name, rec.Merge.Span().Milliseconds()

	// The same article under another source.
	byLink := map[string][]int{}
	for i, e := range es {
		if e.canonical != "" && forgotten.mayHold(e.link) {
			byLink[e.canonical] = append(byLink[e.canonical], i)
		}
	}
	if len(byLink) > 0 {
		err := eachRow(ctx, q, `
			SELECT l.link, e.item_id FROM entry_links l JOIN entries e ON e.id = l.entry_id
			WHERE l.link IN (SELECT value FROM json_each(?))
				AND e.source <> ? AND e.mergeable AND l.entry_id > ? AND l.entry_id <= ?`,
			[]any{jsonOf(slices.Collect(maps.Keys(byLink))), source, after, upTo}, func(rows *sql.Rows) error {
				var link string
				var itemID int64
				if err := rows.Scan(&link, &itemID); err != nil {
					return err
				}
				for _, i := range byLink[link] {
					if found[i] == 0 {
						found[i] = itemID
					}
				}
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("look up links: %w", err)
		}
	}

	// Texts without a fingerprint are matched by link only, and so are
	// those with no entry searched in their window.
	pub := func(i int) int64 { return millis(es[i].Published) }
	var rest []int
	for i, e := range es {
		if found[i] == 0 && e.Fingerprint.Simhash != 0 && pub(i)-span <= latest {
			rest = append(rest, i)
		}
	}
	if len(rest) == 0 {
		return found, nil
	}

	// The same title within each entry's window: the earliest. Titles are
	// filed in merge_keys under a hash (titleMergeKey); the stored title
	// key is compared too, so a collision of hashes joins nothing.
	byTitle := map[string][]int{}
	var titleKeys []int64
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, i := range rest {
		if k := es[i].Fingerprint.TitleKey; k != "" && forgotten.mayHold(es[i].title) {
			if byTitle[k] == nil {
				titleKeys = append(titleKeys, titleMergeKey(k))
			}
			byTitle[k] = append(byTitle[k], i)
			lo, hi = min(lo, pub(i)-span), max(hi, pub(i)+span)
		}
	}
	if len(byTitle) > 0 {
		err := eachRow(ctx, q, `
			SELECT e.title_key, e.item_id, k.published FROM merge_keys k JOIN entries e ON e.id = k.entry_id
			WHERE k.bucket IN (SELECT value FROM json_each(?)) AND k.key IN (SELECT value FROM json_each(?))
				AND k.published BETWEEN ? AND ?
				AND k.entry_id > ? AND k.entry_id <= ? AND e.source <> ? AND e.mergeable
			ORDER BY k.key, k.published`,
			[]any{jsonOf(bucketsBetween(lo, hi)), jsonOf(titleKeys), lo, hi, after, upTo, source}, func(rows *sql.Rows) error {
				var key string
				var itemID, published int64
				if err := rows.Scan(&key, &itemID, &published); err != nil {
					return err
				}
				for _, i := range byTitle[key] {
					if found[i] == 0 && published >= pub(i)-span && published <= pub(i)+span {
						found[i] = itemID
					}
				}
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("look up titles: %w", err)
		}
	}

	// Entries sharing two sketch keys, at most perKey per key: those
	// published nearest the entry. A key of a phrase in common use is filed
	// under thousands of entries in the window, and its newest were as good
	// as any; copies of one event are published close together (at 2,000
	// farm feeds, pairs of copies found: 48 % with the newest 12, 60 %
	// with the nearest 8, at the same cost). Each (entry, key) probe is
	// two halves, after and before, read in statements of up to maxProbes
	// halves (32, 16, 8, 4, 2 or 1), shapes the reader keeps prepared.
	// merge_keys files keys by time bucket first (keyBucket): a half reads
	// the bucket nearest the entry, and the next one only when its window
	// goes on there, it found fewer than perKey/2, and that bucket holds
	// any key.
	var halves []probeHalf
	for _, i := range rest {
		if found[i] != 0 || keysUpTo <= after {
			continue
		}
		for _, k := range fingerprintKeys(es[i].Fingerprint) {
			at := pub(i)
			halves = append(halves,
				probeHalf{entry: i, key: k, lo: at, hi: at + span},
				probeHalf{entry: i, key: k, lo: at - span, hi: at - 1, desc: true})
		}
	}
	if len(halves) == 0 {
		return found, nil
	}
	shared, err := sharedKeys(ctx, q, halves, len(es), after, keysUpTo)
	if err != nil {
		return nil, fmt.Errorf("look up keys: %w", err)
	}
	candidates := make([][]int64, len(es))
	var wanted []int64
	for i, counts := range shared {
		for id, n := range counts {
			if n >= 2 { // a rewrite shares many; an unrelated text now and then one common word pair
				candidates[i] = append(candidates[i], id)
			}
		}
		sortByShared(candidates[i], counts)
		candidates[i] = candidates[i][:min(len(candidates[i]), maxCandidates)]
		if names != nil && len(candidates[i]) > 0 {
			candidates[i] = names.mayShare(aggregator.NameKeys(es[i].Fingerprint.Names), candidates[i])
		}
		wanted = append(wanted, candidates[i]...)
	}
	if len(wanted) == 0 {
		return found, nil
	}
	slices.Sort(wanted)
	loaded, err := loadCandidateSet(ctx, q, source, slices.Compact(wanted))
	if err != nil {
		return nil, err
	}
	for i, ids := range candidates {
		if len(ids) > 0 {
			found[i], _ = rec.Merge.Match(es[i].Entry, es[i].Fingerprint, candidatesOf(loaded, ids))
		}
	}
	return found, nil
}

// sharedKeys reads the probe halves, in rounds of one bucket each, and
// counts per entry (of n) how many of its keys each stored entry shares.
func sharedKeys(ctx context.Context, q querier, halves []probeHalf, n int, after, upTo int64) ([]map[int64]int, error) {
	shared := make([]map[int64]int, n)
	// Whether buckets past the first hold any key: the next month's
	// holds none yet, nor the month before a store's first entries.
	filedIn := map[int64]bool{}
	for round := 0; len(halves) > 0; round++ {
		var rows []probeRow
		// The first round reads each probe's halves side by side, as
		// they come: the same leaves, still in the reader's page cache.
		// Reading them apart, all after-halves first, doubled the page
		// reads of a 5,000-feed cold poll's store search.
		shapes := []probeShape{shapePairs}
		if round > 0 {
			shapes = []probeShape{shapeAfter, shapeBefore}
		}
		for _, shape := range shapes {
			var these []int
			for h := range halves {
				if shape == shapePairs || halves[h].desc == (shape == shapeBefore) {
					these = append(these, h)
				}
			}
			var err error
			if rows, err = readHalves(ctx, q, halves, these, shape, after, upTo, rows); err != nil {
				return nil, err
			}
		}
		// Nearest first within each half, then as many as it still takes
		// (the first round reads no more than that a half).
		if round > 0 {
			slices.SortFunc(rows, func(a, b probeRow) int {
				switch {
				case a.half != b.half:
					return cmp.Compare(a.half, b.half)
				case halves[a.half].desc:
					return cmp.Compare(b.published, a.published)
				}
				return cmp.Compare(a.published, b.published)
			})
		}
		for _, r := range rows {
			h := &halves[r.half]
			if h.got == perKey/2 {
				continue
			}
			h.got++
			if shared[h.entry] == nil {
				shared[h.entry] = map[int64]int{}
			}
			shared[h.entry][r.id]++
		}
		left := halves[:0]
		for _, h := range halves {
			for h.next() {
				b, _, _ := h.bucket()
				filed, known := filedIn[b]
				if !known {
					err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM merge_keys WHERE bucket = ?)`, b).Scan(&filed)
					if err != nil {
						return nil, err
					}
					filedIn[b] = filed
				}
				if filed {
					left = append(left, h)
					break
				}
			}
		}
		halves = left
	}
	return shared, nil
}

// probeHalf is one side of a sketch-key probe: the entries filed under
// key and published in [lo, hi], nearest the entry's date first (hi's
// side when desc). Each round reads the part of the range in one time
// bucket.
type probeHalf struct {
	entry  int
	key    int64
	lo, hi int64
	desc   bool
	got    int // rows counted so far
}

// bucket is the time bucket the half reads next, and the part of its
// range there.
func (h probeHalf) bucket() (b, lo, hi int64) {
	if h.desc {
		b = keyBucket(h.hi)
		return b, max(h.lo, bucketStart(b)), h.hi
	}
	b = keyBucket(h.lo)
	return b, h.lo, min(h.hi, bucketStart(b+1)-1)
}

// next moves the half past the bucket it read, and reports whether it is
// still to be read: short of perKey/2 rows, with range left.
func (h *probeHalf) next() bool {
	if h.got >= perKey/2 {
		return false
	}
	b, lo, hi := h.bucket()
	if h.desc {
		h.hi = bucketStart(b) - 1
		return lo > h.lo
	}
	h.lo = bucketStart(b + 1)
	return hi < h.hi
}

type probeRow struct {
	half          int
	published, id int64
}

// probeShape is the order of directions in a probe statement.
type probeShape int

const (
	shapeAfter  probeShape = iota // after-halves only
	shapeBefore                   // before-halves only
	shapePairs                    // after, before, after, …
)

// readHalves reads the halves numbered in which, in the directions shape
// says, in their buckets, and appends what they find to rows.
func readHalves(ctx context.Context, q querier, halves []probeHalf, which []int, shape probeShape, after, upTo int64, rows []probeRow) ([]probeRow, error) {
	for len(which) > 0 {
		n := maxProbes
		for n > len(which) {
			n /= 2
		}
		args := make([]any, 0, 7*n)
		for _, h := range which[:n] {
			b, lo, hi := halves[h].bucket()
			args = append(args, h, b, halves[h].key, lo, hi, after, upTo)
		}
		err := eachRow(ctx, q, probeQuery(n, shape), args, func(r *sql.Rows) error {
			var row probeRow
			dest := []any{&row.half, &row.published, &row.id}
			if shape == shapePairs {
				dest = []any{&row.half, &row.id}
			}
			if err := r.Scan(dest...); err != nil {
				return err
			}
			rows = append(rows, row)
			return nil
		})
		if err != nil {
			return nil, err
		}
		which = which[n:]
	}
	return rows, nil
}

// maxProbes is the most probe halves one statement carries. Each reader
// connection prepares every shape once, and preparing grows faster than
// the statement: 64 halves took 4.3-5.1 ms to prepare against 0.7 ms for
// 32, for the same time a half once prepared (about 2 µs).
// A fresh `gleaner poll` that searches the store prepares them all.
const maxProbes = 1 << maxProbesLog

const maxProbesLog = 5

// probeQuery is a statement of n probe halves (n a power of two up to
// maxProbes; even for pairs) in the directions of shape, each bound as
// (half, bucket, key, lo, hi, after, upTo) and answering (half,
// published, entry id) rows, the nearest perKey/2 in [lo, hi] of each;
// pairs, (half, entry id).
// The texts are built once.
//
// The bucket and the key are bound as +? rather than ?: SQLite otherwise
// prepared each statement again at its first run and at times later
// (2.4 ms of the first run of a statement of 64 halves, against 0.3 ms),
// for the same plan.
func probeQuery(n int, shape probeShape) string {
	return probeQueries[shape][bits.TrailingZeros(uint(n))]
}

var probeQueries = func() (qs [3][maxProbesLog + 1]string) {
	const half = `SELECT ?, %[1]s FROM (SELECT %[1]s FROM merge_keys
		WHERE bucket = +? AND key = +? AND published BETWEEN ? AND ? AND entry_id > ? AND entry_id <= ? ORDER BY published %[2]s LIMIT %[3]d)`
	for shape := range qs {
		// Pairs are a first round, whose rows need no trimming: no dates.
		columns := "published, entry_id"
		if probeShape(shape) == shapePairs {
			columns = "entry_id"
		}
		after, before := fmt.Sprintf(half, columns, "", perKey/2), fmt.Sprintf(half, columns, "DESC", perKey/2)
		for i := range qs[shape] {
			parts := make([]string, 1<<i)
			for j := range parts {
				parts[j] = after
				if probeShape(shape) == shapeBefore || probeShape(shape) == shapePairs && j%2 == 1 {
					parts[j] = before
				}
			}
			qs[shape][i] = strings.Join(parts, " UNION ALL ")
		}
	}
	return qs
}()

// eachRow runs a query and calls fn for each of its rows.
func eachRow(ctx context.Context, q querier, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// jsonOf encodes a list for json_each.
func jsonOf(v any) string {
	b, _ := json.Marshal(v) // lists of strings and numbers always encode
	return string(b)
}

// mergePlan is where a poll's new entries belong, worked out on the
// reader pool before the write transaction, so that comparing texts runs
// in parallel with other polls instead of holding the single writer.
type mergePlan struct {
	upTo   int64         // the newest entry the plan could see
	items  []int64       // per entry: the item found, or 0
	fields []entryFields // per entry
}

func (db *DB) planMerges(ctx context.Context, rec *aggregator.FetchRecord, fields []entryFields) (*mergePlan, error) {
	plan := &mergePlan{items: make([]int64, len(rec.Entries)), fields: fields}
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
	// older than this process's (or than what it still remembers; for
	// sketch keys, than the keys it keeps of those it forgot), or all of
	// them when another process has written meanwhile (whose dates this
	// process does not know).
	floor, keysFloor, latest := db.recent.floor()
	if !db.recent.covers(floor, plan.upTo) {
		floor, keysFloor, latest = plan.upTo, plan.upTo, math.MaxInt64
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
	var pace aggregator.Pacer
	for i := range rec.Entries {
		pace.Pace()
		e := &rec.Entries[i]
		if known[e.Key] {
			continue // an entry seen before keeps its item
		}
		plan.items[i], offered[i] = db.recent.candidates(rec, e, &fields[i], 0)
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
		if db.recent.forgetting() {
			db.prints.fill(loaded)
		}
	}
	var unmatched []int // entries memory has no story for
	for i := range rec.Entries {
		e := &rec.Entries[i]
		if known[e.Key] || plan.items[i] != 0 {
			continue
		}
		if len(offered[i]) > 0 {
			plan.items[i], _ = rec.Merge.Match(e, e.Fingerprint, candidatesOf(loaded, offered[i]))
		}
		if plan.items[i] == 0 {
			unmatched = append(unmatched, i)
		}
	}
	if floor == 0 || len(unmatched) == 0 {
		return plan, nil
	}
	es := make([]storySought, len(unmatched))
	for j, i := range unmatched {
		es[j] = sought(&rec.Entries[i], &fields[i])
	}
	items, err := findStories(ctx, db.reader, &db.names, db.recent.forgottenTexts(floor), rec, es, 0, floor, keysFloor, latest)
	if err != nil {
		return nil, fmt.Errorf("plan merges: %w", err)
	}
	for j, i := range unmatched {
		plan.items[i] = items[j]
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
	f *entryFields, planned, upTo int64) (int64, error) {
	if planned != 0 {
		return planned, nil
	}
	if itemID, err := db.recent.match(ctx, tx, rec, e, f, upTo); err != nil || itemID != 0 {
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
		return findStory(ctx, tx, &db.names, rec, e, f, upTo, newest)
	}
	return 0, nil
}

// indexEntry files an entry's merge keys under its published date.
func indexEntry(rec *aggregator.FetchRecord, tx *wtx, entryID int64, e *aggregator.Entry) {
	if rec.Source.NoMerge || rec.Merge.Disabled {
		return
	}
	for _, k := range storeKeys(e.Fingerprint) {
		tx.fileChangedKey(k, millis(e.Published), entryID)
	}
}

// unindexEntry forgets the merge keys of an entry about to change: those
// held, and those its stored text is filed under in the store, found
// again from that text as Open's repair files them. (merge_keys has no
// index by entry: every new key paid for one.) Call it before the text
// is overwritten.
func unindexEntry(ctx context.Context, tx *wtx, entryID int64) error {
	tx.dropKeys(entryID)
	var e aggregator.Entry
	var published int64
	var mergeable bool
	err := tx.QueryRowContext(ctx, `SELECT title, summary, content, published, mergeable FROM entries WHERE id = ?`, entryID).
		Scan(&e.Title, &e.Summary, &e.Content, &published, &mergeable)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !mergeable) {
		return nil // keys are filed for mergeable entries only
	}
	if err == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM merge_keys WHERE bucket = ? AND key IN (SELECT value FROM json_each(?)) AND published = ? AND entry_id = ?`,
			keyBucket(published), jsonOf(storeKeys(aggregator.NewFingerprint(&e))), published, entryID)
	}
	if err != nil {
		return fmt.Errorf("unindex entry %d: %w", entryID, err)
	}
	return nil
}

// merge_keys files a key under the time bucket of its entry's published
// date first (migration 0014): 2^31 ms, 24.9 days. A sorted batch of
// held keys (keysBatch) then touches the leaves of the buckets its
// entries were published in, most of them the last month's, instead of
// nearly every leaf of the index once it outgrew the batch: at 1,000,000
// entries stored (9 million keys) saving a poll took 1.5× the CPU it
// took at 10,000, and 1.07× with the buckets. A merge window that crosses
// a bucket's edge is read in both.
const bucketShift = 31

// keyBucket is the time bucket of a published date (ms); SQLite's >> is
// the same arithmetic shift (TestKeyBucketAgreesWithSQL).
func keyBucket(published int64) int64 { return published >> bucketShift }

// bucketStart is the first millisecond of bucket b.
func bucketStart(b int64) int64 { return b << bucketShift }

// bucketsBetween lists the buckets that dates from lo to hi fall in.
func bucketsBetween(lo, hi int64) []int64 {
	var bs []int64
	for b := keyBucket(lo); b <= keyBucket(hi); b++ {
		bs = append(bs, b)
	}
	return bs
}

// storeKeys are the keys merge_keys files an entry under: its sketch
// keys, when it has a fingerprint, and its title's.
func storeKeys(fp aggregator.Fingerprint) []int64 {
	var keys []int64
	if fp.Simhash != 0 {
		keys = fingerprintKeys(fp)
	}
	if fp.TitleKey != "" {
		keys = append(keys, titleMergeKey(fp.TitleKey))
	}
	return keys
}

// titleMergeKey is the key a title is filed under in merge_keys: a
// 64-bit FNV-1a hash with the sign bit set, so that it is never a sketch
// key (those are not negative). Stable across processes, as it is
// stored. It replaced an index on entries' title keys, which took a leaf
// at random for every new entry: in a cold 600-feed cycle that index
// caused 28 % of the WAL's writes, and merge_keys is written in sorted
// batches (fileMergeKey).
func titleMergeKey(titleKey string) int64 {
	h := fnv.New64a()
	io.WriteString(h, titleKey)
	return int64(h.Sum64() | 1<<63)
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
