-- Guildhall schema v7 (sqlite): FEP-521a Multikeys of remote actors.
-- Keep in step with ../postgres/0007_actor_multikeys.sql.

-- The Ed25519 keys an actor lists in `assertionMethod` (besides its RSA `publicKey`, which stays
-- on actors), so RFC 9421 ed25519 signatures verify from storage after a restart and in every
-- process sharing the database. Replaced as a whole whenever the actor document is stored again.
-- Several actors may claim one key id (a forged document): the key resolver believes only the one
-- on the key's origin, so the key id alone is not unique.
CREATE TABLE actor_multikeys (
  actor_id             INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
  key_id               TEXT    NOT NULL CHECK (key_id <> ''),
  public_key_multibase TEXT    NOT NULL CHECK (public_key_multibase <> ''),
  created_at           INTEGER NOT NULL,
  PRIMARY KEY (actor_id, key_id)
);
CREATE INDEX actor_multikeys_key_id ON actor_multikeys (key_id);
