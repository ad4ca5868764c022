-- Cross-source merging: each entry's simhash, folded title and source
-- priority, and an index of its fingerprint keys (simhash bands and
-- shingle sketch) for finding candidate copies without a scan.
ALTER TABLE entries ADD COLUMN simhash INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entries ADD COLUMN title_key TEXT NOT NULL DEFAULT '';
ALTER TABLE entries ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entries ADD COLUMN mergeable INTEGER NOT NULL DEFAULT 1; -- 0: source opted out
CREATE INDEX entries_title_key ON entries (title_key, published) WHERE title_key <> '';

CREATE TABLE merge_keys (
    key       INTEGER NOT NULL,
    published INTEGER NOT NULL,
    entry_id  INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    PRIMARY KEY (key, published, entry_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX merge_keys_entry ON merge_keys (entry_id);
