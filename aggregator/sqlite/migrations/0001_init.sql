-- Times are unix milliseconds.
CREATE TABLE sources (
    name          TEXT PRIMARY KEY,
    url           TEXT NOT NULL,
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    last_attempt  INTEGER NOT NULL DEFAULT 0,
    last_success  INTEGER NOT NULL DEFAULT 0,
    last_status   INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    failures      INTEGER NOT NULL DEFAULT 0,
    next_attempt  INTEGER NOT NULL DEFAULT 0,
    last_new      INTEGER NOT NULL DEFAULT 0
) STRICT;

-- An item is one story as published; entries are the sources' copies.
CREATE TABLE items (
    id            INTEGER PRIMARY KEY,
    uid           TEXT NOT NULL UNIQUE,
    primary_entry INTEGER NOT NULL DEFAULT 0,
    published     INTEGER NOT NULL,
    updated       INTEGER NOT NULL,
    first_seen    INTEGER NOT NULL
) STRICT;
CREATE INDEX items_published ON items (published DESC, id DESC);

CREATE TABLE entries (
    id             INTEGER PRIMARY KEY,
    item_id        INTEGER NOT NULL REFERENCES items (id),
    source         TEXT NOT NULL REFERENCES sources (name),
    key            TEXT NOT NULL,
    guid           TEXT NOT NULL,
    link           TEXT NOT NULL,
    canonical_link TEXT NOT NULL,
    title          TEXT NOT NULL,
    summary        TEXT NOT NULL,
    content        TEXT NOT NULL,
    author         TEXT NOT NULL,
    categories     TEXT NOT NULL, -- JSON array
    tags           TEXT NOT NULL, -- JSON array
    hash           TEXT NOT NULL,
    published      INTEGER NOT NULL,
    updated        INTEGER NOT NULL,
    first_seen     INTEGER NOT NULL,
    UNIQUE (source, key)
) STRICT;
CREATE INDEX entries_item ON entries (item_id);
CREATE INDEX entries_canonical_link ON entries (canonical_link) WHERE canonical_link <> '';

CREATE TABLE item_tags (
    item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    tag     TEXT NOT NULL,
    PRIMARY KEY (item_id, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX item_tags_tag ON item_tags (tag, item_id);

-- version counts committed changes to items, so readers know when a
-- rendered output is stale.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;
INSERT INTO meta (key, value) VALUES ('version', 0);
