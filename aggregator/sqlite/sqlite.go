// Package sqlite is gleaner's Store on SQLite (modernc.org/sqlite, no cgo):
// one writer connection with immediate transactions, a pool of readers,
// WAL, embedded numbered migrations, times as unix milliseconds.
//
// It imports aggregator and nothing else of gleaner.
package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/url"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gleaner/gleaner/aggregator"
	"github.com/gleaner/gleaner/aggregator/internal/offheap"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the store. Its methods are safe for concurrent use.
type DB struct {
	write    *sql.DB // one connection: SQLite has one writer
	read     *sql.DB
	reader   *stmtCache // prepared statements on read
	recent   recentIndex
	names    nameSigs     // of the entries this process saved
	prints   textPrints   // of the entries this process saved once memory forgot
	saves    saveGroup    // group commit of concurrent polls
	prepared *writerStmts // on write's connection, for every transaction
	// openedAt is the newest entry when the store was opened: merge
	// candidates newer than that were saved by this process and are in
	// recent.
	openedAt int64
	// planning bounds how many polls look for merge candidates at once:
	// as many as there are cores. One fewer, to leave the single writer
	// a core, kept the writer waiting for plans instead: a cold
	// 5,000-feed poll took 0.95 times the time and 0.96 times the CPU
	// with two planners on two cores (five interleaved pairs, each one
	// quicker), a 600-feed one the same (sixteen pairs).
	planning chan struct{}
	// prefetched holds source states read ahead of a polling cycle.
	prefetched  prefetchedStates
	checkpoints *checkpointer
	// heldKeys are the merge keys of entries committed since keys were
	// last written (see fileMergeKey); writing guards them, and makes
	// write transactions take turns (as the one connection would).
	writing sync.Mutex
	// transactions counts the write transactions under way or waiting
	// for writing: while any is, the writer is not resting.
	transactions atomic.Int32
	heldKeys     []mergeKey
	// heldBuf is the array the keys held are kept in, maxHeldKeys long
	// and mapped outside the heap (heldMem): a slice grown by append held
	// them twice over at the peak, and each batch written copied them
	// again (8–10 MB at 5,000 farm feeds).
	heldBuf []mergeKey
	heldMem []byte
	// keysMark is the newest entry up to which every entry's merge keys
	// and link were written, as of the last commit that moved the mark
	// (see markKeysThrough); writing guards it.
	keysMark int64
	// heldUIDs is the range of item ids this process added whose uids and
	// dates are not yet in item_uids and item_times (0, 0: none; see
	// wtx.endUIDs), writing guards it; holder names this process in
	// uid_holders.
	heldUIDs [2]int64
	holder   int64
	// The newest entry and item ids as of the last commit that added
	// any, for the size of a batch of held keys and uids; writing guards
	// them.
	lastEntry, lastItem int64
}

// stmtCache prepares each distinct statement once on a pool; database/sql
// then prepares it on each connection the first time it runs there.
type stmtCache struct {
	pool  *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// stmt returns the prepared statement for query and whether the cache
// keeps it; one it does not keep is the caller's to close.
func (c *stmtCache) stmt(ctx context.Context, query string) (*sql.Stmt, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st, true, nil
	}
	st, err := c.pool.PrepareContext(ctx, query)
	if err != nil {
		return nil, false, err
	}
	if len(c.stmts) >= 256 { // queries with lists of any length are not kept
		return st, false, nil
	}
	c.stmts[query] = st
	return st, true, nil
}

// A statement closed while its rows are open is finalised when they
// close, so one the cache does not keep is closed as soon as its query
// has started.

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, kept, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if !kept {
		defer st.Close()
	}
	return st.QueryContext(ctx, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, kept, err := c.stmt(ctx, query)
	if err != nil {
		return c.pool.QueryRowContext(ctx, query, args...) // fails again, with the error
	}
	if !kept {
		defer st.Close()
	}
	return st.QueryRowContext(ctx, args...)
}

func (c *stmtCache) close() {
	for _, st := range c.stmts {
		st.Close()
	}
}

var _ aggregator.Store = (*DB)(nil)

