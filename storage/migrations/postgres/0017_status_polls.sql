-- Guildhall schema v17 (PostgreSQL): polls on people's statuses (Mastodon API). The poll tables
-- of 0008 hold any post's poll; this adds what Mastodon's polls have beyond a community's. Keep
-- in step with ../sqlite/0017_status_polls.sql.

-- hide_totals: the tallies are shown only once the poll has ended (Mastodon's poll[hide_totals]).
ALTER TABLE polls ADD COLUMN hide_totals BOOLEAN NOT NULL DEFAULT FALSE;
-- closed_id: a Snowflake given when the poll was found ended (PollRepo::close_ended); it is the
-- id of the `poll` notifications of its author and its local voters, time-ordered like others.
ALTER TABLE polls ADD COLUMN closed_id BIGINT;
CREATE UNIQUE INDEX polls_closed_id_key ON polls (closed_id) WHERE closed_id IS NOT NULL;
CREATE INDEX polls_open_end_idx ON polls (end_time) WHERE closed_id IS NULL AND end_time IS NOT NULL;
