-- Guildhall schema v3 (PostgreSQL): what a hosted community records besides its posts. Keep in step
-- with ../sqlite/0003_community_log.sql.

-- The Announces a local group sent, newest last: its ActivityPub outbox (peers backfill from it).
-- Unlike outbox_activities (the delivery queue's copy) these are kept after delivery.
CREATE TABLE community_activities (
  id           BIGINT PRIMARY KEY,
  community_id BIGINT NOT NULL REFERENCES communities (actor_id) ON DELETE CASCADE,
  ap_id        TEXT    NOT NULL CHECK (ap_id <> ''),
  kind         TEXT    NOT NULL CHECK (kind <> ''),  -- the announced activity's type
  payload      TEXT    NOT NULL,
  created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX community_activities_ap_id_key ON community_activities (ap_id);
CREATE INDEX community_activities_community_idx ON community_activities (community_id, id);

-- Every moderation action in a community (local or federated), readable by its members.
CREATE TABLE moderation_log (
  id              BIGINT PRIMARY KEY,
  community_id    BIGINT NOT NULL REFERENCES communities (actor_id) ON DELETE CASCADE,
  moderator_id    BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  action          TEXT    NOT NULL CHECK (action IN (
                    'remove_post', 'restore_post', 'lock', 'unlock', 'pin', 'unpin', 'ban',
                    'unban', 'add_moderator', 'remove_moderator', 'approve_member',
                    'reject_member', 'update_community', 'resolve_report')),
  target_actor_id BIGINT REFERENCES actors (id) ON DELETE SET NULL,
  target_post_id  BIGINT REFERENCES posts (id) ON DELETE SET NULL,
  reason          TEXT,
  expires_at      BIGINT,
  created_at      BIGINT NOT NULL
);
CREATE INDEX moderation_log_community_idx ON moderation_log (community_id, id);
CREATE INDEX moderation_log_moderator_idx ON moderation_log (moderator_id);
CREATE INDEX moderation_log_target_actor_idx ON moderation_log (target_actor_id);
CREATE INDEX moderation_log_target_post_idx ON moderation_log (target_post_id);

-- Reports (Flag) about a community's posts or people, for its moderators.
CREATE TABLE community_reports (
  id              BIGINT PRIMARY KEY,
  community_id    BIGINT NOT NULL REFERENCES communities (actor_id) ON DELETE CASCADE,
  reporter_id     BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  post_id         BIGINT REFERENCES posts (id) ON DELETE CASCADE,
  target_actor_id BIGINT REFERENCES actors (id) ON DELETE CASCADE,
  ap_id           TEXT,
  reason          TEXT,
  created_at      BIGINT NOT NULL,
  resolved_at     BIGINT,
  resolved_by     BIGINT REFERENCES actors (id) ON DELETE SET NULL
);
CREATE INDEX community_reports_community_idx ON community_reports (community_id, id);
CREATE INDEX community_reports_reporter_idx ON community_reports (reporter_id);
CREATE INDEX community_reports_post_idx ON community_reports (post_id);
CREATE INDEX community_reports_target_actor_idx ON community_reports (target_actor_id);
CREATE INDEX community_reports_resolved_by_idx ON community_reports (resolved_by);
CREATE UNIQUE INDEX community_reports_ap_id_key ON community_reports (ap_id) WHERE ap_id IS NOT NULL;