// Open opens (creating if needed) the database file at path and brings
// its schema up to date.
func Open(ctx context.Context, file string) (*DB, error) {
	// A larger WAL between checkpoints: a cold poll writes tens of
	// megabytes, and each checkpoint (with its fsync) stalls the writer.
	// A WAL that a burst grew is cut back to 96 MiB when it starts over,
	// so that a cold cycle does not leave hundreds of megabytes of it on
	// disk; not below what it holds when a checkpoint starts it over
	// (8,192 frames of 8 KiB): cut to 32 MiB, a long burst gave the
	// file's blocks back and took them again at every restart, and a
	// 5,000-feed cold poll took 1.05 times the time and CPU
	// (TestWALKeptPastCheckpoints).
	pragmas := []string{"busy_timeout(10000)", "synchronous(NORMAL)", "foreign_keys(1)", "wal_autocheckpoint(8192)",
		"journal_size_limit(100663296)",
		"temp_store(MEMORY)"} // statement journals in memory, not in temporary files
	dsn := func(extra ...string) string {
		q := url.Values{}
		for _, p := range append(pragmas, extra...) {
			q.Add("_pragma", p)
		}
		// The path is part of a URI: escape what would end it early.
		path := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(file)
		return "file:" + path + "?" + q.Encode()
	}
	// Page caches stay small: the file is in the OS's cache anyway, and
	// a cached 8 KB page with its header lands in a 16 KB slot of the C
	// allocator. A reader's cache lasts one read transaction at most (WAL
	// mode drops it whenever the writer commits), and the writer's holds
	// the interior pages it descends through. Writer 1 MB and readers
	// 256 KB, against 2 MB and 1 MB: peak RSS of a cold cycle 72 against
	// 79 MB at 600 feeds and 123 against 132 MB at 5,000, for the same
	// time (8 and 2 interleaved pairs); halving the writer's again saved
	// nothing more. Memory is what a small box runs short of.
	write, err := sql.Open("sqlite", dsn("cache_size(-1024)")+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", file, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	db := &DB{write: write, prepared: &writerStmts{kept: map[string]*sql.Stmt{}, wanted: map[string]bool{}}, planning: make(chan struct{}, runtime.GOMAXPROCS(0)),
		holder: rand.Int64N(math.MaxInt64) + 1}
	db.heldBuf, db.heldMem = offheap.Slice[mergeKey](maxHeldKeys)
	db.heldKeys = db.heldBuf[:0]
	// The page size takes only while the file is new, before WAL mode is
	// set (the driver orders DSN pragmas by name, so it cannot go there).
	// Entries run to about 2 KB, and two rarely fit a 4 KB page.
	for _, p := range []string{"PRAGMA page_size = 8192", "PRAGMA journal_mode = WAL"} {
		if _, err := write.ExecContext(ctx, p); err != nil {
			write.Close()
			return nil, fmt.Errorf("open %s: %w", file, err)
		}
	}
	if err := db.migrate(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", file, err)
	}
	read, err := sql.Open("sqlite", dsn("query_only(1)", "cache_size(-256)"))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", file, err)
	}
	read.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	db.read = read
	checkpoints, err := sql.Open("sqlite", dsn("cache_size(-64)"))
	if err != nil {
		read.Close()
		write.Close()
		return nil, fmt.Errorf("open %s: %w", file, err)
	}
	checkpoints.SetMaxOpenConns(1)
	db.checkpoints = startCheckpointer(checkpoints, file+"-wal", func() {
		if err := db.writeHeldAtRest(); err != nil {
			slog.Warn("sqlite: writing merge keys", "err", err) // held still: the next rest tries again
		}
	}, func() bool { return db.transactions.Load() > 0 })
	db.reader = &stmtCache{pool: read, stmts: map[string]*sql.Stmt{}}
	// One statement, one snapshot: an entry another process adds between
	// two reads would be below openedAt with its date not counted.
	var publishedAtOpen int64
	if err := read.QueryRowContext(ctx, `SELECT coalesce((SELECT max(id) FROM entries), 0),
		coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = '`+newestPublishedKey+`'), ?)`, int64(math.MaxInt64)).
		Scan(&db.openedAt, &publishedAtOpen); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", file, err)
	}
	db.recent.openedAt, db.recent.publishedAtOpen = db.openedAt, publishedAtOpen
	db.recent.names, db.recent.prints = &db.names, &db.prints
	if err := db.repairMergeKeys(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", file, err)
	}
	if err := db.repairUIDs(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", file, err)
	}
	return db, nil
}

