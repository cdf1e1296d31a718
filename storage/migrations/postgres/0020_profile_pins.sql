-- Guildhall schema v20 (PostgreSQL): posts a person pinned to their profile (Mastodon's pinned
-- statuses, the actor's ActivityPub `featured` collection). A community's pinned threads are the
-- posts' own `pinned` flag, set by its moderators; these are a person's own choice.
-- Keep in step with ../sqlite/0020_profile_pins.sql.

CREATE TABLE profile_pins (
  actor_id   BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  post_id    BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (actor_id, post_id)
);
CREATE INDEX profile_pins_post_id ON profile_pins (post_id);  -- the FK, for deletes of posts
