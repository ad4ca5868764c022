-- Items' uids are filed by block of 2^17 item ids first (uidBlockShift),
-- then by uid, so that a batch of new items' uids rewrites the leaves of
-- the newest block, not nearly every leaf of item_uids: a uid is a hash,
-- so once the store held many more uids than a batch (16,384), each uid
-- of a batch took a leaf of its own, and saving a poll into a store of a
-- million entries wrote eleven times the pages of item_uids it wrote at
-- 10,000. A lookup by uid probes each block, newest first (itemByUID).
-- SQLite's >> shifts as Go's does.
CREATE TABLE item_uids_by_block (
    block   INTEGER NOT NULL,
    uid     TEXT NOT NULL,
    item_id INTEGER NOT NULL,
    PRIMARY KEY (block, uid)
) STRICT, WITHOUT ROWID;
-- Read in the old uid order, which within each block is the new order:
-- the rows append at one place a block, with no sort in memory.
INSERT INTO item_uids_by_block (block, uid, item_id)
    SELECT item_id >> 17, uid, item_id FROM item_uids;
DROP TABLE item_uids;
ALTER TABLE item_uids_by_block RENAME TO item_uids;