// repairMergeKeys files the merge keys of the entries a process held
// keys for (see fileMergeKey) and did not write, because it ended without
// closing the store: those past keysThrough, the newest entry up to which
// every entry's keys were written. Their fingerprints are taken again
// from their stored text, as when they were saved.
func (db *DB) repairMergeKeys(ctx context.Context) error {
	var from int64 // migration 0012 marked a store from before the mark
	if err := db.read.QueryRowContext(ctx, `SELECT
			coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = '`+keysThroughKey+`'), 0)`).Scan(&from); err != nil {
		return fmt.Errorf("entries with merge keys: %w", err)
	}
	db.keysMark = from
	if from >= db.openedAt {
		return nil
	}
	var keys []mergeKey
	err := eachRow(ctx, db.read, `SELECT id, published, title, summary, content FROM entries WHERE id > ? AND mergeable ORDER BY id`,
		[]any{from}, func(rows *sql.Rows) error {
			var id, published int64
			var e aggregator.Entry
			if err := rows.Scan(&id, &published, &e.Title, &e.Summary, &e.Content); err != nil {
				return err
			}
			for _, k := range storeKeys(aggregator.NewFingerprint(&e)) {
				keys = append(keys, mergeKey{k, published, id})
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("merge keys past entry %d: %w", from, err)
	}
	return db.inTx(ctx, func(w *wtx) error {
		w.changedKeys = keys
		return markKeysThrough(ctx, w, db.openedAt)
	})
}

// repairUIDs files the uids that processes held and did not write, for
// they ended without closing the store, or hold them still (see
// wtx.endUIDs).
func (db *DB) repairUIDs(ctx context.Context) error {
	var holders int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM uid_holders`).Scan(&holders); err != nil {
		return fmt.Errorf("uids held: %w", err)
	}
	if holders == 0 {
		return nil
	}
	return db.inTx(ctx, func(w *wtx) error {
		w.flushHeld = true
		return nil
	})
}

// keysThroughKey names the setting that marks how far every entry's merge
// keys are written: Open's repair reads on from there, not from the first
// entry without keys, which with merging turned off is the first entry.
const keysThroughKey = "merge_keys_through"

func markKeysThrough(ctx context.Context, w *wtx, id int64) error {
	// The links of the entries the mark passes go in with their keys,
	// sorted (migration 0016).
	if _, err := w.ExecContext(ctx, `INSERT OR IGNORE INTO entry_links (link, entry_id)
		SELECT canonical_link, id FROM entries
		WHERE id > coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = '`+keysThroughKey+`'), 0)
			AND id <= ? AND canonical_link <> ''
		ORDER BY canonical_link, id`, id); err != nil {
		return fmt.Errorf("file links: %w", err)
	}
	var mark int64
	err := w.QueryRowContext(ctx, `INSERT INTO settings (key, value) VALUES ('`+keysThroughKey+`', CAST(?1 AS TEXT))
		ON CONFLICT (key) DO UPDATE SET value = CAST(max(CAST(value AS INTEGER), ?1) AS TEXT)
		RETURNING CAST(value AS INTEGER)`, id).Scan(&mark)
	if err != nil {
		return fmt.Errorf("mark merge keys written: %w", err)
	}
	w.keysMark = max(w.keysMark, mark)
	return nil
}

// newestPublishedKey names the setting that holds the newest published
// date of any entry (migration 0010); every write transaction that adds
// entries raises it.
const newestPublishedKey = "entries_published_max"

func markNewestPublished(ctx context.Context, w *wtx, published int64) error {
	_, err := w.ExecContext(ctx, `UPDATE settings SET value = CAST(max(CAST(value AS INTEGER), ?) AS TEXT) WHERE key = '`+newestPublishedKey+`'`, published)
	if err != nil {
		return fmt.Errorf("mark newest published date: %w", err)
	}
	return nil
}

// Close writes the merge keys held, then closes the connections.
func (db *DB) Close() error {
	checkpoints := db.checkpoints.close() // first: it writes held keys too
	held := db.writeHeldKeys()
	db.reader.close()
	db.prepared.close()
	db.recent.release()
	db.prints.release()
	db.heldKeys, db.heldBuf = nil, nil
	offheap.Free(db.heldMem)
	db.heldMem = nil
	return errors.Join(held, checkpoints, db.read.Close(), db.write.Close())
}

// migrate runs the embedded migrations newer than PRAGMA user_version,
// each in its own transaction.
func (db *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	var current int
	if err := db.write.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > len(names) {
		return fmt.Errorf("database schema version %d is newer than this program (%d)", current, len(names))
	}
	for i, name := range names[current:] {
		version := current + i + 1
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		if err := db.migrateTo(ctx, version, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", path.Base(name), err)
		}
	}
	return nil
}

// migrateTo runs one migration's script, then its step, if any, and sets
// the schema version, in one transaction. A migration that rebuilds a
// table runs with foreign keys off (they cannot change inside a
// transaction), and checks them before it commits.
func (db *DB) migrateTo(ctx context.Context, version int, script string) (err error) {
	rebuild := rebuildingMigrations[version]
	if rebuild {
		// The writer has a single connection, which the transaction
		// below takes again.
		if _, err := db.write.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return err
		}
		defer func() {
			// Left off, every later write would go unchecked.
			if _, on := db.write.ExecContext(ctx, "PRAGMA foreign_keys = ON"); on != nil {
				err = errors.Join(err, fmt.Errorf("foreign keys back on: %w", on))
			}
		}()
	}
	return db.inTx(ctx, func(tx *wtx) error {
		if rebuild {
			var on bool
			if err := tx.Tx.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on); err != nil || on {
				return fmt.Errorf("foreign keys still on for a table's rebuild (%v)", err)
			}
		}
		// A script of many statements: executed directly, not prepared.
		if _, err := tx.Tx.ExecContext(ctx, script); err != nil {
			return err
		}
		if step := migrationSteps[version]; step != nil {
			if err := step(ctx, tx); err != nil {
				return err
			}
		}
		if rebuild {
			var table string
			err := tx.Tx.QueryRowContext(ctx, "SELECT \"table\" FROM pragma_foreign_key_check LIMIT 1").Scan(&table)
			switch {
			case err == nil:
				return fmt.Errorf("after the rebuild, rows of %s name a missing row", table)
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		_, err := tx.Tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", version))
		return err
	})
}

// rebuildingMigrations are those that rebuild a table, run with foreign
// keys off.
var rebuildingMigrations = map[int]bool{13: true}

// migrationSteps are the parts of migrations that SQL cannot do, run
// after the script of the same version, in its transaction.
var migrationSteps = map[int]func(context.Context, *wtx) error{
	11: fileTitleKeys,
}

// fileTitleKeys files stored entries' title keys in merge_keys, where
// migration 0011 moves them from an index on entries, in merge_keys'
// shape of that version; 0014 files them by time.
func fileTitleKeys(ctx context.Context, w *wtx) error {
	var keys []mergeKey
	err := eachRow(ctx, w, `SELECT id, published, title_key FROM entries WHERE title_key <> '' AND mergeable`, nil,
		func(rows *sql.Rows) error {
			var k mergeKey
			var title string
			if err := rows.Scan(&k.entryID, &k.published, &title); err != nil {
				return err
			}
			k.key = titleMergeKey(title)
			keys = append(keys, k)
			return nil
		})
	if err != nil {
		return err
	}
	return insertKeys(ctx, w, keys, false)
}

// insertKeys writes merge keys in the index's order, so that each leaf is
// visited once: by time bucket first (migration 0014) when byTime, else
// in the shape merge_keys had before it. It sorts keys in place.
func insertKeys(ctx context.Context, w *wtx, keys []mergeKey, byTime bool) error {
	bucket := func(k mergeKey) int64 {
		if byTime {
			return keyBucket(k.published)
		}
		return 0
	}
	slices.SortFunc(keys, func(a, b mergeKey) int {
		return cmp.Or(cmp.Compare(bucket(a), bucket(b)), cmp.Compare(a.key, b.key),
			cmp.Compare(a.published, b.published), cmp.Compare(a.entryID, b.entryID))
	})
	head, width := `INSERT OR IGNORE INTO merge_keys (bucket, key, published, entry_id) VALUES `, 4
	if !byTime {
		head, width = `INSERT OR IGNORE INTO merge_keys (key, published, entry_id) VALUES `, 3
	}
	// Written as they are listed: the arguments of thousands of rows at
	// once took megabytes of the heap.
	var rows rowBatch
	for i, k := range keys {
		if byTime {
			rows.add(bucket(k))
		}
		rows.add(k.key, k.published, k.entryID)
		if len(rows.args) < 32*width && i < len(keys)-1 {
			continue
		}
		if err := rows.write(ctx, w, head, width); err != nil {
			return err
		}
	}
	return nil
}

// writerStmts keeps statements prepared on the writer's only connection
// across transactions. A transaction cannot prepare there (it holds the
// connection), so one that needs a statement not kept yet prepares its
// own copy and asks for it; the next transaction prepares it before it
// begins.
type writerStmts struct {
	mu     sync.Mutex
	kept   map[string]*sql.Stmt
	wanted map[string]bool
}

// maxWriterStmts bounds the statements kept: a few dozen shapes of
// statement cover every write, and rare ones need not stay.
const maxWriterStmts = 128

func (ws *writerStmts) get(query string) (*sql.Stmt, bool) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	st, ok := ws.kept[query]
	if !ok && len(ws.kept)+len(ws.wanted) < maxWriterStmts {
		ws.wanted[query] = true
	}
	return st, ok
}

// prepareWanted prepares on pool, while no transaction holds its
// connection, the statements transactions asked for. A statement that
// fails to prepare is not asked for again.
func (ws *writerStmts) prepareWanted(ctx context.Context, pool *sql.DB) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for query := range ws.wanted {
		delete(ws.wanted, query)
		if st, err := pool.PrepareContext(ctx, query); err == nil {
			ws.kept[query] = st
		}
	}
}

func (ws *writerStmts) close() {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for _, st := range ws.kept {
		st.Close()
	}
}

func (db *DB) inTx(ctx context.Context, fn func(*wtx) error) error {
	db.transactions.Add(1)
	defer db.transactions.Add(-1)
	db.writing.Lock()
	defer db.writing.Unlock()
	db.prepared.prepareWanted(ctx, db.write)
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	w := &wtx{Tx: tx, stmts: map[string]*sql.Stmt{}, prepared: db.prepared, newest: -1, heldKeys: db.heldKeys,
		heldBuf: db.heldBuf, committedLast: db.lastEntry, keysMark: db.keysMark, heldUIDs: db.heldUIDs, holder: db.holder}
	// A transaction that fails once endKeys has sorted the keys held in
	// place gives them back as they were.
	defer func() {
		if w.sortedHeld != nil {
			db.heldKeys = restoreHeld(w.sortedHeld, db.lastEntry)
		}
	}()
	if err := fn(w); err != nil {
		tx.Rollback()
		return err
	}
	w.forgetsSoon = db.recent.forgetsSoon()
	held, err := w.endKeys(ctx)
	if err != nil {
		tx.Rollback()
		return err
	}
	heldUIDs, err := w.endUIDs(ctx)
	if err != nil {
		tx.Rollback()
		return err
	}
	if w.addedEntries {
		if err := markNewestPublished(ctx, w, w.newestPublished); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	w.sortedHeld = nil
	db.heldKeys, db.heldUIDs = held, heldUIDs
	db.keysMark = w.keysMark
	db.lastEntry, db.lastItem = max(db.lastEntry, w.lastEntry), max(db.lastItem, w.lastItem)
	db.checkpoints.noteWrite()
	return nil
}

// writeHeldAtRest writes the merge keys and uids held, when the writer
// rests, once half a batch of either is held (keysBatch, uidsBatch).
// Written at every rest, a running service's sweep of a few hundred new
// entries rewrote most leaves of merge_keys, each key on a leaf of its
// own: at 600 farm feeds, incremental sweeps of 300 entries wrote 23.2 MB
// to disk each, against 14.8 MB on average now that about four sweeps'
// keys go together (eight sweeps; 191.9 against 168.9 MB at 5,000).
// Fewer stay held until more join them, the store closes, or, should
// the process end without closing, the next Open files them from the
// entries' text (repairMergeKeys). Memory holds every entry whose keys
// are held, so this process's lookups find them; another process's
// lookups in the store miss them until they are written.
func (db *DB) writeHeldAtRest() error {
	db.writing.Lock()
	keys, uids := len(db.heldKeys), int64(0)
	if db.heldUIDs[0] != 0 {
		uids = db.heldUIDs[1] - db.heldUIDs[0] + 1
	}
	many := keys >= keysBatch(db.lastEntry)/2 || uids >= uidsBatch(db.lastItem)/2
	db.writing.Unlock()
	if !many {
		return nil
	}
	return db.writeHeldKeys()
}

// writeHeldKeys writes the merge keys and uids held, if any are.
func (db *DB) writeHeldKeys() error {
	db.writing.Lock()
	held := len(db.heldKeys) > 0 || db.heldUIDs[0] != 0
	db.writing.Unlock()
	if !held {
		return nil
	}
	return db.inTx(context.Background(), func(w *wtx) error {
		w.flushHeld = true
		return nil
	})
}

// wtx is a write transaction that prepares each distinct statement once:
// a poll saves dozens of entries with the same few statements, and
// parsing SQL again for each would cost more than running it. The
// statements close with the transaction.
type wtx struct {
	*sql.Tx
	stmts    map[string]*sql.Stmt
	prepared *writerStmts
	newest   int64 // the newest entry when the transaction began; -1 until read
	// The last entry and item ids given out; 0 until read. Ids are
	// assigned as SQLite would (the largest plus one): the transaction
	// holds the only writer, so no one else takes them meanwhile.
	lastEntry, lastItem int64
	// Merge keys filed in this transaction: new entries' (held by the
	// store after the commit, see DB.heldKeys) and changed entries'
	// (written as the transaction ends), and the entries whose keys held
	// from earlier transactions go.
	newKeys, changedKeys []mergeKey
	dropped              []int64
	flushHeld            bool // write the held keys and uids too
	// forgetsSoon is the newest entry memory forgets within its next
	// recentSize/8 entries (recentIndex.forgetsSoon), read as the
	// transaction ends: held keys of entries up to it are written.
	forgetsSoon int64
	heldKeys    []mergeKey
	heldBuf     []mergeKey // DB.heldBuf
	// committedLast is DB.lastEntry as the transaction began: held keys
	// are of entries up to it, this transaction's of entries after it.
	committedLast int64
	// keysMark is the newest entry up to which every entry's keys and
	// link are in the store, as far as this process knows (DB.keysMark).
	keysMark int64
	// sortedHeld is the keys held and this transaction's once endKeys
	// sorted them in place in heldBuf to write them; nil otherwise.
	sortedHeld []mergeKey
	// The items added before this transaction whose uids are held, and
	// those it adds (first and last id; 0, 0: none).
	heldUIDs, newItems [2]int64
	holder             int64
	// The newest published date among the entries it added, if any.
	addedEntries    bool
	newestPublished int64
}

type mergeKey struct{ key, published, entryID int64 }

// keysBatch is how many held merge keys make a transaction write them,
// on a store of the given number of entries: those of smallKeysBatch
// entries (sketch and title keys) while the store is no larger than memory
// (recentSize entries), then as many as memory holds entries. A batch
// reads and writes about every leaf of merge_keys once it outnumbers
// them, so a fixed small batch made the writer's page reads and writes
// grow with the square of a cold sweep's length. A batch that grew with
// the store (a sixteenth of its entries) kept the cost of a key flat,
// but at 5,000 farm feeds still rewrote each leaf 20 times: a third of
// the cold poll's WAL frames; half of memory's entries, about 12 times.
// The keys must be written before memory forgets their entries (lookups
// in this process would miss them), so endKeys also writes them once the
// oldest is among the next recentSize/8 entries memory forgets: at 9 keys
// an entry the batch is never reached, and 28,672 entries' go together:
// a cold 5,000-feed poll writes a tenth fewer bytes for 2–6 % less CPU
// (docs/benchmark-rounds.md, twenty-ninth round).
func keysBatch(entries int64) int {
	if entries <= recentSize {
		return (aggregator.SketchSize + 1) * smallKeysBatch
	}
	return maxHeldKeys
}

// smallKeysBatch is the entries whose keys a small store's batch holds.
// Each batch rewrites about every leaf of merge_keys, so in a cold
// 600-feed poll (24,000 entries) writing the keys took an eighth of the
// CPU in batches of 2,048 entries; batches of 8,192 took 0.94 times the
// poll's time and CPU (eight interleaved pairs) for 2.4 MB more at the
// peak, 1.8 MB of it the held keys. One batch of the whole import took
// 5 MB more, past the 64 MB the poll is meant to stay within
// (docs/benchmark-rounds.md, thirty-seventh round).
const smallKeysBatch = 8192

// maxHeldKeys is the largest batch of held keys, those of as many entries
// as memory holds: the size of DB.heldBuf.
const maxHeldKeys = (aggregator.SketchSize + 1) * recentSize

// fileMergeKey files a new entry's merge key, held until keysBatch of
// them gather, the writer rests (checkpointIdle) with half that many
// held (writeHeldAtRest), or the store closes.
// Each key lands on a leaf of its own in merge_keys, so a commit wrote to
// the WAL, and read back, nearly every page of the index: with one poll
// a transaction, as a running service saves them, a poll of 40 entries
// on a store of 50,000 took
// 31–35 ms to save, against 12.5–12.9 ms with no keys written at all.
// Memory holds every entry whose keys are held, and lookups in this
// process go there first; after a crash, Open files again the keys of
// the entries past the mark of keys written (repairMergeKeys).
func (w *wtx) fileMergeKey(key, published, entryID int64) {
	w.newKeys = append(w.newKeys, mergeKey{key, published, entryID})
}

// fileChangedKey files the merge key of an entry whose text changed:
// written as the transaction ends, with the DELETE of its old keys.
func (w *wtx) fileChangedKey(key, published, entryID int64) {
	w.changedKeys = append(w.changedKeys, mergeKey{key, published, entryID})
}

// dropKeys forgets the keys filed for an entry and not yet written.
func (w *wtx) dropKeys(entryID int64) {
	of := func(k mergeKey) bool { return k.entryID == entryID }
	w.newKeys = slices.DeleteFunc(w.newKeys, of)
	w.changedKeys = slices.DeleteFunc(w.changedKeys, of)
	w.dropped = append(w.dropped, entryID)
}

// endKeys writes the keys due as the transaction ends: the changed
// entries', and, when enough are held or flushHeld asks, the held ones
// and this transaction's. It returns the keys held after a commit.
func (w *wtx) endKeys(ctx context.Context) ([]mergeKey, error) {
	held := w.heldKeys
	dropped := func(k mergeKey) bool { return slices.Contains(w.dropped, k.entryID) }
	if len(w.dropped) > 0 && slices.ContainsFunc(held, dropped) {
		// A copy: the keys held stay as they were should the transaction fail.
		held = slices.DeleteFunc(slices.Clone(held), dropped)
	}
	// Ids ascend, held before new: the first key is the oldest entry's.
	forgotSoon := func(keys []mergeKey) bool { return len(keys) > 0 && keys[0].entryID <= w.forgetsSoon }
	// An entry past the mark without keys has its link to file too.
	flush := w.flushHeld || len(held)+len(w.newKeys) >= keysBatch(max(w.lastEntry, w.committedLast)) ||
		forgotSoon(held) || forgotSoon(w.newKeys) || (w.forgetsSoon > 0 && w.keysMark < w.forgetsSoon)
	// After the keys held, in their array: past their length, what a
	// failed transaction leaves there is not read.
	held = append(held, w.newKeys...)
	if err := insertKeys(ctx, w, w.changedKeys, true); err != nil {
		return nil, fmt.Errorf("insert merge keys: %w", err)
	}
	through := max(w.lastEntry, w.committedLast) // with none held, every entry saved is marked
	for _, k := range w.changedKeys {
		through = max(through, k.entryID)
	}
	if flush {
		if sameArray(held, w.heldBuf) {
			w.sortedHeld = held
		}
		if err := insertKeys(ctx, w, held, true); err != nil { // sorts them
			return nil, fmt.Errorf("insert merge keys: %w", err)
		}
		for _, k := range held {
			through = max(through, k.entryID)
		}
		held = w.heldBuf[:0]
	}
	// With none held, every entry this process saved has its keys in the
	// store, or needs none.
	if len(held) == 0 && (flush || w.lastEntry > 0) {
		if err := markKeysThrough(ctx, w, through); err != nil {
			return nil, err
		}
	}
	return held, nil
}

// restoreHeld gives back the keys held before a transaction that failed
// after sorting them, with its own, in place (wtx.sortedHeld): those of
// entries up to through (the last one committed), in the order of their
// entries' ids.
func restoreHeld(sorted []mergeKey, through int64) []mergeKey {
	held := slices.DeleteFunc(sorted, func(k mergeKey) bool { return k.entryID > through })
	slices.SortFunc(held, func(a, b mergeKey) int {
		return cmp.Or(cmp.Compare(a.entryID, b.entryID), cmp.Compare(a.key, b.key))
	})
	return held
}

// sameArray reports whether a and b start at the same element of one
// array.
func sameArray(a, b []mergeKey) bool {
	return cap(a) > 0 && cap(b) > 0 && &a[:1][0] == &b[:1][0]
}

// noteAdded counts a new entry's published date towards the newest.
func (w *wtx) noteAdded(published int64) {
	if !w.addedEntries || published > w.newestPublished {
		w.addedEntries, w.newestPublished = true, published
	}
}

func (w *wtx) nextEntryID(ctx context.Context) (int64, error) {
	if w.lastEntry == 0 {
		newest, err := w.newestAtBegin(ctx)
		if err != nil {
			return 0, err
		}
		w.lastEntry = newest
	}
	w.lastEntry++
	return w.lastEntry, nil
}

func (w *wtx) nextItemID(ctx context.Context) (int64, error) {
	if w.lastItem == 0 {
		if err := w.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM items`).Scan(&w.lastItem); err != nil {
			return 0, fmt.Errorf("look up newest item: %w", err)
		}
	}
	w.lastItem++
	if w.newItems[0] == 0 {
		w.newItems[0] = w.lastItem
	}
	w.newItems[1] = w.lastItem
	return w.lastItem, nil
}

