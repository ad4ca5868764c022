-- Items' uids are filed in item_uids, written in sorted batches (see
-- wtx.endUIDs), not in a unique index on items, which took a leaf at
-- random for every new item: a uid is a hash of the first entry's source
-- and key, so that a store rebuilt from the same feeds gives the same
-- uids. SQLite cannot drop a UNIQUE constraint in place, so items is
-- rebuilt, with foreign keys off (migrate), or dropping it would take the
-- items' tags with it (ON DELETE CASCADE).
CREATE TABLE items_rebuilt (
    id            INTEGER PRIMARY KEY,
    uid           TEXT NOT NULL,
    primary_entry INTEGER NOT NULL DEFAULT 0,
    published     INTEGER NOT NULL,
    updated       INTEGER NOT NULL,
    first_seen    INTEGER NOT NULL
) STRICT;
INSERT INTO items_rebuilt (id, uid, primary_entry, published, updated, first_seen)
    SELECT id, uid, primary_entry, published, updated, first_seen FROM items;
DROP TABLE items;
ALTER TABLE items_rebuilt RENAME TO items;
CREATE INDEX items_published ON items (published DESC, id DESC);

CREATE TABLE IF NOT EXISTS item_uids (
    uid     TEXT PRIMARY KEY,
    item_id INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT OR IGNORE INTO item_uids (uid, item_id) SELECT uid, id FROM items ORDER BY uid;

-- A process that holds uids not yet written keeps here the lowest item
-- id it holds: a lookup by uid scans the items from the lowest held.
CREATE TABLE IF NOT EXISTS uid_holders (
    holder  INTEGER PRIMARY KEY,
    from_id INTEGER NOT NULL
) STRICT;
