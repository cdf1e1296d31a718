-- Guildhall schema v12 (PostgreSQL): instance administration. Keep in step with
-- ../sqlite/0012_instance_admin.sql.

-- What admins edit at run time (the admin API, docs/api.md). One row at most; a NULL column falls
-- back to the configuration file/environment (docs/configuration.md, "Instance settings").
CREATE TABLE instance_settings (
  id              BIGINT PRIMARY KEY CHECK (id = 1),
  title           TEXT CHECK (title IS NULL OR (title <> '' AND char_length(title) <= 100)),
  description     TEXT CHECK (description IS NULL OR char_length(description) <= 2000),
  contact_email   TEXT CHECK (contact_email IS NULL OR char_length(contact_email) <= 320),
  registrations   TEXT CHECK (registrations IS NULL OR registrations IN ('open', 'approval', 'closed')),
  federation_mode TEXT CHECK (federation_mode IS NULL OR federation_mode IN ('open', 'blocklist', 'allowlist')),
  updated_at      BIGINT NOT NULL,
  updated_by      BIGINT REFERENCES actors (id) ON DELETE SET NULL
);
CREATE INDEX instance_settings_updated_by_idx ON instance_settings (updated_by);

-- The admin who took a report on (Mastodon's assign_to_self).
ALTER TABLE community_reports ADD COLUMN assigned_to BIGINT REFERENCES actors (id) ON DELETE SET NULL;
CREATE INDEX community_reports_assigned_to_idx ON community_reports (assigned_to);
