-- Guildhall schema v11 (SQLite): uploaded media, their place in attachments, profile headers.
-- Keep in step with ../postgres/0011_media.sql.

-- A file a local person uploaded (storage/media.hpp). The files are under `media.dir`.
CREATE TABLE media (
  id             INTEGER PRIMARY KEY,
  owner_id       INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  purpose        TEXT    NOT NULL CHECK (purpose IN ('attachment', 'avatar', 'header')),
  kind           TEXT    NOT NULL CHECK (kind IN ('image', 'video', 'audio', 'unknown')),
  content_type   TEXT    NOT NULL CHECK (content_type <> ''),
  file_name      TEXT    NOT NULL CHECK (file_name <> ''),
  size_bytes     INTEGER NOT NULL CHECK (size_bytes >= 0),
  width          INTEGER CHECK (width IS NULL OR width > 0),
  height         INTEGER CHECK (height IS NULL OR height > 0),
  preview_name   TEXT,
  preview_width  INTEGER CHECK (preview_width IS NULL OR preview_width > 0),
  preview_height INTEGER CHECK (preview_height IS NULL OR preview_height > 0),
  blurhash       TEXT,
  description    TEXT,
  focus_x        REAL CHECK (focus_x IS NULL OR focus_x BETWEEN -1 AND 1),
  focus_y        REAL CHECK (focus_y IS NULL OR focus_y BETWEEN -1 AND 1),
  created_at     INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX media_file_name_key ON media (file_name);
CREATE UNIQUE INDEX media_preview_name_key ON media (preview_name) WHERE preview_name IS NOT NULL;
CREATE INDEX media_owner_idx ON media (owner_id, purpose);
CREATE INDEX media_created_idx ON media (created_at);

-- An attachment showing a local upload points back at it (attached = shown by a post); the
-- preview and the focal point are shown like the rest (remote ones too: Mastodon's focalPoint).
ALTER TABLE attachments ADD COLUMN media_id INTEGER REFERENCES media (id) ON DELETE SET NULL;
ALTER TABLE attachments ADD COLUMN preview_url TEXT;
ALTER TABLE attachments ADD COLUMN focus_x REAL;
ALTER TABLE attachments ADD COLUMN focus_y REAL;
-- An upload is shown by one post at most (two posts attaching it at once: the second fails).
CREATE UNIQUE INDEX attachments_media_key ON attachments (media_id) WHERE media_id IS NOT NULL;

-- The profile's banner (AS2 `image`), beside the avatar in icon_url.
ALTER TABLE actors ADD COLUMN header_url TEXT;
