-- The unique (source, key) index serves the raw-hash lookup; a second
-- index only slowed every insert. Merge keys are now sketch keys only:
-- the simhash bands' keys go.
DROP INDEX entries_source;
DELETE FROM merge_keys WHERE key >= 72057594037927936; -- band keys had (band+1) << 56
