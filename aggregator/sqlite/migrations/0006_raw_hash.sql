-- A hash of each entry as upstream sent it, so that a re-poll skips
-- cleaning and tagging entries it already holds.
ALTER TABLE entries ADD COLUMN raw_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX entries_source ON entries (source, key, raw_hash);
