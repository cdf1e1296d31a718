-- Guildhall schema v16 (PostgreSQL): who a person's post is for (Mastodon's Status.visibility),
-- and each person's state of their direct conversations. A post is readable by everyone (public,
-- unlisted), by its author's accepted followers (private), or only by its author and the people it
-- mentions or addresses (post_mentions); community posts stay public here (their community decides).
-- Keep in step with ../sqlite/0016_post_visibility.sql.

ALTER TABLE posts ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public'
  CHECK (visibility IN ('public', 'unlisted', 'private', 'direct'));
CREATE INDEX posts_direct_thread_idx ON posts (thread_id) WHERE visibility = 'direct';

-- A conversation is a thread's direct posts, seen by one participant: read up to a post, hidden
-- up to a post (a later direct post brings it back).
CREATE TABLE conversation_marks (
  actor_id       BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  thread_id      BIGINT NOT NULL,
  read_through   BIGINT NOT NULL DEFAULT 0,
  hidden_through BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (actor_id, thread_id)
);
