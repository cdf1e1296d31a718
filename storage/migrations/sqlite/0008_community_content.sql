-- Guildhall schema v8 (SQLite): polls and events as community content. Keep in step with
-- ../postgres/0008_community_content.sql.

-- A thread that is a poll (AS2 Question). Tallies are stored: the host recounts them from
-- poll_votes after each vote; a member's instance copies the host's Update(Question).
CREATE TABLE polls (
  post_id      INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
  multiple     INTEGER NOT NULL DEFAULT 0 CHECK (multiple IN (0, 1)),  -- anyOf, else oneOf
  end_time     INTEGER,
  voters_count INTEGER NOT NULL DEFAULT 0 CHECK (voters_count >= 0)
) STRICT;

CREATE TABLE poll_options (
  post_id  INTEGER NOT NULL REFERENCES polls (post_id) ON DELETE CASCADE,
  position INTEGER NOT NULL CHECK (position >= 0),
  name     TEXT    NOT NULL CHECK (name <> ''),
  votes    INTEGER NOT NULL DEFAULT 0 CHECK (votes >= 0),
  PRIMARY KEY (post_id, position)
) STRICT;

-- Votes counted by the host (a Note with `name` replying to the Question). One per person and
-- option; a oneOf poll takes one option per person (checked by the caller).
CREATE TABLE poll_votes (
  id         INTEGER PRIMARY KEY,
  post_id    INTEGER NOT NULL REFERENCES polls (post_id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  actor_id   INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  ap_id      TEXT,
  created_at INTEGER NOT NULL,
  FOREIGN KEY (post_id, position) REFERENCES poll_options (post_id, position) ON DELETE CASCADE
) STRICT;
CREATE UNIQUE INDEX poll_votes_key ON poll_votes (post_id, actor_id, position);
CREATE INDEX poll_votes_actor_idx ON poll_votes (actor_id);
-- The option a vote names (the composite foreign key; position first so it leads an index).
CREATE INDEX poll_votes_option_idx ON poll_votes (position, post_id);
CREATE UNIQUE INDEX poll_votes_ap_id_key ON poll_votes (ap_id) WHERE ap_id IS NOT NULL;

-- A thread that is an event (AS2 Event) and the answers of the people invited.
CREATE TABLE events (
  post_id          INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
  start_time       INTEGER NOT NULL,
  end_time         INTEGER,
  location_name    TEXT,
  location_address TEXT
) STRICT;

CREATE TABLE event_rsvps (
  id         INTEGER PRIMARY KEY,
  post_id    INTEGER NOT NULL REFERENCES events (post_id) ON DELETE CASCADE,
  actor_id   INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  status     TEXT    NOT NULL CHECK (status IN ('going', 'maybe', 'not_going')),
  ap_id      TEXT,
  created_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX event_rsvps_key ON event_rsvps (post_id, actor_id);
CREATE INDEX event_rsvps_actor_idx ON event_rsvps (actor_id);
CREATE UNIQUE INDEX event_rsvps_ap_id_key ON event_rsvps (ap_id) WHERE ap_id IS NOT NULL;
