-- The digests of the items of each source's last fetched document, as
-- upstream sent them (64-bit, little-endian): an item sent again byte for
-- byte is not parsed again.
ALTER TABLE sources ADD COLUMN item_digests BLOB NOT NULL DEFAULT x'';
