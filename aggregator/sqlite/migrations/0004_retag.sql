-- What the extractors found in each entry, and settings remembered
-- between runs (the tag rules last applied).
ALTER TABLE entries ADD COLUMN cves TEXT NOT NULL DEFAULT '[]';
ALTER TABLE entries ADD COLUMN indicators TEXT NOT NULL DEFAULT '[]';

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
