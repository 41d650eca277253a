-- Authentication (SPEC.md "Security"): operator and administrator accounts, one-time tokens
-- (invitation, password reset, first operator), sessions, employee SMS codes, rate limits, and
-- the development outbox. Secrets are stored only as SHA-256 hashes (codes salted), passwords
-- only as argon2id hashes. Instants are UTC and come from the application's clock.

CREATE TABLE accounts
(
    id            uuid PRIMARY KEY,
    kind          text        NOT NULL CHECK (kind IN ('OPERATOR', 'ADMINISTRATOR')),
    email         text        NOT NULL UNIQUE CHECK (email = lower(email)),
    name          text        NOT NULL,
    -- NULL until the account holder has set a password through an invitation.
    password_hash text,
    created_at    timestamptz NOT NULL
);

CREATE INDEX accounts_operators ON accounts (kind) WHERE kind = 'OPERATOR';

CREATE TABLE one_time_tokens
(
    token_hash bytea PRIMARY KEY,
    kind       text        NOT NULL CHECK (kind IN ('INVITATION', 'PASSWORD_RESET', 'FIRST_OPERATOR')),
    -- The first-operator token belongs to no account: there is none yet.
    account_id uuid REFERENCES accounts (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    CHECK ((kind = 'FIRST_OPERATOR') = (account_id IS NULL))
);

CREATE INDEX one_time_tokens_account ON one_time_tokens (account_id, kind) WHERE used_at IS NULL;

CREATE TABLE sessions
(
    token_hash       bytea PRIMARY KEY,
    -- The subject: an account, or an employee (phone at a company, from the order link).
    account_id       uuid REFERENCES accounts (id) ON DELETE CASCADE,
    employee_phone   text,
    employee_company uuid,
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    revoked_at       timestamptz,
    CHECK (
        (account_id IS NOT NULL AND employee_phone IS NULL AND employee_company IS NULL)
        OR (account_id IS NULL AND employee_phone IS NOT NULL AND employee_company IS NOT NULL)
    )
);

CREATE INDEX sessions_live_by_account ON sessions (account_id) WHERE revoked_at IS NULL;
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- One live code per phone and company: a new code replaces the previous one.
CREATE TABLE verification_codes
(
    company_id uuid        NOT NULL,
    phone      text        NOT NULL,
    code_hash  bytea       NOT NULL,
    salt       bytea       NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    attempts   integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    PRIMARY KEY (company_id, phone)
);

CREATE INDEX verification_codes_expiry ON verification_codes (expires_at);

-- Sliding-window rate limits shared by all API replicas: the instants of the allowed hits
-- inside the window, updated in one statement under the row's lock.
CREATE TABLE rate_limits
(
    key          text PRIMARY KEY,
    hits         timestamptz[] NOT NULL,
    last_allowed boolean       NOT NULL
);

-- Messages for development and tests; a real outbox with delivery and retries replaces it.
CREATE TABLE dev_outbox
(
    id         bigserial PRIMARY KEY,
    channel    text        NOT NULL CHECK (channel IN ('SMS', 'EMAIL')),
    recipient  text        NOT NULL,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
