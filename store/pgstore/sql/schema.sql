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

-- runtime.Connections: when a token must be renewed (runtime.RenewBy; NULL when it
-- cannot or need not be), for DueKeys. The index holds only the rows that have one.
ALTER TABLE oauthgen_tokens ADD COLUMN IF NOT EXISTS renew_by timestamptz;
CREATE INDEX IF NOT EXISTS oauthgen_tokens_renew_by ON oauthgen_tokens (renew_by) WHERE renew_by IS NOT NULL;

-- Pending authorizations of runtime.Connections (Begin, until Complete takes them):
-- the record is sealed like a token's (it holds a PKCE verifier).
CREATE TABLE IF NOT EXISTS oauthgen_pending (
	id         text        PRIMARY KEY,
	data       bytea       NOT NULL,
	expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS oauthgen_pending_expires_at ON oauthgen_pending (expires_at);
