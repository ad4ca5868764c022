-- The same article under another source is found in the store by its
-- canonical link, through entry_links, which is filed as the merge keys
-- are: in sorted batches, as the mark of keys written passes the entries
-- (markKeysThrough), not through an index on entries that took a leaf at
-- random for every new entry. At a million stored, a poll's 40 entries
-- dirtied 40 different pages of that index, and every checkpoint wrote
-- them again. Entries past the mark are in the memory of the process that
-- saved them, or filed by the next Open's repair.
CREATE TABLE IF NOT EXISTS entry_links (
    link     TEXT NOT NULL,
    entry_id INTEGER NOT NULL,
    PRIMARY KEY (link, entry_id)
) STRICT, WITHOUT ROWID;
INSERT OR IGNORE INTO entry_links (link, entry_id)
    SELECT canonical_link, id FROM entries WHERE canonical_link <> '' ORDER BY canonical_link, id;
DROP INDEX IF EXISTS entries_canonical_link;
-- An edited entry's link moves with it; one not yet filed is filed now,
-- and again (ignored) when the mark passes it.
CREATE TRIGGER IF NOT EXISTS entry_links_follow AFTER UPDATE OF canonical_link ON entries
    WHEN new.canonical_link <> old.canonical_link
BEGIN
    DELETE FROM entry_links WHERE link = old.canonical_link AND entry_id = old.id;
    INSERT OR IGNORE INTO entry_links (link, entry_id) SELECT new.canonical_link, new.id WHERE new.canonical_link <> '';
END;
