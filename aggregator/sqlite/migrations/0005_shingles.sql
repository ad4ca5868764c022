-- Each entry's shingle set (32-bit, sorted, little-endian) and salient
-- names and numbers, so that a new copy compares with stored ones
-- without splitting their text again.
ALTER TABLE entries ADD COLUMN shingles BLOB NOT NULL DEFAULT x'';
ALTER TABLE entries ADD COLUMN names TEXT NOT NULL DEFAULT ''; -- one per line
