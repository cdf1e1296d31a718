-- Guildhall schema v15 (PostgreSQL): dismissed and cleared notifications. Notifications are
-- derived from the rows that cause them (no table of their own), so dismissing one records its id
-- and clearing records a watermark: notifications caused up to it are hidden, later ones show.
-- Keep in step with ../sqlite/0015_notification_dismissals.sql.

CREATE TABLE notification_dismissals (
  actor_id        BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  notification_id BIGINT NOT NULL,
  PRIMARY KEY (actor_id, notification_id)
);

CREATE TABLE notification_clears (
  actor_id        BIGINT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
  cleared_through BIGINT NOT NULL
);
