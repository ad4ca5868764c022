-- The newest published date of any entry (Unix milliseconds), raised by
-- every write transaction that adds entries (entries keep the date they
-- came with). A process that opens the store knows from it how recent the
-- entries are that only the store holds, and skips the store's search for
-- copies of an entry whose merge window starts after that.
INSERT OR REPLACE INTO settings (key, value)
	SELECT 'entries_published_max', CAST(coalesce(max(published), 0) AS TEXT) FROM entries;
