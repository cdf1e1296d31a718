-- Guildhall schema v15 (SQLite): dismissed and cleared notifications. Notifications are derived
-- from the rows that cause them (no table of their own), so dismissing one records its id and
-- clearing records a watermark: notifications caused up to it are hidden, later ones show.
-- Keep in step with ../postgres/0015_notification_dismissals.sql.

CREATE TABLE notification_dismissals (
  actor_id        INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  notification_id INTEGER NOT NULL,
  PRIMARY KEY (actor_id, notification_id)
) STRICT;

CREATE TABLE notification_clears (
  actor_id        INTEGER PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
  cleared_through INTEGER NOT NULL
) STRICT;
