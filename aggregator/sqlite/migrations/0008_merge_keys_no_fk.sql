-- Merge keys lose their foreign key. Checking it made every multi-row
-- insert of an entry's keys keep a statement journal (a copy of each page
-- it touched, in case a later row failed the check): a tenth of a cold
-- poll's time. The keys are written only with their entry, in the same
-- transaction, and deleted with it.
CREATE TABLE merge_keys_new (
    key       INTEGER NOT NULL,
    published INTEGER NOT NULL,
    entry_id  INTEGER NOT NULL,
    PRIMARY KEY (key, published, entry_id)
) STRICT, WITHOUT ROWID;
INSERT INTO merge_keys_new (key, published, entry_id) SELECT key, published, entry_id FROM merge_keys;
DROP TABLE merge_keys;
ALTER TABLE merge_keys_new RENAME TO merge_keys;
CREATE INDEX merge_keys_entry ON merge_keys (entry_id);
