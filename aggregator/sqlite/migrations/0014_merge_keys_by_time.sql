-- Merge keys are filed by the time bucket of their entry's published date
-- first (2^31 ms, 24.9 days; keyBucket), so that a sorted batch of new
-- keys rewrites the leaves of the last weeks' keys, not nearly every leaf
-- of the index (see keyBucket). SQLite's >> shifts as Go's does.
CREATE TABLE merge_keys_by_time (
    bucket    INTEGER NOT NULL,
    key       INTEGER NOT NULL,
    published INTEGER NOT NULL,
    entry_id  INTEGER NOT NULL,
    PRIMARY KEY (bucket, key, published, entry_id)
) STRICT, WITHOUT ROWID;
-- Read in the old key order, which within each bucket is the new order:
-- the rows append at one place a bucket. Sorting them first (ORDER BY)
-- took 151 MiB of memory (temp_store is MEMORY) for 1.8 million keys.
INSERT INTO merge_keys_by_time (bucket, key, published, entry_id)
    SELECT published >> 31, key, published, entry_id FROM merge_keys;
DROP TABLE merge_keys;
ALTER TABLE merge_keys_by_time RENAME TO merge_keys;
