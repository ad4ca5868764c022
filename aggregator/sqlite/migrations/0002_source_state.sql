-- Permanent redirects, 410 Gone, entries per fetch and upstream hints.
ALTER TABLE sources ADD COLUMN fetch_url TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN last_entries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN ttl INTEGER NOT NULL DEFAULT 0; -- milliseconds
ALTER TABLE sources ADD COLUMN skip_hours TEXT NOT NULL DEFAULT ''; -- "0,1,2"
ALTER TABLE sources ADD COLUMN skip_days TEXT NOT NULL DEFAULT ''; -- "0,6" (Sunday = 0)
