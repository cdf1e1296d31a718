-- Guildhall schema v9 (PostgreSQL): what the community API reads (community_queries.hpp). Keep in step
-- with ../sqlite/0009_community_api.sql.

-- When a person last marked a thread read: the home feed's unread state.
CREATE TABLE thread_reads (
  actor_id  BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  thread_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  read_at   BIGINT NOT NULL,
  PRIMARY KEY (actor_id, thread_id)
);
CREATE INDEX thread_reads_thread_idx ON thread_reads (thread_id);

-- Threads by publication time (insights, the `top` period) and a thread's comments by time (the
-- `active` sort, first answers).
CREATE INDEX posts_community_published_idx ON posts (community_id, published_at);
CREATE INDEX posts_thread_published_idx ON posts (thread_id, published_at);
-- Vote counts per post.
CREATE INDEX reactions_post_kind_idx ON reactions (post_id, kind);