// uidsBatch is how many items' uids, held, make a transaction write
// them, on a store of the given number of items: 2,048 while the store
// is no larger than memory, then maxUIDsBatch, which bounds the items a
// lookup by uid scans for those held.
func uidsBatch(items int64) int64 {
	if items <= recentSize {
		return 2048
	}
	return maxUIDsBatch
}

const maxUIDsBatch = 16384

// uidBlockShift makes the blocks of item ids by which item_uids files
// uids first (migration 0017, whose SQL writes the same shift): 2^17
// items, eight batches of uids, so that a batch rewrites at most the
// leaves of one block or two, whatever the store's size, and a lookup by
// uid probes one block per 131,072 items.
const uidBlockShift = 17

// endUIDs files the uids and dates of the items added as the transaction
// ends: held (their range, and this process's row in uid_holders, which
// lookups by uid and the newest-first walk scan from), or written in
// item_uids and item_times in their order when enough are held or
// flushHeld asks. A unique index on items' uids took a
// leaf at random for every new item: 23 % of a cold 600-feed cycle's
// WAL frames, and the largest part of what a saved poll writes more on a
// larger store. Writing the held ones at rest also files those of
// another process that ended without writing its own (or holds them
// still: filing them twice is harmless), and clears the rows of holders;
// a live one writes its row again with its next items.
func (w *wtx) endUIDs(ctx context.Context) ([2]int64, error) {
	held := w.heldUIDs
	if w.newItems[0] != 0 {
		if held[0] == 0 {
			held[0] = w.newItems[0]
		}
		held[1] = w.newItems[1]
	}
	switch {
	case w.flushHeld:
		if err := w.fileItems(ctx, `id >= min(coalesce((SELECT min(from_id) FROM uid_holders), ?1), ?1)`, cmp.Or(held[0], math.MaxInt64)); err != nil {
			return held, err
		}
		if _, err := w.ExecContext(ctx, `DELETE FROM uid_holders`); err != nil {
			return held, fmt.Errorf("file held uids: %w", err)
		}
		return [2]int64{}, nil
	case held[0] == 0:
		return held, nil
	case held[1]-held[0]+1 >= uidsBatch(w.lastItem):
		if err := w.fileItems(ctx, `id BETWEEN ? AND ?`, held[0], held[1]); err != nil {
			return held, err
		}
		if _, err := w.ExecContext(ctx, `DELETE FROM uid_holders WHERE holder = ?`, w.holder); err != nil {
			return held, fmt.Errorf("file held uids: %w", err)
		}
		return [2]int64{}, nil
	case w.newItems[0] != 0:
		if _, err := w.ExecContext(ctx, `INSERT INTO uid_holders (holder, from_id) VALUES (?, ?)
			ON CONFLICT (holder) DO UPDATE SET from_id = excluded.from_id`, w.holder, held[0]); err != nil {
			return held, fmt.Errorf("hold uids: %w", err)
		}
	}
	return held, nil
}

