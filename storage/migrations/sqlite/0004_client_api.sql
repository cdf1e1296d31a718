-- Guildhall schema v4 (SQLite): the Mastodon-compatible client API (OAuth 2 applications, codes
-- and tokens; bookmarks, Idempotency-Key replays, read markers). Keep in step with
-- ../postgres/0004_client_api.sql. Secrets, codes and tokens are stored only as SHA-256 hex.

CREATE TABLE oauth_apps (
  id                 INTEGER PRIMARY KEY,
  client_id          TEXT    NOT NULL CHECK (client_id <> ''),
  client_secret_hash TEXT    NOT NULL CHECK (client_secret_hash <> ''),
  name               TEXT    NOT NULL CHECK (name <> ''),
  website            TEXT,
  redirect_uris      TEXT    NOT NULL,  -- newline-separated
  scopes             TEXT    NOT NULL,  -- space-separated
  created_at         INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX oauth_apps_client_id_key ON oauth_apps (client_id);

CREATE TABLE oauth_codes (
  id             INTEGER PRIMARY KEY,
  code_hash      TEXT    NOT NULL CHECK (code_hash <> ''),
  app_id         INTEGER NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
  user_id        INTEGER NOT NULL REFERENCES users (actor_id) ON DELETE CASCADE,
  redirect_uri   TEXT    NOT NULL,
  scopes         TEXT    NOT NULL,
  code_challenge TEXT,
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  used_at        INTEGER
) STRICT;
CREATE UNIQUE INDEX oauth_codes_code_hash_key ON oauth_codes (code_hash);
CREATE INDEX oauth_codes_app_idx ON oauth_codes (app_id);
CREATE INDEX oauth_codes_user_idx ON oauth_codes (user_id);

CREATE TABLE oauth_tokens (
  id           INTEGER PRIMARY KEY,
  token_hash   TEXT    NOT NULL CHECK (token_hash <> ''),
  app_id       INTEGER NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
  user_id      INTEGER REFERENCES users (actor_id) ON DELETE CASCADE,
  scopes       TEXT    NOT NULL,
  code_id      INTEGER REFERENCES oauth_codes (id) ON DELETE SET NULL,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
) STRICT;
CREATE UNIQUE INDEX oauth_tokens_token_hash_key ON oauth_tokens (token_hash);
CREATE INDEX oauth_tokens_app_idx ON oauth_tokens (app_id);
CREATE INDEX oauth_tokens_user_idx ON oauth_tokens (user_id);
CREATE INDEX oauth_tokens_code_idx ON oauth_tokens (code_id);

CREATE TABLE bookmarks (
  id         INTEGER PRIMARY KEY,
  actor_id   INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX bookmarks_actor_post_key ON bookmarks (actor_id, post_id);
CREATE INDEX bookmarks_post_idx ON bookmarks (post_id);

CREATE TABLE idempotency_keys (
  actor_id   INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  idem_key   TEXT    NOT NULL CHECK (idem_key <> ''),
  post_id    INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (actor_id, idem_key)
) STRICT;
CREATE INDEX idempotency_keys_post_idx ON idempotency_keys (post_id);

CREATE TABLE markers (
  actor_id     INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  timeline     TEXT    NOT NULL CHECK (timeline IN ('home', 'notifications')),
  last_read_id TEXT    NOT NULL,
  version      INTEGER NOT NULL DEFAULT 0,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (actor_id, timeline)
) STRICT;
