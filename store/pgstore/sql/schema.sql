-- oauthgen token store schema. Applied by pgstore.Migrate; every statement is
-- idempotent, so it can run at every start of every replica.

-- One row per token key (one end-user connection).
CREATE TABLE IF NOT EXISTS oauthgen_tokens (
	key         text        PRIMARY KEY,
	-- the token's record (store.Codec): format version (byte 0), key id (bytes
	-- 1-4, big-endian), then the token sealed under that key, or kept in clear
	-- under key id 0 by a store with WithPlaintextTokens
	token       bytea       NOT NULL,
	-- "<key id>:<hex HMAC-SHA256 of the access token>", keyed by the secret of
	-- that key id (through HKDF): the compare-and-swap works on sealed data
	fingerprint text        NOT NULL,
	-- save counter, incremented by every save (not the record's format version)
	version     bigint      NOT NULL DEFAULT 1,
	updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The refresh lease of a key: who holds it, its fencing number, when it ends.
-- A row whose expires_at has passed is free; a crashed holder's row just expires.
CREATE TABLE IF NOT EXISTS oauthgen_leases (
	key        text        PRIMARY KEY,
	fence      bigint      NOT NULL,
	holder     text        NOT NULL,
	expires_at timestamptz NOT NULL
);

-- Fencing numbers only grow, across keys and holders.
CREATE SEQUENCE IF NOT EXISTS oauthgen_lease_fence;
