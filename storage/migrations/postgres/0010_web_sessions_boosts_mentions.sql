-- Guildhall schema v10 (PostgreSQL): the web app's language per account, boosts (person-level
-- Announce) and mentions. Keep in step with ../sqlite/0010_web_sessions_boosts_mentions.sql.

-- The web app's UI language (a BCP 47 tag) chosen in its settings; NULL: follow the browser.
ALTER TABLE users ADD COLUMN web_locale TEXT CHECK (web_locale IS NULL OR web_locale <> '');

-- A boost: `actor_id` Announced `post_id` (local or remote, by its Announce's id).
CREATE TABLE reblogs (
  id         BIGINT PRIMARY KEY,
  actor_id   BIGINT  NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  post_id    BIGINT  NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  ap_id      TEXT    NOT NULL CHECK (ap_id <> ''),
  created_at BIGINT  NOT NULL
);
CREATE UNIQUE INDEX reblogs_actor_post_key ON reblogs (actor_id, post_id);
CREATE UNIQUE INDEX reblogs_ap_id_key ON reblogs (ap_id);
CREATE INDEX reblogs_post_idx ON reblogs (post_id);

-- Who a post mentions (its Mention tags), for mention notifications and the status entity.
CREATE TABLE post_mentions (
  post_id  BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  PRIMARY KEY (post_id, actor_id)
);
CREATE INDEX post_mentions_actor_idx ON post_mentions (actor_id);
