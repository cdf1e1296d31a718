-- Guildhall schema v1 (SQLite). Keep in step with ../postgres/0001_init.sql.
-- Ids are application-generated Snowflakes; timestamps are integer milliseconds since the Unix
-- epoch; booleans are 0/1. STRICT tables make a wrongly typed value an error, not a coercion.

CREATE TABLE instances (
  id               INTEGER PRIMARY KEY,
  host             TEXT    NOT NULL CHECK (host <> '' AND host = lower(host)),
  is_local         INTEGER NOT NULL DEFAULT 0 CHECK (is_local IN (0, 1)),
  software_name    TEXT,
  software_version TEXT,
  policy           TEXT    NOT NULL DEFAULT 'none' CHECK (policy IN ('none', 'allow', 'block')),
  first_seen_at    INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX instances_host_key ON instances (host);
CREATE UNIQUE INDEX instances_local_key ON instances (is_local) WHERE is_local = 1;

-- People, groups and the instance actor. domain IS NULL means local.
CREATE TABLE actors (
  id                          INTEGER PRIMARY KEY,
  ap_id                       TEXT    NOT NULL CHECK (ap_id <> ''),
  kind                        TEXT    NOT NULL
                              CHECK (kind IN ('person', 'group', 'application', 'service')),
  handle                      TEXT    NOT NULL CHECK (handle <> '' AND length(handle) <= 255),
  domain                      TEXT    REFERENCES instances (host),
  display_name                TEXT,
  summary_html                TEXT,
  summary_source              TEXT,
  url                         TEXT,
  inbox_url                   TEXT    NOT NULL,
  shared_inbox_url            TEXT,
  outbox_url                  TEXT,
  followers_url               TEXT,
  following_url               TEXT,
  featured_url                TEXT,
  moderators_url              TEXT,
  icon_url                    TEXT,
  manually_approves_followers INTEGER NOT NULL DEFAULT 0
                              CHECK (manually_approves_followers IN (0, 1)),
  public_key_id               TEXT,
  public_key_pem              TEXT,
  private_key_pem             TEXT,
  created_at                  INTEGER NOT NULL,
  updated_at                  INTEGER NOT NULL,
  fetched_at                  INTEGER,
  deleted_at                  INTEGER,
  suspended_at                INTEGER,
  -- We never hold a remote actor's private key.
  CHECK (domain IS NULL OR private_key_pem IS NULL),
  -- Local people and groups share one handle namespace: lowercase [a-z0-9_]{1,30}.
  CHECK (domain IS NOT NULL OR kind NOT IN ('person', 'group')
         OR (length(handle) BETWEEN 1 AND 30 AND handle NOT GLOB '*[^a-z0-9_]*'))
) STRICT;
CREATE UNIQUE INDEX actors_ap_id_key ON actors (ap_id);
CREATE UNIQUE INDEX actors_local_handle_key ON actors (lower(handle)) WHERE domain IS NULL;
CREATE UNIQUE INDEX actors_remote_handle_key ON actors (domain, lower(handle))
  WHERE domain IS NOT NULL;

CREATE TABLE users (
  actor_id      INTEGER PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
  email         TEXT CHECK (email IS NULL OR email <> ''),
  password_hash TEXT    NOT NULL,
  is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
  locale        TEXT    NOT NULL DEFAULT 'en',
  created_at    INTEGER NOT NULL,
  disabled_at   INTEGER
) STRICT;
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE email IS NOT NULL;

CREATE TABLE communities (
  actor_id           INTEGER PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
  description_source TEXT    NOT NULL DEFAULT '',
  description_html   TEXT    NOT NULL DEFAULT '',
  welcome_source     TEXT    NOT NULL DEFAULT '',
  welcome_html       TEXT    NOT NULL DEFAULT '',
  visibility         TEXT    NOT NULL DEFAULT 'public'
                     CHECK (visibility IN ('public', 'private', 'local_only')),
  join_policy        TEXT    NOT NULL DEFAULT 'open' CHECK (join_policy IN ('open', 'approval')),
  posting_policy     TEXT    NOT NULL DEFAULT 'members'
                     CHECK (posting_policy IN ('members', 'moderators')),
  languages          TEXT    NOT NULL DEFAULT '',  -- space-separated BCP 47 tags
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
) STRICT;

CREATE TABLE community_rules (
  community_id INTEGER NOT NULL REFERENCES communities (actor_id) ON DELETE CASCADE,
  position     INTEGER NOT NULL CHECK (position >= 0),
  text         TEXT    NOT NULL,
  PRIMARY KEY (community_id, position)
) STRICT;

CREATE TABLE memberships (
  id             INTEGER PRIMARY KEY,
  community_id   INTEGER NOT NULL REFERENCES communities (actor_id) ON DELETE CASCADE,
  actor_id       INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  role           TEXT    NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'moderator', 'member')),
  state          TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'banned')),
  ban_reason     TEXT,
  ban_expires_at INTEGER,
  follow_ap_id   TEXT,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX memberships_community_actor_key ON memberships (community_id, actor_id);
