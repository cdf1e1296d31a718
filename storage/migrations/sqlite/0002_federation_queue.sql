-- Guildhall schema v2 (SQLite): the inbox's received-activity log and the persistent delivery
-- queue. Keep in step with ../postgres/0002_federation_queue.sql.

-- Inbox dedupe: one row per activity id ever accepted (pruned after the retention window).
CREATE TABLE received_activities (
  ap_id        TEXT    PRIMARY KEY CHECK (ap_id <> ''),
  actor        TEXT    NOT NULL,
  payload_hash TEXT,
  received_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX received_activities_received_at_idx ON received_activities (received_at);

-- Accepted inbox activities waiting for (or done with) their handlers: replayable after a crash.
CREATE TABLE inbox_activities (
  id              INTEGER PRIMARY KEY,
  ap_id           TEXT    NOT NULL CHECK (ap_id <> ''),
  actor           TEXT    NOT NULL,
  signer          TEXT    NOT NULL,
  payload         TEXT    NOT NULL,
  state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  lease_owner     TEXT,
  lease_until     INTEGER,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX inbox_activities_ap_id_key ON inbox_activities (ap_id);
CREATE INDEX inbox_activities_pending_idx ON inbox_activities (next_attempt_at, id)
  WHERE state = 'pending';
CREATE INDEX inbox_activities_finished_idx ON inbox_activities (updated_at)
  WHERE state <> 'pending';

-- Outgoing activities, stored once; deliveries point at them.
CREATE TABLE outbox_activities (
  id         INTEGER PRIMARY KEY,
  ap_id      TEXT    NOT NULL CHECK (ap_id <> ''),
  actor_id   INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  payload    TEXT    NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX outbox_activities_ap_id_key ON outbox_activities (ap_id);
CREATE INDEX outbox_activities_actor_idx ON outbox_activities (actor_id);
CREATE INDEX outbox_activities_created_at_idx ON outbox_activities (created_at);

-- One row per (activity, target inbox). Delivered rows are deleted; rows that failed for good stay
-- (state 'failed') for inspection until their activity is pruned.
CREATE TABLE deliveries (
  id              INTEGER PRIMARY KEY,
  activity_id     INTEGER NOT NULL REFERENCES outbox_activities (id) ON DELETE CASCADE,
  inbox_url       TEXT    NOT NULL CHECK (inbox_url <> ''),
  host            TEXT    NOT NULL CHECK (host <> '' AND host = lower(host)),
  state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  last_status     INTEGER,
  lease_owner     TEXT,
  lease_until     INTEGER,
  created_at      INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX deliveries_activity_inbox_key ON deliveries (activity_id, inbox_url);
-- Per-host FIFO: the claim walks each host's pending rows in id order.
CREATE INDEX deliveries_pending_host_idx ON deliveries (host, id) WHERE state = 'pending';
CREATE INDEX deliveries_pending_due_idx ON deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX deliveries_leased_idx ON deliveries (lease_until)
  WHERE state = 'pending' AND lease_until IS NOT NULL;
CREATE INDEX deliveries_created_at_idx ON deliveries (created_at) WHERE state = 'pending';

-- Per remote host delivery health: the circuit breaker's state, shared by every process.
CREATE TABLE peers (
  host                 TEXT    PRIMARY KEY CHECK (host <> '' AND host = lower(host)),
  consecutive_failures INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  circuit_trips        INTEGER NOT NULL DEFAULT 0 CHECK (circuit_trips >= 0),
  circuit_open_until   INTEGER,
  last_success_at      INTEGER,
  last_failure_at      INTEGER,
  last_status          INTEGER,
  last_error           TEXT,
  updated_at           INTEGER NOT NULL
) STRICT;
