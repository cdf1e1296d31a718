-- Guildhall schema v6 (sqlite): ordered drain after a peer outage, and key lookups by keyId.
-- Keep in step with ../postgres/0006_peer_recovery.sql.

-- When a failing peer was last seen up again (a delivery succeeded, or it sent us a signed
-- request). Deliveries to it created before this moment are its outage backlog: the worker sends
-- them one at a time, in production order, before the host gets its full concurrency back.
ALTER TABLE peers ADD COLUMN recovered_at INTEGER;

-- The key resolver finds a stored actor by the keyId a signature names (not always the actor id
-- plus a fragment), without fetching it.
CREATE INDEX actors_public_key_id ON actors (public_key_id) WHERE public_key_id IS NOT NULL;