CREATE INDEX memberships_community_state_idx ON memberships (community_id, state, id);
CREATE INDEX memberships_actor_idx ON memberships (actor_id, id);
CREATE UNIQUE INDEX memberships_follow_ap_id_key ON memberships (follow_ap_id)
  WHERE follow_ap_id IS NOT NULL;

CREATE TABLE follows (
  id          INTEGER PRIMARY KEY,
  follower_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  followee_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted')),
  ap_id       TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  CHECK (follower_id <> followee_id)
) STRICT;
CREATE UNIQUE INDEX follows_pair_key ON follows (follower_id, followee_id);
CREATE INDEX follows_followee_idx ON follows (followee_id, id);
CREATE UNIQUE INDEX follows_ap_id_key ON follows (ap_id) WHERE ap_id IS NOT NULL;

-- Threads (parent_id IS NULL, thread_id = id) and comments (thread_id = the root).
CREATE TABLE posts (
  id                 INTEGER PRIMARY KEY,
  ap_id              TEXT    NOT NULL CHECK (ap_id <> ''),
  author_id          INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  community_id       INTEGER REFERENCES communities (actor_id) ON DELETE CASCADE,
  thread_id          INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  parent_id          INTEGER REFERENCES posts (id) ON DELETE CASCADE,
  title              TEXT,
  content_source     TEXT,
  content_html       TEXT    NOT NULL DEFAULT '',
  summary            TEXT,
  language           TEXT,
  sensitive          INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1)),
  url                TEXT,
  is_local           INTEGER NOT NULL CHECK (is_local IN (0, 1)),
  is_question        INTEGER NOT NULL DEFAULT 0 CHECK (is_question IN (0, 1)),
  accepted_answer_id INTEGER REFERENCES posts (id) ON DELETE SET NULL,
  locked             INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
  pinned             INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
  published_at       INTEGER NOT NULL,
  updated_at         INTEGER,
  deleted_at         INTEGER,
  removed_at         INTEGER,
  CHECK ((parent_id IS NULL) = (thread_id = id))
) STRICT;
CREATE UNIQUE INDEX posts_ap_id_key ON posts (ap_id);
CREATE INDEX posts_community_threads_idx ON posts (community_id, id) WHERE parent_id IS NULL;
CREATE INDEX posts_community_idx ON posts (community_id);
CREATE INDEX posts_author_idx ON posts (author_id, id);
CREATE INDEX posts_thread_idx ON posts (thread_id, id);
CREATE INDEX posts_parent_idx ON posts (parent_id);
CREATE INDEX posts_accepted_answer_idx ON posts (accepted_answer_id);

CREATE TABLE post_edits (
  id             INTEGER PRIMARY KEY,
  post_id        INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  edited_at      INTEGER NOT NULL,
  title          TEXT,
  content_source TEXT,
  content_html   TEXT    NOT NULL
) STRICT;
CREATE INDEX post_edits_post_idx ON post_edits (post_id, id);

CREATE TABLE attachments (
  post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  position    INTEGER NOT NULL CHECK (position >= 0),
  url         TEXT    NOT NULL CHECK (url <> ''),
  media_type  TEXT,
  description TEXT,
  width       INTEGER CHECK (width IS NULL OR width > 0),
  height      INTEGER CHECK (height IS NULL OR height > 0),
  blurhash    TEXT,
  PRIMARY KEY (post_id, position)
) STRICT;

CREATE TABLE reactions (
  id             INTEGER PRIMARY KEY,
  post_id        INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  actor_id       INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  kind           TEXT    NOT NULL CHECK (kind IN ('like', 'dislike', 'emoji')),
  emoji          TEXT    NOT NULL DEFAULT '',
  emoji_icon_url TEXT,
  ap_id          TEXT,
  created_at     INTEGER NOT NULL,
  CHECK ((kind = 'emoji') = (emoji <> ''))
) STRICT;
CREATE UNIQUE INDEX reactions_key ON reactions (post_id, actor_id, kind, emoji);
CREATE INDEX reactions_actor_idx ON reactions (actor_id);
CREATE UNIQUE INDEX reactions_ap_id_key ON reactions (ap_id) WHERE ap_id IS NOT NULL;
