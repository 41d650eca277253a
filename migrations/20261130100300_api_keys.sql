-- Machine credentials for ticketing and finance systems: API keys with scopes, sent as
-- `Authorization: Bearer bbk_...`. Stored only as the SHA-256 hash of the key (shown once, when
-- made). Operators create and revoke them.

CREATE TABLE api_keys
(
    id         uuid PRIMARY KEY,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    key_hash   bytea       NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
    scopes     text[]      NOT NULL CHECK (cardinality(scopes) > 0
        AND scopes <@ ARRAY ['feed:read', 'reports:read']::text[]),
    created_by uuid        NOT NULL REFERENCES accounts (id),
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);