// fileItems writes the uids and dates of the items a condition on their
// id picks, each in its table's order, so that a batch visits each leaf
// once.
func (w *wtx) fileItems(ctx context.Context, where string, args ...any) error {
	block := "id >> " + strconv.Itoa(uidBlockShift)
	if _, err := w.ExecContext(ctx, `INSERT OR IGNORE INTO item_uids (block, uid, item_id)
		SELECT `+block+`, uid, id FROM items WHERE `+where+` ORDER BY `+block+`, uid`, args...); err != nil {
		return fmt.Errorf("file held uids: %w", err)
	}
	if _, err := w.ExecContext(ctx, `INSERT OR IGNORE INTO item_times (published, item_id)
		SELECT published, id FROM items WHERE `+where+` ORDER BY published, id`, args...); err != nil {
		return fmt.Errorf("file held items' dates: %w", err)
	}
	return nil
}

// newestAtBegin returns the newest entry id when the transaction began:
// what other processes could have written. Entries newer than that are
// this transaction's own.
func (w *wtx) newestAtBegin(ctx context.Context) (int64, error) {
	if w.newest < 0 {
		if err := w.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM entries`).Scan(&w.newest); err != nil {
			return 0, fmt.Errorf("look up newest entry: %w", err)
		}
	}
	return w.newest, nil
}

func (w *wtx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := w.stmts[query]; ok {
		return st, nil
	}
	if st, ok := w.prepared.get(query); ok {
		st = w.Tx.StmtContext(ctx, st) // the writer has one connection: no new prepare
		w.stmts[query] = st
		return st, nil
	}
	st, err := w.Tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	w.stmts[query] = st
	return st, nil
}

func (w *wtx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (w *wtx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRowContext reports a failed prepare through Scan, as sql.Tx does.
func (w *wtx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := w.stmt(ctx, query)
	if err != nil {
		return w.Tx.QueryRowContext(ctx, query, args...) // fails again, with the error
	}
	return st.QueryRowContext(ctx, args...)
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// placeholders returns "?,?,…" for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
