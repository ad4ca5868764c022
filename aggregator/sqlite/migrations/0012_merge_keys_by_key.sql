-- An entry's merge keys are deleted by key, found again from its stored
-- text (unindexEntry), so the index of merge keys by entry goes: every
-- new key paid for an insert into it. Open's repair now reads on from
-- the mark of keys written alone; a store from before the mark gets one
-- here, the newest entry with keys, as the repair used to take it.
INSERT OR IGNORE INTO settings (key, value)
	SELECT 'merge_keys_through', CAST(max(entry_id) AS TEXT) FROM merge_keys HAVING max(entry_id) IS NOT NULL;
DROP INDEX IF EXISTS merge_keys_entry;
