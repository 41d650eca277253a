-- Ticket links (`<PUBLIC_URL>/billett/<token>`): the link in the approval SMS that opens one
-- ticket's page. The token is random (244 bits) and stored only as its SHA-256 hash. At most
-- one link per subscription is live: sending the link again revokes the old one.
--
-- cause is the approval event (`event:<position>`) whose SMS carried the link, unique so that
-- a notification batch seen again issues no second link; a link sent again by an administrator
-- has none. Not a read model: the projector's notification step and the API write it, a
-- rebuild never touches it (like the outbox).

CREATE TABLE ticket_links
(
    token_hash      bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    subscription_id uuid        NOT NULL,
    cause           text UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz
);

CREATE UNIQUE INDEX ticket_links_live ON ticket_links (subscription_id) WHERE revoked_at IS NULL;
