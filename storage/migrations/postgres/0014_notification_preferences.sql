-- Guildhall schema v14 (PostgreSQL): notification preferences. Keep in step with
-- ../sqlite/0014_notification_preferences.sql.

-- The notification categories a person turned off in the web app's settings (client_api.hpp,
-- kNotificationCategories). Notifications are derived from the rows that cause them, so the
-- derivation leaves these categories out for this recipient; no row: everything on.
CREATE TABLE notification_opt_outs (
  actor_id BIGINT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  category TEXT   NOT NULL CHECK (category <> ''),
  PRIMARY KEY (actor_id, category)
);
